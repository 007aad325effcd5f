// Exogenous columns, target/exogenous alignment and the documented cleaning steps.
#include "ehub/forecast/data.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "ehub/core/error.hpp"

namespace ehub::forecast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_sentinel(double v, const std::vector<double>& sentinels) {
  return std::find(sentinels.begin(), sentinels.end(), v) != sentinels.end();
}

bool is_irradiance(const std::string& name, const CleaningOptions& o) {
  if (!o.irradiance_columns.empty())
    return std::find(o.irradiance_columns.begin(), o.irradiance_columns.end(), name) != o.irradiance_columns.end();
  const std::string l = lower(name);
  for (const char* key : {"ghi", "dni", "dhi", "poa", "irradiance"})
    if (l.find(key) != std::string::npos) return true;
  return false;
}

std::string iso(std::int64_t t) { return format_iso8601(t); }

}  // namespace

Exogenous& Exogenous::add(std::string name, Eigen::VectorXd values) {
  if (values.size() != grid_.size())
    throw InputError("", "exogenous/" + name,
                     "has " + std::to_string(values.size()) + " values for a grid of " + std::to_string(grid_.size()) +
                         " steps");
  if (has(name)) throw InputError("", "exogenous/" + name, "the column name is used twice");
  names_.push_back(std::move(name));
  columns_.push_back(std::move(values));
  return *this;
}

bool Exogenous::has(std::string_view name) const noexcept {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

const Eigen::VectorXd& Exogenous::column(std::string_view name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) {
    std::string list;
    for (const auto& n : names_) {
      if (!list.empty()) list += ", ";
      list += n;
    }
    std::string msg = "no exogenous column \"";
    msg += name;
    msg += "\" (columns: ";
    msg += list.empty() ? std::string("none") : list;
    msg += ")";
    throw InputError("", "exogenous", msg);
  }
  return columns_[static_cast<std::size_t>(it - names_.begin())];
}

Eigen::VectorXd& Exogenous::column(std::string_view name) {
  return const_cast<Eigen::VectorXd&>(static_cast<const Exogenous&>(*this).column(name));
}

Exogenous Exogenous::slice(std::int64_t first, std::int64_t count) const {
  Exogenous out(grid_.slice(first, count));
  for (std::size_t c = 0; c < names_.size(); ++c) out.add(names_[c], columns_[c].segment(first, count));
  return out;
}

void CleaningOptions::validate() const {
  if (max_exogenous_gap_steps < 0)
    throw InputError("", "cleaning/max_exogenous_gap_steps", "must be >= 0, got " + std::to_string(max_exogenous_gap_steps));
  if (max_target_interpolation_steps < 0)
    throw InputError("", "cleaning/max_target_interpolation_steps",
                     "must be >= 0, got " + std::to_string(max_target_interpolation_steps));
  if (!(max_negative_irradiance_w_m2 >= 0) || !std::isfinite(max_negative_irradiance_w_m2))
    throw InputError("", "cleaning/max_negative_irradiance_w_m2", "must be a finite number >= 0");
}

std::int64_t ModelInput::index_of(std::int64_t unix_s) const {
  const std::int64_t d = unix_s - grid.start_unix_s();
  if (d % grid.step_s() != 0)
    throw InputError("", "", "instant " + iso(unix_s) + " is not on a step of the target's grid (start " +
                                 iso(grid.start_unix_s()) + ", step " + std::to_string(grid.step_minutes()) + " min)");
  return d / grid.step_s();
}

