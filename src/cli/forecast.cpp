// `ehub forecast`: rolling-origin backtests of forecasters on a CSV column (a table on stdout, a
// JSON summary with --summary), a forecast from one origin, and the list of models
// (docs/forecasting.md).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ehub/io/json.hpp"
#include "ehub/io/text_file.hpp"
#include "ehub/core/error.hpp"
#include "ehub/forecast/forecast.hpp"
#include "ehub/io/csv.hpp"

namespace ehub::cli {

Command add_forecast_command(CLI::App& app);

namespace {

namespace fc = ehub::forecast;

struct ForecastArgs {
  std::string target;
  std::string weather;
  std::string model = "all";
  std::string model_options;
  int horizon_hours = 24;
  int origin_hour = 10;
  bool intraday = false;
  bool backtest = false;
  bool list_models = false;
  std::string summary;
  std::string out;
  std::string holidays = "none";
  std::string origin;
  std::optional<int> utc_offset;
  int min_history_days = 28;
  int refit_every_days = 7;
  int max_training_days = 0;
  std::string quantiles = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9";
  double capacity = 0.0;
  std::string benchmark = "seasonal_naive_week";
  std::string quantile_source = "online";
};

// The UTC offset written in the first timestamp of a CSV file (nullopt: none or not ISO).
std::optional<int> first_timestamp_offset(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  int row = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (row++ == 0) continue;  // header
    std::string field = line.substr(0, line.find(','));
    while (!field.empty() && (field.back() == '\r' || field.back() == ' ' || field.back() == '"')) field.pop_back();
    if (field.size() < 16) return std::nullopt;
    if (field.back() == 'Z' || field.back() == 'z') return 0;
    const std::size_t n = field.size();
    if (n >= 6 && (field[n - 6] == '+' || field[n - 6] == '-') && field[n - 3] == ':') {
      const int h = std::stoi(field.substr(n - 5, 2)), m = std::stoi(field.substr(n - 2, 2));
      return (field[n - 6] == '-' ? -1 : 1) * (h * 60 + m);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::vector<double> parse_levels(const std::string& text) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      std::size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw InputError("", "--quantiles", "\"" + item + "\" is not a number");
    }
  }
  return out;
}

nlohmann::json read_model_options(const std::string& spec) {
  if (spec.empty()) return nlohmann::json::object();
  std::string text = spec;
  std::string source = "--model-options";
  if (spec.front() != '{') {
    std::ifstream in(spec, std::ios::binary);
    if (!in) throw InputError(spec, "", "cannot open the model options file");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    source = spec;
  }
  const nlohmann::json j = io::parse_json(text, source);
  if (!j.is_object()) throw InputError(source, "", "must be a JSON object {\"<model>\": {options}, ...}");
  return j;
}

int run_list() {
  for (const auto& info : fc::list_forecasters()) {
    std::string needs;
    if (info.needs_plant) needs = "  [needs --model-options with a plant]";
    else if (info.needs_weather) needs = "  [uses --weather when given]";
    std::printf("%-22s %s%s\n", info.name.c_str(), info.description.c_str(), needs.c_str());
  }
  return kExitOk;
}

// Runs fn; an InputError about the data that names no file (a model's "needs 14 days of
// history") is re-thrown naming the target CSV and column.
template <typename Fn>
auto naming_the_csv(const std::string& file, const std::string& column, Fn&& fn) {
  try {
    return fn();
  } catch (const InputError& e) {
    if (!e.file().empty() || (!e.path().empty() && e.path().rfind("--", 0) == 0)) throw;
    throw InputError(file, "column " + column + (e.path().empty() ? "" : ": " + e.path()), e.detail());
  }
}

int run_forecast(const ForecastArgs& a) {
  if (a.list_models) return run_list();
  for (const std::string* p : {&a.out, &a.summary})  // checked before any work
    if (!p->empty()) io::check_output_path(*p);
  if (a.target.empty()) throw InputError("", "--target", "give --target FILE.csv:COLUMN (or --list-models)");
  const auto colon = a.target.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == a.target.size())
    throw InputError("", "--target", "must be FILE.csv:COLUMN, got \"" + a.target + "\"");
  const std::string file = a.target.substr(0, colon), column = a.target.substr(colon + 1);

  fc::ForecastOptions fo;
  fo.calendar.utc_offset_minutes = a.utc_offset ? *a.utc_offset : first_timestamp_offset(file).value_or(0);
  fo.calendar.holidays = fc::HolidayCalendar::from_spec(a.holidays);
  fo.schedule.origin_hour = a.origin_hour;
  fo.schedule.day_ahead = !a.intraday;
  fo.quantile_levels = parse_levels(a.quantiles);

