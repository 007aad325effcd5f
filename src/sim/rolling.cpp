// The operations loop: series resolved once, a window scenario per decision time (forecasts for
// mpc, actuals for perfect, rule setpoints for rules), the twin executes the first steps, the
// storage and commitment states carry over exactly. Equations and policies: docs/operations.md.
#include "ehub/sim/rolling.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/sim/twin.hpp"

namespace ehub::sim {

std::string_view to_string(Strategy s) noexcept {
  switch (s) {
    case Strategy::perfect: return "perfect";
    case Strategy::mpc: return "mpc";
    case Strategy::rules: return "rules";
  }
  return "?";
}

Strategy strategy_from_string(std::string_view name) {
  if (name == "perfect") return Strategy::perfect;
  if (name == "mpc") return Strategy::mpc;
  if (name == "rules") return Strategy::rules;
  std::string msg = "unknown strategy \"";
  msg += name;
  msg += "\"; known: perfect, mpc, rules";
  throw InputError("", "strategy", msg);
}

void LoopOptions::validate() const {
  if (horizon_hours < 1) throw InputError("", "horizon_hours", "must be >= 1, got " + std::to_string(horizon_hours));
  if (reoptimize_every_hours < 1 || reoptimize_every_hours > horizon_hours)
    throw InputError("", "reoptimize_every_hours",
                     "must be in 1..horizon_hours (" + std::to_string(horizon_hours) + "), got " +
                         std::to_string(reoptimize_every_hours));
  if (days && *days < 1) throw InputError("", "days", "must be >= 1, got " + std::to_string(*days));
  if (refit_every_days < 1) throw InputError("", "refit_every_days", "must be >= 1, got " + std::to_string(refit_every_days));
  if (forecaster != "seasonal_naive_day") {
    bool known = false;
    std::string names = "seasonal_naive_day";
    for (const auto& f : forecast::list_forecasters()) {
      known = known || f.name == forecaster;
      names += ", ";
      names += f.name;
    }
    if (!known) {
      std::string msg = "unknown forecaster \"";
      msg += forecaster;
      msg += "\"; known: ";
      msg += names;
      throw InputError("", "forecaster", msg);
    }
  }
  twin.validate();
  dispatch.validate();
}

namespace {

using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Keys of a device object that are never series.
bool structural_key(const std::string& k) {
  static const char* const kKeys[] = {"name", "type", "bus", "ports", "description", "tariff", "power_curve",
                                      "part_load_curve", "end_condition", "carrier", "curtailable", "heat_dump",
                                      "commitment", "initial_on", "exclusive_charge_discharge"};
  for (const char* s : kKeys)
    if (k == s) return true;
  return false;
}

// One device series resolved to the data grid.
struct SeriesRef {
  std::size_t device = 0;  // index in the scenario's "devices" (and the hub)
  std::string key, device_name;
  bool forecastable = false;  // the device lists `key` in forecast_inputs()
  std::vector<double> values;
};

// A storage the loop carries (the device answered storage()).
struct StorageRef {
  std::string name;
  hub::StorageInfo info;
};

// A committed unit the loop carries (the device answered unit()).
struct UnitRef {
  std::string name;
  hub::UnitInfo info;
  bool heat_output = false;  // a port delivers heat (a CHP: the rules run it heat-led)
};

// A grid with a monthly demand charge: the loop bills it on the executed monthly peak.
struct DemandCharge {
  std::string grid;
  double per_kw_month = 0;
};

// Local calendar month of a time as year * 12 + month - 1.
int month_key(std::int64_t unix_s, int offset) {
  const auto lt = to_local(unix_s, offset);
  return lt.year * 12 + lt.month - 1;
}

// Hours of a local calendar month given by month_key.
double month_hours(int key) { return 24.0 * days_in_month(key / 12, key % 12 + 1); }

// The scenario with every device series pulled out as full-length vectors, and its devices
// loaded once over the whole data grid (the loop asks them for their parameters).
struct Park {
  json skeleton;  // devices without their series keys
  std::string file, base_dir;
  TimeGrid grid;
  int offset = 0;
  hub::Scenario full;  // the whole data grid
  std::vector<SeriesRef> series;
  std::vector<StorageRef> storages;
  std::vector<UnitRef> units;
  std::vector<DemandCharge> demand_charges;
};

class Resolver {
 public:
  Resolver(const json& root, std::string file, std::string base_dir, TimeGrid grid, int offset)
      : root_(root), file_(std::move(file)), base_dir_(std::move(base_dir)), grid_(grid), offset_(offset) {}

