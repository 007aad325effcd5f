// Baselines and M&V (docs/baselines.md): TOWT, change points, similar days, Guideline 14.
#include "ehub/ems/baseline.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>

#include "ehub/core/error.hpp"

namespace ehub::ems {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

bool finite(double v) { return std::isfinite(v); }

std::string month_label(const LocalTime& l) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", l.year, l.month);
  return buf;
}

std::string day_label(const LocalTime& l) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", l.year, l.month, l.day);
  return buf;
}

/// Weighted least squares from the normal equations; free columns get 0. Returns the rank.
int solve_normal(const Eigen::MatrixXd& xtx, const Eigen::VectorXd& xty, Eigen::VectorXd& beta) {
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xtx);
  const double scale = xtx.diagonal().cwiseAbs().maxCoeff();
  qr.setThreshold(scale > 0 ? 1e-11 : 1e-300);
  beta = qr.solve(xty);
  for (Eigen::Index i = 0; i < beta.size(); ++i)
    if (!finite(beta[i])) beta[i] = 0;
  return static_cast<int>(qr.rank());
}

// Temperature features of LBNL's TOWT: column 0 = min(T, k1), column j = T - k_j clamped to
// [0, k_{j+1} - k_j], the last = max(T - k_K, 0); they sum to T.
void temperature_features(double t, const std::vector<double>& knots, double* out) {
  const std::size_t k = knots.size();
  if (k == 0) {
    out[0] = t;
    return;
  }
  out[0] = std::min(t, knots[0]);
  for (std::size_t j = 1; j < k; ++j) out[j] = std::clamp(t - knots[j - 1], 0.0, knots[j] - knots[j - 1]);
  out[k] = std::max(t - knots[k - 1], 0.0);
}

std::size_t bin_of(double t, const std::vector<double>& knots) {
  std::size_t b = 0;
  while (b < knots.size() && t > knots[b]) ++b;
  return b;
}

}  // namespace

std::string_view to_string(Granularity g) noexcept {
  switch (g) {
    case Granularity::hourly: return "hourly";
    case Granularity::daily: return "daily";
    case Granularity::monthly: return "monthly";
  }
  return "hourly";
}

Granularity granularity_from_string(std::string_view name) {
  for (auto g : {Granularity::hourly, Granularity::daily, Granularity::monthly})
    if (to_string(g) == name) return g;
  throw InputError("", "", "unknown granularity \"" + std::string(name) + "\" (hourly, daily, monthly)");
}

Gates guideline14_gates(Granularity g) noexcept {
  if (g == Granularity::monthly) return {0.15, 0.05};
  return {0.30, 0.10};
}

GoodnessOfFit goodness_of_fit(const Eigen::VectorXd& y, const Eigen::VectorXd& yhat, int p, Granularity granularity) {
  if (y.size() != yhat.size())
    throw InputError("", "yhat", "has " + std::to_string(yhat.size()) + " values, y has " + std::to_string(y.size()));
  if (p < 0) throw InputError("", "p", "must be >= 0");
  GoodnessOfFit g;
  g.granularity = granularity;
  g.p = p;
  g.gates = guideline14_gates(granularity);
  double sum_y = 0, sse = 0, bias = 0;
  std::vector<double> res;
  res.reserve(static_cast<std::size_t>(y.size()));
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (!finite(y[i]) || !finite(yhat[i])) continue;
    sum_y += y[i];
    const double r = y[i] - yhat[i];
    res.push_back(r);
    sse += r * r;
    bias += r;
  }
  g.n = static_cast<std::int64_t>(res.size());
  if (g.n <= p)
    throw InputError("", "y", std::to_string(g.n) + " observations with a value are too few for a model with " +
                                  std::to_string(p) + " parameters");
  g.mean_y = sum_y / static_cast<double>(g.n);
  double sst = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (finite(y[i]) && finite(yhat[i])) sst += (y[i] - g.mean_y) * (y[i] - g.mean_y);
  const double dof = static_cast<double>(g.n - p);
  g.rmse = std::sqrt(sse / dof);
  g.cv_rmse = g.rmse / g.mean_y;
  g.nmbe = bias / (dof * g.mean_y);
  g.r_squared = sst > 0 ? 1 - sse / sst : kNaN;
  const double mean_r = bias / static_cast<double>(g.n);
  double num = 0, den = 0;
  for (std::size_t i = 0; i < res.size(); ++i) {
    den += (res[i] - mean_r) * (res[i] - mean_r);
    if (i > 0) num += (res[i] - mean_r) * (res[i - 1] - mean_r);
  }
  g.rho_lag1 = den > 0 ? num / den : 0;
  g.residual_std = std::sqrt(den / static_cast<double>(std::max<std::int64_t>(g.n - 1, 1)));
  std::vector<std::string> why;
  if (!(g.mean_y > 0)) why.push_back("the mean of the measured values is not positive (CV(RMSE) undefined)");
  if (!(g.cv_rmse <= g.gates.max_cv_rmse))
    why.push_back("CV(RMSE) " + fmt("%.1f", 100 * g.cv_rmse) + " % > " + fmt("%.0f", 100 * g.gates.max_cv_rmse) + " %");
  if (!(std::abs(g.nmbe) <= g.gates.max_abs_nmbe))
    why.push_back("|NMBE| " + fmt("%.2f", 100 * std::abs(g.nmbe)) + " % > " + fmt("%.0f", 100 * g.gates.max_abs_nmbe) + " %");
  g.acceptable = why.empty();
  for (std::size_t i = 0; i < why.size(); ++i) g.reason += (i ? "; " : "") + why[i];
  if (!g.acceptable) g.reason += std::string(" (ASHRAE Guideline 14, ").append(to_string(granularity)).append(" data)");
  return g;
}

