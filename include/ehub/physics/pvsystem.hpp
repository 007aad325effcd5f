// PV module and system models mirroring pvlib: incidence-angle modifiers (pvlib.iam), cell
// temperature (pvlib.temperature), PVWatts DC, PVWatts inverter, PVWatts losses, degradation.
#pragma once

#include <Eigen/Core>
#include <string_view>

#include "ehub/export.hpp"
#include "ehub/physics/broadcast.hpp"

namespace ehub::physics {

/// ASHRAE incidence-angle modifier 1 - b (1/cos(aoi) - 1), 0 at |aoi| >= 90 and never below 0
/// (pvlib.iam.ashrae).
EHUB_EXPORT Eigen::VectorXd iam_ashrae(const Eigen::VectorXd& aoi_deg, double b = 0.05);

/// Physical incidence-angle modifier (pvlib.iam.physical; De Soto 2006, Duffie & Beckman): Fresnel
/// reflection at air/glass (Snell refraction, s and p polarisation) and Beer-Lambert absorption
/// in glass of extinction `k_per_m` and thickness `l_m`, with an optional anti-reflective coating
/// of index `n_ar` (NaN: none), normalised to normal incidence. 0 at aoi >= 90.
EHUB_EXPORT Eigen::VectorXd iam_physical(const Eigen::VectorXd& aoi_deg, double n = 1.526, double k_per_m = 4.0,
                                         double l_m = 0.002, double n_ar = NAN);

/// Sandia (SAPM) cell-temperature parameters: a, b (s/m) and deltaT (degC).
struct SapmTemperatureParameters {
  double a = -3.56;  ///< defaults: open_rack_glass_polymer
  double b = -0.075;
  double delta_t_c = 3.0;
};
/// pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS['sapm'][name]: "open_rack_glass_glass",
/// "close_mount_glass_glass", "open_rack_glass_polymer", "insulated_back_glass_polymer".
/// Throws InputError on another name.
EHUB_EXPORT SapmTemperatureParameters sapm_temperature_parameters(std::string_view name);

/// SAPM cell temperature (pvlib.temperature.sapm_cell): E exp(a + b WS) + Ta + E / E0 deltaT.
EHUB_EXPORT Eigen::VectorXd sapm_cell(const Broadcast& poa_global_w_m2, const Broadcast& temp_air_c,
                                      const Broadcast& wind_speed_m_s, double a, double b, double delta_t_c,
                                      double irrad_ref_w_m2 = 1000.0);

/// Faiman cell temperature (pvlib.temperature.faiman): Ta + E / (u0 + u1 WS).
EHUB_EXPORT Eigen::VectorXd faiman(const Broadcast& poa_global_w_m2, const Broadcast& temp_air_c,
                                   const Broadcast& wind_speed_m_s = 1.0, double u0 = 25.0, double u1 = 6.84);

/// PVWatts DC power (pvlib.pvsystem.pvwatts_dc): E / 1000 pdc0 (1 + gamma (Tcell - Tref)), in the
/// unit of `pdc0` (W or kW). `gamma_pdc` per degC (e.g. -0.004).
EHUB_EXPORT Eigen::VectorXd pvwatts_dc(const Broadcast& effective_irradiance_w_m2, const Broadcast& temp_cell_c,
                                       double pdc0, double gamma_pdc_per_c, double temp_ref_c = 25.0);

/// PVWatts inverter (pvlib.inverter.pvwatts, Dobos 2014): AC power from DC power `pdc` and DC input
/// limit `pdc0` (same unit); pac0 = eta_inv_nom pdc0 caps the output; output >= 0.
EHUB_EXPORT Eigen::VectorXd inverter_pvwatts(const Broadcast& pdc, double pdc0, double eta_inv_nom = 0.96,
                                             double eta_inv_ref = 0.9637);

/// PVWatts system losses in percent (pvlib.pvsystem.pvwatts_losses defaults).
struct PvWattsLosses {
  double soiling_pct = 2.0;
  double shading_pct = 3.0;
  double snow_pct = 0.0;
  double mismatch_pct = 2.0;
  double wiring_pct = 2.0;
  double connections_pct = 0.5;
  double lid_pct = 1.5;
  double nameplate_rating_pct = 1.0;
  double age_pct = 0.0;
  double availability_pct = 3.0;
  /// Throws InputError naming the field unless every loss is in [0, 100].
  EHUB_EXPORT void validate() const;
};
/// Total loss in percent: 100 (1 - prod(1 - loss_i / 100)) (pvlib.pvsystem.pvwatts_losses).
EHUB_EXPORT double pvwatts_losses(const PvWattsLosses& losses = {});

/// Output factor after `age_years` of degradation at `rate_per_year` (e.g. 0.005 = 0.5 %/a),
/// compounded: (1 - rate)^age. Throws InputError unless 0 <= rate < 1 and age >= 0.
EHUB_EXPORT double degradation_factor(double age_years, double rate_per_year);

}  // namespace ehub::physics