  // The values of a series value `v` (at JSON pointer `where`), or nullopt when `v` is no series.
  std::optional<std::vector<double>> resolve(const json& v, const std::string& where, SeriesKind kind, int depth = 0) {
    const auto n = static_cast<std::size_t>(grid_.size());
    if (v.is_string()) {
      const auto name = v.get<std::string>();
      if (depth > 0 || !root_.contains("series") || !root_["series"].contains(name)) return std::nullopt;
      const json& s = root_["series"][name];
      if (s.is_number()) return std::vector<double>(n, s.get<double>());
      return resolve(s, "/series/" + name, kind, depth + 1);
    }
    if (v.is_array()) {
      if (v.size() != n || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number(); }))
        return std::nullopt;
      return v.get<std::vector<double>>();
    }
    if (v.is_object() && v.contains("values")) return resolve(v["values"], where + "/values", kind, depth);
    if (v.is_object() && v.contains("csv")) {
      const io::JsonReader r(v, file_, where);
      const std::string path = (std::filesystem::path(base_dir_) / r.required_string("csv")).string();
      const std::string col = r.required_string("column");
      auto it = cache_.find(path);
      if (it == cache_.end()) {
        io::CsvOptions co;
        co.default_utc_offset_minutes = offset_;
        it = cache_.emplace(path, io::read_timeseries_csv(path, co)).first;
      }
      Series s = it->second.series(col, kind);
      try {
        if (s.grid().step_minutes() != grid_.step_minutes()) s = s.resample(grid_.step_minutes());
        s = s.slice(grid_.start_unix_s(), grid_.end_unix_s());
      } catch (const InputError& e) {
        throw r.error_at("csv", e.detail());
      }
      if (s.grid().start_unix_s() != grid_.start_unix_s() || s.values().size() < grid_.size())
        throw r.error_at("csv", "column \"" + col + "\" does not cover the scenario's time grid");
      const double scale = r.optional_number("scale", 1.0);
      std::vector<double> out(n);
      for (std::size_t t = 0; t < n; ++t) out[t] = s.values()[static_cast<Eigen::Index>(t)] * scale;
      return out;
    }
    return std::nullopt;
  }

 private:
  const json& root_;
  std::string file_, base_dir_;
  TimeGrid grid_;
  int offset_;
  std::map<std::string, io::CsvSeriesTable> cache_;
};

Park make_park(const json& j, const std::string& file, const std::string& base_dir) {
  // Validates the whole scenario once; its devices give the parameters the loop needs.
  Park P;
  P.full = hub::scenario_from_json(j, file, base_dir);
  const hub::Hub& hub = P.full.hub;
  P.file = file;
  P.base_dir = base_dir;
  P.grid = P.full.data_grid;
  P.offset = P.full.utc_offset_minutes;
  P.skeleton = j;
  P.skeleton.erase("series");
  Resolver res(j, file, base_dir, P.grid, P.offset);
  auto& devices = P.skeleton.at("devices");
  for (std::size_t i = 0; i < devices.size(); ++i) {
    json& d = devices[i];
    const std::string name = d.value("name", "");
    const hub::Device& dev = hub.device(*hub.find_device(name));
    const auto uncertain = dev.forecast_inputs();
    std::vector<std::string> keys;
    for (auto it = d.begin(); it != d.end(); ++it) keys.push_back(it.key());
    for (const auto& k : keys) {
      if (structural_key(k)) continue;
      const SeriesKind kind = k == "profile_kw" ? SeriesKind::power : SeriesKind::intensive;
      auto v = res.resolve(d[k], "/devices/" + std::to_string(i) + "/" + k, kind);
      if (!v) continue;
      const bool fc = std::find(uncertain.begin(), uncertain.end(), k) != uncertain.end();
      P.series.push_back({i, k, name, fc, std::move(*v)});
      d[k] = nullptr;
    }
    if (const auto s = dev.storage()) P.storages.push_back({name, *s});
    if (const auto g = dev.grid_connection(); g && g->demand_charge_per_kw_month > 0)
      P.demand_charges.push_back({name, g->demand_charge_per_kw_month});
    if (const auto u = dev.unit()) {
      bool heat = false;
      for (const auto& port : dev.ports())
        heat = heat || (port.carrier == hub::Carrier::heat && port.direction == hub::PortDirection::output);
      P.units.push_back({name, *u, heat});
    }
  }
  return P;
}

// States carried from one decision to the next.
struct Carry {
  std::map<std::string, double> soc;        // fraction of energy_kwh
  std::map<std::string, double> soc_green;  // green part, fraction of energy_kwh
  std::map<std::string, bool> on;
  std::map<std::string, double> hours_in_state;  // hours on (off) up to now; absent: unknown
  std::map<std::string, double> p_kw;            // output of the last executed step
  std::map<std::string, std::map<int, double>> peak_kw;  // grid -> local month -> executed peak import
  std::map<int, double> hours_in_month;                  // executed hours per local month
};

// The scenario JSON of steps [d, d + w) with `vals[k]` (w values each) for series k.
json window_json(const Park& P, std::int64_t d, std::int64_t w, const std::vector<std::vector<double>>& vals) {
  json j = P.skeleton;
  j["time"] = {{"start", format_iso8601(P.grid.time_unix_s(d), P.offset)},
               {"step_minutes", P.grid.step_minutes()},
               {"steps", w},
               {"utc_offset_minutes", P.offset}};
  auto& devices = j["devices"];
  for (std::size_t k = 0; k < P.series.size(); ++k) devices[P.series[k].device][P.series[k].key] = vals[k];
  return j;
}