DataSufficiency data_sufficiency(const IntervalData& energy, const Eigen::VectorXd& temperature_c,
                                 const SufficiencyOptions& o) {
  energy.validate();
  if (temperature_c.size() != energy.size())
    throw InputError("", "temperature", "has " + std::to_string(temperature_c.size()) + " values, the energy " +
                                            std::to_string(energy.size()));
  DataSufficiency d;
  const auto& grid = energy.grid;
  d.days = static_cast<double>(grid.size()) * grid.step_hours() / 24.0;
  std::map<std::string, std::pair<double, double>> day_count, month_count;  // label -> (pairs, steps)
  std::vector<std::string> month_order;
  for (std::int64_t i = 0; i < grid.size(); ++i) {
    const LocalTime l = to_local(grid.time_unix_s(i), o.utc_offset_minutes);
    const bool ok = finite(energy.value[i]) && finite(temperature_c[i]);
    auto& dc = day_count[day_label(l)];
    dc.first += ok;
    dc.second += 1;
    const std::string m = month_label(l);
    auto [it, fresh] = month_count.try_emplace(m, 0.0, 0.0);
    if (fresh) month_order.push_back(m);
    it->second.first += ok;
  }
  // Hours of each month counted over the whole calendar month: a month the period covers in part
  // is short of data for a monthly segment.
  const double step_h = grid.step_hours();
  for (const auto& m : month_order) {
    const int year = std::stoi(m.substr(0, 4)), month = std::stoi(m.substr(5, 2));
    month_count[m].second = days_in_month(year, month) * 24.0 / step_h;
  }
  double days_ok = 0;
  const double steps_per_day = 24.0 / step_h;
  for (const auto& [label, c] : day_count) days_ok += c.first >= 0.5 * steps_per_day ? 1 : 0;
  d.day_coverage = day_count.empty() ? 0 : days_ok / static_cast<double>(std::max<std::size_t>(day_count.size(), 1));
  if (d.days + 1e-9 < o.min_days)
    d.problems.push_back("the baseline has " + fmt("%.1f", d.days) + " days, CalTRACK needs " + fmt("%.0f", o.min_days));
  if (d.day_coverage + 1e-12 < o.min_day_coverage)
    d.problems.push_back(fmt("%.1f", 100 * d.day_coverage) + " % of the baseline's days have data, CalTRACK needs " +
                         fmt("%.0f", 100 * o.min_day_coverage) + " %");
  for (const auto& m : month_order) {
    const auto& c = month_count[m];
    d.months.push_back(m);
    d.month_hour_coverage.push_back(c.first / c.second);
    if (o.hourly && c.first / c.second + 1e-12 < o.min_month_coverage)
      d.problems.push_back(m + " has " + fmt("%.1f", 100 * c.first / c.second) +
                           " % of its hours with energy and temperature, CalTRACK hourly needs " +
                           fmt("%.0f", 100 * o.min_month_coverage) + " %");
  }
  d.sufficient = d.problems.empty();
  return d;
}

// --- TOWT ---------------------------------------------------------------------------------------

void TowtOptions::validate() const {
  for (std::size_t i = 0; i < temperature_knots_c.size(); ++i) {
    if (!finite(temperature_knots_c[i]))
      throw InputError("", "options/temperature_knots_c/" + std::to_string(i), "must be finite");
    if (i > 0 && !(temperature_knots_c[i] > temperature_knots_c[i - 1]))
      throw InputError("", "options/temperature_knots_c/" + std::to_string(i), "knots must increase");
  }
  if (min_hours_per_bin < 0) throw InputError("", "options/min_hours_per_bin", "must be >= 0");
  if (!(occupancy_threshold > 0 && occupancy_threshold < 1))
    throw InputError("", "options/occupancy_threshold", "must be within (0, 1)");
}

