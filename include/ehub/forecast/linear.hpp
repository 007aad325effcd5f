// Ridge regression with Eigen (the solver behind the regression forecaster and the physical
// models' statistical correction): standardised columns, unpenalised intercept, Cholesky solve.
#pragma once

#include <Eigen/Core>

#include "ehub/export.hpp"

namespace ehub::forecast {

/// A fitted linear model y = intercept + x . coef (coefficients on the original column scale).
struct EHUB_EXPORT LinearModel {
  Eigen::VectorXd coef;
  double intercept = 0.0;
  /// intercept + x . coef for one row.
  double predict(const double* x) const noexcept {
    double s = intercept;
    for (Eigen::Index k = 0; k < coef.size(); ++k) s += coef[k] * x[k];
    return s;
  }
  /// One prediction per row of X.
  Eigen::VectorXd predict(const Eigen::MatrixXd& X) const;
};

/// Ridge regression: minimises ||y - b0 - X b||^2 + lambda ||D b||^2 where D scales each column to
/// unit population standard deviation when `standardize` (D = I otherwise). The intercept b0 (when
/// `fit_intercept`) is not penalised: columns and y are centred first. Columns without variance get
/// coefficient 0. With lambda = 0 and a full-rank X this is ordinary least squares. Throws
/// InputError on mismatched sizes, lambda < 0, no rows, or non-finite values. `weights` (one per
/// row, >= 0; empty: all 1) make it weighted least squares: sum w_i (y_i - b0 - x_i b)^2, with
/// weighted means and standard deviations.
EHUB_EXPORT LinearModel ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda,
                                  bool standardize = true, bool fit_intercept = true,
                                  const Eigen::VectorXd& weights = {});

/// Ridge with the Huber loss by iteratively reweighted least squares: residuals beyond
/// `huber_k` robust standard deviations (1.4826 x median |r|) get weight huber_k s / |r|;
/// `iterations` reweightings after the least-squares start. Days the calendar does not know
/// (unlisted holidays, outages) then pull the fit less.
EHUB_EXPORT LinearModel huber_ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda,
                                        double huber_k = 1.345, int iterations = 5, bool standardize = true);

}  // namespace ehub::forecast
