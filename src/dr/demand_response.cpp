// Demand-response events, customer baselines and settlement (docs/demand_response.md).
#include "ehub/dr/demand_response.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"
#include "ehub/store/store.hpp"

namespace ehub::dr {
namespace {

std::string ev_path(std::size_t i) { return "/events/" + std::to_string(i); }

std::string date_of(std::int64_t t, int off) {
  const LocalTime l = to_local(t, off);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", l.year, l.month, l.day);
  return buf;
}

std::int64_t time_at(const io::JsonReader& r, std::string_view key, int off) {
  const std::string text = r.required_string(key);
  try {
    return parse_iso8601(text, off);
  } catch (const InputError& e) {
    throw r.error_at(key, e.detail());
  }
}

}  // namespace

std::string_view to_string(EventType t) noexcept { return t == EventType::peak_shaving ? "peak_shaving" : "valley_filling"; }

double Event::requested_energy_kwh() const noexcept {
  return requested_kwh > 0 ? requested_kwh : requested_kw * static_cast<double>(end_unix_s - start_unix_s) / 3600.0;
}

void validate_events(const std::vector<Event>& events, const std::string& file, const EventCheck& c) {
  const int off = c.utc_offset_minutes;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const std::string p = ev_path(i);
    if (e.id.empty()) throw InputError(file, p + "/id", "an event needs an id");
    for (std::size_t k = 0; k < i; ++k)
      if (events[k].id == e.id) throw InputError(file, p + "/id", "event \"" + e.id + "\" is given twice (also " + ev_path(k) + ")");
    if (e.end_unix_s <= e.start_unix_s)
      throw InputError(file, p + "/window/end", "the event ends (" + format_iso8601(e.end_unix_s, off) + ") before it starts (" +
                                                    format_iso8601(e.start_unix_s, off) + ")");
    if (!(e.requested_kw >= 0) || !(e.requested_kwh >= 0) || !std::isfinite(e.requested_kw) || !std::isfinite(e.requested_kwh))
      throw InputError(file, p + "/requested_kw", "the request must be a finite number >= 0");
    if ((e.requested_kw > 0) == (e.requested_kwh > 0))
      throw InputError(file, p + "/requested_kw", "give requested_kw or requested_kwh (> 0), one of them");
    if (!(e.compensation_per_kwh >= 0) || !std::isfinite(e.compensation_per_kwh))
      throw InputError(file, p + "/compensation_per_kwh", "must be >= 0");
    if (!(e.penalty_per_kwh >= 0) || !std::isfinite(e.penalty_per_kwh)) throw InputError(file, p + "/penalty_per_kwh", "must be >= 0");
    if (!(e.min_performance >= 0 && e.min_performance <= 1)) throw InputError(file, p + "/min_performance", "must be within [0, 1]");
    if (!(e.max_paid_share >= 1) || !std::isfinite(e.max_paid_share)) throw InputError(file, p + "/max_paid_share", "must be >= 1");
    if (e.notified_unix_s > e.start_unix_s)
      throw InputError(file, p + "/notified", "the event is announced after it starts");
    if (e.start_unix_s - e.notified_unix_s < e.min_notice_s)
      throw InputError(file, p + "/notified",
                       "announced " + io::format_number(static_cast<double>(e.start_unix_s - e.notified_unix_s) / 3600) +
                           " h before its start, the programme needs " + io::format_number(static_cast<double>(e.min_notice_s) / 3600) + " h");
    if (c.now_unix_s != 0 && e.start_unix_s < c.now_unix_s)
      throw InputError(file, p + "/window/start", "the event is in the past: it started at " + format_iso8601(e.start_unix_s, off) +
                                                      ", now is " + format_iso8601(c.now_unix_s, off));
    for (std::size_t k = 0; k < i; ++k) {
      const auto& o = events[k];
      if (o.participant == e.participant && e.start_unix_s < o.end_unix_s && o.start_unix_s < e.end_unix_s)
        throw InputError(file, p + "/window", "overlaps event \"" + o.id + "\" (" + ev_path(k) + ", " + format_iso8601(o.start_unix_s, off) +
                                                  " .. " + format_iso8601(o.end_unix_s, off) + ") of the same participant");
    }
  }
}

