// PV and wind forecasts: physics on forecast weather plus a fitted correction.
#include "ehub/forecast/physical.hpp"

#include <algorithm>
#include <cmath>

#include "detail.hpp"
#include "ehub/core/error.hpp"
#include "ehub/physics/irradiance.hpp"
#include "ehub/physics/solar_position.hpp"

namespace ehub::forecast {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Eigen::VectorXd column_or(const ModelInput& in, const std::string& name, std::int64_t first, std::int64_t count,
                          double fallback) {
  Eigen::VectorXd v(count);
  if (name.empty()) {
    v.setConstant(fallback);
    return v;
  }
  const Eigen::VectorXd& c = in.exogenous.column(name);
  for (std::int64_t j = 0; j < count; ++j) v[j] = ModelInput::at(c, first + j);
  return v;
}

// Rows where every input is finite: returns the mask and fills NaN inputs with harmless values.
std::vector<std::uint8_t> finite_mask(std::initializer_list<Eigen::VectorXd*> cols, std::int64_t count) {
  std::vector<std::uint8_t> ok(static_cast<std::size_t>(count), 1);
  for (Eigen::VectorXd* c : cols)
    for (std::int64_t j = 0; j < count; ++j)
      if (!std::isfinite((*c)[j])) {
        ok[static_cast<std::size_t>(j)] = 0;
        (*c)[j] = 0.0;
      }
  return ok;
}

void fit_correction(PhysicalCorrection& corr, const Eigen::VectorXd& P, const ModelInput& in, std::int64_t first) {
  Eigen::VectorXd y(P.size());
  for (std::int64_t j = 0; j < P.size(); ++j) {
    const std::int64_t i = first + j;
    y[j] = in.observed[static_cast<std::size_t>(i)] ? in.target[i] : kNaN;
  }
  corr.fit(P, y);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void PhysicalCorrection::validate() const {
  if (knots < 2 || knots > 101) throw InputError("", "correction/knots", "must lie in 2..101");
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw InputError("", "correction/lambda", "must be a finite number >= 0");
  if (!(reference > 0)) throw InputError("", "correction/reference", "must be > 0");
}

void PhysicalCorrection::fit(const Eigen::VectorXd& physical, const Eigen::VectorXd& measured) {
  validate();
  scale = 1.0;
  coef = Eigen::VectorXd::Zero(knots);
  if (!enabled) return;
  std::vector<Eigen::Index> rows;
  double sxy = 0.0, sxx = 0.0;
  for (Eigen::Index j = 0; j < physical.size(); ++j) {
    if (!std::isfinite(physical[j]) || !std::isfinite(measured[j])) continue;
    rows.push_back(j);
    sxy += physical[j] * measured[j];
    sxx += physical[j] * physical[j];
  }
  if (rows.empty() || !(sxx > 0))
    throw InputError("", "target", "the physical model's output is zero over the whole fit history: no correction can be fitted");
  scale = sxy / sxx;
  Eigen::MatrixXd H = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rows.size()), knots);
  Eigen::VectorXd r(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t a = 0; a < rows.size(); ++a) {
    const Eigen::Index j = rows[a];
    const double u = std::clamp(physical[j] / reference, 0.0, 1.0) * (knots - 1);
    const auto k = std::min<Eigen::Index>(static_cast<Eigen::Index>(std::floor(u)), knots - 2);
    const double f = u - static_cast<double>(k);
    H(static_cast<Eigen::Index>(a), k) = 1.0 - f;
    H(static_cast<Eigen::Index>(a), k + 1) = f;
    r[static_cast<Eigen::Index>(a)] = measured[j] - scale * physical[j];
  }
  coef = ridge_fit(H, r, lambda, false, false).coef;
}

double PhysicalCorrection::apply(double physical) const noexcept {
  if (!enabled || coef.size() != knots) return scale * physical;
  const double u = std::clamp(physical / reference, 0.0, 1.0) * (knots - 1);
  const auto k = std::min<Eigen::Index>(static_cast<Eigen::Index>(std::floor(u)), knots - 2);
  const double f = u - static_cast<double>(k);
  return scale * physical + (1.0 - f) * coef[k] + f * coef[k + 1];
}