namespace {

struct Row {
  int how;
  double t;
  double y;
  double w;
};

TowtSegment fit_segment(const std::vector<Row>& rows, const TowtOptions& o, int month) {
  TowtSegment s;
  s.month = month;
  // 1. Occupancy from a regression on heating and cooling degrees at 10 and 18.33 deg C.
  {
    Eigen::Matrix3d xtx = Eigen::Matrix3d::Zero();
    Eigen::Vector3d xty = Eigen::Vector3d::Zero();
    for (const auto& r : rows) {
      const Eigen::Vector3d x(1.0, std::min(r.t - 10.0, 0.0), std::max(r.t - 165.0 / 9.0, 0.0));
      xtx += r.w * x * x.transpose();
      xty += r.w * r.y * x;
    }
    Eigen::VectorXd b;
    solve_normal(xtx, xty, b);
    std::array<double, 168> pos{}, all{};
    for (const auto& r : rows) {
      const double fit = b[0] + b[1] * std::min(r.t - 10.0, 0.0) + b[2] * std::max(r.t - 165.0 / 9.0, 0.0);
      all[static_cast<std::size_t>(r.how)] += r.w;
      if (r.y - fit > 0) pos[static_cast<std::size_t>(r.how)] += r.w;
    }
    for (std::size_t h = 0; h < 168; ++h) s.occupied[h] = all[h] > 0 && pos[h] > o.occupancy_threshold * all[h];
  }
  // 2. Temperature bins: merge any bin with too few hours into its neighbour.
  s.knots_c = o.temperature_knots_c;
  for (;;) {
    std::vector<int> count(s.knots_c.size() + 1, 0);
    for (const auto& r : rows) ++count[bin_of(r.t, s.knots_c)];
    std::size_t bad = count.size();
    for (std::size_t b = 0; b < count.size(); ++b)
      if (count[b] < o.min_hours_per_bin) {
        bad = b;
        break;
      }
    if (bad == count.size() || s.knots_c.empty()) break;
    // The last bin loses its lower endpoint, any other its upper one.
    const std::size_t knot = bad == s.knots_c.size() ? bad - 1 : bad;
    s.knots_c.erase(s.knots_c.begin() + static_cast<std::ptrdiff_t>(knot));
  }
  // 3. Columns: the hours of week seen, then the temperature features of occupied and of
  // unoccupied hours (one set when all hours are of one kind).
  std::array<int, 168> col_of{};
  col_of.fill(-1);
  int ncol = 0;
  bool any_occ = false, any_unocc = false;
  for (const auto& r : rows) {
    if (col_of[static_cast<std::size_t>(r.how)] < 0) col_of[static_cast<std::size_t>(r.how)] = ncol++;
    (s.occupied[static_cast<std::size_t>(r.how)] ? any_occ : any_unocc) = true;
  }
  const int nb = static_cast<int>(s.knots_c.size()) + 1;
  const bool split = any_occ && any_unocc;
  const int occ0 = ncol, unocc0 = split ? ncol + nb : ncol;
  ncol += split ? 2 * nb : nb;
  Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(ncol, ncol);
  Eigen::VectorXd xty = Eigen::VectorXd::Zero(ncol);
  std::vector<double> f(static_cast<std::size_t>(nb));
  std::vector<int> idx(static_cast<std::size_t>(nb + 1));
  std::vector<double> val(static_cast<std::size_t>(nb + 1));
  for (const auto& r : rows) {
    temperature_features(r.t, s.knots_c, f.data());
    const int t0 = s.occupied[static_cast<std::size_t>(r.how)] ? occ0 : unocc0;
    idx[0] = col_of[static_cast<std::size_t>(r.how)];
    val[0] = 1;
    for (int j = 0; j < nb; ++j) {
      idx[static_cast<std::size_t>(j + 1)] = t0 + j;
      val[static_cast<std::size_t>(j + 1)] = f[static_cast<std::size_t>(j)];
    }
    for (std::size_t a = 0; a < idx.size(); ++a) {
      xty[idx[a]] += r.w * val[a] * r.y;
      for (std::size_t b = 0; b < idx.size(); ++b) xtx(idx[a], idx[b]) += r.w * val[a] * val[b];
    }
  }
  Eigen::VectorXd beta;
  s.rank = solve_normal(xtx, xty, beta);
  for (std::size_t h = 0; h < 168; ++h) s.tow_kwh[h] = col_of[h] >= 0 ? beta[col_of[h]] : kNaN;
  s.slope_occupied.resize(static_cast<std::size_t>(nb));
  s.slope_unoccupied.resize(static_cast<std::size_t>(nb));
  for (int j = 0; j < nb; ++j) {
    s.slope_occupied[static_cast<std::size_t>(j)] = beta[occ0 + j];
    s.slope_unoccupied[static_cast<std::size_t>(j)] = beta[unocc0 + j];
  }
  return s;
}

double predict_segment(const TowtSegment& s, int how, double t) {
  const double tow = s.tow_kwh[static_cast<std::size_t>(how)];
  if (!finite(tow) || !finite(t)) return kNaN;
  double f[64];
  temperature_features(t, s.knots_c, f);
  const auto& slope = s.occupied[static_cast<std::size_t>(how)] ? s.slope_occupied : s.slope_unoccupied;
  double y = tow;
  for (std::size_t j = 0; j < slope.size(); ++j) y += slope[j] * f[j];
  return y;
}

}  // namespace

