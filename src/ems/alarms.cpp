// Streaming alarm evaluation, rule files, the store sink and fault location (docs/alarms.md).
#include "ehub/ems/alarms.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/io/json.hpp"
#include "ehub/store/store.hpp"

namespace ehub::ems {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

constexpr Severity kSeverities[] = {Severity::none, Severity::info, Severity::warning, Severity::alarm, Severity::critical};
constexpr RuleKind kKinds[] = {RuleKind::threshold,       RuleKind::rate_of_change, RuleKind::daily_limit,
                               RuleKind::monthly_limit,   RuleKind::phase_imbalance, RuleKind::power_factor,
                               RuleKind::no_data,         RuleKind::estimated_share, RuleKind::anomaly};

std::string rule_path(std::size_t i) { return "/rules/" + std::to_string(i); }

std::string num(double v) { return io::format_number(v); }

}  // namespace

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::none: return "none";
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::alarm: return "alarm";
    case Severity::critical: return "critical";
  }
  return "none";
}

Severity severity_from_string(std::string_view name) {
  for (auto s : kSeverities)
    if (to_string(s) == name) return s;
  throw InputError("", "", "unknown severity \"" + std::string(name) + "\" (info, warning, alarm, critical)");
}

std::string_view to_string(RuleKind k) noexcept {
  switch (k) {
    case RuleKind::threshold: return "threshold";
    case RuleKind::rate_of_change: return "rate_of_change";
    case RuleKind::daily_limit: return "daily_limit";
    case RuleKind::monthly_limit: return "monthly_limit";
    case RuleKind::phase_imbalance: return "phase_imbalance";
    case RuleKind::power_factor: return "power_factor";
    case RuleKind::no_data: return "no_data";
    case RuleKind::estimated_share: return "estimated_share";
    case RuleKind::anomaly: return "anomaly";
  }
  return "threshold";
}

std::string_view to_string(EventKind k) noexcept {
  switch (k) {
    case EventKind::raised: return "raised";
    case EventKind::updated: return "updated";
    case EventKind::cleared: return "cleared";
    case EventKind::acknowledged: return "acknowledged";
    case EventKind::suppressed: return "suppressed";
  }
  return "raised";
}

// --- rule sets -----------------------------------------------------------------------------------

