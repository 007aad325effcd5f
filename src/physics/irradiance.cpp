// Irradiance models, formula for formula as pvlib.irradiance / pvlib.clearsky (see docs/physics.md),
// with sun-below-horizon and zero-diffuse cases resolved to 0 instead of NaN.
#include "ehub/physics/irradiance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"
#include "ehub/physics/atmosphere.hpp"

namespace ehub::physics {
namespace {

using detail::cosd;
using detail::kDegToRad;
using detail::kIrradianceHint;
using detail::kRadToDeg;
using detail::sind;

void check_irradiance(std::string_view name, const Broadcast& v) { require_at_least(name, v, 0.0, kIrradianceHint); }
void check_zenith(std::string_view name, const Broadcast& v) { require_in_range(name, v, 0.0, 180.0); }
void check_tilt(std::string_view name, const Broadcast& v) { require_in_range(name, v, -180.0, 180.0); }

double spencer_factor(double doy) {
  const double b = 2.0 * detail::kPi / 365.0 * (doy - 1.0);
  return 1.00011 + 0.034221 * std::cos(b) + 0.00128 * std::sin(b) + 0.000719 * std::cos(2.0 * b) +
         7.7e-05 * std::sin(2.0 * b);
}

double extra_radiation(double doy, double solar_constant, ExtraRadiationMethod method) {
  if (method == ExtraRadiationMethod::asce)
    return solar_constant * (1.0 + 0.033 * std::cos(2.0 * detail::kPi / 365.0 * doy));
  return solar_constant * spencer_factor(doy);
}

double projection(double tilt, double surf_az, double zen, double sun_az) {
  const double p = cosd(tilt) * cosd(zen) + sind(tilt) * sind(zen) * cosd(sun_az - surf_az);
  return std::clamp(p, -1.0, 1.0);
}

// Perez et al. 1990, 'allsitescomposite1990': F11 F12 F13 F21 F22 F23 for the 8 clearness bins.
constexpr double kPerez1990[8][6] = {
    {-0.0080, 0.5880, -0.0620, -0.0600, 0.0720, -0.0220}, {0.1300, 0.6830, -0.1510, -0.0190, 0.0660, -0.0290},
    {0.3300, 0.4870, -0.2210, 0.0550, -0.0640, -0.0260},  {0.5680, 0.1870, -0.2950, 0.1090, -0.1520, -0.0140},
    {0.8730, -0.3920, -0.3620, 0.2260, -0.4620, 0.0010},  {1.1320, -1.2370, -0.4120, 0.2880, -0.8230, 0.0560},
    {1.0600, -1.6000, -0.3590, 0.2640, -1.1270, 0.1310},  {0.6780, -0.3270, -0.2500, 0.1560, -1.3770, 0.2510}};
constexpr double kPerezBins[7] = {1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2};

double perez_one(double tilt, double surf_az, double dhi, double dni, double dni_extra, double zen, double sun_az,
                 double am) {
  if (!std::isfinite(am) || dhi <= 0.0) return 0.0;  // sun down (pvlib: NaN air mass) or no diffuse light
  constexpr double kappa = 1.041;
  const double z = zen * kDegToRad;
  const double z3 = kappa * z * z * z;
  const double delta = dhi * am / dni_extra;
  const double eps = ((dhi + dni) / dhi + z3) / (1.0 + z3);
  int bin = 0;
  while (bin < 7 && eps >= kPerezBins[bin]) ++bin;
  const double* f = kPerez1990[bin];
  const double f1 = std::max(f[0] + f[1] * delta + f[2] * z, 0.0);
  const double f2 = f[3] + f[4] * delta + f[5] * z;
  const double a = std::max(projection(tilt, surf_az, zen, sun_az), 0.0);
  const double b = std::max(cosd(zen), cosd(85.0));
  const double term1 = 0.5 * (1.0 - f1) * (1.0 + cosd(tilt));
  const double term2 = f1 * a / b;
  const double term3 = f2 * sind(tilt);
  return std::max(dhi * (term1 + term2 + term3), 0.0);
}

double haydavies_one(double tilt, double surf_az, double dhi, double dni, double dni_extra, double zen, double sun_az) {
  const double cos_tt = std::max(projection(tilt, surf_az, zen, sun_az), 0.0);
  const double rb = cos_tt / std::max(cosd(zen), 0.01745);
  const double ai = dni / dni_extra;
  const double iso = std::max(dhi * (1.0 - ai) * 0.5 * (1.0 + cosd(tilt)), 0.0);
  const double circ = std::max(dhi * ai * rb, 0.0);
  return iso + circ;
}

}  // namespace

Eigen::VectorXd get_extra_radiation(const Eigen::VectorXd& day_of_year, double solar_constant_w_m2,
                                    ExtraRadiationMethod method) {
  require_in_range("day_of_year", day_of_year, 0.0, 367.0);
  detail::check_scalar_greater("solar_constant_w_m2", solar_constant_w_m2, 0.0);
  Eigen::VectorXd out(day_of_year.size());
  for (Eigen::Index i = 0; i < out.size(); ++i) out[i] = extra_radiation(day_of_year[i], solar_constant_w_m2, method);
  return out;
}

double get_extra_radiation(double day_of_year, double solar_constant_w_m2, ExtraRadiationMethod method) {
  detail::check_scalar_range("day_of_year", day_of_year, 0.0, 367.0);
  detail::check_scalar_greater("solar_constant_w_m2", solar_constant_w_m2, 0.0);
  return extra_radiation(day_of_year, solar_constant_w_m2, method);
}

ClearSky clearsky_ineichen(const Eigen::VectorXd& apparent_zenith_deg, const Eigen::VectorXd& airmass_absolute,
                           const Broadcast& linke_turbidity, double altitude_m, const Broadcast& dni_extra_w_m2,
                           bool perez_enhancement) {
  const Eigen::Index n = common_size({{"apparent_zenith_deg", Broadcast(apparent_zenith_deg)},
                                      {"airmass_absolute", Broadcast(airmass_absolute)},
                                      {"linke_turbidity", linke_turbidity},
                                      {"dni_extra_w_m2", dni_extra_w_m2}});
  check_zenith("apparent_zenith_deg", apparent_zenith_deg);
  for (Eigen::Index i = 0; i < airmass_absolute.size(); ++i)
    if (std::isnan(airmass_absolute[i]) || airmass_absolute[i] < 0.0)
      detail::throw_bad_value("airmass_absolute", i, "must be >= 0 (inf: sun down)", airmass_absolute[i]);
  require_at_least("linke_turbidity", linke_turbidity, 0.0);
  require_greater("dni_extra_w_m2", dni_extra_w_m2, 0.0);
  detail::check_scalar_range("altitude_m", altitude_m, -1000.0, 10000.0);

  const double fh1 = std::exp(-altitude_m / 8000.0);
  const double fh2 = std::exp(-altitude_m / 1250.0);
  const double cg1 = 5.09e-05 * altitude_m + 0.868;
  const double cg2 = 3.92e-05 * altitude_m + 0.0387;
  const double b = 0.664 + 0.163 / fh1;
  ClearSky cs;
  cs.ghi_w_m2.resize(n);
  cs.dni_w_m2.resize(n);
  cs.dhi_w_m2.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double cz = std::max(cosd(apparent_zenith_deg[i]), 0.0);
    const double tl = linke_turbidity[i];
    const double am = airmass_absolute[i];
    const double e0 = dni_extra_w_m2[i];
    double g = std::exp(-cg2 * am * (fh1 + fh2 * (tl - 1.0)));
    if (perez_enhancement) g *= std::exp(0.01 * std::pow(am, 1.8));
    // fmax maps the NaN of 0 * inf (sun down, tl = 1) to 0, as pvlib does.
    const double ghi = cg1 * e0 * cz * std::fmax(g, 0.0);
    const double bnci = e0 * std::fmax(b * std::exp(-0.09 * am * (tl - 1.0)), 0.0);
    const double bnci2_factor = (1.0 - (0.1 - 0.2 * std::exp(-tl)) / (0.1 + 0.882 / fh1)) / cz;
    const double bnci2 = ghi * std::fmin(std::fmax(bnci2_factor, 0.0), 1e20);
    const double dni = std::fmin(bnci, bnci2);
    cs.ghi_w_m2[i] = ghi;
    cs.dni_w_m2[i] = dni;
    cs.dhi_w_m2[i] = ghi - dni * cz;
  }
  return cs;
}

