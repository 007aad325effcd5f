// The forecaster interface: fit on a history (target plus optional exogenous series), predict a
// window from an origin, point forecast plus quantiles; models register by name.
#pragma once

#include <Eigen/Core>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/forecast/calendar.hpp"
#include "ehub/forecast/data.hpp"

namespace ehub::forecast {

/// When forecasts are made and what they cover: every day at `origin_hour:origin_minute` local
/// time, `horizon_steps` steps starting at the next local midnight (`day_ahead`, the day-ahead
/// market's setting: from 10:00 the whole of tomorrow) or at the origin itself.
struct EHUB_EXPORT Schedule {
  int origin_hour = 10;
  int origin_minute = 0;
  int horizon_steps = 24;
  bool day_ahead = true;
  /// Throws InputError naming the bad field.
  void validate() const;
  /// The window forecast from `origin_unix_s` on a grid of `step_minutes`.
  TimeGrid window(std::int64_t origin_unix_s, const Calendar& calendar, int step_minutes) const;
  /// The scheduled origin whose window a step starting at `t` belongs to (the latest origin whose
  /// window starts at or before t); direct models train on the features seen from that origin.
  std::int64_t origin_for(std::int64_t t, const Calendar& calendar) const;
  /// The scheduled origin at or before `unix_s`.
  std::int64_t origin_at_or_before(std::int64_t unix_s, const Calendar& calendar) const;
};

/// Options shared by every model.
struct EHUB_EXPORT ForecastOptions {
  Calendar calendar;
  Schedule schedule;
  /// Quantile levels of the probabilistic forecast, each in (0, 1), increasing.
  std::vector<double> quantile_levels = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  CleaningOptions cleaning;
  /// Residual quantiles come from pseudo-forecasts at the scheduled origins of the last
  /// `calibration_days` days of the fit history (in-sample: see docs/forecasting.md).
  int calibration_days = 28;
  /// Clip forecasts at 0: 1 yes, 0 no, -1 when every measured value of the fit history is >= 0.
  int non_negative = -1;
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// A probabilistic forecast over a window.
struct EHUB_EXPORT Forecast {
  std::string model;
  std::int64_t origin_unix_s = 0;
  TimeGrid grid;                       ///< the forecast steps
  Eigen::VectorXd point;               ///< one value per step
  std::vector<double> quantile_levels;
  Eigen::MatrixXd quantiles;           ///< steps x levels, non-decreasing along each row
  /// The quantile column of `level`; throws InputError when the level was not forecast.
  Eigen::VectorXd quantile(double level) const;
};

/// What a model needs and guarantees.
struct Requirements {
  std::int64_t min_history_s = 0;         ///< history before the origin (and at fit) in seconds
  std::vector<std::string> exogenous;    ///< exogenous columns read (resolved at fit)
  double lower_bound = -std::numeric_limits<double>::infinity();  ///< physical bounds of the target
  double upper_bound = std::numeric_limits<double>::infinity();
};

/// A forecasting model: a copyable value with
///   `std::string name() const`,
///   `void fit(const ModelInput&, const ForecastOptions&)`,
///   `Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const`
///     (point forecasts; `known` holds only the target steps known at the origin and exogenous
///     values up to the window's end),
///   `Requirements requirements() const`.
/// Forecaster wraps any such type: cleaning, alignment, residual quantiles and checks are shared.
template <class M>
concept ForecastModel = std::copy_constructible<M> &&
    requires(M& m, const M& cm, const ModelInput& in, const ForecastOptions& o, std::int64_t origin,
             const TimeGrid& window) {
      { cm.name() } -> std::convertible_to<std::string>;
      m.fit(in, o);
      { cm.predict(in, origin, window) } -> std::convertible_to<Eigen::VectorXd>;
      { cm.requirements() } -> std::convertible_to<Requirements>;
    };

/// What fit() learnt, for reports.
struct FitSummary {
  std::int64_t rows = 0;           ///< target steps in the fit history
  std::int64_t observed = 0;       ///< of which measured
  std::int64_t calibration_origins = 0;
  CleaningReport cleaning;
  double seconds = 0.0;
};

/// A forecasting model as a value (type-erased ForecastModel): fit, predict, quantiles.
class EHUB_EXPORT Forecaster {
 public:
  /// Wraps a model with options (validated). (Forecaster itself is excluded first: checking
  /// ForecastModel<Forecaster> would need copy_constructible<Forecaster>, a recursion clang rejects.)
  template <class M>
    requires(!std::is_same_v<std::remove_cvref_t<M>, Forecaster>) && ForecastModel<M>
  explicit Forecaster(M model, ForecastOptions options = {})
      : impl_(std::make_shared<Model<M>>(std::move(model))), options_(std::move(options)) {
    options_.validate();
  }
  Forecaster(const Forecaster& other);
  Forecaster& operator=(const Forecaster& other);
  Forecaster(Forecaster&&) noexcept = default;
  Forecaster& operator=(Forecaster&&) noexcept = default;
  ~Forecaster();

