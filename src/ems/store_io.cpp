// Meter data from and back to the store (docs/ems.md "Store").
#include "ehub/ems/store_io.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ehub/core/error.hpp"

namespace ehub::ems {
namespace {

IntervalData evaluate(const store::Store& s, const std::map<std::string, store::Point>& points, const std::string& name,
                      const TimeGrid& grid, std::vector<std::string>& path) {
  const auto it = points.find(name);
  if (it == points.end()) return on_grid(s.read(name, {grid.start_unix_s(), grid.end_unix_s()}), grid);  // throws "unknown point"
  const auto& p = it->second;
  if (p.formula.empty()) return on_grid(s.read(name, {grid.start_unix_s(), grid.end_unix_s()}), grid);
  if (std::find(path.begin(), path.end(), name) != path.end()) {
    std::string chain;
    for (const auto& n : path) chain += n + " -> ";
    throw InputError("", "points/" + path.front() + "/formula", "virtual points refer to each other in a cycle: " + chain + name);
  }
  path.push_back(name);
  IntervalData out;
  out.point = name;
  out.grid = grid;
  out.value = Eigen::VectorXd::Zero(grid.size());
  out.quality.assign(static_cast<std::size_t>(grid.size()), static_cast<std::uint8_t>(Quality::good));
  for (const auto& t : store::parse_formula(p.formula)) {
    const IntervalData d = evaluate(s, points, t.point, grid, path);
    out.value += t.coefficient * d.value;  // NaN propagates
    for (std::size_t i = 0; i < out.quality.size(); ++i) out.quality[i] = std::max(out.quality[i], d.quality[i]);
  }
  for (Eigen::Index i = 0; i < out.value.size(); ++i)
    if (std::isnan(out.value[i]) && out.quality[static_cast<std::size_t>(i)] < static_cast<std::uint8_t>(Quality::missing))
      out.quality[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(Quality::missing);
  path.pop_back();
  return out;
}

}  // namespace

IntervalData read_interval(const store::Store& s, const std::string& point, const TimeGrid& grid) {
  std::map<std::string, store::Point> points;
  for (auto& p : s.points()) points.emplace(p.name, std::move(p));
  std::vector<std::string> path;
  return evaluate(s, points, point, grid, path);
}

std::int64_t write_edits(store::Store& s, const std::string& point, const Cleaned& c) {
  const auto pid = s.point_id(point);
  std::int64_t written = 0;
  for (const auto& [rule, n] : c.counts()) {
    if (n == 0) continue;
    store::ReadingBatch b;
    for (const auto& e : c.edits)
      if (e.rule == rule) b.push_back(pid, e.t_unix_s, e.new_value, static_cast<store::Quality>(e.new_quality));
    store::AppendOptions o;
    o.on_duplicate = store::OnDuplicate::replace;
    o.source = "cleaning:" + rule;
    written += s.append_readings(b, o);
  }
  return written;
}

}  // namespace ehub::ems
