#include <gtest/gtest.h>

#include "ehub/core/error.hpp"
#include "ehub/forecast/linear.hpp"
#include "ehub/forecast/trees.hpp"

using namespace ehub;
using namespace ehub::forecast;

TEST(Ridge, RecoversKnownCoefficientsFromNoiselessData) {
  Eigen::MatrixXd X(8, 3);
  X << 0.5, 1.0, -2.0, 1.5, -0.5, 0.0, 2.0, 2.5, 1.0, -1.0, 0.0, 3.0, 3.0, -1.5, -1.0, 0.0, 0.5, 2.0, 2.5, 1.5, -0.5,
      -2.0, -1.0, 1.5;
  const Eigen::Vector3d b(2.0, -1.0, 0.5);
  const Eigen::VectorXd y = (X * b).array() + 1.5;
  for (bool standardize : {false, true}) {
    const LinearModel m = ridge_fit(X, y, 0.0, standardize);
    EXPECT_NEAR(m.intercept, 1.5, 1e-10);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(m.coef[k], b[k], 1e-10);
  }
}

TEST(Ridge, ShrinksByHand) {
  // One column, x centred (mean 0): b = Sxy / (Sxx + lambda) = 30 / (10 + 5) = 2, b0 = mean y = 4.
  Eigen::MatrixXd X(5, 1);
  X << -1, 0, 1, 2, -2;
  const Eigen::VectorXd y = (3.0 * X.col(0)).array() + 4.0;
  const LinearModel m = ridge_fit(X, y, 5.0, false);
  EXPECT_DOUBLE_EQ(m.coef[0], 2.0);
  EXPECT_DOUBLE_EQ(m.intercept, 4.0);
  // Standardised: the column has population sd sqrt(2); b_std = sqrt(2) 30 / (10 + 5) on the
  // standardised scale, i.e. b = 30 / (10 + 5 * 2) = 1.5 on the original scale.
  EXPECT_NEAR(ridge_fit(X, y, 5.0, true).coef[0], 1.5, 1e-12);
}

TEST(Ridge, MatchesScikitLearn) {
  // tests/forecast/make_reference.py: sklearn.linear_model.Ridge(alpha=2.0).fit(X, y).
  Eigen::MatrixXd X(8, 3);
  X << 0.5, 1.0, -2.0, 1.5, -0.5, 0.0, 2.0, 2.5, 1.0, -1.0, 0.0, 3.0, 3.0, -1.5, -1.0, 0.0, 0.5, 2.0, 2.5, 1.5, -0.5,
      -2.0, -1.0, 1.5;
  Eigen::VectorXd y(8);
  y << 3.1, 0.2, 7.9, -1.4, 2.2, 1.0, 6.3, -4.0;
  const LinearModel m = ridge_fit(X, y, 2.0, false, true);
  EXPECT_NEAR(m.coef[0], 1.209649200798214, 1e-12);
  EXPECT_NEAR(m.coef[1], 1.640444648608065, 1e-12);
  EXPECT_NEAR(m.coef[2], -0.16554244956829275, 1e-12);
  EXPECT_NEAR(m.intercept, 0.4997922964455772, 1e-12);
}

TEST(Ridge, WeightsAndHuberResistOutliers) {
  Eigen::MatrixXd X(21, 1);
  Eigen::VectorXd y(21), w = Eigen::VectorXd::Ones(21);
  for (int i = 0; i < 21; ++i) {
    X(i, 0) = i;
    y[i] = 2.0 * i + 1.0;
  }
  y[20] += 400.0;  // one absurd value (an unlisted holiday, a meter glitch)
  w[20] = 0.0;
  const LinearModel weighted = ridge_fit(X, y, 0.0, false, true, w);
  EXPECT_NEAR(weighted.coef[0], 2.0, 1e-10);
  EXPECT_NEAR(weighted.intercept, 1.0, 1e-9);
  const LinearModel ols = ridge_fit(X, y, 0.0, false);
  EXPECT_GT(ols.coef[0], 5.0);
  const LinearModel huber = huber_ridge_fit(X, y, 0.0, 1.345, 20, false);
  EXPECT_NEAR(huber.coef[0], 2.0, 0.05);
  EXPECT_THROW((void)ridge_fit(X, y.head(3), 1.0), InputError);
  EXPECT_THROW((void)ridge_fit(X, y, -1.0), InputError);
}

TEST(Trees, AStumpSplitsBetweenTheTwoLevels) {
  // One tree of depth 1, learning rate 1, no L2: the split x <= 1.5 and leaf values 0 and 5
  // (means of each side) reproduce y exactly.
  Eigen::MatrixXd X(4, 1);
  X << 0, 1, 2, 3;
  Eigen::VectorXd y(4);
  y << 0, 0, 5, 5;
  GbrtParams p;
  p.trees = 1;
  p.learning_rate = 1.0;
  p.max_depth = 1;
  p.min_samples_leaf = 1;
  p.subsample = 1.0;
  p.l2 = 0.0;
  GradientBoostedTrees m(p);
  m.fit(X, y);
  EXPECT_EQ(m.tree_count(), 1);
  EXPECT_DOUBLE_EQ(m.base_score(), 2.5);
  const Eigen::VectorXd f = m.predict(X);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(f[i], y[i], 1e-12);
  const double mid[] = {1.5};
  const double mid_up[] = {1.5000001};
  EXPECT_NEAR(m.predict(mid), 0.0, 1e-12);
  EXPECT_NEAR(m.predict(mid_up), 5.0, 1e-12);
}

