// Rolling-origin backtests: every scheduled origin (e.g. each day at 10:00) each model is fitted
// on the data before the origin only, forecasts its window, and is scored against what happened.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/forecast/metrics.hpp"

namespace ehub::forecast {

/// Where the quantiles of a backtest forecast come from.
enum class QuantileSource : int {
  /// Residuals of the model's own earlier backtest forecasts whose outcome was known at the origin
  /// (out of sample; the last `online_window_days`), once `online_min_days` of them exist; the
  /// model's fit-time calibration before that.
  online = 0,
  /// The model's fit-time calibration (Forecaster::fit) only.
  model = 1,
};

/// Options of backtest().
struct EHUB_EXPORT BacktestOptions {
  /// Calendar, schedule (origin hour, horizon, day-ahead), quantile levels and cleaning, applied
  /// to every model.
  ForecastOptions forecast;
  int min_history_days = 28;  ///< target history before the first origin
  int refit_every_days = 7;   ///< fit again when this many days passed since the last fit (1: daily)
  int max_training_days = 0;  ///< 0: all data before the origin (expanding window); else the last N days
  std::int64_t first_origin_unix_s = std::numeric_limits<std::int64_t>::min();  ///< optional bounds
  std::int64_t last_origin_unix_s = std::numeric_limits<std::int64_t>::max();
  std::string benchmark = "seasonal_naive_week";  ///< reference of the skill score (a registered name)
  double normaliser = std::numeric_limits<double>::quiet_NaN();  ///< nMAE normaliser (capacity); NaN: mean |y|
  QuantileSource quantiles = QuantileSource::online;
  int online_window_days = 56;
  int online_min_days = 14;
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// One model's backtest: forecasts by origin and step, and their scores.
struct EHUB_EXPORT ModelBacktest {
  std::string model;
  Eigen::MatrixXd point;                   ///< origins x horizon steps
  std::vector<Eigen::MatrixXd> quantiles;  ///< one origins x horizon matrix per level
  Metrics metrics;                         ///< over every scored step, skill against the benchmark
  int fits = 0;
  double fit_seconds = 0.0;      ///< total wall time of the fits
  double predict_seconds = 0.0;  ///< total wall time of the forecasts (with input preparation)
};

/// The backtest of several models on the same origins.
struct EHUB_EXPORT BacktestResult {
  std::vector<std::int64_t> origins;  ///< unix s
  std::vector<std::int64_t> window_start_unix_s;  ///< first forecast step of each origin
  int step_minutes = 60;
  Eigen::MatrixXd actual;             ///< origins x horizon steps (NaN: not measured)
  std::vector<double> quantile_levels;
  std::string benchmark;
  std::vector<ModelBacktest> models;  ///< in the order given (the benchmark appended if absent)

  /// The backtest of a model; throws InputError when absent.
  const ModelBacktest& model(std::string_view name) const;
  /// A fixed-width table: model, MAE, RMSE, MAPE %, nMAE, pinball, skill, fit and forecast seconds.
  std::string brief_report() const;
  /// {"models": {name: {"mae", "rmse", "mape", "nmae", "bias", "pinball", "skill_vs_seasonal_naive",
  /// "count", "fits", "fit_seconds", "predict_seconds"}}, "origins", "first_origin", "last_origin",
  /// "horizon_steps", "benchmark", "quantile_levels"} (NaN as null).
  nlohmann::json summary() const;
};

/// Runs a rolling-origin backtest of `models` on `data`: for each scheduled origin o, a model is
/// (re)fitted on the target before o (and exogenous values before o) when due, and forecasts the
/// window from the target steps ended by o and exogenous values up to the window's end. No value
/// after that is read. Throws InputError when the data is too short for one origin.
EHUB_EXPORT BacktestResult backtest(const History& data, std::vector<Forecaster> models,
                                    const BacktestOptions& options);

}  // namespace ehub::forecast