Eigen::VectorXd clearsky_haurwitz(const Eigen::VectorXd& apparent_zenith_deg) {
  check_zenith("apparent_zenith_deg", apparent_zenith_deg);
  Eigen::VectorXd out(apparent_zenith_deg.size());
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const double c = cosd(apparent_zenith_deg[i]);
    out[i] = c > 0.0 ? 1098.0 * c * std::exp(-0.059 / c) : 0.0;
  }
  return out;
}

Eigen::VectorXd clearness_index(const Broadcast& ghi_w_m2, const Broadcast& solar_zenith_deg,
                                const Broadcast& extra_radiation_w_m2, double min_cos_zenith,
                                double max_clearness_index) {
  const Eigen::Index n = common_size(
      {{"ghi_w_m2", ghi_w_m2}, {"solar_zenith_deg", solar_zenith_deg}, {"extra_radiation_w_m2", extra_radiation_w_m2}});
  check_irradiance("ghi_w_m2", ghi_w_m2);
  check_zenith("solar_zenith_deg", solar_zenith_deg);
  require_greater("extra_radiation_w_m2", extra_radiation_w_m2, 0.0);
  detail::check_scalar_greater("min_cos_zenith", min_cos_zenith, 0.0);
  detail::check_scalar_at_least("max_clearness_index", max_clearness_index, 0.0);
  Eigen::VectorXd kt(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double i0h = extra_radiation_w_m2[i] * std::max(cosd(solar_zenith_deg[i]), min_cos_zenith);
    kt[i] = std::min(std::max(ghi_w_m2[i] / i0h, 0.0), max_clearness_index);
  }
  return kt;
}

