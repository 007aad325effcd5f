// Air mass and the standard atmosphere, mirroring pvlib.atmosphere: relative air mass
// (Kasten-Young 1989, Kasten 1966, simple secant), absolute air mass, altitude <-> pressure.
#pragma once

#include <Eigen/Core>

#include "ehub/export.hpp"
#include "ehub/physics/broadcast.hpp"

namespace ehub::physics {

/// Relative air-mass models of pvlib.atmosphere.get_relative_airmass.
enum class AirmassModel : int {
  kastenyoung1989 = 0,  ///< Kasten & Young 1989 (use with the apparent zenith); pvlib's default
  kasten1966 = 1,       ///< Kasten 1966 (true zenith); used by DISC
  simple = 2,           ///< 1 / cos(zenith)
};

/// Relative (sea-level) optical air mass for each zenith angle in degrees. For a zenith above 90
/// degrees (sun below the horizon) pvlib returns NaN; ehub returns +infinity there (no direct
/// light: exp(-k AM) = 0), so no NaN leaves the function. Throws InputError on a NaN zenith.
EHUB_EXPORT Eigen::VectorXd get_relative_airmass(const Eigen::VectorXd& zenith_deg,
                                                 AirmassModel model = AirmassModel::kastenyoung1989);

/// Absolute (pressure-corrected) air mass: airmass_relative * pressure_pa / 101325.
EHUB_EXPORT Eigen::VectorXd get_absolute_airmass(const Eigen::VectorXd& airmass_relative,
                                                 const Broadcast& pressure_pa = 101325.0);

/// Standard-atmosphere pressure in Pa at an altitude in m (pvlib.atmosphere.alt2pres).
EHUB_EXPORT double alt2pres_pa(double altitude_m);
/// Standard-atmosphere altitude in m for a pressure in Pa (pvlib.atmosphere.pres2alt).
EHUB_EXPORT double pres2alt_m(double pressure_pa);

}  // namespace ehub::physics