// Applies the carried states to the devices of a window scenario starting at step d, in memory
// (Device::with_state): SOC and its green part, the end condition (plans return to the scenario's
// initial level at every horizon end unless `free_end`; settlements end free), commitment, hours
// in state and last output of units, and the demand-charge peak so far (plans) or no demand
// charge (settlements: the loop bills the executed monthly peak itself).
void apply_states(hub::Scenario& sc, const Park& P, std::int64_t d, const Carry& c, bool plan, bool free_end) {
  hub::Hub& h = sc.hub;
  for (std::int32_t i = 0; i < h.num_devices(); ++i) {
    const hub::Device& dev = h.device(i);
    const std::string& name = dev.name();
    hub::DeviceState st;
    for (const auto& s : P.storages)
      if (s.name == name) {
        st.soc = c.soc.at(name);
        if (const auto g = c.soc_green.find(name); g != c.soc_green.end())
          st.soc_green = std::min(g->second, c.soc.at(name));
        if (!plan || free_end || s.info.end_condition == hub::EndCondition::free) {
          st.end_condition = hub::EndCondition::free;
        } else if (s.info.end_condition == hub::EndCondition::cyclic) {  // back to the initial level
          st.end_condition = hub::EndCondition::min;
          st.soc_end_min = s.info.soc_initial;
        }
      }
    for (const auto& g : P.demand_charges)
      if (g.grid == name) {
        if (plan) {  // a new peak costs the whole month's charge; the month's peak so far is sunk
          st.demand_charge_prorated = false;
          const auto it = c.peak_kw.find(name);
          const int key = month_key(P.grid.time_unix_s(d), P.offset);
          if (it != c.peak_kw.end() && it->second.count(key)) st.demand_peak_so_far_kw = it->second.at(key);
        } else {
          st.demand_charge_off = true;
        }
      }
    for (const auto& u : P.units)
      if (u.name == name) {
        st.on = c.on.at(name);
        if (const auto hs = c.hours_in_state.find(name); hs != c.hours_in_state.end() && std::isfinite(hs->second))
          st.hours_in_state_h = hs->second;
        if (const auto p = c.p_kw.find(name); p != c.p_kw.end()) st.last_output_kw = p->second;
      }
    if (st.empty()) continue;
    auto next = dev.with_state(st);
    if (!next) {
      std::string msg = "device type \"" + dev.type() +
                        "\" reports a storage, unit or grid state but does not implement with_state(), so the "
                        "operations loop cannot carry its state from one horizon to the next";
      throw InputError(P.file, "/devices/" + name, msg);
    }
    h.replace_device(i, std::move(next));
  }
}

// The window scenario of steps [d, d + w) with the carried states applied.
hub::Scenario window_scenario(const Park& P, std::int64_t d, std::int64_t w, const std::vector<std::vector<double>>& vals,
                              const Carry& c, bool plan, bool free_end) {
  hub::Scenario sc = hub::scenario_from_json(window_json(P, d, w, vals), P.file, P.base_dir);
  apply_states(sc, P, d, c, plan, free_end);
  return sc;
}

std::vector<std::vector<double>> actual_slices(const Park& P, std::int64_t d, std::int64_t w) {
  std::vector<std::vector<double>> out;
  out.reserve(P.series.size());
  for (const auto& s : P.series)
    out.emplace_back(s.values.begin() + static_cast<std::ptrdiff_t>(d), s.values.begin() + static_cast<std::ptrdiff_t>(d + w));
  return out;
}

// Seasonal naive: step d + k gets the value of step d - day + (k mod day), always before d.
std::vector<double> seasonal_naive(const std::vector<double>& actual, std::int64_t d, std::int64_t w, std::int64_t day,
                                   std::int64_t& fallback_steps, std::int64_t executed) {
  std::vector<double> f(static_cast<std::size_t>(w));
  for (std::int64_t k = 0; k < w; ++k) {
    const std::int64_t src = d - day + k % day;
    if (src >= 0) {
      f[static_cast<std::size_t>(k)] = actual[static_cast<std::size_t>(src)];
    } else {  // no history before the scenario start: the first day is taken as known
      f[static_cast<std::size_t>(k)] = actual[static_cast<std::size_t>(d + k)];
      if (k < executed) ++fallback_steps;
    }
  }
  return f;
}

const dispatch::StateSeries* find_state(const dispatch::Result& r, const std::string& dev, const std::string& name) {
  for (const auto& s : r.states)
    if (s.device == dev && s.name == name) return &s;
  return nullptr;
}