Decomposition erbs(const Eigen::VectorXd& ghi_w_m2, const Eigen::VectorXd& zenith_deg, const Broadcast& day_of_year,
                   double min_cos_zenith, double max_zenith_deg) {
  const Eigen::Index n = common_size(
      {{"ghi_w_m2", Broadcast(ghi_w_m2)}, {"zenith_deg", Broadcast(zenith_deg)}, {"day_of_year", day_of_year}});
  require_in_range("day_of_year", day_of_year, 0.0, 367.0);
  Eigen::VectorXd e0(n);
  for (Eigen::Index i = 0; i < n; ++i) e0[i] = extra_radiation(day_of_year[i], 1366.1, ExtraRadiationMethod::spencer);
  Decomposition d;
  d.kt = clearness_index(ghi_w_m2, zenith_deg, e0, min_cos_zenith, 1.0);
  d.dni_w_m2.resize(n);
  d.dhi_w_m2.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double kt = d.kt[i];
    double df = 1.0 - 0.09 * kt;
    if (kt > 0.22 && kt <= 0.8)
      df = 0.9511 - 0.1604 * kt + 4.388 * kt * kt - 16.638 * kt * kt * kt + 12.336 * kt * kt * kt * kt;
    if (kt > 0.8) df = 0.165;
    const double ghi = ghi_w_m2[i];
    double dhi = df * ghi;
    double dni = 0.0;
    bool bad = zenith_deg[i] > max_zenith_deg;
    if (!bad) {
      dni = (ghi - dhi) / cosd(zenith_deg[i]);
      bad = !(dni >= 0.0);
    }
    if (bad) {
      dni = 0.0;
      dhi = ghi;  // closure: ghi = dhi + dni cos z
    }
    d.dni_w_m2[i] = dni;
    d.dhi_w_m2[i] = dhi;
  }
  return d;
}