ModelInput prepare_input(const History& history, const Calendar& calendar, const CleaningOptions& cleaning,
                         std::int64_t known_until_unix_s, std::int64_t exogenous_until_unix_s) {
  cleaning.validate();
  calendar.validate();
  const TimeGrid& g = history.target.grid();
  if (g.size() == 0) throw InputError("", "target", "the target series is empty");
  const std::int64_t s = g.step_s();
  std::int64_t n = g.size();
  if (known_until_unix_s < g.end_unix_s()) {
    const std::int64_t d = known_until_unix_s - g.start_unix_s();
    n = d <= 0 ? 0 : d / s;
  }
  if (n <= 0)
    throw InputError("", "target", "no target value is known before " + iso(known_until_unix_s) + " (the series starts at " +
                                       iso(g.start_unix_s()) + ")");
  ModelInput in;
  in.calendar = calendar;
  in.grid = g.slice(0, n);
  in.target = history.target.values().head(n);
  in.observed.assign(static_cast<std::size_t>(n), 1);
  Eigen::VectorXd& y = in.target;
  std::int64_t first_obs = -1;
  for (std::int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(y[i]) || is_sentinel(y[i], cleaning.sentinels)) {
      y[i] = kNaN;
      in.observed[static_cast<std::size_t>(i)] = 0;
      ++in.report.target_missing;
    } else if (first_obs < 0) {
      first_obs = i;
    }
  }
  if (first_obs < 0) throw InputError("", "target", "the target has no measured value before " + iso(known_until_unix_s));
  // Gaps: short ones between two measurements linearly, the others seasonally (never from later data).
  const std::int64_t spd = 86400 / s, spw = 7 * spd;
  for (std::int64_t i = 0; i < first_obs; ++i) y[i] = y[first_obs];
  in.report.target_seasonal += first_obs;
  for (std::int64_t a = first_obs; a < n;) {
    if (in.observed[static_cast<std::size_t>(a)]) {
      ++a;
      continue;
    }
    std::int64_t b = a;
    while (b < n && !in.observed[static_cast<std::size_t>(b)]) ++b;
    if (b < n && b - a <= cleaning.max_target_interpolation_steps) {
      const double y0 = y[a - 1], y1 = y[b];
      for (std::int64_t i = a; i < b; ++i) y[i] = y0 + (y1 - y0) * static_cast<double>(i - a + 1) / static_cast<double>(b - a + 1);
      in.report.target_interpolated += b - a;
    } else {
      for (std::int64_t i = a; i < b; ++i) y[i] = i >= spw ? y[i - spw] : (i >= spd ? y[i - spd] : y[i - 1]);
      in.report.target_seasonal += b - a;
    }
    a = b;
  }

  // Exogenous: same step, aligned start, cut at exogenous_until.
  const Exogenous& ex = history.exogenous;
  if (ex.empty()) {
    in.exogenous = Exogenous(TimeGrid(g.start_unix_s(), g.step_minutes(), 0));
    return in;
  }
  const TimeGrid& eg = ex.grid();
  if (eg.step_minutes() != g.step_minutes())
    throw InputError("", "exogenous",
                     "its step (" + std::to_string(eg.step_minutes()) + " min) differs from the target's (" +
                         std::to_string(g.step_minutes()) + " min); resample one of them (Series::resample) first");
  const std::int64_t off = eg.start_unix_s() - g.start_unix_s();
  if (off % s != 0)
    throw InputError("", "exogenous",
                     "its steps start at " + iso(eg.start_unix_s()) + ", not on the target's steps (start " +
                         iso(g.start_unix_s()) + ", step " + std::to_string(g.step_minutes()) + " min)");
  const std::int64_t shift = off / s;  // exogenous index e = aligned index - shift
  const std::int64_t until = std::min(exogenous_until_unix_s, eg.end_unix_s());
  std::int64_t count = until > g.start_unix_s() ? (until - g.start_unix_s()) / s : 0;
  count = std::max<std::int64_t>(count, 0);
  in.exogenous = Exogenous(TimeGrid(g.start_unix_s(), g.step_minutes(), count));
  for (const auto& name : ex.names()) {
    const Eigen::VectorXd& src = ex.column(name);
    Eigen::VectorXd v = Eigen::VectorXd::Constant(count, kNaN);
    const bool irr = is_irradiance(name, cleaning);
    std::int64_t lo = -1, hi = -1;  // first and last finite value
    for (std::int64_t i = std::max<std::int64_t>(0, shift); i < count; ++i) {
      const std::int64_t e = i - shift;
      if (e >= src.size()) break;
      double x = src[e];
      if (!std::isfinite(x) || is_sentinel(x, cleaning.sentinels)) continue;
      if (irr && x < 0) {
        if (x < -cleaning.max_negative_irradiance_w_m2)
          throw InputError("", "exogenous/" + name,
                           "irradiance " + std::to_string(x) + " W/m2 at " + iso(eg.time_unix_s(e)) +
                               " is below the allowed night-time offset of -" +
                               std::to_string(cleaning.max_negative_irradiance_w_m2) + " W/m2");
        x = 0.0;
        ++in.report.irradiance_clipped;
      }
      v[i] = x;
      if (lo < 0) lo = i;
      hi = i;
    }
    for (std::int64_t a = lo; a >= 0 && a <= hi;) {
      if (std::isfinite(v[a])) {
        ++a;
        continue;
      }
      std::int64_t b = a;
      while (b <= hi && !std::isfinite(v[b])) ++b;
      if (b - a > cleaning.max_exogenous_gap_steps)
        throw InputError("", "exogenous/" + name,
                         "gap of " + std::to_string(b - a) + " steps from " + iso(in.exogenous.grid().time_unix_s(a)) +
                             " to " + iso(in.exogenous.grid().time_unix_s(b)) + " (NaN or sentinel values); at most " +
                             std::to_string(cleaning.max_exogenous_gap_steps) +
                             " steps are interpolated: fill it or raise cleaning.max_exogenous_gap_steps");
      for (std::int64_t i = a; i < b; ++i)
        v[i] = v[a - 1] + (v[b] - v[a - 1]) * static_cast<double>(i - a + 1) / static_cast<double>(b - a + 1);
      in.report.exogenous_interpolated += b - a;
      a = b;
    }
    in.exogenous.add(name, std::move(v));
  }
  return in;
}

std::string find_column(const Exogenous& exogenous, std::string_view explicit_name,
                        std::initializer_list<std::string_view> aliases) {
  if (!explicit_name.empty()) {
    (void)exogenous.column(explicit_name);  // throws listing the columns
    return std::string(explicit_name);
  }
  for (std::string_view a : aliases) {
    const std::string la = lower(a);
    for (const auto& n : exogenous.names())
      if (lower(n) == la) return n;
  }
  return {};
}

std::string find_temperature_column(const Exogenous& exogenous, std::string_view explicit_name) {
  return find_column(exogenous, explicit_name,
                     {"temp_air_c", "temperature_c", "temperature", "temp_c", "t_air_c", "dry_bulb_c", "Dry-bulb (C)"});
}

std::string find_ghi_column(const Exogenous& exogenous, std::string_view explicit_name) {
  return find_column(exogenous, explicit_name, {"ghi_w_m2", "ghi", "GHI (W/m^2)"});
}

}  // namespace ehub::forecast
