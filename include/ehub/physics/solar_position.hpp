// Solar position by the NREL Solar Position Algorithm (Reda & Andreas 2004/2008), mirroring
// pvlib.solarposition.spa_python: topocentric zenith, azimuth, elevation and equation of time.
#pragma once

#include <Eigen/Core>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/physics/broadcast.hpp"

namespace ehub::physics {

/// Solar position at each time, degrees (equation of time in minutes). Names as in pvlib.
struct SolarPosition {
  Eigen::VectorXd apparent_zenith_deg;     ///< topocentric zenith with atmospheric refraction
  Eigen::VectorXd zenith_deg;              ///< topocentric zenith without refraction
  Eigen::VectorXd apparent_elevation_deg;  ///< 90 - apparent_zenith_deg
  Eigen::VectorXd elevation_deg;           ///< 90 - zenith_deg
  Eigen::VectorXd azimuth_deg;             ///< topocentric azimuth, eastward from north, [0, 360)
  Eigen::VectorXd equation_of_time_min;    ///< apparent minus mean solar time, minutes
};

/// How spa_python evaluates the slowly varying terms (heliocentric longitude, latitude, radius
/// vector, nutation in longitude and obliquity).
enum class SpaEvaluation : int {
  /// Interpolated (when that is cheaper): cubic Lagrange through exact SPA values at whole
  /// days of ephemeris time; at most ~1e-7 deg from `exact` (tested), about 10x faster for
  /// hourly series.
  automatic = 0,
  /// Every term evaluated at every time, exactly as the SPA report and pvlib do.
  exact = 1,
};

/// NREL SPA solar position (pvlib.solarposition.spa_python). `time_unix_s`: UTC instants in unix
/// seconds (fractions allowed). `latitude_deg` north positive, `longitude_deg` east positive,
/// `altitude_m` above sea level. `pressure_pa` and `temperature_c` (scalar or one per time) only
/// affect refraction. `delta_t_s` = TT - UT1 (pvlib's default 67 s; calculate_deltat_s() gives
/// the polynomial pvlib uses for delta_t=None). `atmos_refract_deg`: refraction at sunrise and
/// sunset. Throws InputError on a NaN time, a latitude outside [-90, 90], a longitude outside
/// [-180, 180], a non-positive pressure or a bad argument length.
EHUB_EXPORT SolarPosition spa_python(const Eigen::VectorXd& time_unix_s, double latitude_deg, double longitude_deg,
                                     double altitude_m = 0.0, const Broadcast& pressure_pa = 101325.0,
                                     const Broadcast& temperature_c = 12.0, const Broadcast& delta_t_s = 67.0,
                                     double atmos_refract_deg = 0.5667,
                                     SpaEvaluation evaluation = SpaEvaluation::automatic);

/// TT - UT1 in seconds for a decimal year and month (pvlib.spa.calculate_deltat: the NASA
/// polynomial expressions of Espenak and Meeus).
EHUB_EXPORT double calculate_deltat_s(int year, int month);
/// calculate_deltat_s() for the UTC year and month of each instant (pvlib's delta_t=None).
EHUB_EXPORT Eigen::VectorXd calculate_deltat_s(const Eigen::VectorXd& time_unix_s);

/// The instants of a TimeGrid's steps in unix seconds: start of step i + `fraction` of a step
/// (0.5: the middle, the usual instant for the sun position of an interval average).
EHUB_EXPORT Eigen::VectorXd grid_times_unix_s(const TimeGrid& grid, double fraction = 0.5);

/// Day of the year (1..366) of each instant in the calendar `utc_offset_minutes` east of UTC.
/// pvlib.irradiance.get_extra_radiation takes the day of year of a DatetimeIndex in UTC (offset 0).
EHUB_EXPORT Eigen::VectorXd day_of_year(const Eigen::VectorXd& time_unix_s, int utc_offset_minutes = 0);

}  // namespace ehub::physics
