// Rolling-origin backtest with per-origin truncation of the inputs (no look-ahead by construction).
#include "ehub/forecast/backtest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "ehub/core/error.hpp"

namespace ehub::forecast {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The history a fit may see at origin o: target steps ended by o (from `train_start`), exogenous
// steps before o.
History training_history(const History& data, std::int64_t train_start, std::int64_t o) {
  History h;
  const TimeGrid& g = data.target.grid();
  const std::int64_t s = g.step_s();
  const std::int64_t first = std::max<std::int64_t>(0, (train_start - g.start_unix_s() + s - 1) / s);
  const std::int64_t last = std::min(g.size(), (o - g.start_unix_s()) / s);
  h.target = Series(g.slice(first, last - first), data.target.values().segment(first, last - first), data.target.kind(),
                    data.target.name());
  if (!data.exogenous.empty()) {
    const TimeGrid& eg = data.exogenous.grid();
    const std::int64_t e_last = std::clamp<std::int64_t>((o - eg.start_unix_s()) / eg.step_s(), 0, eg.size());
    h.exogenous = data.exogenous.slice(0, e_last);
  }
  return h;
}

struct Online {
  std::vector<std::int64_t> t;  // target step start
  std::vector<double> r;        // residual (actual - point)
  std::vector<std::int64_t> window_end;
};

}  // namespace

void BacktestOptions::validate() const {
  forecast.validate();
  if (min_history_days < 1) throw InputError("", "min_history_days", "must be >= 1");
  if (refit_every_days < 1) throw InputError("", "refit_every_days", "must be >= 1");
  if (max_training_days < 0) throw InputError("", "max_training_days", "must be >= 0 (0: expanding window)");
  if (online_window_days < 1) throw InputError("", "online_window_days", "must be >= 1");
  if (online_min_days < 0) throw InputError("", "online_min_days", "must be >= 0");
  if (benchmark.empty()) throw InputError("", "benchmark", "must name a registered model");
}

const ModelBacktest& BacktestResult::model(std::string_view name) const {
  for (const auto& m : models)
    if (m.model == name) return m;
  throw InputError("", "model", "no backtest of \"" + std::string(name) + "\"");
}

std::string BacktestResult::brief_report() const {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-22s %12s %12s %8s %8s %12s %8s %8s %8s\n", "model", "MAE", "RMSE", "MAPE%", "nMAE",
                "pinball", "skill", "fit_s", "pred_s");
  out += buf;
  auto f = [](double x, const char* fmt) {
    char b[32];
    if (!std::isfinite(x)) return std::string("-");
    std::snprintf(b, sizeof b, fmt, x);
    return std::string(b);
  };
  for (const auto& m : models) {
    std::snprintf(buf, sizeof buf, "%-22s %12s %12s %8s %8s %12s %8s %8s %8s\n", m.model.c_str(),
                  f(m.metrics.mae, "%.4g").c_str(), f(m.metrics.rmse, "%.4g").c_str(), f(m.metrics.mape, "%.2f").c_str(),
                  f(m.metrics.nmae, "%.4f").c_str(), f(m.metrics.pinball, "%.4g").c_str(),
                  f(m.metrics.skill, "%.3f").c_str(), f(m.fit_seconds, "%.2f").c_str(),
                  f(m.predict_seconds, "%.2f").c_str());
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%zu origins, %ld steps each; skill = 1 - MAE / MAE(%s)\n", origins.size(),
                static_cast<long>(actual.cols()), benchmark.c_str());
  out += buf;
  return out;
}

nlohmann::json BacktestResult::summary() const {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  nlohmann::json ms = nlohmann::json::object();
  for (const auto& m : models) {
    ms[m.model] = {{"mae", num(m.metrics.mae)},
                   {"rmse", num(m.metrics.rmse)},
                   {"mape", num(m.metrics.mape)},
                   {"nmae", num(m.metrics.nmae)},
                   {"bias", num(m.metrics.bias)},
                   {"pinball", num(m.metrics.pinball)},
                   {"skill_vs_seasonal_naive", num(m.metrics.skill)},
                   {"count", m.metrics.count},
                   {"fits", m.fits},
                   {"fit_seconds", m.fit_seconds},
                   {"predict_seconds", m.predict_seconds}};
  }
  nlohmann::json j{{"models", ms},
                   {"origins", origins.size()},
                   {"horizon_steps", actual.cols()},
                   {"step_minutes", step_minutes},
                   {"benchmark", benchmark},
                   {"quantile_levels", quantile_levels}};
  if (!origins.empty()) {
    j["first_origin"] = format_iso8601(origins.front());
    j["last_origin"] = format_iso8601(origins.back());
  }
  return j;
}

