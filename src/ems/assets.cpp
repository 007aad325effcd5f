// Asset health: counters, maintenance due, rainflow, battery degradation, CHP start wear
// (docs/assets.md).
#include "ehub/ems/assets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"
#include "ehub/store/store.hpp"

namespace ehub::ems {
namespace {

bool is_on(double p, double thr) { return std::isfinite(p) && std::abs(p) > thr; }

std::int64_t add_months(std::int64_t t, int months, int off) {
  const LocalTime l = to_local(t, off);
  const int idx = (l.month - 1) + months;
  const int y = l.year + idx / 12, m = idx % 12 + 1;
  return from_local(y, m, std::min(l.day, days_in_month(y, m)), l.hour, l.minute, l.second, off);
}

}  // namespace

OperatingCounters operating_counters(const Eigen::VectorXd& p, double step_h, double thr, bool initially_on) {
  if (!(step_h > 0)) throw InputError("", "step_hours", "must be > 0");
  if (!(thr >= 0)) throw InputError("", "on_threshold_kw", "must be >= 0");
  OperatingCounters c;
  bool prev = initially_on;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    const bool on = is_on(p[i], thr);
    if (on) c.run_hours += step_h;
    if (on && !prev) ++c.starts;
    prev = on;
    if (!std::isfinite(p[i])) continue;
    c.energy_throughput_kwh += std::abs(p[i]) * step_h;
    if (p[i] > 0) c.energy_out_kwh += p[i] * step_h;
    else c.energy_in_kwh -= p[i] * step_h;
  }
  return c;
}

void MaintenanceRule::validate(std::size_t i) const {
  const std::string p = "rules/" + std::to_string(i);
  if (name.empty()) throw InputError("", p + "/name", "a maintenance rule needs a name");
  if (kind.empty()) throw InputError("", p + "/kind", "a maintenance rule needs the kind of work");
  if (!(every_run_hours >= 0) || !std::isfinite(every_run_hours)) throw InputError("", p + "/every_run_hours", "must be >= 0");
  if (every_starts < 0) throw InputError("", p + "/every_starts", "must be >= 0");
  if (every_months < 0) throw InputError("", p + "/every_months", "must be >= 0");
  if (every_run_hours == 0 && every_starts == 0 && every_months == 0)
    throw InputError("", p, "give every_run_hours, every_starts or every_months");
}

std::vector<MaintenanceDue> maintenance_due(const store::Asset& asset, const std::vector<store::Maintenance>& history,
                                            const Operation& past, const Operation& plan, const std::vector<MaintenanceRule>& rules,
                                            std::int64_t now, const MaintenanceOptions& o) {
  for (std::size_t i = 0; i < rules.size(); ++i) rules[i].validate(i);
  if (past.power_kw.size() != past.grid.size()) throw InputError("", "past/power_kw", "needs one value per step of its grid");
  if (plan.power_kw.size() != plan.grid.size()) throw InputError("", "plan/power_kw", "needs one value per step of its grid");
  if (past.grid.size() > 0 && past.grid.end_unix_s() != now)
    throw InputError("", "past", "the past operation must end at now (" + format_iso8601(now, o.utc_offset_minutes) + "), it ends at " +
                                     format_iso8601(past.grid.end_unix_s(), o.utc_offset_minutes));
  if (plan.grid.size() > 0 && plan.grid.start_unix_s() != now)
    throw InputError("", "plan", "the plan must start at now (" + format_iso8601(now, o.utc_offset_minutes) + "), it starts at " +
                                     format_iso8601(plan.grid.start_unix_s(), o.utc_offset_minutes));
  const double thr = o.on_threshold_kw;
  // The plan's average rates, for dates past its end.
  const auto plan_c = operating_counters(plan.power_kw, plan.grid.step_hours(), thr);
  const double plan_h = static_cast<double>(plan.grid.size()) * plan.grid.step_hours();
  std::vector<MaintenanceDue> out;
  for (const auto& r : rules) {
    MaintenanceDue d;
    d.rule = r.name;
    d.kind = r.kind;
    d.last_done_unix_s = asset.commissioned_unix_s;
    for (const auto& m : history)
      if (m.kind == r.kind && m.start_unix_s <= now) d.last_done_unix_s = std::max(d.last_done_unix_s, m.end_unix_s ? m.end_unix_s : m.start_unix_s);
    // Counters since then, and when a limit was crossed if it was crossed already.
    std::int64_t crossed_h = 0, crossed_s = 0;
    bool prev = false;
    for (std::int64_t i = 0; i < past.grid.size(); ++i) {
      const std::int64_t t = past.grid.time_unix_s(i);
      const bool on = is_on(past.power_kw[i], thr);
      if (t < d.last_done_unix_s) {
        prev = on;
        continue;
      }
      if (on) d.run_hours_since += past.grid.step_hours();
      if (on && !prev) ++d.starts_since;
      prev = on;
      const std::int64_t end = past.grid.time_unix_s(i + 1);
      if (r.every_run_hours > 0 && !crossed_h && d.run_hours_since >= r.every_run_hours - 1e-9) crossed_h = end;
      if (r.every_starts > 0 && !crossed_s && d.starts_since >= r.every_starts) crossed_s = t;
    }
    struct Candidate {
      std::int64_t t;
      const char* by;
      bool beyond;
    };
    std::vector<Candidate> c;
    if (r.every_months > 0) c.push_back({add_months(d.last_done_unix_s, r.every_months, o.utc_offset_minutes), "months", false});
    auto walk = [&](bool hours, double need, std::int64_t crossed) {
      if (crossed) {
        c.push_back({crossed, hours ? "run_hours" : "starts", false});
        return;
      }
      double acc = 0;
      bool p = prev;
      for (std::int64_t i = 0; i < plan.grid.size(); ++i) {
        const bool on = is_on(plan.power_kw[i], thr);
        acc += hours ? (on ? plan.grid.step_hours() : 0.0) : (on && !p ? 1.0 : 0.0);
        p = on;
        if (acc >= need - 1e-9) {
          c.push_back({hours ? plan.grid.time_unix_s(i + 1) : plan.grid.time_unix_s(i), hours ? "run_hours" : "starts", false});
          return;
        }
      }
      const double rate_per_h = plan_h > 0 ? (hours ? plan_c.run_hours : static_cast<double>(plan_c.starts)) / plan_h : 0;
      if (rate_per_h > 0) {
        const std::int64_t end = plan.grid.size() ? plan.grid.end_unix_s() : now;
        c.push_back({end + static_cast<std::int64_t>(std::ceil((need - acc) / rate_per_h * 3600)), hours ? "run_hours" : "starts", true});
      }
    };
    if (r.every_run_hours > 0) walk(true, r.every_run_hours - d.run_hours_since, crossed_h);
    if (r.every_starts > 0) walk(false, static_cast<double>(r.every_starts - d.starts_since), crossed_s);
    if (!c.empty()) {
      const auto best = *std::min_element(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) { return a.t < b.t; });
      d.due_unix_s = best.t;
      d.due_by = best.by;
      d.beyond_plan = best.beyond;
      d.overdue = best.t <= now;
    }
    out.push_back(d);
  }
  return out;
}