void AlarmRules::validate(const std::vector<std::string>& known, const std::string& file) const {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    const std::string p = rule_path(i);
    if (r.name.empty()) throw InputError(file, p + "/name", "a rule needs a name");
    if (!index.emplace(r.name, i).second)
      throw InputError(file, p + "/name", "rule \"" + r.name + "\" is defined twice (first at " + rule_path(index[r.name]) + ")");
    std::size_t want_min = 1, want_max = 1;
    if (r.kind == RuleKind::phase_imbalance) want_min = want_max = 3;
    if (r.kind == RuleKind::power_factor) want_max = 2;
    if (r.points.size() < want_min || r.points.size() > want_max)
      throw InputError(file, p + "/points",
                       std::string(to_string(r.kind)) + " takes " +
                           (want_min == want_max ? std::to_string(want_min) : std::to_string(want_min) + " or " + std::to_string(want_max)) +
                           " point(s), got " + std::to_string(r.points.size()));
    for (std::size_t k = 0; k < r.points.size(); ++k) {
      const auto& pt = r.points[k];
      const std::string pp = p + (r.points.size() == 1 && !r.points_listed ? std::string("/point") : "/points/" + std::to_string(k));
      if (pt.empty()) throw InputError(file, pp, "a point name is required");
      if (!known.empty() && std::find(known.begin(), known.end(), pt) == known.end()) {
        const auto near = io::nearest_name(pt, known);
        throw InputError(file, pp, "unknown point \"" + pt + "\"" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)"));
      }
    }
    if (r.levels.empty()) throw InputError(file, p + "/levels", "a rule needs at least one level");
    if (r.kind == RuleKind::no_data && r.levels.size() != 1)
      throw InputError(file, p + "/levels", "a no_data rule has one severity");
    for (std::size_t l = 0; l < r.levels.size(); ++l) {
      const auto& lv = r.levels[l];
      const std::string lp = p + "/levels/" + std::string(to_string(lv.severity));
      if (lv.severity == Severity::none) throw InputError(file, lp, "a level needs a severity (info, warning, alarm, critical)");
      if (!std::isfinite(lv.threshold)) throw InputError(file, lp, "must be a finite number, got " + num(lv.threshold));
      if (l > 0) {
        const auto& prev = r.levels[l - 1];
        if (!(lv.severity > prev.severity)) throw InputError(file, lp, "levels must be in increasing severity");
        if (r.kind != RuleKind::no_data && (r.high ? !(lv.threshold > prev.threshold) : !(lv.threshold < prev.threshold)))
          throw InputError(file, lp,
                           "thresholds out of order: " + std::string(to_string(lv.severity)) + " " + num(lv.threshold) + " must be " +
                               (r.high ? "above " : "below ") + std::string(to_string(prev.severity)) + " " + num(prev.threshold) +
                               (r.high ? " (a high rule)" : " (a low rule)"));
      }
      if ((r.kind == RuleKind::phase_imbalance || r.kind == RuleKind::estimated_share) && lv.threshold < 0)
        throw InputError(file, lp, "a share must be >= 0, got " + num(lv.threshold));
      if (r.kind == RuleKind::power_factor && (lv.threshold < 0 || lv.threshold > 1))
        throw InputError(file, lp, "a power factor is within [0, 1], got " + num(lv.threshold));
    }
    if (!(r.hysteresis >= 0) || !std::isfinite(r.hysteresis))
      throw InputError(file, p + "/hysteresis", "must be >= 0, got " + num(r.hysteresis));
    if (r.min_duration_s < 0) throw InputError(file, p + "/min_duration_s", "must be >= 0");
    if (!(r.rate_window_s > 0)) throw InputError(file, p + "/rate_window_s", "must be > 0");
    if (r.no_data_intervals < 1) throw InputError(file, p + "/no_data_intervals", "must be >= 1");
    if (r.interval_s < 1) throw InputError(file, p + "/interval_s", "must be >= 1");
    if (r.window_readings < 1) throw InputError(file, p + "/window_readings", "must be >= 1");
    if (r.kind == RuleKind::anomaly && !(r.residual_std > 0))
      throw InputError(file, p + "/residual_std", "an anomaly rule needs the baseline's residual standard deviation (> 0)");
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].parent.empty()) continue;
    if (!index.count(rules[i].parent))
      throw InputError(file, rule_path(i) + "/parent", "unknown rule \"" + rules[i].parent + "\"");
    // A chain of parents must end.
    std::string chain = rules[i].name;
    std::size_t at = i;
    for (std::size_t hops = 0; !rules[at].parent.empty(); ++hops) {
      at = index[rules[at].parent];
      chain += " -> " + rules[at].name;
      if (at == i || hops > rules.size())
        throw InputError(file, rule_path(i) + "/parent", "the parents form a cycle: " + chain);
    }
  }
}

