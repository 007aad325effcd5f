// Baseline forecasters: persistence, seasonal naive (day, week) and double-seasonal Holt-Winters
// exponential smoothing (Taylor 2003) with an AR(1) error correction.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <string>

#include "ehub/export.hpp"
#include "ehub/forecast/forecaster.hpp"

namespace ehub::forecast {

/// Persistence: every step of the window gets the last value known at the origin.
class EHUB_EXPORT Persistence {
 public:
  std::string name() const { return "persistence"; }
  void fit(const ModelInput&, const ForecastOptions&) {}
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  Requirements requirements() const { return {}; }
};

/// Seasonal naive: each step gets the latest value known at the origin at the same time of day
/// (period "day") or the same time of the week (period "week"), i.e. y(t - k P) with the smallest
/// k >= 1 for which that step had ended by the origin.
class EHUB_EXPORT SeasonalNaive {
 public:
  enum class Period : int { day = 1, week = 7 };
  explicit SeasonalNaive(Period period = Period::week) : period_(period) {}
  std::string name() const { return period_ == Period::day ? "seasonal_naive_day" : "seasonal_naive_week"; }
  void fit(const ModelInput&, const ForecastOptions&) {}
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  Requirements requirements() const;

 private:
  Period period_;
};

/// Options of HoltWinters; a parameter given here is fixed, the others are estimated.
struct EHUB_EXPORT HoltWintersOptions {
  double alpha = -1;  ///< level smoothing in [0, 1]; < 0: estimated
  double delta = -1;  ///< daily seasonal smoothing; < 0: estimated
  double omega = -1;  ///< weekly seasonal smoothing; < 0: estimated
  double phi = -1;    ///< AR(1) coefficient of the one-step error; < 0: estimated
  bool ar1 = true;    ///< use the AR(1) error correction (phi = 0 when false)
  int max_evaluations = 600;  ///< Nelder-Mead budget for the estimation
  /// Throws InputError naming the bad field.
  void validate() const;
  /// Reads {"alpha", "delta", "omega", "phi", "ar1", "max_evaluations"}; unknown keys are errors.
  static HoltWintersOptions from_json(const nlohmann::json& j);
};

/// Additive double-seasonal Holt-Winters (Taylor, J. Oper. Res. Soc. 54, 2003, 799-805), with
/// daily (s1 = steps per day) and weekly (s2 = steps per week) seasonal indices:
///   e_t = y_t - (l_{t-1} + d_{t-s1} + w_{t-s2})
///   l_t = l_{t-1} + alpha e_t,  d_t = d_{t-s1} + delta e_t,  w_t = w_{t-s2} + omega e_t
///   y^_t(k) = l_t + d_{t-s1+k} + w_{t-s2+k} + phi^k e_t   (seasonal indices of the latest cycle)
/// (the error-correction form of Taylor's recursions). Parameters minimise the sum of squared
/// one-step errors over the fit history (Nelder-Mead on a logistic scale); indices start from the
/// first two weeks. Filled target gaps are smoothed like data but do not count in the fit.
class EHUB_EXPORT HoltWinters {
 public:
  explicit HoltWinters(HoltWintersOptions options = {});
  std::string name() const { return "holt_winters"; }
  void fit(const ModelInput& in, const ForecastOptions& options);
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  Requirements requirements() const;
  /// Fitted (alpha, delta, omega, phi).
  Eigen::Vector4d parameters() const noexcept { return params_; }
  /// Sum of squared one-step errors of `y` (observed steps only) for the given parameters.
  static double one_step_sse(const Eigen::VectorXd& y, const std::vector<std::uint8_t>& observed, std::int64_t s1,
                             std::int64_t s2, const Eigen::Vector4d& params);

 private:
  HoltWintersOptions options_;
  Eigen::Vector4d params_ = Eigen::Vector4d::Zero();
};

}  // namespace ehub::forecast
