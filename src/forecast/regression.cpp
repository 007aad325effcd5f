// Features, ridge and gradient-boosted-trees forecasters.
#include "ehub/forecast/regression.hpp"

#include <algorithm>
#include <cmath>

#include "detail.hpp"
#include "ehub/core/error.hpp"
#include "features.hpp"

namespace ehub::forecast {
namespace {
constexpr double kPi = 3.14159265358979323846;
}

// ---------------------------------------------------------------------------------------------
// Options

void FeatureOptions::validate() const {
  if (yearly_harmonics < 0 || yearly_harmonics > 6)
    throw InputError("", "features/yearly_harmonics", "must lie in 0..6, got " + std::to_string(yearly_harmonics));
  if (transform != "none" && transform != "log" && transform != "auto" && transform != "log_shift" &&
      transform != "select") {
    std::string msg = "must be \"none\", \"log\", \"auto\", \"log_shift\" or \"select\", got \"";
    msg += transform;
    msg += "\"";
    throw InputError("", "features/transform", msg);
  }
  if (!(log_shift_fraction > 0) || !std::isfinite(log_shift_fraction))
    throw InputError("", "features/log_shift_fraction", "must be a finite number > 0");
  if (!std::isfinite(heating_base_c) || !std::isfinite(cooling_base_c))
    throw InputError("", "features/heating_base_c", "degree-hour bases must be finite");
}

void FeatureOptions::read_json(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& used) {
  detail::JsonReader r(j, prefix);
  auto get = [&](const char* k, auto& v) {
    if (r.has(k)) used.emplace_back(k);
    r.get(k, v);
  };
  get("lags", lags);
  get("calendar", calendar);
  get("yearly_harmonics", yearly_harmonics);
  get("weather", weather);
  get("temperature_column", temperature_column);
  get("ghi_column", ghi_column);
  get("heating_base_c", heating_base_c);
  get("cooling_base_c", cooling_base_c);
  get("transform", transform);
  get("log_shift_fraction", log_shift_fraction);
  get("extra_columns", extra_columns);
}

namespace {
// Throws on keys neither `used` nor in `own`.
void check_keys(const nlohmann::json& j, const std::string& prefix, const std::vector<std::string>& used) {
  if (!j.is_object()) {
    if (!j.is_null()) throw InputError("", prefix, "must be a JSON object");
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(used.begin(), used.end(), it.key()) == used.end())
      throw InputError("", prefix + "/" + it.key(), "unknown option");
}
}  // namespace

void RidgeModelOptions::validate() const {
  features.validate();
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw InputError("", "ridge/lambda", "must be a finite number >= 0");
  if (min_group_rows < 1) throw InputError("", "ridge/min_group_rows", "must be >= 1");
  if (!(huber_k >= 0) || !std::isfinite(huber_k)) throw InputError("", "ridge/huber_k", "must be a finite number >= 0 (0: squared loss)");
  if (!(group_lambda >= 0) || !std::isfinite(group_lambda))
    throw InputError("", "ridge/group_lambda", "must be a finite number >= 0 (0: independent group models)");
}

RidgeModelOptions RidgeModelOptions::hierarchical() {
  RidgeModelOptions o;
  o.model_name = "ridge_hier";
  o.min_group_rows = 2;
  o.group_lambda = 10.0;
  o.features.transform = "select";
  return o;
}

RidgeModelOptions RidgeModelOptions::from_json(const nlohmann::json& j, const RidgeModelOptions& defaults) {
  RidgeModelOptions o = defaults;
  std::vector<std::string> used;
  const std::string prefix = o.model_name;
  o.features.read_json(j, prefix, used);
  detail::JsonReader r(j, prefix);
  auto get = [&](const char* k, auto& v) {
    if (r.has(k)) used.emplace_back(k);
    r.get(k, v);
  };
  get("lambda", o.lambda);
  get("per_group", o.per_group);
  get("min_group_rows", o.min_group_rows);
  get("huber_k", o.huber_k);
  get("group_lambda", o.group_lambda);
  check_keys(j, prefix, used);
  o.validate();
  return o;
}

void GbrtModelOptions::validate() const {
  features.validate();
  trees.validate();
}

GbrtModelOptions GbrtModelOptions::from_json(const nlohmann::json& j) {
  GbrtModelOptions o;
  std::vector<std::string> used;
  o.features.read_json(j, "gbrt", used);
  detail::JsonReader r(j, "gbrt");
  auto get = [&](const char* k, auto& v) {
    if (r.has(k)) used.emplace_back(k);
    r.get(k, v);
  };
  get("trees", o.trees.trees);
  get("learning_rate", o.trees.learning_rate);
  get("max_depth", o.trees.max_depth);
  get("min_samples_leaf", o.trees.min_samples_leaf);
  get("max_bins", o.trees.max_bins);
  get("subsample", o.trees.subsample);
  get("l2", o.trees.l2);
  get("seed", o.trees.seed);
  get("residual_on_lag", o.residual_on_lag);
  check_keys(j, "gbrt", used);
  o.validate();
  return o;
}

// ---------------------------------------------------------------------------------------------
// Features

namespace detail {

FeatureSet::FeatureSet(const FeatureOptions& options, Mode mode, const ModelInput& in) : o_(options), mode_(mode) {
  o_.validate();
  // Transform.
  double mn = std::numeric_limits<double>::infinity(), sum = 0.0;
  std::int64_t cnt = 0;
  for (std::int64_t i = 0; i < in.grid.size(); ++i)
    if (in.observed[static_cast<std::size_t>(i)]) {
      mn = std::min(mn, in.target[i]);
      sum += in.target[i];
      ++cnt;
    }
  const double mean = cnt ? sum / static_cast<double>(cnt) : 0.0;
  if (o_.transform == "log") {
    if (!(mn > 0)) throw InputError("", "features/transform", "\"log\" needs a positive target; its minimum is " + std::to_string(mn));
    log_ = true;
  } else if (o_.transform == "log_shift") {
    if (!(mn >= 0))
      throw InputError("", "features/transform", "\"log_shift\" needs a non-negative target; its minimum is " + std::to_string(mn));
    log_ = true;
    shift_ = mean > 0 ? o_.log_shift_fraction * mean : 1.0;
  } else if (o_.transform == "auto" || o_.transform == "select") {
    log_ = mn > 0 && mn >= 0.05 * mean;
  }
  floor_ = log_ && shift_ == 0.0 ? 0.5 * mn : 0.0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::int64_t i = 0; i < in.grid.size(); ++i)
    if (in.observed[static_cast<std::size_t>(i)]) {
      const double z = log_ ? std::log(std::max(in.target[i], floor_) + shift_) : in.target[i];
      lo = std::min(lo, z);
      hi = std::max(hi, z);
    }
  if (cnt > 0) {
    z_lo_ = lo - 0.1 * (hi - lo);
    z_hi_ = hi + 0.1 * (hi - lo);
  }
  // Weather columns.
  if (o_.weather) {
    temp_ = find_temperature_column(in.exogenous, o_.temperature_column);
    if (o_.ghi_column != "none") ghi_ = find_ghi_column(in.exogenous, o_.ghi_column);
  }
  if (mode_ == Mode::trees) {
    names_ = {"step_of_day", "weekday", "day_group", "lead_steps"};
  } else if (o_.calendar) {
    for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun_holiday"}) names_.push_back(std::string("weekday_") + d);
  }
  if (mode_ == Mode::trees && !o_.calendar) names_.erase(names_.begin() + 1, names_.begin() + 3);
  if (o_.lags) {
    names_.insert(names_.end(), {"lag_day", "lag_week", "lag_group", "mean_day_before_origin", "last_before_origin"});
    lag_group_ = static_cast<int>(names_.size()) - 3;
  }
  for (int k = 1; k <= o_.yearly_harmonics; ++k) {
    names_.push_back("year_sin" + std::to_string(k));
    names_.push_back("year_cos" + std::to_string(k));
  }
  if (!temp_.empty()) {
    names_.insert(names_.end(), {"temperature", "heating_degree_hours", "cooling_degree_hours", "temperature_mean_24h"});
    if (o_.lags) names_.push_back("temperature_at_lag_group");
  }
  if (!ghi_.empty()) names_.push_back("ghi");
  for (const auto& c : o_.extra_columns) {
    (void)in.exogenous.column(c);  // throws listing the columns
    names_.push_back("x:" + c);
  }
}

std::vector<std::string> FeatureSet::exogenous_columns() const {
  std::vector<std::string> c;
  if (!temp_.empty()) c.push_back(temp_);
  if (!ghi_.empty()) c.push_back(ghi_);
  for (const auto& x : o_.extra_columns)
    if (std::find(c.begin(), c.end(), x) == c.end()) c.push_back(x);
  return c;
}

std::int64_t FeatureSet::min_history_steps(std::int64_t spd) const noexcept {
  return o_.lags ? 8 * spd : spd;
}

Eigen::VectorXd FeatureSet::transform(const Eigen::VectorXd& y) const {
  if (!log_) return y;
  Eigen::VectorXd z(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) z[i] = std::log(std::max(y[i], floor_) + shift_);
  return z;
}

double FeatureSet::inverse(double z) const noexcept {
  z = std::clamp(z, z_lo_, z_hi_);
  if (shift_ > 0) return std::max(0.0, std::exp(z) - shift_);
  return log_ ? std::exp(z) : z;
}

bool FeatureSet::row(const ModelInput& in, const Eigen::VectorXd& z, std::int64_t n, std::int64_t i,
                     std::int64_t origin, double* out) const {
  const Calendar& cal = in.calendar;
  const std::int64_t s = in.grid.step_s();
  const std::int64_t spd = 86400 / s;
  const std::int64_t t = in.grid.time_unix_s(i);
  const DayGroup grp = cal.day_group(t);
  std::size_t k = 0;
  if (mode_ == Mode::trees) {
    out[k++] = static_cast<double>((t - cal.local_midnight(t)) / s);
    if (o_.calendar) {
      out[k++] = cal.effective_weekday(t);
      out[k++] = static_cast<double>(grp);
    }
    out[k++] = static_cast<double>((t - origin) / s);
  } else if (o_.calendar) {
    const int wd = cal.effective_weekday(t);
    for (int d = 0; d < 7; ++d) out[k++] = d == wd ? 1.0 : 0.0;
  }
  std::int64_t lg = -1;
  if (o_.lags) {
    if (n < spd) return false;
    const std::int64_t ld = latest_known_lag(i, n, spd);
    const std::int64_t lw = latest_known_lag(i, n, 7 * spd);
    std::int64_t kd = (i - ld) / spd;
    for (; kd <= 14; ++kd)
      if (cal.day_group(t - kd * 86400) == grp) break;
    lg = kd <= 14 ? i - kd * spd : lw;
    if (ld < 0 || lw < 0 || lg < 0) return false;
    out[k++] = z[ld];
    out[k++] = z[lw];
    out[k++] = z[lg];
    out[k++] = z.segment(n - spd, spd).mean();
    out[k++] = z[n - 1];
  }
  if (o_.yearly_harmonics > 0) {
    const LocalTime lt = to_local(t, cal.utc_offset_minutes);
    const double frac = (lt.day_of_year - 1 + (lt.hour + lt.minute / 60.0) / 24.0) / 365.25;
    for (int h = 1; h <= o_.yearly_harmonics; ++h) {
      out[k++] = std::sin(2 * kPi * h * frac);
      out[k++] = std::cos(2 * kPi * h * frac);
    }
  }
  if (!temp_.empty()) {
    const Eigen::VectorXd& T = in.exogenous.column(temp_);
    const double Ti = ModelInput::at(T, i);
    if (!std::isfinite(Ti)) return false;
    out[k++] = Ti;
    out[k++] = std::max(0.0, o_.heating_base_c - Ti);
    out[k++] = std::max(0.0, Ti - o_.cooling_base_c);
    double m = 0.0;
    for (std::int64_t d = 0; d < spd; ++d) m += ModelInput::at(T, i - d);
    m /= static_cast<double>(spd);
    if (!std::isfinite(m)) return false;
    out[k++] = m;
    if (o_.lags) {
      const double Tl = ModelInput::at(T, lg);
      if (!std::isfinite(Tl)) return false;
      out[k++] = Tl;
    }
  }
  if (!ghi_.empty()) {
    const double g = ModelInput::at(in.exogenous.column(ghi_), i);
    if (!std::isfinite(g)) return false;
    out[k++] = g;
  }
  for (const auto& c : o_.extra_columns) {
    const double x = ModelInput::at(in.exogenous.column(c), i);
    if (!std::isfinite(x)) return false;
    out[k++] = x;
  }
  return true;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Ridge

RidgeForecaster::RidgeForecaster(RidgeModelOptions options) : options_(std::move(options)) { options_.validate(); }

Requirements RidgeForecaster::requirements() const {
  Requirements r;
  r.min_history_s = 8 * 86400;
  if (features_) {
    r.exogenous = features_->exogenous_columns();
    r.min_history_s = features_->min_history_steps(24) * 3600;
  }
  return r;
}

std::vector<std::string> RidgeForecaster::feature_names() const {
  return features_ ? features_->names() : std::vector<std::string>{};
}

bool RidgeForecaster::log_transform() const noexcept { return features_ && features_->log(); }

const LinearModel* RidgeForecaster::model(std::int64_t step_of_day, int group) const {
  if (step_of_day < 0 || step_of_day >= static_cast<std::int64_t>(pooled_.size())) return nullptr;
  if (group < 0) return &pooled_[static_cast<std::size_t>(step_of_day)];
  const auto& g = group_[static_cast<std::size_t>(step_of_day)];
  if (group >= static_cast<int>(g.size()) || g[static_cast<std::size_t>(group)].coef.size() == 0) return nullptr;
  return &g[static_cast<std::size_t>(group)];
}

namespace {

// Rows of every observed target step seen from its scheduled origin.
struct Rows {
  std::vector<double> x;  // row-major
  std::vector<double> y;
  std::vector<std::int64_t> index;  // the target step of each row
  std::vector<std::int64_t> sod;
  std::vector<int> group;
};

Rows training_rows(const detail::FeatureSet& fs, const ModelInput& in, const Schedule& schedule) {
  Rows r;
  const Eigen::VectorXd z = fs.transform(in.target);
  const std::int64_t s = in.grid.step_s(), spd = 86400 / s;
  const std::int64_t min_known = fs.min_history_steps(spd);
  const auto p = static_cast<std::size_t>(fs.size());
  std::vector<double> row(p);
  r.x.reserve(static_cast<std::size_t>(in.grid.size()) * p);
  for (std::int64_t i = 0; i < in.grid.size(); ++i) {
    if (!in.observed[static_cast<std::size_t>(i)]) continue;
    const std::int64_t t = in.grid.time_unix_s(i);
    const std::int64_t o = schedule.origin_for(t, in.calendar);
    const std::int64_t off = o - in.grid.start_unix_s();
    if (off < 0) continue;
    const std::int64_t n = off / s;  // steps ended by o
    if (n < min_known || n > i) continue;
    if (!fs.row(in, z, n, i, o, row.data())) continue;
    r.x.insert(r.x.end(), row.begin(), row.end());
    r.y.push_back(z[i]);
    r.index.push_back(i);
    r.sod.push_back((t - in.calendar.local_midnight(t)) / s);
    r.group.push_back(static_cast<int>(in.calendar.day_group(t)));
  }
  return r;
}

}  // namespace

namespace {

// The models of one transform: pooled per step of the day, per (step, group); the leave-one-out
// mean absolute error of the pooled models on the target's own scale when `loo` is set.
struct RidgeModels {
  std::vector<LinearModel> pooled;
  std::vector<std::vector<LinearModel>> group;
  double loo_mae = std::numeric_limits<double>::quiet_NaN();
};

RidgeModels fit_ridge_models(const RidgeModelOptions& opt, const detail::FeatureSet& fs, const ModelInput& in,
                             const Schedule& schedule, bool loo, bool non_negative) {
  const Rows rows = training_rows(fs, in, schedule);
  const std::int64_t spd = in.steps_per_day();
  const Eigen::Index p = fs.size();
  RidgeModels out;
  out.pooled.assign(static_cast<std::size_t>(spd), {});
  out.group.assign(static_cast<std::size_t>(spd), std::vector<LinearModel>(3));
  std::vector<std::vector<std::size_t>> by_sod(static_cast<std::size_t>(spd));
  for (std::size_t r = 0; r < rows.y.size(); ++r) by_sod[static_cast<std::size_t>(rows.sod[r])].push_back(r);
  auto gather = [&](const std::vector<std::size_t>& idx, Eigen::MatrixXd& X, Eigen::VectorXd& y) {
    X.resize(static_cast<Eigen::Index>(idx.size()), p);
    y.resize(static_cast<Eigen::Index>(idx.size()));
    for (std::size_t a = 0; a < idx.size(); ++a) {
      for (Eigen::Index c = 0; c < p; ++c)
        X(static_cast<Eigen::Index>(a), c) = rows.x[idx[a] * static_cast<std::size_t>(p) + static_cast<std::size_t>(c)];
      y[static_cast<Eigen::Index>(a)] = rows.y[idx[a]];
    }
  };
  auto fit_rows = [&](const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const LinearModel* prior,
                      Eigen::VectorXd* leverage) {
    const Eigen::VectorXd none;
    const Eigen::VectorXd& pc = prior ? prior->coef : none;
    const double pl = prior ? opt.group_lambda : 0.0;
    if (!prior && !leverage)  // ridge's original path (bit-identical results)
      return opt.huber_k > 0 ? huber_ridge_fit(X, y, opt.lambda, opt.huber_k) : ridge_fit(X, y, opt.lambda, true, true);
    return opt.huber_k > 0 ? huber_ridge_fit_towards(X, y, opt.lambda, pc, pl, opt.huber_k, 5, leverage)
                           : ridge_fit_towards(X, y, opt.lambda, pc, pl, {}, leverage);
  };
  double abs_sum = 0.0;
  std::int64_t abs_count = 0;
  Eigen::MatrixXd X;
  Eigen::VectorXd y, h;
  for (std::int64_t k = 0; k < spd; ++k) {
    const auto& idx = by_sod[static_cast<std::size_t>(k)];
    if (idx.size() < 2) {
      std::string msg = opt.model_name;
      msg += ": fewer than 2 training rows for step ";
      msg += std::to_string(k);
      msg += " of the day; the history is too short or too sparse (needs 8 days of lags before each row)";
      throw InputError("", "target", msg);
    }
    gather(idx, X, y);
    LinearModel& pooled = out.pooled[static_cast<std::size_t>(k)];
    pooled = fit_rows(X, y, nullptr, loo ? &h : nullptr);
    if (loo) {
      // Leave-one-out forecast of row a: z_a - r_a / (1 - h_a), scored on the target's scale.
      const Eigen::VectorXd fitted = pooled.predict(X);
      for (Eigen::Index a = 0; a < y.size(); ++a) {
        const double r = y[a] - fitted[a];
        double f = fs.inverse(y[a] - r / std::max(1.0 - h[a], 1e-6));
        if (non_negative) f = std::max(f, 0.0);
        abs_sum += std::abs(f - in.target[rows.index[idx[static_cast<std::size_t>(a)]]]);
        ++abs_count;
      }
    }
    if (!opt.per_group) continue;
    for (int g = 0; g < 3; ++g) {
      std::vector<std::size_t> sub;
      for (std::size_t r : idx)
        if (rows.group[r] == g) sub.push_back(r);
      if (static_cast<int>(sub.size()) < opt.min_group_rows) continue;
      gather(sub, X, y);
      out.group[static_cast<std::size_t>(k)][static_cast<std::size_t>(g)] =
          fit_rows(X, y, opt.group_lambda > 0 ? &pooled : nullptr, nullptr);
    }
  }
  if (loo) out.loo_mae = abs_count ? abs_sum / static_cast<double>(abs_count) : std::numeric_limits<double>::infinity();
  return out;
}

}  // namespace

std::string RidgeForecaster::transform() const { return features_ ? features_->transform_name() : std::string(); }

void RidgeForecaster::fit(const ModelInput& in, const ForecastOptions& options) {
  schedule_ = options.schedule;
  transform_scores_.clear();
  std::vector<std::string> candidates;
  bool non_negative = true;
  if (options_.features.transform == "select") {
    double mn = std::numeric_limits<double>::infinity();
    for (std::int64_t i = 0; i < in.grid.size(); ++i)
      if (in.observed[static_cast<std::size_t>(i)]) mn = std::min(mn, in.target[i]);
    non_negative = mn >= 0;
    candidates.emplace_back("none");
    if (mn > 0) candidates.emplace_back("log");
    if (mn >= 0) candidates.emplace_back("log_shift");
  } else {
    candidates.push_back(options_.features.transform);
  }
  const bool loo = candidates.size() > 1;
  std::shared_ptr<const detail::FeatureSet> best_fs;
  RidgeModels best;
  for (const auto& c : candidates) {
    FeatureOptions fo = options_.features;
    fo.transform = c;
    auto fs = std::make_shared<detail::FeatureSet>(fo, detail::FeatureSet::Mode::linear, in);
    RidgeModels m = fit_ridge_models(options_, *fs, in, schedule_, loo, non_negative);
    if (loo) transform_scores_.emplace_back(c, m.loo_mae);
    if (!best_fs || (loo && m.loo_mae < best.loo_mae)) {
      best = std::move(m);
      best_fs = std::move(fs);
    }
  }
  pooled_ = std::move(best.pooled);
  group_ = std::move(best.group);
  features_ = std::move(best_fs);
}

Eigen::VectorXd RidgeForecaster::predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const {
  if (!features_) throw InputError("", "", options_.model_name + ": predict() before fit()");
  const Eigen::VectorXd z = features_->transform(known.target);
  const std::int64_t n = known.grid.size(), s = known.grid.step_s();
  const std::int64_t i0 = known.index_of(window.start_unix_s());
  std::vector<double> row(static_cast<std::size_t>(features_->size()));
  Eigen::VectorXd out(window.size());
  for (std::int64_t j = 0; j < window.size(); ++j) {
    const std::int64_t i = i0 + j;
    const std::int64_t t = window.time_unix_s(j);
    if (!features_->row(known, z, n, i, origin, row.data())) {
      out[j] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const std::int64_t sod = (t - known.calendar.local_midnight(t)) / s;
    const LinearModel* m = model(sod, static_cast<int>(known.calendar.day_group(t)));
    if (!m) m = model(sod, -1);
    out[j] = features_->inverse(m->predict(row.data()));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Gradient-boosted trees

GbrtForecaster::GbrtForecaster(GbrtModelOptions options) : options_(std::move(options)), trees_(options_.trees) {
  options_.validate();
}

Requirements GbrtForecaster::requirements() const {
  Requirements r;
  r.min_history_s = 8 * 86400;
  if (features_) {
    r.exogenous = features_->exogenous_columns();
    r.min_history_s = features_->min_history_steps(24) * 3600;
  }
  return r;
}

std::vector<std::string> GbrtForecaster::feature_names() const {
  return features_ ? features_->names() : std::vector<std::string>{};
}

void GbrtForecaster::fit(const ModelInput& in, const ForecastOptions& options) {
  schedule_ = options.schedule;
  auto fs = std::make_shared<detail::FeatureSet>(options_.features, detail::FeatureSet::Mode::trees, in);
  const Rows rows = training_rows(*fs, in, schedule_);
  const Eigen::Index p = fs->size();
  const auto n = static_cast<Eigen::Index>(rows.y.size());
  if (n < 2 * options_.trees.min_samples_leaf)
    throw InputError("", "target", "gbrt: only " + std::to_string(n) + " training rows; the history is too short");
  Eigen::MatrixXd X(n, p);
  Eigen::VectorXd y(n);
  const int lg = options_.residual_on_lag ? fs->lag_group_index() : -1;
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index c = 0; c < p; ++c) X(r, c) = rows.x[static_cast<std::size_t>(r * p + c)];
    y[r] = rows.y[static_cast<std::size_t>(r)] - (lg >= 0 ? X(r, lg) : 0.0);
  }
  trees_ = GradientBoostedTrees(options_.trees);
  trees_.fit(X, y);
  features_ = std::move(fs);
}

Eigen::VectorXd GbrtForecaster::predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const {
  if (!features_) throw InputError("", "", "gbrt: predict() before fit()");
  const Eigen::VectorXd z = features_->transform(known.target);
  const std::int64_t n = known.grid.size();
  const std::int64_t i0 = known.index_of(window.start_unix_s());
  const int lg = options_.residual_on_lag ? features_->lag_group_index() : -1;
  std::vector<double> row(static_cast<std::size_t>(features_->size()));
  Eigen::VectorXd out(window.size());
  for (std::int64_t j = 0; j < window.size(); ++j) {
    if (!features_->row(known, z, n, i0 + j, origin, row.data())) {
      out[j] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    out[j] = features_->inverse(trees_.predict(row.data()) + (lg >= 0 ? row[static_cast<std::size_t>(lg)] : 0.0));
  }
  return out;
}

}  // namespace ehub::forecast
