// Gradient-boosted regression trees (squared loss, histogram splits, depth-wise growth, row
// subsampling, L2-regularised leaves): the non-linear model behind the "gbrt" forecaster.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "ehub/export.hpp"

namespace ehub::forecast {

/// Boosting parameters (names as in LightGBM / scikit-learn where they mean the same).
struct EHUB_EXPORT GbrtParams {
  int trees = 300;                ///< boosting rounds
  double learning_rate = 0.05;    ///< shrinkage of each tree
  int max_depth = 5;              ///< levels of each tree (1: stumps)
  int min_samples_leaf = 20;      ///< rows in each leaf at least
  int max_bins = 64;              ///< histogram bins per feature (2..255)
  double subsample = 0.8;         ///< share of rows drawn (without replacement) for each tree, (0, 1]
  double l2 = 1.0;                ///< leaf value = sum of residuals / (rows + l2)
  std::uint64_t seed = 1;         ///< row sampling (results are deterministic for a seed)
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// An ensemble F(x) = base + sum_t lr tree_t(x) fitted to squared loss. Each split sends x to the
/// left when x[feature] <= threshold; thresholds are midpoints between bin edges of the training
/// values.
class EHUB_EXPORT GradientBoostedTrees {
 public:
  explicit GradientBoostedTrees(GbrtParams params = {});
  /// Fits rows of X (finite values) to y. Throws InputError on bad sizes or values.
  void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y);
  /// Prediction for one row of `features` values.
  double predict(const double* row) const noexcept;
  /// One prediction per row of X.
  Eigen::VectorXd predict(const Eigen::MatrixXd& X) const;
  /// The mean of y at fit (the ensemble's start).
  double base_score() const noexcept { return base_; }
  /// Number of trees grown (fewer than params.trees when no split improves the fit).
  int tree_count() const noexcept { return static_cast<int>(roots_.size()); }
  /// Number of columns the model was fitted on.
  Eigen::Index features() const noexcept { return features_; }
  const GbrtParams& params() const noexcept { return params_; }

 private:
  struct Node {
    int feature = -1;  ///< -1: leaf
    double threshold = 0.0;
    int left = -1, right = -1;
    double value = 0.0;  ///< leaf value (already times the learning rate)
  };
  GbrtParams params_;
  double base_ = 0.0;
  Eigen::Index features_ = 0;
  std::vector<Node> nodes_;
  std::vector<int> roots_;
};

}  // namespace ehub::forecast