BacktestResult backtest(const History& data, std::vector<Forecaster> models, const BacktestOptions& options) {
  options.validate();
  const ForecastOptions& fo = options.forecast;
  const TimeGrid& g = data.target.grid();
  if (g.size() == 0) throw InputError("", "target", "the target series is empty");
  if (models.empty()) throw InputError("", "models", "no model to backtest");
  const std::int64_t s = g.step_s();

  // Models: the options of the backtest, the benchmark appended when absent.
  bool have_bench = false;
  for (auto& m : models) {
    m.set_options(fo);
    if (m.name() == options.benchmark) have_bench = true;
  }
  if (!have_bench) models.push_back(make_forecaster(options.benchmark, fo));

  // Origins.
  BacktestResult res;
  res.step_minutes = g.step_minutes();
  res.quantile_levels = fo.quantile_levels;
  res.benchmark = options.benchmark;
  const std::int64_t earliest = g.start_unix_s() + std::int64_t{options.min_history_days} * 86400;
  std::int64_t o = fo.schedule.origin_at_or_before(earliest, fo.calendar);
  if (o < earliest) o += 86400;
  for (; ; o += 86400) {
    const TimeGrid w = fo.schedule.window(o, fo.calendar, g.step_minutes());
    if (w.end_unix_s() > g.end_unix_s() || o > options.last_origin_unix_s) break;
    if (o < options.first_origin_unix_s) continue;
    res.origins.push_back(o);
    res.window_start_unix_s.push_back(w.start_unix_s());
  }
  if (res.origins.empty()) {
    std::string msg = "the target (";
    msg += std::to_string(g.size() * s / 3600);
    msg += " h from ";
    msg += format_iso8601(g.start_unix_s());
    msg += ") is too short for a backtest: it needs ";
    msg += std::to_string(options.min_history_days);
    msg += " days of history before the first origin plus the forecast window";
    throw InputError("", "target", msg);
  }
  const auto K = static_cast<Eigen::Index>(res.origins.size());
  const Eigen::Index H = fo.schedule.horizon_steps;
  const auto L = static_cast<Eigen::Index>(fo.quantile_levels.size());
  res.actual = Eigen::MatrixXd::Constant(K, H, std::numeric_limits<double>::quiet_NaN());
  res.models.resize(models.size());
  for (std::size_t m = 0; m < models.size(); ++m) {
    res.models[m].model = models[m].name();
    res.models[m].point.resize(K, H);
    res.models[m].quantiles.assign(static_cast<std::size_t>(L), Eigen::MatrixXd(K, H));
  }
  std::vector<std::int64_t> last_fit(models.size(), 0);
  std::vector<Online> online(models.size());
  const std::int64_t spd = 86400 / s;

  for (Eigen::Index k = 0; k < K; ++k) {
    o = res.origins[static_cast<std::size_t>(k)];
    const TimeGrid w(res.window_start_unix_s[static_cast<std::size_t>(k)], g.step_minutes(), H);
    // What happened (scoring only; never passed to a model).
    const std::int64_t a0 = (w.start_unix_s() - g.start_unix_s()) / s;
    for (Eigen::Index j = 0; j < H; ++j) {
      const double y = data.target.values()[a0 + j];
      const bool sentinel = std::find(fo.cleaning.sentinels.begin(), fo.cleaning.sentinels.end(), y) != fo.cleaning.sentinels.end();
      res.actual(k, j) = std::isfinite(y) && !sentinel ? y : std::numeric_limits<double>::quiet_NaN();
    }
    auto t_prep = Clock::now();
    const ModelInput known = prepare_input(data, fo.calendar, fo.cleaning, o, w.end_unix_s());
    const double prep_s = since(t_prep);
    for (std::size_t m = 0; m < models.size(); ++m) {
      ModelBacktest& mb = res.models[m];
      if (!models[m].fitted() || o - last_fit[m] >= std::int64_t{options.refit_every_days} * 86400) {
        const auto t0 = Clock::now();
        const std::int64_t train_start =
            options.max_training_days > 0 ? o - std::int64_t{options.max_training_days} * 86400 : g.start_unix_s();
        models[m].fit(training_history(data, train_start, o));
        mb.fit_seconds += since(t0);
        ++mb.fits;
        last_fit[m] = o;
      }
      const auto t0 = Clock::now();
      Forecast f = models[m].predict_prepared(known, o, w);
      if (options.quantiles == QuantileSource::online) {
        Online& on = online[m];
        std::int64_t done = 0;
        for (std::int64_t e : on.window_end)
          if (e <= o && e > o - std::int64_t{options.online_window_days} * 86400) ++done;
        if (done >= options.online_min_days && done > 0) {
          std::vector<std::vector<double>> slots(static_cast<std::size_t>(spd));
          const std::int64_t from = o - std::int64_t{options.online_window_days} * 86400;
          for (std::size_t a = 0; a < on.t.size(); ++a)
            if (on.t[a] + s <= o && on.t[a] >= from)
              slots[static_cast<std::size_t>(((on.t[a] - fo.calendar.local_midnight(on.t[a])) / s) % spd)].push_back(on.r[a]);
          f = models[m].make_forecast(o, w, f.point, Forecaster::residual_offsets(slots, w, fo.calendar, fo.quantile_levels));
        }
        for (Eigen::Index j = 0; j < H; ++j)
          if (std::isfinite(res.actual(k, j))) {
            on.t.push_back(w.time_unix_s(j));
            on.r.push_back(res.actual(k, j) - f.point[j]);
          }
        on.window_end.push_back(w.end_unix_s());
      }
      mb.predict_seconds += since(t0) + prep_s / static_cast<double>(models.size());
      mb.point.row(k) = f.point.transpose();
      for (Eigen::Index l = 0; l < L; ++l) mb.quantiles[static_cast<std::size_t>(l)].row(k) = f.quantiles.col(l).transpose();
    }
  }

  // Scores.
  const Eigen::Index N = K * H;
  auto flat = [N](const Eigen::MatrixXd& M) {
    Eigen::MatrixXd T = M.transpose();
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(T.data(), N));
  };
  const Eigen::VectorXd act = flat(res.actual);
  const Eigen::VectorXd ref = flat(res.model(options.benchmark).point);
  for (auto& mb : res.models) {
    Eigen::MatrixXd q(N, L);
    for (Eigen::Index l = 0; l < L; ++l) q.col(l) = flat(mb.quantiles[static_cast<std::size_t>(l)]);
    mb.metrics = evaluate(act, flat(mb.point), q, fo.quantile_levels, options.normaliser, ref);
  }
  return res;
}

}  // namespace ehub::forecast