AlarmRules parse_alarm_rules(const nlohmann::json& j, const std::string& file, const std::vector<std::string>& known) {
  io::JsonReader root(j, file);
  root.expect_only_keys({"utc_offset_minutes", "rules"});
  AlarmRules out;
  out.utc_offset_minutes = static_cast<int>(root.optional_int("utc_offset_minutes", 0));
  for (const auto& r : root.at("rules").elements()) {
    r.expect_only_keys({"name", "kind", "point", "points", "direction", "levels", "severity", "hysteresis", "min_duration_s",
                        "rate_window_s", "no_data_intervals", "interval_s", "window_readings", "residual_std", "parent", "meter",
                        "message"});
    AlarmRule a;
    a.name = r.required_string("name");
    const std::string kind = r.required_string("kind");
    bool found = false;
    for (auto k : kKinds)
      if (to_string(k) == kind) {
        a.kind = k;
        found = true;
      }
    if (!found) {
      std::vector<std::string> names;
      for (auto k : kKinds) names.emplace_back(to_string(k));
      const auto near = io::nearest_name(kind, names);
      throw r.error_at("kind", "unknown rule kind \"" + kind + "\"" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                                   "; kinds: threshold, rate_of_change, daily_limit, monthly_limit, phase_imbalance, "
                                   "power_factor, no_data, estimated_share, anomaly");
    }
    if (r.has("point") && r.has("points")) throw r.error_at("points", "give \"point\" or \"points\", not both");
    if (r.has("point")) a.points.push_back(r.required_string("point"));
    if (r.has("points")) {
      a.points_listed = true;
      for (const auto& p : r.at("points").elements()) a.points.push_back(p.string());
    }
    const std::string dir = r.optional_string("direction", a.kind == RuleKind::power_factor ? "low" : "high");
    if (dir != "high" && dir != "low") throw r.error_at("direction", "must be \"high\" or \"low\", got \"" + dir + "\"");
    a.high = dir == "high";
    if (a.kind == RuleKind::no_data) {
      if (r.has("levels")) throw r.error_at("levels", "a no_data rule takes \"severity\", not levels");
      const std::string sev = r.optional_string("severity", "alarm");
      try {
        a.levels.push_back({severity_from_string(sev), 0});
      } catch (const InputError& e) {
        throw r.error_at("severity", e.detail());
      }
    } else {
      if (r.has("severity")) throw r.error_at("severity", "give the levels ({\"warning\": ..., \"alarm\": ...}) instead");
      const auto lv = r.at("levels");
      if (!lv.is_object()) throw lv.error("expected an object of severity: threshold, e.g. {\"warning\": 800, \"alarm\": 900}");
      lv.expect_only_keys({"info", "warning", "alarm", "critical"});
      for (auto s : kSeverities)
        if (s != Severity::none && lv.has(to_string(s))) a.levels.push_back({s, lv.required_number(to_string(s))});
    }
    a.hysteresis = r.optional_number("hysteresis", 0);
    a.min_duration_s = r.optional_int("min_duration_s", 0);
    a.rate_window_s = r.optional_number("rate_window_s", 60);
    a.no_data_intervals = static_cast<int>(r.optional_int("no_data_intervals", 4));
    a.interval_s = r.optional_int("interval_s", 900);
    a.window_readings = static_cast<int>(r.optional_int("window_readings", 96));
    a.residual_std = r.optional_number("residual_std", 0);
    a.parent = r.optional_string("parent", "");
    a.meter = r.optional_string("meter", "");
    a.message = r.optional_string("message", "");
    out.rules.push_back(std::move(a));
  }
  out.validate(known, file);
  return out;
}

AlarmRules load_alarm_rules(const std::string& path, const std::vector<std::string>& known) {
  return parse_alarm_rules(io::load_json_file(path), path, known);
}

// --- the engine ----------------------------------------------------------------------------------

struct AlarmEngine::Impl {
  struct State {
    Severity current = Severity::none;
    std::int64_t pending_since = kNever;
    std::int64_t alarm_id = 0;
    std::int64_t raised_t = 0;
    double value = 0;
    bool suppressed = false;
    // rate of change
    double last_value = kNaN;
    std::int64_t last_t = kNever;
    // daily / monthly
    double acc_kwh = 0;
    std::int64_t period_start = kNever, period_end = kNever;
    // phases (or P and Q)
    double pv[3] = {kNaN, kNaN, kNaN};
    std::int64_t pt[3] = {kNever, kNever, kNever};
    // estimated share
    std::vector<std::uint8_t> ring;
    int ring_pos = 0, ring_count = 0, estimated = 0;
    // no data
    std::int64_t last_seen = kNever;
    // anomaly
    std::map<std::int64_t, double> expected;
  };
  struct Use {
    std::uint32_t rule;
    std::uint8_t slot;
  };

