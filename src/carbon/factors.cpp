// Built-in grid emission factors (China, MEE/NBS) and Scope 1 fuel factors.
#include "ehub/carbon/factors.hpp"

#include <charconv>
#include <cmath>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"

namespace ehub::carbon {
namespace {

const char* const kMeeNbs2022 =
    "MEE & NBS, electricity CO2 emission factors of data year 2022 (published December 2024)";
const char* const kMeeNbs2023 = "MEE & NBS, electricity CO2 emission factors of data year 2023";

}  // namespace

void EmissionFactor::validate(const std::string& field) const {
  if (!std::isfinite(kg_per_kwh) || kg_per_kwh < 0 || kg_per_kwh > 10)
    throw InputError("", field, "emission factor must be in [0, 10] kgCO2/kWh, got " + io::format_number(kg_per_kwh));
}

const std::vector<EmissionFactor>& grid_factors() {
  static const std::vector<EmissionFactor> factors = {
      {"cn_national_average_2022", 0.5366, 2022, std::string(kMeeNbs2022) + ": national grid average"},
      {"cn_national_average_2023", 0.5306, 2023, std::string(kMeeNbs2023) + ": national grid average"},
      {"cn_national_excl_market_nonfossil_2022", 0.5856, 2022,
       std::string(kMeeNbs2022) + ": national, excluding market-traded non-fossil electricity"},
      {"cn_national_excl_market_nonfossil_2023", 0.6096, 2023,
       std::string(kMeeNbs2023) + ": national, excluding market-traded non-fossil electricity"},
      {"cn_national_fossil_2022", 0.8325, 2022, std::string(kMeeNbs2022) + ": national fossil-fuel power only"},
      {"cn_yunnan_2022", 0.1073, 2022, std::string(kMeeNbs2022) + ": Yunnan provincial grid"},
      {"cn_carbon_market_2022", 0.5703, 2022,
       "MEE, grid factor for enterprise GHG reporting in the national carbon market (2022)"},
  };
  return factors;
}

EmissionFactor grid_factor(std::string_view name) {
  std::string known;
  for (const auto& f : grid_factors()) {
    if (f.name == name) return f;
    if (!known.empty()) known += ", ";
    known += f.name;
  }
  std::string msg = "unknown grid emission factor \"";
  msg += name;
  msg += "\"; known: ";
  msg += known;
  msg += ", or a number in kgCO2/kWh";
  throw InputError("", "factor", msg);
}

EmissionFactor parse_grid_factor(std::string_view text, const std::string& field) {
  for (const auto& f : grid_factors())
    if (f.name == text) return f;
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) {
    try {
      return grid_factor(text);
    } catch (const InputError& e) {
      throw InputError("", field, e.detail());
    }
  }
  EmissionFactor f{"user", v, 0, "given by the user"};
  f.validate(field);
  return f;
}

EmissionFactor default_location_factor() { return grid_factor("cn_national_average_2022"); }
EmissionFactor default_residual_factor() { return grid_factor("cn_national_excl_market_nonfossil_2022"); }

void FuelFactors::validate() const {
  auto check = [](double v, const char* name) {
    if (!std::isfinite(v) || v <= 0) throw InputError("", name, "must be a finite number > 0, got " + io::format_number(v));
  };
  check(gas_kg_per_m3, "gas_kg_per_m3");
  check(gas_ncv_kj_per_m3, "gas_ncv_kj_per_m3");
  check(diesel_kg_per_kg, "diesel_kg_per_kg");
  check(diesel_ncv_kj_per_kg, "diesel_ncv_kj_per_kg");
}

double scope1_kg(double gas_m3, double diesel_kg, const FuelFactors& factors) {
  factors.validate();
  if (!std::isfinite(gas_m3) || gas_m3 < 0) throw InputError("", "gas_m3", "must be >= 0, got " + io::format_number(gas_m3));
  if (!std::isfinite(diesel_kg) || diesel_kg < 0)
    throw InputError("", "diesel_kg", "must be >= 0, got " + io::format_number(diesel_kg));
  return gas_m3 * factors.gas_kg_per_m3 + diesel_kg * factors.diesel_kg_per_kg;
}

}  // namespace ehub::carbon