TEST(Trees, BoostingFitsAnInteractionAndIsDeterministic) {
  const int n = 600;
  Eigen::MatrixXd X(n, 3);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    X(i, 0) = i % 24;
    X(i, 1) = (i / 24) % 7;
    X(i, 2) = 0.01 * i;
    y[i] = (X(i, 0) >= 8 && X(i, 0) < 18 && X(i, 1) < 5 ? 10.0 : 2.0) + X(i, 2);
  }
  GbrtParams p;
  p.trees = 200;
  p.learning_rate = 0.1;
  p.min_samples_leaf = 5;
  GradientBoostedTrees a(p), b(p);
  a.fit(X, y);
  b.fit(X, y);
  const Eigen::VectorXd fa = a.predict(X), fb = b.predict(X);
  EXPECT_EQ(fa, fb);
  EXPECT_LT(std::sqrt((fa - y).squaredNorm() / n), 0.15);
  GbrtParams bad;
  bad.max_bins = 300;
  EXPECT_THROW(bad.validate(), InputError);
}

// x = 0, 1, 2, 3 and y = 1, 3, 2, 6: mean x 1.5, mean y 3, Sxx = 5, Sxy = 7, population variance
// s^2 = Sxx / 4 = 1.25. Shrunk towards slope p with strength q (lambda = 0) the slope solves
// (Sxx + q s^2) b = Sxy + q s^2 p; with q = 4, p = 0.5: 10 b = 9.5, b = 0.95, b0 = 3 - 1.5 b = 1.575.
TEST(RidgeTowards, SlopeInterceptAndLeverageByHand) {
  Eigen::MatrixXd X(4, 1);
  X << 0, 1, 2, 3;
  Eigen::VectorXd y(4);
  y << 1, 3, 2, 6;
  Eigen::VectorXd prior(1);
  prior << 0.5;
  Eigen::VectorXd h;
  const LinearModel m = ridge_fit_towards(X, y, 0.0, prior, 4.0, {}, &h);
  EXPECT_NEAR(m.coef[0], 0.95, 1e-12);
  EXPECT_NEAR(m.intercept, 1.575, 1e-12);
  // h_i = 1/4 + ((x_i - 1.5) / s)^2 / (Sxx / s^2 + q) = 1/4 + {1.8, 0.2, 0.2, 1.8} / 8.
  ASSERT_EQ(h.size(), 4);
  const double expect[4] = {0.475, 0.275, 0.275, 0.475};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(h[i], expect[i], 1e-12) << i;
  // Ordinary least squares (no penalty): b = Sxy / Sxx = 1.4, b0 = 0.9, h_i = 1/4 + (x_i - 1.5)^2 / 5.
  const LinearModel ols = ridge_fit_towards(X, y, 0.0, prior, 0.0, {}, &h);
  EXPECT_NEAR(ols.coef[0], 1.4, 1e-12);
  EXPECT_NEAR(ols.intercept, 0.9, 1e-12);
  const double expect_ols[4] = {0.7, 0.3, 0.3, 0.7};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(h[i], expect_ols[i], 1e-12) << i;
  // Leave-one-out by hand, row 3 left out: x = 0, 1, 2 and y = 1, 3, 2 give b = 0.5, b0 = 1.5,
  // forecast at x = 3: 3.0, residual 3. From the full fit: r_3 = 6 - (0.9 + 4.2) = 0.9 and
  // r_3 / (1 - h_3) = 0.9 / 0.3 = 3.
  EXPECT_NEAR((y[3] - ols.predict(X)[3]) / (1.0 - h[3]), 3.0, 1e-12);
  // A very strong prior keeps its slope.
  EXPECT_NEAR(ridge_fit_towards(X, y, 0.0, prior, 1e9, {}).coef[0], 0.5, 1e-6);
  // prior_lambda 0 is ridge_fit.
  const LinearModel r = ridge_fit(X, y, 2.0);
  EXPECT_NEAR(ridge_fit_towards(X, y, 2.0, prior, 0.0).coef[0], r.coef[0], 1e-14);
  EXPECT_THROW((void)ridge_fit_towards(X, y, 0.0, Eigen::VectorXd(2), 1.0), InputError);
  EXPECT_THROW((void)ridge_fit_towards(X, y, 0.0, prior, -1.0), InputError);
}

// The Huber variant: y exactly linear (1 + 2 x) and the prior equal to the true slope: b = 2 zeroes
// both the loss and the penalty, so it is the minimum whatever the weights.
TEST(RidgeTowards, HuberWithTheTruePriorKeepsTheSlope) {
  Eigen::MatrixXd X(6, 1);
  X << 0, 1, 2, 3, 4, 5;
  Eigen::VectorXd y = (X.col(0).array() * 2.0 + 1.0).matrix();
  Eigen::VectorXd prior(1);
  prior << 2.0;
  const LinearModel m = huber_ridge_fit_towards(X, y, 0.0, prior, 3.0);
  EXPECT_NEAR(m.coef[0], 2.0, 1e-12);
  EXPECT_NEAR(m.intercept, 1.0, 1e-12);
}
