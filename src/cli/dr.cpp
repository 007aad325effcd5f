// `ehub dr settle`: settle demand-response events (OpenADR-like JSON) against a meter's CSV with
// an X-of-Y customer baseline; optionally record them in the store (docs/demand_response.md).
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "ehub/core/error.hpp"
#include "ehub/dr/demand_response.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/store/store.hpp"

namespace ehub::cli {

Command add_dr_command(CLI::App& app);

namespace {

struct DrArgs {
  std::string events, csv, column, store, tenant, now;
  int utc_offset = 0, x_days = 4, y_days = 5, lookback = 45;
  std::string select, adjustment = "none";
  double adjustment_cap = 0.2;
};

int run_settle(const DrArgs& a) {
  dr::EventCheck check;
  check.utc_offset_minutes = a.utc_offset;
  if (!a.now.empty()) check.now_unix_s = parse_iso8601(a.now, a.utc_offset);
  const auto events = dr::load_events(a.events, check);
  io::CsvOptions o;
  o.default_utc_offset_minutes = a.utc_offset;
  const auto table = io::read_timeseries_csv(a.csv, o);
  const auto grid = table.grid();
  if (!grid) throw InputError(a.csv, "", "the timestamps are not a regular 5, 15, 30 or 60-minute grid");
  const std::size_t c = a.column.empty() ? 0 : table.column_index(a.column);
  ems::IntervalData m;
  m.point = table.columns.at(c);
  m.grid = *grid;
  m.value = table.values[c];
  m.quality.assign(static_cast<std::size_t>(grid->size()), 0);
  dr::BaselineRule r;
  r.x_days = a.x_days;
  r.y_days = a.y_days;
  r.max_lookback_days = a.lookback;
  r.select = a.select;
  r.adjustment = a.adjustment;
  r.adjustment_cap = a.adjustment_cap;
  r.utc_offset_minutes = a.utc_offset;
  std::unique_ptr<store::Store> st;
  if (!a.store.empty()) st = std::make_unique<store::Store>(store::Store::open(a.store));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : events) {
    const auto s = dr::settle(e, m, r, events);
    nlohmann::json days = s.baseline.days_used;
    nlohmann::json j = {{"event", e.id}, {"type", std::string(dr::to_string(e.type))},
                        {"start", format_iso8601(e.start_unix_s, a.utc_offset)}, {"end", format_iso8601(e.end_unix_s, a.utc_offset)},
                        {"requested_kwh", s.requested_kwh}, {"baseline_kwh", s.baseline_kwh}, {"metered_kwh", s.metered_kwh},
                        {"delivered_kwh", s.delivered_kwh}, {"performance", s.performance}, {"paid_kwh", s.paid_kwh},
                        {"payment", s.payment}, {"shortfall_kwh", s.shortfall_kwh}, {"penalty", s.penalty}, {"net", s.net},
                        {"baseline_days", days}, {"adjustment_factor", s.baseline.adjustment_factor}};
    if (st) j["store_id"] = dr::record_settlement(*st, e, s, a.tenant);
    out.push_back(j);
  }
  std::cout << out.dump(2) << std::endl;
  return kExitOk;
}

}  // namespace

Command add_dr_command(CLI::App& app) {
  auto a = std::make_shared<DrArgs>();
  auto* d = app.add_subcommand("dr", "Demand response: settle events against a customer baseline (docs/demand_response.md)");
  d->require_subcommand(1);
  auto* s = d->add_subcommand("settle", "Baseline, verified reduction, payment and penalty of each event (JSON)");
  s->add_option("events", a->events, "Events (OpenADR-like JSON)")->required();
  s->add_option("csv", a->csv, "The participant's metered energy per step (kWh): first column time")->required();
  s->add_option("--column", a->column, "Column of the CSV (default: the first)");
  s->add_option("--x", a->x_days, "Days averaged (X of Y, default 4)")->check(CLI::PositiveNumber);
  s->add_option("--y", a->y_days, "Most recent eligible days considered (default 5)")->check(CLI::PositiveNumber);
  s->add_option("--select", a->select, "highest (peak shaving default), lowest (valley filling default) or recent")
      ->check(CLI::IsMember({"highest", "lowest", "recent"}));
  s->add_option("--lookback", a->lookback, "Days searched for eligible days (default 45)")->check(CLI::PositiveNumber);
  s->add_option("--adjustment", a->adjustment, "Day-of adjustment: none (default), multiplicative, additive")
      ->check(CLI::IsMember({"none", "multiplicative", "additive"}));
  s->add_option("--adjustment-cap", a->adjustment_cap, "Cap of the day-of adjustment as a share (default 0.2)")->check(non_negative_number());
  s->add_option("--utc-offset", a->utc_offset, "The park's UTC offset in minutes (local days, naive times)");
  s->add_option("--now", a->now, "Refuse events that started before this time (ISO-8601)");
  s->add_option("--store", a->store, "Record the settled events in this store's demand-response table");
  s->add_option("--tenant", a->tenant, "Participant tenant of the recorded events");
  return {s, [a]() { return run_settle(*a); }};
}

}  // namespace ehub::cli