std::vector<Event> parse_events(const nlohmann::json& j, const std::string& file, const EventCheck& check) {
  io::JsonReader root(j, file);
  root.expect_only_keys({"program", "min_notice_h", "compensation_per_kwh", "penalty_per_kwh", "min_performance", "max_paid_share",
                         "utc_offset_minutes", "events"});
  const std::string program = root.required_string("program");
  const int off = static_cast<int>(root.optional_int("utc_offset_minutes", check.utc_offset_minutes));
  const double notice_h = root.optional_number("min_notice_h", 0);
  if (notice_h < 0) throw root.error_at("min_notice_h", "must be >= 0");
  const double comp = root.optional_number("compensation_per_kwh", 0.85), pen = root.optional_number("penalty_per_kwh", 0);
  const double minp = root.optional_number("min_performance", 0.5), maxp = root.optional_number("max_paid_share", 1.2);
  std::vector<Event> out;
  for (const auto& r : root.at("events").elements()) {
    r.expect_only_keys({"id", "participant", "type", "notified", "window", "requested_kw", "requested_kwh", "compensation_per_kwh",
                        "penalty_per_kwh", "min_performance", "max_paid_share"});
    Event e;
    e.id = r.required_string("id");
    e.program = program;
    e.participant = r.optional_string("participant", "");
    const std::string type = r.optional_string("type", "peak_shaving");
    if (type != "peak_shaving" && type != "valley_filling")
      throw r.error_at("type", "must be \"peak_shaving\" or \"valley_filling\", got \"" + type + "\"");
    e.type = type == "peak_shaving" ? EventType::peak_shaving : EventType::valley_filling;
    const auto w = r.at("window");
    w.expect_only_keys({"start", "end"});
    e.start_unix_s = time_at(w, "start", off);
    e.end_unix_s = time_at(w, "end", off);
    e.notified_unix_s = r.has("notified") ? time_at(r, "notified", off) : e.start_unix_s - static_cast<std::int64_t>(notice_h * 3600);
    e.requested_kw = r.optional_number("requested_kw", 0);
    e.requested_kwh = r.optional_number("requested_kwh", 0);
    e.compensation_per_kwh = r.optional_number("compensation_per_kwh", comp);
    e.penalty_per_kwh = r.optional_number("penalty_per_kwh", pen);
    e.min_performance = r.optional_number("min_performance", minp);
    e.max_paid_share = r.optional_number("max_paid_share", maxp);
    e.min_notice_s = static_cast<std::int64_t>(std::llround(notice_h * 3600));
    out.push_back(e);
  }
  EventCheck c = check;
  c.utc_offset_minutes = off;
  validate_events(out, file, c);
  return out;
}

std::vector<Event> load_events(const std::string& path, const EventCheck& check) {
  return parse_events(io::load_json_file(path), path, check);
}

void BaselineRule::validate() const {
  if (x_days < 1) throw InputError("", "baseline/x_days", "must be >= 1");
  if (y_days < x_days) throw InputError("", "baseline/y_days", "must be >= x_days (" + std::to_string(x_days) + ")");
  if (max_lookback_days < y_days) throw InputError("", "baseline/max_lookback_days", "must be >= y_days");
  if (!select.empty() && select != "highest" && select != "lowest" && select != "recent")
    throw InputError("", "baseline/select", "must be \"highest\", \"lowest\" or \"recent\", got \"" + select + "\"");
  if (adjustment != "none" && adjustment != "multiplicative" && adjustment != "additive")
    throw InputError("", "baseline/adjustment", "must be \"none\", \"multiplicative\" or \"additive\", got \"" + adjustment + "\"");
  if (!(adjustment_length_h > 0) || !(adjustment_start_h >= adjustment_length_h))
    throw InputError("", "baseline/adjustment_length_h", "the adjustment window must lie before the event (0 < length <= start)");
  if (!(adjustment_cap >= 0)) throw InputError("", "baseline/adjustment_cap", "must be >= 0");
}

