// Bindings of ehub.physics: solar position, irradiance, PV and wind models. Arguments that pvlib /
// windpowerlib accept as scalar or array accept a float or a 1-D array here too; multi-output
// results come back as dicts of numpy arrays (pandas.DataFrame(result) makes a table).
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <variant>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/physics/atmosphere.hpp"
#include "ehub/physics/irradiance.hpp"
#include "ehub/physics/pv_model.hpp"
#include "ehub/physics/pvsystem.hpp"
#include "ehub/physics/solar_position.hpp"
#include "ehub/physics/tracking.hpp"
#include "ehub/physics/wind.hpp"

namespace ehub::python {
namespace {

namespace ep = ehub::physics;
using Vec = Eigen::VectorXd;
/// A float (broadcast) or one value per time step. An array is read in place (ep::Broadcast keeps a
/// pointer to the numpy buffer for the call) when it is C-contiguous float64; other arrays and lists
/// are converted once by pybind11 (InArray).
using Arg = std::variant<double, InArray>;

ep::Broadcast b(const Arg& a) {
  if (const double* d = std::get_if<double>(&a)) return ep::Broadcast(*d);
  const InArray& v = std::get<InArray>(a);
  if (v.ndim() == 0) return ep::Broadcast(v.data()[0]);
  if (v.ndim() != 1 && !(v.ndim() == 2 && v.shape(1) == 1))
    throw InputError("", "", "expected a float or a 1-D array, got an array of " + std::to_string(v.ndim()) +
                                 " dimensions");
  return ep::Broadcast(v.data(), static_cast<Eigen::Index>(v.size()));
}

// Output structs are taken as rvalues and their vectors moved into the dicts: pybind11 wraps a
// moved Eigen vector in a capsule that owns it, so no values are copied.

py::dict solar_dict(ep::SolarPosition&& s) {
  py::dict d;
  d["apparent_zenith_deg"] = std::move(s.apparent_zenith_deg);
  d["zenith_deg"] = std::move(s.zenith_deg);
  d["apparent_elevation_deg"] = std::move(s.apparent_elevation_deg);
  d["elevation_deg"] = std::move(s.elevation_deg);
  d["azimuth_deg"] = std::move(s.azimuth_deg);
  d["equation_of_time_min"] = std::move(s.equation_of_time_min);
  return d;
}

py::dict poa_dict(ep::PoaIrradiance&& p) {
  py::dict d;
  d["poa_global_w_m2"] = std::move(p.poa_global_w_m2);
  d["poa_direct_w_m2"] = std::move(p.poa_direct_w_m2);
  d["poa_diffuse_w_m2"] = std::move(p.poa_diffuse_w_m2);
  d["poa_sky_diffuse_w_m2"] = std::move(p.poa_sky_diffuse_w_m2);
  d["poa_ground_diffuse_w_m2"] = std::move(p.poa_ground_diffuse_w_m2);
  return d;
}

ep::AirmassModel airmass_model(const std::string& s) {
  if (s == "kastenyoung1989") return ep::AirmassModel::kastenyoung1989;
  if (s == "kasten1966") return ep::AirmassModel::kasten1966;
  if (s == "simple") return ep::AirmassModel::simple;
  throw InputError("", "model", "must be \"kastenyoung1989\", \"kasten1966\" or \"simple\", got \"" + s + "\"");
}

ep::WindWeather wind_weather(const std::map<double, Vec>& wind_speed_m_s, const std::map<double, Vec>& temperature_k,
                             const std::map<double, Vec>& pressure_pa, const Arg& roughness_length_m) {
  ep::WindWeather w;
  for (const auto& [h, v] : wind_speed_m_s) w.wind_speed_m_s.push_back({h, v});
  for (const auto& [h, v] : temperature_k) w.temperature_k.push_back({h, v});
  for (const auto& [h, v] : pressure_pa) w.pressure_pa.push_back({h, v});
  if (const double* d = std::get_if<double>(&roughness_length_m))
    w.roughness_length_m = Vec::Constant(1, *d);
  else
    w.roughness_length_m = Eigen::Map<const Vec>(std::get<InArray>(roughness_length_m).data(),
                                                 static_cast<Eigen::Index>(std::get<InArray>(roughness_length_m).size()));
  return w;
}

ep::WindModelChainOptions wind_options(const std::string& wind_speed_model, const std::string& density_model,
                                       bool density_correction, double obstacle_height_m,
                                       std::optional<double> hellman_exponent) {
  ep::WindModelChainOptions o;
  if (wind_speed_model == "logarithmic")
    o.wind_speed_model = ep::WindModelChainOptions::WindSpeedModel::logarithmic;
  else if (wind_speed_model == "hellman")
    o.wind_speed_model = ep::WindModelChainOptions::WindSpeedModel::hellman;
  else
    throw InputError("", "wind_speed_model",
                     "must be \"logarithmic\" or \"hellman\", got \"" + wind_speed_model + "\"");
  if (density_model == "barometric")
    o.density_model = ep::WindModelChainOptions::DensityModel::barometric;
  else if (density_model == "ideal_gas")
    o.density_model = ep::WindModelChainOptions::DensityModel::ideal_gas;
  else
    throw InputError("", "density_model", "must be \"barometric\" or \"ideal_gas\", got \"" + density_model + "\"");
  o.density_correction = density_correction;
  o.obstacle_height_m = obstacle_height_m;
  o.hellman_exponent = hellman_exponent.value_or(NAN);
  return o;
}

}  // namespace

void bind_physics(py::module_& m) {
  // --- solar position, atmosphere ---------------------------------------------------------
  m.def(
      "spa_python",
      [](const Vec& t, double lat, double lon, double alt, const Arg& p, const Arg& temp, const Arg& dt, double refract,
         bool exact) {
        return solar_dict(ep::spa_python(t, lat, lon, alt, b(p), b(temp), b(dt), refract,
                                         exact ? ep::SpaEvaluation::exact : ep::SpaEvaluation::automatic));
      },
      py::arg("time_unix_s"), py::arg("latitude_deg"), py::arg("longitude_deg"), py::arg("altitude_m") = 0.0,
      py::arg("pressure_pa") = 101325.0, py::arg("temperature_c") = 12.0, py::arg("delta_t_s") = 67.0,
      py::arg("atmos_refract_deg") = 0.5667, py::arg("exact") = false,
      "NREL SPA solar position (pvlib.solarposition.spa_python); dict of arrays in degrees.");
  m.def("calculate_deltat_s", py::overload_cast<const Vec&>(&ep::calculate_deltat_s), py::arg("time_unix_s"),
        "pvlib's Delta-T polynomial (TT - UT1, s) for each instant (delta_t=None).");
  m.def("day_of_year", &ep::day_of_year, py::arg("time_unix_s"), py::arg("utc_offset_minutes") = 0);
  m.def(
      "get_relative_airmass",
      [](const Vec& z, const std::string& model) { return ep::get_relative_airmass(z, airmass_model(model)); },
      py::arg("zenith_deg"), py::arg("model") = "kastenyoung1989", "Relative air mass (+inf below the horizon).");
  m.def(
      "get_absolute_airmass", [](const Vec& am, const Arg& p) { return ep::get_absolute_airmass(am, b(p)); },
      py::arg("airmass_relative"), py::arg("pressure_pa") = 101325.0);
  m.def("alt2pres_pa", &ep::alt2pres_pa, py::arg("altitude_m"));
  m.def("pres2alt_m", &ep::pres2alt_m, py::arg("pressure_pa"));

  // --- irradiance -------------------------------------------------------------------------
  m.def(
      "get_extra_radiation",
      [](const Vec& doy, double sc, const std::string& method) {
        if (method != "spencer" && method != "asce")
          throw InputError("", "method", "must be \"spencer\" or \"asce\", got \"" + method + "\"");
        return ep::get_extra_radiation(
            doy, sc, method == "asce" ? ep::ExtraRadiationMethod::asce : ep::ExtraRadiationMethod::spencer);
      },
      py::arg("day_of_year"), py::arg("solar_constant_w_m2") = 1366.1, py::arg("method") = "spencer");
  m.def(
      "clearsky_ineichen",
      [](const Vec& z, const Vec& am, const Arg& tl, double alt, const Arg& e0, bool perez) {
        auto cs = ep::clearsky_ineichen(z, am, b(tl), alt, b(e0), perez);
        py::dict d;
        d["ghi_w_m2"] = std::move(cs.ghi_w_m2);
        d["dni_w_m2"] = std::move(cs.dni_w_m2);
        d["dhi_w_m2"] = std::move(cs.dhi_w_m2);
        return d;
      },
      py::arg("apparent_zenith_deg"), py::arg("airmass_absolute"), py::arg("linke_turbidity"),
      py::arg("altitude_m") = 0.0, py::arg("dni_extra_w_m2") = 1364.0, py::arg("perez_enhancement") = false);
  m.def("clearsky_haurwitz", &ep::clearsky_haurwitz, py::arg("apparent_zenith_deg"));
  m.def(
      "clearness_index",
      [](const Arg& ghi, const Arg& z, const Arg& e0, double mcz, double mkt) {
        return ep::clearness_index(b(ghi), b(z), b(e0), mcz, mkt);
      },
      py::arg("ghi_w_m2"), py::arg("solar_zenith_deg"), py::arg("extra_radiation_w_m2"),
      py::arg("min_cos_zenith") = 0.065, py::arg("max_clearness_index") = 2.0);
  m.def(
      "erbs",
      [](const Vec& ghi, const Vec& z, const Arg& doy, double mcz, double mz) {
        auto r = ep::erbs(ghi, z, b(doy), mcz, mz);
        py::dict d;
        d["dni_w_m2"] = std::move(r.dni_w_m2);
        d["dhi_w_m2"] = std::move(r.dhi_w_m2);
        d["kt"] = std::move(r.kt);
        return d;
      },
      py::arg("ghi_w_m2"), py::arg("zenith_deg"), py::arg("day_of_year"), py::arg("min_cos_zenith") = 0.065,
      py::arg("max_zenith_deg") = 87.0);
  m.def(
      "disc",
      [](const Vec& ghi, const Vec& z, const Arg& doy, const Arg& p, double mcz, double mz, double mam) {
        auto r = ep::disc(ghi, z, b(doy), b(p), mcz, mz, mam);
        py::dict d;
        d["dni_w_m2"] = std::move(r.dni_w_m2);
        d["kt"] = std::move(r.kt);
        d["airmass"] = std::move(r.airmass);
        return d;
      },
      py::arg("ghi_w_m2"), py::arg("solar_zenith_deg"), py::arg("day_of_year"), py::arg("pressure_pa") = 101325.0,
      py::arg("min_cos_zenith") = 0.065, py::arg("max_zenith_deg") = 87.0, py::arg("max_airmass") = 12.0);
  m.def(
      "aoi", [](const Arg& t, const Arg& a, const Arg& z, const Arg& sa) { return ep::aoi(b(t), b(a), b(z), b(sa)); },
      py::arg("surface_tilt_deg"), py::arg("surface_azimuth_deg"), py::arg("solar_zenith_deg"),
      py::arg("solar_azimuth_deg"));
  m.def(
      "aoi_projection",
      [](const Arg& t, const Arg& a, const Arg& z, const Arg& sa) {
        return ep::aoi_projection(b(t), b(a), b(z), b(sa));
      },
      py::arg("surface_tilt_deg"), py::arg("surface_azimuth_deg"), py::arg("solar_zenith_deg"),
      py::arg("solar_azimuth_deg"));
  m.def(
      "get_ground_diffuse",
      [](const Arg& t, const Arg& ghi, const Arg& alb) { return ep::get_ground_diffuse(b(t), b(ghi), b(alb)); },
      py::arg("surface_tilt_deg"), py::arg("ghi_w_m2"), py::arg("albedo") = 0.25);
  m.def(
      "isotropic", [](const Arg& t, const Arg& dhi) { return ep::isotropic(b(t), b(dhi)); },
      py::arg("surface_tilt_deg"), py::arg("dhi_w_m2"));
  m.def(
      "haydavies",
      [](const Arg& t, const Arg& a, const Arg& dhi, const Arg& dni, const Arg& e0, const Arg& z, const Arg& sa) {
        return ep::haydavies(b(t), b(a), b(dhi), b(dni), b(e0), b(z), b(sa));
      },
      py::arg("surface_tilt_deg"), py::arg("surface_azimuth_deg"), py::arg("dhi_w_m2"), py::arg("dni_w_m2"),
      py::arg("dni_extra_w_m2"), py::arg("solar_zenith_deg"), py::arg("solar_azimuth_deg"));
  m.def(
      "perez",
      [](const Arg& t, const Arg& a, const Arg& dhi, const Arg& dni, const Arg& e0, const Arg& z, const Arg& sa,
         const Arg& am) { return ep::perez(b(t), b(a), b(dhi), b(dni), b(e0), b(z), b(sa), b(am)); },
      py::arg("surface_tilt_deg"), py::arg("surface_azimuth_deg"), py::arg("dhi_w_m2"), py::arg("dni_w_m2"),
      py::arg("dni_extra_w_m2"), py::arg("solar_zenith_deg"), py::arg("solar_azimuth_deg"), py::arg("airmass"));
  m.def(
      "get_total_irradiance",
      [](const Arg& t, const Arg& a, const Arg& z, const Arg& sa, const Arg& dni, const Arg& ghi, const Arg& dhi,
         const Arg& e0, const Arg& am, const Arg& alb, const std::string& model) {
        return poa_dict(ep::get_total_irradiance(b(t), b(a), b(z), b(sa), b(dni), b(ghi), b(dhi), b(e0), b(am), b(alb),
                                                 ep::transposition_model_from_string(model)));
      },
      py::arg("surface_tilt_deg"), py::arg("surface_azimuth_deg"), py::arg("solar_zenith_deg"),
      py::arg("solar_azimuth_deg"), py::arg("dni_w_m2"), py::arg("ghi_w_m2"), py::arg("dhi_w_m2"),
      py::arg("dni_extra_w_m2") = NAN, py::arg("airmass") = NAN, py::arg("albedo") = 0.25,
      py::arg("model") = "isotropic", "Plane-of-array irradiance (pvlib.irradiance.get_total_irradiance).");
  m.def("clean_irradiance", &ep::clean_irradiance, py::arg("values_w_m2"), py::arg("name"),
        py::arg("max_negative_w_m2") = 10.0,
        "Small negative values (sensor offsets) -> 0; NaN or large negatives raise InputError.");

  // --- PV -----------------------------------------------------------------------------------
  m.def("iam_ashrae", &ep::iam_ashrae, py::arg("aoi_deg"), py::arg("b") = 0.05);
  m.def("iam_physical", &ep::iam_physical, py::arg("aoi_deg"), py::arg("n") = 1.526, py::arg("k_per_m") = 4.0,
        py::arg("l_m") = 0.002, py::arg("n_ar") = NAN);
  py::class_<ep::SapmTemperatureParameters>(m, "SapmTemperatureParameters")
      .def(py::init<>())
      .def_readwrite("a", &ep::SapmTemperatureParameters::a)
      .def_readwrite("b", &ep::SapmTemperatureParameters::b)
      .def_readwrite("delta_t_c", &ep::SapmTemperatureParameters::delta_t_c);
  m.def("sapm_temperature_parameters", &ep::sapm_temperature_parameters, py::arg("name"));
  m.def(
      "sapm_cell",
      [](const Arg& e, const Arg& ta, const Arg& ws, double a, double bb, double dt, double ref) {
        return ep::sapm_cell(b(e), b(ta), b(ws), a, bb, dt, ref);
      },
      py::arg("poa_global_w_m2"), py::arg("temp_air_c"), py::arg("wind_speed_m_s"), py::arg("a"), py::arg("b"),
      py::arg("delta_t_c"), py::arg("irrad_ref_w_m2") = 1000.0);
  m.def(
      "faiman",
      [](const Arg& e, const Arg& ta, const Arg& ws, double u0, double u1) {
        return ep::faiman(b(e), b(ta), b(ws), u0, u1);
      },
      py::arg("poa_global_w_m2"), py::arg("temp_air_c"), py::arg("wind_speed_m_s") = 1.0, py::arg("u0") = 25.0,
      py::arg("u1") = 6.84);
  m.def(
      "pvwatts_dc",
      [](const Arg& e, const Arg& tc, double pdc0, double g, double tref) {
        return ep::pvwatts_dc(b(e), b(tc), pdc0, g, tref);
      },
      py::arg("effective_irradiance_w_m2"), py::arg("temp_cell_c"), py::arg("pdc0"), py::arg("gamma_pdc_per_c"),
      py::arg("temp_ref_c") = 25.0);
  m.def(
      "inverter_pvwatts",
      [](const Arg& pdc, double pdc0, double nom, double ref) { return ep::inverter_pvwatts(b(pdc), pdc0, nom, ref); },
      py::arg("pdc"), py::arg("pdc0"), py::arg("eta_inv_nom") = 0.96, py::arg("eta_inv_ref") = 0.9637);
  py::class_<ep::PvWattsLosses>(m, "PvWattsLosses", "PVWatts loss percentages (pvlib defaults).")
      .def(py::init<>())
      .def_readwrite("soiling_pct", &ep::PvWattsLosses::soiling_pct)
      .def_readwrite("shading_pct", &ep::PvWattsLosses::shading_pct)
      .def_readwrite("snow_pct", &ep::PvWattsLosses::snow_pct)
      .def_readwrite("mismatch_pct", &ep::PvWattsLosses::mismatch_pct)
      .def_readwrite("wiring_pct", &ep::PvWattsLosses::wiring_pct)
      .def_readwrite("connections_pct", &ep::PvWattsLosses::connections_pct)
      .def_readwrite("lid_pct", &ep::PvWattsLosses::lid_pct)
      .def_readwrite("nameplate_rating_pct", &ep::PvWattsLosses::nameplate_rating_pct)
      .def_readwrite("age_pct", &ep::PvWattsLosses::age_pct)
      .def_readwrite("availability_pct", &ep::PvWattsLosses::availability_pct)
      .def("validate", &ep::PvWattsLosses::validate);
  m.def("pvwatts_losses", &ep::pvwatts_losses, py::arg("losses") = ep::PvWattsLosses{},
        "Total PVWatts loss in percent.");
  m.def("degradation_factor", &ep::degradation_factor, py::arg("age_years"), py::arg("rate_per_year"));
  m.def(
      "singleaxis",
      [](const Vec& z, const Vec& az, double at, double aa, double mx, bool bt, double gcr, double cat, double stow) {
        auto r = ep::singleaxis(z, az, at, aa, mx, bt, gcr, cat, stow);
        py::dict d;
        d["tracker_theta_deg"] = std::move(r.tracker_theta_deg);
        d["aoi_deg"] = std::move(r.aoi_deg);
        d["surface_tilt_deg"] = std::move(r.surface_tilt_deg);
        d["surface_azimuth_deg"] = std::move(r.surface_azimuth_deg);
        return d;
      },
      py::arg("apparent_zenith_deg"), py::arg("solar_azimuth_deg"), py::arg("axis_tilt_deg") = 0.0,
      py::arg("axis_azimuth_deg") = 0.0, py::arg("max_angle_deg") = 90.0, py::arg("backtrack") = true,
      py::arg("gcr") = 2.0 / 7.0, py::arg("cross_axis_tilt_deg") = 0.0, py::arg("stow_angle_deg") = 0.0);

  py::enum_<ep::TranspositionModel>(m, "TranspositionModel")
      .value("isotropic", ep::TranspositionModel::isotropic)
      .value("haydavies", ep::TranspositionModel::haydavies)
      .value("perez", ep::TranspositionModel::perez);
  py::enum_<ep::PvMount>(m, "PvMount")
      .value("fixed", ep::PvMount::fixed)
      .value("single_axis", ep::PvMount::single_axis);
  py::enum_<ep::IamModel>(m, "IamModel")
      .value("none", ep::IamModel::none)
      .value("ashrae", ep::IamModel::ashrae)
      .value("physical", ep::IamModel::physical);
  py::enum_<ep::CellTemperatureModel>(m, "CellTemperatureModel")
      .value("sapm", ep::CellTemperatureModel::sapm)
      .value("faiman", ep::CellTemperatureModel::faiman);
  py::class_<ep::PvPlant>(m, "PvPlant", "A PV plant for simulate_pv (fields as in C++, power in kW).")
      .def(py::init<>())
      .def_readwrite("latitude_deg", &ep::PvPlant::latitude_deg)
      .def_readwrite("longitude_deg", &ep::PvPlant::longitude_deg)
      .def_readwrite("altitude_m", &ep::PvPlant::altitude_m)
      .def_readwrite("dc_capacity_kw", &ep::PvPlant::dc_capacity_kw)
      .def_readwrite("gamma_pdc_per_c", &ep::PvPlant::gamma_pdc_per_c)
      .def_readwrite("temp_ref_c", &ep::PvPlant::temp_ref_c)
      .def_readwrite("inverter_pdc0_kw", &ep::PvPlant::inverter_pdc0_kw)
      .def_readwrite("eta_inv_nom", &ep::PvPlant::eta_inv_nom)
      .def_readwrite("eta_inv_ref", &ep::PvPlant::eta_inv_ref)
      .def_readwrite("mount", &ep::PvPlant::mount)
      .def_readwrite("surface_tilt_deg", &ep::PvPlant::surface_tilt_deg)
      .def_readwrite("surface_azimuth_deg", &ep::PvPlant::surface_azimuth_deg)
      .def_readwrite("axis_tilt_deg", &ep::PvPlant::axis_tilt_deg)
      .def_readwrite("axis_azimuth_deg", &ep::PvPlant::axis_azimuth_deg)
      .def_readwrite("max_angle_deg", &ep::PvPlant::max_angle_deg)
      .def_readwrite("backtrack", &ep::PvPlant::backtrack)
      .def_readwrite("gcr", &ep::PvPlant::gcr)
      .def_readwrite("cross_axis_tilt_deg", &ep::PvPlant::cross_axis_tilt_deg)
      .def_readwrite("albedo", &ep::PvPlant::albedo)
      .def_readwrite("transposition", &ep::PvPlant::transposition)
      .def_readwrite("iam", &ep::PvPlant::iam)
      .def_readwrite("iam_ashrae_b", &ep::PvPlant::iam_ashrae_b)
      .def_readwrite("iam_n", &ep::PvPlant::iam_n)
      .def_readwrite("iam_k_per_m", &ep::PvPlant::iam_k_per_m)
      .def_readwrite("iam_l_m", &ep::PvPlant::iam_l_m)
      .def_readwrite("temperature_model", &ep::PvPlant::temperature_model)
      .def_readwrite("sapm", &ep::PvPlant::sapm)
      .def_readwrite("faiman_u0", &ep::PvPlant::faiman_u0)
      .def_readwrite("faiman_u1", &ep::PvPlant::faiman_u1)
      .def_readwrite("losses", &ep::PvPlant::losses)
      .def_readwrite("degradation_rate_per_year", &ep::PvPlant::degradation_rate_per_year)
      .def_readwrite("age_years", &ep::PvPlant::age_years)
      .def_readwrite("delta_t_s", &ep::PvPlant::delta_t_s)
      .def("validate", &ep::PvPlant::validate);
  m.def(
      "simulate_pv",
      [](const ep::PvPlant& plant, Vec t, Vec ghi, Vec dni, Vec dhi, Vec ta, Vec ws, std::optional<Vec> p,
         int offset) {
        // PvWeather owns its columns: the one conversion from numpy is moved in, not copied again.
        ep::PvWeather w{std::move(t), std::move(ghi), std::move(dni), std::move(dhi), std::move(ta), std::move(ws),
                        p ? std::move(*p) : Vec(), offset};
        auto r = ep::simulate_pv(plant, w);
        py::dict d = solar_dict(std::move(r.solar_position));
        d["dni_extra_w_m2"] = std::move(r.dni_extra_w_m2);
        d["airmass_relative"] = std::move(r.airmass_relative);
        d["surface_tilt_deg"] = std::move(r.surface_tilt_deg);
        d["surface_azimuth_deg"] = std::move(r.surface_azimuth_deg);
        if (r.tracker_theta_deg.size() != 0) d["tracker_theta_deg"] = std::move(r.tracker_theta_deg);
        d["aoi_deg"] = std::move(r.aoi_deg);
        for (auto item : poa_dict(std::move(r.poa))) d[item.first] = item.second;
        d["iam"] = std::move(r.iam);
        d["effective_irradiance_w_m2"] = std::move(r.effective_irradiance_w_m2);
        d["temp_cell_c"] = std::move(r.temp_cell_c);
        d["dc_kw"] = std::move(r.dc_kw);
        d["ac_kw"] = std::move(r.ac_kw);
        return d;
      },
      py::arg("plant"), py::arg("time_unix_s"), py::arg("ghi_w_m2"), py::arg("dni_w_m2"), py::arg("dhi_w_m2"),
      py::arg("temp_air_c"), py::arg("wind_speed_m_s"), py::arg("pressure_pa") = py::none(),
      py::arg("utc_offset_minutes") = 0,
      "Weather -> AC power of a PvPlant (pvlib ModelChain with PVWatts models); dict of every intermediate.");

  // --- wind ---------------------------------------------------------------------------------
  m.def(
      "wind_speed_logarithmic_profile",
      [](const Arg& ws, double h, double hub, const Arg& z0, double obst) {
        return ep::wind_speed_logarithmic_profile(b(ws), h, hub, b(z0), obst);
      },
      py::arg("wind_speed_m_s"), py::arg("wind_speed_height_m"), py::arg("hub_height_m"), py::arg("roughness_length_m"),
      py::arg("obstacle_height_m") = 0.0);
  m.def(
      "wind_speed_hellman",
      [](const Arg& ws, double h, double hub, const Arg& a) { return ep::wind_speed_hellman(b(ws), h, hub, b(a)); },
      py::arg("wind_speed_m_s"), py::arg("wind_speed_height_m"), py::arg("hub_height_m"),
      py::arg("hellman_exponent") = 1.0 / 7.0);
  m.def(
      "hellman_exponent_from_roughness",
      [](double hub, const Arg& z0) { return ep::hellman_exponent_from_roughness(hub, b(z0)); },
      py::arg("hub_height_m"), py::arg("roughness_length_m"));
  m.def(
      "temperature_linear_gradient",
      [](const Arg& t, double h, double hub) { return ep::temperature_linear_gradient(b(t), h, hub); },
      py::arg("temperature_k"), py::arg("temperature_height_m"), py::arg("hub_height_m"));
  m.def(
      "density_barometric",
      [](const Arg& p, double hp, double hub, const Arg& t) { return ep::density_barometric(b(p), hp, hub, b(t)); },
      py::arg("pressure_pa"), py::arg("pressure_height_m"), py::arg("hub_height_m"),
      py::arg("temperature_hub_height_k"));
  m.def(
      "density_ideal_gas",
      [](const Arg& p, double hp, double hub, const Arg& t) { return ep::density_ideal_gas(b(p), hp, hub, b(t)); },
      py::arg("pressure_pa"), py::arg("pressure_height_m"), py::arg("hub_height_m"),
      py::arg("temperature_hub_height_k"));
  py::class_<ep::PowerCurve>(m, "PowerCurve", "Power (W) at strictly increasing wind speeds (m/s).")
      .def(py::init([](Vec ws, Vec p) {
             return ep::PowerCurve{std::move(ws), std::move(p)};
           }),
           py::arg("wind_speed_m_s"), py::arg("power_w"))
      .def_readwrite("wind_speed_m_s", &ep::PowerCurve::wind_speed_m_s)
      .def_readwrite("power_w", &ep::PowerCurve::power_w);
  m.def(
      "power_curve_power_w", [](const Arg& ws, const ep::PowerCurve& c) { return ep::power_curve_power_w(b(ws), c); },
      py::arg("wind_speed_m_s"), py::arg("curve"));
  m.def(
      "power_curve_density_correction",
      [](const Arg& ws, const ep::PowerCurve& c, const Arg& rho) {
        return ep::power_curve_density_correction(b(ws), c, b(rho));
      },
      py::arg("wind_speed_m_s"), py::arg("curve"), py::arg("density_kg_m3"));
  py::class_<ep::WindTurbine>(m, "WindTurbine")
      .def(py::init([](std::string type, double hub, double pn, double d, ep::PowerCurve c) {
             return ep::WindTurbine{std::move(type), hub, pn, d, std::move(c)};
           }),
           py::arg("turbine_type"), py::arg("hub_height_m"), py::arg("nominal_power_w"), py::arg("rotor_diameter_m"),
           py::arg("power_curve"))
      .def_readwrite("turbine_type", &ep::WindTurbine::turbine_type)
      .def_readwrite("hub_height_m", &ep::WindTurbine::hub_height_m)
      .def_readwrite("nominal_power_w", &ep::WindTurbine::nominal_power_w)
      .def_readwrite("rotor_diameter_m", &ep::WindTurbine::rotor_diameter_m)
      .def_readwrite("power_curve", &ep::WindTurbine::power_curve);
  m.def("read_oedb_turbine", &ep::read_oedb_turbine, py::arg("power_curves_csv"), py::arg("turbine_type"),
        py::arg("hub_height_m"), py::arg("turbine_data_csv") = "");
  py::class_<ep::WindEfficiencyCurve>(m, "WindEfficiencyCurve")
      .def(py::init([](Vec ws, Vec e) {
             return ep::WindEfficiencyCurve{std::move(ws), std::move(e)};
           }),
           py::arg("wind_speed_m_s"), py::arg("efficiency"))
      .def_readwrite("wind_speed_m_s", &ep::WindEfficiencyCurve::wind_speed_m_s)
      .def_readwrite("efficiency", &ep::WindEfficiencyCurve::efficiency);
  m.def("read_wind_efficiency_curve", &ep::read_wind_efficiency_curve, py::arg("csv_path"), py::arg("curve_name"));
  py::class_<ep::WindFarm>(m, "WindFarm", "Turbine types with counts, wake and availability factors.")
      .def(py::init([](const std::vector<std::pair<ep::WindTurbine, double>>& fleet, double eff,
                       std::optional<ep::WindEfficiencyCurve> curve, double avail) {
             ep::WindFarm f;
             for (const auto& [t, n] : fleet) f.fleet.push_back({t, n});
             f.efficiency = eff;
             if (curve) f.wind_efficiency_curve = *curve;
             f.availability = avail;
             f.validate();
             return f;
           }),
           py::arg("fleet"), py::arg("efficiency") = 1.0, py::arg("wind_efficiency_curve") = py::none(),
           py::arg("availability") = 1.0)
      .def_readwrite("efficiency", &ep::WindFarm::efficiency)
      .def_readwrite("availability", &ep::WindFarm::availability)
      .def_property_readonly("nominal_power_w", &ep::WindFarm::nominal_power_w)
      .def_property_readonly("mean_hub_height_m",
                             [](const ep::WindFarm& f) { return ep::wind_farm_mean_hub_height_m(f); })
      .def("power_curve", [](const ep::WindFarm& f) { return ep::wind_farm_power_curve(f); });
  const char* weather_doc =
      "wind_speed_m_s / temperature_k / pressure_pa: {height_m: array}; as windpowerlib's ModelChain.";
  m.def(
      "wind_turbine_power_w",
      [](const ep::WindTurbine& t, const std::map<double, Vec>& ws, const std::map<double, Vec>& tk,
         const std::map<double, Vec>& p, const Arg& z0, const std::string& wsm, const std::string& dm, bool dc,
         double obst, std::optional<double> he) {
        return ep::wind_turbine_power_w(t, wind_weather(ws, tk, p, z0), wind_options(wsm, dm, dc, obst, he));
      },
      py::arg("turbine"), py::arg("wind_speed_m_s"), py::arg("temperature_k") = std::map<double, Vec>{},
      py::arg("pressure_pa") = std::map<double, Vec>{}, py::arg("roughness_length_m") = 0.15,
      py::arg("wind_speed_model") = "logarithmic", py::arg("density_model") = "barometric",
      py::arg("density_correction") = false, py::arg("obstacle_height_m") = 0.0,
      py::arg("hellman_exponent") = py::none(), weather_doc);
  m.def(
      "wind_farm_power_w",
      [](const ep::WindFarm& f, const std::map<double, Vec>& ws, const std::map<double, Vec>& tk,
         const std::map<double, Vec>& p, const Arg& z0, const std::string& wsm, const std::string& dm, bool dc,
         double obst, std::optional<double> he) {
        return ep::wind_farm_power_w(f, wind_weather(ws, tk, p, z0), wind_options(wsm, dm, dc, obst, he));
      },
      py::arg("farm"), py::arg("wind_speed_m_s"), py::arg("temperature_k") = std::map<double, Vec>{},
      py::arg("pressure_pa") = std::map<double, Vec>{}, py::arg("roughness_length_m") = 0.15,
      py::arg("wind_speed_model") = "logarithmic", py::arg("density_model") = "barometric",
      py::arg("density_correction") = false, py::arg("obstacle_height_m") = 0.0,
      py::arg("hellman_exponent") = py::none(), weather_doc);
}

}  // namespace ehub::python