// Appends the executed steps of `part` to `into` (the same devices and states in every window).
void append_executed(dispatch::Result& into, const dispatch::Result& part) {
  if (into.flows.empty() && into.states.empty()) {
    const TimeGrid start = part.grid;
    into = part;
    into.grid = start;
    into.prices.clear();
    return;
  }
  auto cat = [](std::vector<double>& a, const std::vector<double>& b) { a.insert(a.end(), b.begin(), b.end()); };
  if (into.flows.size() != part.flows.size() || into.states.size() != part.states.size() ||
      into.green.size() != part.green.size())
    throw Error("ehub.internal", "the twin's executed windows differ in their devices");
  for (std::size_t k = 0; k < part.flows.size(); ++k) cat(into.flows[k].kw, part.flows[k].kw);
  for (std::size_t k = 0; k < part.states.size(); ++k) cat(into.states[k].values, part.states[k].values);
  for (std::size_t k = 0; k < part.green.size(); ++k) cat(into.green[k].values, part.green[k].values);
  cat(into.consumption_kw, part.consumption_kw);
  cat(into.green_matched_kw, part.green_matched_kw);
  into.grid = TimeGrid(into.grid.start_unix_s(), into.grid.step_minutes(), into.grid.size() + part.grid.size());
  into.status = part.status;
  into.diagnosis.insert(into.diagnosis.end(), part.diagnosis.begin(), part.diagnosis.end());
}

// Steps [s0, s0 + l) of every pin.
Pins slice_pins(const Pins& pins, std::int64_t s0, std::int64_t l) {
  Pins out;
  for (const auto& [dev, states] : pins)
    for (const auto& [name, v] : states) {
      std::vector<double> part(static_cast<std::size_t>(l), kNaN);
      for (std::int64_t t = 0; t < l; ++t)
        if (static_cast<std::size_t>(s0 + t) < v.size()) part[static_cast<std::size_t>(t)] = v[static_cast<std::size_t>(s0 + t)];
      out[dev][name] = std::move(part);
    }
  return out;
}

// Carries the executed states to the next window (SOC and its green part, commitment, hours in
// the current on/off state, last output) and logs SOC and commitment.
void carry_over(const Park& P, const dispatch::Result& ex, double dt, Carry& c, StepLog& log) {
  for (std::int64_t t = 0; t < ex.grid.size(); ++t) c.hours_in_month[month_key(ex.grid.time_unix_s(t), P.offset)] += dt;
  for (const auto& g : P.demand_charges)
    if (const auto* imp = find_state(ex, g.grid, "import_kw"))
      for (std::int64_t t = 0; t < ex.grid.size(); ++t) {
        double& pk = c.peak_kw[g.grid][month_key(ex.grid.time_unix_s(t), P.offset)];
        pk = std::max(pk, imp->values[static_cast<std::size_t>(t)]);
      }
  for (const auto& s : P.storages)
    if (const auto* st = find_state(ex, s.name, "soc_kwh")) {
      auto& l = log.soc_kwh[s.name];
      l.insert(l.end(), st->values.begin(), st->values.end());
      c.soc[s.name] = std::clamp(st->values.back() / s.info.energy_kwh, s.info.soc_min, s.info.soc_max);
      const auto* g = find_state(ex, s.name, "soc_green_kwh");
      c.soc_green[s.name] = g ? std::clamp(g->values.back() / s.info.energy_kwh, 0.0, c.soc[s.name]) : 0.0;
    }
  for (const auto& u : P.units)
    if (const auto* st = find_state(ex, u.name, "on")) {
      auto& l = log.on[u.name];
      l.insert(l.end(), st->values.begin(), st->values.end());
      for (double v : st->values) {
        const bool on = v > 0.5;
        const auto h = c.hours_in_state.find(u.name);
        if (on == c.on[u.name] && h != c.hours_in_state.end()) h->second += dt;
        else c.hours_in_state[u.name] = on == c.on[u.name] ? std::numeric_limits<double>::infinity() : dt;
        c.on[u.name] = on;
      }
      if (const auto* p = find_state(ex, u.name, "p_kw")) c.p_kw[u.name] = p->values.back();
    }
}

// A forecast-module model for one series of the loop, refitted every `refit_days` on the data
// before the decision; seasonal naive until it can forecast.
struct SeriesModel {
  std::optional<forecast::Forecaster> model;
  std::int64_t fitted_at = -1;
  double max_seen = 0;        // largest value of the series before step `seen_upto`
  std::int64_t seen_upto = 0;

  std::vector<double> forecast(const Park& P, const std::vector<double>& actual, std::int64_t d, std::int64_t w,
                               std::int64_t day, int refit_days, std::int64_t& fallback, std::int64_t& baseline,
                               std::int64_t executed) {
    if (d >= 2 * day && model) {
      try {
        const int sm = P.grid.step_minutes();
        forecast::History h;
        Eigen::VectorXd past(d);
        for (std::int64_t t = 0; t < d; ++t) past[t] = actual[static_cast<std::size_t>(t)];
        h.target = Series(TimeGrid(P.grid.start_unix_s(), sm, d), std::move(past));
        if (fitted_at < 0 || d - fitted_at >= refit_days * day) {
          model->fit(h);
          fitted_at = d;
        }
        const auto f = model->predict(h, P.grid.time_unix_s(d), TimeGrid(P.grid.time_unix_s(d), sm, w));
        for (; seen_upto < d; ++seen_upto) max_seen = std::max(max_seen, actual[static_cast<std::size_t>(seen_upto)]);
        std::vector<double> out(static_cast<std::size_t>(w));
        for (std::int64_t t = 0; t < w; ++t) out[static_cast<std::size_t>(t)] = std::clamp(f.point[t], 0.0, max_seen);
        return out;
      } catch (const InputError&) {  // too little history for this model yet
      }
    }
    std::int64_t fb = 0;
    auto out = seasonal_naive(actual, d, w, day, fb, executed);
    fallback += fb;
    baseline += std::min(executed, w) - fb;
    return out;
  }
};