  /// The model's name ("ridge", "seasonal_naive_week", ...).
  std::string name() const { return impl_->name(); }
  /// The options.
  const ForecastOptions& options() const noexcept { return options_; }
  /// Replaces the options (validated); the model must be fitted again.
  void set_options(ForecastOptions options);
  /// What the model needs (after fit: with the resolved exogenous columns).
  Requirements requirements() const { return impl_->requirements(); }

  /// Fits on every target step of `history` (NaN: not measured) and calibrates the residual
  /// quantiles. Throws InputError on bad input (see prepare_input) or too short a history.
  Forecaster& fit(const History& history);
  /// True after a successful fit.
  bool fitted() const noexcept { return fitted_; }
  /// What the last fit saw.
  const FitSummary& fit_summary() const noexcept { return summary_; }

  /// Forecasts the scheduled window of `origin_unix_s`. Only target steps that end at or before
  /// the origin are read, and exogenous values up to the window's end. Throws InputError when the
  /// history before the origin is too short, the exogenous inputs do not cover the window, or the
  /// model was not fitted.
  Forecast predict(const History& history, std::int64_t origin_unix_s) const;
  /// Forecasts an explicit window (same step as the target, starting at or after the origin).
  Forecast predict(const History& history, std::int64_t origin_unix_s, const TimeGrid& window) const;
  /// Forecasts from an already prepared input (see prepare_input); used by backtests.
  Forecast predict_prepared(const ModelInput& known, std::int64_t origin_unix_s, const TimeGrid& window) const;

  /// Residuals (measured - point) of the calibration pseudo-forecasts, by step of the day.
  const std::vector<std::vector<double>>& residuals_by_step_of_day() const noexcept { return residuals_; }
  /// Quantile offsets from pooled residuals: for each window step, the empirical quantiles of the
  /// residuals of its step of the day and its two neighbours (linear interpolation between order
  /// statistics, numpy's default). Returns a steps x levels matrix (zeros without residuals).
  static Eigen::MatrixXd residual_offsets(const std::vector<std::vector<double>>& residuals_by_step_of_day,
                                          const TimeGrid& window, const Calendar& calendar,
                                          const std::vector<double>& levels);
  /// Point plus offsets, clipped to the bounds, rows made non-decreasing.
  Forecast make_forecast(std::int64_t origin_unix_s, const TimeGrid& window, Eigen::VectorXd point,
                         const Eigen::MatrixXd& offsets) const;

  /// The wrapped model when it is an M, else nullptr.
  template <class M>
  const M* get() const noexcept {
    auto* p = dynamic_cast<const Model<M>*>(impl_.get());
    return p ? &p->m : nullptr;
  }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual std::string name() const = 0;
    virtual void fit(const ModelInput& in, const ForecastOptions& o) = 0;
    virtual Eigen::VectorXd predict(const ModelInput& in, std::int64_t origin, const TimeGrid& window) const = 0;
    virtual Requirements requirements() const = 0;
    virtual std::shared_ptr<Concept> clone() const = 0;
  };
  template <class M>
  struct Model final : Concept {
    explicit Model(M model) : m(std::move(model)) {}
    std::string name() const override { return m.name(); }
    void fit(const ModelInput& in, const ForecastOptions& o) override { m.fit(in, o); }
    Eigen::VectorXd predict(const ModelInput& in, std::int64_t origin, const TimeGrid& window) const override {
      return m.predict(in, origin, window);
    }
    Requirements requirements() const override { return m.requirements(); }
    std::shared_ptr<Concept> clone() const override { return std::make_shared<Model<M>>(m); }
    M m;
  };
  void check_history(const ModelInput& in, std::int64_t origin_unix_s, const char* what) const;

  std::shared_ptr<Concept> impl_;
  ForecastOptions options_;
  bool fitted_ = false;
  bool clip_at_zero_ = false;
  FitSummary summary_;
  std::vector<std::vector<double>> residuals_;
};

/// A registry record: how to make a model from JSON options, and what it needs.
struct ForecasterInfo {
  std::string name;
  std::string description;
  bool needs_weather = false;  ///< reads exogenous weather columns
  bool needs_plant = false;    ///< needs a plant description (PV/wind physics) in its options
};

/// Makes a forecaster from model options (JSON object; unknown keys are an InputError).
using ForecasterFactory = std::function<Forecaster(const nlohmann::json& model_options, const ForecastOptions& options)>;

/// Registers (or replaces) a model type by name, e.g. a user's own model.
EHUB_EXPORT void register_forecaster(ForecasterInfo info, ForecasterFactory factory);
/// Registers the built-in models (called by make_forecaster and list_forecasters; idempotent).
EHUB_EXPORT void register_builtin_forecasters();
/// The registered models in registration order (built-ins are registered on first use).
EHUB_EXPORT std::vector<ForecasterInfo> list_forecasters();
/// A model by name; throws InputError listing the registered names.
EHUB_EXPORT Forecaster make_forecaster(std::string_view name, const ForecastOptions& options = {},
                                       const nlohmann::json& model_options = nlohmann::json::object());

}  // namespace ehub::forecast
