// `ehub certify results.h5`: the green-certificate ledger and carbon accounting of any schedule
// stored in the dispatch's HDF5 layout; prints (or writes) the summary JSON and, with --out, writes
// a certified copy of the results with /certificates tables (docs/carbon.md).
#include <filesystem>
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "ehub/carbon/ledger.hpp"
#include "ehub/carbon/results_file.hpp"
#include "ehub/core/error.hpp"
#include "ehub/io/text_file.hpp"

namespace ehub::cli {

Command add_certify_command(CLI::App& app);

namespace {

struct CertifyArgs {
  std::string results;
  std::string policy;
  std::string losses = "physical";
  std::string scenario;
  std::string summary;
  std::string out;
  bool integer_wh = false;
  bool pool_hours = false;
  bool sell_exported = false;
  std::string grid_factor;
  std::string residual_factor;
  std::string alt_residual_factor;
  std::string clean_share;
  std::optional<double> carbon_price;
  std::optional<int> utc_offset;
  double purchased_kwh = 0;
  double gas_m3 = 0;
  double diesel_kg = 0;
  double floor_area_m2 = 0;
  double production_units = 0;
  int metered_window_months = 6;
};

int run_certify(const CertifyArgs& a) {
  for (const std::string* p : {&a.out, &a.summary})  // checked before any work
    if (!p->empty()) io::check_output_path(*p);
  carbon::Options opt;
  carbon::ReadOptions ro;
  if (!a.policy.empty()) opt.policy = carbon::policy_from_string(a.policy);
  opt.losses = carbon::loss_mode_from_string(a.losses);
  opt.integer_wh = a.integer_wh;
  opt.pool_hours = a.pool_hours;
  opt.sell_exported_certificates = a.sell_exported;
  opt.purchased_certificates_kwh = a.purchased_kwh;
  opt.floor_area_m2 = a.floor_area_m2;
  opt.production_units = a.production_units;
  opt.metered_window_months = a.metered_window_months;
  if (!a.scenario.empty()) {
    const auto s = carbon::read_scenario_settings(a.scenario);
    ro.storages = s.storages;
    if (s.utc_offset_minutes) ro.utc_offset_minutes = *s.utc_offset_minutes;
    if (s.carbon_price_per_t) opt.carbon_price_per_t = *s.carbon_price_per_t;
    if (s.grid_factor_kg_per_kwh)
      opt.location_factor = {"scenario", *s.grid_factor_kg_per_kwh, 0,
                             a.scenario + ": grid emission_factor_kg_per_kwh"};
  }
  if (a.utc_offset) ro.utc_offset_minutes = *a.utc_offset;
  if (a.carbon_price) opt.carbon_price_per_t = *a.carbon_price;
  // A factor or share is a number, a built-in factor name, or a dataset of the results file.
  auto factor = [](const std::string& text, const char* flag, std::string& dataset, carbon::EmissionFactor& f) {
    if (text.empty()) return;
    if (text.front() == '/') dataset = text;
    else f = carbon::parse_grid_factor(text, flag);
  };
  factor(a.grid_factor, "--grid-factor", ro.location_factor_dataset, opt.location_factor);
  factor(a.residual_factor, "--residual-factor", ro.residual_factor_dataset, opt.residual_factor);
  if (!a.alt_residual_factor.empty())
    opt.alternative_residual_factor = carbon::parse_grid_factor(a.alt_residual_factor, "--alt-residual-factor");
  if (!a.clean_share.empty()) {
    if (a.clean_share.front() == '/') {
      ro.clean_share_dataset = a.clean_share;
    } else {
      try {
        std::size_t used = 0;
        opt.grid_clean_share = std::stod(a.clean_share, &used);
        if (used != a.clean_share.size()) throw std::invalid_argument("trailing characters");
      } catch (const std::exception&) {
        throw InputError("", "--clean-share", "expected a number in [0, 1] or a dataset path such as /series/clean_share, got \"" +
                                                  a.clean_share + "\"");
      }
    }
  }
  if (!std::filesystem::is_regular_file(a.results))
    throw InputError(a.results, "", std::filesystem::exists(a.results) ? "not a regular file" : "cannot open: no such file");
  carbon::Input in = carbon::read_results_h5(a.results, ro);
  in.gas_m3 = a.gas_m3;
  in.diesel_kg = a.diesel_kg;
  const carbon::Ledger ledger = carbon::certify(in, opt);
  for (const auto& note : ledger.notes) std::cerr << "ehub certify: " << note << '\n';
  std::cerr << ledger.brief_report() << '\n';
  if (!a.out.empty()) carbon::write_certified_h5(a.results, ledger, a.out);
  const std::string text = ledger.summary().dump(2);
  if (!a.summary.empty()) io::write_text_file_atomically(a.summary, text + "\n");
  else std::cout << text << std::endl;
  return kExitOk;
}

}  // namespace

Command add_certify_command(CLI::App& app) {
  auto a = std::make_shared<CertifyArgs>();
  auto* c = app.add_subcommand(
      "certify", "Green-certificate ledger and Scope 1/2 emissions of a results HDF5 file; prints or writes a summary");
  c->add_option("results", a->results, "Results HDF5 file in the dispatch layout")->required();  // a missing file is bad input (exit 1), checked when run
  c->add_option("--policy", a->policy,
                "Storage allocation: schedule (the dispatch's split), fifo, pro_rata, lifo "
                "(default: schedule when the file has the split, else fifo)")
      ->check(CLI::IsMember({"schedule", "fifo", "pro_rata", "lifo"}));
  c->add_option("--losses", a->losses, "Storage loss mode: physical (default) or metered")
      ->check(CLI::IsMember({"physical", "metered"}));
  c->add_option("--scenario", a->scenario,
                "Scenario JSON: battery efficiencies and self-discharge, UTC offset, carbon price, grid factor");
  c->add_option("--summary", a->summary, "Write the summary JSON here instead of stdout");
  c->add_option("--out", a->out, "Write a copy of the results with /certificates tables to this new HDF5 file");
  c->add_flag("--wh", a->integer_wh, "Account in whole Wh (floor, remainder carried)");
  c->add_flag("--pool-hours", a->pool_hours, "Pool sub-hourly steps into hours before matching");
  c->add_flag("--sell-exported", a->sell_exported, "Exported certificates are sold (the park keeps none of them)");
  c->add_option("--grid-factor", a->grid_factor,
                "Location-based factor: built-in name, kgCO2/kWh, or a dataset of the results file (/series/...)");
  c->add_option("--residual-factor", a->residual_factor, "Residual-mix factor for market-based Scope 2 (same forms)");
  c->add_option("--alt-residual-factor", a->alt_residual_factor,
                "Second residual factor reported for the annual market-based figure (default: the location factor)");
  c->add_option("--clean-share", a->clean_share, "Grid clean share: a number in [0, 1] or a dataset of the results file");
  c->add_option("--carbon-price", a->carbon_price, "Carbon price per tonne CO2")->check(ehub::cli::non_negative_number());
  c->add_option("--utc-offset", a->utc_offset, "Park's UTC offset in minutes (months, hours of day, GEC months)");
  c->add_option("--purchased-kwh", a->purchased_kwh, "Unbundled certificates retired for the period (annual view)")
      ->check(ehub::cli::non_negative_number());
  c->add_option("--gas-m3", a->gas_m3, "Natural gas burnt outside the schedule, m3 (Scope 1)")->check(ehub::cli::non_negative_number());
  c->add_option("--diesel-kg", a->diesel_kg, "Diesel burnt outside the schedule, kg (Scope 1)")->check(ehub::cli::non_negative_number());
  c->add_option("--floor-area", a->floor_area_m2, "Floor area in m2 (intensity per m2)")->check(ehub::cli::non_negative_number());
  c->add_option("--production-units", a->production_units, "Units of product (intensity per unit)")
      ->check(ehub::cli::non_negative_number());
  c->add_option("--metered-window-months", a->metered_window_months, "Metered loss mode: audit window, 1..6 months")
      ->check(CLI::Range(1, 6));
  return {c, [a] { return run_certify(*a); }};
}

}  // namespace ehub::cli
