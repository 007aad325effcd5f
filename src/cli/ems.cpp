// `ehub ems ...`: meter data from a CSV file or the store: clean (validation, estimation, editing;
// with --write the edits go back to the store, audited), stats (load statistics and period
// totals), kpis (standard coal equivalent, intensities, carbon of a period's energy use).
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "ehub/core/error.hpp"
#include "ehub/ems/cleaning.hpp"
#include "ehub/ems/kpi.hpp"
#include "ehub/ems/statistics.hpp"
#include "ehub/ems/store_io.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/json.hpp"
#include "ehub/io/text_file.hpp"
#include "ehub/store/store.hpp"

namespace ehub::cli {

Command add_ems_command(CLI::App& app);

namespace {

struct EmsArgs {
  // input: a CSV file (one or more columns) or a point of the store
  std::string csv, column, store, point, start, end;
  int step_minutes = 15;
  int utc_offset = 0;
  // clean
  std::string out, edits_out;
  bool write = false;
  double min_value = -INFINITY, max_value = INFINITY, max_step_change = INFINITY;
  int hampel = 0, stuck = 0, max_gap = 4, profile_days = 14;
  bool no_profile = false;
  // stats
  std::string period = "month";
  // kpis
  double electricity_kwh = 0, gas_m3 = 0, diesel_kg = 0, heat_mj = 0, floor_area_m2 = 0, units = 0, persons = 0;
  double grid_factor = 0.5366, equal_value = NAN, certificates_kwh = 0, residual_factor = 0.5856;
};

/// The series to work on: every (or one) column of the CSV, or the store's point on a grid. For
/// statistics the CSV reader's sentinels (-999, ...) are missing values.
std::vector<ems::IntervalData> inputs(const EmsArgs& a, bool for_cleaning) {
  std::vector<ems::IntervalData> out;
  if (!a.store.empty()) {
    if (a.point.empty() || a.start.empty() || a.end.empty())
      throw InputError("", "--store", "reading from the store needs --point, --start and --end");
    const auto t0 = parse_iso8601(a.start, a.utc_offset), t1 = parse_iso8601(a.end, a.utc_offset);
    const std::int64_t step = std::int64_t{a.step_minutes} * 60;
    if (t1 <= t0 || (t1 - t0) % step != 0)
      throw InputError("", "--end", "must come after --start by a whole number of " + std::to_string(a.step_minutes) + "-minute steps");
    const TimeGrid grid(t0, a.step_minutes, (t1 - t0) / step);
    store::OpenOptions ro;
    ro.read_only = true;
    auto s = store::Store::open(a.store, ro);
    out.push_back(ems::read_interval(s, a.point, grid));
    return out;
  }
  if (a.csv.empty()) throw InputError("", "", "give a CSV file or --store URL --point NAME");
  io::CsvOptions o;
  o.default_utc_offset_minutes = a.utc_offset;
  if (for_cleaning) o.sentinels.clear();  // sentinels are a cleaning rule there, so their removal is listed
  const auto table = io::read_timeseries_csv(a.csv, o);
  const auto grid = table.grid();
  if (!grid) throw InputError(a.csv, "", "the timestamps are not a regular 5, 15, 30 or 60-minute grid (a row is missing or repeated)");
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (!a.column.empty() && table.columns[c] != a.column) continue;
    ems::IntervalData d;
    d.point = table.columns[c];
    d.grid = *grid;
    d.value = table.values[c];
    d.quality.assign(static_cast<std::size_t>(grid->size()), static_cast<std::uint8_t>(store::Quality::good));
    for (Eigen::Index i = 0; i < d.value.size(); ++i)
      if (std::isnan(d.value[i])) d.quality[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(store::Quality::missing);
    out.push_back(std::move(d));
  }
  if (out.empty()) table.column_index(a.column);  // throws naming the columns there are
  return out;
}

std::string num(double v) { return std::isnan(v) ? std::string() : io::format_number(v); }

/// A figure for the JSON output: the number, or null when it is undefined (NaN, infinite).
nlohmann::json js(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

int run_clean(const EmsArgs& a) {
  ems::CleaningRules r;
  r.min_value = a.min_value;
  r.max_value = a.max_value;
  r.max_step_change = a.max_step_change;
  r.hampel_half_window = a.hampel;
  r.stuck_steps = a.stuck;
  r.max_linear_gap_steps = a.max_gap;
  r.fill_long_gaps_by_profile = !a.no_profile;
  r.profile_search_days = a.profile_days;
  r.utc_offset_minutes = a.utc_offset;
  r.validate();
  if (a.write && a.store.empty()) throw InputError("", "--write", "writes the edits back to the store: give --store");
  nlohmann::json summary = nlohmann::json::object();
  std::string csv = "time,point,value,quality\n", edits = "time,point,rule,old_value,new_value,old_quality,new_quality\n";
  for (const auto& d : inputs(a, true)) {
    const auto c = ems::clean(d, r);
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [rule, n] : c.counts()) counts[rule] = n;
    summary[d.point] = {{"steps", d.size()}, {"edits", c.edits.size()}, {"by_rule", counts}};
    for (std::int64_t i = 0; i < c.data.size(); ++i)
      csv.append(format_iso8601(c.data.grid.time_unix_s(i), a.utc_offset)).append(",").append(d.point).append(",")
          .append(num(c.data.value[i])).append(",")
          .append(store::to_string(static_cast<store::Quality>(c.data.quality[static_cast<std::size_t>(i)]))).append("\n");
    for (const auto& e : c.edits)
      edits.append(format_iso8601(e.t_unix_s, a.utc_offset)).append(",").append(d.point).append(",").append(e.rule).append(",")
          .append(num(e.old_value)).append(",").append(num(e.new_value)).append(",")
          .append(store::to_string(static_cast<store::Quality>(e.old_quality))).append(",")
          .append(store::to_string(static_cast<store::Quality>(e.new_quality))).append("\n");
    if (a.write) {  // one batch per rule, so the audit log names the rule of every replaced reading
      auto s = store::Store::open(a.store);
      summary[d.point]["written"] = ems::write_edits(s, d.point, c);
    }
  }
  if (!a.out.empty()) io::write_text_file_atomically(a.out, csv);
  if (!a.edits_out.empty()) io::write_text_file_atomically(a.edits_out, edits);
  std::cout << summary.dump() << std::endl;
  return kExitOk;
}

int run_stats(const EmsArgs& a) {
  ems::StatisticsOptions o;
  o.utc_offset_minutes = a.utc_offset;
  const auto period = ems::period_from_string(a.period);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& d : inputs(a, false)) {
    const auto s = ems::load_statistics(d, o);
    nlohmann::json j = {{"energy_kwh", js(s.energy_kwh)}, {"mean_kw", js(s.mean_kw)}, {"peak_kw", js(s.peak_kw)},
                        {"peak_time", format_iso8601(s.peak_unix_s, a.utc_offset)}, {"base_kw", js(s.base_kw)},
                        {"load_factor", js(s.load_factor)}, {"peak_to_valley", js(s.peak_to_valley)},
                        {"night_share", js(s.night_share)}, {"weekend_share", js(s.weekend_share)},
                        {"completeness", js(s.completeness)}, {"good_share", js(s.good_share)}};
    const auto t = ems::period_totals(d, period, o);
    const auto change = ems::change_ratio(t.energy_kwh, 1);
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < t.start_unix_s.size(); ++i)
      rows.push_back({{"start", format_iso8601(t.start_unix_s[i], a.utc_offset)}, {"energy_kwh", js(t.energy_kwh[i])},
                      {"peak_kw", js(t.peak_kw[i])}, {"completeness", js(t.completeness[i])}, {"change", js(change[i])}});
    j[std::string(ems::to_string(period))] = rows;
    out[d.point] = j;
  }
  std::cout << out.dump(2) << std::endl;
  return kExitOk;
}