TowtModel fit_towt(const IntervalData& energy, const Eigen::VectorXd& temperature_c, const TowtOptions& options) {
  options.validate();
  energy.validate();
  if (energy.grid.step_minutes() != 60)
    throw InputError("", "energy", "the time-of-week-and-temperature model takes hourly data, got " +
                                       std::to_string(energy.grid.step_minutes()) + "-minute steps");
  if (options.temperature_knots_c.size() > 60) throw InputError("", "options/temperature_knots_c", "at most 60 knots");
  TowtModel m;
  m.options = options;
  SufficiencyOptions so = options.sufficiency;
  so.hourly = true;
  so.utc_offset_minutes = options.utc_offset_minutes;
  m.sufficiency = data_sufficiency(energy, temperature_c, so);
  if (!m.sufficiency.sufficient) {
    std::string msg = "not enough data for a baseline:";
    for (const auto& p : m.sufficiency.problems) msg += " " + p + ";";
    msg.pop_back();
    throw InputError("", "baseline", msg);
  }
  const int off = options.utc_offset_minutes;
  const std::int64_t n = energy.size();
  std::vector<int> how(static_cast<std::size_t>(n)), month(static_cast<std::size_t>(n));
  std::array<int, 13> month_rows{};
  for (std::int64_t i = 0; i < n; ++i) {
    const LocalTime l = to_local(energy.grid.time_unix_s(i), off);
    how[static_cast<std::size_t>(i)] = l.weekday * 24 + l.hour;
    month[static_cast<std::size_t>(i)] = l.month;
    if (finite(energy.value[i]) && finite(temperature_c[i])) ++month_rows[static_cast<std::size_t>(l.month)];
  }
  const bool segmented =
      options.monthly_segments && std::all_of(month_rows.begin() + 1, month_rows.end(), [](int c) { return c > 0; });
  auto rows_for = [&](int seg_month) {
    std::vector<Row> rows;
    rows.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      if (!finite(energy.value[i]) || !finite(temperature_c[i])) continue;
      double w = 1;
      if (seg_month > 0) {
        const int mo = month[static_cast<std::size_t>(i)];
        const int d = (mo - seg_month + 12) % 12;
        w = d == 0 ? 1.0 : (d == 1 || d == 11) ? 0.5 : 0.0;
      }
      if (w > 0) rows.push_back({how[static_cast<std::size_t>(i)], temperature_c[i], energy.value[i], w});
    }
    return rows;
  };
  if (segmented)
    for (int mo = 1; mo <= 12; ++mo) m.segments.push_back(fit_segment(rows_for(mo), options, mo));
  else
    m.segments.push_back(fit_segment(rows_for(0), options, 0));
  m.fitted_kwh = m.predict(energy.grid, temperature_c);
  int p = 0;
  for (const auto& s : m.segments) p = std::max(p, s.rank);
  m.fit = goodness_of_fit(energy.value, m.fitted_kwh, p, Granularity::hourly);
  return m;
}

Eigen::VectorXd TowtModel::predict(const TimeGrid& grid, const Eigen::VectorXd& temperature_c) const {
  if (grid.step_minutes() != 60)
    throw InputError("", "grid", "the time-of-week-and-temperature model predicts hourly steps, got " +
                                     std::to_string(grid.step_minutes()) + "-minute steps");
  if (temperature_c.size() != grid.size())
    throw InputError("", "temperature", "has " + std::to_string(temperature_c.size()) + " values, the grid " +
                                            std::to_string(grid.size()));
  if (segments.empty()) throw InputError("", "model", "is not fitted");
  Eigen::VectorXd y(grid.size());
  for (std::int64_t i = 0; i < grid.size(); ++i) {
    const LocalTime l = to_local(grid.time_unix_s(i), options.utc_offset_minutes);
    const TowtSegment& s = segments.size() == 12 ? segments[static_cast<std::size_t>(l.month - 1)] : segments.front();
    y[i] = predict_segment(s, l.weekday * 24 + l.hour, temperature_c[i]);
  }
  return y;
}

// --- change points -----------------------------------------------------------------------------

std::string_view to_string(ChangePointKind k) noexcept {
  switch (k) {
    case ChangePointKind::two_p: return "2P";
    case ChangePointKind::three_p_heating: return "3PH";
    case ChangePointKind::three_p_cooling: return "3PC";
    case ChangePointKind::four_p: return "4P";
    case ChangePointKind::five_p: return "5P";
  }
  return "2P";
}

