// Ridge regression by the normal equations (small, dense problems: tens of columns).
#include "ehub/forecast/linear.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <string>

#include "ehub/core/error.hpp"

namespace ehub::forecast {

Eigen::VectorXd LinearModel::predict(const Eigen::MatrixXd& X) const {
  if (X.cols() != coef.size())
    throw InputError("", "X", "has " + std::to_string(X.cols()) + " columns, the model " + std::to_string(coef.size()));
  return (X * coef).array() + intercept;
}

LinearModel ridge_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, bool standardize,
                      bool fit_intercept) {
  const Eigen::Index n = X.rows(), p = X.cols();
  if (y.size() != n)
    throw InputError("", "y", "has " + std::to_string(y.size()) + " values for " + std::to_string(n) + " rows of X");
  if (n == 0) throw InputError("", "X", "no rows to fit");
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw InputError("", "lambda", "must be a finite number >= 0");
  if (!X.allFinite() || !y.allFinite()) throw InputError("", "X", "X and y must be finite");
  Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(p);
  double ymean = 0.0;
  if (fit_intercept) {
    mean = X.colwise().mean();
    ymean = y.mean();
  }
  Eigen::MatrixXd Xc = X.rowwise() - mean;
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(p);
  Eigen::Array<bool, Eigen::Dynamic, 1> active = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(p, true);
  for (Eigen::Index k = 0; k < p; ++k) {
    const double ss = Xc.col(k).squaredNorm();
    const double sd = std::sqrt(ss / static_cast<double>(n));
    const double ref = fit_intercept ? std::abs(mean[k]) + 1.0 : 1.0;
    if (!(sd > 1e-12 * ref)) active[k] = false;
    else if (standardize) scale[k] = sd;
  }
  for (Eigen::Index k = 0; k < p; ++k) {
    if (!active[k]) Xc.col(k).setZero();
    else Xc.col(k) /= scale[k];
  }
  Eigen::MatrixXd A = Xc.transpose() * Xc;
  for (Eigen::Index k = 0; k < p; ++k) A(k, k) += active[k] ? lambda : 1.0;
  const Eigen::VectorXd rhs = Xc.transpose() * (y.array() - ymean).matrix();
  Eigen::VectorXd b = A.ldlt().solve(rhs);
  LinearModel m;
  m.coef = Eigen::VectorXd::Zero(p);
  for (Eigen::Index k = 0; k < p; ++k)
    if (active[k]) m.coef[k] = b[k] / scale[k];
  m.intercept = fit_intercept ? ymean - mean.dot(m.coef) : 0.0;
  return m;
}

}  // namespace ehub::forecast
