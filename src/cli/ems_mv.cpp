// `ehub ems baseline`: fit a baseline on a baseline period of a CSV (energy and temperature
// columns), judge it by ASHRAE Guideline 14, and verify the savings of a reporting period
// (docs/baselines.md). `ehub ems alarms` is in ems_alarms.cpp.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "ehub/core/error.hpp"
#include "ehub/ems/alarms.hpp"
#include "ehub/ems/baseline.hpp"
#include "ehub/store/store.hpp"
#include "ehub/io/csv.hpp"

namespace ehub::cli {

Command add_ems_baseline_command(CLI::App& app);
Command add_ems_alarms_command(CLI::App& app);

namespace {

struct BaselineArgs {
  std::string csv, energy_column, temperature_column = "temperature_c";
  std::string baseline_start, baseline_end, reporting_start, reporting_end;
  std::string model = "towt", per = "monthly";
  int utc_offset = 0;
  double confidence = 0.9, min_days = 365;
  bool allow_unacceptable = false, no_segments = false;
};

nlohmann::json js(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json fit_json(const ems::GoodnessOfFit& g) {
  return {{"granularity", std::string(ems::to_string(g.granularity))},
          {"n", g.n},
          {"p", g.p},
          {"cv_rmse", js(g.cv_rmse)},
          {"nmbe", js(g.nmbe)},
          {"r_squared", js(g.r_squared)},
          {"rho_lag1", js(g.rho_lag1)},
          {"max_cv_rmse", g.gates.max_cv_rmse},
          {"max_abs_nmbe", g.gates.max_abs_nmbe},
          {"acceptable", g.acceptable},
          {"reason", g.reason}};
}

/// The rows [start, end) of the table as IntervalData of `column`, with the temperature.
std::pair<ems::IntervalData, Eigen::VectorXd> period(const io::CsvSeriesTable& t, const TimeGrid& grid, const std::string& column,
                                                      std::size_t temp_col, const std::string& start_opt, const std::string& start,
                                                      const std::string& end, int off) {
  const auto t0 = parse_iso8601(start, off), t1 = parse_iso8601(end, off);
  if (t1 <= t0) throw InputError("", start_opt, "the period must end after it starts (" + start + " .. " + end + ")");
  const auto i0 = grid.index_of(t0), i1 = t1 == grid.end_unix_s() ? std::optional<std::int64_t>(grid.size()) : grid.index_of(t1);
  if (!i0 || !i1)
    throw InputError(t.source, start_opt, "the period " + start + " .. " + end + " is not inside the file's steps (" +
                                              format_iso8601(grid.start_unix_s(), off) + " .. " + format_iso8601(grid.end_unix_s(), off) + ")");
  const std::size_t c = t.column_index(column);
  ems::IntervalData d;
  d.point = column;
  d.grid = grid.slice(*i0, *i1 - *i0);
  d.value = t.values[c].segment(*i0, *i1 - *i0);
  d.quality.assign(static_cast<std::size_t>(d.value.size()), 0);
  for (Eigen::Index i = 0; i < d.value.size(); ++i)
    if (std::isnan(d.value[i])) d.quality[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(store::Quality::missing);
  return {d, Eigen::VectorXd(t.values[temp_col].segment(*i0, *i1 - *i0))};
}

int run_baseline(const BaselineArgs& a) {
  io::CsvOptions o;
  o.default_utc_offset_minutes = a.utc_offset;
  const auto table = io::read_timeseries_csv(a.csv, o);
  const auto grid = table.grid();
  if (!grid) throw InputError(a.csv, "", "the timestamps are not a regular 5, 15, 30 or 60-minute grid");
  const std::string energy_col = a.energy_column.empty() ? table.columns.at(0) : a.energy_column;
  const std::size_t tc = table.column_index(a.temperature_column);
  auto [base, base_t] = period(table, *grid, energy_col, tc, "--baseline-start", a.baseline_start, a.baseline_end, a.utc_offset);
  nlohmann::json out;
  ems::GoodnessOfFit fit;
  ems::TowtModel towt;
  ems::ChangePointModel cp;
  ems::Granularity per = ems::granularity_from_string(a.per);
  if (a.model == "daily" || a.model == "monthly") per = ems::granularity_from_string(a.model);
  if (a.model == "towt") {
    ems::TowtOptions to;
    to.utc_offset_minutes = a.utc_offset;
    to.monthly_segments = !a.no_segments;
    to.sufficiency.min_days = a.min_days;
    towt = ems::fit_towt(base, base_t, to);
    fit = towt.fit;
    out["sufficiency"] = {{"days", towt.sufficiency.days}, {"day_coverage", towt.sufficiency.day_coverage}, {"sufficient", true}};
    out["model"] = {{"kind", "towt"}, {"segments", towt.segments.size()}};
  } else if (a.model == "daily" || a.model == "monthly") {
    const auto g = ems::granularity_from_string(a.model);
    const auto pd = ems::period_data(base, base_t, g, a.utc_offset);
    ems::ChangePointOptions co;
    co.granularity = g;
    cp = ems::fit_best_change_point(pd.mean_temperature_c, pd.energy_per_day_kwh, co,
                                    g == ems::Granularity::monthly ? pd.days : Eigen::VectorXd());
    fit = cp.fit;
    out["model"] = {{"kind", std::string(ems::to_string(cp.kind))}, {"b0", cp.b0}, {"b1", cp.b1}, {"b2", cp.b2},
                    {"cp1_c", cp.cp1_c}, {"cp2_c", cp.cp2_c}};
  } else {
    throw InputError("", "--model", "unknown model \"" + a.model + "\" (towt, daily, monthly)");
  }
  out["fit"] = fit_json(fit);
  int code = fit.acceptable ? kExitOk : kExitInput;
  if (!a.reporting_start.empty() || !a.reporting_end.empty()) {
    if (a.reporting_start.empty() || a.reporting_end.empty())
      throw InputError("", "--reporting-start", "give both --reporting-start and --reporting-end");
    auto [rep, rep_t] = period(table, *grid, energy_col, tc, "--reporting-start", a.reporting_start, a.reporting_end, a.utc_offset);
    // TOWT: hour by hour. Change points: per reporting day or month (m counts those periods).
    Eigen::VectorXd pred, met;
    std::vector<std::string> labels;
    if (a.model == "towt") {
      pred = towt.predict(rep.grid, rep_t);
      met = rep.value;
    } else {
      const auto pd = ems::period_data(rep, rep_t, per, a.utc_offset);
      pred = cp.predict(pd.mean_temperature_c).cwiseProduct(pd.days);
      met = pd.energy_per_day_kwh.cwiseProduct(pd.days);
      for (auto t0 : pd.start_unix_s) labels.push_back(format_iso8601(t0, a.utc_offset).substr(0, per == ems::Granularity::daily ? 10 : 7));
    }
    const auto s = ems::verify_savings(fit, pred, met, {a.confidence, a.allow_unacceptable});
    out["savings"] = {{"status", s.status},
                      {"m", s.m},
                      {"adjusted_baseline_kwh", js(s.adjusted_baseline_kwh)},
                      {"metered_kwh", js(s.metered_kwh)},
                      {"avoided_kwh", js(s.avoided_kwh)},
                      {"savings_fraction", js(s.savings_fraction)},
                      {"fractional_uncertainty", js(s.fractional_uncertainty)},
                      {"uncertainty_kwh", js(s.uncertainty_kwh)},
                      {"confidence", s.confidence},
                      {"n_effective", js(s.n_effective)},
                      {"enpi", js(s.enpi)}};
    nlohmann::json rows = nlohmann::json::array();
    if (a.model == "towt") {
      for (const auto& r : ems::savings_table(rep.grid, pred, met, per, a.utc_offset))
        rows.push_back({{"period", r.label}, {"adjusted_baseline_kwh", js(r.adjusted_baseline_kwh)}, {"metered_kwh", js(r.metered_kwh)},
                        {"avoided_kwh", js(r.avoided_kwh)}, {"savings_fraction", js(r.savings_fraction)},
                        {"cumulative_avoided_kwh", js(r.cumulative_avoided_kwh)}});
    } else {
      double cum = 0;
      for (std::size_t k = 0; k < labels.size(); ++k) {
        const auto i = static_cast<Eigen::Index>(k);
        const double avoided = pred[i] - met[i];
        if (std::isfinite(avoided)) cum += avoided;
        rows.push_back({{"period", labels[k]}, {"adjusted_baseline_kwh", js(pred[i])}, {"metered_kwh", js(met[i])},
                        {"avoided_kwh", js(avoided)}, {"savings_fraction", js(avoided / pred[i])}, {"cumulative_avoided_kwh", cum}});
      }
    }
    out["table"] = rows;
    if (s.status != "ok" && !a.allow_unacceptable) code = kExitInput;
  }
  std::cout << out.dump(2) << std::endl;
  if (code != kExitOk) std::cerr << "ehub: the baseline model is not acceptable: " << fit.reason << std::endl;
  return code;
}

struct AlarmArgs {
  std::string rules, csv, store, tenant;
  int utc_offset = 0;
};

int run_alarms(const AlarmArgs& a) {
  io::CsvOptions o;
  o.default_utc_offset_minutes = a.utc_offset;
  const auto table = io::read_timeseries_csv(a.csv, o);
  // The CSV's columns are the points there are: a rule naming another is an error with its path.
  const auto rules = ems::load_alarm_rules(a.rules, table.columns);
  ems::AlarmEngine engine(rules);
  nlohmann::json events = nlohmann::json::array();
  engine.add_sink([&events, &rules](const ems::AlarmEvent& e) {
    events.push_back({{"time", format_iso8601(e.t_unix_s, rules.utc_offset_minutes)}, {"alarm_id", e.alarm_id},
                      {"kind", std::string(ems::to_string(e.kind))}, {"rule", e.rule}, {"point", e.point},
                      {"severity", std::string(ems::to_string(e.severity))}, {"value", js(e.value)}, {"message", e.message},
                      {"suppressed_by", e.suppressed_by}});
  });
  std::unique_ptr<store::Store> st;
  std::unique_ptr<ems::StoreAlarmSink> sink;
  if (!a.store.empty()) {
    if (a.tenant.empty()) throw InputError("", "--tenant", "writing alarms to the store needs the tenant they belong to");
    st = std::make_unique<store::Store>(store::Store::open(a.store));
    sink = std::make_unique<ems::StoreAlarmSink>(*st, a.tenant, false);
    engine.add_sink([&sink](const ems::AlarmEvent& e) { (*sink)(e); });
  }
  std::vector<int> ids;
  for (const auto& c : table.columns) ids.push_back(engine.point_id(c));
  for (std::int64_t r = 0; r < table.rows(); ++r) {
    engine.advance(table.time_unix_s[static_cast<std::size_t>(r)]);
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const double v = table.values[c][r];
      if (ids[c] >= 0 && std::isfinite(v)) engine.push(ids[c], table.time_unix_s[static_cast<std::size_t>(r)], v);  // a missing value is no reading
    }
  }
  nlohmann::json active = nlohmann::json::array();
  for (const auto& x : engine.active())
    active.push_back({{"alarm_id", x.alarm_id}, {"rule", x.rule}, {"severity", std::string(ems::to_string(x.severity))},
                      {"raised", format_iso8601(x.raised_unix_s, rules.utc_offset_minutes)}, {"suppressed", x.suppressed}});
  std::cout << nlohmann::json{{"events", events}, {"active", active}}.dump(2) << std::endl;
  return kExitOk;
}

}  // namespace

Command add_ems_alarms_command(CLI::App& app) {
  auto a = std::make_shared<AlarmArgs>();
  auto* c = app.get_subcommand("ems")->add_subcommand("alarms", "Evaluate alarm rules over a CSV of readings, reading by reading (docs/alarms.md)");
  c->add_option("rules", a->rules, "Rule file (JSON)")->required();
  c->add_option("csv", a->csv, "Readings: first column time, one column per point (empty = no reading)")->required();
  c->add_option("--store", a->store, "Also write the events to this store's alarm table");
  c->add_option("--tenant", a->tenant, "Tenant of the alarms written to the store");
  c->add_option("--utc-offset", a->utc_offset, "UTC offset (minutes) of naive times in the CSV");
  return {c, [a]() { return run_alarms(*a); }};
}

Command add_ems_baseline_command(CLI::App& app) {
  auto a = std::make_shared<BaselineArgs>();
  auto* ems = app.get_subcommand("ems");
  auto* b = ems->add_subcommand("baseline", "Fit a baseline, judge it by ASHRAE Guideline 14, verify savings (docs/baselines.md)");
  b->add_option("csv", a->csv, "Time-series CSV: first column time, an energy column (kWh per step) and a temperature column")->required();
  b->add_option("--energy-column", a->energy_column, "Energy column (default: the first)");
  b->add_option("--temperature-column", a->temperature_column, "Temperature column, deg C (default temperature_c)");
  b->add_option("--baseline-start", a->baseline_start, "Baseline period start (ISO-8601)")->required();
  b->add_option("--baseline-end", a->baseline_end, "Baseline period end, exclusive")->required();
  b->add_option("--reporting-start", a->reporting_start, "Reporting period start");
  b->add_option("--reporting-end", a->reporting_end, "Reporting period end, exclusive");
  b->add_option("--model", a->model, "towt (hourly, default), daily or monthly (change-point models 2P..5P, the best)")
      ->check(CLI::IsMember({"towt", "daily", "monthly"}));
  b->add_option("--per", a->per, "Rows of the savings table: monthly (default) or daily")->check(CLI::IsMember({"daily", "monthly"}));
  b->add_option("--confidence", a->confidence, "Confidence of the savings uncertainty (default 0.9)")->check(CLI::Range(0.5, 0.999));
  b->add_option("--min-days", a->min_days, "Baseline length CalTRACK asks for (default 365)")->check(non_negative_number());
  b->add_option("--utc-offset", a->utc_offset, "The park's UTC offset in minutes (time of week, months)");
  b->add_flag("--no-segments", a->no_segments, "One TOWT model instead of CalTRACK's twelve month-weighted ones");
  b->add_flag("--allow-unacceptable", a->allow_unacceptable, "Report savings even when the model fails the Guideline 14 gates");
  return {b, [a]() { return run_baseline(*a); }};
}

}  // namespace ehub::cli
