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

LinearModel ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, bool standardize,
                      bool fit_intercept, const Eigen::VectorXd& weights) {
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
  for (Eigen::Index k = 0; k < p; ++k) A(k, k) += active[k] ? lambda : 1.0;
  const Eigen::VectorXd rhs = Xw.transpose() * (sw.array() * (y.array() - ymean)).matrix();
  Eigen::VectorXd b = A.ldlt().solve(rhs);
  LinearModel m;
  m.coef = Eigen::VectorXd::Zero(p);
  for (Eigen::Index k = 0; k < p; ++k)
    if (active[k]) m.coef[k] = b[k] / scale[k];
  m.intercept = fit_intercept ? ymean - mean.dot(m.coef) : 0.0;
  return m;
}

}  // namespace ehub::forecast

namespace ehub::forecast {

LinearModel huber_ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, double huber_k,
                            int iterations, bool standardize) {
  if (!(huber_k > 0)) throw InputError("", "huber_k", "must be > 0");
  LinearModel m = ridge_fit(X, y, lambda, standardize, true);
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
    m = ridge_fit(X, y, lambda, standardize, true, w);
  }
  return m;
}

}  // namespace ehub::forecast
