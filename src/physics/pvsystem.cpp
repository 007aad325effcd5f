// PV module and system models, formula for formula as pvlib.iam, pvlib.temperature,
// pvlib.pvsystem.pvwatts_dc/pvwatts_losses and pvlib.inverter.pvwatts.
#include "ehub/physics/pvsystem.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"

namespace ehub::physics {
namespace {
using detail::cosd;
void check_aoi(const Eigen::VectorXd& aoi_deg) { require_in_range("aoi_deg", aoi_deg, -180.0, 180.0); }
}  // namespace

Eigen::VectorXd iam_ashrae(const Eigen::VectorXd& aoi_deg, double b) {
  check_aoi(aoi_deg);
  detail::check_scalar_finite("b", b);
  Eigen::VectorXd out(aoi_deg.size());
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const double a = aoi_deg[i];
    out[i] = std::abs(a) >= 90.0 ? 0.0 : std::max(0.0, 1.0 - b * (1.0 / cosd(a) - 1.0));
  }
  return out;
}

Eigen::VectorXd iam_physical(const Eigen::VectorXd& aoi_deg, double n, double k_per_m, double l_m, double n_ar) {
  check_aoi(aoi_deg);
  detail::check_scalar_at_least("n", n, 1.0);
  detail::check_scalar_at_least("k_per_m", k_per_m, 0.0);
  detail::check_scalar_at_least("l_m", l_m, 0.0);
  const double n1 = 1.0, n3 = n;
  const double n2 = (std::isnan(n_ar) || std::abs(n_ar - n1) <= 1e-8 + 1e-5 * std::abs(n1)) ? n : n_ar;
  if (!std::isnan(n_ar)) detail::check_scalar_at_least("n_ar", n_ar, 1.0);
  const bool coated = std::abs(n3 - n2) > 1e-8 + 1e-5 * std::abs(n2);
  const double rho12_0 = std::pow((n1 - n2) / (n1 + n2), 2);
  double tau_0 = 1.0 - rho12_0;
  if (coated) {
    const double rho23_0 = std::pow((n2 - n3) / (n2 + n3), 2);
    tau_0 *= (1.0 - rho23_0) / (1.0 - rho23_0 * rho12_0);
  }
  tau_0 *= std::exp(-k_per_m * l_m);
  Eigen::VectorXd out(aoi_deg.size());
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const double a = aoi_deg[i];
    if (std::abs(a) >= 90.0) {
      out[i] = 0.0;
      continue;
    }
    double cos1 = std::max(0.0, cosd(a));
    double sin1 = std::sqrt(1.0 - cos1 * cos1);
    const double n1c1 = n1 * cos1, n2c1 = n2 * cos1;
    double sin2 = n1 / n2 * sin1;
    double cos2 = std::sqrt(1.0 - sin2 * sin2);
    const double n1c2 = n1 * cos2, n2c2 = n2 * cos2;
    const double rho12_s = std::pow((n1c1 - n2c2) / (n1c1 + n2c2), 2);
    const double rho12_p = std::pow((n1c2 - n2c1) / (n1c2 + n2c1), 2);
    double tau_s = 1.0 - rho12_s, tau_p = 1.0 - rho12_p;
    double cos_last = cos2;
    if (coated) {
      const double n3c2 = n3 * cos2;
      const double sin3 = n2 / n3 * sin2;
      const double cos3 = std::sqrt(1.0 - sin3 * sin3);
      const double n2c3 = n2 * cos3, n3c3 = n3 * cos3;
      const double rho23_s = std::pow((n2c2 - n3c3) / (n2c2 + n3c3), 2);
      const double rho23_p = std::pow((n2c3 - n3c2) / (n2c3 + n3c2), 2);
      tau_s *= (1.0 - rho23_s) / (1.0 - rho23_s * rho12_s);
      tau_p *= (1.0 - rho23_p) / (1.0 - rho23_p * rho12_p);
      cos_last = cos3;
    }
    const double absorption = std::exp(-k_per_m * l_m / cos_last);
    out[i] = (tau_s * absorption + tau_p * absorption) / 2.0 / tau_0;
  }
  return out;
}

SapmTemperatureParameters sapm_temperature_parameters(std::string_view name) {
  if (name == "open_rack_glass_glass") return {-3.47, -0.0594, 3.0};
  if (name == "close_mount_glass_glass") return {-2.98, -0.0471, 1.0};
  if (name == "open_rack_glass_polymer") return {-3.56, -0.0750, 3.0};
  if (name == "insulated_back_glass_polymer") return {-2.81, -0.0455, 0.0};
  std::string detail =
      "must be open_rack_glass_glass, close_mount_glass_glass, open_rack_glass_polymer or "
      "insulated_back_glass_polymer, got \"";
  detail += name;
  detail += '"';
  throw InputError("", "sapm_temperature_parameters", detail);
}

namespace {
Eigen::Index check_temperature_inputs(const Broadcast& poa, const Broadcast& ta, const Broadcast& ws) {
  const Eigen::Index n = common_size({{"poa_global_w_m2", poa}, {"temp_air_c", ta}, {"wind_speed_m_s", ws}});
  require_at_least("poa_global_w_m2", poa, 0.0, detail::kIrradianceHint);
  require_in_range("temp_air_c", ta, -90.0, 70.0);
  require_at_least("wind_speed_m_s", ws, 0.0);
  return n;
}
}  // namespace