  io::CsvOptions csv;
  csv.default_utc_offset_minutes = fo.calendar.utc_offset_minutes;
  const io::CsvSeriesTable table = io::read_timeseries_csv(file, csv);
  fc::History data;
  data.target = table.series(column);
  if (a.horizon_hours < 1) throw InputError("", "--horizon-hours", "must be >= 1");
  if ((a.horizon_hours * 60) % data.target.grid().step_minutes() != 0)
    throw InputError("", "--horizon-hours", "must be a whole number of the target's steps");
  fo.schedule.horizon_steps = a.horizon_hours * 60 / data.target.grid().step_minutes();
  if (!a.weather.empty()) {
    const io::CsvSeriesTable wt = a.weather == file ? table : io::read_timeseries_csv(a.weather, csv);
    const auto wg = wt.grid();
    if (!wg) throw InputError(a.weather, "", "the weather timestamps are not a regular 5/15/30/60-minute grid");
    fc::Exogenous ex(*wg);
    for (std::size_t c = 0; c < wt.columns.size(); ++c)
      if (!(a.weather == file && wt.columns[c] == column)) ex.add(wt.columns[c], wt.values[c]);
    data.exogenous = std::move(ex);
  }
  if (!fo.calendar.holidays.empty()) {
    const int y0 = to_local(data.target.grid().start_unix_s(), fo.calendar.utc_offset_minutes).year;
    const int y1 = to_local(data.target.grid().end_unix_s() - 1, fo.calendar.utc_offset_minutes).year;
    const auto ys = fo.calendar.holidays.years();
    for (int y = y0; y <= y1; ++y)
      if (std::find(ys.begin(), ys.end(), y) == ys.end())
        std::cerr << "ehub: warning: the holiday calendar " << fo.calendar.holidays.name() << " has no entry for " << y
                  << "\n";
  }

  // Models.
  const nlohmann::json mopts = read_model_options(a.model_options);
  std::vector<std::string> names;
  if (a.model == "all") {
    for (const auto& info : fc::list_forecasters())
      if (!info.needs_plant || mopts.contains(info.name)) names.push_back(info.name);
  } else {
    std::stringstream ss(a.model);
    std::string item;
    while (std::getline(ss, item, ','))
      if (!item.empty()) names.push_back(item);
  }
  for (auto it = mopts.begin(); it != mopts.end(); ++it)
    if (std::find(names.begin(), names.end(), it.key()) == names.end() && a.model != "all")
      throw InputError("", "--model-options/" + it.key(), "options for a model that is not run");
  std::vector<fc::Forecaster> models;
  for (const auto& n : names)
    models.push_back(fc::make_forecaster(n, fo, mopts.contains(n) ? mopts.at(n) : nlohmann::json::object()));

  if (a.backtest) {
    fc::BacktestOptions bo;
    bo.forecast = fo;
    bo.min_history_days = a.min_history_days;
    bo.refit_every_days = a.refit_every_days;
    bo.max_training_days = a.max_training_days;
    bo.benchmark = a.benchmark;
    if (a.capacity > 0) bo.normaliser = a.capacity;
    bo.quantiles = a.quantile_source == "model" ? fc::QuantileSource::model : fc::QuantileSource::online;
    const fc::BacktestResult r = naming_the_csv(file, column, [&] { return fc::backtest(data, models, bo); });
    std::cout << r.brief_report() << std::flush;
    nlohmann::json s = r.summary();
    s["target"] = a.target;
    s["utc_offset_minutes"] = fo.calendar.utc_offset_minutes;
    s["holidays"] = fo.calendar.holidays.name();
    s["origin_hour"] = a.origin_hour;
    s["day_ahead"] = !a.intraday;
    if (!a.summary.empty()) io::write_text_file_atomically(a.summary, s.dump(2) + "\n");
    if (!a.out.empty()) {
      std::string csv_out = "origin,timestamp,actual";
      for (const auto& m : r.models) csv_out += "," + m.model;
      csv_out += "\n";
      for (std::size_t k = 0; k < r.origins.size(); ++k) {
        const TimeGrid w(r.window_start_unix_s[k], r.step_minutes, r.actual.cols());
        for (Eigen::Index j = 0; j < r.actual.cols(); ++j) {
          csv_out += format_iso8601(r.origins[k], fo.calendar.utc_offset_minutes);
          csv_out += ',';
          csv_out += format_iso8601(w.time_unix_s(j), fo.calendar.utc_offset_minutes);
          char buf[40];
          std::snprintf(buf, sizeof buf, ",%.6g", r.actual(static_cast<Eigen::Index>(k), j));
          csv_out += std::isfinite(r.actual(static_cast<Eigen::Index>(k), j)) ? std::string(buf) : std::string(",");
          for (const auto& m : r.models) {
            std::snprintf(buf, sizeof buf, ",%.6g", m.point(static_cast<Eigen::Index>(k), j));
            csv_out += buf;
          }
          csv_out += '\n';
        }
      }
      io::write_text_file_atomically(a.out, csv_out);
    }
    return kExitOk;
  }

