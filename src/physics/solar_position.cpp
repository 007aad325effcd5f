// NREL SPA (Reda & Andreas 2004, corrigendum 2007; NREL/TP-560-34302 rev. 2008), step by step
// as in pvlib.spa.solar_position_numpy, plus an exact-to-1e-7-degree shortcut for long series:
// the five slowly varying quantities (L, B, R, delta psi, delta epsilon), which cost ~320 sines
// per instant, are interpolated from exact values at whole days of ephemeris time.
#include "ehub/physics/solar_position.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "common.hpp"
#include "spa_tables.hpp"

namespace ehub::physics {
namespace {

using detail::kDegToRad;
using detail::kRadToDeg;

template <std::size_t N>
double sum_terms(const detail::spa::Term (&terms)[N], double jme) {
  double s = 0.0;
  for (const auto& t : terms) s += t.a * std::cos(t.b + t.c * jme);
  return s;
}

/// The quantities of SPA steps 3.2-3.4 that depend only on ephemeris time.
struct SlowTerms {
  double l_rad;     ///< heliocentric longitude, not reduced to [0, 2pi) (continuous in time)
  double b_rad;     ///< heliocentric latitude
  double r_au;      ///< earth radius vector
  double dpsi_deg;  ///< nutation in longitude
  double deps_deg;  ///< nutation in obliquity
};

SlowTerms slow_terms(double jde) {
  namespace t = detail::spa;
  const double jce = (jde - 2451545.0) / 36525.0;
  const double jme = jce / 10.0;
  SlowTerms s{};
  const double l0 = sum_terms(t::kL0, jme), l1 = sum_terms(t::kL1, jme), l2 = sum_terms(t::kL2, jme);
  const double l3 = sum_terms(t::kL3, jme), l4 = sum_terms(t::kL4, jme), l5 = sum_terms(t::kL5, jme);
  s.l_rad = (l0 + jme * (l1 + jme * (l2 + jme * (l3 + jme * (l4 + jme * l5))))) / 1e8;
  const double b0 = sum_terms(t::kB0, jme), b1 = sum_terms(t::kB1, jme);
  s.b_rad = (b0 + b1 * jme) / 1e8;
  const double r0 = sum_terms(t::kR0, jme), r1 = sum_terms(t::kR1, jme), r2 = sum_terms(t::kR2, jme);
  const double r3 = sum_terms(t::kR3, jme), r4 = sum_terms(t::kR4, jme);
  s.r_au = (r0 + jme * (r1 + jme * (r2 + jme * (r3 + jme * r4)))) / 1e8;

  const double jce2 = jce * jce, jce3 = jce2 * jce;
  const double x[5] = {
      297.85036 + 445267.111480 * jce - 0.0019142 * jce2 + jce3 / 189474.0,  // mean elongation moon-sun
      357.52772 + 35999.050340 * jce - 0.0001603 * jce2 - jce3 / 300000.0,   // mean anomaly sun
      134.96298 + 477198.867398 * jce + 0.0086972 * jce2 + jce3 / 56250.0,   // mean anomaly moon
      93.27191 + 483202.017538 * jce - 0.0036825 * jce2 + jce3 / 327270.0,   // moon argument of latitude
      125.04452 - 1934.136261 * jce + 0.0020708 * jce2 + jce3 / 450000.0,    // moon ascending node
  };
  double dpsi = 0.0, deps = 0.0;
  for (const auto& n : t::kNutation) {
    const double arg = (n.y[0] * x[0] + n.y[1] * x[1] + n.y[2] * x[2] + n.y[3] * x[3] + n.y[4] * x[4]) * kDegToRad;
    dpsi += (n.a + n.b * jce) * std::sin(arg);
    deps += (n.c + n.d * jce) * std::cos(arg);
  }
  s.dpsi_deg = dpsi / 36000000.0;
  s.deps_deg = deps / 36000000.0;
  return s;
}

double positive_mod(double x, double m) {
  double r = std::fmod(x, m);
  return r < 0 ? r + m : r;
}

/// Cubic Lagrange interpolation of SlowTerms on nodes one day of ephemeris time apart.
class SlowTermTable {
 public:
  SlowTermTable(double jde_min, double jde_max) {
    node0_ = std::floor(jde_min) - 1.0;
    const auto count = static_cast<std::size_t>(std::ceil(jde_max) - std::floor(jde_min)) + 5;
    nodes_.reserve(count);
    for (std::size_t k = 0; k < count; ++k) nodes_.push_back(slow_terms(node0_ + static_cast<double>(k)));
  }
  static std::size_t node_count(double jde_min, double jde_max) {
    return static_cast<std::size_t>(std::ceil(jde_max) - std::floor(jde_min)) + 5;
  }
  SlowTerms at(double jde) const {
    const double u = jde - node0_;
    const double kf = std::floor(u);
    const double f = u - kf;
    const auto k = static_cast<std::size_t>(kf);
    const double wm = -f * (f - 1.0) * (f - 2.0) / 6.0;
    const double w0 = (f + 1.0) * (f - 1.0) * (f - 2.0) / 2.0;
    const double w1 = -(f + 1.0) * f * (f - 2.0) / 2.0;
    const double w2 = (f + 1.0) * f * (f - 1.0) / 6.0;
    const SlowTerms& a = nodes_[k - 1];
    const SlowTerms& b = nodes_[k];
    const SlowTerms& c = nodes_[k + 1];
    const SlowTerms& d = nodes_[k + 2];
    auto mix = [&](double SlowTerms::*m) { return wm * a.*m + w0 * b.*m + w1 * c.*m + w2 * d.*m; };
    return {mix(&SlowTerms::l_rad), mix(&SlowTerms::b_rad), mix(&SlowTerms::r_au), mix(&SlowTerms::dpsi_deg),
            mix(&SlowTerms::deps_deg)};
  }