Decomposition disc(const Eigen::VectorXd& ghi_w_m2, const Eigen::VectorXd& solar_zenith_deg,
                   const Broadcast& day_of_year, const Broadcast& pressure_pa, double min_cos_zenith,
                   double max_zenith_deg, double max_airmass) {
  const Eigen::Index n = common_size({{"ghi_w_m2", Broadcast(ghi_w_m2)},
                                      {"solar_zenith_deg", Broadcast(solar_zenith_deg)},
                                      {"day_of_year", day_of_year},
                                      {"pressure_pa", pressure_pa}});
  require_in_range("day_of_year", day_of_year, 0.0, 367.0);
  require_greater("pressure_pa", pressure_pa, 0.0);
  detail::check_scalar_greater("max_airmass", max_airmass, 0.0);
  Eigen::VectorXd i0(n);
  for (Eigen::Index i = 0; i < n; ++i) i0[i] = extra_radiation(day_of_year[i], 1370.0, ExtraRadiationMethod::spencer);
  Decomposition d;
  d.kt = clearness_index(ghi_w_m2, solar_zenith_deg, i0, min_cos_zenith, 1.0);
  const Eigen::VectorXd am_rel = get_relative_airmass(solar_zenith_deg, AirmassModel::kasten1966);
  d.dni_w_m2.resize(n);
  d.airmass.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double kt = d.kt[i];
    const double am = std::min(am_rel[i] * pressure_pa[i] / 101325.0, max_airmass);
    double a, b, c;
    if (kt <= 0.6) {
      a = 0.512 + kt * (-1.56 + kt * (2.286 - 2.222 * kt));
      b = 0.37 + 0.962 * kt;
      c = -0.28 + kt * (0.932 - 2.048 * kt);
    } else {
      a = -5.743 + kt * (21.77 + kt * (-27.49 + 11.56 * kt));
      b = 41.4 + kt * (-118.5 + kt * (66.05 + 31.9 * kt));
      c = -47.01 + kt * (184.2 + kt * (-222.0 + 73.81 * kt));
    }
    const double delta_kn = a + b * std::exp(c * am);
    const double knc = 0.866 + am * (-0.122 + am * (0.0121 + am * (-0.000653 + 1.4e-05 * am)));
    double dni = (knc - delta_kn) * i0[i];
    if (solar_zenith_deg[i] > max_zenith_deg || !(dni >= 0.0)) dni = 0.0;
    d.dni_w_m2[i] = dni;
    d.airmass[i] = am;
  }
  return d;
}

Eigen::VectorXd aoi_projection(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                               const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg) {
  const Eigen::Index n = common_size({{"surface_tilt_deg", surface_tilt_deg},
                                      {"surface_azimuth_deg", surface_azimuth_deg},
                                      {"solar_zenith_deg", solar_zenith_deg},
                                      {"solar_azimuth_deg", solar_azimuth_deg}});
  check_tilt("surface_tilt_deg", surface_tilt_deg);
  require_finite("surface_azimuth_deg", surface_azimuth_deg);
  check_zenith("solar_zenith_deg", solar_zenith_deg);
  require_finite("solar_azimuth_deg", solar_azimuth_deg);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i)
    out[i] = projection(surface_tilt_deg[i], surface_azimuth_deg[i], solar_zenith_deg[i], solar_azimuth_deg[i]);
  return out;
}

Eigen::VectorXd aoi(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                    const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg) {
  Eigen::VectorXd p = aoi_projection(surface_tilt_deg, surface_azimuth_deg, solar_zenith_deg, solar_azimuth_deg);
  for (Eigen::Index i = 0; i < p.size(); ++i) p[i] = std::acos(p[i]) * kRadToDeg;
  return p;
}

Eigen::VectorXd get_ground_diffuse(const Broadcast& surface_tilt_deg, const Broadcast& ghi_w_m2,
                                   const Broadcast& albedo) {
  const Eigen::Index n =
      common_size({{"surface_tilt_deg", surface_tilt_deg}, {"ghi_w_m2", ghi_w_m2}, {"albedo", albedo}});
  check_tilt("surface_tilt_deg", surface_tilt_deg);
  check_irradiance("ghi_w_m2", ghi_w_m2);
  require_in_range("albedo", albedo, 0.0, 1.0);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i)
    out[i] = ghi_w_m2[i] * albedo[i] * (1.0 - std::cos(surface_tilt_deg[i] * kDegToRad)) * 0.5;
  return out;
}

Eigen::VectorXd isotropic(const Broadcast& surface_tilt_deg, const Broadcast& dhi_w_m2) {
  const Eigen::Index n = common_size({{"surface_tilt_deg", surface_tilt_deg}, {"dhi_w_m2", dhi_w_m2}});
  check_tilt("surface_tilt_deg", surface_tilt_deg);
  check_irradiance("dhi_w_m2", dhi_w_m2);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) out[i] = dhi_w_m2[i] * (1.0 + cosd(surface_tilt_deg[i])) * 0.5;
  return out;
}

