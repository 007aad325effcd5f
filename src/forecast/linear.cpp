// Ridge regression by the normal equations (small, dense problems: tens of columns).
#include "ehub/forecast/linear.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <vector>
#include <string>

#include "ehub/core/error.hpp"

namespace ehub::forecast {

Eigen::VectorXd LinearModel::predict(const Eigen::MatrixXd& X) const {
  if (X.cols() != coef.size())
    throw InputError("", "X", "has " + std::to_string(X.cols()) + " columns, the model " + std::to_string(coef.size()));
  return (X * coef).array() + intercept;
}

namespace {

// The common solver: penalty lambda ||D b||^2 + prior_lambda ||D (b - prior)||^2 (prior may be
// empty when prior_lambda = 0); leverage (optional) of every row.
LinearModel ridge_solve(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, bool standardize,
                        bool fit_intercept, const Eigen::VectorXd& weights, const Eigen::VectorXd& prior,
                        double prior_lambda, Eigen::VectorXd* leverage) {
  const Eigen::Index n = X.rows(), p = X.cols();
  if (y.size() != n)
    throw InputError("", "y", "has " + std::to_string(y.size()) + " values for " + std::to_string(n) + " rows of X");
  if (n == 0) throw InputError("", "X", "no rows to fit");
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw InputError("", "lambda", "must be a finite number >= 0");
  if (!X.allFinite() || !y.allFinite()) throw InputError("", "X", "X and y must be finite");
  const bool weighted = weights.size() > 0;
  if (weighted && (weights.size() != n || !weights.allFinite() || (weights.array() < 0).any() || !(weights.sum() > 0)))
    throw InputError("", "weights", "must be one finite value >= 0 per row, not all 0");
  const Eigen::VectorXd w = weighted ? weights : Eigen::VectorXd::Ones(n);
  const double wsum = w.sum();
  Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(p);
  double ymean = 0.0;
  if (fit_intercept) {
    mean = (w.transpose() * X) / wsum;
    ymean = w.dot(y) / wsum;
  }
  Eigen::MatrixXd Xc = X.rowwise() - mean;
  const Eigen::VectorXd sw = w.array().sqrt();
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(p);
  Eigen::Array<bool, Eigen::Dynamic, 1> active = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(p, true);
  for (Eigen::Index k = 0; k < p; ++k) {
    const double ss = Xc.col(k).cwiseProduct(sw).squaredNorm();
    const double sd = std::sqrt(ss / wsum);
    const double ref = fit_intercept ? std::abs(mean[k]) + 1.0 : 1.0;
    if (!(sd > 1e-12 * ref)) active[k] = false;
    else if (standardize) scale[k] = sd;
  }
  for (Eigen::Index k = 0; k < p; ++k) {
    if (!active[k]) Xc.col(k).setZero();
    else Xc.col(k) /= scale[k];
  }
  const Eigen::MatrixXd Xw = sw.asDiagonal() * Xc;
  Eigen::MatrixXd A = Xw.transpose() * Xw;
  for (Eigen::Index k = 0; k < p; ++k) A(k, k) += active[k] ? lambda + prior_lambda : 1.0;
  Eigen::VectorXd rhs = Xw.transpose() * (sw.array() * (y.array() - ymean)).matrix();
  if (prior_lambda > 0)
    for (Eigen::Index k = 0; k < p; ++k)
      if (active[k]) rhs[k] += prior_lambda * prior[k] * scale[k];
  const auto ldlt = A.ldlt();
  Eigen::VectorXd b = ldlt.solve(rhs);
  if (leverage) {
    // h_i = w_i / sum w (intercept) + w_i z_i' A^-1 z_i, z_i the centred, scaled row.
    const Eigen::MatrixXd AinvZt = ldlt.solve(Xc.transpose());
    leverage->resize(n);
    for (Eigen::Index i = 0; i < n; ++i)
      (*leverage)[i] = w[i] * ((fit_intercept ? 1.0 / wsum : 0.0) + Xc.row(i).dot(AinvZt.col(i)));
  }
  LinearModel m;
  m.coef = Eigen::VectorXd::Zero(p);
  for (Eigen::Index k = 0; k < p; ++k)
    if (active[k]) m.coef[k] = b[k] / scale[k];
  m.intercept = fit_intercept ? ymean - mean.dot(m.coef) : 0.0;
  return m;
}

}  // namespace

LinearModel ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, bool standardize,
                      bool fit_intercept, const Eigen::VectorXd& weights) {
  return ridge_solve(X, y, lambda, standardize, fit_intercept, weights, {}, 0.0, nullptr);
}

LinearModel ridge_fit_towards(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda,
                              const Eigen::VectorXd& prior_coef, double prior_lambda, const Eigen::VectorXd& weights,
                              Eigen::VectorXd* leverage) {
  if (!(prior_lambda >= 0) || !std::isfinite(prior_lambda))
    throw InputError("", "prior_lambda", "must be a finite number >= 0");
  if (prior_lambda > 0 && (prior_coef.size() != X.cols() || !prior_coef.allFinite()))
    throw InputError("", "prior_coef", "needs one finite value per column of X (" + std::to_string(X.cols()) + ")");
  return ridge_solve(X, y, lambda, true, true, weights, prior_coef, prior_lambda, leverage);
}

}  // namespace ehub::forecast

namespace ehub::forecast {
namespace {

// Iteratively reweighted ridge solves for the Huber loss (see huber_ridge_fit).
LinearModel huber_solve(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, bool standardize,
                        const Eigen::VectorXd& prior, double prior_lambda, double huber_k, int iterations,
                        Eigen::VectorXd* leverage) {
  if (!(huber_k > 0)) throw InputError("", "huber_k", "must be > 0");
  LinearModel m = ridge_solve(X, y, lambda, standardize, true, {}, prior, prior_lambda, leverage);
  Eigen::VectorXd w(y.size());
  std::vector<double> a(static_cast<std::size_t>(y.size()));
  for (int it = 0; it < iterations; ++it) {
    const Eigen::VectorXd r = y - m.predict(X);
    for (Eigen::Index i = 0; i < r.size(); ++i) a[static_cast<std::size_t>(i)] = std::abs(r[i]);
    std::nth_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(a.size() / 2), a.end());
    const double s = 1.4826 * a[a.size() / 2];
    if (!(s > 0)) break;
    for (Eigen::Index i = 0; i < r.size(); ++i) {
      const double u = std::abs(r[i]) / (huber_k * s);
      w[i] = u <= 1.0 ? 1.0 : 1.0 / u;
    }
    m = ridge_solve(X, y, lambda, standardize, true, w, prior, prior_lambda, leverage);
  }
  return m;
}

}  // namespace

LinearModel huber_ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, double huber_k,
                            int iterations, bool standardize) {
  return huber_solve(X, y, lambda, standardize, {}, 0.0, huber_k, iterations, nullptr);
}

LinearModel huber_ridge_fit_towards(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda,
                                    const Eigen::VectorXd& prior_coef, double prior_lambda, double huber_k,
                                    int iterations, Eigen::VectorXd* leverage) {
  if (!(prior_lambda >= 0) || !std::isfinite(prior_lambda))
    throw InputError("", "prior_lambda", "must be a finite number >= 0");
  if (prior_lambda > 0 && (prior_coef.size() != X.cols() || !prior_coef.allFinite()))
    throw InputError("", "prior_coef", "needs one finite value per column of X (" + std::to_string(X.cols()) + ")");
  return huber_solve(X, y, lambda, true, prior_coef, prior_lambda, huber_k, iterations, leverage);
}

}  // namespace ehub::forecast
