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

/// Ridge regression shrunk towards a prior: minimises sum w_i (y_i - b0 - x_i b)^2
/// + lambda ||D b||^2 + prior_lambda ||D (b - prior_coef)||^2 (D as in ridge_fit, always
/// standardised; intercept unpenalised). prior_lambda = 0 gives ridge_fit; prior_lambda -> inf keeps
/// the prior's slopes and refits only the intercept. Columns without variance get coefficient 0
/// (their effect is in the intercept). When `leverage` is given it receives the diagonal of the hat
/// matrix h_i = w_i / sum w + w_i z_i' A^-1 z_i (z_i the centred, standardised row, A the penalised
/// normal matrix), so that the leave-one-out residual of row i is (y_i - yhat_i) / (1 - h_i).
/// Throws InputError on mismatched sizes or non-finite values.
EHUB_EXPORT LinearModel ridge_fit_towards(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda,
                                          const Eigen::VectorXd& prior_coef, double prior_lambda,
                                          const Eigen::VectorXd& weights = {}, Eigen::VectorXd* leverage = nullptr);

/// huber_ridge_fit with the penalty of ridge_fit_towards; `leverage` (optional) is that of the
/// final reweighted solve.
EHUB_EXPORT LinearModel huber_ridge_fit_towards(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda,
                                                const Eigen::VectorXd& prior_coef, double prior_lambda,
                                                double huber_k = 1.345, int iterations = 5,
                                                Eigen::VectorXd* leverage = nullptr);

}  // namespace ehub::forecast
