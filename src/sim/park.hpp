// Private to the operations loop: the park as the loop sees it (series pulled out once, the
// devices asked for their parameters), the carried state, and the parts of a run (park.cpp,
// carry.cpp, loop_forecast.cpp, rules.cpp, rolling.cpp, loop_report.cpp).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/sim/rolling.hpp"
#include "ehub/sim/twin.hpp"

namespace ehub::sim::detail {

using json = nlohmann::json;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
int month_key(std::int64_t unix_s, int offset);

// Hours of a local calendar month given by month_key.
double month_hours(int key);


// The scenario with every device series pulled out as full-length vectors, and its devices
// loaded once over the whole data grid (the loop asks them for their parameters).
// What the rules strategy reads of the park, asked from the devices once per run (not per decision).
struct RulesInputs {
  std::optional<hub::GridInfo> grid;  // the first grid connection: prices and tariff periods
  std::vector<hub::LoadInfo> loads;   // every demand: carrier and profile
  double import_limit_kw = std::numeric_limits<double>::infinity();  // the tightest import limit
  double gas_per_kwh = kNaN;          // the first gas supply's price
  double boiler_eff = kNaN;           // the first gas boiler with a constant efficiency
};

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
  RulesInputs rules;
};

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

// ---- park.cpp
Park make_park(const json& j, const std::string& file, const std::string& base_dir);
// The scenario JSON of steps [d, d + w) with `vals[k]` (w values each) for series k.
json window_json(const Park& P, std::int64_t d, std::int64_t w, const std::vector<std::vector<double>>& vals);
std::vector<std::vector<double>> actual_slices(const Park& P, std::int64_t d, std::int64_t w);

// ---- carry.cpp
// Applies the carried states to the devices of a window scenario starting at step d, in memory
// (Device::with_state): SOC and its green part, the end condition (plans return to the scenario's
// initial level at every horizon end unless `free_end`; settlements end free), commitment, hours
// in state and last output of units, and the demand-charge peak so far (plans) or no demand
// charge (settlements: the loop bills the executed monthly peak itself).
void apply_states(hub::Scenario& sc, const Park& P, std::int64_t d, const Carry& c, bool plan, bool free_end,
                  const std::map<std::string, std::vector<double>>& adders);
// The window scenario of steps [d, d + w) with the carried states applied.
hub::Scenario window_scenario(const Park& P, std::int64_t d, std::int64_t w, const std::vector<std::vector<double>>& vals,
                              const Carry& c, bool plan, bool free_end,
                              const std::map<std::string, std::vector<double>>& adders);
const dispatch::StateSeries* find_state(const dispatch::Result& r, const std::string& dev, const std::string& name);
// Appends the executed steps of `part` to `into` (the same devices and states in every window).
void append_executed(dispatch::Result& into, const dispatch::Result& part);
// Steps [s0, s0 + l) of every pin.
Pins slice_pins(const Pins& pins, std::int64_t s0, std::int64_t l);
// Carries the executed states to the next window (SOC and its green part, commitment, hours in
// the current on/off state, last output) and logs SOC and commitment.
void carry_over(const Park& P, const dispatch::Result& ex, double dt, Carry& c, StepLog& log);
void add_kpis(dispatch::Kpis& a, const dispatch::Kpis& k, double& self_used);

// ---- loop_forecast.cpp
// Seasonal naive: step d + k gets the value of step d - day + (k mod day), always before d.
std::vector<double> seasonal_naive(const std::vector<double>& actual, std::int64_t d, std::int64_t w, std::int64_t day,
                                   std::int64_t& fallback_steps, std::int64_t executed);
// A forecast-module model for one series of the loop, refitted every `refit_days` on the data
// before the decision; seasonal naive until it can forecast.
struct SeriesModel {
  std::optional<forecast::Forecaster> model;
  std::int64_t fitted_at = -1;
  double max_seen = 0;        // largest value of the series before step `seen_upto`
  std::int64_t seen_upto = 0;

  std::vector<double> forecast(const Park& P, const std::vector<double>& actual, std::int64_t d, std::int64_t w,
                               std::int64_t day, int refit_days, std::int64_t& fallback, std::int64_t& baseline,
                               std::int64_t executed);
};

// ---- rules.cpp
Pins rules_pins(const Park& P, const Carry& c, std::int64_t d, std::int64_t e, std::vector<double>& plan_storage_kw);

}  // namespace ehub::sim::detail
