// Energy KPIs of a period: comprehensive energy consumption in standard coal equivalent (GB/T
// 2589-2020 conversion coefficients), intensities per m2, per product unit and per person, and
// location-based carbon.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "ehub/ems/meter_data.hpp"
#include "ehub/export.hpp"

namespace ehub::ems {

/// Conversion to standard coal equivalent (kgce per unit). Defaults: the reference coefficients of
/// GB/T 2589-2020 "General rules for calculation of the comprehensive energy consumption",
/// Appendix A (1 kgce = 29,307 kJ). Electricity has two: the calorific equivalent (its energy
/// content, 3,600 kJ/kWh = 0.1229 kgce/kWh) and the equal value (the fuel the grid burnt to supply
/// it), which the standard takes from the year's published coal consumption of power supply: no
/// default, give it for the year reported (e.g. 0.3 kgce/kWh for 300 gce/kWh).
struct CoalFactors {
  double electricity_calorific_kgce_per_kwh = 0.1229;
  double electricity_equal_value_kgce_per_kwh = std::numeric_limits<double>::quiet_NaN();
  double natural_gas_kgce_per_m3 = 1.2143;   ///< gas-field natural gas (oil-field gas 1.3300)
  double diesel_kgce_per_kg = 1.4571;
  double gasoline_kgce_per_kg = 1.4714;
  double raw_coal_kgce_per_kg = 0.7143;
  double lpg_kgce_per_kg = 1.7143;
  double heat_kgce_per_mj = 0.03412;          ///< purchased heat (steam, hot water)
  /// Throws InputError naming the bad coefficient (negative or not finite; NaN allowed for the equal value).
  void validate() const;
};

/// Energy bought or produced on site in a period, by carrier (what crossed the park's boundary).
struct EnergyUse {
  double electricity_kwh = 0;     ///< net purchased electricity (imports - exports)
  double natural_gas_m3 = 0;
  double diesel_kg = 0;
  double gasoline_kg = 0;
  double raw_coal_kg = 0;
  double lpg_kg = 0;
  double heat_mj = 0;             ///< purchased heat
};

/// What the intensities are divided by (0: that intensity is NaN).
struct KpiOptions {
  CoalFactors coal{};
  double floor_area_m2 = 0;
  double production_units = 0;
  double persons = 0;
  double grid_kg_per_kwh = 0.5366;   ///< location-based grid factor (national average 2022, docs/carbon.md)
  double gas_kg_per_m3 = 2.1622;     ///< natural gas, kgCO2 per m3 (as ehub::carbon::FuelFactors)
  double diesel_kg_per_kg = 3.0959;  ///< diesel, kgCO2 per kg
  /// Market-based Scope 2 (GHG Protocol, annual view of docs/carbon.md): certificates retired for
  /// the period, and the residual-mix factor applied to the electricity they do not cover.
  double certificates_retired_kwh = 0;
  double residual_kg_per_kwh = 0.5856;  ///< national, excluding market-traded non-fossil, 2022 (ehub::carbon default residual)
};

/// KPIs of a period.
struct EnergyKpis {
  double coal_calorific_kgce = 0;     ///< comprehensive energy consumption, electricity at its calorific equivalent
  double coal_equal_value_kgce = 0;   ///< electricity at its equal value (NaN without the coefficient)
  double electricity_share_calorific = 0;  ///< electricity's share of coal_calorific_kgce
  double kgce_per_m2 = 0;             ///< coal_calorific_kgce / floor area
  double kgce_per_unit = 0;           ///< per product unit
  double kgce_per_person = 0;
  double kwh_per_m2 = 0;              ///< electricity per m2
  double carbon_location_kg = 0;      ///< electricity x grid factor + gas and diesel burnt (Scope 1 + 2, location-based)
  double carbon_kg_per_m2 = 0;
  double scope2_location_kg = 0;      ///< electricity x grid factor
  double scope2_market_kg = 0;        ///< max(0, electricity - certificates) x residual factor
  double carbon_market_kg = 0;        ///< scope2_market_kg + gas and diesel burnt
};

/// Energy cost of a power series under a time-of-use tariff: the energy of each class of local
/// hour (energy_by_hour_class) x its price. `price_per_kwh` has one price per label used; a label
/// without a price is an InputError naming it.
EHUB_EXPORT double tariff_cost(const IntervalData& power_kw, const std::vector<std::string>& hour_labels,
                               const std::map<std::string, double>& price_per_kwh, int utc_offset_minutes = 0);

/// The KPIs of `use`. Throws InputError for negative fuel amounts or factors.
EHUB_EXPORT EnergyKpis energy_kpis(const EnergyUse& use, const KpiOptions& options = {});

}  // namespace ehub::ems
