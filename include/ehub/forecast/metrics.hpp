// Forecast accuracy metrics: MAE, RMSE, MAPE, nMAE, bias, pinball loss and skill against a
// reference forecast, over the pairs where the measurement exists.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ehub/export.hpp"

namespace ehub::forecast {

/// Accuracy of point and quantile forecasts. NaN marks a metric without data (e.g. MAPE when
/// every measurement is 0).
struct EHUB_EXPORT Metrics {
  std::int64_t count = 0;       ///< scored pairs (measurement finite)
  double mae = std::numeric_limits<double>::quiet_NaN();   ///< mean |y - f|
  double rmse = std::numeric_limits<double>::quiet_NaN();  ///< sqrt(mean (y - f)^2)
  double bias = std::numeric_limits<double>::quiet_NaN();  ///< mean (f - y)
  /// 100 mean |y - f| / |y| over the pairs with y != 0, in percent.
  double mape = std::numeric_limits<double>::quiet_NaN();
  std::int64_t mape_count = 0;  ///< pairs in the MAPE (y != 0)
  /// MAE / normaliser (capacity for PV and wind; the mean |y| otherwise).
  double nmae = std::numeric_limits<double>::quiet_NaN();
  /// Mean pinball loss over steps and quantile levels: for level q, (y - f_q)(q - 1[y < f_q]).
  double pinball = std::numeric_limits<double>::quiet_NaN();
  /// 1 - MAE / MAE of the reference forecast on the same pairs (NaN without a reference).
  double skill = std::numeric_limits<double>::quiet_NaN();
  /// {"count", "mae", "rmse", "bias", "mape", "nmae", "pinball", "skill"} (NaN as null).
  nlohmann::json to_json() const;
};

/// Pinball (quantile) loss of one forecast: (y - f)(q - 1[y < f]).
inline double pinball_loss(double y, double f, double q) noexcept { return (y - f) * (q - (y < f ? 1.0 : 0.0)); }

/// Metrics of `point` (and `quantiles`: rows = steps, one column per level; may be empty) against
/// `actual` (NaN = not measured, skipped). `normaliser` <= 0 or NaN: the mean |actual|.
/// `reference` (may be empty): the reference point forecast for the skill. Throws InputError on
/// mismatched sizes.
EHUB_EXPORT Metrics evaluate(const Eigen::VectorXd& actual, const Eigen::VectorXd& point,
                             const Eigen::MatrixXd& quantiles = {}, const std::vector<double>& levels = {},
                             double normaliser = std::numeric_limits<double>::quiet_NaN(),
                             const Eigen::VectorXd& reference = {});

}  // namespace ehub::forecast
