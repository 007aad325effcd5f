// Load statistics and local-calendar period totals (docs/ems.md "Statistics").
#include "ehub/ems/statistics.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <cmath>
#include <limits>
#include <string>

#include "ehub/core/error.hpp"

namespace ehub::ems {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Start of the local period containing t (unix seconds).
std::int64_t period_start(std::int64_t t, Period p, int offset) {
  const LocalTime l = to_local(t, offset);
  switch (p) {
    case Period::quarter_hour: return from_local(l.year, l.month, l.day, l.hour, l.minute - l.minute % 15, 0, offset);
    case Period::hour: return from_local(l.year, l.month, l.day, l.hour, 0, 0, offset);
    case Period::day: return from_local(l.year, l.month, l.day, 0, 0, 0, offset);
    case Period::week: return from_local(l.year, l.month, l.day, 0, 0, 0, offset) - std::int64_t{86400} * l.weekday;
    case Period::month: return from_local(l.year, l.month, 1, 0, 0, 0, offset);
    case Period::year: return from_local(l.year, 1, 1, 0, 0, 0, offset);
  }
  return t;
}

/// Start of the period after the one starting at s.
std::int64_t next_start(std::int64_t s, Period p, int offset) {
  const LocalTime l = to_local(s, offset);
  switch (p) {
    case Period::quarter_hour: return s + 900;
    case Period::hour: return s + 3600;
    case Period::day: return s + 86400;
    case Period::week: return s + 7 * 86400;
    case Period::month: return l.month == 12 ? from_local(l.year + 1, 1, 1, 0, 0, 0, offset) : from_local(l.year, l.month + 1, 1, 0, 0, 0, offset);
    case Period::year: return from_local(l.year + 1, 1, 1, 0, 0, 0, offset);
  }
  return s;
}

}  // namespace

std::string_view to_string(Period p) noexcept {
  switch (p) {
    case Period::hour: return "hour";
    case Period::day: return "day";
    case Period::week: return "week";
    case Period::month: return "month";
    case Period::year: return "year";
    case Period::quarter_hour: return "quarter_hour";
  }
  return "day";
}

Period period_from_string(std::string_view name) {
  for (auto p : {Period::quarter_hour, Period::hour, Period::day, Period::week, Period::month, Period::year})
    if (to_string(p) == name) return p;
  throw InputError("", "", "unknown period \"" + std::string(name) + "\" (quarter_hour, hour, day, week, month, year)");
}

LoadStatistics load_statistics(const IntervalData& d, const StatisticsOptions& o) {
  d.validate();
  if (o.night_start_hour < 0 || o.night_start_hour > 23 || o.night_end_hour < 0 || o.night_end_hour > 23)
    throw InputError("", "options/night_start_hour", "night hours must be within 0..23");
  if (!(o.base_percentile >= 0 && o.base_percentile <= 1))
    throw InputError("", "options/base_percentile", "must be within [0, 1]");
  LoadStatistics s;
  s.steps = d.size();
  const double h = d.grid.step_hours();
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(d.size()));
  double night = 0, weekend = 0;
  std::int64_t good = 0;
  s.peak_kw = -std::numeric_limits<double>::infinity();
  s.min_kw = std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < d.size(); ++i) {
    const double x = d.value[i];
    if (d.quality[static_cast<std::size_t>(i)] == static_cast<std::uint8_t>(Quality::good) && !std::isnan(x)) ++good;
    if (std::isnan(x)) continue;
    values.push_back(x);
    s.energy_kwh += x * h;
    if (x > s.peak_kw) {
      s.peak_kw = x;
      s.peak_unix_s = d.grid.time_unix_s(i);
    }
    s.min_kw = std::min(s.min_kw, x);
    const LocalTime l = to_local(d.grid.time_unix_s(i), o.utc_offset_minutes);
    const bool is_night = o.night_start_hour > o.night_end_hour ? (l.hour >= o.night_start_hour || l.hour < o.night_end_hour)
                                                                : (l.hour >= o.night_start_hour && l.hour < o.night_end_hour);
    if (is_night) night += x * h;
    if (l.weekday >= 5) weekend += x * h;
  }
  if (values.empty()) throw InputError("", d.point, "has no value to compute statistics from");
  s.mean_kw = s.energy_kwh / (h * static_cast<double>(values.size()));
  std::sort(values.begin(), values.end());
  const double pos = o.base_percentile * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, values.size() - 1);
  s.base_kw = values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
  s.load_factor = s.peak_kw > 0 ? s.mean_kw / s.peak_kw : kNaN;
  s.peak_to_valley = s.min_kw > 0 ? s.peak_kw / s.min_kw : kNaN;
  s.night_share = s.energy_kwh != 0 ? night / s.energy_kwh : kNaN;
  s.weekend_share = s.energy_kwh != 0 ? weekend / s.energy_kwh : kNaN;
  s.completeness = static_cast<double>(values.size()) / static_cast<double>(s.steps);
  s.good_share = static_cast<double>(good) / static_cast<double>(s.steps);
  return s;
}

