// Validation, estimation and editing of interval meter data (docs/ems.md "Cleaning").
#include "ehub/ems/cleaning.hpp"

#include <algorithm>
#include <cmath>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"

namespace ehub::ems {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr auto q8(Quality q) { return static_cast<std::uint8_t>(q); }

/// 0 weekday, 1 Saturday, 2 Sunday (local time).
int day_kind(std::int64_t t, int offset) {
  const int wd = to_local(t, offset).weekday;
  return wd < 5 ? 0 : wd - 4;
}

class Cleaner {
 public:
  Cleaner(const IntervalData& in, const CleaningRules& r) : r_(r) {
    out_.data = in;
    locked_.resize(in.quality.size());
    for (std::size_t i = 0; i < in.quality.size(); ++i) locked_[i] = in.quality[i] == q8(Quality::edited);
  }

  Cleaned run() {
    validation();
    hampel();
    step_change();
    stuck();
    linear_fill();
    profile_fill();
    return std::move(out_);
  }

 private:
  Eigen::VectorXd& v() { return out_.data.value; }
  std::vector<std::uint8_t>& q() { return out_.data.quality; }
  std::int64_t n() const { return out_.data.grid.size(); }

  void change(std::int64_t i, double value, Quality flag, const char* rule) {
    const auto iu = static_cast<std::size_t>(i);
    Edit e;
    e.index = i;
    e.t_unix_s = out_.data.grid.time_unix_s(i);
    e.old_value = v()[i];
    e.old_quality = q()[iu];
    e.new_value = value;
    e.new_quality = q8(flag);
    e.rule = rule;
    v()[i] = value;
    q()[iu] = q8(flag);
    out_.edits.push_back(std::move(e));
  }
  bool usable(std::int64_t i) const { return !locked_[static_cast<std::size_t>(i)]; }

  void validation() {
    for (std::int64_t i = 0; i < n(); ++i) {
      if (!usable(i)) continue;
      const double x = v()[i];
      const auto iu = static_cast<std::size_t>(i);
      if (std::isnan(x)) {
        // A NaN flagged as a value is relabelled, never silently.
        if (q()[iu] != q8(Quality::missing) && q()[iu] != q8(Quality::rejected)) change(i, kNaN, Quality::missing, "nan");
        continue;
      }
      if (std::find(r_.sentinels.begin(), r_.sentinels.end(), x) != r_.sentinels.end()) change(i, kNaN, Quality::missing, "sentinel");
      else if (x < r_.min_value || x > r_.max_value) change(i, kNaN, Quality::rejected, "range");
    }
  }

  void hampel() {
    const int h = r_.hampel_half_window;
    if (h <= 0) return;
    // Judged on the values after validation, all at once (a spike does not hide its neighbour).
    // The window's finite values are kept sorted as it slides (one removal and one insertion per
    // step); the MAD comes from merging the deviations below and above the median, both already
    // in order, so a step costs O(window) and no sort.
    const Eigen::VectorXd x = v();
    std::vector<double> w;
    w.reserve(static_cast<std::size_t>(2 * h + 2));
    auto insert = [&](double y) { w.insert(std::upper_bound(w.begin(), w.end(), y), y); };
    auto erase = [&](double y) { w.erase(std::lower_bound(w.begin(), w.end(), y)); };
    for (std::int64_t j = 0; j <= std::min<std::int64_t>(h, n() - 1); ++j)
      if (!std::isnan(x[j])) insert(x[j]);
    std::vector<std::int64_t> spikes;
    for (std::int64_t i = 0; i < n(); ++i) {
      if (i > 0) {  // slide: drop i - h - 1, add i + h
        if (i - h - 1 >= 0 && !std::isnan(x[i - h - 1])) erase(x[i - h - 1]);
        if (i + h < n() && !std::isnan(x[i + h])) insert(x[i + h]);
      }
      if (!usable(i) || std::isnan(x[i]) || w.size() < 3) continue;
      const std::size_t m_n = w.size();
      const double m = m_n % 2 ? w[m_n / 2] : 0.5 * (w[m_n / 2 - 1] + w[m_n / 2]);
      // Deviations: below the median they grow walking left from `split`, above it walking right.
      std::ptrdiff_t lo = std::lower_bound(w.begin(), w.end(), m) - w.begin() - 1;
      std::size_t hi = static_cast<std::size_t>(lo + 1);
      double k_small = 0, k_next = 0;
      for (std::size_t k = 0; k <= m_n / 2; ++k) {
        double d;
        if (lo >= 0 && (hi >= m_n || m - w[static_cast<std::size_t>(lo)] <= w[hi] - m)) d = m - w[static_cast<std::size_t>(lo--)];
        else d = w[hi++] - m;
        k_small = k_next;
        k_next = d;
      }
      const double mad = m_n % 2 ? k_next : 0.5 * (k_small + k_next);
      if (mad > 0 && std::abs(x[i] - m) > r_.hampel_threshold * 1.4826 * mad) spikes.push_back(i);
    }
    for (auto i : spikes) change(i, kNaN, Quality::rejected, "hampel");
  }