ChangePointKind change_point_kind_from_string(std::string_view name) {
  for (auto k : {ChangePointKind::two_p, ChangePointKind::three_p_heating, ChangePointKind::three_p_cooling,
                 ChangePointKind::four_p, ChangePointKind::five_p})
    if (to_string(k) == name) return k;
  throw InputError("", "", "unknown change-point model \"" + std::string(name) + "\" (2P, 3PH, 3PC, 4P, 5P)");
}

void ChangePointOptions::validate() const {
  if (!(search_quantile >= 0 && search_quantile < 0.5)) throw InputError("", "options/search_quantile", "must be within [0, 0.5)");
  if (!(search_step_c > 0 && finite(search_step_c))) throw InputError("", "options/search_step_c", "must be > 0");
}

namespace {

int parameters_of(ChangePointKind k) {
  switch (k) {
    case ChangePointKind::two_p: return 2;
    case ChangePointKind::three_p_heating:
    case ChangePointKind::three_p_cooling: return 3;
    case ChangePointKind::four_p: return 4;
    case ChangePointKind::five_p: return 5;
  }
  return 2;
}

// The regressors (besides the intercept) of a form at given change points.
int regressors(ChangePointKind k, double x, double cp1, double cp2, double* r) {
  switch (k) {
    case ChangePointKind::two_p: r[0] = x; return 1;
    case ChangePointKind::three_p_heating: r[0] = std::max(cp1 - x, 0.0); return 1;
    case ChangePointKind::three_p_cooling: r[0] = std::max(x - cp1, 0.0); return 1;
    case ChangePointKind::four_p: r[0] = std::min(x - cp1, 0.0); r[1] = std::max(x - cp1, 0.0); return 2;
    case ChangePointKind::five_p: r[0] = std::max(cp1 - x, 0.0); r[1] = std::max(x - cp2, 0.0); return 2;
  }
  return 0;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

Eigen::VectorXd ChangePointModel::predict(const Eigen::VectorXd& x) const {
  Eigen::VectorXd y(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    double r[2] = {0, 0};
    regressors(kind, x[i], cp1_c, cp2_c, r);
    y[i] = finite(x[i]) ? b0 + b1 * r[0] + b2 * r[1] : kNaN;
  }
  return y;
}

ChangePointModel fit_change_point(const Eigen::VectorXd& x, const Eigen::VectorXd& y, ChangePointKind kind,
                                  const ChangePointOptions& o, const Eigen::VectorXd& weights) {
  o.validate();
  if (x.size() != y.size())
    throw InputError("", "x", "has " + std::to_string(x.size()) + " values, y has " + std::to_string(y.size()));
  if (weights.size() != 0 && weights.size() != x.size())
    throw InputError("", "weights", "has " + std::to_string(weights.size()) + " values, x has " + std::to_string(x.size()));
  std::vector<double> xs, ys, ws;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double w = weights.size() ? weights[i] : 1.0;
    if (!finite(x[i]) || !finite(y[i])) continue;
    if (!(w >= 0 && finite(w))) throw InputError("", "weights/" + std::to_string(i), "must be >= 0");
    xs.push_back(x[i]);
    ys.push_back(y[i]);
    ws.push_back(w);
  }
  const int p = parameters_of(kind);
  if (static_cast<int>(xs.size()) <= p)
    throw InputError("", "y", std::to_string(xs.size()) + " periods with a value are too few for a " +
                                  std::string(to_string(kind)) + " model (" + std::to_string(p) + " parameters)");
  std::vector<double> candidates;
  if (kind != ChangePointKind::two_p) {
    const double lo = quantile(xs, o.search_quantile), hi = quantile(xs, 1 - o.search_quantile);
    for (double c = lo; c <= hi + 1e-9; c += o.search_step_c) candidates.push_back(c);
    if (candidates.empty()) candidates.push_back(lo);
  } else {
    candidates.push_back(0);
  }
  ChangePointModel best;
  best.kind = kind;
  double best_sse = std::numeric_limits<double>::infinity();
  auto try_fit = [&](double cp1, double cp2) {
    const int k = kind == ChangePointKind::four_p || kind == ChangePointKind::five_p ? 2 : 1;
    Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(k + 1, k + 1);
    Eigen::VectorXd xty = Eigen::VectorXd::Zero(k + 1);
    Eigen::VectorXd row(k + 1);
    double r[2];
    for (std::size_t i = 0; i < xs.size(); ++i) {
      regressors(kind, xs[i], cp1, cp2, r);
      row[0] = 1;
      for (int j = 0; j < k; ++j) row[j + 1] = r[j];
      xtx += ws[i] * row * row.transpose();
      xty += ws[i] * ys[i] * row;
    }
    Eigen::VectorXd b;
    if (solve_normal(xtx, xty, b) < k + 1) return;  // a regressor is all zero: not this change point
    // Physical signs: heating use rises as it gets colder, cooling use as it gets warmer.
    if ((kind == ChangePointKind::three_p_heating || kind == ChangePointKind::three_p_cooling ||
         kind == ChangePointKind::five_p) && b[1] < 0)
      return;
    if (kind == ChangePointKind::five_p && b[2] < 0) return;
    double sse = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      regressors(kind, xs[i], cp1, cp2, r);
      double f = b[0];
      for (int j = 0; j < k; ++j) f += b[j + 1] * r[j];
      sse += ws[i] * (ys[i] - f) * (ys[i] - f);
    }
    if (!finite(best_sse) || sse < best_sse * (1 - 1e-12)) {  // the first of equal fits stays
      best_sse = sse;
      best.b0 = b[0];
      best.b1 = b[1];
      best.b2 = k == 2 ? b[2] : 0;
      best.cp1_c = cp1;
      best.cp2_c = cp2;
    }
  };
  for (std::size_t a = 0; a < candidates.size(); ++a) {
    if (kind == ChangePointKind::five_p) {
      for (std::size_t b = a + 1; b < candidates.size(); ++b) try_fit(candidates[a], candidates[b]);
    } else {
      try_fit(candidates[a], candidates[a]);
    }
  }
  if (!finite(best_sse))
    throw InputError("", "y", std::string("no ").append(to_string(kind)).append(
                                  " fit with physical slopes (heating and cooling use rising away from the change point)"));
  best.fit = goodness_of_fit(y, best.predict(x), p, o.granularity);
  return best;
}