  AlarmRules rules;
  AlarmEngineOptions options;
  std::vector<State> state;
  std::vector<std::string> point_names;
  std::unordered_map<std::string, int> point_index;
  std::vector<std::vector<Use>> uses;           // by point id
  std::vector<std::int64_t> point_last_t;       // by point id
  std::vector<std::vector<std::uint32_t>> children;  // by rule
  std::vector<int> parent;                      // by rule, -1 none
  std::vector<std::uint32_t> no_data_rules;
  std::vector<std::function<void(const AlarmEvent&)>> sinks;
  std::map<std::int64_t, std::pair<std::uint32_t, bool>> alarms;  // id -> (rule, acknowledged)
  std::int64_t clock = kNever, next_deadline = kNever;
  std::int64_t next_id = 0;
  int delivered = 0;

  void deliver(AlarmEvent& e) {
    ++delivered;
    for (auto& s : sinks) s(e);
  }

  AlarmEvent event(std::uint32_t r, EventKind kind, std::int64_t t) {
    const auto& rule = rules.rules[r];
    const auto& st = state[r];
    AlarmEvent e;
    e.alarm_id = st.alarm_id;
    e.kind = kind;
    e.rule = rule.name;
    e.point = rule.points.front();
    e.severity = st.current;
    e.t_unix_s = t;
    e.value = st.value;
    if (st.suppressed && parent[r] >= 0) e.suppressed_by = rules.rules[static_cast<std::size_t>(parent[r])].name;
    if (!rule.message.empty()) {
      e.message = rule.message;
    } else if (kind == EventKind::cleared) {
      e.message = rule.name + " cleared";
    } else if (rule.kind == RuleKind::no_data) {
      e.message = "no reading of " + e.point + " for " + std::to_string(rule.no_data_intervals) + " intervals";
    } else {
      double thr = kNaN;
      for (const auto& l : rule.levels)
        if (l.severity == st.current) thr = l.threshold;
      e.message = std::string(to_string(rule.kind)) + " of " + e.point + " " + num(st.value) + (rule.high ? " >= " : " <= ") +
                  std::string(to_string(st.current)) + " level " + num(thr);
    }
    return e;
  }

  bool active(int r) const { return r >= 0 && state[static_cast<std::size_t>(r)].current != Severity::none; }

  void apply(std::uint32_t r, Severity target, std::int64_t t, double m) {
    State& st = state[r];
    const Severity before = st.current;
    st.value = m;
    if (before == Severity::none) {
      st.current = target;
      st.alarm_id = ++next_id;
      st.raised_t = t;
      st.suppressed = active(parent[r]);
      alarms[st.alarm_id] = {r, false};
      AlarmEvent e = event(r, st.suppressed ? EventKind::suppressed : EventKind::raised, t);
      if (options.locate) e.location = options.locate(e);
      deliver(e);
      // Its active children are now explained by it.
      for (auto c : children[r]) {
        State& cs = state[c];
        if (cs.current != Severity::none && !cs.suppressed) {
          cs.suppressed = true;
          AlarmEvent ce = event(c, EventKind::suppressed, t);
          deliver(ce);
        }
      }
    } else if (target == Severity::none) {
      st.current = Severity::none;
      AlarmEvent e = event(r, EventKind::cleared, t);
      e.severity = Severity::none;
      deliver(e);
      st.suppressed = false;
      // Children that outlive it are raised in their own right (unless another ancestor holds).
      for (auto c : children[r]) {
        State& cs = state[c];
        if (cs.current != Severity::none && cs.suppressed) {
          cs.suppressed = false;
          AlarmEvent ce = event(c, EventKind::raised, t);
          deliver(ce);
        }
      }
    } else {
      st.current = target;
      AlarmEvent e = event(r, EventKind::updated, t);
      deliver(e);
    }
  }

