// Interval data on a grid and register reads to interval energy (rollover, replacements, gaps).
#include "ehub/ems/meter_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"

namespace ehub::ems {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr auto q8(Quality q) { return static_cast<std::uint8_t>(q); }
}  // namespace

void IntervalData::validate() const {
  if (value.size() != grid.size())
    throw InputError("", point, "has " + std::to_string(value.size()) + " values for " + std::to_string(grid.size()) + " steps");
  if (static_cast<std::int64_t>(quality.size()) != grid.size())
    throw InputError("", point, "has " + std::to_string(quality.size()) + " quality flags for " + std::to_string(grid.size()) + " steps");
  for (std::size_t i = 0; i < quality.size(); ++i)
    if (quality[i] > q8(Quality::rejected))
      throw InputError("", point, "quality flag " + std::to_string(quality[i]) + " at step " + std::to_string(i) + " is not 0..5");
}

IntervalData on_grid(const store::Readings& r, const TimeGrid& grid) {
  IntervalData d;
  d.point = r.point;
  d.grid = grid;
  d.value = Eigen::VectorXd::Constant(grid.size(), kNaN);
  d.quality.assign(static_cast<std::size_t>(grid.size()), q8(Quality::missing));
  std::vector<bool> seen(static_cast<std::size_t>(grid.size()), false);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto t = r.t_unix_s[i];
    if (t < grid.start_unix_s() || t >= grid.end_unix_s()) continue;
    const auto k = grid.index_of(t);
    if (!k)
      throw InputError("", r.point, "reading at " + format_iso8601(t) + " is not on a step start of the " +
                                        std::to_string(grid.step_minutes()) + "-minute grid");
    const auto ku = static_cast<std::size_t>(*k);
    if (seen[ku]) throw InputError("", r.point, "two readings at " + format_iso8601(t));
    seen[ku] = true;
    const double v = r.value[static_cast<Eigen::Index>(i)];
    d.value[*k] = v;
    d.quality[ku] = i < r.quality.size() ? r.quality[i] : q8(Quality::good);
    if (std::isnan(v) && d.quality[ku] != q8(Quality::rejected)) d.quality[ku] = q8(Quality::missing);
  }
  return d;
}

IntervalData register_to_interval(const std::string& point, const std::vector<std::int64_t>& t, const Eigen::VectorXd& reading,
                                  const TimeGrid& grid, const RegisterOptions& o) {
  if (static_cast<Eigen::Index>(t.size()) != reading.size())
    throw InputError("", point, std::to_string(t.size()) + " times for " + std::to_string(reading.size()) + " register reads");
  if (!(o.rollover_at >= 0) || !std::isfinite(o.rollover_at))
    throw InputError("", point + "/rollover_at", "must be a finite number >= 0, got " + io::format_number(o.rollover_at));
  if (!(o.max_rate_per_h > 0)) throw InputError("", point + "/max_rate_per_h", "must be > 0");
  for (std::size_t i = 1; i < t.size(); ++i)
    if (t[i] <= t[i - 1])
      throw InputError("", point, "register read " + std::to_string(i) + " at " + format_iso8601(t[i]) +
                                      (t[i] == t[i - 1] ? " repeats the time of the read before it" : " is earlier than the read before it"));
  const auto n = grid.size();
  const std::int64_t step = grid.step_s();
  Eigen::VectorXd energy = Eigen::VectorXd::Zero(n);
  std::vector<std::int64_t> covered(static_cast<std::size_t>(n), 0);
  std::vector<int> spans(static_cast<std::size_t>(n), 0);
  std::vector<bool> exact(static_cast<std::size_t>(n), false), rejected(static_cast<std::size_t>(n), false);
  // Consecutive usable reads (NaN reads are no reads).
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (std::isfinite(reading[static_cast<Eigen::Index>(i)])) idx.push_back(i);
  for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
    const std::int64_t t0 = t[idx[k]], t1 = t[idx[k + 1]];
    const double r0 = reading[static_cast<Eigen::Index>(idx[k])], r1 = reading[static_cast<Eigen::Index>(idx[k + 1])];
    if (t1 <= grid.start_unix_s() || t0 >= grid.end_unix_s()) continue;
    double d = r1 - r0;
    bool replaced = false;
    for (const auto& rep : o.replacements)
      if (rep.t_unix_s > t0 && rep.t_unix_s <= t1) {
        d = (rep.old_final_reading - r0) + (r1 - rep.new_initial_reading);
        replaced = true;
        break;
      }
    bool reset = false;
    if (!replaced && d < 0 && o.rollover_at > 0) d += o.rollover_at;
    if (!replaced && d < 0 && o.drop_is_reset) {
      d = r1;
      reset = true;
    }
    const double hours = static_cast<double>(t1 - t0) / 3600.0;
    const bool bad = d < 0 || d / hours > o.max_rate_per_h;
    const auto first = std::max<std::int64_t>(0, (t0 - grid.start_unix_s()) / step);
    const auto last = std::min<std::int64_t>(n - 1, (t1 - 1 - grid.start_unix_s()) / step);
    for (std::int64_t i = first; i <= last; ++i) {
      const std::int64_t a = std::max(t0, grid.time_unix_s(i)), b = std::min(t1, grid.time_unix_s(i + 1));
      if (b <= a) continue;
      const auto iu = static_cast<std::size_t>(i);
      if (bad) {
        rejected[iu] = true;
        continue;
      }
      energy[i] += d * static_cast<double>(b - a) / static_cast<double>(t1 - t0);
      covered[iu] += b - a;
      ++spans[iu];
      exact[iu] = !reset && t0 == grid.time_unix_s(i) && t1 == grid.time_unix_s(i + 1);
    }
  }
  IntervalData out;
  out.point = point;
  out.grid = grid;
  out.value = Eigen::VectorXd::Constant(n, kNaN);
  out.quality.assign(static_cast<std::size_t>(n), q8(Quality::missing));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    if (rejected[iu]) {
      out.quality[iu] = q8(Quality::rejected);
    } else if (covered[iu] == step) {
      out.value[i] = energy[i];
      out.quality[iu] = spans[iu] == 1 && exact[iu] ? q8(Quality::good) : q8(Quality::estimated);
    }
  }
  return out;
}

}  // namespace ehub::ems