ChangePointModel fit_best_change_point(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const ChangePointOptions& o,
                                       const Eigen::VectorXd& weights) {
  std::vector<ChangePointModel> fits;
  std::string errors;
  for (auto k : {ChangePointKind::two_p, ChangePointKind::three_p_heating, ChangePointKind::three_p_cooling,
                 ChangePointKind::four_p, ChangePointKind::five_p}) {
    try {
      fits.push_back(fit_change_point(x, y, k, o, weights));
    } catch (const InputError& e) {
      errors += std::string(errors.empty() ? "" : "; ") + e.detail();
    }
  }
  if (fits.empty()) throw InputError("", "y", "no change-point model fits: " + errors);
  auto better = [](const ChangePointModel& a, const ChangePointModel& b) {
    if (a.fit.acceptable != b.fit.acceptable) return a.fit.acceptable;
    return a.fit.cv_rmse < b.fit.cv_rmse;
  };
  return *std::min_element(fits.begin(), fits.end(), better);
}

PeriodData period_data(const IntervalData& energy, const Eigen::VectorXd& temperature_c, Granularity g, int off,
                       double min_coverage) {
  energy.validate();
  if (g == Granularity::hourly) throw InputError("", "granularity", "period_data aggregates to daily or monthly periods");
  if (temperature_c.size() != energy.size())
    throw InputError("", "temperature", "has " + std::to_string(temperature_c.size()) + " values, the energy " +
                                            std::to_string(energy.size()));
  PeriodData p;
  struct Acc {
    std::int64_t start;
    double e = 0, t = 0, nt = 0, pairs = 0, steps = 0;
  };
  std::vector<Acc> acc;
  std::string last;
  const double step_h = energy.grid.step_hours();
  for (std::int64_t i = 0; i < energy.size(); ++i) {
    const std::int64_t ts = energy.grid.time_unix_s(i);
    const LocalTime l = to_local(ts, off);
    const std::string label = g == Granularity::daily ? day_label(l) : month_label(l);
    if (label != last) {
      const std::int64_t start = g == Granularity::daily ? from_local(l.year, l.month, l.day, 0, 0, 0, off)
                                                         : from_local(l.year, l.month, 1, 0, 0, 0, off);
      const double days = g == Granularity::daily ? 1.0 : days_in_month(l.year, l.month);
      acc.push_back({start});
      acc.back().steps = days * 24 / step_h;
      last = label;
    }
    Acc& a = acc.back();
    if (finite(temperature_c[i])) {
      a.t += temperature_c[i];
      a.nt += 1;
    }
    if (finite(energy.value[i]) && finite(temperature_c[i])) {
      a.e += energy.value[i];
      a.pairs += 1;
    }
  }
  const auto n = static_cast<Eigen::Index>(acc.size());
  p.energy_per_day_kwh.resize(n);
  p.mean_temperature_c.resize(n);
  p.days.resize(n);
  p.coverage.resize(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const Acc& a = acc[static_cast<std::size_t>(k)];
    p.start_unix_s.push_back(a.start);
    p.days[k] = a.steps * step_h / 24;
    p.coverage[k] = a.pairs / a.steps;
    p.mean_temperature_c[k] = a.nt > 0 ? a.t / a.nt : kNaN;
    p.energy_per_day_kwh[k] = p.coverage[k] + 1e-12 >= min_coverage && a.pairs > 0 ? a.e / a.pairs * (24 / step_h) : kNaN;
  }
  return p;
}