  // The level the measure calls for, with the hysteresis of the active level.
  Severity target_of(const AlarmRule& rule, Severity current, double m) const {
    Severity raw = Severity::none, hold = Severity::none;
    for (const auto& l : rule.levels) {
      if (rule.high ? m >= l.threshold : m <= l.threshold) raw = l.severity;
      if (l.severity <= current && (rule.high ? m > l.threshold - rule.hysteresis : m < l.threshold + rule.hysteresis))
        hold = l.severity;
    }
    return std::max(raw, hold);
  }

  void judge(std::uint32_t r, double m, std::int64_t t) {
    if (!std::isfinite(m)) return;  // an undefined measure changes nothing
    State& st = state[r];
    const auto& rule = rules.rules[r];
    const Severity target = target_of(rule, st.current, m);
    if (target > st.current) {
      if (st.pending_since == kNever) st.pending_since = t;
      if (t - st.pending_since >= rule.min_duration_s) {
        st.pending_since = kNever;
        apply(r, target, t, m);
      }
      return;
    }
    st.pending_since = kNever;
    if (target < st.current) {
      apply(r, target, t, m);
    } else {
      st.value = m;
    }
  }

  void check_no_data() {
    if (clock <= next_deadline) return;
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    for (auto r : no_data_rules) {
      State& st = state[r];
      const auto& rule = rules.rules[r];
      if (st.last_seen == kNever) st.last_seen = clock;  // the clock's start counts as the last reading
      const std::int64_t deadline = st.last_seen + rule.interval_s * rule.no_data_intervals;
      if (clock > deadline) {  // the readings due up to the deadline are all missing
        if (st.current == Severity::none) apply(r, rule.levels.front().severity, clock, static_cast<double>(clock - st.last_seen));
      } else {
        next = std::min(next, deadline);
      }
    }
    next_deadline = next;
  }

  void set_clock(std::int64_t t) {
    if (t <= clock) return;
    clock = t;
    if (!no_data_rules.empty()) check_no_data();
  }

  void on_reading(std::uint32_t r, std::uint8_t slot, std::int64_t t, double v, store::Quality q) {
    const auto& rule = rules.rules[r];
    State& st = state[r];
    switch (rule.kind) {
      case RuleKind::threshold: judge(r, v, t); break;
      case RuleKind::power_factor:
        if (rule.points.size() == 1) {
          judge(r, v, t);
        } else {
          st.pv[slot] = v;
          st.pt[slot] = t;
          if (st.pt[0] == st.pt[1]) {
            const double s = std::hypot(st.pv[0], st.pv[1]);
            if (s > 0) judge(r, std::abs(st.pv[0]) / s, t);
          }
        }
        break;
      case RuleKind::rate_of_change:
        if (st.last_t != kNever && std::isfinite(st.last_value) && std::isfinite(v) && t > st.last_t)
          judge(r, std::abs(v - st.last_value) / static_cast<double>(t - st.last_t) * rule.rate_window_s, t);
        st.last_t = t;
        st.last_value = v;
        break;
      case RuleKind::daily_limit:
      case RuleKind::monthly_limit:
        if (t >= st.period_end || t < st.period_start) {
          const int off = rules.utc_offset_minutes;
          const LocalTime l = to_local(t, off);
          if (rule.kind == RuleKind::daily_limit) {
            st.period_start = from_local(l.year, l.month, l.day, 0, 0, 0, off);
            st.period_end = st.period_start + 86400;
          } else {
            st.period_start = from_local(l.year, l.month, 1, 0, 0, 0, off);
            st.period_end = l.month == 12 ? from_local(l.year + 1, 1, 1, 0, 0, 0, off) : from_local(l.year, l.month + 1, 1, 0, 0, 0, off);
          }
          st.acc_kwh = 0;
          if (st.current != Severity::none) apply(r, Severity::none, t, 0);  // a new day (month) starts below its limit
          st.pending_since = kNever;
        }
        if (std::isfinite(v)) st.acc_kwh += v;
        judge(r, st.acc_kwh, t);
        break;
      case RuleKind::phase_imbalance: {
        st.pv[slot] = v;
        st.pt[slot] = t;
        if (st.pt[0] == st.pt[1] && st.pt[1] == st.pt[2]) {
          const double mean = (st.pv[0] + st.pv[1] + st.pv[2]) / 3;
          if (mean > 0) {
            double dev = 0;
            for (double x : st.pv) dev = std::max(dev, std::abs(x - mean));
            judge(r, dev / mean, t);
          }
        }
        break;
      }
      case RuleKind::no_data:
        st.last_seen = t;
        next_deadline = std::min(next_deadline, t + rule.interval_s * rule.no_data_intervals);
        if (st.current != Severity::none) apply(r, Severity::none, t, 0);
        break;
      case RuleKind::estimated_share: {
        if (st.ring.empty()) st.ring.assign(static_cast<std::size_t>(rule.window_readings), 0);
        const std::uint8_t est = q == store::Quality::estimated ? 1 : 0;
        if (st.ring_count == rule.window_readings) st.estimated -= st.ring[static_cast<std::size_t>(st.ring_pos)];
        else ++st.ring_count;
        st.ring[static_cast<std::size_t>(st.ring_pos)] = est;
        st.estimated += est;
        st.ring_pos = (st.ring_pos + 1) % rule.window_readings;
        if (st.ring_count == rule.window_readings) judge(r, static_cast<double>(st.estimated) / rule.window_readings, t);
        break;
      }
      case RuleKind::anomaly: {
        auto it = st.expected.find(t);
        if (it != st.expected.end() && std::isfinite(v)) judge(r, std::abs(v - it->second) / rule.residual_std, t);
        st.expected.erase(st.expected.begin(), st.expected.upper_bound(t));
        break;
      }
    }
  }
};

