// Demand response: events as OpenADR-like JSON (peak shaving or valley filling over a window,
// requested kW or kWh, compensation and penalty per kWh, notice), customer baselines (X of Y days
// with an optional day-of adjustment), verified reduction = baseline - metered, and settlement
// (docs/demand_response.md).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/ems/meter_data.hpp"
#include "ehub/sim/rolling.hpp"
#include "ehub/export.hpp"

namespace ehub::store {
class Store;
}

namespace ehub::dr {

/// What the grid asks for: less consumption (peak shaving) or more (valley filling).
enum class EventType : std::uint8_t { peak_shaving = 0, valley_filling = 1 };
/// "peak_shaving" or "valley_filling".
EHUB_EXPORT std::string_view to_string(EventType t) noexcept;

/// A demand-response event of a programme.
struct Event {
  std::string id{};                    ///< OpenADR eventID
  std::string program{};               ///< OpenADR marketContext
  std::string participant{};           ///< the tenant or site that answers ("" park-wide)
  EventType type = EventType::peak_shaving;
  std::int64_t notified_unix_s = 0;    ///< when the event was announced (OpenADR createdDateTime)
  std::int64_t start_unix_s = 0;       ///< OpenADR dtstart
  std::int64_t end_unix_s = 0;         ///< dtstart + duration
  double requested_kw = 0;             ///< the change asked for, kW (0 when given as kWh)
  double requested_kwh = 0;            ///< or the energy over the window (0 when given as kW)
  double compensation_per_kwh = 0.85;  ///< paid per verified kWh (the seed's figure: 0.85 CNY/kWh)
  double penalty_per_kwh = 0;          ///< charged per kWh short of the request
  double min_performance = 0.5;        ///< below this share of the request nothing is paid
  double max_paid_share = 1.2;         ///< at most this share of the request is paid
  std::int64_t min_notice_s = 0;       ///< the programme's notice (OpenADR x-eiNotification)
  /// Energy asked for over the window: requested_kwh, or requested_kw x the window's hours.
  double requested_energy_kwh() const noexcept;
};

/// Options of event validation.
struct EventCheck {
  std::int64_t now_unix_s = 0;  ///< events must not have started by then (0: not checked)
  int utc_offset_minutes = 0;   ///< for the times in messages
};

/// Reads events from OpenADR-like JSON (docs/demand_response.md) and checks them: times, a
/// positive request, compensation and penalty >= 0, notice at least the programme's, not in the
/// past (against `check.now_unix_s`), no two events of one participant overlapping. Errors name
/// `file` and the JSON pointer (/events/2/window/end ...).
EHUB_EXPORT std::vector<Event> parse_events(const nlohmann::json& j, const std::string& file = "", const EventCheck& check = {});
/// As parse_events, from a file.
EHUB_EXPORT std::vector<Event> load_events(const std::string& path, const EventCheck& check = {});
/// The same checks for events built in code (paths /events/<i>/...).
EHUB_EXPORT void validate_events(const std::vector<Event>& events, const std::string& file = "", const EventCheck& check = {});

/// How a customer baseline is computed ("X of Y" days, as utility programmes define them).
struct BaselineRule {
  int x_days = 4;                 ///< days averaged ...
  int y_days = 5;                 ///< ... out of the Y most recent eligible days before the event day (e.g. PJM high 4 of 5, CAISO 10 of 10)
  /// Which X of the Y: "highest" (consumption in the event window; the default for peak shaving),
  /// "lowest" (the default for valley filling), "recent" (the X most recent).
  std::string select{};
  bool same_day_type = true;      ///< weekdays for a weekday event, weekend days for a weekend one
  int max_lookback_days = 45;     ///< how far back eligible days are searched
  /// Day-of adjustment: "none", "multiplicative" (baseline x actual / baseline over the adjustment
  /// window, capped) or "additive" (baseline + the mean difference there, capped as a share).
  std::string adjustment = "none";
  double adjustment_start_h = 4;  ///< the window starts this many hours before the event ...
  double adjustment_length_h = 3; ///< ... and lasts this long (CAISO: hours -4 .. -1)
  double adjustment_cap = 0.2;    ///< the factor stays within 1 +- cap
  int utc_offset_minutes = 0;     ///< the park's local days
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// A customer baseline of an event.
struct CustomerBaseline {
  Eigen::VectorXd baseline_kwh{};        ///< per step of the event window
  std::vector<std::string> days_used{};  ///< local dates of the X days
  double adjustment_factor = 1;          ///< multiplicative factor applied (1 when none)
  double adjustment_kwh = 0;             ///< additive term per step (0 when none)
};

/// The baseline of `event` from the participant's metered energy per step (`metered`, a grid that
/// covers the look-back days and the event day up to its end). Days with another event in `other`
/// (their local dates) and days with missing values in the window are not eligible. Throws
/// InputError when fewer than X eligible days are found (naming how many).
EHUB_EXPORT CustomerBaseline customer_baseline(const Event& event, const ems::IntervalData& metered, const BaselineRule& rule = {},
                                               const std::vector<Event>& other = {});

/// The settlement of an event.
struct Settlement {
  std::string event_id{};
  double requested_kwh = 0;
  double baseline_kwh = 0;        ///< over the window
  double metered_kwh = 0;
  double delivered_kwh = 0;       ///< baseline - metered (peak shaving) or metered - baseline (valley filling)
  double performance = 0;         ///< delivered / requested
  double paid_kwh = 0;            ///< min(delivered, max_paid_share x requested), 0 below min_performance
  double payment = 0;             ///< paid_kwh x compensation
  double shortfall_kwh = 0;       ///< max(0, requested - delivered)
  double penalty = 0;             ///< shortfall x penalty
  double net = 0;                 ///< payment - penalty
  Eigen::VectorXd delivered_kwh_per_step{};
  CustomerBaseline baseline{};
};

/// Verifies and settles `event`: its customer baseline from `metered` (rule as above), the
/// delivered energy per step and over the window, the payment and the penalty.
EHUB_EXPORT Settlement settle(const Event& event, const ems::IntervalData& metered, const BaselineRule& rule = {},
                              const std::vector<Event>& other = {});

/// Settles `event` against a given baseline and the metered energy over its window (per step,
/// the same length): delivered, payment, penalty and net as `settle` computes them. Throws
/// InputError for different lengths or gaps.
EHUB_EXPORT Settlement settle_against(const Event& event, const Eigen::VectorXd& baseline_kwh, const Eigen::VectorXd& metered_kwh);

/// A demand-response event answered by the operations loop (docs/demand_response.md, "In the
/// operations loop").
struct LoopAnswer {
  double cost_without = 0;      ///< the run's operating cost without the event
  double cost_with = 0;         ///< the run's operating cost answering it (the incentive is not a cost)
  Settlement settlement{};      ///< against the customer baseline of the executed grid import
  double value = 0;             ///< settlement.net - (cost_with - cost_without)
  sim::LoopReport without{};    ///< the run without the event
  sim::LoopReport with{};       ///< the run answering it
};

/// Runs the operations loop on `scenario` twice, without and with `event`: with it, every plan
/// sees the event's compensation c on grid connection `grid_device` during the event window (its
/// import and export prices rise by c for peak shaving, fall by c for valley filling, so each kWh
/// of change is worth c; LoopOptions::plan_exchange_price_adder_per_kwh), the twin delivers the
/// plan at the park's own prices, and the event is settled (`settle`, with `rule` and `other`) on
/// the executed net grid import per step of the run answering it (the look-back days are that
/// run's too). The loop must run past the event's end. Throws InputError naming the problem.
EHUB_EXPORT LoopAnswer answer_in_loop(const nlohmann::json& scenario, const std::string& file, const std::string& base_dir,
                                      const sim::LoopOptions& options, const Event& event,
                                      const BaselineRule& rule = {}, const std::string& grid_device = "grid",
                                      const std::vector<Event>& other = {});

/// Records a settled event in the store's demand-response table (programme, window, requested kW
/// (the window's mean when given in kWh), baseline and delivered kWh, status "completed"); returns its id.
EHUB_EXPORT std::int64_t record_settlement(store::Store& s, const Event& event, const Settlement& settlement,
                                           const std::string& tenant = "");

}  // namespace ehub::dr