namespace {
Eigen::Index check_transposition_inputs(const Broadcast& tilt, const Broadcast& surf_az, const Broadcast& dhi,
                                        const Broadcast& dni, const Broadcast& dni_extra, const Broadcast& zen,
                                        const Broadcast& sun_az) {
  const Eigen::Index n = common_size({{"surface_tilt_deg", tilt},
                                      {"surface_azimuth_deg", surf_az},
                                      {"dhi_w_m2", dhi},
                                      {"dni_w_m2", dni},
                                      {"dni_extra_w_m2", dni_extra},
                                      {"solar_zenith_deg", zen},
                                      {"solar_azimuth_deg", sun_az}});
  check_tilt("surface_tilt_deg", tilt);
  require_finite("surface_azimuth_deg", surf_az);
  check_irradiance("dhi_w_m2", dhi);
  check_irradiance("dni_w_m2", dni);
  require_greater("dni_extra_w_m2", dni_extra, 0.0);
  check_zenith("solar_zenith_deg", zen);
  require_finite("solar_azimuth_deg", sun_az);
  return n;
}
}  // namespace

Eigen::VectorXd haydavies(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                          const Broadcast& dhi_w_m2, const Broadcast& dni_w_m2, const Broadcast& dni_extra_w_m2,
                          const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg) {
  const Eigen::Index n = check_transposition_inputs(surface_tilt_deg, surface_azimuth_deg, dhi_w_m2, dni_w_m2,
                                                    dni_extra_w_m2, solar_zenith_deg, solar_azimuth_deg);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i)
    out[i] = haydavies_one(surface_tilt_deg[i], surface_azimuth_deg[i], dhi_w_m2[i], dni_w_m2[i], dni_extra_w_m2[i],
                           solar_zenith_deg[i], solar_azimuth_deg[i]);
  return out;
}

Eigen::VectorXd perez(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                      const Broadcast& dhi_w_m2, const Broadcast& dni_w_m2, const Broadcast& dni_extra_w_m2,
                      const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg, const Broadcast& airmass) {
  check_transposition_inputs(surface_tilt_deg, surface_azimuth_deg, dhi_w_m2, dni_w_m2, dni_extra_w_m2,
                             solar_zenith_deg, solar_azimuth_deg);
  const Eigen::Index n = common_size({{"surface_tilt_deg", surface_tilt_deg},
                                      {"surface_azimuth_deg", surface_azimuth_deg},
                                      {"dhi_w_m2", dhi_w_m2},
                                      {"dni_w_m2", dni_w_m2},
                                      {"dni_extra_w_m2", dni_extra_w_m2},
                                      {"solar_zenith_deg", solar_zenith_deg},
                                      {"solar_azimuth_deg", solar_azimuth_deg},
                                      {"airmass", airmass}});
  for (Eigen::Index i = 0; i < (airmass.is_scalar() ? 1 : airmass.size()); ++i)
    if (std::isnan(airmass[i]) || airmass[i] < 0.0)
      detail::throw_bad_value("airmass", airmass.is_scalar() ? -1 : i, "must be >= 0 (inf: sun down)", airmass[i]);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i)
    out[i] = perez_one(surface_tilt_deg[i], surface_azimuth_deg[i], dhi_w_m2[i], dni_w_m2[i], dni_extra_w_m2[i],
                       solar_zenith_deg[i], solar_azimuth_deg[i], airmass[i]);
  return out;
}

std::string_view to_string(TranspositionModel model) noexcept {
  switch (model) {
    case TranspositionModel::isotropic:
      return "isotropic";
    case TranspositionModel::haydavies:
      return "haydavies";
    case TranspositionModel::perez:
      return "perez";
  }
  return "?";
}

TranspositionModel transposition_model_from_string(std::string_view name) {
  for (auto m : {TranspositionModel::isotropic, TranspositionModel::haydavies, TranspositionModel::perez})
    if (to_string(m) == name) return m;
  std::string detail = "must be \"isotropic\", \"haydavies\" or \"perez\", got \"";
  detail += name;
  detail += '"';
  throw InputError("", "transposition_model", detail);
}

