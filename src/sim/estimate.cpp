// Model update: device parameters from measured series by linear least squares. Every design
// matrix is solved with its columns scaled to unit norm and a column-pivoting Householder QR (no
// normal equations, so the conditioning is that of the data, not its square); a rank below the
// number of parameters is reported as a singular design. Equations: docs/operations.md.
#include "ehub/core/format.hpp"
#include "ehub/sim/estimate.hpp"

#include <Eigen/QR>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"

namespace ehub::sim {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Relative threshold of the pivoted QR on unit-norm columns below which a column counts as
// linearly dependent on the others.
constexpr double kRankThreshold = 1e-10;

// A number for messages: up to 6 significant digits ("-5", "0.95", "1e-12").
std::string num(double v) { return format_number(v, 6); }

[[noreturn]] void fail(const char* arg, const std::string& detail) { throw InputError("", arg, detail); }

void require_finite(const char* arg, const VectorXd& v) {
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) {
      std::string d = "not finite at index ";
      d += std::to_string(i);
      fail(arg, d);
    }
}

void require_non_negative(const char* arg, const VectorXd& v) {
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (v[i] < 0) {
      std::string d = "must be >= 0, got ";
      d += num(v[i]);
      d += " at index ";
      d += std::to_string(i);
      fail(arg, d);
    }
}

void require_length(const char* arg, const VectorXd& v, const char* ref_arg, Eigen::Index n) {
  if (v.size() == n) return;
  std::string d = "length ";
  d += std::to_string(v.size());
  d += " differs from ";
  d += ref_arg;
  d += " (";
  d += std::to_string(n);
  d += ")";
  fail(arg, d);
}

void require_positive(const char* arg, double v) {
  if (std::isfinite(v) && v > 0) return;
  std::string d = "must be > 0, got ";
  d += num(v);
  fail(arg, d);
}

void require_points(const char* arg, Eigen::Index usable, Eigen::Index needed, const char* what) {
  if (usable >= needed) return;
  std::string d = "too few usable points: ";
  d += std::to_string(usable);
  d += " ";
  d += what;
  d += ", need at least ";
  d += std::to_string(needed);
  fail(arg, d);
}

FitError fit_error(const VectorXd& y, const VectorXd& residual) {
  FitError f;
  f.points = y.size();
  const double ssr = residual.squaredNorm();
  f.rmse = std::sqrt(ssr / static_cast<double>(y.size()));
  const double sst = (y.array() - y.mean()).matrix().squaredNorm();
  f.r_squared = sst > 0 ? 1.0 - ssr / sst : std::numeric_limits<double>::quiet_NaN();
  return f;
}

struct LinearFit {
  VectorXd beta;
  FitError fit;
};

// min ||X b - y||: columns scaled to unit norm, pivoted QR, rank checked. `arg` and `why` name the
// argument and the reason in the error of a singular design.
LinearFit least_squares(const MatrixXd& x, const VectorXd& y, const char* arg, const char* why) {
  VectorXd scale(x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double n = x.col(j).norm();
    if (!(n > 0)) {
      std::string d = "singular design: ";
      d += why;
      fail(arg, d);
    }
    scale[j] = 1.0 / n;
  }
  const MatrixXd xs = x * scale.asDiagonal();
  Eigen::ColPivHouseholderQR<MatrixXd> qr(xs);
  qr.setThreshold(kRankThreshold);
  if (qr.rank() < x.cols()) {
    std::string d = "singular design: ";
    d += why;
    fail(arg, d);
  }
  LinearFit out;
  out.beta = scale.asDiagonal() * qr.solve(y);
  out.fit = fit_error(y, x * out.beta - y);
  return out;
}

}  // namespace

BatteryEstimate estimate_battery(const VectorXd& charge_kw, const VectorXd& discharge_kw, const VectorXd& soc_kwh,
                                 double step_hours) {
  require_positive("step_hours", step_hours);
  const Eigen::Index n = charge_kw.size();
  require_length("discharge_kw", discharge_kw, "charge_kw", n);
  require_length("soc_kwh", soc_kwh, "charge_kw", n);
  require_finite("charge_kw", charge_kw);
  require_finite("discharge_kw", discharge_kw);
  require_finite("soc_kwh", soc_kwh);
  require_non_negative("charge_kw", charge_kw);
  require_non_negative("discharge_kw", discharge_kw);
  // n steps give n - 1 SOC changes; one more than the 3 parameters so that the fit has a residual.
  require_points("soc_kwh", n, 5, "steps");
  const Eigen::Index rows = n - 1;
  if (charge_kw.tail(rows).maxCoeff() <= 0)
    fail("charge_kw", "singular design: no step after the first charges, the charge efficiency cannot be estimated");
  if (discharge_kw.tail(rows).maxCoeff() <= 0)
    fail("discharge_kw",
         "singular design: no step after the first discharges, the discharge efficiency cannot be estimated");

  MatrixXd x(rows, 3);
  x.col(0) = charge_kw.tail(rows) * step_hours;       // eta_c
  x.col(1) = -discharge_kw.tail(rows) * step_hours;   // 1 / eta_d
  x.col(2) = -soc_kwh.head(rows);                     // loss per step
  const VectorXd y = soc_kwh.tail(rows) - soc_kwh.head(rows);
  const LinearFit f = least_squares(x, y, "soc_kwh",
                                    "charge, discharge and the previous SOC are linearly dependent over the steps");
  if (!(f.beta[1] > 0)) {
    std::string d = "the fitted 1/discharge_efficiency is ";
    d += num(f.beta[1]);
    d += " (must be > 0): the measurements do not follow the storage equation";
    fail("soc_kwh", d);
  }
  BatteryEstimate e;
  e.charge_efficiency = f.beta[0];
  e.discharge_efficiency = 1.0 / f.beta[1];
  e.round_trip_efficiency = e.charge_efficiency * e.discharge_efficiency;
  e.loss_per_step = f.beta[2];
  e.self_discharge_per_h = f.beta[2] / step_hours;
  e.fit = f.fit;
  return e;
}