 private:
  double node0_ = 0.0;
  std::vector<SlowTerms> nodes_;
};

}  // namespace

SolarPosition spa_python(const Eigen::VectorXd& time_unix_s, double latitude_deg, double longitude_deg,
                         double altitude_m, const Broadcast& pressure_pa, const Broadcast& temperature_c,
                         const Broadcast& delta_t_s, double atmos_refract_deg, SpaEvaluation evaluation) {
  const Eigen::Index n = time_unix_s.size();
  common_size({{"time_unix_s", Broadcast(time_unix_s)},
               {"pressure_pa", pressure_pa},
               {"temperature_c", temperature_c},
               {"delta_t_s", delta_t_s}});
  require_finite("time_unix_s", time_unix_s);
  detail::check_scalar_range("latitude_deg", latitude_deg, -90.0, 90.0);
  detail::check_scalar_range("longitude_deg", longitude_deg, -180.0, 180.0);
  detail::check_scalar_range("altitude_m", altitude_m, -1000.0, 10000.0);
  detail::check_scalar_range("atmos_refract_deg", atmos_refract_deg, 0.0, 5.0);
  require_greater("pressure_pa", pressure_pa, 0.0);
  require_greater("temperature_c", temperature_c, -273.0);
  require_finite("delta_t_s", delta_t_s);

  SolarPosition out;
  out.apparent_zenith_deg.resize(n);
  out.zenith_deg.resize(n);
  out.apparent_elevation_deg.resize(n);
  out.elevation_deg.resize(n);
  out.azimuth_deg.resize(n);
  out.equation_of_time_min.resize(n);
  if (n == 0) return out;

  // Julian days (step 3.1), unix epoch = JD 2440587.5.
  std::vector<double> jde(static_cast<std::size_t>(n));
  double jde_min = INFINITY, jde_max = -INFINITY;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double jd = time_unix_s[i] / 86400.0 + 2440587.5;
    const double e = jd + delta_t_s[i] / 86400.0;
    jde[static_cast<std::size_t>(i)] = e;
    jde_min = std::min(jde_min, e);
    jde_max = std::max(jde_max, e);
  }
  const bool interpolate = evaluation == SpaEvaluation::automatic &&
                           4 * SlowTermTable::node_count(jde_min, jde_max) < static_cast<std::size_t>(n);
  std::optional<SlowTermTable> table;
  if (interpolate) table.emplace(jde_min, jde_max);

  // Observer terms (step 3.12): u, x, y are constants of the site.
  const double lat_rad = latitude_deg * kDegToRad;
  const double u = std::atan(0.99664719 * std::tan(lat_rad));
  const double xterm = std::cos(u) + altitude_m / 6378140.0 * std::cos(lat_rad);
  const double yterm = 0.99664719 * std::sin(u) + altitude_m / 6378140.0 * std::sin(lat_rad);
  const double sin_lat = std::sin(lat_rad), cos_lat = std::cos(lat_rad);