// --- similar days ------------------------------------------------------------------------------

Eigen::VectorXd similar_day_baseline(const IntervalData& base, const Eigen::VectorXd& base_t, const TimeGrid& grid,
                                     const Eigen::VectorXd& t, const SimilarDayOptions& o) {
  base.validate();
  if (o.days < 1) throw InputError("", "options/days", "must be >= 1");
  if (base.grid.step_minutes() != grid.step_minutes())
    throw InputError("", "grid", "has " + std::to_string(grid.step_minutes()) + "-minute steps, the baseline " +
                                     std::to_string(base.grid.step_minutes()));
  if (base_t.size() != base.size()) throw InputError("", "baseline_temperature", "length differs from the baseline");
  if (t.size() != grid.size()) throw InputError("", "temperature", "length differs from the grid");
  const int off = o.utc_offset_minutes;
  const int per_day = 1440 / grid.step_minutes();
  struct Day {
    std::int64_t start;
    int kind;
    double t = 0, nt = 0;
    std::vector<double> v;
  };
  auto kind_of = [](int weekday) { return weekday < 5 ? 0 : weekday; };
  auto collect = [&](const TimeGrid& g, const Eigen::VectorXd* values, const Eigen::VectorXd& temp) {
    std::vector<Day> days;
    std::map<std::int64_t, std::size_t> at;
    for (std::int64_t i = 0; i < g.size(); ++i) {
      const LocalTime l = to_local(g.time_unix_s(i), off);
      const std::int64_t start = from_local(l.year, l.month, l.day, 0, 0, 0, off);
      auto [it, fresh] = at.try_emplace(start, days.size());
      if (fresh) days.push_back({start, kind_of(l.weekday), 0, 0, std::vector<double>(static_cast<std::size_t>(per_day), kNaN)});
      Day& d = days[it->second];
      if (finite(temp[i])) {
        d.t += temp[i];
        d.nt += 1;
      }
      const auto slot = static_cast<std::size_t>((g.time_unix_s(i) - start) / g.step_s());
      if (values && slot < d.v.size()) d.v[slot] = (*values)[i];
    }
    for (auto& d : days) d.t = d.nt > 0 ? d.t / d.nt : kNaN;
    return days;
  };
  const auto bdays = collect(base.grid, &base.value, base_t);
  const auto tdays = collect(grid, nullptr, t);
  std::map<std::int64_t, std::vector<double>> profile;
  for (const auto& d : tdays) {
    std::vector<std::pair<double, std::size_t>> cand;
    for (std::size_t b = 0; b < bdays.size(); ++b) {
      if (o.same_day_kind && bdays[b].kind != d.kind) continue;
      if (!finite(bdays[b].t) || !finite(d.t)) continue;
      const double diff = std::abs(bdays[b].t - d.t);
      if (diff <= o.max_temperature_difference_c) cand.emplace_back(diff, b);
    }
    std::sort(cand.begin(), cand.end());
    if (cand.size() > static_cast<std::size_t>(o.days)) cand.resize(static_cast<std::size_t>(o.days));
    std::vector<double> prof(static_cast<std::size_t>(per_day), kNaN);
    for (std::size_t s = 0; s < prof.size(); ++s) {
      double sum = 0;
      int k = 0;
      for (const auto& c : cand)
        if (finite(bdays[c.second].v[s])) {
          sum += bdays[c.second].v[s];
          ++k;
        }
      if (k > 0) prof[s] = sum / k;
    }
    profile[d.start] = std::move(prof);
  }
  Eigen::VectorXd y(grid.size());
  for (std::int64_t i = 0; i < grid.size(); ++i) {
    const LocalTime l = to_local(grid.time_unix_s(i), off);
    const std::int64_t start = from_local(l.year, l.month, l.day, 0, 0, 0, off);
    const auto slot = static_cast<std::size_t>((grid.time_unix_s(i) - start) / grid.step_s());
    const auto& prof = profile[start];
    y[i] = slot < prof.size() ? prof[slot] : kNaN;
  }
  return y;
}

// --- savings -------------------------------------------------------------------------------------