PeriodTotals period_totals(const IntervalData& d, Period p, const StatisticsOptions& o) {
  d.validate();
  PeriodTotals out;
  out.period = p;
  if (d.size() == 0) return out;
  if ((p == Period::hour && d.grid.step_minutes() > 60) || (p == Period::quarter_hour && d.grid.step_minutes() > 15))
    throw InputError("", d.point, "steps of " + std::to_string(d.grid.step_minutes()) + " minutes cannot be totalled per " +
                                      std::string(to_string(p)));
  const double h = d.grid.step_hours();
  std::int64_t s = period_start(d.grid.start_unix_s(), p, o.utc_offset_minutes);
  std::int64_t e = next_start(s, p, o.utc_offset_minutes);
  double energy = 0, peak = -std::numeric_limits<double>::infinity();
  std::int64_t with_value = 0;
  auto flush = [&] {
    out.start_unix_s.push_back(s);
    out.energy_kwh.push_back(energy);
    out.peak_kw.push_back(with_value ? peak : kNaN);
    out.completeness.push_back(static_cast<double>(with_value) / (static_cast<double>(e - s) / static_cast<double>(d.grid.step_s())));
    energy = 0;
    peak = -std::numeric_limits<double>::infinity();
    with_value = 0;
  };
  for (std::int64_t i = 0; i < d.size(); ++i) {
    const std::int64_t t = d.grid.time_unix_s(i);
    while (t >= e) {
      flush();
      s = e;
      e = next_start(s, p, o.utc_offset_minutes);
    }
    const double x = d.value[i];
    if (std::isnan(x)) continue;
    energy += x * h;
    peak = std::max(peak, x);
    ++with_value;
  }
  flush();
  return out;
}

std::vector<double> change_ratio(const std::vector<double>& x, std::size_t lag) {
  std::vector<double> r(x.size(), kNaN);
  if (lag == 0) throw InputError("", "lag", "must be >= 1");
  for (std::size_t i = lag; i < x.size(); ++i)
    if (x[i - lag] != 0 && !std::isnan(x[i - lag]) && !std::isnan(x[i])) r[i] = x[i] / x[i - lag] - 1;
  return r;
}

std::vector<std::pair<std::string, double>> energy_by_hour_class(const IntervalData& d, const std::vector<std::string>& labels,
                                                                int utc_offset_minutes) {
  d.validate();
  if (labels.size() != 24) throw InputError("", "hour_labels", "needs 24 labels (one per hour), got " + std::to_string(labels.size()));
  std::vector<std::pair<std::string, double>> out;
  std::array<std::size_t, 24> slot{};
  for (std::size_t h = 0; h < 24; ++h) {
    if (labels[h].empty()) throw InputError("", "hour_labels/" + std::to_string(h), "an hour needs a label");
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == labels[h]; });
    if (it == out.end()) {
      out.emplace_back(labels[h], 0.0);
      it = out.end() - 1;
    }
    slot[h] = static_cast<std::size_t>(it - out.begin());
  }
  const double hours = d.grid.step_hours();
  for (std::int64_t i = 0; i < d.size(); ++i) {
    if (std::isnan(d.value[i])) continue;
    out[slot[static_cast<std::size_t>(to_local(d.grid.time_unix_s(i), utc_offset_minutes).hour)]].second += d.value[i] * hours;
  }
  return out;
}

std::pair<std::vector<std::string>, Eigen::MatrixXd> roll_up(const std::vector<std::string>& groups, const Eigen::MatrixXd& values,
                                                             const std::map<std::string, std::string>& parent_of) {
  if (static_cast<Eigen::Index>(groups.size()) != values.rows())
    throw InputError("", "values", std::to_string(values.rows()) + " rows for " + std::to_string(groups.size()) + " groups");
  std::set<std::string> nodes(groups.begin(), groups.end());
  for (const auto& [c, p] : parent_of) {
    if (p.empty() || c == p) throw InputError("", "hierarchy/" + c, "a node cannot be its own parent");
    nodes.insert(c);
    nodes.insert(p);
  }
  for (const auto& start : nodes) {  // every chain of parents must end
    std::string at = start, chain = start;
    for (std::size_t k = 0; k <= nodes.size(); ++k) {
      const auto it = parent_of.find(at);
      if (it == parent_of.end()) break;
      at = it->second;
      chain += " -> " + at;
      if (at == start || k == nodes.size()) throw InputError("", "hierarchy/" + start, "the hierarchy has a cycle: " + chain);
    }
  }
  std::vector<std::string> names(nodes.begin(), nodes.end());
  const auto row_of = [&](const std::string& n) { return static_cast<Eigen::Index>(std::lower_bound(names.begin(), names.end(), n) - names.begin()); };
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(names.size()), values.cols());
  Eigen::MatrixXd seen = Eigen::MatrixXd::Zero(sum.rows(), sum.cols());
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::string at = groups[g];;) {  // add the group's row to itself and every ancestor
      const auto r = row_of(at);
      for (Eigen::Index b = 0; b < values.cols(); ++b) {
        const double v = values(static_cast<Eigen::Index>(g), b);
        if (std::isnan(v)) continue;
        sum(r, b) += v;
        seen(r, b) = 1;
      }
      const auto it = parent_of.find(at);
      if (it == parent_of.end()) break;
      at = it->second;
    }
  for (Eigen::Index r = 0; r < sum.rows(); ++r)
    for (Eigen::Index b = 0; b < sum.cols(); ++b)
      if (seen(r, b) == 0) sum(r, b) = kNaN;
  return {names, sum};
}

}  // namespace ehub::ems