  for (Eigen::Index i = 0; i < n; ++i) {
    const double jd = time_unix_s[i] / 86400.0 + 2440587.5;
    const double e_day = jde[static_cast<std::size_t>(i)];
    const double jc = (jd - 2451545.0) / 36525.0;
    const double jce = (e_day - 2451545.0) / 36525.0;
    const double jme = jce / 10.0;
    const SlowTerms s = interpolate ? table->at(e_day) : slow_terms(e_day);

    // Geocentric longitude and latitude (3.3), obliquity (3.5), aberration (3.6), apparent sun
    // longitude (3.7).
    const double l_deg = s.l_rad * kRadToDeg;
    const double theta = positive_mod(l_deg + 180.0, 360.0);
    const double beta = -s.b_rad * kRadToDeg;
    const double uu = jme / 10.0;
    const double eps0 =
        84381.448 +
        uu * (-4680.93 +
              uu * (-1.55 + uu * (1999.25 +
                                  uu * (-51.38 +
                                        uu * (-249.67 +
                                              uu * (-39.05 + uu * (7.12 + uu * (27.87 + uu * (5.79 + uu * 2.45)))))))));
    const double eps = eps0 / 3600.0 + s.deps_deg;
    const double dtau = -20.4898 / (3600.0 * s.r_au);
    const double lamd = theta + s.dpsi_deg + dtau;

    // Apparent sidereal time at Greenwich (3.8).
    const double v0 = positive_mod(
        280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * jc * jc - jc * jc * jc / 38710000.0, 360.0);
    const double eps_rad = eps * kDegToRad;
    const double cos_eps = std::cos(eps_rad), sin_eps = std::sin(eps_rad);
    const double v = v0 + s.dpsi_deg * cos_eps;

    // Geocentric right ascension and declination (3.9, 3.10).
    const double lamd_rad = lamd * kDegToRad;
    const double sin_lamd = std::sin(lamd_rad), cos_lamd = std::cos(lamd_rad);
    const double beta_rad = beta * kDegToRad;
    const double alpha =
        positive_mod(std::atan2(sin_lamd * cos_eps - std::tan(beta_rad) * sin_eps, cos_lamd) * kRadToDeg, 360.0);
    const double delta = std::asin(std::sin(beta_rad) * cos_eps + std::cos(beta_rad) * sin_eps * sin_lamd) * kRadToDeg;

    // Equation of time (A.1).
    const double m =
        280.4664567 +
        jme * (360007.6982779 + jme * (0.03032028 + jme * (1.0 / 49931.0 + jme * (-1.0 / 15300.0 - jme / 2000000.0))));
    double eot = positive_mod(m - 0.0057183 - alpha + s.dpsi_deg * cos_eps, 360.0) * 4.0;
    if (eot > 20.0) eot -= 1440.0;
    out.equation_of_time_min[i] = eot;

    // Local hour angle (3.11), parallax (3.12), topocentric values (3.13).
    const double h = positive_mod(v + longitude_deg - alpha, 360.0);
    const double xi_rad = 8.794 / (3600.0 * s.r_au) * kDegToRad;
    const double h_rad = h * kDegToRad;
    const double delta_rad = delta * kDegToRad;
    const double sin_xi = std::sin(xi_rad);
    const double denom = std::cos(delta_rad) - xterm * sin_xi * std::cos(h_rad);
    const double dalpha_rad = std::atan2(-xterm * sin_xi * std::sin(h_rad), denom);
    const double delta_prime_rad = std::atan2((std::sin(delta_rad) - yterm * sin_xi) * std::cos(dalpha_rad), denom);
    const double h_prime_rad = h_rad - dalpha_rad;

    // Topocentric elevation (3.14), refraction (3.14.2-3), zenith (3.14.5), azimuth (3.15).
    const double sin_dp = std::sin(delta_prime_rad), cos_dp = std::cos(delta_prime_rad);
    const double cos_hp = std::cos(h_prime_rad);
    const double e0 = std::asin(sin_lat * sin_dp + cos_lat * cos_dp * cos_hp) * kRadToDeg;
    double de = 0.0;
    if (e0 >= -1.0 * (0.26667 + atmos_refract_deg)) {
      const double p_mbar = pressure_pa[i] / 100.0;
      de = (p_mbar / 1010.0) * (283.0 / (273.0 + temperature_c[i])) * 1.02 /
           (60.0 * std::tan((e0 + 10.3 / (e0 + 5.11)) * kDegToRad));
    }
    const double e = e0 + de;
    out.apparent_elevation_deg[i] = e;
    out.elevation_deg[i] = e0;
    out.apparent_zenith_deg[i] = 90.0 - e;
    out.zenith_deg[i] = 90.0 - e0;
    const double gamma = positive_mod(
        std::atan2(std::sin(h_prime_rad), cos_hp * sin_lat - (sin_dp / cos_dp) * cos_lat) * kRadToDeg, 360.0);
    out.azimuth_deg[i] = positive_mod(gamma + 180.0, 360.0);
  }
  return out;
}

