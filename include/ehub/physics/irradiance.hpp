// Irradiance models mirroring pvlib.irradiance and pvlib.clearsky: extraterrestrial irradiance,
// clear sky (Ineichen-Perez, Haurwitz), GHI decomposition (Erbs, DISC), angle of incidence and
// plane-of-array transposition (isotropic, Hay-Davies, Perez 1990). All irradiances in W/m2.
#pragma once

#include <Eigen/Core>
#include <string_view>

#include "ehub/export.hpp"
#include "ehub/physics/broadcast.hpp"

namespace ehub::physics {

/// Earth-sun distance models of pvlib.irradiance.get_extra_radiation.
enum class ExtraRadiationMethod : int {
  spencer = 0,  ///< Spencer 1971 Fourier series (pvlib's default)
  asce = 1,     ///< 1 + 0.033 cos(2 pi doy / 365)
};

/// Extraterrestrial normal irradiance (W/m2) for each day of the year (1..366; see day_of_year()).
EHUB_EXPORT Eigen::VectorXd get_extra_radiation(const Eigen::VectorXd& day_of_year, double solar_constant_w_m2 = 1366.1,
                                                ExtraRadiationMethod method = ExtraRadiationMethod::spencer);
/// Scalar get_extra_radiation.
EHUB_EXPORT double get_extra_radiation(double day_of_year, double solar_constant_w_m2 = 1366.1,
                                       ExtraRadiationMethod method = ExtraRadiationMethod::spencer);

/// Global, direct normal and diffuse horizontal irradiance, W/m2.
struct ClearSky {
  Eigen::VectorXd ghi_w_m2;
  Eigen::VectorXd dni_w_m2;
  Eigen::VectorXd dhi_w_m2;
};

/// Ineichen-Perez clear sky (pvlib.clearsky.ineichen). `airmass_absolute` may be +infinity
/// (sun below the horizon: zero irradiance); `linke_turbidity` >= 0.
EHUB_EXPORT ClearSky clearsky_ineichen(const Eigen::VectorXd& apparent_zenith_deg,
                                       const Eigen::VectorXd& airmass_absolute, const Broadcast& linke_turbidity,
                                       double altitude_m = 0.0, const Broadcast& dni_extra_w_m2 = 1364.0,
                                       bool perez_enhancement = false);

/// Haurwitz clear-sky GHI (pvlib.clearsky.haurwitz): 1098 cos(z) exp(-0.059 / cos(z)), 0 at night.
EHUB_EXPORT Eigen::VectorXd clearsky_haurwitz(const Eigen::VectorXd& apparent_zenith_deg);

/// Clearness index kt = GHI / (E0 max(cos z, min_cos_zenith)), clipped to [0, max_clearness_index]
/// (pvlib.irradiance.clearness_index).
EHUB_EXPORT Eigen::VectorXd clearness_index(const Broadcast& ghi_w_m2, const Broadcast& solar_zenith_deg,
                                            const Broadcast& extra_radiation_w_m2, double min_cos_zenith = 0.065,
                                            double max_clearness_index = 2.0);

/// Result of a GHI decomposition.
struct Decomposition {
  Eigen::VectorXd dni_w_m2;
  Eigen::VectorXd dhi_w_m2;  ///< erbs only (DISC gives none: ghi - dni cos z)
  Eigen::VectorXd kt;        ///< clearness index
  Eigen::VectorXd airmass;   ///< DISC only: the absolute air mass used, capped at max_airmass
};

/// Erbs et al. 1982 diffuse-fraction decomposition (pvlib.irradiance.erbs); E0 from the Spencer
/// model with 1366.1 W/m2 for each `day_of_year`.
EHUB_EXPORT Decomposition erbs(const Eigen::VectorXd& ghi_w_m2, const Eigen::VectorXd& zenith_deg,
                               const Broadcast& day_of_year, double min_cos_zenith = 0.065,
                               double max_zenith_deg = 87.0);

/// Maxwell's DISC model (pvlib.irradiance.disc): DNI from GHI, with E0 from Spencer at 1370 W/m2
/// and the Kasten 1966 air mass times pressure_pa / 101325.
EHUB_EXPORT Decomposition disc(const Eigen::VectorXd& ghi_w_m2, const Eigen::VectorXd& solar_zenith_deg,
                               const Broadcast& day_of_year, const Broadcast& pressure_pa = 101325.0,
                               double min_cos_zenith = 0.065, double max_zenith_deg = 87.0, double max_airmass = 12.0);

/// cos(angle of incidence) of the beam on a surface, clipped to [-1, 1] (pvlib aoi_projection).
EHUB_EXPORT Eigen::VectorXd aoi_projection(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                                           const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg);
/// Angle of incidence in degrees, [0, 180] (pvlib.irradiance.aoi).
EHUB_EXPORT Eigen::VectorXd aoi(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                                const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg);

/// Ground-reflected irradiance on the plane: GHI albedo (1 - cos tilt) / 2.
EHUB_EXPORT Eigen::VectorXd get_ground_diffuse(const Broadcast& surface_tilt_deg, const Broadcast& ghi_w_m2,
                                               const Broadcast& albedo = 0.25);

/// Isotropic sky diffuse on the plane: DHI (1 + cos tilt) / 2.
EHUB_EXPORT Eigen::VectorXd isotropic(const Broadcast& surface_tilt_deg, const Broadcast& dhi_w_m2);

/// Hay & Davies 1980 sky diffuse (pvlib.irradiance.haydavies).
EHUB_EXPORT Eigen::VectorXd haydavies(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                                      const Broadcast& dhi_w_m2, const Broadcast& dni_w_m2,
                                      const Broadcast& dni_extra_w_m2, const Broadcast& solar_zenith_deg,
                                      const Broadcast& solar_azimuth_deg);

/// Perez et al. 1990 sky diffuse with the 'allsitescomposite1990' coefficients
/// (pvlib.irradiance.perez). `airmass` is the relative air mass (+infinity: sun down, 0 out).
/// Where DHI = DNI = 0 in daylight pvlib gives NaN; ehub gives 0 (no diffuse light).
EHUB_EXPORT Eigen::VectorXd perez(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                                  const Broadcast& dhi_w_m2, const Broadcast& dni_w_m2, const Broadcast& dni_extra_w_m2,
                                  const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg,
                                  const Broadcast& airmass);

/// Sky-diffuse transposition models of get_total_irradiance.
enum class TranspositionModel : int { isotropic = 0, haydavies = 1, perez = 2 };
/// "isotropic", "haydavies", "perez".
EHUB_EXPORT std::string_view to_string(TranspositionModel model) noexcept;
/// Inverse of to_string; throws InputError naming `transposition_model` on an unknown name.
EHUB_EXPORT TranspositionModel transposition_model_from_string(std::string_view name);

/// Plane-of-array irradiance components (pvlib.irradiance.poa_components), W/m2.
struct PoaIrradiance {
  Eigen::VectorXd poa_global_w_m2;
  Eigen::VectorXd poa_direct_w_m2;
  Eigen::VectorXd poa_diffuse_w_m2;
  Eigen::VectorXd poa_sky_diffuse_w_m2;
  Eigen::VectorXd poa_ground_diffuse_w_m2;
};

/// Total plane-of-array irradiance (pvlib.irradiance.get_total_irradiance). `dni_extra_w_m2` is
/// required by haydavies and perez; a NaN `airmass` (the default) makes perez compute the
/// Kasten-Young relative air mass from `solar_zenith_deg`, as pvlib does for airmass=None.
EHUB_EXPORT PoaIrradiance get_total_irradiance(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                                               const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg,
                                               const Broadcast& dni_w_m2, const Broadcast& ghi_w_m2,
                                               const Broadcast& dhi_w_m2, const Broadcast& dni_extra_w_m2 = NAN,
                                               const Broadcast& airmass = NAN, const Broadcast& albedo = 0.25,
                                               TranspositionModel model = TranspositionModel::isotropic);

/// Documented cleaning step for measured irradiance: values in [-max_negative_w_m2, 0) (night-time
/// sensor offsets) become 0. A NaN or a value below -max_negative_w_m2 throws InputError naming
/// `name[index]` (gaps must be filled by the caller; a NaN is never passed on silently).
EHUB_EXPORT Eigen::VectorXd clean_irradiance(const Eigen::VectorXd& values_w_m2, std::string_view name,
                                             double max_negative_w_m2 = 10.0);

}  // namespace ehub::physics