ChpFuelEstimate estimate_chp_fuel(const VectorXd& p_el_kw, const VectorXd& fuel_kw, const VectorXd& on,
                                  double rated_kw) {
  require_positive("rated_kw", rated_kw);
  const Eigen::Index n = p_el_kw.size();
  require_length("fuel_kw", fuel_kw, "p_el_kw", n);
  if (on.size() != 0) require_length("on", on, "p_el_kw", n);
  require_finite("p_el_kw", p_el_kw);
  require_finite("fuel_kw", fuel_kw);
  require_finite("on", on);
  require_non_negative("p_el_kw", p_el_kw);
  require_non_negative("fuel_kw", fuel_kw);
  for (Eigen::Index i = 0; i < on.size(); ++i)
    if (on[i] < 0 || on[i] > 1) {
      std::string d = "must be in [0, 1], got ";
      d += num(on[i]);
      d += " at index ";
      d += std::to_string(i);
      fail("on", d);
    }

  std::vector<Eigen::Index> used;
  for (Eigen::Index i = 0; i < n; ++i)
    if (on.size() != 0 ? on[i] > 0 : p_el_kw[i] > 0) used.push_back(i);
  const auto m = static_cast<Eigen::Index>(used.size());
  require_points(on.size() != 0 ? "on" : "p_el_kw", m, 3, "committed steps");
  MatrixXd x(m, 2);
  VectorXd y(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index i = used[static_cast<std::size_t>(r)];
    x(r, 0) = on.size() != 0 ? on[i] : 1.0;
    x(r, 1) = p_el_kw[i];
    y[r] = fuel_kw[i];
  }
  const LinearFit f =
      least_squares(x, y, "p_el_kw", "the electric output is proportional to the commitment over the committed steps "
                                     "(one output level), so no-load and incremental fuel cannot be separated");
  ChpFuelEstimate e;
  e.no_load_fuel_kw = f.beta[0];
  e.fuel_per_kw_el = f.beta[1];
  e.rated_kw = rated_kw;
  e.electric_efficiency_at_rated = e.electric_efficiency_at(rated_kw);
  e.fit = f.fit;
  return e;
}

ChillerCopEstimate estimate_chiller_cop(const VectorXd& cooling_kw, const VectorXd& electricity_kw,
                                        const VectorXd& temperature_c, double min_electricity_kw) {
  if (!std::isfinite(min_electricity_kw) || min_electricity_kw < 0) {
    std::string d = "must be >= 0, got ";
    d += num(min_electricity_kw);
    fail("min_electricity_kw", d);
  }
  const Eigen::Index n = cooling_kw.size();
  require_length("electricity_kw", electricity_kw, "cooling_kw", n);
  require_length("temperature_c", temperature_c, "cooling_kw", n);
  require_finite("cooling_kw", cooling_kw);
  require_finite("electricity_kw", electricity_kw);
  require_finite("temperature_c", temperature_c);
  require_non_negative("cooling_kw", cooling_kw);
  require_non_negative("electricity_kw", electricity_kw);

  std::vector<Eigen::Index> used;
  for (Eigen::Index i = 0; i < n; ++i)
    if (electricity_kw[i] > min_electricity_kw) used.push_back(i);
  const auto m = static_cast<Eigen::Index>(used.size());
  require_points("electricity_kw", m, 3, "steps with electricity_kw > min_electricity_kw");
  MatrixXd x(m, 2);
  VectorXd y(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index i = used[static_cast<std::size_t>(r)];
    x(r, 0) = 1.0;
    x(r, 1) = temperature_c[i];
    y[r] = cooling_kw[i] / electricity_kw[i];
  }
  const LinearFit f = least_squares(x, y, "temperature_c",
                                    "the temperature is constant over the usable steps, so the COP slope cannot be "
                                    "estimated");
  ChillerCopEstimate e;
  e.cop_at_0c = f.beta[0];
  e.cop_per_degc = f.beta[1];
  e.fit = f.fit;
  return e;
}

PvPerformanceEstimate estimate_pv_performance_ratio(const VectorXd& ac_kw, const VectorXd& reference, double capacity_kw,
                                                    double min_reference) {
  require_positive("capacity_kw", capacity_kw);
  if (!std::isfinite(min_reference) || min_reference < 0) {
    std::string d = "must be >= 0, got ";
    d += num(min_reference);
    fail("min_reference", d);
  }
  const Eigen::Index n = ac_kw.size();
  require_length("reference", reference, "ac_kw", n);
  require_finite("ac_kw", ac_kw);
  require_finite("reference", reference);
  require_non_negative("reference", reference);

  std::vector<Eigen::Index> used;
  for (Eigen::Index i = 0; i < n; ++i)
    if (reference[i] > min_reference) used.push_back(i);
  const auto m = static_cast<Eigen::Index>(used.size());
  require_points("reference", m, 2, "steps with reference > min_reference");
  MatrixXd x(m, 1);
  VectorXd y(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index i = used[static_cast<std::size_t>(r)];
    x(r, 0) = capacity_kw * reference[i];
    y[r] = ac_kw[i];
  }
  const LinearFit f = least_squares(x, y, "reference", "the reference is zero at every usable step");
  PvPerformanceEstimate e;
  e.performance_ratio = f.beta[0];
  e.fit = f.fit;
  return e;
}

}  // namespace ehub::sim
