// Regression forecasters for loads: ridge regression (per step of the day and day group) and
// gradient-boosted trees on lags known at the origin, calendar terms, holidays and weather.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ehub/export.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/forecast/linear.hpp"
#include "ehub/forecast/trees.hpp"

namespace ehub::forecast {

/// The features of a target step t forecast from an origin o (docs/forecasting.md lists them with
/// their equations). Lags only read target steps that had ended by o; weather is read at t and
/// before (never after the forecast window).
struct EHUB_EXPORT FeatureOptions {
  /// Lags known at the origin: same step of the latest known day, of the latest known week, of
  /// the latest known day of the same day group, mean of the last day before o, last value.
  bool lags = true;
  /// Calendar: effective weekday (holidays as Sundays, make-up days as Wednesdays).
  bool calendar = true;
  /// Harmonics of the yearly Fourier terms sin/cos(2 pi k doy / 365.25), k = 1..K (0: none).
  int yearly_harmonics = 2;
  /// Weather features when a temperature column is found (see find_temperature_column):
  /// T(t), heating degree-hours max(0, heating_base - T), cooling degree-hours max(0, T -
  /// cooling_base), mean T of the 24 h up to t, T at the same-group lag; GHI(t) when found.
  bool weather = true;
  std::string temperature_column;  ///< "" = detect by name
  std::string ghi_column;          ///< "" = detect by name; "none" = do not use irradiance
  double heating_base_c = 15.5;
  double cooling_base_c = 22.0;
  /// Further exogenous columns used as they are, at t (e.g. forecast wind speed, cloud cover,
  /// a price); each must cover the forecast window.
  std::vector<std::string> extra_columns;
  /// Target transform: "none", "log" (positive targets), "auto": log when every measured value
  /// of the fit history is at least 5 % of their mean, else none; "log_shift" (non-negative
  /// targets): z = log(y + c) with c = log_shift_fraction x the mean of the measured fit values,
  /// forecast max(0, exp(z) - c); "select" (ridge models only; the others read it as "auto"):
  /// the candidate among none, log (positive targets) and log_shift (non-negative targets) whose
  /// leave-one-out mean absolute error on the target's own scale is the smallest on the fit
  /// history (RidgeModelOptions).
  std::string transform = "auto";
  /// c / mean(y) of the "log_shift" transform, > 0.
  double log_shift_fraction = 0.1;
  /// Throws InputError naming the bad field.
  void validate() const;
  /// Reads the keys above from `j` (keys of other options are left to the caller).
  void read_json(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& used);
};

/// Options of RidgeForecaster.
struct EHUB_EXPORT RidgeModelOptions {
  FeatureOptions features;
  double lambda = 10.0;     ///< ridge penalty on standardised features
  bool per_group = true;    ///< one model per (step of day, day group); else per step of day
  int min_group_rows = 30;  ///< fewer rows in a group: the step's pooled model is used
  /// Huber loss (huber_ridge_fit) instead of squared loss: robust to days the calendar does not
  /// know; 0: plain ridge.
  double huber_k = 1.345;
  /// Shrinkage of each (step of day, day group) model towards its step's pooled model: the group
  /// fit minimises sum rho(y - b0 - x b) + lambda ||D b||^2 + group_lambda ||D (b - b_pooled)||^2
  /// (huber_ridge_fit_towards). 0: independent group models (ridge's default).
  double group_lambda = 0.0;
  /// Name the forecaster reports ("ridge", "ridge_hier"); not a JSON option.
  std::string model_name = "ridge";
  /// Throws InputError naming the bad field.
  void validate() const;
  /// Reads {"lambda", "per_group", "min_group_rows", "huber_k", "group_lambda"} and the feature
  /// keys on top of `defaults`; unknown keys are errors.
  static RidgeModelOptions from_json(const nlohmann::json& j, const RidgeModelOptions& defaults);
  /// Reads the keys above on top of ridge's defaults.
  static RidgeModelOptions from_json(const nlohmann::json& j) { return from_json(j, RidgeModelOptions{}); }
  /// The defaults of "ridge_hier" (hierarchical ridge, docs/forecasting.md): group models from 2 rows
  /// on, shrunk towards the step's pooled model with group_lambda = 10, transform "select".
  static RidgeModelOptions hierarchical();
};

/// Options of GbrtForecaster.
struct EHUB_EXPORT GbrtModelOptions {
  FeatureOptions features;
  /// Defaults chosen on the DOE office / hospital backtests (docs/forecasting.md): 100 trees of
  /// depth 4, learning rate 0.05, at least 40 rows per leaf (one year of hourly data overfits
  /// deeper or longer ensembles).
  GbrtParams trees = {100, 0.05, 4, 40, 64, 0.8, 1.0, 1};
  /// Learn the difference from the same-group lag instead of the level (trees cannot extrapolate
  /// levels; the lag carries them).
  bool residual_on_lag = true;
  void validate() const;
  /// Reads the GbrtParams keys ("trees", "learning_rate", ...), "residual_on_lag" and the feature keys.
  static GbrtModelOptions from_json(const nlohmann::json& j);
};

namespace detail {
class FeatureSet;
}

/// Ridge regression, one linear model per step of the day (and day group): a direct multi-step
/// forecaster trained on the features each step had when seen from its scheduled origin.
class EHUB_EXPORT RidgeForecaster {
 public:
  explicit RidgeForecaster(RidgeModelOptions options = {});
  /// The registered name (options.model_name).
  std::string name() const { return options_.model_name; }
  /// Fits every step's pooled model and the day-group models (see RidgeModelOptions); with
  /// transform "select" first chooses the transform by leave-one-out error.
  void fit(const ModelInput& in, const ForecastOptions& options);
  /// Point forecasts of `window` from `origin`; `known` holds the target steps ended by the origin.
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  /// History and exogenous columns needed.
  Requirements requirements() const;
  /// Names of the feature columns (after fit).
  std::vector<std::string> feature_names() const;
  /// The transform used by the last fit ("none", "log" or "log_shift"; "" before fit).
  std::string transform() const;
  /// Leave-one-out mean absolute error (target units) of each candidate transform at the last fit
  /// with transform "select" (empty otherwise), by transform name.
  const std::vector<std::pair<std::string, double>>& transform_scores() const noexcept { return transform_scores_; }
  /// The fitted model of a step of the day and day group (group -1: the step's pooled model).
  const LinearModel* model(std::int64_t step_of_day, int group) const;
  /// True when the target was modelled on a log scale.
  bool log_transform() const noexcept;

 private:
  RidgeModelOptions options_;
  std::shared_ptr<const detail::FeatureSet> features_;
  std::vector<LinearModel> pooled_;              // per step of day
  std::vector<std::vector<LinearModel>> group_;  // per step of day, per group (empty coef: not fitted)
  Schedule schedule_;
  std::vector<std::pair<std::string, double>> transform_scores_;
};

/// Gradient-boosted trees on the same features plus step of the day, weekday, day group and lead
/// time, one model for all steps.
class EHUB_EXPORT GbrtForecaster {
 public:
  explicit GbrtForecaster(GbrtModelOptions options = {});
  std::string name() const { return "gbrt"; }
  void fit(const ModelInput& in, const ForecastOptions& options);
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  Requirements requirements() const;
  std::vector<std::string> feature_names() const;
  const GradientBoostedTrees& trees() const noexcept { return trees_; }

 private:
  GbrtModelOptions options_;
  std::shared_ptr<const detail::FeatureSet> features_;
  GradientBoostedTrees trees_;
  Schedule schedule_;
};

}  // namespace ehub::forecast
