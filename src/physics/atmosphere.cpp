// Air mass and standard atmosphere (pvlib.atmosphere): Kasten & Young 1989, Kasten 1966.
#include "ehub/physics/atmosphere.hpp"

#include <cmath>
#include <limits>

#include "common.hpp"

namespace ehub::physics {

Eigen::VectorXd get_relative_airmass(const Eigen::VectorXd& zenith_deg, AirmassModel model) {
  require_finite("zenith_deg", zenith_deg);
  Eigen::VectorXd am(zenith_deg.size());
  for (Eigen::Index i = 0; i < zenith_deg.size(); ++i) {
    const double z = zenith_deg[i];
    if (z > 90.0) {
      am[i] = std::numeric_limits<double>::infinity();
      continue;
    }
    const double c = detail::cosd(z);
    switch (model) {
      case AirmassModel::kastenyoung1989:
        am[i] = 1.0 / (c + 0.50572 * std::pow(6.07995 + (90.0 - z), -1.6364));
        break;
      case AirmassModel::kasten1966:
        am[i] = 1.0 / (c + 0.15 * std::pow(93.885 - z, -1.253));
        break;
      case AirmassModel::simple:
        am[i] = c > 0.0 ? 1.0 / c : std::numeric_limits<double>::infinity();
        break;
    }
  }
  return am;
}

Eigen::VectorXd get_absolute_airmass(const Eigen::VectorXd& airmass_relative, const Broadcast& pressure_pa) {
  common_size({{"airmass_relative", Broadcast(airmass_relative)}, {"pressure_pa", pressure_pa}});
  require_greater("pressure_pa", pressure_pa, 0.0);
  Eigen::VectorXd out(airmass_relative.size());
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const double am = airmass_relative[i];
    if (std::isnan(am) || am < 0.0) detail::throw_bad_value("airmass_relative", i, "must be >= 0 (inf: sun down)", am);
    out[i] = am * pressure_pa[i] / 101325.0;
  }
  return out;
}

double alt2pres_pa(double altitude_m) {
  detail::check_scalar_range("altitude_m", altitude_m, -1000.0, 40000.0);
  return 100.0 * std::pow((44331.514 - altitude_m) / 11880.516, 1.0 / 0.1902632);
}

double pres2alt_m(double pressure_pa) {
  detail::check_scalar_greater("pressure_pa", pressure_pa, 0.0);
  return 44331.5 - 4946.62 * std::pow(pressure_pa, 0.190263);
}

}  // namespace ehub::physics