std::vector<MaintenanceDue> maintenance_due(const store::Store& s, const std::string& asset, const Operation& past,
                                            const Operation& plan, const std::vector<MaintenanceRule>& rules, std::int64_t now,
                                            const MaintenanceOptions& o) {
  std::vector<std::string> names;
  for (const auto& a : s.assets()) {
    if (a.name == asset) return maintenance_due(a, s.maintenance(asset), past, plan, rules, now, o);
    names.push_back(a.name);
  }
  const auto near = io::nearest_name(asset, names);
  throw InputError("", "asset", "no asset \"" + asset + "\" in the store" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)"));
}

// --- rainflow ------------------------------------------------------------------------------------

std::vector<RainflowCycle> rainflow(const Eigen::VectorXd& x) {
  // Peaks and valleys (with their indices): drop NaN, repeats and points inside a monotone run.
  std::vector<std::pair<double, std::int64_t>> tp;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) continue;
    if (!tp.empty() && x[i] == tp.back().first) continue;
    if (tp.size() >= 2) {
      const double a = tp[tp.size() - 2].first, b = tp.back().first;
      if ((b - a) * (x[i] - b) > 0) {  // still going the same way: b was not a turning point
        tp.back() = {x[i], i};
        continue;
      }
    }
    tp.emplace_back(x[i], i);
  }
  std::vector<RainflowCycle> out;
  std::vector<std::size_t> st;  // indices into tp of the points not yet discarded
  auto cycle = [&](std::size_t a, std::size_t b, double count) {
    const double va = tp[a].first, vb = tp[b].first;
    out.push_back({std::abs(vb - va), (va + vb) / 2, count, tp[a].second, tp[b].second});
  };
  for (std::size_t k = 0; k < tp.size(); ++k) {
    st.push_back(k);
    while (st.size() >= 3) {
      const std::size_t n = st.size();
      const double X = std::abs(tp[st[n - 1]].first - tp[st[n - 2]].first);
      const double Y = std::abs(tp[st[n - 2]].first - tp[st[n - 3]].first);
      if (X < Y) break;
      if (n == 3) {  // Y contains the starting point: half a cycle, the start moves on
        cycle(st[0], st[1], 0.5);
        st.erase(st.begin());
      } else {
        cycle(st[n - 3], st[n - 2], 1.0);
        st.erase(st.begin() + static_cast<std::ptrdiff_t>(n - 3), st.begin() + static_cast<std::ptrdiff_t>(n - 1));
      }
    }
  }
  for (std::size_t k = 0; k + 1 < st.size(); ++k) cycle(st[k], st[k + 1], 0.5);
  return out;
}

// --- degradation ---------------------------------------------------------------------------------