Eigen::VectorXd sapm_cell(const Broadcast& poa_global_w_m2, const Broadcast& temp_air_c,
                          const Broadcast& wind_speed_m_s, double a, double b, double delta_t_c,
                          double irrad_ref_w_m2) {
  const Eigen::Index n = check_temperature_inputs(poa_global_w_m2, temp_air_c, wind_speed_m_s);
  detail::check_scalar_finite("a", a);
  detail::check_scalar_finite("b", b);
  detail::check_scalar_finite("delta_t_c", delta_t_c);
  detail::check_scalar_greater("irrad_ref_w_m2", irrad_ref_w_m2, 0.0);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double e = poa_global_w_m2[i];
    out[i] = e * std::exp(a + b * wind_speed_m_s[i]) + temp_air_c[i] + e / irrad_ref_w_m2 * delta_t_c;
  }
  return out;
}

Eigen::VectorXd faiman(const Broadcast& poa_global_w_m2, const Broadcast& temp_air_c, const Broadcast& wind_speed_m_s,
                       double u0, double u1) {
  const Eigen::Index n = check_temperature_inputs(poa_global_w_m2, temp_air_c, wind_speed_m_s);
  detail::check_scalar_greater("u0", u0, 0.0);
  detail::check_scalar_at_least("u1", u1, 0.0);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) out[i] = temp_air_c[i] + poa_global_w_m2[i] / (u0 + u1 * wind_speed_m_s[i]);
  return out;
}

Eigen::VectorXd pvwatts_dc(const Broadcast& effective_irradiance_w_m2, const Broadcast& temp_cell_c, double pdc0,
                           double gamma_pdc_per_c, double temp_ref_c) {
  const Eigen::Index n =
      common_size({{"effective_irradiance_w_m2", effective_irradiance_w_m2}, {"temp_cell_c", temp_cell_c}});
  require_at_least("effective_irradiance_w_m2", effective_irradiance_w_m2, 0.0, detail::kIrradianceHint);
  require_in_range("temp_cell_c", temp_cell_c, -90.0, 150.0);
  detail::check_scalar_at_least("pdc0", pdc0, 0.0);
  detail::check_scalar_range("gamma_pdc_per_c", gamma_pdc_per_c, -0.1, 0.1);
  detail::check_scalar_finite("temp_ref_c", temp_ref_c);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i)
    out[i] = effective_irradiance_w_m2[i] * 0.001 * pdc0 * (1.0 + gamma_pdc_per_c * (temp_cell_c[i] - temp_ref_c));
  return out;
}

Eigen::VectorXd inverter_pvwatts(const Broadcast& pdc, double pdc0, double eta_inv_nom, double eta_inv_ref) {
  const Eigen::Index n = common_size({{"pdc", pdc}});
  require_finite("pdc", pdc);
  detail::check_scalar_greater("pdc0", pdc0, 0.0);
  detail::check_scalar_range("eta_inv_nom", eta_inv_nom, 0.01, 1.0);
  detail::check_scalar_range("eta_inv_ref", eta_inv_ref, 0.01, 1.0);
  const double pac0 = eta_inv_nom * pdc0;
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double p = pdc[i];
    const double zeta = p / pdc0;
    // eta < 0 below zeta ~ 0.006: the output is clipped at 0 (pvlib GH 541).
    const double eta = eta_inv_nom / eta_inv_ref * (-0.0162 * zeta - (p != 0.0 ? 0.0059 / zeta : 0.0) + 0.9858);
    out[i] = std::max(0.0, std::min(pac0, eta * p));
  }
  return out;
}

void PvWattsLosses::validate() const {
  const std::pair<const char*, double> fields[] = {
      {"soiling_pct", soiling_pct}, {"shading_pct", shading_pct},
      {"snow_pct", snow_pct},       {"mismatch_pct", mismatch_pct},
      {"wiring_pct", wiring_pct},   {"connections_pct", connections_pct},
      {"lid_pct", lid_pct},         {"nameplate_rating_pct", nameplate_rating_pct},
      {"age_pct", age_pct},         {"availability_pct", availability_pct}};
  for (const auto& [name, v] : fields) detail::check_scalar_range(name, v, 0.0, 100.0);
}

double pvwatts_losses(const PvWattsLosses& l) {
  l.validate();
  const double params[] = {l.soiling_pct, l.shading_pct,     l.snow_pct, l.mismatch_pct,
                           l.wiring_pct,  l.connections_pct, l.lid_pct,  l.nameplate_rating_pct,
                           l.age_pct,     l.availability_pct};
  double perf = 1.0;
  for (double p : params) perf *= 1.0 - p / 100.0;
  return (1.0 - perf) * 100.0;
}

double degradation_factor(double age_years, double rate_per_year) {
  detail::check_scalar_at_least("age_years", age_years, 0.0);
  if (!(rate_per_year >= 0.0 && rate_per_year < 1.0))
    detail::throw_bad_scalar("rate_per_year", "must be in [0, 1)", rate_per_year);
  return std::pow(1.0 - rate_per_year, age_years);
}

}  // namespace ehub::physics
