// A demand-response event answered by the operations loop: the plans see the event's incentive,
// the twin delivers, the event is settled on the executed grid import (docs/demand_response.md).
#include <cmath>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/dr/demand_response.hpp"
#include "ehub/hub/scenario.hpp"

namespace ehub::dr {

LoopAnswer answer_in_loop(const nlohmann::json& scenario, const std::string& file, const std::string& base_dir,
                          const sim::LoopOptions& options, const Event& event, const BaselineRule& rule,
                          const std::string& grid_device, const std::vector<Event>& other) {
  validate_events({event}, file);
  // The data grid of the scenario (the loop's steps), from the scenario itself.
  hub::HorizonOptions one;
  one.steps = 1;
  const hub::Scenario sc = hub::scenario_from_json(scenario, file, base_dir, one);
  const TimeGrid& g = sc.data_grid;
  const auto gi = sc.hub.find_device(grid_device);
  if (!gi || !sc.hub.device(*gi).grid_connection())
    throw InputError(file, "/devices", "no grid connection named \"" + grid_device + "\" (the meter the event is settled on)");
  LoopAnswer a;
  a.without = sim::run_loop(scenario, file, base_dir, options);
  sim::LoopOptions paid = options;
  std::vector<double> adder(static_cast<std::size_t>(g.size()), 0.0);
  const double c = event.compensation_per_kwh * (event.type == EventType::peak_shaving ? 1.0 : -1.0);
  std::int64_t inside = 0;
  for (std::int64_t t = 0; t < g.size(); ++t)
    if (g.time_unix_s(t) >= event.start_unix_s && g.time_unix_s(t) < event.end_unix_s) {
      adder[static_cast<std::size_t>(t)] = c;
      ++inside;
    }
  if (inside == 0) throw InputError(file, "event", "the event window lies outside the scenario's data");
  paid.plan_exchange_price_adder_per_kwh[grid_device] = std::move(adder);
  a.with = sim::run_loop(scenario, file, base_dir, paid);
  const auto& log = a.with.log;
  if (log.time_unix_s.empty() || log.time_unix_s.back() + g.step_minutes() * 60 < event.end_unix_s)
    throw InputError(file, "days", "the loop stops before the event ends: run it past the event window");
  // The executed net grid import per step as the participant's metered energy (kWh per step).
  ems::IntervalData metered;
  metered.point = grid_device;
  metered.grid = TimeGrid(log.time_unix_s.front(), g.step_minutes(), static_cast<std::int64_t>(log.time_unix_s.size()));
  metered.value.resize(metered.grid.size());
  metered.quality.assign(static_cast<std::size_t>(metered.grid.size()), 0);
  const double dt = g.step_hours();
  for (std::int64_t t = 0; t < metered.grid.size(); ++t) metered.value[t] = log.grid_kw[static_cast<std::size_t>(t)] * dt;
  a.settlement = settle(event, metered, rule, other);
  a.cost_without = a.without.kpis.cost_total;
  a.cost_with = a.with.kpis.cost_total;
  a.value = a.settlement.net - (a.cost_with - a.cost_without);
  return a;
}

}  // namespace ehub::dr