AlarmEngine::AlarmEngine(AlarmRules rules, AlarmEngineOptions options) : impl_(std::make_unique<Impl>()) {
  rules.validate();
  Impl& s = *impl_;
  s.rules = std::move(rules);
  s.options = std::move(options);
  const auto n = s.rules.rules.size();
  s.state.resize(n);
  s.children.resize(n);
  s.parent.assign(n, -1);
  std::map<std::string, std::uint32_t> by_name;
  for (std::uint32_t r = 0; r < n; ++r) by_name[s.rules.rules[r].name] = r;
  for (std::uint32_t r = 0; r < n; ++r) {
    const auto& rule = s.rules.rules[r];
    if (!rule.parent.empty()) {
      s.parent[r] = static_cast<int>(by_name[rule.parent]);
      s.children[by_name[rule.parent]].push_back(r);
    }
    if (rule.kind == RuleKind::no_data) s.no_data_rules.push_back(r);
    for (std::size_t k = 0; k < rule.points.size(); ++k) {
      auto [it, fresh] = s.point_index.try_emplace(rule.points[k], static_cast<int>(s.point_names.size()));
      if (fresh) {
        s.point_names.push_back(rule.points[k]);
        s.uses.emplace_back();
        s.point_last_t.push_back(kNever);
      }
      s.uses[static_cast<std::size_t>(it->second)].push_back({r, static_cast<std::uint8_t>(k)});
    }
  }
}

AlarmEngine::~AlarmEngine() = default;
AlarmEngine::AlarmEngine(AlarmEngine&&) noexcept = default;
AlarmEngine& AlarmEngine::operator=(AlarmEngine&&) noexcept = default;

void AlarmEngine::add_sink(std::function<void(const AlarmEvent&)> sink) { impl_->sinks.push_back(std::move(sink)); }

int AlarmEngine::point_id(std::string_view point) const {
  const auto it = impl_->point_index.find(std::string(point));
  return it == impl_->point_index.end() ? -1 : it->second;
}

const std::vector<std::string>& AlarmEngine::points() const { return impl_->point_names; }

std::size_t AlarmEngine::rule_count() const { return impl_->rules.rules.size(); }