Savings verify_savings(const GoodnessOfFit& fit, const Eigen::VectorXd& predicted, const Eigen::VectorXd& metered,
                       const SavingsOptions& o) {
  if (!(o.confidence > 0 && o.confidence < 1)) throw InputError("", "options/confidence", "must be within (0, 1)");
  if (predicted.size() != metered.size())
    throw InputError("", "metered", "has " + std::to_string(metered.size()) + " values, the baseline prediction " +
                                        std::to_string(predicted.size()));
  Savings s;
  s.confidence = o.confidence;
  s.model_acceptable = fit.acceptable;
  for (Eigen::Index i = 0; i < predicted.size(); ++i) {
    if (!finite(predicted[i]) || !finite(metered[i])) continue;
    ++s.m;
    s.adjusted_baseline_kwh += predicted[i];
    s.metered_kwh += metered[i];
  }
  if (s.m == 0) throw InputError("", "metered", "no reporting step has both a metered value and a baseline prediction");
  s.enpi = s.metered_kwh / s.adjusted_baseline_kwh;
  if (!fit.acceptable && !o.allow_unacceptable) {
    s.status = "not_acceptable: " + fit.reason;
    s.avoided_kwh = s.savings_fraction = s.fractional_uncertainty = s.uncertainty_kwh = kNaN;
    s.n_effective = s.t_value = kNaN;
    return s;
  }
  s.avoided_kwh = s.adjusted_baseline_kwh - s.metered_kwh;
  s.savings_fraction = s.avoided_kwh / s.adjusted_baseline_kwh;
  const double n = static_cast<double>(fit.n);
  const double rho = std::max(fit.rho_lag1, 0.0);
  s.n_effective = n * (1 - rho) / (1 + rho);
  const double dof = s.n_effective - fit.p;
  if (!(dof >= 1)) {
    s.status = "not_acceptable: " + fmt("%.1f", s.n_effective) + " effective observations (autocorrelation " +
               fmt("%.3f", fit.rho_lag1) + ") leave no degrees of freedom for " + std::to_string(fit.p) + " parameters";
    s.fractional_uncertainty = s.uncertainty_kwh = s.t_value = kNaN;
    s.model_acceptable = false;
    return s;
  }
  s.t_value = boost::math::quantile(boost::math::students_t(dof), 1 - (1 - o.confidence) / 2);
  const double m = static_cast<double>(s.m);
  s.fractional_uncertainty =
      1.26 * s.t_value * fit.cv_rmse * std::sqrt((n / s.n_effective) * (1 + 2 / s.n_effective) / m) / std::abs(s.savings_fraction);
  s.uncertainty_kwh = s.fractional_uncertainty * std::abs(s.avoided_kwh);
  s.status = fit.acceptable ? "ok" : "used although not acceptable: " + fit.reason;
  return s;
}

std::string Savings::brief_report() const {
  std::ostringstream os;
  os << "status: " << status << "\n";
  os << "reporting observations: " << m << "\n";
  os << "adjusted baseline: " << fmt("%.1f", adjusted_baseline_kwh) << " kWh\n";
  os << "metered: " << fmt("%.1f", metered_kwh) << " kWh\n";
  os << "avoided energy: " << fmt("%.1f", avoided_kwh) << " kWh (" << fmt("%.2f", 100 * savings_fraction) << " %)\n";
  os << "uncertainty at " << fmt("%.0f", 100 * confidence) << " %: +- " << fmt("%.1f", uncertainty_kwh) << " kWh ("
     << fmt("%.1f", 100 * fractional_uncertainty) << " % of the savings)\n";
  os << "EnPI (metered / baseline): " << fmt("%.4f", enpi) << "\n";
  return os.str();
}

std::vector<SavingsRow> savings_table(const TimeGrid& grid, const Eigen::VectorXd& predicted, const Eigen::VectorXd& metered,
                                      Granularity per, int off) {
  if (predicted.size() != grid.size() || metered.size() != grid.size())
    throw InputError("", "metered", "the prediction and the metered values must have the grid's length");
  if (per == Granularity::hourly) throw InputError("", "per", "a savings table is per day or per month");
  std::vector<SavingsRow> rows;
  for (std::int64_t i = 0; i < grid.size(); ++i) {
    const LocalTime l = to_local(grid.time_unix_s(i), off);
    const std::string label = per == Granularity::daily ? day_label(l) : month_label(l);
    if (rows.empty() || rows.back().label != label) {
      SavingsRow r;
      r.label = label;
      r.start_unix_s = per == Granularity::daily ? from_local(l.year, l.month, l.day, 0, 0, 0, off)
                                                 : from_local(l.year, l.month, 1, 0, 0, 0, off);
      rows.push_back(r);
    }
    if (!finite(predicted[i]) || !finite(metered[i])) continue;
    rows.back().adjusted_baseline_kwh += predicted[i];
    rows.back().metered_kwh += metered[i];
  }
  double cum = 0;
  for (auto& r : rows) {
    r.avoided_kwh = r.adjusted_baseline_kwh - r.metered_kwh;
    r.savings_fraction = r.adjusted_baseline_kwh != 0 ? r.avoided_kwh / r.adjusted_baseline_kwh : kNaN;
    cum += r.avoided_kwh;
    r.cumulative_avoided_kwh = cum;
  }
  return rows;
}

}  // namespace ehub::ems