int run_kpis(const EmsArgs& a) {
  ems::EnergyUse u;
  u.electricity_kwh = a.electricity_kwh;
  u.natural_gas_m3 = a.gas_m3;
  u.diesel_kg = a.diesel_kg;
  u.heat_mj = a.heat_mj;
  ems::KpiOptions o;
  o.floor_area_m2 = a.floor_area_m2;
  o.production_units = a.units;
  o.persons = a.persons;
  o.grid_kg_per_kwh = a.grid_factor;
  o.coal.electricity_equal_value_kgce_per_kwh = a.equal_value;
  o.certificates_retired_kwh = a.certificates_kwh;
  o.residual_kg_per_kwh = a.residual_factor;
  const auto k = ems::energy_kpis(u, o);
  std::cout << nlohmann::json{{"coal_calorific_kgce", js(k.coal_calorific_kgce)}, {"coal_equal_value_kgce", js(k.coal_equal_value_kgce)},
                              {"electricity_share_calorific", js(k.electricity_share_calorific)}, {"kgce_per_m2", js(k.kgce_per_m2)},
                              {"kgce_per_unit", js(k.kgce_per_unit)}, {"kgce_per_person", js(k.kgce_per_person)},
                              {"kwh_per_m2", js(k.kwh_per_m2)}, {"carbon_location_kg", js(k.carbon_location_kg)},
                              {"carbon_kg_per_m2", js(k.carbon_kg_per_m2)}, {"scope2_location_kg", js(k.scope2_location_kg)},
                              {"scope2_market_kg", js(k.scope2_market_kg)}, {"carbon_market_kg", js(k.carbon_market_kg)}}
                   .dump(2)
            << std::endl;
  return kExitOk;
}

}  // namespace