int AlarmEngine::push(int id, std::int64_t t, double value, store::Quality q) {
  Impl& s = *impl_;
  if (id < 0 || static_cast<std::size_t>(id) >= s.uses.size())
    throw InputError("", "point_id", "no rule uses point id " + std::to_string(id));
  auto& last = s.point_last_t[static_cast<std::size_t>(id)];
  if (t <= last)
    throw InputError("", s.point_names[static_cast<std::size_t>(id)],
                     "reading at " + format_iso8601(t, s.rules.utc_offset_minutes) + " is not after the previous one at " +
                         format_iso8601(last, s.rules.utc_offset_minutes));
  last = t;
  s.delivered = 0;
  s.set_clock(t);
  for (const auto& u : s.uses[static_cast<std::size_t>(id)]) s.on_reading(u.rule, u.slot, t, value, q);
  return s.delivered;
}

int AlarmEngine::push(std::string_view point, std::int64_t t, double value, store::Quality q) {
  const int id = point_id(point);
  if (id < 0) return 0;
  return push(id, t, value, q);
}

int AlarmEngine::advance(std::int64_t t) {
  impl_->delivered = 0;
  impl_->set_clock(t);
  return impl_->delivered;
}

void AlarmEngine::set_expected(std::string_view point, std::int64_t t, double expected) {
  Impl& s = *impl_;
  const int id = point_id(point);
  bool any = false;
  if (id >= 0)
    for (const auto& u : s.uses[static_cast<std::size_t>(id)])
      if (s.rules.rules[u.rule].kind == RuleKind::anomaly) {
        s.state[u.rule].expected[t] = expected;
        any = true;
      }
  if (!any) throw InputError("", std::string(point), "no anomaly rule watches this point");
}

void AlarmEngine::acknowledge(std::int64_t alarm_id, std::int64_t t, const std::string& who) {
  Impl& s = *impl_;
  auto it = s.alarms.find(alarm_id);
  if (it == s.alarms.end()) throw InputError("", "alarm_id", "no alarm " + std::to_string(alarm_id));
  if (it->second.second) throw InputError("", "alarm_id", "alarm " + std::to_string(alarm_id) + " is acknowledged already");
  it->second.second = true;
  const auto r = it->second.first;
  AlarmEvent e = s.event(r, EventKind::acknowledged, t);
  e.alarm_id = alarm_id;
  if (s.state[r].alarm_id != alarm_id) e.severity = Severity::none;  // an older, cleared activation
  e.acknowledged_by = who;
  e.message = "acknowledged by " + who;
  s.delivered = 0;
  s.deliver(e);
}

std::vector<ActiveAlarm> AlarmEngine::active() const {
  const Impl& s = *impl_;
  std::vector<ActiveAlarm> out;
  for (std::size_t r = 0; r < s.state.size(); ++r) {
    const auto& st = s.state[r];
    if (st.current == Severity::none) continue;
    out.push_back({st.alarm_id, s.rules.rules[r].name, st.current, st.raised_t, st.value, st.suppressed, s.alarms.at(st.alarm_id).second});
  }
  std::sort(out.begin(), out.end(), [](const ActiveAlarm& a, const ActiveAlarm& b) {
    return a.raised_unix_s != b.raised_unix_s ? a.raised_unix_s < b.raised_unix_s : a.alarm_id < b.alarm_id;
  });
  return out;
}

// --- the store sink -------------------------------------------------------------------------------

StoreAlarmSink::StoreAlarmSink(store::Store& s, std::string tenant, bool with_point)
    : store_(&s), tenant_(std::move(tenant)), with_point_(with_point) {}

std::int64_t StoreAlarmSink::store_id(std::int64_t alarm_id) const {
  for (const auto& [a, sid] : ids_)
    if (a == alarm_id) return sid;
  return 0;
}