void add_kpis(dispatch::Kpis& a, const dispatch::Kpis& k, double& self_used) {
  for (const auto& [n, v] : k.cost) a.cost[n] += v;
  a.cost_total += k.cost_total;
  for (const auto& [n, v] : k.emissions_kg_by_source) a.emissions_kg_by_source[n] += v;
  a.emissions_kg += k.emissions_kg;
  a.electricity_consumption_kwh += k.electricity_consumption_kwh;
  a.renewable_kwh += k.renewable_kwh;
  a.green_matched_kwh += k.green_matched_kwh;
  a.grid_import_kwh += k.grid_import_kwh;
  a.grid_export_kwh += k.grid_export_kwh;
  a.curtailment_kwh += k.curtailment_kwh;
  a.unserved_kwh += k.unserved_kwh;
  a.heat_dumped_kwh += k.heat_dumped_kwh;
  a.certificates_sold_kwh += k.certificates_sold_kwh;
  for (const auto& [n, v] : k.storage_cycles) a.storage_cycles[n] += v;
  self_used += k.self_consumption * (k.renewable_kwh + k.curtailment_kwh);
}

// ---- rules ---------------------------------------------------------------------------------

// Buy price and tariff class per step (-1 valley, +1 peak, 0 otherwise) of the first grid
// connection: its tariff periods' names ("valley" in the name, "peak"), or for a price series the
// lower/upper third of each local day's price range.
void grid_prices(const Park& P, std::int64_t d, std::int64_t e, std::vector<double>& price, std::vector<int>& cls) {
  price.assign(static_cast<std::size_t>(e), 0.0);
  cls.assign(static_cast<std::size_t>(e), 0);
  const hub::Hub& h = P.full.hub;
  for (std::int32_t i = 0; i < h.num_devices(); ++i) {
    const auto g = h.device(i).grid_connection();
    if (!g) continue;
    for (std::int64_t t = 0; t < e; ++t) price[static_cast<std::size_t>(t)] = g->buy_price_per_kwh[static_cast<std::size_t>(d + t)];
    if (!g->tariff_period.empty()) {
      for (std::int64_t t = 0; t < e; ++t) {
        const std::string& name = g->tariff_period[static_cast<std::size_t>(d + t)];
        cls[static_cast<std::size_t>(t)] = name.find("valley") != std::string::npos ? -1 : name == "peak" ? 1 : 0;
      }
    } else {
      const std::int64_t day = 24 * 60 / P.grid.step_minutes();
      for (std::int64_t t0 = 0; t0 < e; t0 += day) {
        const auto b = price.begin() + t0, en = price.begin() + std::min(e, t0 + day);
        const double lo = *std::min_element(b, en), hi = *std::max_element(b, en);
        for (auto it = b; it != en; ++it) {
          const auto t = static_cast<std::size_t>(it - price.begin());
          if (hi - lo < 1e-12) continue;
          cls[t] = *it <= lo + (hi - lo) / 3 ? -1 : *it >= hi - (hi - lo) / 3 ? 1 : 0;
        }
      }
    }
    return;
  }
}

// Holds a desired on/off sequence to the unit's minimum up and down times, counting the hours
// the unit has already been in its initial state (infinite: unknown, the first change is free).
std::vector<double> hold_min_times(const std::vector<int>& want, bool initial_on, double up_h, double down_h, double dt,
                                   double hours_in_state) {
  const auto up = static_cast<int>(std::ceil(up_h / dt - 1e-9)), down = static_cast<int>(std::ceil(down_h / dt - 1e-9));
  std::vector<double> out(want.size());
  int cur = initial_on ? 1 : 0;
  int since = std::isfinite(hours_in_state) ? static_cast<int>(std::floor(hours_in_state / dt + 1e-9)) : 1 << 30;
  for (std::size_t t = 0; t < want.size(); ++t) {
    int next = want[t];
    if (cur == 1 && next == 0 && since < up) next = 1;
    if (cur == 0 && next == 1 && since < down) next = 0;
    since = next != cur ? 1 : since + 1;
    cur = next;
    out[t] = cur;
  }
  return out;
}

