// The PV chain of pvlib's ModelChain with PVWatts models (see docs/physics.md for the steps).
#include "ehub/physics/pv_model.hpp"

#include <cmath>
#include <string>

#include "common.hpp"
#include "ehub/physics/atmosphere.hpp"

namespace ehub::physics {

void PvPlant::validate() const {
  using namespace detail;
  check_scalar_range("latitude_deg", latitude_deg, -90.0, 90.0);
  check_scalar_range("longitude_deg", longitude_deg, -180.0, 180.0);
  check_scalar_range("altitude_m", altitude_m, -1000.0, 10000.0);
  check_scalar_greater("dc_capacity_kw", dc_capacity_kw, 0.0);
  check_scalar_range("gamma_pdc_per_c", gamma_pdc_per_c, -0.1, 0.1);
  check_scalar_finite("temp_ref_c", temp_ref_c);
  check_scalar_greater("inverter_pdc0_kw", inverter_pdc0_kw, 0.0);
  check_scalar_range("eta_inv_nom", eta_inv_nom, 0.01, 1.0);
  check_scalar_range("eta_inv_ref", eta_inv_ref, 0.01, 1.0);
  check_scalar_range("surface_tilt_deg", surface_tilt_deg, 0.0, 180.0);
  check_scalar_finite("surface_azimuth_deg", surface_azimuth_deg);
  check_scalar_range("axis_tilt_deg", axis_tilt_deg, -90.0, 90.0);
  check_scalar_finite("axis_azimuth_deg", axis_azimuth_deg);
  check_scalar_range("max_angle_deg", max_angle_deg, 0.0, 180.0);
  check_scalar_range("gcr", gcr, 1e-6, 1.0);
  check_scalar_range("cross_axis_tilt_deg", cross_axis_tilt_deg, -90.0, 90.0);
  check_scalar_range("albedo", albedo, 0.0, 1.0);
  check_scalar_finite("iam_ashrae_b", iam_ashrae_b);
  check_scalar_at_least("iam_n", iam_n, 1.0);
  check_scalar_at_least("iam_k_per_m", iam_k_per_m, 0.0);
  check_scalar_at_least("iam_l_m", iam_l_m, 0.0);
  check_scalar_finite("sapm.a", sapm.a);
  check_scalar_finite("sapm.b", sapm.b);
  check_scalar_finite("sapm.delta_t_c", sapm.delta_t_c);
  check_scalar_greater("faiman_u0", faiman_u0, 0.0);
  check_scalar_at_least("faiman_u1", faiman_u1, 0.0);
  losses.validate();
  if (!(degradation_rate_per_year >= 0.0 && degradation_rate_per_year < 1.0))
    throw_bad_scalar("degradation_rate_per_year", "must be in [0, 1)", degradation_rate_per_year);
  check_scalar_at_least("age_years", age_years, 0.0);
  check_scalar_finite("delta_t_s", delta_t_s);
}

PvResult simulate_pv(const PvPlant& plant, const PvWeather& w) {
  plant.validate();
  const Eigen::Index n = w.time_unix_s.size();
  common_size({{"time_unix_s", Broadcast(w.time_unix_s)},
               {"ghi_w_m2", Broadcast(w.ghi_w_m2)},
               {"dni_w_m2", Broadcast(w.dni_w_m2)},
               {"dhi_w_m2", Broadcast(w.dhi_w_m2)},
               {"temp_air_c", Broadcast(w.temp_air_c)},
               {"wind_speed_m_s", Broadcast(w.wind_speed_m_s)}});
  if (w.pressure_pa.size() != 0)
    common_size({{"time_unix_s", Broadcast(w.time_unix_s)}, {"pressure_pa", Broadcast(w.pressure_pa)}});
  require_at_least("ghi_w_m2", w.ghi_w_m2, 0.0, detail::kIrradianceHint);
  require_at_least("dni_w_m2", w.dni_w_m2, 0.0, detail::kIrradianceHint);
  require_at_least("dhi_w_m2", w.dhi_w_m2, 0.0, detail::kIrradianceHint);

  PvResult r;
  const Broadcast pressure =
      w.pressure_pa.size() != 0 ? Broadcast(w.pressure_pa) : Broadcast(alt2pres_pa(plant.altitude_m));
  r.solar_position = spa_python(w.time_unix_s, plant.latitude_deg, plant.longitude_deg, plant.altitude_m, pressure,
                                w.temp_air_c, plant.delta_t_s);
  const SolarPosition& sp = r.solar_position;
  r.dni_extra_w_m2 = get_extra_radiation(day_of_year(w.time_unix_s, w.utc_offset_minutes));
  r.airmass_relative = get_relative_airmass(sp.apparent_zenith_deg);

  if (plant.mount == PvMount::single_axis) {
    SingleAxisTracking t =
        singleaxis(sp.apparent_zenith_deg, sp.azimuth_deg, plant.axis_tilt_deg, plant.axis_azimuth_deg,
                   plant.max_angle_deg, plant.backtrack, plant.gcr, plant.cross_axis_tilt_deg);
    r.tracker_theta_deg = std::move(t.tracker_theta_deg);
    r.surface_tilt_deg = std::move(t.surface_tilt_deg);
    r.surface_azimuth_deg = std::move(t.surface_azimuth_deg);
    r.aoi_deg = std::move(t.aoi_deg);
  } else {
    r.surface_tilt_deg = Eigen::VectorXd::Constant(n, plant.surface_tilt_deg);
    r.surface_azimuth_deg = Eigen::VectorXd::Constant(n, plant.surface_azimuth_deg);
    r.aoi_deg = aoi(plant.surface_tilt_deg, plant.surface_azimuth_deg, sp.apparent_zenith_deg, sp.azimuth_deg);
  }
  r.poa = get_total_irradiance(r.surface_tilt_deg, r.surface_azimuth_deg, sp.apparent_zenith_deg, sp.azimuth_deg,
                               w.dni_w_m2, w.ghi_w_m2, w.dhi_w_m2, r.dni_extra_w_m2, r.airmass_relative, plant.albedo,
                               plant.transposition);
  switch (plant.iam) {
    case IamModel::none:
      r.iam = Eigen::VectorXd::Ones(n);
      break;
    case IamModel::ashrae:
      r.iam = iam_ashrae(r.aoi_deg, plant.iam_ashrae_b);
      break;
    case IamModel::physical:
      r.iam = iam_physical(r.aoi_deg, plant.iam_n, plant.iam_k_per_m, plant.iam_l_m);
      break;
  }
  r.effective_irradiance_w_m2 = r.poa.poa_direct_w_m2.cwiseProduct(r.iam) + r.poa.poa_diffuse_w_m2;
  if (plant.temperature_model == CellTemperatureModel::sapm)
    r.temp_cell_c = sapm_cell(r.poa.poa_global_w_m2, w.temp_air_c, w.wind_speed_m_s, plant.sapm.a, plant.sapm.b,
                              plant.sapm.delta_t_c);
  else
    r.temp_cell_c = faiman(r.poa.poa_global_w_m2, w.temp_air_c, w.wind_speed_m_s, plant.faiman_u0, plant.faiman_u1);
  const double derate = (1.0 - pvwatts_losses(plant.losses) / 100.0) *
                        degradation_factor(plant.age_years, plant.degradation_rate_per_year);
  r.dc_kw = pvwatts_dc(r.effective_irradiance_w_m2, r.temp_cell_c, plant.dc_capacity_kw, plant.gamma_pdc_per_c,
                       plant.temp_ref_c) *
            derate;
  r.ac_kw = inverter_pvwatts(r.dc_kw, plant.inverter_pdc0_kw, plant.eta_inv_nom, plant.eta_inv_ref);
  return r;
}

}  // namespace ehub::physics