void StoreAlarmSink::operator()(const AlarmEvent& e) {
  const std::int64_t sid = store_id(e.alarm_id);
  if ((e.kind == EventKind::raised || e.kind == EventKind::suppressed) && sid == 0) {
    store::AlarmEvent a;
    a.tenant = tenant_;
    a.point = with_point_ ? e.point : "";
    a.rule = e.rule;
    a.severity = std::string(to_string(e.severity));
    a.raised_unix_s = e.t_unix_s;
    a.value = e.value;
    a.message = e.location.empty() ? e.message : e.message + "; location: " + e.location;
    a.suppressed_by = e.suppressed_by;
    ids_.emplace_back(e.alarm_id, store_->add_alarm(a));
    return;
  }
  if (sid == 0) throw InputError("", "alarm_id", "the store sink never saw alarm " + std::to_string(e.alarm_id) + " raised");
  switch (e.kind) {
    case EventKind::raised:
    case EventKind::suppressed:
    case EventKind::updated: store_->update_alarm(sid, std::string(to_string(e.severity)), e.value, e.message, e.suppressed_by); break;
    case EventKind::cleared: store_->clear_alarm(sid, e.t_unix_s); break;
    case EventKind::acknowledged: store_->acknowledge_alarm(sid, e.t_unix_s, e.acknowledged_by); break;
  }
}

// --- fault location -------------------------------------------------------------------------------

FaultLocation locate_deviation(const std::vector<TreeMeter>& window, const std::vector<TreeMeter>& reference, const std::string& meter) {
  // The balance code validates both trees (names, parents, cycles, one grid) and lists children.
  const TreeBalance tb = meter_tree_balance(window, 1.0);
  meter_tree_balance(reference, 1.0);
  if (window.size() != reference.size()) throw InputError("", "reference", "the reference tree has other meters than the window's");
  std::map<std::string, std::pair<double, double>> mean;  // name -> (window, reference) energy per step
  auto nanmean = [](const IntervalData& d) {
    double s = 0;
    int n = 0;
    for (Eigen::Index i = 0; i < d.value.size(); ++i)
      if (std::isfinite(d.value[i])) {
        s += d.value[i];
        ++n;
      }
    return n ? s / n : kNaN;
  };
  for (const auto& m : window) mean[m.name].first = nanmean(m.energy_kwh);
  for (const auto& m : reference) {
    auto it = mean.find(m.name);
    if (it == mean.end()) throw InputError("", "reference/" + m.name, "meter \"" + m.name + "\" is not in the window's tree");
    it->second.second = nanmean(m.energy_kwh);
  }
  if (!mean.count(meter)) throw InputError("", "meter", "meter \"" + meter + "\" is not in the tree");
  std::map<std::string, std::vector<std::string>> kids;
  for (const auto& n : tb.nodes) kids[n.name] = n.children;
  const double steps = static_cast<double>(window.front().energy_kwh.size());
  auto dev = [&](const std::string& name) { return (mean[name].first - mean[name].second) * steps; };
  FaultLocation f;
  f.parent_deviation_kwh = dev(meter);
  const double sign = f.parent_deviation_kwh >= 0 ? 1.0 : -1.0;
  std::string node = meter;
  f.path.push_back(node);
  double node_dev = f.parent_deviation_kwh;
  for (;;) {
    const auto it = kids.find(node);
    if (it == kids.end() || it->second.empty()) {
      f.branch = node;
      break;
    }
    double sum_children = 0, best = -std::numeric_limits<double>::infinity();
    std::string best_name;
    for (const auto& c : it->second) {
      const double d = dev(c);
      sum_children += d;
      if (sign * d > best) {
        best = sign * d;
        best_name = c;
      }
    }
    const double rest = node_dev - sum_children;  // the node's unmetered part moved by this much
    if (sign * rest > best) {
      f.branch = node + ":unmetered";
      f.path.push_back(f.branch);
      node_dev = rest;
      break;
    }
    node = best_name;
    node_dev = dev(node);
    f.path.push_back(node);
  }
  f.deviation_kwh = node_dev;
  f.share_explained = f.parent_deviation_kwh != 0 ? f.deviation_kwh / f.parent_deviation_kwh : kNaN;
  return f;
}

}  // namespace ehub::ems