Pins rules_pins(const Park& P, const Carry& c, std::int64_t d, std::int64_t e, std::vector<double>& plan_storage_kw) {
  const double dt = P.grid.step_hours();
  std::vector<double> price;
  std::vector<int> cls;
  grid_prices(P, d, e, price, cls);
  const hub::Hub& hub = P.full.hub;
  // Heat demand; import headroom for valley charging: the import limit minus electric and
  // cooling loads (cooling counted 1:1 as electricity, an upper bound for chillers with COP >= 1).
  std::vector<double> heat(static_cast<std::size_t>(e), 0.0);
  std::vector<double> headroom(static_cast<std::size_t>(e), std::numeric_limits<double>::infinity());
  double gas_per_kwh = kNaN, boiler_eff = kNaN;
  for (std::int32_t i = 0; i < hub.num_devices(); ++i) {
    const hub::Device& dev = hub.device(i);
    if (const auto g = dev.grid_connection())
      for (auto& h : headroom) h = std::min(h, g->import_limit_kw);
    if (const auto l = dev.load())
      for (std::int64_t t = 0; t < e; ++t) {
        const double v = l->profile_kw[static_cast<std::size_t>(d + t)];
        if (l->carrier == hub::Carrier::heat) heat[static_cast<std::size_t>(t)] += v;
        else headroom[static_cast<std::size_t>(t)] -= v;
      }
    if (const auto f = dev.supply(); f && f->carrier == hub::Carrier::gas && std::isnan(gas_per_kwh))
      gas_per_kwh = f->price_per_kwh;
    // A gas boiler with a constant efficiency prices the heat a CHP replaces.
    if (const auto b = dev.converter(); b && b->input == hub::Carrier::gas && b->output == hub::Carrier::heat &&
                                        std::isnan(boiler_eff) && !b->efficiency.empty() &&
                                        std::all_of(b->efficiency.begin(), b->efficiency.end(),
                                                    [&](double x) { return x == b->efficiency.front(); }))
      boiler_eff = b->efficiency.front();
  }
  Pins pins;
  plan_storage_kw.assign(static_cast<std::size_t>(e), 0.0);
  // Batteries: charge at full power in valley hours until full, discharge at full power at peak
  // until empty (thermal storages are left to the settlement).
  std::vector<double> soc_frac_before(static_cast<std::size_t>(e), kNaN);
  bool first_battery = true;
  for (const auto& s : P.storages) {
    if (s.info.carrier != hub::Carrier::electricity) continue;
    const hub::StorageInfo& si = s.info;
    std::vector<double> ch(static_cast<std::size_t>(e), 0.0), dis(ch);
    double soc = c.soc.at(s.name) * si.energy_kwh;
    const double keep = 1.0 - si.standing_loss_per_h * dt, lo = si.soc_min * si.energy_kwh, hi = si.soc_max * si.energy_kwh;
    for (std::int64_t t = 0; t < e; ++t) {
      const auto ts = static_cast<std::size_t>(t);
      if (first_battery) soc_frac_before[ts] = soc / si.energy_kwh;
      if (cls[ts] < 0) {
        ch[ts] = std::clamp((hi - keep * soc) / (si.charge_efficiency * dt) * (1 - 1e-9), 0.0,
                            std::min(si.charge_kw, std::max(0.0, headroom[ts])));
        headroom[ts] -= ch[ts];
      }
      else if (cls[ts] > 0) dis[ts] = std::clamp((keep * soc - lo) * si.discharge_efficiency / dt * (1 - 1e-9), 0.0, si.discharge_kw);
      soc = keep * soc + si.charge_efficiency * ch[ts] * dt - dis[ts] * dt / si.discharge_efficiency;
    }
    first_battery = false;
    shrink_storage_setpoints(ch);
    shrink_storage_setpoints(dis);
    for (std::int64_t t = 0; t < e; ++t) {
      const auto ts = static_cast<std::size_t>(t);
      plan_storage_kw[ts] += dis[ts] - ch[ts];
    }
    pins[s.name]["charge_kw"] = std::move(ch);
    pins[s.name]["discharge_kw"] = std::move(dis);
  }
  for (const auto& u : P.units) {
    std::vector<int> want(static_cast<std::size_t>(e), 0);
    for (std::int64_t t = 0; t < e; ++t) {
      const auto ts = static_cast<std::size_t>(t);
      if (u.heat_output) {
        // Net cost of CHP electricity: fuel per kWh_el minus the boiler gas its heat replaces.
        const double credit = std::isnan(boiler_eff) ? 0.0 : u.info.thermal_efficiency / u.info.electric_efficiency * gas_per_kwh / boiler_eff;
        const double net = gas_per_kwh / u.info.electric_efficiency - credit;
        want[ts] = heat[ts] > 2000.0 && !std::isnan(gas_per_kwh) && net < price[ts];
      } else {
        want[ts] = price[ts] > 1.0 && !std::isnan(soc_frac_before[ts]) && soc_frac_before[ts] < 0.2;
      }
    }
    const auto h = c.hours_in_state.find(u.name);
    pins[u.name]["on"] = hold_min_times(want, c.on.at(u.name), u.info.min_up_h, u.info.min_down_h, dt,
                                        h == c.hours_in_state.end() ? std::numeric_limits<double>::infinity() : h->second);
  }
  return pins;
}

}  // namespace

json resolve_series(const json& scenario, const std::string& file, const std::string& base_dir) {
  const Park P = make_park(scenario, file, base_dir);
  json j = P.skeleton;
  for (const auto& s : P.series) j["devices"][s.device][s.key] = s.values;
  return j;
}

