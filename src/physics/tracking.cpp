// Single-axis tracking as pvlib.tracking.singleaxis (+ shading.projected_solar_zenith_angle and
// tracking.calc_surface_orientation), with a stow rotation instead of NaN at night.
#include "ehub/physics/tracking.hpp"

#include <algorithm>
#include <cmath>

#include "common.hpp"
#include "ehub/physics/irradiance.hpp"

namespace ehub::physics {

SingleAxisTracking singleaxis(const Eigen::VectorXd& apparent_zenith_deg, const Eigen::VectorXd& solar_azimuth_deg,
                              double axis_tilt_deg, double axis_azimuth_deg, double max_angle_deg, bool backtrack,
                              double gcr, double cross_axis_tilt_deg, double stow_angle_deg) {
  using detail::cosd;
  using detail::sind;
  const Eigen::Index n = common_size(
      {{"apparent_zenith_deg", Broadcast(apparent_zenith_deg)}, {"solar_azimuth_deg", Broadcast(solar_azimuth_deg)}});
  require_in_range("apparent_zenith_deg", apparent_zenith_deg, 0.0, 180.0);
  require_finite("solar_azimuth_deg", solar_azimuth_deg);
  detail::check_scalar_range("axis_tilt_deg", axis_tilt_deg, -90.0, 90.0);
  detail::check_scalar_finite("axis_azimuth_deg", axis_azimuth_deg);
  detail::check_scalar_range("max_angle_deg", max_angle_deg, 0.0, 180.0);
  detail::check_scalar_range("gcr", gcr, 1e-6, 1.0);
  detail::check_scalar_range("cross_axis_tilt_deg", cross_axis_tilt_deg, -90.0, 90.0);
  detail::check_scalar_range("stow_angle_deg", stow_angle_deg, -max_angle_deg, max_angle_deg);

  const double cos_axis_az = cosd(axis_azimuth_deg), sin_axis_az = sind(axis_azimuth_deg);
  const double sin_axis_tilt = sind(axis_tilt_deg), cos_axis_tilt = cosd(axis_tilt_deg);
  const double axes_distance = 1.0 / (gcr * cosd(cross_axis_tilt_deg));
  // Unit normal of the rotated surface (tracking._unit_normal).
  const double ca = cosd(-axis_azimuth_deg), sa = sind(-axis_azimuth_deg);
  const double st = sind(-axis_tilt_deg);

  SingleAxisTracking r;
  r.tracker_theta_deg.resize(n);
  r.surface_tilt_deg.resize(n);
  r.surface_azimuth_deg.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double zen = apparent_zenith_deg[i], az = solar_azimuth_deg[i];
    double theta = stow_angle_deg;
    if (zen <= 90.0) {
      const double sz = sind(zen);
      const double sx = sz * sind(az), sy = sz * cosd(az), szz = cosd(zen);
      const double sx_p = sx * cos_axis_az - sy * sin_axis_az;
      const double sz_p = sx * sin_axis_az * sin_axis_tilt + sy * sin_axis_tilt * cos_axis_az + szz * cos_axis_tilt;
      const double omega_ideal = std::atan2(sx_p, sz_p) * detail::kRadToDeg;
      theta = omega_ideal;
      if (backtrack) {
        const double temp = std::abs(axes_distance * cosd(omega_ideal - cross_axis_tilt_deg));
        if (temp < 1.0) {
          const double sign = omega_ideal > 0 ? 1.0 : (omega_ideal < 0 ? -1.0 : 0.0);
          theta = omega_ideal - sign * std::acos(temp) * detail::kRadToDeg;
        }
      }
      theta = std::clamp(theta, -max_angle_deg, max_angle_deg);
    }
    const double cth = cosd(theta), sth = sind(theta);
    const double tilt = std::acos(std::clamp(cth * cos_axis_tilt, -1.0, 1.0)) * detail::kRadToDeg;
    const double x = sa * st * cth + ca * sth;
    const double y = sa * sth - ca * st * cth;
    double surf_az = tilt == 0.0 ? axis_azimuth_deg - 90.0 : std::atan2(x, y) * detail::kRadToDeg;
    surf_az = std::fmod(surf_az, 360.0);
    if (surf_az < 0) surf_az += 360.0;
    r.tracker_theta_deg[i] = theta;
    r.surface_tilt_deg[i] = tilt;
    r.surface_azimuth_deg[i] = surf_az;
  }
  r.aoi_deg = aoi(r.surface_tilt_deg, r.surface_azimuth_deg, apparent_zenith_deg, solar_azimuth_deg);
  return r;
}

}  // namespace ehub::physics
