// Records of the park kept in the store: tenants, sites, meters and measurement points, assets and
// their maintenance, VPP resources, trading strategies and trades, alarm and demand-response events.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/enum_names.hpp"
#include "ehub/export.hpp"

namespace ehub::store {

/// A tenant (enterprise) of the park. Every row of meter and asset data belongs to one tenant.
struct Tenant {
  std::int64_t id = 0;         ///< assigned by the store
  std::string name{};            ///< unique, used in URLs and logins ("acme")
  std::string display_name{};    ///< free text
};

/// A site (the park, or one of several parks of a platform).
struct Site {
  std::int64_t id = 0;
  std::string name{};              ///< unique ("kunming")
  int utc_offset_minutes = 0;    ///< local time of the site (480 for China)
  double latitude_deg = 0;       ///< WGS84
  double longitude_deg = 0;      ///< WGS84
};

/// What a meter measures.
enum class MeterKind : std::uint8_t {
  electricity = 0,
  water = 1,
  gas = 2,
  heat = 3,
  cooling = 4,
  production = 5,  ///< a production counter (units of product)
};
/// "electricity", "water", "gas", "heat", "cooling", "production".
/// The meter kinds' names.
inline constexpr EnumName<MeterKind> kMeterKindNames[] = {
    {MeterKind::electricity, "electricity"}, {MeterKind::water, "water"},     {MeterKind::gas, "gas"},
    {MeterKind::heat, "heat"},               {MeterKind::cooling, "cooling"}, {MeterKind::production, "production"}};
EHUB_EXPORT std::string_view to_string(MeterKind kind) noexcept;
/// Inverse of to_string; throws InputError naming the valid names.
EHUB_EXPORT MeterKind meter_kind_from_string(std::string_view name);

/// A physical or virtual meter owned by a tenant, at a site, optionally below a parent meter.
struct Meter {
  std::int64_t id = 0;
  std::string name{};                  ///< unique ("B1-main")
  std::string tenant{};                ///< tenant name (the owner of the meter's rows)
  std::string site{};                  ///< site name
  MeterKind kind = MeterKind::electricity;
  std::string parent{};                ///< parent meter name, "" for a top-level meter
  std::string serial{};                ///< manufacturer's serial number, free text
};

/// One measured quantity of a meter (a register or an interval channel).
struct Point {
  std::int64_t id = 0;
  std::string name{};                  ///< unique ("B1-main.kwh")
  std::string meter{};                 ///< meter name
  std::string quantity{};              ///< "energy", "power", "volume", "flow", "temperature", ...
  std::string unit{};                  ///< unit of the stored values ("kWh", "kW", "m3")
  double multiplier = 1;             ///< CT/PT ratio: engineering value = stored value x multiplier
  bool cumulative = false;           ///< true: a register that counts up; false: interval values
  int interval_s = 0;                ///< nominal reading interval in seconds, 0 when irregular
  std::map<std::string, std::string> tags{};  ///< dimensions: item, area, floor, tenant unit, ...
  /// A virtual point: a linear formula over other points of the same tenant ("main.kw - b1.kw -
  /// 0.5 * b2.kw"), evaluated by ehub::ems (no readings of its own); "" for a measured point.
  std::string formula{};
};

/// The units a point of a meter of `kind` may have (electricity: kWh, kW, kvarh, V, A, ...).
EHUB_EXPORT const std::vector<std::string>& units_for(MeterKind kind);

/// One term of a virtual point's formula: coefficient x point.
struct FormulaTerm {
  double coefficient = 1;
  std::string point{};
};
/// Parses a linear formula "a.kw + b.kw - 0.5 * c.kw": terms joined by " + " and " - " (with
/// spaces: a point name is any run of characters without spaces, '+' and '*', so "B1-main.kw" is
/// one name), each an optional number and '*' before a point name. Throws InputError naming the
/// formula and the character where it goes wrong.
EHUB_EXPORT std::vector<FormulaTerm> parse_formula(std::string_view formula);

/// An asset of the park (a device that is built and maintained).
struct Asset {
  std::int64_t id = 0;
  std::string name{};                  ///< unique ("battery-1")
  std::string tenant{};                ///< owner
  std::string site{};                  ///< site name
  std::string kind{};                  ///< device type ("battery", "chp", "pv", ...)
  std::string manufacturer{};
  std::string model{};
  std::string serial{};
  std::int64_t commissioned_unix_s = 0;  ///< commissioning date, unix seconds (0: unknown)
  double rated_power_kw = 0;
  double rated_energy_kwh = 0;
  std::string params_json = "{}";    ///< device parameters as JSON text (the scenario's device keys)
};

/// A maintenance record of an asset (an inspection, a repair, an outage).
struct Maintenance {
  std::int64_t id = 0;
  std::string asset{};                 ///< asset name
  std::int64_t start_unix_s = 0;
  std::int64_t end_unix_s = 0;       ///< 0 while still open
  std::string kind{};                  ///< "inspection", "repair", "replacement", "outage", ...
  std::string description{};
  double cost = 0;                   ///< in the park's currency
};

/// A VPP resource template: a device type with default parameters that instances refine.
struct ResourceTemplate {
  std::int64_t id = 0;
  std::string name{};                  ///< unique ("battery-1MW")
  std::string device_type{};           ///< hub device type ("battery", "chp", "curtailable_load", ...)
  std::string params_json = "{}";    ///< default parameters as JSON text
};

/// A VPP resource: an instance of a template owned by a tenant, optionally tied to an asset.
struct Resource {
  std::int64_t id = 0;
  std::string name{};                  ///< unique
  std::string tenant{};
  std::string template_name{};
  std::string asset{};                 ///< asset name, "" when none
  std::string params_json = "{}";    ///< parameters overriding the template's
};

/// A trading strategy configuration.
struct Strategy {
  std::int64_t id = 0;
  std::string name{};                  ///< unique
  std::string kind{};                  ///< "rules", "optimisation", "hybrid", ...
  std::string config_json = "{}";
};

/// A trade (an accepted order or a settled position).
struct Trade {
  std::int64_t id = 0;
  std::string strategy{};              ///< strategy name, "" when none
  std::string vpp{};                   ///< VPP name, "" when none
  std::string market{};                ///< "day_ahead", "intraday", "reserve_up", ...
  std::string product{};               ///< "H08", "Q0815", "block_peak", ...
  std::int64_t delivery_start_unix_s = 0;
  std::int64_t delivery_end_unix_s = 0;
  std::string side{};                  ///< "buy" or "sell"
  double quantity_kwh = 0;
  double price_per_kwh = 0;
  std::string status = "accepted";   ///< "submitted", "accepted", "settled", "rejected", ...
};

/// An alarm event (raised, and cleared once the condition ends).
struct AlarmEvent {
  std::int64_t id = 0;
  std::string tenant{};
  std::string point{};                 ///< point name, "" for a meter- or site-level alarm
  std::string rule{};                  ///< rule name ("day_over_limit", "meter_silent", ...)
  std::string severity = "warning";  ///< "info", "warning", "alarm", "critical"
  std::int64_t raised_unix_s = 0;
  std::int64_t cleared_unix_s = 0;   ///< 0 while active
  double value = 0;                  ///< the value that raised it (or the last update's)
  std::string message{};
  std::int64_t acknowledged_unix_s = 0;  ///< 0 until acknowledged (schema version 5)
  std::string acknowledged_by{};
  std::string suppressed_by{};       ///< the active parent alarm's rule when raised under it, "" otherwise
};

/// A demand-response event of a programme.
struct DrEvent {
  std::int64_t id = 0;
  std::string tenant{};                ///< the participant ("" for a park-wide event)
  std::string program{};               ///< programme name
  std::int64_t start_unix_s = 0;
  std::int64_t end_unix_s = 0;
  double requested_kw = 0;           ///< requested reduction
  std::optional<double> baseline_kwh{};   ///< once computed
  std::optional<double> delivered_kwh{};  ///< once verified
  std::string status = "scheduled";  ///< "scheduled", "active", "completed", "cancelled"
};

/// One entry of the audit log: who changed what, when, from which value to which.
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t at_unix_s = 0;
  std::string who{};                   ///< the store's user (OpenOptions::user or the login role)
  std::string tenant{};                ///< tenant of the changed row, "" for park-level rows
  std::string table{};                 ///< "readings", "meters", "points", ...
  std::string row_key{};               ///< the changed row ("point=B1.kwh t=1735660800", "id=3")
  std::string action{};                ///< "insert", "update", "delete", "replace", "edit"
  std::string old_value{};             ///< text form ("" for an insert)
  std::string new_value{};             ///< text form ("" for a delete)
};

}  // namespace ehub::store
