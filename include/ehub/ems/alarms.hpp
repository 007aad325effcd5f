// Alarms over meter points, evaluated as readings stream in: multi-level thresholds with
// hysteresis and minimum duration, rate of change, daily and monthly consumption limits,
// three-phase imbalance, power factor, data quality and anomalies against a baseline; events with
// a life cycle delivered to sinks and the store; fault location on the meter tree (docs/alarms.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/ems/balance.hpp"
#include "ehub/export.hpp"
#include "ehub/store/readings.hpp"

namespace ehub::store {
class Store;
}

namespace ehub::ems {

/// Severity of an alarm, in increasing order (none: no alarm).
enum class Severity : std::uint8_t { none = 0, info = 1, warning = 2, alarm = 3, critical = 4 };
/// "none", "info", "warning", "alarm", "critical".
EHUB_EXPORT std::string_view to_string(Severity s) noexcept;
/// Inverse of to_string; throws InputError listing the names.
EHUB_EXPORT Severity severity_from_string(std::string_view name);

/// What a rule measures (each compared with the rule's levels).
enum class RuleKind : std::uint8_t {
  threshold = 0,        ///< the value itself
  rate_of_change = 1,   ///< |value change| per `rate_window_s` between consecutive readings
  daily_limit = 2,      ///< energy summed over the local day so far (values are kWh per interval)
  monthly_limit = 3,    ///< energy summed over the local month so far
  phase_imbalance = 4,  ///< max |x_k - mean| / mean of three phase values at one time (NEMA MG 1)
  power_factor = 5,     ///< one point's power factor, or |P| / sqrt(P^2 + Q^2) of two points (P, Q)
  no_data = 6,          ///< no reading for `no_data_intervals` x `interval_s` (checked as the clock moves)
  estimated_share = 7,  ///< share of the last `window_readings` readings flagged estimated
  anomaly = 8,          ///< |value - expected| / residual_std, expected from a baseline (set_expected)
};
/// "threshold", "rate_of_change", "daily_limit", "monthly_limit", "phase_imbalance",
/// "power_factor", "no_data", "estimated_share", "anomaly".
EHUB_EXPORT std::string_view to_string(RuleKind k) noexcept;

/// One level of a rule: the measure at which `severity` holds.
struct AlarmLevel {
  Severity severity = Severity::alarm;
  double threshold = 0;
};

/// A rule. Levels are in increasing severity; for a high rule (the default; power factor is low)
/// their thresholds increase, for a low rule they decrease.
struct AlarmRule {
  std::string name{};                 ///< unique
  RuleKind kind = RuleKind::threshold;
  std::vector<std::string> points{};  ///< 1 point; phase_imbalance 3; power_factor 1 or 2 (P, Q)
  bool high = true;                   ///< alarm above (true) or below the levels
  std::vector<AlarmLevel> levels{};   ///< no_data: one level (its threshold is ignored)
  double hysteresis = 0;              ///< an active level holds until the measure is this far back past it
  std::int64_t min_duration_s = 0;    ///< a level must hold this long before it is raised
  double rate_window_s = 60;          ///< rate_of_change: the change per this many seconds
  int no_data_intervals = 4;          ///< no_data: this many intervals without a reading
  std::int64_t interval_s = 900;      ///< no_data: the point's reading interval
  int window_readings = 96;           ///< estimated_share: the window
  double residual_std = 0;            ///< anomaly: the baseline's residual standard deviation (> 0)
  std::string parent{};               ///< rule whose active alarm suppresses this one ("" none)
  std::string meter{};                ///< meter of the tree the rule watches (fault location)
  std::string message{};              ///< text of the events ("" = generated)
  bool points_listed = false;         ///< the rule file gave "points" (a list) rather than "point" (for error paths)
};

/// A rule set: rules and the park's local time (day and month boundaries).
struct AlarmRules {
  std::vector<AlarmRule> rules{};
  int utc_offset_minutes = 0;
  /// Throws InputError with the JSON path (/rules/3/levels/1/threshold ...) of the first bad
  /// value: duplicate or empty names, unknown kinds, wrong point counts, points not in
  /// `known_points` (when it is not empty), levels out of order, negative hysteresis, unknown or
  /// cyclic parents.
  void validate(const std::vector<std::string>& known_points = {}, const std::string& file = "") const;
};

/// Reads a rule set from JSON (docs/alarms.md has the format) and validates it; errors name
/// `file` and the JSON pointer of the bad value.
EHUB_EXPORT AlarmRules parse_alarm_rules(const nlohmann::json& j, const std::string& file = "",
                                         const std::vector<std::string>& known_points = {});
/// As parse_alarm_rules, from a file.
EHUB_EXPORT AlarmRules load_alarm_rules(const std::string& path, const std::vector<std::string>& known_points = {});

/// What happened to an alarm.
enum class EventKind : std::uint8_t { raised = 0, updated = 1, cleared = 2, acknowledged = 3, suppressed = 4 };
/// "raised", "updated", "cleared", "acknowledged", "suppressed".
EHUB_EXPORT std::string_view to_string(EventKind k) noexcept;

/// An event of an alarm's life: raised (or suppressed, when its parent is active; raised later if
/// it outlives the parent), updated (its severity changed), cleared, acknowledged.
struct AlarmEvent {
  std::int64_t alarm_id = 0;          ///< the alarm (one per rule activation), the same through its life
  EventKind kind = EventKind::raised;
  std::string rule{};
  std::string point{};                ///< the rule's first point
  Severity severity = Severity::none; ///< the alarm's severity after the event
  std::int64_t t_unix_s = 0;          ///< time of the reading (or of the call) that caused it
  double value = 0;                   ///< the measure then
  std::string message{};
  std::string suppressed_by{};        ///< the parent rule while suppressed
  std::string location{};             ///< fault location ("" unless a locator gave one)
  std::string acknowledged_by{};
};

/// An active alarm.
struct ActiveAlarm {
  std::int64_t alarm_id = 0;
  std::string rule{};
  Severity severity = Severity::none;
  std::int64_t raised_unix_s = 0;
  double value = 0;
  bool suppressed = false;
  bool acknowledged = false;
};

/// Options of the engine.
struct AlarmEngineOptions {
  /// Called for each raised (or suppressed) event before it is delivered; returns the fault
  /// location text ("" none). See locate_deviation.
  std::function<std::string(const AlarmEvent&)> locate{};
};

/// The streaming evaluator: push readings one at a time (any point order, each point's times
/// increasing); each push evaluates the rules on that point at once and delivers the events to
/// the sinks before it returns. Not thread-safe (one engine per thread of readings).
class EHUB_EXPORT AlarmEngine {
 public:
  /// Validates `rules` (throws InputError) and prepares the evaluation.
  explicit AlarmEngine(AlarmRules rules, AlarmEngineOptions options = {});
  ~AlarmEngine();
  AlarmEngine(AlarmEngine&&) noexcept;
  AlarmEngine& operator=(AlarmEngine&&) noexcept;