CustomerBaseline customer_baseline(const Event& e, const ems::IntervalData& m, const BaselineRule& rule, const std::vector<Event>& other) {
  rule.validate();
  m.validate();
  const int off = rule.utc_offset_minutes;
  const auto& g = m.grid;
  const auto i0 = g.index_of(e.start_unix_s);
  const auto i1 = e.end_unix_s == g.end_unix_s() ? std::optional<std::int64_t>(g.size()) : g.index_of(e.end_unix_s);
  if (!i0 || !i1)
    throw InputError("", "metered", "the metered data (" + format_iso8601(g.start_unix_s(), off) + " .. " + format_iso8601(g.end_unix_s(), off) +
                                        ") does not cover event \"" + e.id + "\" on its steps");
  const std::int64_t n = *i1 - *i0;
  std::vector<std::string> event_days;
  for (const auto& o : other)
    if (o.id != e.id) event_days.push_back(date_of(o.start_unix_s, off));
  const bool weekend_event = to_local(e.start_unix_s, off).weekday >= 5;
  const std::string select = !rule.select.empty() ? rule.select : e.type == EventType::peak_shaving ? "highest" : "lowest";
  struct Day {
    int back;
    double energy;
    std::string date;
  };
  std::vector<Day> eligible;
  auto window_ok = [&](std::int64_t shift_s, std::int64_t first_offset_s, std::int64_t steps, double* sum) {
    const auto a = g.index_of(e.start_unix_s - shift_s + first_offset_s);
    if (!a || *a + steps > g.size()) return false;
    double s = 0;
    for (std::int64_t k = 0; k < steps; ++k) {
      const double v = m.value[*a + k];
      if (!std::isfinite(v)) return false;
      s += v;
    }
    if (sum) *sum = s;
    return true;
  };
  for (int back = 1; back <= rule.max_lookback_days && static_cast<int>(eligible.size()) < rule.y_days; ++back) {
    const std::int64_t shift = std::int64_t{back} * 86400;
    const LocalTime l = to_local(e.start_unix_s - shift, off);
    if (rule.same_day_type && (l.weekday >= 5) != weekend_event) continue;
    const std::string date = date_of(e.start_unix_s - shift, off);
    if (std::find(event_days.begin(), event_days.end(), date) != event_days.end()) continue;
    double sum = 0;
    if (!window_ok(shift, 0, n, &sum)) continue;
    eligible.push_back({back, sum, date});
  }
  if (static_cast<int>(eligible.size()) < rule.x_days)
    throw InputError("", "baseline", "event \"" + e.id + "\": only " + std::to_string(eligible.size()) + " eligible day(s) in the " +
                                         std::to_string(rule.max_lookback_days) + " days before it, the rule averages " +
                                         std::to_string(rule.x_days) + " of " + std::to_string(rule.y_days));
  if (select == "highest")
    std::stable_sort(eligible.begin(), eligible.end(), [](const Day& a, const Day& b) { return a.energy > b.energy; });
  else if (select == "lowest")
    std::stable_sort(eligible.begin(), eligible.end(), [](const Day& a, const Day& b) { return a.energy < b.energy; });
  eligible.resize(static_cast<std::size_t>(rule.x_days));
  CustomerBaseline b;
  auto profile = [&](std::int64_t first_offset_s, std::int64_t steps) {
    Eigen::VectorXd p = Eigen::VectorXd::Zero(steps);
    for (const auto& d : eligible) {
      const auto a = *g.index_of(e.start_unix_s - std::int64_t{d.back} * 86400 + first_offset_s);
      p += m.value.segment(a, steps);
    }
    return Eigen::VectorXd(p / static_cast<double>(eligible.size()));
  };
  b.baseline_kwh = profile(0, n);
  for (const auto& d : eligible) b.days_used.push_back(d.date);
  if (rule.adjustment != "none") {
    const std::int64_t adj_off = -static_cast<std::int64_t>(std::llround(rule.adjustment_start_h * 3600));
    const std::int64_t adj_steps = static_cast<std::int64_t>(std::llround(rule.adjustment_length_h * 3600)) / g.step_s();
    const auto a = g.index_of(e.start_unix_s + adj_off);
    bool ok = a && *a + adj_steps <= g.size();
    for (const auto& d : eligible) ok = ok && window_ok(std::int64_t{d.back} * 86400, adj_off, adj_steps, nullptr);
    if (!ok) throw InputError("", "metered", "the adjustment window before event \"" + e.id + "\" has no complete data");
    const Eigen::VectorXd base = profile(adj_off, adj_steps), actual = m.value.segment(*a, adj_steps);
    if (!actual.allFinite()) throw InputError("", "metered", "the adjustment window before event \"" + e.id + "\" has missing values");
    if (rule.adjustment == "multiplicative") {
      const double bs = base.sum();
      b.adjustment_factor = bs > 0 ? std::clamp(actual.sum() / bs, 1 - rule.adjustment_cap, 1 + rule.adjustment_cap) : 1.0;
      b.baseline_kwh *= b.adjustment_factor;
    } else {
      const double mean_base = base.mean(), diff = (actual - base).mean();
      b.adjustment_kwh = std::clamp(diff, -rule.adjustment_cap * mean_base, rule.adjustment_cap * mean_base);
      b.baseline_kwh.array() += b.adjustment_kwh;
    }
  }
  return b;
}

