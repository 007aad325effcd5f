// Single-axis tracker orientation with backtracking (pvlib.tracking.singleaxis, Anderson & Mikofski
// 2020 for the slope-aware backtracking with cross-axis tilt).
#pragma once

#include <Eigen/Core>

#include "ehub/export.hpp"

namespace ehub::physics {

/// Tracker rotation and the resulting surface orientation and angle of incidence, degrees.
struct SingleAxisTracking {
  Eigen::VectorXd tracker_theta_deg;    ///< rotation from horizontal, positive = toward the west for a south axis
  Eigen::VectorXd aoi_deg;              ///< angle of incidence on the rotated surface
  Eigen::VectorXd surface_tilt_deg;     ///< tilt of the rotated surface
  Eigen::VectorXd surface_azimuth_deg;  ///< azimuth of the rotated surface, [0, 360)
};

/// Single-axis tracker (pvlib.tracking.singleaxis). `max_angle_deg` limits the rotation to
/// [-max, max]; `gcr` = collector width / row pitch; backtracking avoids row-to-row shading.
/// When the sun is below the horizon (apparent zenith > 90) pvlib returns NaN; ehub returns the
/// stow rotation `stow_angle_deg` (default 0: flat) with its surface orientation and aoi, so
/// the plane-of-array irradiance is the (zero or diffuse) night value and never NaN.
EHUB_EXPORT SingleAxisTracking singleaxis(const Eigen::VectorXd& apparent_zenith_deg,
                                          const Eigen::VectorXd& solar_azimuth_deg, double axis_tilt_deg = 0.0,
                                          double axis_azimuth_deg = 0.0, double max_angle_deg = 90.0,
                                          bool backtrack = true, double gcr = 2.0 / 7.0,
                                          double cross_axis_tilt_deg = 0.0, double stow_angle_deg = 0.0);

}  // namespace ehub::physics
