// Persistence, seasonal naive and double-seasonal Holt-Winters.
#include "ehub/forecast/baselines.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ehub/core/error.hpp"
#include "detail.hpp"

namespace ehub::forecast {

Eigen::VectorXd Persistence::predict(const ModelInput& known, std::int64_t, const TimeGrid& window) const {
  std::int64_t last = known.grid.size() - 1;
  while (last >= 0 && !known.observed[static_cast<std::size_t>(last)]) --last;
  if (last < 0) throw InputError("", "target", "persistence: no measured value before the origin");
  return Eigen::VectorXd::Constant(window.size(), known.target[last]);
}

Requirements SeasonalNaive::requirements() const {
  Requirements r;
  r.min_history_s = static_cast<std::int64_t>(period_ == Period::day ? 1 : 7) * 86400;
  return r;
}

Eigen::VectorXd SeasonalNaive::predict(const ModelInput& known, std::int64_t, const TimeGrid& window) const {
  const std::int64_t P = known.steps_per_day() * static_cast<std::int64_t>(period_);
  const std::int64_t n = known.grid.size();
  const std::int64_t i0 = known.index_of(window.start_unix_s());
  Eigen::VectorXd out(window.size());
  for (std::int64_t j = 0; j < window.size(); ++j) {
    const std::int64_t i = i0 + j;
    const std::int64_t src = detail::latest_known_lag(i, n, P);
    if (src < 0)
      throw InputError("", "target",
                       name() + ": the value one period before " + format_iso8601(window.time_unix_s(j)) +
                           " lies before the history starts");
    out[j] = known.target[src];
  }
  return out;
}

void HoltWintersOptions::validate() const {
  const std::pair<const char*, double> ps[] = {{"alpha", alpha}, {"delta", delta}, {"omega", omega}, {"phi", phi}};
  for (const auto& [n, v] : ps)
    if (std::isnan(v) || v > 1.0) throw InputError("", std::string("holt_winters/") + n, "must be <= 1 (< 0: estimated)");
  if (max_evaluations < 1) throw InputError("", "holt_winters/max_evaluations", "must be >= 1");
}

HoltWintersOptions HoltWintersOptions::from_json(const nlohmann::json& j) {
  HoltWintersOptions o;
  detail::JsonReader r(j, "holt_winters");
  r.get("alpha", o.alpha);
  r.get("delta", o.delta);
  r.get("omega", o.omega);
  r.get("phi", o.phi);
  r.get("ar1", o.ar1);
  r.get("max_evaluations", o.max_evaluations);
  r.finish();
  o.validate();
  return o;
}

namespace {

struct HwState {
  double level = 0.0;
  std::vector<double> d, w;
  double e = 0.0;  // last unadjusted one-step error
  double sse = 0.0;
};

// Runs the recursions over y; the SSE counts the AR-adjusted one-step errors of observed steps
// after the first week.
HwState hw_run(const Eigen::VectorXd& y, const std::vector<std::uint8_t>& observed, std::int64_t s1, std::int64_t s2,
               const Eigen::Vector4d& p) {
  const std::int64_t n = y.size();
  HwState st;
  st.d.assign(static_cast<std::size_t>(s1), 0.0);
  st.w.assign(static_cast<std::size_t>(s2), 0.0);
  const std::int64_t n1 = std::min(n, s2), n2 = std::min(n, 2 * s2);
  st.level = y.head(n1).mean();
  std::vector<double> cnt(static_cast<std::size_t>(s1), 0.0);
  for (std::int64_t t = 0; t < n1; ++t) {
    st.d[static_cast<std::size_t>(t % s1)] += y[t] - st.level;
    cnt[static_cast<std::size_t>(t % s1)] += 1.0;
  }
  for (std::int64_t k = 0; k < s1; ++k)
    if (cnt[static_cast<std::size_t>(k)] > 0) st.d[static_cast<std::size_t>(k)] /= cnt[static_cast<std::size_t>(k)];
  std::vector<double> cw(static_cast<std::size_t>(s2), 0.0);
  for (std::int64_t t = 0; t < n2; ++t) {
    st.w[static_cast<std::size_t>(t % s2)] += y[t] - st.level - st.d[static_cast<std::size_t>(t % s1)];
    cw[static_cast<std::size_t>(t % s2)] += 1.0;
  }
  for (std::int64_t k = 0; k < s2; ++k)
    if (cw[static_cast<std::size_t>(k)] > 0) st.w[static_cast<std::size_t>(k)] /= cw[static_cast<std::size_t>(k)];
  const double a = p[0], dl = p[1], om = p[2], ph = p[3];
  for (std::int64_t t = 0; t < n; ++t) {
    double& d = st.d[static_cast<std::size_t>(t % s1)];
    double& w = st.w[static_cast<std::size_t>(t % s2)];
    const double base = st.level + d + w;
    const double e = y[t] - base;
    if (t >= s2 && observed[static_cast<std::size_t>(t)]) {
      const double eps = e - ph * st.e;
      st.sse += eps * eps;
    }
    st.level += a * e;
    d += dl * e;
    w += om * e;
    st.e = e;
  }
  return st;
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double p) { return std::log(p / (1.0 - p)); }

}  // namespace

double HoltWinters::one_step_sse(const Eigen::VectorXd& y, const std::vector<std::uint8_t>& observed, std::int64_t s1,
                                 std::int64_t s2, const Eigen::Vector4d& params) {
  return hw_run(y, observed, s1, s2, params).sse;
}

HoltWinters::HoltWinters(HoltWintersOptions options) : options_(options) { options_.validate(); }

Requirements HoltWinters::requirements() const {
  Requirements r;
  r.min_history_s = 14 * 86400;
  return r;
}

void HoltWinters::fit(const ModelInput& in, const ForecastOptions&) {
  const std::int64_t s1 = in.steps_per_day(), s2 = 7 * s1;
  const double fixed[4] = {options_.alpha, options_.delta, options_.omega, options_.ar1 ? options_.phi : 0.0};
  const double start[4] = {0.1, 0.1, 0.1, 0.8};
  std::vector<int> free;
  for (int k = 0; k < 4; ++k)
    if (fixed[k] < 0) free.push_back(k);
  auto params_of = [&](const std::vector<double>& x) {
    Eigen::Vector4d p;
    for (int k = 0; k < 4; ++k) p[k] = fixed[k] >= 0 ? fixed[k] : 0.0;
    for (std::size_t i = 0; i < free.size(); ++i) p[free[i]] = logistic(x[i]);
    return p;
  };
  std::vector<double> x0;
  for (int k : free) x0.push_back(logit(start[k]));
  if (!free.empty()) {
    auto f = [&](const std::vector<double>& x) { return hw_run(in.target, in.observed, s1, s2, params_of(x)).sse; };
    x0 = detail::nelder_mead(f, x0, 1.0, options_.max_evaluations);
  }
  params_ = params_of(x0);
}

Eigen::VectorXd HoltWinters::predict(const ModelInput& known, std::int64_t, const TimeGrid& window) const {
  const std::int64_t s1 = known.steps_per_day(), s2 = 7 * s1;
  const HwState st = hw_run(known.target, known.observed, s1, s2, params_);
  const std::int64_t last = known.grid.size() - 1;
  const std::int64_t i0 = known.index_of(window.start_unix_s());
  Eigen::VectorXd out(window.size());
  for (std::int64_t j = 0; j < window.size(); ++j) {
    const std::int64_t i = i0 + j;
    const std::int64_t k = i - last;
    out[j] = st.level + st.d[static_cast<std::size_t>(i % s1)] + st.w[static_cast<std::size_t>(i % s2)] +
             std::pow(params_[3], static_cast<double>(k)) * st.e;
  }
  return out;
}

}  // namespace ehub::forecast
