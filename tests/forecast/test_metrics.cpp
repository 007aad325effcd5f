#include <gtest/gtest.h>

#include <cmath>

#include "ehub/core/error.hpp"
#include "ehub/forecast/metrics.hpp"

using namespace ehub;
using namespace ehub::forecast;

TEST(Metrics, ByHand) {
  Eigen::VectorXd y(5), f(5), ref(5);
  y << 1, 2, 0, 4, std::nan("");
  f << 2, 2, 1, 2, 100;  // errors 1, 0, 1, -2 (the NaN measurement is skipped)
  ref << 1, 2, 0, 0, 0;  // reference errors 0, 0, 0, -4
  Eigen::MatrixXd q = f;
  const Metrics m = evaluate(y, f, q, {0.5}, 10.0, ref);
  EXPECT_EQ(m.count, 4);
  EXPECT_DOUBLE_EQ(m.mae, 1.0);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(6.0 / 4.0));
  EXPECT_DOUBLE_EQ(m.bias, 0.0);
  EXPECT_DOUBLE_EQ(m.mape, 100.0 * (1.0 + 0.0 + 0.5) / 3.0);  // y = 0 left out
  EXPECT_EQ(m.mape_count, 3);
  EXPECT_DOUBLE_EQ(m.nmae, 0.1);
  EXPECT_DOUBLE_EQ(m.pinball, 0.5);  // the median's pinball loss is MAE / 2
  EXPECT_DOUBLE_EQ(m.skill, 0.0);
  EXPECT_DOUBLE_EQ(evaluate(y, f).nmae, 1.0 / (7.0 / 4.0));  // normalised by mean |y|
  const auto j = m.to_json();
  EXPECT_DOUBLE_EQ(j["mae"].get<double>(), 1.0);
  EXPECT_TRUE(evaluate(Eigen::VectorXd::Zero(2), Eigen::VectorXd::Zero(2)).to_json()["mape"].is_null());
  EXPECT_THROW((void)evaluate(y, f.head(2)), InputError);
}

TEST(Metrics, PinballMatchesScikitLearn) {
  // tests/forecast/make_reference.py: sklearn.metrics.mean_pinball_loss(y, f, alpha=q).
  Eigen::VectorXd y(5), f(5);
  y << 10, 12, 9, 15, 11;
  f << 11, 11.5, 10, 13, 11;
  const double expected[] = {0.41000000000000003, 0.45, 0.49000000000000005};
  const double levels[] = {0.1, 0.5, 0.9};
  for (int k = 0; k < 3; ++k) {
    Eigen::MatrixXd q = f;
    EXPECT_NEAR(evaluate(y, f, q, {levels[k]}).pinball, expected[k], 1e-15);
  }
  EXPECT_DOUBLE_EQ(pinball_loss(10, 12, 0.9), 0.2);
  EXPECT_DOUBLE_EQ(pinball_loss(12, 10, 0.9), 1.8);
}