LoopReport run_loop(const std::string& scenario_path, const LoopOptions& options) {
  const json j = io::load_json_file(scenario_path);
  const auto dir = std::filesystem::path(scenario_path).parent_path().string();
  return run_loop(j, scenario_path, dir.empty() ? "." : dir, options);
}

LoopReport run_loop(const json& scenario, const std::string& file, const std::string& base_dir,
                    const LoopOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  options.validate();
  register_sim_devices();
  const Park P = make_park(scenario, file, base_dir);
  dispatch::Options dopt = options.dispatch;
  dopt.milp_prices = false;  // plans and settlements use no bus prices
  // Cbc's "strategy 0" (lighter cuts and strong branching) solves these small, repeated MILPs about
  // 30 % faster at the same optimum on the reference park (docs/operations.md); a user's own
  // cbc:strategy wins.
  if (dopt.solver == "cbc" && !dopt.solve.backend_options.count("cbc:strategy")) dopt.solve.backend_options["cbc:strategy"] = "0";
  const int sm = P.grid.step_minutes();
  const std::int64_t per_h = 60 / sm, n = P.grid.size(), day = 24 * per_h;
  const std::int64_t H = options.horizon_hours * per_h, K = options.reoptimize_every_hours * per_h;
  if (options.days && *options.days * day > n)
    throw InputError(file, "--days",
                     "asks for " + std::to_string(*options.days) + " days but the scenario's data hold " +
                         std::to_string(n / day) + (n % day ? " and a part" : "") + " days (" + std::to_string(n) +
                         " steps); give --days " + std::to_string(n / day) + " or fewer, or omit it for all the data");
  const std::int64_t total = options.days ? *options.days * day : n;
  const double dt = P.grid.step_hours();

  LoopReport rep;
  rep.strategy = options.strategy;
  rep.step_minutes = sm;
  Carry c;
  for (const auto& s : P.storages) c.soc[s.name] = s.info.soc_initial;
  for (const auto& u : P.units) c.on[u.name] = u.info.initial_on;
  std::map<std::string, double> abs_err;
  std::int64_t err_steps = 0;
  double self_used = 0;
  rep.forecaster = options.strategy == Strategy::mpc ? options.forecaster : "";
  std::vector<SeriesModel> models;  // empty: the built-in seasonal naive
  if (options.strategy == Strategy::mpc && options.forecaster != "seasonal_naive_day") {
    models.resize(P.series.size());
    forecast::ForecastOptions fo;
    fo.calendar.utc_offset_minutes = P.offset;
    fo.schedule.origin_hour = to_local(P.grid.start_unix_s(), P.offset).hour;
    fo.schedule.origin_minute = to_local(P.grid.start_unix_s(), P.offset).minute;
    fo.schedule.horizon_steps = static_cast<int>(H);
    fo.schedule.day_ahead = false;
    fo.non_negative = 1;
    for (std::size_t k = 0; k < P.series.size(); ++k)
      if (P.series[k].forecastable) models[k].model = forecast::make_forecaster(options.forecaster, fo);
  }

  for (std::int64_t d = 0; d < total; d += K) {
    const std::int64_t w = std::min(H, n - d), e = std::min(K, total - d);
    Pins pins;
    dispatch::Result plan;
    bool have_plan = false;
    std::vector<double> rules_storage;
    if (options.strategy == Strategy::rules) {
      pins = rules_pins(P, c, d, e, rules_storage);
    } else {
      std::vector<std::vector<double>> vals = actual_slices(P, d, w);
      if (options.strategy == Strategy::mpc) {
        std::int64_t fb = 0, base = 0;  // the same for every series: counted once per executed step
        for (std::size_t k = 0; k < P.series.size(); ++k) {
          if (!P.series[k].forecastable) continue;
          fb = 0;
          base = 0;
          vals[k] = models.empty() ? seasonal_naive(P.series[k].values, d, w, day, fb, e)
                                   : models[k].forecast(P, P.series[k].values, d, w, day, options.refit_every_days, fb, base, e);
          double& acc = abs_err[P.series[k].device_name + "." + P.series[k].key];
          for (std::int64_t t = 0; t < e; ++t)
            acc += std::abs(vals[k][static_cast<std::size_t>(t)] - P.series[k].values[static_cast<std::size_t>(d + t)]);
        }
        err_steps += e;
        rep.forecast_fallback_steps += fb;
        rep.forecast_baseline_steps += base;
      }
      for (int attempt = 0; attempt < 2 && !have_plan; ++attempt) {
        const hub::Scenario sc = window_scenario(P, d, w, vals, c, true, attempt == 1);
        plan = dispatch::solve(sc, dopt);
        ++rep.solves;
        rep.solve_s += plan.build_s + plan.solve_s;
        have_plan = lp::has_solution(plan.status);
      }
      if (!have_plan) {
        std::string msg = "no plan at ";
        msg += P.grid.time_iso(d, P.offset);
        msg += ": ";
        msg += lp::to_string(plan.status);
        for (const auto& x : plan.diagnosis) msg += "; " + x;
        throw SolverError(options.dispatch.solver, msg);
      }
      pins = plan_pins(plan, e);
    }
    // Planned grid exchange and storage power of the executed steps (deviations are recorded).
    std::vector<double> plan_grid(static_cast<std::size_t>(e), kNaN), plan_storage = rules_storage;
    if (have_plan) {
      const auto g = grid_exchange_kw(plan), st = storage_power_kw(plan);
      plan_grid.assign(g.begin(), g.begin() + e);
      plan_storage.assign(st.begin(), st.begin() + e);
    }
    plan_storage.resize(static_cast<std::size_t>(e), kNaN);
    // The twin: step by step (causal) or the executed window at once.
    const std::int64_t len = options.twin.causal ? 1 : e;
    for (std::int64_t s0 = 0; s0 < e; s0 += len) {
      const std::int64_t l = std::min(len, e - s0);
      TwinResult tr = execute(window_scenario(P, d + s0, l, actual_slices(P, d + s0, l), c, false, true),
                              slice_pins(pins, s0, l), dopt, options.twin);
      ++rep.solves;
      rep.solve_s += tr.executed.build_s + tr.executed.solve_s;
      add_kpis(rep.kpis, tr.executed.kpis, self_used);
      append_executed(rep.executed, tr.executed);
      for (std::int64_t t = 0; t < l; ++t) {
        const auto ts = static_cast<std::size_t>(t), ps = static_cast<std::size_t>(s0 + t);
        rep.log.time_unix_s.push_back(P.grid.time_unix_s(d + s0 + t));
        rep.log.plan_grid_kw.push_back(plan_grid[ps]);
        rep.log.grid_kw.push_back(tr.grid_kw[ts]);
        rep.log.plan_storage_kw.push_back(plan_storage[ps]);
        rep.log.storage_kw.push_back(tr.storage_kw[ts]);
        if (std::isfinite(plan_grid[ps])) rep.grid_deviation_kwh += std::abs(tr.grid_kw[ts] - plan_grid[ps]) * dt;
        if (std::isfinite(plan_storage[ps])) rep.storage_deviation_kwh += std::abs(tr.storage_kw[ts] - plan_storage[ps]) * dt;
      }
      carry_over(P, tr.executed, dt, c, rep.log);
    }
    rep.steps += e;
    if (options.progress) options.progress(d + e, total);
  }
  auto& k = rep.kpis;
  // Demand charges on the executed monthly peaks, prorated to the share of each month run.
  for (const auto& g : P.demand_charges)
    if (const auto it = c.peak_kw.find(g.grid); it != c.peak_kw.end())
      for (const auto& [key, peak] : it->second) {
        const double cost = g.per_kw_month * peak * c.hours_in_month[key] / month_hours(key);
        k.cost["demand_charge"] += cost;
        k.cost_total += cost;
      }
  k.green_share = k.electricity_consumption_kwh > 0 ? k.green_matched_kwh / k.electricity_consumption_kwh : 0.0;
  k.self_sufficiency = k.electricity_consumption_kwh > 0 ? 1.0 - k.grid_import_kwh / k.electricity_consumption_kwh : 0.0;
  const double gen = k.renewable_kwh + k.curtailment_kwh;
  k.self_consumption = gen > 0 ? self_used / gen : 0.0;
  if (err_steps > 0)
    for (const auto& [name, v] : abs_err) rep.forecast_mae[name] = v / static_cast<double>(err_steps);
  rep.wall_s = std::chrono::duration<double>(clock::now() - t_start).count();
  return rep;
}