void DegradationModel::validate() const {
  const double v[] = {k_delta1, k_delta2, k_delta3, k_sigma, sigma_ref, k_temperature, temperature_ref_c, k_time_per_s, alpha_sei, k_sei};
  const char* names[] = {"k_delta1", "k_delta2", "k_delta3", "k_sigma", "sigma_ref", "k_temperature", "temperature_ref_c",
                         "k_time_per_s", "alpha_sei", "k_sei"};
  for (std::size_t i = 0; i < 10; ++i)
    if (!std::isfinite(v[i])) throw InputError("", std::string("model/") + names[i], "must be finite");
  if (!(k_delta1 + k_delta3 > 0)) throw InputError("", "model/k_delta3", "k_delta1 + k_delta3 must be > 0 (a full cycle must age the cell)");
  if (!(alpha_sei >= 0 && alpha_sei <= 1)) throw InputError("", "model/alpha_sei", "must be within [0, 1]");
  if (!(end_of_life_loss > 0 && end_of_life_loss < 1)) throw InputError("", "model/end_of_life_loss", "must be within (0, 1)");
}

Degradation battery_degradation(const Eigen::VectorXd& soc, double step_h, double temperature_c, const DegradationModel& m) {
  m.validate();
  if (!(step_h > 0)) throw InputError("", "step_hours", "must be > 0");
  if (!(temperature_c > -273.15)) throw InputError("", "temperature_c", "must be above absolute zero");
  double mean = 0;
  int n = 0;
  for (Eigen::Index i = 0; i < soc.size(); ++i) {
    if (!std::isfinite(soc[i])) continue;
    if (soc[i] < -1e-9 || soc[i] > 1 + 1e-9)
      throw InputError("", "soc/" + std::to_string(i), "a state of charge is a fraction within [0, 1], got " + io::format_number(soc[i]));
    mean += soc[i];
    ++n;
  }
  Degradation d;
  if (n == 0) return d;
  mean /= n;
  const double tk = temperature_c + 273.15, tref = m.temperature_ref_c + 273.15;
  const double f_t = std::exp(m.k_temperature * (tk - tref) * tref / tk);
  for (const auto& c : rainflow(soc)) {
    if (c.range <= 0) continue;
    const double f_delta = 1.0 / (m.k_delta1 * std::pow(c.range, m.k_delta2) + m.k_delta3);
    d.cycle_stress += c.count * f_delta * std::exp(m.k_sigma * (c.mean - m.sigma_ref)) * f_t;
    d.equivalent_full_cycles += c.count * c.range;
    ++d.cycles_counted;
  }
  const double seconds = static_cast<double>(soc.size()) * step_h * 3600;
  d.calendar_stress = m.k_time_per_s * seconds * std::exp(m.k_sigma * (mean - m.sigma_ref)) * f_t;
  const double f = d.cycle_stress + d.calendar_stress;
  d.capacity_loss = 1 - m.alpha_sei * std::exp(-m.k_sei * f) - (1 - m.alpha_sei) * std::exp(-f);
  d.state_of_health = 1 - d.capacity_loss;
  return d;
}

Eigen::VectorXd state_of_health_over_time(const Eigen::VectorXd& soc, double step_h, int periods, double temperature_c,
                                          const DegradationModel& m) {
  if (periods < 1) throw InputError("", "periods", "must be >= 1");
  Eigen::VectorXd soh(periods);
  for (int k = 1; k <= periods; ++k) {
    const auto len = static_cast<Eigen::Index>(std::llround(static_cast<double>(soc.size()) * k / periods));
    soh[k - 1] = battery_degradation(soc.head(len), step_h, temperature_c, m).state_of_health;
  }
  return soh;
}

// --- CHP start wear --------------------------------------------------------------------------------

void StartWear::validate() const {
  if (!(cold_start_life_share >= 0 && cold_start_life_share <= 1)) throw InputError("", "wear/cold_start_life_share", "must be within [0, 1]");
  if (!(hot_start_life_share >= 0 && hot_start_life_share <= 1)) throw InputError("", "wear/hot_start_life_share", "must be within [0, 1]");
  if (!(life_cost >= 0) || !std::isfinite(life_cost)) throw InputError("", "wear/life_cost", "must be >= 0");
  if (!(hot_standby_max_off_hours >= 0)) throw InputError("", "wear/hot_standby_max_off_hours", "must be >= 0");
}

StartsSummary start_wear(const Eigen::VectorXd& p, double step_h, const StartWear& w, double thr, bool initially_hot) {
  w.validate();
  if (!(step_h > 0)) throw InputError("", "step_hours", "must be > 0");
  StartsSummary s;
  bool prev = false, seen_on = false;
  double off_h = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    const bool on = is_on(p[i], thr);
    if (on && !prev) {
      const bool hot = seen_on ? off_h <= w.hot_standby_max_off_hours + 1e-9 : initially_hot;
      (hot ? s.hot_starts : s.cold_starts) += 1;
      seen_on = true;
    }
    off_h = on ? 0 : off_h + step_h;
    prev = on;
  }
  s.life_used_share = static_cast<double>(s.cold_starts) * w.cold_start_life_share + static_cast<double>(s.hot_starts) * w.hot_start_life_share;
  s.cost = s.life_used_share * w.life_cost;
  return s;
}

}  // namespace ehub::ems
