// Forecaster: shared cleaning, checks, residual-quantile calibration; the model registry.
#include "ehub/core/format.hpp"
#include "ehub/forecast/forecaster.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

#include "ehub/core/error.hpp"

namespace ehub::forecast {
namespace {

std::string iso(std::int64_t t) { return format_iso8601(t); }

std::string num(double x) { return format_number(x, 6); }

// The steps known at `known_until` and the exogenous values up to `exog_until` of an input that
// was prepared on a longer history (calibration pseudo-forecasts reuse the fit's cleaning).
ModelInput truncate(const ModelInput& in, std::int64_t known_until, std::int64_t exog_until) {
  ModelInput out;
  out.calendar = in.calendar;
  const std::int64_t s = in.grid.step_s();
  const std::int64_t n = std::clamp<std::int64_t>((known_until - in.grid.start_unix_s()) / s, 0, in.grid.size());
  out.grid = in.grid.slice(0, n);
  out.target = in.target.head(n);
  out.observed.assign(in.observed.begin(), in.observed.begin() + n);
  const std::int64_t ne = std::clamp<std::int64_t>((exog_until - in.grid.start_unix_s()) / s, 0, in.exogenous.grid().size());
  out.exogenous = in.exogenous.slice(0, ne);
  return out;
}

std::int64_t step_of_day(std::int64_t t, const Calendar& c, std::int64_t step_s) {
  return (t - c.local_midnight(t)) / step_s;
}

double empirical_quantile(std::vector<double>& v, double q) {
  const double h = (static_cast<double>(v.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const double a = v[lo];
  double b = a;
  if (hi != lo) b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
  return a + (h - static_cast<double>(lo)) * (b - a);
}

struct Registry {
  std::mutex mutex;
  std::vector<std::pair<ForecasterInfo, ForecasterFactory>> entries;
  bool builtins = false;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void Schedule::validate() const {
  if (origin_hour < 0 || origin_hour > 23)
    throw InputError("", "schedule/origin_hour", "must lie in 0..23, got " + std::to_string(origin_hour));
  if (origin_minute < 0 || origin_minute > 59)
    throw InputError("", "schedule/origin_minute", "must lie in 0..59, got " + std::to_string(origin_minute));
  if (horizon_steps < 1)
    throw InputError("", "schedule/horizon_steps", "must be >= 1, got " + std::to_string(horizon_steps));
}

TimeGrid Schedule::window(std::int64_t origin_unix_s, const Calendar& calendar, int step_minutes) const {
  const std::int64_t start = day_ahead ? calendar.local_midnight(origin_unix_s) + 86400 : origin_unix_s;
  return TimeGrid(start, step_minutes, horizon_steps);
}

std::int64_t Schedule::origin_at_or_before(std::int64_t unix_s, const Calendar& calendar) const {
  std::int64_t o = calendar.local_midnight(unix_s) + origin_hour * 3600 + origin_minute * 60;
  if (o > unix_s) o -= 86400;
  return o;
}

std::int64_t Schedule::origin_for(std::int64_t t, const Calendar& calendar) const {
  if (day_ahead) return calendar.local_midnight(t) - 86400 + origin_hour * 3600 + origin_minute * 60;
  return origin_at_or_before(t, calendar);
}

void ForecastOptions::validate() const {
  calendar.validate();
  schedule.validate();
  cleaning.validate();
  for (std::size_t i = 0; i < quantile_levels.size(); ++i) {
    const double q = quantile_levels[i];
    if (!(q > 0.0 && q < 1.0))
      throw InputError("", "quantile_levels/" + std::to_string(i), "must lie in (0, 1), got " + num(q));
    if (i > 0 && !(q > quantile_levels[i - 1]))
      throw InputError("", "quantile_levels/" + std::to_string(i), "levels must be increasing");
  }
  if (calibration_days < 0)
    throw InputError("", "calibration_days", "must be >= 0, got " + std::to_string(calibration_days));
  if (non_negative < -1 || non_negative > 1)
    throw InputError("", "non_negative", "must be -1 (auto), 0 or 1, got " + std::to_string(non_negative));
}

Eigen::VectorXd Forecast::quantile(double level) const {
  for (std::size_t j = 0; j < quantile_levels.size(); ++j)
    if (std::abs(quantile_levels[j] - level) < 1e-12) return quantiles.col(static_cast<Eigen::Index>(j));
  throw InputError("", "level", "quantile " + num(level) + " was not forecast");
}

Forecaster::Forecaster(const Forecaster& other)
    : impl_(other.impl_->clone()), options_(other.options_), fitted_(other.fitted_),
      clip_at_zero_(other.clip_at_zero_), summary_(other.summary_), residuals_(other.residuals_) {}

Forecaster& Forecaster::operator=(const Forecaster& other) {
  if (this != &other) *this = Forecaster(other);
  return *this;
}

Forecaster::~Forecaster() = default;

void Forecaster::set_options(ForecastOptions options) {
  options.validate();
  options_ = std::move(options);
  fitted_ = false;
}

void Forecaster::check_history(const ModelInput& in, std::int64_t origin_unix_s, const char* what) const {
  const Requirements r = impl_->requirements();
  const std::int64_t have = origin_unix_s - in.grid.start_unix_s();
  const std::int64_t need = std::max<std::int64_t>(r.min_history_s, in.grid.step_s());
  if (have < need) {
    std::string msg = name();
    msg += " needs at least ";
    msg += num(static_cast<double>(need) / 3600.0);
    msg += " h of target history before ";
    msg += what;
    msg += ", got ";
    msg += num(static_cast<double>(have) / 3600.0);
    msg += " h (from ";
    msg += iso(in.grid.start_unix_s());
    msg += ")";
    throw InputError("", "target", msg);
  }
}

Forecaster& Forecaster::fit(const History& history) {
  const auto t0 = std::chrono::steady_clock::now();
  fitted_ = false;
  residuals_.clear();
  const ModelInput in = prepare_input(history, options_.calendar, options_.cleaning,
                                      std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::max());
  check_history(in, in.grid.end_unix_s(), "fitting");
  impl_->fit(in, options_);
  summary_ = {};
  summary_.rows = in.grid.size();
  summary_.cleaning = in.report;
  bool all_non_negative = true;
  for (std::int64_t i = 0; i < in.grid.size(); ++i) {
    if (in.observed[static_cast<std::size_t>(i)]) {
      ++summary_.observed;
      if (in.target[i] < 0) all_non_negative = false;
    }
  }
  clip_at_zero_ = options_.non_negative == 1 || (options_.non_negative == -1 && all_non_negative);
  fitted_ = true;

  // Residual quantiles: pseudo-forecasts from the scheduled origins of the last days of the history.
  const std::int64_t s = in.grid.step_s();
  const std::int64_t spd = 86400 / s;
  residuals_.assign(static_cast<std::size_t>(spd), {});
  const Requirements req = impl_->requirements();
  const std::int64_t end = in.grid.end_unix_s();
  std::int64_t o = options_.schedule.origin_at_or_before(end, options_.calendar);
  for (int k = 0; k < options_.calibration_days * 2 && summary_.calibration_origins < options_.calibration_days;
       ++k, o -= 86400) {
    const TimeGrid w = options_.schedule.window(o, options_.calendar, in.grid.step_minutes());
    if (w.end_unix_s() > end) continue;
    if (o - in.grid.start_unix_s() < std::max<std::int64_t>(req.min_history_s, s)) break;
    const ModelInput known = truncate(in, o, w.end_unix_s());
    Eigen::VectorXd p;
    try {
      p = impl_->predict(known, o, w);
    } catch (const InputError&) {
      continue;  // e.g. exogenous not covering this window: no calibration sample
    }
    const std::int64_t i0 = in.index_of(w.start_unix_s());
    for (std::int64_t j = 0; j < w.size(); ++j) {
      const std::int64_t i = i0 + j;
      if (i < 0 || i >= in.grid.size() || !in.observed[static_cast<std::size_t>(i)] || !std::isfinite(p[j])) continue;
      double pj = p[j];
      pj = std::clamp(pj, req.lower_bound, req.upper_bound);
      if (clip_at_zero_) pj = std::max(pj, 0.0);
      residuals_[static_cast<std::size_t>(step_of_day(w.time_unix_s(j), options_.calendar, s) % spd)].push_back(
          in.target[i] - pj);
    }
    ++summary_.calibration_origins;
  }
  summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return *this;
}

Forecast Forecaster::predict(const History& history, std::int64_t origin_unix_s) const {
  return predict(history, origin_unix_s,
                 options_.schedule.window(origin_unix_s, options_.calendar, history.target.grid().step_minutes()));
}

Forecast Forecaster::predict(const History& history, std::int64_t origin_unix_s, const TimeGrid& window) const {
  const ModelInput in = prepare_input(history, options_.calendar, options_.cleaning, origin_unix_s, window.end_unix_s());
  return predict_prepared(in, origin_unix_s, window);
}

Forecast Forecaster::predict_prepared(const ModelInput& in, std::int64_t origin_unix_s, const TimeGrid& window) const {
  if (!fitted_) throw InputError("", "", name() + ": predict() before fit()");
  if (window.step_minutes() != in.grid.step_minutes())
    throw InputError("", "window", "its step (" + std::to_string(window.step_minutes()) +
                                       " min) differs from the target's (" + std::to_string(in.grid.step_minutes()) +
                                       " min)");
  if (window.start_unix_s() < origin_unix_s)
    throw InputError("", "window", "starts at " + iso(window.start_unix_s()) + ", before the origin " + iso(origin_unix_s));
  (void)in.index_of(window.start_unix_s());  // on the target's steps
  if (in.grid.end_unix_s() > origin_unix_s)
    throw InputError("", "target", "the prepared input holds steps after the origin " + iso(origin_unix_s));
  check_history(in, origin_unix_s, "the origin");
  const std::int64_t lead = window.end_unix_s() - origin_unix_s;
  const std::int64_t have = origin_unix_s - in.grid.start_unix_s();
  if (lead > have) {
    std::string msg = "the forecast reaches ";
    msg += num(static_cast<double>(lead) / 3600.0);
    msg += " h past the origin ";
    msg += iso(origin_unix_s);
    msg += ", longer than the ";
    msg += num(static_cast<double>(have) / 3600.0);
    msg += " h of history before it";
    throw InputError("", "horizon", msg);
  }
  const Requirements req = impl_->requirements();
  if (!req.exogenous.empty()) {
    const std::int64_t i0 = in.index_of(window.start_unix_s());
    for (const auto& c : req.exogenous) {
      if (!in.exogenous.has(c))
        throw InputError("", "exogenous/" + c, name() + " was fitted with this column; it is missing");
      const Eigen::VectorXd& v = in.exogenous.column(c);
      for (std::int64_t j = 0; j < window.size(); ++j) {
        if (!std::isfinite(ModelInput::at(v, i0 + j)))
          throw InputError("", "exogenous/" + c,
                           "no value at " + iso(window.time_unix_s(j)) + ": the exogenous inputs must cover the window " +
                               iso(window.start_unix_s()) + " .. " + iso(window.end_unix_s()));
      }
    }
  }
  Eigen::VectorXd p = impl_->predict(in, origin_unix_s, window);
  if (p.size() != window.size())
    throw Error("ehub.forecast", name() + ": predict returned " + std::to_string(p.size()) + " values for " +
                                     std::to_string(window.size()) + " steps");
  for (std::int64_t j = 0; j < p.size(); ++j)
    if (!std::isfinite(p[j]))
      throw InputError("", "forecast", name() + " gave no finite value at " + iso(window.time_unix_s(j)) +
                                           "; check the inputs around that time");
  const Eigen::MatrixXd off = residual_offsets(residuals_, window, options_.calendar, options_.quantile_levels);
  return make_forecast(origin_unix_s, window, std::move(p), off);
}

Eigen::MatrixXd Forecaster::residual_offsets(const std::vector<std::vector<double>>& residuals, const TimeGrid& window,
                                             const Calendar& calendar, const std::vector<double>& levels) {
  const auto L = static_cast<Eigen::Index>(levels.size());
  Eigen::MatrixXd off = Eigen::MatrixXd::Zero(window.size(), L);
  const auto spd = static_cast<std::int64_t>(residuals.size());
  if (spd == 0 || L == 0) return off;
  std::vector<double> pool;
  for (std::int64_t j = 0; j < window.size(); ++j) {
    const std::int64_t k = step_of_day(window.time_unix_s(j), calendar, window.step_s()) % spd;
    pool.clear();
    for (std::int64_t dk : {-1, 0, 1}) {
      const auto& r = residuals[static_cast<std::size_t>(((k + dk) % spd + spd) % spd)];
      pool.insert(pool.end(), r.begin(), r.end());
    }
    if (pool.empty()) continue;
    for (Eigen::Index l = 0; l < L; ++l) off(j, l) = empirical_quantile(pool, levels[static_cast<std::size_t>(l)]);
  }
  return off;
}

Forecast Forecaster::make_forecast(std::int64_t origin_unix_s, const TimeGrid& window, Eigen::VectorXd point,
                                   const Eigen::MatrixXd& offsets) const {
  const Requirements req = impl_->requirements();
  const double lo = clip_at_zero_ ? std::max(0.0, req.lower_bound) : req.lower_bound;
  const double hi = std::max(lo, req.upper_bound);
  Forecast f;
  f.model = name();
  f.origin_unix_s = origin_unix_s;
  f.grid = window;
  f.quantile_levels = options_.quantile_levels;
  for (Eigen::Index j = 0; j < point.size(); ++j) point[j] = std::clamp(point[j], lo, hi);
  f.quantiles.resize(point.size(), static_cast<Eigen::Index>(f.quantile_levels.size()));
  for (Eigen::Index j = 0; j < point.size(); ++j) {
    double prev = -std::numeric_limits<double>::infinity();
    for (Eigen::Index l = 0; l < f.quantiles.cols(); ++l) {
      const double q = std::clamp(point[j] + (offsets.cols() > l ? offsets(j, l) : 0.0), lo, hi);
      prev = std::max(prev, q);
      f.quantiles(j, l) = prev;
    }
  }
  f.point = std::move(point);
  return f;
}

void register_forecaster(ForecasterInfo info, ForecasterFactory factory) {
  if (info.name.empty()) throw InputError("", "name", "a forecaster needs a name");
  if (!factory) throw InputError("", info.name, "the factory is empty");
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (auto& e : r.entries)
    if (e.first.name == info.name) {
      e = {std::move(info), std::move(factory)};
      return;
    }
  r.entries.emplace_back(std::move(info), std::move(factory));
}

std::vector<ForecasterInfo> list_forecasters() {
  register_builtin_forecasters();
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<ForecasterInfo> out;
  for (const auto& e : r.entries) out.push_back(e.first);
  return out;
}

Forecaster make_forecaster(std::string_view name, const ForecastOptions& options, const nlohmann::json& model_options) {
  register_builtin_forecasters();
  ForecasterFactory f;
  std::string names;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& e : r.entries) {
      if (e.first.name == name) f = e.second;
      if (!names.empty()) names += ", ";
      names += e.first.name;
    }
  }
  if (!f) throw InputError("", "model", "unknown forecaster \"" + std::string(name) + "\" (registered: " + names + ")");
  if (!model_options.is_object()) throw InputError("", std::string(name), "model options must be a JSON object");
  return f(model_options, options);
}

namespace detail {
// Defined in builtin.cpp: registers the built-in models through register_forecaster.
void register_builtins_once();
}  // namespace detail

void register_builtin_forecasters() {
  static std::once_flag once;
  std::call_once(once, [] { detail::register_builtins_once(); });
}

}  // namespace ehub::forecast
