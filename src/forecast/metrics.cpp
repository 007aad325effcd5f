// Accuracy metrics over the measured pairs.
#include "ehub/forecast/metrics.hpp"

#include <cmath>

#include "ehub/core/error.hpp"

namespace ehub::forecast {
namespace {
nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }
}  // namespace

nlohmann::json Metrics::to_json() const {
  return {{"count", count}, {"mae", num(mae)},   {"rmse", num(rmse)},       {"bias", num(bias)},
          {"mape", num(mape)}, {"nmae", num(nmae)}, {"pinball", num(pinball)}, {"skill", num(skill)}};
}

Metrics evaluate(const Eigen::VectorXd& actual, const Eigen::VectorXd& point, const Eigen::MatrixXd& quantiles,
                 const std::vector<double>& levels, double normaliser, const Eigen::VectorXd& reference) {
  const Eigen::Index n = actual.size();
  if (point.size() != n) throw InputError("", "point", "length differs from the actual values");
  const bool has_q = quantiles.size() > 0;
  if (has_q && (quantiles.rows() != n || quantiles.cols() != static_cast<Eigen::Index>(levels.size())))
    throw InputError("", "quantiles", "must have one row per value and one column per level");
  const bool has_ref = reference.size() > 0;
  if (has_ref && reference.size() != n) throw InputError("", "reference", "length differs from the actual values");
  Metrics m;
  double ae = 0, se = 0, b = 0, ape = 0, pin = 0, ref_ae = 0, abs_y = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double y = actual[i];
    if (!std::isfinite(y)) continue;
    if (!std::isfinite(point[i])) throw InputError("", "point", "non-finite forecast at index " + std::to_string(i));
    const double e = point[i] - y;
    ++m.count;
    ae += std::abs(e);
    se += e * e;
    b += e;
    abs_y += std::abs(y);
    if (y != 0.0) {
      ape += std::abs(e) / std::abs(y);
      ++m.mape_count;
    }
    if (has_q)
      for (Eigen::Index l = 0; l < quantiles.cols(); ++l) pin += pinball_loss(y, quantiles(i, l), levels[static_cast<std::size_t>(l)]);
    if (has_ref) ref_ae += std::abs(reference[i] - y);
  }
  if (m.count == 0) return m;
  const auto c = static_cast<double>(m.count);
  m.mae = ae / c;
  m.rmse = std::sqrt(se / c);
  m.bias = b / c;
  if (m.mape_count > 0) m.mape = 100.0 * ape / static_cast<double>(m.mape_count);
  const double norm = std::isfinite(normaliser) && normaliser > 0 ? normaliser : abs_y / c;
  if (norm > 0) m.nmae = m.mae / norm;
  if (has_q && quantiles.cols() > 0) m.pinball = pin / (c * static_cast<double>(quantiles.cols()));
  if (has_ref && ref_ae > 0) m.skill = 1.0 - ae / ref_ae;
  return m;
}

}  // namespace ehub::forecast