  void step_change() {
    const double c = r_.max_step_change;
    if (!std::isfinite(c)) return;
    const Eigen::VectorXd x = v();
    std::vector<std::int64_t> spikes;
    for (std::int64_t i = 1; i + 1 < n(); ++i) {
      if (!usable(i) || std::isnan(x[i]) || std::isnan(x[i - 1]) || std::isnan(x[i + 1])) continue;
      const double up = x[i] - x[i - 1], down = x[i] - x[i + 1];
      if ((up > c && down > c) || (up < -c && down < -c)) spikes.push_back(i);
    }
    for (auto i : spikes) change(i, kNaN, Quality::rejected, "step_change");
  }

  void stuck() {
    if (r_.stuck_steps <= 1) return;
    std::int64_t i = 0;
    while (i < n()) {
      std::int64_t j = i + 1;
      if (!std::isnan(v()[i]))
        while (j < n() && v()[j] == v()[i]) ++j;
      const bool zero = v()[i] == 0 && r_.stuck_ignores_zero;
      if (!std::isnan(v()[i]) && !zero && j - i >= r_.stuck_steps)
        for (std::int64_t k = i; k < j; ++k)
          if (usable(k) && q()[static_cast<std::size_t>(k)] != q8(Quality::suspect)) change(k, v()[k], Quality::suspect, "stuck");
      i = j;
    }
  }

  void linear_fill() {
    const int max_gap = r_.max_linear_gap_steps;
    if (max_gap <= 0) return;
    std::int64_t i = 0;
    while (i < n()) {
      if (!std::isnan(v()[i])) {
        ++i;
        continue;
      }
      std::int64_t j = i;
      while (j < n() && std::isnan(v()[j])) ++j;  // gap [i, j)
      const std::int64_t len = j - i;
      if (i > 0 && j < n() && len <= max_gap) {
        const double a = v()[i - 1], b = v()[j];
        for (std::int64_t k = i; k < j; ++k)
          if (usable(k)) change(k, a + (b - a) * static_cast<double>(k - i + 1) / static_cast<double>(len + 1), Quality::estimated, "linear_fill");
      }
      i = j;
    }
  }

  void profile_fill() {
    if (!r_.fill_long_gaps_by_profile) return;
    const std::int64_t per_day = 86400 / out_.data.grid.step_s();
    const Eigen::VectorXd x = v();  // profile fills never feed other fills
    const auto& g = out_.data.grid;
    for (std::int64_t i = 0; i < n(); ++i) {
      if (!std::isnan(x[i]) || !usable(i)) continue;
      const int kind = day_kind(g.time_unix_s(i), r_.utc_offset_minutes);
      double sum = 0;
      int found = 0;
      for (int dir : {-1, 1})
        for (int d = 1; d <= r_.profile_search_days; ++d) {
          const std::int64_t j = i + dir * d * per_day;
          if (j < 0 || j >= n()) break;
          if (std::isnan(x[j]) || day_kind(g.time_unix_s(j), r_.utc_offset_minutes) != kind) continue;
          sum += x[j];
          ++found;
          break;
        }
      if (found) change(i, sum / found, Quality::estimated, "profile_fill");
    }
  }

  const CleaningRules& r_;
  Cleaned out_;
  std::vector<bool> locked_;
};

}  // namespace

void CleaningRules::validate() const {
  auto bad = [](const char* field, const std::string& what) { throw InputError("", std::string("rules/") + field, what); };
  if (std::isnan(min_value) || std::isnan(max_value) || min_value > max_value)
    bad("min_value", "must not exceed max_value (" + io::format_number(min_value) + " > " + io::format_number(max_value) + ")");
  if (hampel_half_window < 0) bad("hampel_half_window", "must be >= 0, got " + std::to_string(hampel_half_window));
  if (!(hampel_threshold > 0)) bad("hampel_threshold", "must be > 0, got " + io::format_number(hampel_threshold));
  if (!(max_step_change > 0)) bad("max_step_change", "must be > 0, got " + io::format_number(max_step_change));
  if (stuck_steps < 0) bad("stuck_steps", "must be >= 0, got " + std::to_string(stuck_steps));
  if (max_linear_gap_steps < 0) bad("max_linear_gap_steps", "must be >= 0, got " + std::to_string(max_linear_gap_steps));
  if (profile_search_days < 1 || profile_search_days > 366)
    bad("profile_search_days", "must be within 1..366, got " + std::to_string(profile_search_days));
  for (double s : sentinels)
    if (!std::isfinite(s)) bad("sentinels", "must be finite numbers (NaN is always missing)");
}

std::vector<std::pair<std::string, std::int64_t>> Cleaned::counts() const {
  std::vector<std::pair<std::string, std::int64_t>> c;
  for (const char* rule : {"nan", "sentinel", "range", "hampel", "step_change", "stuck", "linear_fill", "profile_fill"}) {
    const auto k = std::count_if(edits.begin(), edits.end(), [&](const Edit& e) { return e.rule == rule; });
    c.emplace_back(rule, k);
  }
  return c;
}

Cleaned clean(const IntervalData& in, const CleaningRules& rules) {
  rules.validate();
  in.validate();
  return Cleaner(in, rules).run();
}

}  // namespace ehub::ems
