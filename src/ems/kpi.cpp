// Energy KPIs: standard coal equivalent, intensities, location-based carbon (docs/ems.md "KPIs").
#include "ehub/ems/kpi.hpp"

#include <algorithm>
#include <cmath>

#include "ehub/core/error.hpp"
#include "ehub/ems/statistics.hpp"
#include "ehub/io/json.hpp"

namespace ehub::ems {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check(double v, const char* path, bool nan_ok = false) {
  if (nan_ok && std::isnan(v)) return;
  if (!std::isfinite(v) || v < 0) throw InputError("", path, "must be a finite number >= 0, got " + io::format_number(v));
}
double per(double x, double base) { return base > 0 ? x / base : kNaN; }
}  // namespace

void CoalFactors::validate() const {
  check(electricity_calorific_kgce_per_kwh, "coal/electricity_calorific_kgce_per_kwh");
  check(electricity_equal_value_kgce_per_kwh, "coal/electricity_equal_value_kgce_per_kwh", true);
  check(natural_gas_kgce_per_m3, "coal/natural_gas_kgce_per_m3");
  check(diesel_kgce_per_kg, "coal/diesel_kgce_per_kg");
  check(gasoline_kgce_per_kg, "coal/gasoline_kgce_per_kg");
  check(raw_coal_kgce_per_kg, "coal/raw_coal_kgce_per_kg");
  check(lpg_kgce_per_kg, "coal/lpg_kgce_per_kg");
  check(heat_kgce_per_mj, "coal/heat_kgce_per_mj");
}

EnergyKpis energy_kpis(const EnergyUse& u, const KpiOptions& o) {
  o.coal.validate();
  if (!std::isfinite(u.electricity_kwh)) throw InputError("", "use/electricity_kwh", "must be finite");
  check(u.natural_gas_m3, "use/natural_gas_m3");
  check(u.diesel_kg, "use/diesel_kg");
  check(u.gasoline_kg, "use/gasoline_kg");
  check(u.raw_coal_kg, "use/raw_coal_kg");
  check(u.lpg_kg, "use/lpg_kg");
  check(u.heat_mj, "use/heat_mj");
  check(o.grid_kg_per_kwh, "options/grid_kg_per_kwh");
  check(o.gas_kg_per_m3, "options/gas_kg_per_m3");
  check(o.diesel_kg_per_kg, "options/diesel_kg_per_kg");
  check(o.certificates_retired_kwh, "options/certificates_retired_kwh");
  check(o.residual_kg_per_kwh, "options/residual_kg_per_kwh");
  const auto& c = o.coal;
  const double fuels = u.natural_gas_m3 * c.natural_gas_kgce_per_m3 + u.diesel_kg * c.diesel_kgce_per_kg +
                       u.gasoline_kg * c.gasoline_kgce_per_kg + u.raw_coal_kg * c.raw_coal_kgce_per_kg +
                       u.lpg_kg * c.lpg_kgce_per_kg + u.heat_mj * c.heat_kgce_per_mj;
  EnergyKpis k;
  const double el = u.electricity_kwh * c.electricity_calorific_kgce_per_kwh;
  k.coal_calorific_kgce = el + fuels;
  k.coal_equal_value_kgce = u.electricity_kwh * c.electricity_equal_value_kgce_per_kwh + fuels;
  k.electricity_share_calorific = k.coal_calorific_kgce != 0 ? el / k.coal_calorific_kgce : kNaN;
  k.kgce_per_m2 = per(k.coal_calorific_kgce, o.floor_area_m2);
  k.kgce_per_unit = per(k.coal_calorific_kgce, o.production_units);
  k.kgce_per_person = per(k.coal_calorific_kgce, o.persons);
  k.kwh_per_m2 = per(u.electricity_kwh, o.floor_area_m2);
  k.carbon_location_kg = u.electricity_kwh * o.grid_kg_per_kwh + u.natural_gas_m3 * o.gas_kg_per_m3 + u.diesel_kg * o.diesel_kg_per_kg;
  k.carbon_kg_per_m2 = per(k.carbon_location_kg, o.floor_area_m2);
  k.scope2_location_kg = u.electricity_kwh * o.grid_kg_per_kwh;
  k.scope2_market_kg = std::max(0.0, u.electricity_kwh - o.certificates_retired_kwh) * o.residual_kg_per_kwh;
  k.carbon_market_kg = k.carbon_location_kg - k.scope2_location_kg + k.scope2_market_kg;
  return k;
}

double tariff_cost(const IntervalData& power_kw, const std::vector<std::string>& labels, const std::map<std::string, double>& price,
                   int utc_offset_minutes) {
  double cost = 0;
  for (const auto& [label, kwh] : energy_by_hour_class(power_kw, labels, utc_offset_minutes)) {
    const auto it = price.find(label);
    if (it == price.end()) throw InputError("", "price_per_kwh/" + label, "no price for the hours labelled \"" + label + "\"");
    if (!std::isfinite(it->second)) throw InputError("", "price_per_kwh/" + label, "must be finite");
    cost += kwh * it->second;
  }
  return cost;
}

}  // namespace ehub::ems