Settlement settle_against(const Event& e, const Eigen::VectorXd& base, const Eigen::VectorXd& met) {
  validate_events({e});
  if (base.size() != met.size())
    throw InputError("", "metered", "event \"" + e.id + "\": " + std::to_string(met.size()) + " metered values for " +
                                        std::to_string(base.size()) + " baseline steps");
  if (!met.allFinite()) throw InputError("", "metered", "event \"" + e.id + "\": the metered values in its window have gaps");
  if (!base.allFinite()) throw InputError("", "baseline", "event \"" + e.id + "\": the baseline has gaps");
  Settlement s;
  s.event_id = e.id;
  s.baseline.baseline_kwh = base;
  s.delivered_kwh_per_step = e.type == EventType::peak_shaving ? Eigen::VectorXd(base - met) : Eigen::VectorXd(met - base);
  s.requested_kwh = e.requested_energy_kwh();
  s.baseline_kwh = base.sum();
  s.metered_kwh = met.sum();
  s.delivered_kwh = s.delivered_kwh_per_step.sum();
  s.performance = s.delivered_kwh / s.requested_kwh;
  s.paid_kwh = s.performance + 1e-12 < e.min_performance ? 0.0 : std::min(s.delivered_kwh, e.max_paid_share * s.requested_kwh);
  s.payment = s.paid_kwh * e.compensation_per_kwh;
  s.shortfall_kwh = std::max(0.0, s.requested_kwh - s.delivered_kwh);
  s.penalty = s.shortfall_kwh * e.penalty_per_kwh;
  s.net = s.payment - s.penalty;
  return s;
}

Settlement settle(const Event& e, const ems::IntervalData& m, const BaselineRule& rule, const std::vector<Event>& other) {
  validate_events({e});
  const CustomerBaseline b = customer_baseline(e, m, rule, other);
  const auto i0 = *m.grid.index_of(e.start_unix_s);
  Settlement s = settle_against(e, b.baseline_kwh, m.value.segment(i0, b.baseline_kwh.size()));
  s.baseline = b;
  return s;
}

std::int64_t record_settlement(store::Store& st, const Event& e, const Settlement& s, const std::string& tenant) {
  store::DrEvent d;
  d.tenant = tenant;
  d.program = e.program;
  d.start_unix_s = e.start_unix_s;
  d.end_unix_s = e.end_unix_s;
  d.requested_kw = e.requested_kw > 0 ? e.requested_kw : e.requested_kwh / (static_cast<double>(e.end_unix_s - e.start_unix_s) / 3600);
  d.baseline_kwh = s.baseline_kwh;
  d.delivered_kwh = s.delivered_kwh;
  d.status = "completed";
  return st.add_dr_event(d);
}

}  // namespace ehub::dr