  /// Adds a sink; every event goes to every sink in the order they were added.
  void add_sink(std::function<void(const AlarmEvent&)> sink);
  /// The id of a point the rules use (for push by id), or -1 when no rule uses it.
  int point_id(std::string_view point) const;
  /// Names of the points the rules use, by id.
  const std::vector<std::string>& points() const;

  /// A reading of a point by id. Throws InputError for an unknown id or a time before the point's
  /// previous reading. Returns the number of events delivered.
  int push(int point_id, std::int64_t t_unix_s, double value, store::Quality quality = store::Quality::good);
  /// A reading of a point by name (a point no rule uses is ignored: returns 0).
  int push(std::string_view point, std::int64_t t_unix_s, double value, store::Quality quality = store::Quality::good);
  /// Moves the clock to `t_unix_s` without a reading (no_data rules are checked); pushes do this too.
  int advance(std::int64_t t_unix_s);
  /// The expected value of an anomaly rule's point at `t_unix_s` (a baseline's prediction); a
  /// reading at that time is judged against it. Throws InputError for a point no anomaly rule uses.
  void set_expected(std::string_view point, std::int64_t t_unix_s, double expected);

  /// Acknowledges an alarm (active or cleared, once): delivers an acknowledged event. Throws
  /// InputError for an unknown or already acknowledged id.
  void acknowledge(std::int64_t alarm_id, std::int64_t t_unix_s, const std::string& who);
  /// Alarms now active, by raise time.
  std::vector<ActiveAlarm> active() const;
  /// Number of rules.
  std::size_t rule_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A sink writing the events to the store's alarm table: raised and suppressed add a row,
/// updated updates it, cleared clears it, acknowledged records who and when. With `with_point`
/// the row references the rule's first point (which must be a store point), otherwise the tenant.
class EHUB_EXPORT StoreAlarmSink {
 public:
  StoreAlarmSink(store::Store& s, std::string tenant, bool with_point = true);
  /// Writes one event; throws InputError for an event of an alarm it never saw raised.
  void operator()(const AlarmEvent& e);
  /// The store row id of an engine alarm id (0 when unknown).
  std::int64_t store_id(std::int64_t alarm_id) const;

 private:
  store::Store* store_;
  std::string tenant_;
  bool with_point_;
  std::vector<std::pair<std::int64_t, std::int64_t>> ids_;
};

/// Where a deviation on a parent meter comes from: the tree is walked down from `meter`, at each
/// node taking the child (or the node's own unmetered rest, parent - sum of children) whose energy
/// moved most between a reference window and the window of the alarm.
struct FaultLocation {
  std::vector<std::string> path{};   ///< from `meter` down to the branch that explains it
  std::string branch{};              ///< the last element of path, or "<node>:unmetered" for a node's rest
  double deviation_kwh = 0;          ///< the branch's change (window - reference, per step x steps)
  double parent_deviation_kwh = 0;   ///< the alarmed meter's change
  double share_explained = 0;        ///< deviation_kwh / parent_deviation_kwh
};

/// Locates a deviation: `window` and `reference` are the same tree (TreeMeter, energy per step)
/// over the alarm's window and over a normal period (their lengths may differ: energies are
/// compared per step). Throws InputError when `meter` is not in the tree or the trees differ.
EHUB_EXPORT FaultLocation locate_deviation(const std::vector<TreeMeter>& window, const std::vector<TreeMeter>& reference,
                                           const std::string& meter);

}  // namespace ehub::ems