PoaIrradiance get_total_irradiance(const Broadcast& surface_tilt_deg, const Broadcast& surface_azimuth_deg,
                                   const Broadcast& solar_zenith_deg, const Broadcast& solar_azimuth_deg,
                                   const Broadcast& dni_w_m2, const Broadcast& ghi_w_m2, const Broadcast& dhi_w_m2,
                                   const Broadcast& dni_extra_w_m2, const Broadcast& airmass, const Broadcast& albedo,
                                   TranspositionModel model) {
  const Eigen::Index n = common_size({{"surface_tilt_deg", surface_tilt_deg},
                                      {"surface_azimuth_deg", surface_azimuth_deg},
                                      {"solar_zenith_deg", solar_zenith_deg},
                                      {"solar_azimuth_deg", solar_azimuth_deg},
                                      {"dni_w_m2", dni_w_m2},
                                      {"ghi_w_m2", ghi_w_m2},
                                      {"dhi_w_m2", dhi_w_m2},
                                      {"dni_extra_w_m2", dni_extra_w_m2},
                                      {"airmass", airmass},
                                      {"albedo", albedo}});
  check_irradiance("ghi_w_m2", ghi_w_m2);
  PoaIrradiance r;
  switch (model) {
    case TranspositionModel::isotropic:
      r.poa_sky_diffuse_w_m2 = isotropic(surface_tilt_deg, dhi_w_m2);
      break;
    case TranspositionModel::haydavies:
      r.poa_sky_diffuse_w_m2 = haydavies(surface_tilt_deg, surface_azimuth_deg, dhi_w_m2, dni_w_m2, dni_extra_w_m2,
                                         solar_zenith_deg, solar_azimuth_deg);
      break;
    case TranspositionModel::perez: {
      if (airmass.is_scalar() && std::isnan(airmass[0])) {
        Eigen::VectorXd zen(n);
        check_zenith("solar_zenith_deg", solar_zenith_deg);
        for (Eigen::Index i = 0; i < n; ++i) zen[i] = solar_zenith_deg[i];
        const Eigen::VectorXd am = get_relative_airmass(zen);
        r.poa_sky_diffuse_w_m2 = perez(surface_tilt_deg, surface_azimuth_deg, dhi_w_m2, dni_w_m2, dni_extra_w_m2,
                                       solar_zenith_deg, solar_azimuth_deg, am);
      } else {
        r.poa_sky_diffuse_w_m2 = perez(surface_tilt_deg, surface_azimuth_deg, dhi_w_m2, dni_w_m2, dni_extra_w_m2,
                                       solar_zenith_deg, solar_azimuth_deg, airmass);
      }
      break;
    }
  }
  if (r.poa_sky_diffuse_w_m2.size() != n)
    r.poa_sky_diffuse_w_m2 = Eigen::VectorXd::Constant(n, r.poa_sky_diffuse_w_m2[0]);
  r.poa_ground_diffuse_w_m2 = get_ground_diffuse(surface_tilt_deg, ghi_w_m2, albedo);
  if (r.poa_ground_diffuse_w_m2.size() != n)
    r.poa_ground_diffuse_w_m2 = Eigen::VectorXd::Constant(n, r.poa_ground_diffuse_w_m2[0]);
  const Eigen::VectorXd proj =
      aoi_projection(surface_tilt_deg, surface_azimuth_deg, solar_zenith_deg, solar_azimuth_deg);
  check_irradiance("dni_w_m2", dni_w_m2);
  r.poa_direct_w_m2.resize(n);
  for (Eigen::Index i = 0; i < n; ++i)
    r.poa_direct_w_m2[i] = std::max(dni_w_m2[i] * proj[proj.size() == n ? i : 0], 0.0);
  r.poa_diffuse_w_m2 = r.poa_sky_diffuse_w_m2 + r.poa_ground_diffuse_w_m2;
  r.poa_global_w_m2 = r.poa_direct_w_m2 + r.poa_diffuse_w_m2;
  return r;
}

Eigen::VectorXd clean_irradiance(const Eigen::VectorXd& values_w_m2, std::string_view name, double max_negative_w_m2) {
  detail::check_scalar_at_least("max_negative_w_m2", max_negative_w_m2, 0.0);
  Eigen::VectorXd out = values_w_m2;
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const double v = out[i];
    if (!std::isfinite(v)) detail::throw_bad_value(name, i, "must be finite (fill gaps before the physics models)", v);
    if (v < 0.0) {
      if (v < -max_negative_w_m2) {
        std::string what = "is below -";
        what += detail::format_number(max_negative_w_m2);
        what += " W/m2, not a sensor offset";
        detail::throw_bad_value(name, i, what, v);
      }
      out[i] = 0.0;
    }
  }
  return out;
}

}  // namespace ehub::physics