Command add_ems_command(CLI::App& app) {
  auto a = std::make_shared<EmsArgs>();
  auto* c = app.add_subcommand("ems", "Meter data: clean, statistics and period totals, energy KPIs (docs/ems.md)");
  c->require_subcommand(1);
  auto input = [&](CLI::App* sub) {
    sub->add_option("csv", a->csv, "Time-series CSV (first column time, one column per point)");
    sub->add_option("--column", a->column, "Only this column of the CSV");
    sub->add_option("--store", a->store, "Read the point from this store URL instead of a CSV");
    sub->add_option("--point", a->point, "Point of the store");
    sub->add_option("--start", a->start, "First step (ISO-8601), with --store");
    sub->add_option("--end", a->end, "End, exclusive (ISO-8601), with --store");
    sub->add_option("--step", a->step_minutes, "Step in minutes, with --store (default 15)")->check(CLI::IsMember({5, 15, 30, 60}));
    sub->add_option("--utc-offset", a->utc_offset, "The park's UTC offset in minutes (local days, night hours, naive times)");
  };
  auto* cl = c->add_subcommand("clean", "Validate, estimate and edit: writes cleaned values and the list of edits as CSV");
  input(cl);
  cl->add_option("--out", a->out, "Cleaned values CSV (time,point,value,quality)");
  cl->add_option("--edits", a->edits_out, "Edits CSV (time,point,rule,old_value,new_value,old_quality,new_quality)");
  cl->add_flag("--write", a->write, "Write the edits back to the store (replaced readings are audited with their rule)");
  cl->add_option("--min-value", a->min_value, "Range check: lowest plausible value");
  cl->add_option("--max-value", a->max_value, "Range check: highest plausible value");
  cl->add_option("--hampel", a->hampel, "Hampel filter half window in steps (0: off)")->check(CLI::NonNegativeNumber);
  cl->add_option("--max-step-change", a->max_step_change, "Spike: a value this far from both neighbours (off by default)");
  cl->add_option("--stuck", a->stuck, "Flag this many equal values in a row as suspect (0: off)")->check(CLI::NonNegativeNumber);
  cl->add_option("--max-gap", a->max_gap, "Fill gaps of at most this many steps linearly (default 4)")->check(CLI::NonNegativeNumber);
  cl->add_flag("--no-profile", a->no_profile, "Leave longer gaps missing instead of filling them from similar days");
  cl->add_option("--profile-days", a->profile_days, "How far to look for a similar day (default 14)");
  auto* st = c->add_subcommand("stats", "Load statistics and totals per hour, day, week, month or year (JSON)");
  input(st);
  st->add_option("--period", a->period, "quarter_hour, hour, day, week, month (default) or year")
      ->check(CLI::IsMember({"quarter_hour", "hour", "day", "week", "month", "year"}));
  auto* kp = c->add_subcommand("kpis", "Standard coal equivalent (GB/T 2589-2020), intensities and carbon of a period (JSON)");
  kp->add_option("--electricity-kwh", a->electricity_kwh, "Net purchased electricity");
  kp->add_option("--gas-m3", a->gas_m3, "Natural gas")->check(CLI::NonNegativeNumber);
  kp->add_option("--diesel-kg", a->diesel_kg, "Diesel")->check(CLI::NonNegativeNumber);
  kp->add_option("--heat-mj", a->heat_mj, "Purchased heat")->check(CLI::NonNegativeNumber);
  kp->add_option("--floor-area", a->floor_area_m2, "Floor area, m2")->check(CLI::NonNegativeNumber);
  kp->add_option("--units", a->units, "Units of product")->check(CLI::NonNegativeNumber);
  kp->add_option("--persons", a->persons, "People")->check(CLI::NonNegativeNumber);
  kp->add_option("--grid-factor", a->grid_factor, "Location-based grid factor, kgCO2/kWh (default 0.5366, national average 2022)")->check(CLI::NonNegativeNumber);
  kp->add_option("--equal-value", a->equal_value, "Electricity's equal-value coefficient for the year, kgce/kWh")->check(CLI::NonNegativeNumber);
  kp->add_option("--certificates-kwh", a->certificates_kwh, "Certificates retired for the period (market-based Scope 2)")
      ->check(CLI::NonNegativeNumber);
  kp->add_option("--residual-factor", a->residual_factor, "Residual-mix factor, kgCO2/kWh (default 0.5856)")->check(CLI::NonNegativeNumber);
  st->alias("aggregate");
  auto run = [a, cl, st, kp]() -> int {
    if (cl->parsed()) return run_clean(*a);
    if (st->parsed()) return run_stats(*a);
    if (kp->parsed()) return run_kpis(*a);
    return kExitUsage;
  };
  return {c, run};
}

}  // namespace ehub::cli