void write_loop_h5(const std::vector<LoopReport>& reports, const std::string& path) {
  io::H5Writer w(path);
  for (const auto& r : reports) {
    std::string g = "/";
    g += to_string(r.strategy);
    dispatch::write_result_group(w, r.executed, g);
    w.write_string_attribute(g, "summary", r.summary().dump());
  }
  w.commit();
}

json LoopReport::summary() const {
  json j;
  j["strategy"] = std::string(to_string(strategy));
  j["steps"] = steps;
  j["step_minutes"] = step_minutes;
  j["days"] = static_cast<double>(steps) * step_minutes / 1440.0;
  j["solves"] = solves;
  j["wall_s"] = wall_s;
  j["solve_s"] = solve_s;
  j.update(dispatch::kpis_json(kpis));
  j["forecast_mae"] = forecast_mae;
  j["forecast_fallback_steps"] = forecast_fallback_steps;
  j["forecast_baseline_steps"] = forecast_baseline_steps;
  j["forecaster"] = forecaster;
  j["grid_deviation_kwh"] = grid_deviation_kwh;
  j["storage_deviation_kwh"] = storage_deviation_kwh;
  return j;
}

std::string LoopReport::brief_report() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %.1f days, cost %.2f, green share %.4f, unserved %.1f kWh, %lld solves, %.2f s",
                std::string(to_string(strategy)).c_str(), static_cast<double>(steps) * step_minutes / 1440.0,
                kpis.cost_total, kpis.green_share, kpis.unserved_kwh, static_cast<long long>(solves), wall_s);
  return buf;
}

}  // namespace ehub::sim
