// The rules strategy: valley charging and peak discharging of electric storage, heat-led CHP
// and backup units, held to their minimum up and down times (docs/operations.md, "Rules").
#include "ehub/sim/rolling.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/sim/twin.hpp"
#include "park.hpp"

namespace ehub::sim::detail {

// Buy price and tariff class per step (-1 valley, +1 peak, 0 otherwise) of the first grid
// connection: its tariff periods' names ("valley" in the name, "peak"), or for a price series the
// lower/upper third of each local day's price range.
void grid_prices(const Park& P, std::int64_t d, std::int64_t e, std::vector<double>& price, std::vector<int>& cls) {
  price.assign(static_cast<std::size_t>(e), 0.0);
  cls.assign(static_cast<std::size_t>(e), 0);
  const auto& g = P.rules.grid;
  if (!g) return;
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
  // Heat demand; import headroom for valley charging: the import limit minus electric and
  // cooling loads (cooling counted 1:1 as electricity, an upper bound for chillers with COP >= 1).
  std::vector<double> heat(static_cast<std::size_t>(e), 0.0);
  std::vector<double> headroom(static_cast<std::size_t>(e), P.rules.import_limit_kw);
  for (const auto& l : P.rules.loads)
    for (std::int64_t t = 0; t < e; ++t) {
      const double v = l.profile_kw[static_cast<std::size_t>(d + t)];
      if (l.carrier == hub::Carrier::heat) heat[static_cast<std::size_t>(t)] += v;
      else headroom[static_cast<std::size_t>(t)] -= v;
    }
  const double gas_per_kwh = P.rules.gas_per_kwh, boiler_eff = P.rules.boiler_eff;
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

}  // namespace ehub::sim::detail