  // One forecast from an origin (default: the latest scheduled origin in the data).
  const std::int64_t end = data.target.grid().end_unix_s();
  const std::int64_t origin = a.origin.empty() ? fo.schedule.origin_at_or_before(end, fo.calendar)
                                               : parse_iso8601(a.origin, fo.calendar.utc_offset_minutes);
  std::string csv_out = "timestamp";
  std::vector<fc::Forecast> fcs;
  for (auto& m : models) {
    fc::History train = data;
    const std::int64_t n = std::min<std::int64_t>(data.target.size(), (origin - data.target.grid().start_unix_s()) /
                                                                          data.target.grid().step_s());
    if (n <= 0) {
      if (!a.origin.empty()) throw InputError("", "--origin", "lies before the target's first value");
      throw InputError(file, "column " + column,
                       "too short for a forecast: its latest origin (" +
                           format_iso8601(origin, fo.calendar.utc_offset_minutes) +
                           ", the last origin hour before its end) leaves no history before it");
    }
    train.target = ehub::Series(data.target.grid().slice(0, n), data.target.values().head(n), data.target.kind(),
                                data.target.name());
    naming_the_csv(file, column, [&] { m.fit(train); return 0; });
    fcs.push_back(naming_the_csv(file, column, [&] { return m.predict(data, origin); }));
    csv_out += "," + m.name();
    for (double q : fo.quantile_levels) {
      char b[48];
      std::snprintf(b, sizeof b, ",%s_q%g", m.name().c_str(), q);
      csv_out += b;
    }
  }
  csv_out += "\n";
  const TimeGrid& w = fcs.front().grid;
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    csv_out += format_iso8601(w.time_unix_s(j), fo.calendar.utc_offset_minutes);
    for (const auto& f : fcs) {
      char b[40];
      std::snprintf(b, sizeof b, ",%.6g", f.point[j]);
      csv_out += b;
      for (Eigen::Index l = 0; l < f.quantiles.cols(); ++l) {
        std::snprintf(b, sizeof b, ",%.6g", f.quantiles(j, l));
        csv_out += b;
      }
    }
    csv_out += '\n';
  }
  if (!a.out.empty()) io::write_text_file_atomically(a.out, csv_out);
  else std::cout << csv_out << std::flush;
  return kExitOk;
}

}  // namespace

Command add_forecast_command(CLI::App& app) {
  auto args = std::make_shared<ForecastArgs>();
  auto* cmd = app.add_subcommand("forecast", "Forecast a CSV column, or backtest forecasters on it (rolling origin)");
  cmd->add_option("--target", args->target, "FILE.csv:COLUMN (a timestamp column plus value columns)");
  cmd->add_option("--weather", args->weather, "CSV of exogenous series (temperature_c, ghi_w_m2, wind_speed_m_s, ...)");
  cmd->add_option("--model", args->model, "A model name, several separated by commas, or all (see --list-models)");
  cmd->add_option("--model-options", args->model_options, "JSON file or text {\"<model>\": {options}}");
  cmd->add_option("--horizon-hours", args->horizon_hours, "Hours forecast from each origin (default 24)");
  cmd->add_option("--origin-hour", args->origin_hour, "Local hour of the daily origin (default 10)")->check(CLI::Range(0, 23));
  cmd->add_flag("--intraday", args->intraday, "Forecast from the origin itself instead of from the next local midnight");
  cmd->add_flag("--backtest", args->backtest, "Rolling-origin backtest: a table on stdout, --summary JSON");
  cmd->add_option("--summary", args->summary, "Write the backtest summary JSON here");
  cmd->add_option("--out", args->out, "Write forecasts as CSV here (backtest: point forecasts of every origin)");
  cmd->add_option("--holidays", args->holidays, "none, cn-2025 or a CSV file date,kind[,name] (default none)");
  cmd->add_option("--utc-offset", args->utc_offset,
                  "Minutes east of UTC of the local clock (default: from the first timestamp, else 0)");
  cmd->add_option("--origin", args->origin, "Without --backtest: the forecast origin, ISO-8601 (default: the latest)");
  cmd->add_option("--min-history-days", args->min_history_days, "History before the first backtest origin (default 28)");
  cmd->add_option("--refit-every-days", args->refit_every_days, "Refit period of the backtest (default 7)");
  cmd->add_option("--max-training-days", args->max_training_days, "Sliding training window (default 0: expanding)");
  cmd->add_option("--quantiles", args->quantiles, "Quantile levels, comma-separated (default 0.1,...,0.9)");
  cmd->add_option("--capacity", args->capacity, "nMAE normaliser (installed capacity); default: mean |actual|");
  cmd->add_option("--benchmark", args->benchmark, "Reference model of the skill score (default seasonal_naive_week)");
  cmd->add_option("--quantile-source", args->quantile_source, "online (past backtest errors) or model")
      ->check(CLI::IsMember({"online", "model"}));
  cmd->add_flag("--list-models", args->list_models, "List the forecasting models and exit");
  return {cmd, [args] { return run_forecast(*args); }};
}

}  // namespace ehub::cli
