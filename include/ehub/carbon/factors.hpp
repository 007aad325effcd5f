// Emission factors for carbon accounting: grid electricity factors (location-based and residual
// mix, with year and source) and fuel factors for Scope 1 combustion (docs/carbon.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"

namespace ehub::carbon {

/// A grid electricity emission factor with its provenance. User-overridable: any value may be
/// given with a name of the user's choosing.
struct EmissionFactor {
  std::string name;         ///< stable key, e.g. "cn_national_average_2022", or the user's label
  double kg_per_kwh = 0;    ///< kgCO2 per kWh of electricity (= tCO2/MWh)
  int year = 0;             ///< data year (0 when unknown / user-given)
  std::string source;       ///< publication the value comes from

  /// Throws InputError (path `field`) when kg_per_kwh is negative, not finite or above 10.
  void validate(const std::string& field = "factor") const;
};

/// The built-in grid factors (docs/carbon.md lists each with year and source):
/// cn_national_average_2022 0.5366, cn_national_average_2023 0.5306,
/// cn_national_excl_market_nonfossil_2022 0.5856, cn_national_excl_market_nonfossil_2023 0.6096,
/// cn_national_fossil_2022 0.8325, cn_yunnan_2022 0.1073, cn_carbon_market_2022 0.5703.
EHUB_EXPORT const std::vector<EmissionFactor>& grid_factors();

/// The built-in factor `name`; throws InputError listing the known names when there is none.
EHUB_EXPORT EmissionFactor grid_factor(std::string_view name);

/// A factor given as text: a built-in name, or a number in kgCO2/kWh (named "user"). Throws
/// InputError (path `field`) otherwise.
EHUB_EXPORT EmissionFactor parse_grid_factor(std::string_view text, const std::string& field = "factor");

/// Default location-based factor: China's national average grid factor of 2022 (0.5366).
EHUB_EXPORT EmissionFactor default_location_factor();
/// Default residual-mix factor for market-based Scope 2: China's national factor excluding
/// market-traded non-fossil electricity, 2022 (0.5856).
EHUB_EXPORT EmissionFactor default_residual_factor();

/// Scope 1 factors of fuels (defaults: CERTIFICATES.md, from the national GHG accounting
/// guidelines' default values: NCV x carbon content x oxidation x 44/12).
struct FuelFactors {
  double gas_kg_per_m3 = 2.1622;         ///< natural gas, kgCO2 per m3 (NCV 38,931 kJ/m3, 15.3 tC/TJ, oxidation 0.99)
  double gas_ncv_kj_per_m3 = 38931;      ///< net calorific value of natural gas
  double diesel_kg_per_kg = 3.0959;      ///< diesel, kgCO2 per kg (NCV 42,652 kJ/kg, 20.2 tC/TJ, oxidation 0.98)
  double diesel_ncv_kj_per_kg = 42652;   ///< net calorific value of diesel

  /// kgCO2 per kWh of gas (lower heating value): gas_kg_per_m3 / (NCV / 3600) = 0.19994.
  double gas_kg_per_kwh() const noexcept { return gas_kg_per_m3 / (gas_ncv_kj_per_m3 / 3600.0); }
  /// kgCO2 per kWh of diesel (lower heating value): 0.26131 with the defaults.
  double diesel_kg_per_kwh() const noexcept { return diesel_kg_per_kg / (diesel_ncv_kj_per_kg / 3600.0); }
  /// Throws InputError naming the first field that is not a finite positive number.
  void validate() const;
};

/// Scope 1 emissions (kgCO2) of burning `gas_m3` of natural gas and `diesel_kg` of diesel.
EHUB_EXPORT double scope1_kg(double gas_m3, double diesel_kg, const FuelFactors& factors = {});

}  // namespace ehub::carbon
