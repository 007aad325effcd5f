// Model update: the least-squares estimators recover known device parameters from simulated
// measurements, exactly without noise and within a few standard errors with seeded Gaussian noise;
// bad input is rejected with a message naming the argument.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <random>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/sim/estimate.hpp"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
namespace sim = ehub::sim;

// Standard errors of the ordinary least-squares coefficients of design `x` when row i of the target
// carries independent noise of variance var[i]: sqrt(diag((X'X)^-1 X' diag(var) X (X'X)^-1)).
// Tolerances below are a multiple of these, so they follow from the noise level of each test.
VectorXd ols_standard_errors(const MatrixXd& x, const VectorXd& var) {
  const MatrixXd inv = (x.transpose() * x).inverse();
  const MatrixXd cov = inv * x.transpose() * var.asDiagonal() * x * inv;
  return cov.diagonal().cwiseSqrt();
}

// A tolerance of 6 standard errors: a correct estimator fails it with probability ~2e-9.
constexpr double kSigmas = 6.0;

void expect_input_error(const std::function<void()>& f, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "no InputError; expected: " << message;
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

// ---------------------------------------------------------------------------------------------
// battery

struct BatteryData {
  VectorXd charge_kw, discharge_kw, soc_kwh, soc_true_kwh;
};

constexpr double kEtaC = 0.95, kEtaD = 0.94, kLoss = 0.001, kDtH = 0.25;

// 2000 quarter-hour steps of a 2000 kWh / 500 kW battery under random setpoints (charge, discharge
// or idle), kept within 10..90 % SOC; the SOC meter adds N(0, soc_noise_kwh^2).
BatteryData simulate_battery(double soc_noise_kwh, unsigned seed) {
  const int n = 2000;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  BatteryData d{VectorXd::Zero(n), VectorXd::Zero(n), VectorXd::Zero(n), VectorXd::Zero(n)};
  double soc = 1000.0;
  for (int t = 0; t < n; ++t) {
    const double mode = u(rng), p = 500.0 * u(rng);
    double c = 0, g = 0;
    if (mode < 0.4) c = p;
    else if (mode < 0.8) g = p;
    double next = (1 - kLoss) * soc + kEtaC * c * kDtH - g * kDtH / kEtaD;
    if (next > 1800.0 || next < 200.0) {  // would leave the band: idle instead
      c = g = 0;
      next = (1 - kLoss) * soc;
    }
    soc = next;
    d.charge_kw[t] = c;
    d.discharge_kw[t] = g;
    d.soc_true_kwh[t] = soc;
    d.soc_kwh[t] = soc + soc_noise_kwh * noise(rng);
  }
  return d;
}

TEST(Estimate, BatteryExactWithoutNoise) {
  const BatteryData d = simulate_battery(0.0, 1);
  const sim::BatteryEstimate e = sim::estimate_battery(d.charge_kw, d.discharge_kw, d.soc_kwh, kDtH);
  EXPECT_NEAR(e.charge_efficiency, kEtaC, 1e-9);
  EXPECT_NEAR(e.discharge_efficiency, kEtaD, 1e-9);
  EXPECT_NEAR(e.round_trip_efficiency, kEtaC * kEtaD, 1e-9);
  EXPECT_NEAR(e.loss_per_step, kLoss, 1e-9);
  EXPECT_NEAR(e.self_discharge_per_h, kLoss / kDtH, 1e-9);
  EXPECT_EQ(e.fit.points, 1999);
  EXPECT_LT(e.fit.rmse, 1e-9);
  EXPECT_NEAR(e.fit.r_squared, 1.0, 1e-12);
}

TEST(Estimate, BatteryWithNoiseWithinStandardErrors) {
  const double sigma = 0.5;  // kWh, 0.025 % of the capacity
  const BatteryData d = simulate_battery(sigma, 7);
  const sim::BatteryEstimate e = sim::estimate_battery(d.charge_kw, d.discharge_kw, d.soc_kwh, kDtH);
  // The equation error of step t is e_t - (1 - loss) e_{t-1}: variance ~ 2 sigma^2. The design is
  // taken from the true SOC; the error in the regressor soc_{t-1} biases the loss by about
  // sigma^2 / mean(soc^2) ~ 2e-7, far below its standard error.
  const Eigen::Index rows = d.soc_true_kwh.size() - 1;
  MatrixXd x(rows, 3);
  x.col(0) = d.charge_kw.tail(rows) * kDtH;
  x.col(1) = -d.discharge_kw.tail(rows) * kDtH;
  x.col(2) = -d.soc_true_kwh.head(rows);
  const VectorXd se = ols_standard_errors(x, VectorXd::Constant(rows, 2 * sigma * sigma));
  // The standard errors are small enough for the test to mean something.
  EXPECT_LT(se[0], 1e-3);
  EXPECT_LT(se[1], 1e-3);
  EXPECT_LT(se[2], 1e-4);
  EXPECT_NEAR(e.charge_efficiency, kEtaC, kSigmas * se[0]);
  // eta_d = 1 / beta: its standard error is eta_d^2 * se(beta) (delta method).
  EXPECT_NEAR(e.discharge_efficiency, kEtaD, kSigmas * kEtaD * kEtaD * se[1]);
  EXPECT_NEAR(e.loss_per_step, kLoss, kSigmas * se[2]);
  EXPECT_NEAR(e.round_trip_efficiency, kEtaC * kEtaD, kSigmas * (se[0] + kEtaD * kEtaD * se[1]));
  // RMSE of the SOC change ~ sqrt(2) sigma; R^2 close to 1.
  EXPECT_NEAR(e.fit.rmse, std::sqrt(2.0) * sigma, 0.1 * sigma);
  EXPECT_GT(e.fit.r_squared, 0.999);
}

TEST(Estimate, BatteryBadInput) {
  const BatteryData d = simulate_battery(0.0, 1);
  const VectorXd c = d.charge_kw.head(6), g = d.discharge_kw.head(6), s = d.soc_kwh.head(6);
  expect_input_error([&] { sim::estimate_battery(c, g.head(5), s, kDtH); },
                     "[ehub.input] discharge_kw: length 5 differs from charge_kw (6)");
  expect_input_error([&] { sim::estimate_battery(c, g, s.head(4), kDtH); },
                     "[ehub.input] soc_kwh: length 4 differs from charge_kw (6)");
  VectorXd bad = s;
  bad[2] = std::nan("");
  expect_input_error([&] { sim::estimate_battery(c, g, bad, kDtH); }, "[ehub.input] soc_kwh: not finite at index 2");
  VectorXd neg = c;
  neg[3] = -1.5;
  expect_input_error([&] { sim::estimate_battery(neg, g, s, kDtH); },
                     "[ehub.input] charge_kw: must be >= 0, got -1.5 at index 3");
  expect_input_error([&] { sim::estimate_battery(c, g, s, 0.0); }, "[ehub.input] step_hours: must be > 0, got 0");
  expect_input_error([&] { sim::estimate_battery(c.head(4), g.head(4), s.head(4), kDtH); },
                     "[ehub.input] soc_kwh: too few usable points: 4 steps, need at least 5");
  const VectorXd zero = VectorXd::Zero(6);
  expect_input_error([&] { sim::estimate_battery(c, zero, s, kDtH); },
                     "[ehub.input] discharge_kw: singular design: no step after the first discharges, the "
                     "discharge efficiency cannot be estimated");
  expect_input_error([&] { sim::estimate_battery(zero, g, s, kDtH); },
                     "[ehub.input] charge_kw: singular design: no step after the first charges, the charge "
                     "efficiency cannot be estimated");
  // Charge and discharge proportional in every step: their columns are dependent.
  VectorXd cc(6), gg(6), ss(6);
  cc << 0, 10, 20, 30, 40, 50;
  gg = 2 * cc;
  ss << 100, 101, 103, 99, 104, 98;
  expect_input_error([&] { sim::estimate_battery(cc, gg, ss, 1.0); },
                     "[ehub.input] soc_kwh: singular design: charge, discharge and the previous SOC are linearly "
                     "dependent over the steps");
}

// ---------------------------------------------------------------------------------------------
// CHP fuel line

constexpr double kA = 120.0, kB = 2.3, kRated = 1000.0;

struct ChpData {
  VectorXd p_el_kw, fuel_kw, on;
};

// 1000 hourly steps, committed 70 % of the time at 400..1000 kW; the fuel meter adds N(0, sigma^2).
ChpData simulate_chp(double sigma, unsigned seed) {
  const int n = 1000;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  ChpData d{VectorXd::Zero(n), VectorXd::Zero(n), VectorXd::Zero(n)};
  for (int t = 0; t < n; ++t) {
    if (u(rng) < 0.3) continue;
    d.on[t] = 1;
    d.p_el_kw[t] = 400.0 + 600.0 * u(rng);
    d.fuel_kw[t] = kA + kB * d.p_el_kw[t] + sigma * noise(rng);
  }
  return d;
}

TEST(Estimate, ChpFuelExactWithoutNoise) {
  const ChpData d = simulate_chp(0.0, 3);
  for (const VectorXd& on : {d.on, VectorXd()}) {  // commitment given, and derived from p_el_kw > 0
    const sim::ChpFuelEstimate e = sim::estimate_chp_fuel(d.p_el_kw, d.fuel_kw, on, kRated);
    EXPECT_NEAR(e.no_load_fuel_kw, kA, 1e-9);
    EXPECT_NEAR(e.fuel_per_kw_el, kB, 1e-9);
    EXPECT_NEAR(e.electric_efficiency_at_rated, kRated / (kA + kB * kRated), 1e-12);
    EXPECT_NEAR(e.electric_efficiency_at(400.0), 400.0 / (kA + kB * 400.0), 1e-12);
    EXPECT_EQ(e.rated_kw, kRated);
    EXPECT_EQ(e.fit.points, static_cast<std::int64_t>(d.on.sum()));
    EXPECT_LT(e.fit.rmse, 1e-9);
  }
}

TEST(Estimate, ChpFuelWithNoiseWithinStandardErrors) {
  const double sigma = 5.0;  // kW of fuel, 0.2 % of full-load fuel
  const ChpData d = simulate_chp(sigma, 11);
  const sim::ChpFuelEstimate e = sim::estimate_chp_fuel(d.p_el_kw, d.fuel_kw, d.on, kRated);
  MatrixXd x(static_cast<Eigen::Index>(d.on.sum()), 2);
  for (Eigen::Index t = 0, r = 0; t < d.on.size(); ++t)
    if (d.on[t] > 0) x.row(r++) << 1.0, d.p_el_kw[t];
  const VectorXd se = ols_standard_errors(x, VectorXd::Constant(x.rows(), sigma * sigma));
  EXPECT_LT(se[0], 2.0);
  EXPECT_LT(se[1], 3e-3);
  EXPECT_NEAR(e.no_load_fuel_kw, kA, kSigmas * se[0]);
  EXPECT_NEAR(e.fuel_per_kw_el, kB, kSigmas * se[1]);
  // d eta / d a = -P / F^2, d eta / d b = -P^2 / F^2 at P = rated (bounded by the sum of both).
  const double f = kA + kB * kRated;
  EXPECT_NEAR(e.electric_efficiency_at_rated, kRated / f, kSigmas * (kRated * se[0] + kRated * kRated * se[1]) / (f * f));
  EXPECT_NEAR(e.fit.rmse, sigma, 0.1 * sigma);
  EXPECT_GT(e.fit.r_squared, 0.999);
}

TEST(Estimate, ChpFuelBadInput) {
  VectorXd p(4), fuel(4), on(4);
  p << 500, 500, 500, 0;
  fuel << 1270, 1270, 1270, 0;
  on << 1, 1, 1, 0;
  expect_input_error([&] { sim::estimate_chp_fuel(p, fuel, on, kRated); },
                     "[ehub.input] p_el_kw: singular design: the electric output is proportional to the commitment "
                     "over the committed steps (one output level), so no-load and incremental fuel cannot be "
                     "separated");
  expect_input_error([&] { sim::estimate_chp_fuel(p, fuel.head(3), on, kRated); },
                     "[ehub.input] fuel_kw: length 3 differs from p_el_kw (4)");
  expect_input_error([&] { sim::estimate_chp_fuel(p, fuel, on.head(2), kRated); },
                     "[ehub.input] on: length 2 differs from p_el_kw (4)");
  expect_input_error([&] { sim::estimate_chp_fuel(p, fuel, on, 0.0); }, "[ehub.input] rated_kw: must be > 0, got 0");
  VectorXd half = on;
  half[1] = 1.5;
  expect_input_error([&] { sim::estimate_chp_fuel(p, fuel, half, kRated); },
                     "[ehub.input] on: must be in [0, 1], got 1.5 at index 1");
  VectorXd nan = fuel;
  nan[0] = std::nan("");
  expect_input_error([&] { sim::estimate_chp_fuel(p, nan, on, kRated); }, "[ehub.input] fuel_kw: not finite at index 0");
  VectorXd two = on;
  two[2] = 0;
  expect_input_error([&] { sim::estimate_chp_fuel(p, fuel, two, kRated); },
                     "[ehub.input] on: too few usable points: 2 committed steps, need at least 3");
  expect_input_error([&] { sim::estimate_chp_fuel(VectorXd::Zero(4), fuel, VectorXd(), kRated); },
                     "[ehub.input] p_el_kw: too few usable points: 0 committed steps, need at least 3");
}

// ---------------------------------------------------------------------------------------------
// chiller COP vs outdoor temperature

constexpr double kC0 = 5.2, kC1 = -0.06, kMinEl = 10.0;

struct ChillerData {
  VectorXd cooling_kw, electricity_kw, temperature_c;
};

// 1500 hourly steps at 15..38 degC, electricity 20..300 kW, 10 % of steps nearly off (2 kW, below
// the threshold); the cooling meter adds N(0, sigma^2).
ChillerData simulate_chiller(double sigma, unsigned seed) {
  const int n = 1500;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  ChillerData d{VectorXd::Zero(n), VectorXd::Zero(n), VectorXd::Zero(n)};
  for (int t = 0; t < n; ++t) {
    d.temperature_c[t] = 15.0 + 23.0 * u(rng);
    d.electricity_kw[t] = u(rng) < 0.1 ? 2.0 : 20.0 + 280.0 * u(rng);
    d.cooling_kw[t] = std::max(0.0, d.electricity_kw[t] * (kC0 + kC1 * d.temperature_c[t]) + sigma * noise(rng));
  }
  return d;
}

TEST(Estimate, ChillerCopExactWithoutNoise) {
  const ChillerData d = simulate_chiller(0.0, 5);
  const sim::ChillerCopEstimate e = sim::estimate_chiller_cop(d.cooling_kw, d.electricity_kw, d.temperature_c, kMinEl);
  EXPECT_NEAR(e.cop_at_0c, kC0, 1e-9);
  EXPECT_NEAR(e.cop_per_degc, kC1, 1e-9);
  EXPECT_NEAR(e.cop_at(30.0), kC0 + kC1 * 30.0, 1e-9);
  EXPECT_EQ(e.fit.points, (d.electricity_kw.array() > kMinEl).count());
  EXPECT_LT(e.fit.points, 1500);
  EXPECT_LT(e.fit.rmse, 1e-9);
}

TEST(Estimate, ChillerCopWithNoiseWithinStandardErrors) {
  const double sigma = 3.0;  // kW of cooling
  const ChillerData d = simulate_chiller(sigma, 13);
  const sim::ChillerCopEstimate e = sim::estimate_chiller_cop(d.cooling_kw, d.electricity_kw, d.temperature_c, kMinEl);
  // The measured COP of step t has noise sigma / electricity_t (heteroscedastic): sandwich errors.
  const Eigen::Index m = (d.electricity_kw.array() > kMinEl).count();
  MatrixXd x(m, 2);
  VectorXd var(m);
  for (Eigen::Index t = 0, r = 0; t < d.electricity_kw.size(); ++t)
    if (d.electricity_kw[t] > kMinEl) {
      x.row(r) << 1.0, d.temperature_c[t];
      var[r++] = sigma * sigma / (d.electricity_kw[t] * d.electricity_kw[t]);
    }
  const VectorXd se = ols_standard_errors(x, var);
  EXPECT_LT(se[0], 0.02);
  EXPECT_LT(se[1], 1e-3);
  EXPECT_NEAR(e.cop_at_0c, kC0, kSigmas * se[0]);
  EXPECT_NEAR(e.cop_per_degc, kC1, kSigmas * se[1]);
  EXPECT_NEAR(e.fit.rmse, std::sqrt(var.mean()), 0.1 * std::sqrt(var.mean()));
}

TEST(Estimate, ChillerCopBadInput) {
  VectorXd cool(4), el(4), temp(4);
  cool << 400, 420, 380, 0;
  el << 100, 100, 100, 0;
  temp << 25, 25, 25, 25;
  expect_input_error([&] { sim::estimate_chiller_cop(cool, el, temp); },
                     "[ehub.input] temperature_c: singular design: the temperature is constant over the usable steps, "
                     "so the COP slope cannot be estimated");
  expect_input_error([&] { sim::estimate_chiller_cop(cool, el, temp, 100.0); },
                     "[ehub.input] electricity_kw: too few usable points: 0 steps with electricity_kw > "
                     "min_electricity_kw, need at least 3");
  expect_input_error([&] { sim::estimate_chiller_cop(cool, el, temp.head(3)); },
                     "[ehub.input] temperature_c: length 3 differs from cooling_kw (4)");
  expect_input_error([&] { sim::estimate_chiller_cop(cool, el, temp, -1.0); },
                     "[ehub.input] min_electricity_kw: must be >= 0, got -1");
  VectorXd inf = temp;
  inf[1] = std::numeric_limits<double>::infinity();
  expect_input_error([&] { sim::estimate_chiller_cop(cool, el, inf); },
                     "[ehub.input] temperature_c: not finite at index 1");
}

// ---------------------------------------------------------------------------------------------
// PV performance ratio

constexpr double kPr = 0.81, kCapacity = 5000.0;

struct PvData {
  VectorXd ac_kw, reference;
};

// 30 days hourly: a half-sine day from 6 to 18 h scaled by random cloudiness; night zero. The AC
// meter adds N(0, sigma^2) by day (night is skipped by the estimator).
PvData simulate_pv(double sigma, unsigned seed) {
  const int n = 30 * 24;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  PvData d{VectorXd::Zero(n), VectorXd::Zero(n)};
  for (int t = 0; t < n; ++t) {
    const int h = t % 24;
    if (h <= 6 || h >= 18) continue;
    d.reference[t] = std::sin(std::numbers::pi * (h - 6) / 12.0) * (0.3 + 0.7 * u(rng));
    d.ac_kw[t] = kPr * kCapacity * d.reference[t] + sigma * noise(rng);
  }
  return d;
}

TEST(Estimate, PvPerformanceRatioExactWithoutNoise) {
  const PvData d = simulate_pv(0.0, 17);
  const sim::PvPerformanceEstimate e = sim::estimate_pv_performance_ratio(d.ac_kw, d.reference, kCapacity);
  EXPECT_NEAR(e.performance_ratio, kPr, 1e-9);
  EXPECT_EQ(e.fit.points, 30 * 11);
  EXPECT_LT(e.fit.rmse, 1e-9);
}

TEST(Estimate, PvPerformanceRatioWithNoiseWithinStandardErrors) {
  const double sigma = 20.0;  // kW, 0.4 % of the capacity
  const PvData d = simulate_pv(sigma, 19);
  const sim::PvPerformanceEstimate e = sim::estimate_pv_performance_ratio(d.ac_kw, d.reference, kCapacity);
  // Through the origin: se(PR) = sigma / sqrt(sum x^2), x = capacity * reference.
  const double se = sigma / (kCapacity * d.reference.norm());
  EXPECT_LT(se, 1e-3);
  EXPECT_NEAR(e.performance_ratio, kPr, kSigmas * se);
  EXPECT_NEAR(e.fit.rmse, sigma, 0.15 * sigma);
  EXPECT_GT(e.fit.r_squared, 0.99);
}

TEST(Estimate, PvPerformanceRatioBadInput) {
  VectorXd ac(3), ref(3);
  ac << 0, 100, 200;
  ref << 0, 0.025, 0.05;
  expect_input_error([&] { sim::estimate_pv_performance_ratio(ac, ref, 0.0); },
                     "[ehub.input] capacity_kw: must be > 0, got 0");
  expect_input_error([&] { sim::estimate_pv_performance_ratio(ac, ref, kCapacity, 0.03); },
                     "[ehub.input] reference: too few usable points: 1 steps with reference > min_reference, need at "
                     "least 2");
  expect_input_error([&] { sim::estimate_pv_performance_ratio(ac.head(2), ref, kCapacity); },
                     "[ehub.input] reference: length 3 differs from ac_kw (2)");
  VectorXd neg = ref;
  neg[0] = -0.1;
  expect_input_error([&] { sim::estimate_pv_performance_ratio(ac, neg, kCapacity); },
                     "[ehub.input] reference: must be >= 0, got -0.1 at index 0");
  VectorXd nan = ac;
  nan[1] = std::nan("");
  expect_input_error([&] { sim::estimate_pv_performance_ratio(nan, ref, kCapacity); },
                     "[ehub.input] ac_kw: not finite at index 1");
}

}  // namespace
