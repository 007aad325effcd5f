// Internal: the feature rows of the regression forecasters (see FeatureOptions).
#pragma once

#include <Eigen/Core>
#include <limits>
#include <string>
#include <vector>

#include "ehub/forecast/regression.hpp"

namespace ehub::forecast::detail {

class FeatureSet {
 public:
  enum class Mode { linear, trees };
  /// Resolves the weather columns and the transform on the fit input.
  FeatureSet(const FeatureOptions& options, Mode mode, const ModelInput& fit_input);

  const std::vector<std::string>& names() const noexcept { return names_; }
  Eigen::Index size() const noexcept { return static_cast<Eigen::Index>(names_.size()); }
  bool log() const noexcept { return log_; }
  /// "none", "log" or "log_shift".
  std::string transform_name() const { return shift_ > 0 ? "log_shift" : log_ ? "log" : "none"; }
  /// The exogenous columns read.
  std::vector<std::string> exogenous_columns() const;
  /// Steps of target history a row needs before its origin.
  std::int64_t min_history_steps(std::int64_t steps_per_day) const noexcept;
  /// The target on the model's scale (log or identity).
  Eigen::VectorXd transform(const Eigen::VectorXd& y) const;
  /// The inverse transform of z clipped to the fit history's range widened by 10 % on each side
  /// (a linear model must not extrapolate a rare feature value into an absurd level).
  double inverse(double z) const noexcept;
  /// Row of target step i seen from `origin` with target steps [0, n) known; false when a value
  /// is missing (weather not covering, lag before the history).
  bool row(const ModelInput& in, const Eigen::VectorXd& z, std::int64_t n, std::int64_t i, std::int64_t origin,
           double* out) const;
  /// Position of the same-group lag in a row (-1 without lags).
  int lag_group_index() const noexcept { return lag_group_; }

 private:
  FeatureOptions o_;
  Mode mode_;
  bool log_ = false;
  double floor_ = 0.0;
  double shift_ = 0.0;  // c of log_shift (0: plain log or none)
  double z_lo_ = -std::numeric_limits<double>::infinity(), z_hi_ = std::numeric_limits<double>::infinity();
  std::string temp_, ghi_;
  std::vector<std::string> names_;
  int lag_group_ = -1;
};

}  // namespace ehub::forecast::detail