double calculate_deltat_s(int year_i, int month_i) {
  const double year = year_i;
  const double y = year + (month_i - 0.5) / 12.0;
  auto p = [](double x, std::initializer_list<double> c) {
    double r = 0.0, xp = 1.0;
    for (double ci : c) {
      r += ci * xp;
      xp *= x;
    }
    return r;
  };
  if (year < -500) return -20 + 32 * std::pow((y - 1820) / 100, 2);
  if (year < 500) return p(y / 100, {10583.6, -1014.41, 33.78311, -5.952053, -0.1798452, 0.022174192, 0.0090316521});
  if (year < 1600)
    return p((y - 1000) / 100, {1574.2, -556.01, 71.23472, 0.319781, -0.8503463, -0.005050998, 0.0083572073});
  if (year < 1700) return p(y - 1600, {120, -0.9808, -0.01532, 1.0 / 7129});
  if (year < 1800) return p(y - 1700, {8.83, 0.1603, -0.0059285, 0.00013336, -1.0 / 1174000});
  if (year < 1860)
    return p(y - 1800,
             {13.72, -0.332447, 0.0068612, 0.0041116, -0.00037436, 0.0000121272, -0.0000001699, 0.000000000875});
  if (year < 1900) return p(y - 1860, {7.62, 0.5737, -0.251754, 0.01680668, -0.0004473624, 1.0 / 233174});
  if (year < 1920) return p(y - 1900, {-2.79, 1.494119, -0.0598939, 0.0061966, -0.000197});
  if (year < 1941) return p(y - 1920, {21.20, 0.84493, -0.076100, 0.0020936});
  if (year < 1961) return p(y - 1950, {29.07, 0.407, -1.0 / 233, 1.0 / 2547});
  if (year < 1986) return p(y - 1975, {45.45, 1.067, -1.0 / 260, -1.0 / 718});
  if (year < 2005) return p(y - 2000, {63.86, 0.3345, -0.060374, 0.0017275, 0.000651814, 0.00002373599});
  if (year < 2050) return p(y - 2000, {62.92, 0.32217, 0.005589});
  if (year < 2150) return -20 + 32 * std::pow((y - 1820) / 100, 2) - 0.5628 * (2150 - y);
  return -20 + 32 * std::pow((y - 1820) / 100, 2);
}

Eigen::VectorXd calculate_deltat_s(const Eigen::VectorXd& time_unix_s) {
  require_finite("time_unix_s", time_unix_s);
  Eigen::VectorXd out(time_unix_s.size());
  for (Eigen::Index i = 0; i < time_unix_s.size(); ++i) {
    const LocalTime lt = to_local(static_cast<std::int64_t>(std::floor(time_unix_s[i])), 0);
    out[i] = calculate_deltat_s(lt.year, lt.month);
  }
  return out;
}

Eigen::VectorXd grid_times_unix_s(const TimeGrid& grid, double fraction) {
  detail::check_scalar_range("fraction", fraction, 0.0, 1.0);
  Eigen::VectorXd out(grid.size());
  const double step = static_cast<double>(grid.step_s());
  for (std::int64_t i = 0; i < grid.size(); ++i) out[i] = static_cast<double>(grid.time_unix_s(i)) + fraction * step;
  return out;
}

Eigen::VectorXd day_of_year(const Eigen::VectorXd& time_unix_s, int utc_offset_minutes) {
  require_finite("time_unix_s", time_unix_s);
  Eigen::VectorXd out(time_unix_s.size());
  for (Eigen::Index i = 0; i < time_unix_s.size(); ++i)
    out[i] = to_local(static_cast<std::int64_t>(std::floor(time_unix_s[i])), utc_offset_minutes).day_of_year;
  return out;
}

}  // namespace ehub::physics