namespace {

void read_correction(detail::JsonReader& r, PhysicalCorrection& c) {
  r.get("correction", c.enabled);
  r.get("knots", c.knots);
  r.get("lambda", c.lambda);
}

physics::PvPlant read_plant(const nlohmann::json& j) {
  physics::PvPlant p;
  detail::JsonReader r(j, "pv_physics/plant");
  r.get("latitude_deg", p.latitude_deg);
  r.get("longitude_deg", p.longitude_deg);
  r.get("altitude_m", p.altitude_m);
  r.get("dc_capacity_kw", p.dc_capacity_kw);
  r.get("gamma_pdc_per_c", p.gamma_pdc_per_c);
  r.get("inverter_pdc0_kw", p.inverter_pdc0_kw);
  r.get("eta_inv_nom", p.eta_inv_nom);
  r.get("surface_tilt_deg", p.surface_tilt_deg);
  r.get("surface_azimuth_deg", p.surface_azimuth_deg);
  r.get("axis_tilt_deg", p.axis_tilt_deg);
  r.get("axis_azimuth_deg", p.axis_azimuth_deg);
  r.get("max_angle_deg", p.max_angle_deg);
  r.get("backtrack", p.backtrack);
  r.get("gcr", p.gcr);
  r.get("albedo", p.albedo);
  r.get("degradation_rate_per_year", p.degradation_rate_per_year);
  r.get("age_years", p.age_years);
  std::string mount = "fixed", transposition = "perez";
  r.get("mount", mount);
  r.get("transposition", transposition);
  if (mount == "fixed") p.mount = physics::PvMount::fixed;
  else if (mount == "single_axis") p.mount = physics::PvMount::single_axis;
  else throw InputError("", "pv_physics/plant/mount", "must be \"fixed\" or \"single_axis\", got \"" + mount + "\"");
  p.transposition = physics::transposition_model_from_string(transposition);
  if (r.has("losses_pct")) {
    // One total loss in percent instead of PVWatts' itemised losses.
    double total = 0.0;
    r.get("losses_pct", total);
    p.losses = {};
    p.losses.soiling_pct = total;
    p.losses.shading_pct = p.losses.snow_pct = p.losses.mismatch_pct = p.losses.wiring_pct = 0.0;
    p.losses.connections_pct = p.losses.lid_pct = p.losses.nameplate_rating_pct = p.losses.age_pct = 0.0;
    p.losses.availability_pct = 0.0;
  }
  r.finish();
  p.validate();
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PV

void PvForecastOptions::validate() const {
  plant.validate();
  correction.validate();
}

PvForecastOptions PvForecastOptions::from_json(const nlohmann::json& j) {
  PvForecastOptions o;
  detail::JsonReader r(j, "pv_physics");
  if (!r.has("plant")) throw InputError("", "pv_physics/plant", "the PV plant description is required");
  o.plant = read_plant(r.at("plant"));
  read_correction(r, o.correction);
  r.get("ghi_column", o.ghi_column);
  r.get("dni_column", o.dni_column);
  r.get("dhi_column", o.dhi_column);
  r.get("temperature_column", o.temperature_column);
  r.get("wind_speed_column", o.wind_speed_column);
  r.finish();
  o.validate();
  return o;
}

PvForecaster::PvForecaster(PvForecastOptions options) : options_(std::move(options)) {
  options_.correction.reference = options_.plant.eta_inv_nom * options_.plant.inverter_pdc0_kw;
  options_.validate();
}

void PvForecaster::resolve(const Exogenous& ex) {
  ghi_ = find_ghi_column(ex, options_.ghi_column);
  if (ghi_.empty()) throw InputError("", "exogenous", "pv_physics needs a GHI column (ghi_w_m2, ghi, \"GHI (W/m^2)\")");
  dni_ = find_column(ex, options_.dni_column, {"dni_w_m2", "dni", "DNI (W/m^2)"});
  dhi_ = find_column(ex, options_.dhi_column, {"dhi_w_m2", "dhi", "DHI (W/m^2)"});
  if (dni_.empty() != dhi_.empty()) dni_.clear(), dhi_.clear();  // both or neither: else Erbs from GHI
  temp_ = find_temperature_column(ex, options_.temperature_column);
  wind_ = find_column(ex, options_.wind_speed_column,
                      {"wind_speed_m_s", "wind_speed_m_per_s", "wind_speed", "Wspd (m/s)"});
}

Requirements PvForecaster::requirements() const {
  Requirements r;
  r.min_history_s = 86400;
  for (const std::string* c : {&ghi_, &dni_, &dhi_, &temp_, &wind_})
    if (!c->empty()) r.exogenous.push_back(*c);
  r.lower_bound = 0.0;
  return r;
}

Eigen::VectorXd PvForecaster::physical_kw(const ModelInput& in, std::int64_t first, std::int64_t count) const {
  physics::PvWeather w;
  const TimeGrid g(in.grid.time_unix_s(first), in.grid.step_minutes(), count);
  w.time_unix_s = physics::grid_times_unix_s(g, 0.5);
  w.ghi_w_m2 = column_or(in, ghi_, first, count, kNaN);
  w.temp_air_c = column_or(in, temp_, first, count, 20.0);
  w.wind_speed_m_s = column_or(in, wind_, first, count, 1.0);
  if (!dni_.empty()) {
    w.dni_w_m2 = column_or(in, dni_, first, count, kNaN);
    w.dhi_w_m2 = column_or(in, dhi_, first, count, kNaN);
  } else {
    w.dni_w_m2 = w.ghi_w_m2;
    w.dhi_w_m2 = w.ghi_w_m2;
  }
  const auto ok = finite_mask({&w.ghi_w_m2, &w.dni_w_m2, &w.dhi_w_m2, &w.temp_air_c, &w.wind_speed_m_s}, count);
  if (dni_.empty()) {
    const physics::SolarPosition sp = physics::spa_python(w.time_unix_s, options_.plant.latitude_deg,
                                                          options_.plant.longitude_deg, options_.plant.altitude_m);
    const physics::Decomposition d = physics::erbs(w.ghi_w_m2, sp.zenith_deg, physics::day_of_year(w.time_unix_s, 0));
    w.dni_w_m2 = d.dni_w_m2;
    w.dhi_w_m2 = d.dhi_w_m2;
  }
  const physics::PvResult r = physics::simulate_pv(options_.plant, w);
  Eigen::VectorXd out = r.ac_kw;
  for (std::int64_t j = 0; j < count; ++j)
    if (!ok[static_cast<std::size_t>(j)]) out[j] = kNaN;
  return out;
}

void PvForecaster::fit(const ModelInput& in, const ForecastOptions&) {
  resolve(in.exogenous);
  const std::int64_t n = std::min(in.grid.size(), in.exogenous.grid().size());
  if (n <= 0) throw InputError("", "exogenous", "pv_physics: the weather does not cover the fit history");
  const Eigen::VectorXd P = physical_kw(in, 0, n);
  fit_correction(options_.correction, P, in, 0);
}

Eigen::VectorXd PvForecaster::predict(const ModelInput& known, std::int64_t, const TimeGrid& window) const {
  const std::int64_t i0 = known.index_of(window.start_unix_s());
  const Eigen::VectorXd P = physical_kw(known, i0, window.size());
  Eigen::VectorXd out(window.size());
  for (std::int64_t j = 0; j < window.size(); ++j) out[j] = std::max(0.0, options_.correction.apply(P[j]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Wind

void WindForecastOptions::validate() const {
  farm.validate();
  if (!(wind_speed_height_m > 0)) throw InputError("", "wind_physics/wind_speed_height_m", "must be > 0");
  if (!(roughness_length_m > 0)) throw InputError("", "wind_physics/roughness_length_m", "must be > 0");
  correction.validate();
}

WindForecastOptions WindForecastOptions::from_json(const nlohmann::json& j) {
  WindForecastOptions o;
  detail::JsonReader r(j, "wind_physics");
  if (!r.has("turbines") || !r.at("turbines").is_array() || r.at("turbines").empty())
    throw InputError("", "wind_physics/turbines", "a non-empty list of turbines is required");
  const nlohmann::json& ts = r.at("turbines");
  for (std::size_t k = 0; k < ts.size(); ++k) {
    const std::string pre = "wind_physics/turbines/" + std::to_string(k);
    detail::JsonReader t(ts[k], pre);
    physics::WindFarm::Member m;
    double hub = 0.0;
    t.get("hub_height_m", hub);
    t.get("number", m.number_of_turbines);
    if (t.has("power_curves_csv")) {
      std::string curves, type, data;
      t.get("power_curves_csv", curves);
      t.get("turbine_type", type);
      t.get("turbine_data_csv", data);
      m.turbine = physics::read_oedb_turbine(curves, type, hub, data);
    } else if (t.has("power_curve")) {
      const nlohmann::json& pc = t.at("power_curve");
      if (!pc.is_array() || pc.size() < 2) throw InputError("", pre + "/power_curve", "needs >= 2 [m/s, kW] points");
      m.turbine.power_curve.wind_speed_m_s.resize(static_cast<Eigen::Index>(pc.size()));
      m.turbine.power_curve.power_w.resize(static_cast<Eigen::Index>(pc.size()));
      for (std::size_t a = 0; a < pc.size(); ++a) {
        if (!pc[a].is_array() || pc[a].size() != 2 || !pc[a][0].is_number() || !pc[a][1].is_number())
          throw InputError("", pre + "/power_curve/" + std::to_string(a), "must be [m/s, kW]");
        m.turbine.power_curve.wind_speed_m_s[static_cast<Eigen::Index>(a)] = pc[a][0].get<double>();
        m.turbine.power_curve.power_w[static_cast<Eigen::Index>(a)] = 1000.0 * pc[a][1].get<double>();
      }
      double nominal_kw = m.turbine.power_curve.power_w.maxCoeff() / 1000.0;
      t.get("nominal_power_kw", nominal_kw);
      m.turbine.nominal_power_w = 1000.0 * nominal_kw;
      m.turbine.hub_height_m = hub;
      t.get("turbine_type", m.turbine.turbine_type);
    } else {
      throw InputError("", pre, "give either power_curves_csv + turbine_type or power_curve");
    }
    t.finish();
    m.turbine.validate();
    o.farm.fleet.push_back(std::move(m));
  }
  r.get("efficiency", o.farm.efficiency);
  r.get("availability", o.farm.availability);
  r.get("wind_speed_height_m", o.wind_speed_height_m);
  r.get("roughness_length_m", o.roughness_length_m);
  r.get("wind_speed_column", o.wind_speed_column);
  r.get("temperature_column", o.temperature_column);
  r.get("pressure_column", o.pressure_column);
  read_correction(r, o.correction);
  r.finish();
  o.validate();
  return o;
}

WindForecaster::WindForecaster(WindForecastOptions options) : options_(std::move(options)) {
  options_.validate();
  options_.correction.reference = options_.farm.nominal_power_w() / 1000.0;
}

void WindForecaster::resolve(const Exogenous& ex) {
  wind_ = find_column(ex, options_.wind_speed_column,
                      {"wind_speed_m_s", "wind_speed_m_per_s", "wind_speed", "Wspd (m/s)"});
  if (wind_.empty()) throw InputError("", "exogenous", "wind_physics needs a wind speed column (wind_speed_m_s, ...)");
  temp_ = find_temperature_column(ex, options_.temperature_column);
  pres_ = find_column(ex, options_.pressure_column, {"pressure_pa"});
}

Requirements WindForecaster::requirements() const {
  Requirements r;
  r.min_history_s = 86400;
  for (const std::string* c : {&wind_, &temp_, &pres_})
    if (!c->empty()) r.exogenous.push_back(*c);
  r.lower_bound = 0.0;
  return r;
}

Eigen::VectorXd WindForecaster::physical_kw(const ModelInput& in, std::int64_t first, std::int64_t count) const {
  Eigen::VectorXd v = column_or(in, wind_, first, count, kNaN);
  Eigen::VectorXd T = column_or(in, temp_, first, count, 15.0);
  Eigen::VectorXd p = column_or(in, pres_, first, count, 101325.0);
  const auto ok = finite_mask({&v, &T, &p}, count);
  physics::WindWeather w;
  w.wind_speed_m_s.push_back({options_.wind_speed_height_m, v});
  w.temperature_k.push_back({2.0, (T.array() + 273.15).matrix()});
  w.pressure_pa.push_back({0.0, p});
  w.roughness_length_m = Eigen::VectorXd::Constant(1, options_.roughness_length_m);
  Eigen::VectorXd out = physics::wind_farm_power_w(options_.farm, w, options_.chain) / 1000.0;
  for (std::int64_t j = 0; j < count; ++j)
    if (!ok[static_cast<std::size_t>(j)]) out[j] = kNaN;
  return out;
}

void WindForecaster::fit(const ModelInput& in, const ForecastOptions&) {
  resolve(in.exogenous);
  const std::int64_t n = std::min(in.grid.size(), in.exogenous.grid().size());
  if (n <= 0) throw InputError("", "exogenous", "wind_physics: the weather does not cover the fit history");
  const Eigen::VectorXd P = physical_kw(in, 0, n);
  fit_correction(options_.correction, P, in, 0);
}

Eigen::VectorXd WindForecaster::predict(const ModelInput& known, std::int64_t, const TimeGrid& window) const {
  const std::int64_t i0 = known.index_of(window.start_unix_s());
  const Eigen::VectorXd P = physical_kw(known, i0, window.size());
  Eigen::VectorXd out(window.size());
  for (std::int64_t j = 0; j < window.size(); ++j) out[j] = std::max(0.0, options_.correction.apply(P[j]));
  return out;
}

}  // namespace ehub::forecast
