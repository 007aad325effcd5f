// carbon::certify: the green-certificate ledger of a schedule (optimised, simulated or measured):
// issuance per producer and step, storage pass-through, hourly matching, scores and Scope 1/2.
// The rules and worked cases are CERTIFICATES.md's; docs/carbon.md explains every choice.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/carbon/factors.hpp"
#include "ehub/carbon/gec.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/core/enum_names.hpp"
#include "ehub/export.hpp"

namespace ehub::carbon {

/// How a storage's release is split between its lots. Explicit numbers, append-only.
enum class Policy : std::uint8_t {
  fifo = 0,      ///< oldest lot first
  pro_rata = 1,  ///< green and grey in proportion to their content (weighted average)
  lifo = 2,      ///< newest lot first
  schedule = 3,  ///< the green/grey split recorded by the dispatch, verified
};
/// How storage losses take certificates. Explicit numbers, append-only.
enum class LossMode : std::uint8_t {
  physical = 0,  ///< charge, standing and discharge losses of the storage model (lots sum to the SOC)
  metered = 1,   ///< one factor: output / input over an audit window; delivering X consumes X / eta
};
/// Terminal (and initial) states of a certificate. Explicit numbers, append-only.
enum class Status : std::uint8_t { issued = 0, stored = 1, matched = 2, exported = 3, expired = 4, lost = 5 };
/// Where a bundle comes from. Explicit numbers, append-only.
enum class Origin : std::uint8_t { production = 0, storage_discharge = 1 };
/// Who issued a producer's certificates. Explicit numbers, append-only.
enum class Issuer : std::uint8_t { internal = 0, gec = 1, i_rec = 2, registry = 3 };

/// The enums' names (one table each: to_string, *_from_string, Python).
inline constexpr EnumName<Policy> kPolicyNames[] = {
    {Policy::fifo, "fifo"}, {Policy::pro_rata, "pro_rata"}, {Policy::lifo, "lifo"}, {Policy::schedule, "schedule"}};
inline constexpr EnumName<LossMode> kLossModeNames[] = {{LossMode::physical, "physical"}, {LossMode::metered, "metered"}};
inline constexpr EnumName<Status> kStatusNames[] = {{Status::issued, "issued"},     {Status::stored, "stored"},
                                                    {Status::matched, "matched"},   {Status::exported, "exported"},
                                                    {Status::expired, "expired"},   {Status::lost, "lost"}};
inline constexpr EnumName<Origin> kOriginNames[] = {{Origin::production, "production"},
                                                    {Origin::storage_discharge, "storage_discharge"}};
inline constexpr EnumName<Issuer> kIssuerNames[] = {
    {Issuer::internal, "internal"}, {Issuer::gec, "gec"}, {Issuer::i_rec, "i_rec"}, {Issuer::registry, "registry"}};

/// "fifo", "pro_rata", "lifo", "schedule".
EHUB_EXPORT std::string_view to_string(Policy p) noexcept;
/// "physical", "metered".
EHUB_EXPORT std::string_view to_string(LossMode m) noexcept;
/// "issued", "stored", "matched", "exported", "expired", "lost".
EHUB_EXPORT std::string_view to_string(Status s) noexcept;
/// "production", "storage_discharge".
EHUB_EXPORT std::string_view to_string(Origin o) noexcept;
/// "internal", "gec", "i_rec", "registry".
EHUB_EXPORT std::string_view to_string(Issuer i) noexcept;
/// Inverse of to_string (also accepts "pro-rata"); throws InputError listing the names.
EHUB_EXPORT Policy policy_from_string(std::string_view name);
/// Inverse of to_string; throws InputError listing the names.
EHUB_EXPORT LossMode loss_mode_from_string(std::string_view name);
/// Inverse of to_string; throws InputError listing the names.
EHUB_EXPORT Issuer issuer_from_string(std::string_view name);

/// A source of certificates: an on-site renewable device, or contracted certificates of the same
/// zone (GECs, PPA) released step by step.
struct Producer {
  std::string name;                  ///< device or contract name
  std::string technology;            ///< "pv", "wind", ... (the device type)
  bool on_site = true;               ///< false: contracted; used after on-site certificates, never exported
  Issuer issuer = Issuer::internal;  ///< issuer of the certificates
  std::string external_reference;    ///< registry reference of contracted certificates
  std::vector<double> kwh;           ///< certificates released per step, kWh >= 0 (production)
};

/// One electric storage as seen by the ledger: its metered charge and discharge at the bus, its
/// loss model and, optionally, the dispatch's green/grey split.
struct StorageInput {
  std::string name;                         ///< device name
  std::vector<double> charge_kwh;           ///< energy taken from the bus per step (>= 0)
  std::vector<double> discharge_kwh;        ///< energy delivered to the bus per step (>= 0)
  double eta_charge = 0.95;                 ///< physical mode: stored = charged x eta_charge
  double eta_discharge = 0.95;              ///< physical mode: delivering X takes X / eta_discharge
  double standing_loss_per_h = 0;           ///< physical mode: fraction of the content lost per hour
  std::vector<double> standing_loss_per_step;  ///< optional: fraction lost in each step (overrides per_h)
  std::optional<double> initial_kwh;        ///< content at the start (grey); default: from soc_kwh, else 0
  double initial_clean_share = 0;           ///< grid clean share credited to the initial content
  std::vector<double> soc_kwh;              ///< optional recorded SOC at each step's end (physical: checked)
  std::vector<double> green_charge_kwh;     ///< optional dispatch split: green part of the charge
  std::vector<double> green_discharge_kwh;  ///< optional dispatch split: green part of the discharge
  std::vector<double> soc_green_kwh;        ///< optional recorded green content (checked under schedule)
  std::optional<Policy> policy;             ///< overrides Options::policy for this storage
  std::optional<LossMode> losses;           ///< overrides Options::losses for this storage
  std::optional<double> metered_efficiency; ///< metered mode: fixed factor; default measured per audit window

  /// True when the dispatch's green split is present (both series non-empty).
  bool has_split() const noexcept { return !green_charge_kwh.empty() && !green_discharge_kwh.empty(); }
};

/// Everything the ledger reads, per step of `grid` (energies in kWh per step).
struct Input {
  TimeGrid grid;                             ///< the time axis (one step = one certificate interval)
  int utc_offset_minutes = 0;                ///< local calendar for months, hours of day and GEC months
  std::vector<double> consumption_kwh;       ///< L_t: electricity drawn by end uses and converters
  std::vector<Producer> producers;           ///< certificate sources
  std::vector<StorageInput> storages;        ///< electric storages
  std::vector<double> import_kwh;            ///< grid import per step (empty: none)
  std::vector<double> export_kwh;            ///< grid export per step (empty: none)
  std::vector<double> grid_clean_share;      ///< g_t in [0, 1] (empty: Options::grid_clean_share)
  std::vector<double> location_factor_kg_per_kwh;  ///< hourly grid factor (empty: Options::location_factor)
  std::vector<double> residual_factor_kg_per_kwh;  ///< hourly residual factor (empty: Options::residual_factor)
  std::vector<double> gas_kwh;               ///< natural gas burnt per step, kWh LHV (empty: none)
  std::vector<double> diesel_kwh;            ///< diesel burnt per step, kWh LHV (empty: none)
  double gas_m3 = 0;                         ///< natural gas burnt in the period, m3 (added to Scope 1)
  double diesel_kg = 0;                      ///< diesel burnt in the period, kg (added to Scope 1)
  std::string source;                        ///< file the input came from, for error messages

  /// Throws InputError naming the bad field (e.g. "/storages/0/charge_kwh/17: must be >= 0").
  void validate() const;
};

/// Options of a ledger run. Defaults follow CERTIFICATES.md.
struct Options {
  std::optional<Policy> policy;              ///< nullopt: schedule when a storage carries the split, else fifo
  LossMode losses = LossMode::physical;      ///< loss mode of every storage without its own
  bool integer_wh = false;                   ///< account in whole Wh (floor, remainder carried)
  bool pool_hours = false;                   ///< pool sub-hourly steps into hours before matching
  bool sell_exported_certificates = false;   ///< exported certificates are sold: the park keeps none of them
  double purchased_certificates_kwh = 0;     ///< unbundled certificates retired for the period (annual view)
  double grid_clean_share = 0;               ///< constant g_t when Input has no series
  EmissionFactor location_factor = default_location_factor();  ///< Scope 2 location-based
  EmissionFactor residual_factor = default_residual_factor();  ///< Scope 2 market-based (residual mix)
  std::optional<EmissionFactor> alternative_residual_factor;   ///< second annual market figure (default: location factor)
  FuelFactors fuel;                          ///< Scope 1 factors
  double carbon_price_per_t = 0;             ///< carbon cost = (Scope 1 + Scope 2 market) x price
  double floor_area_m2 = 0;                  ///< > 0: intensity per m2 is reported
  double production_units = 0;               ///< > 0: intensity per unit of product is reported
  int metered_window_months = 6;             ///< metered mode: audit window (1..6 months)
  std::string zone = "park";                 ///< market zone of the run (one per run)
  double tolerance = 1e-6;                   ///< relative tolerance of the schedule and SOC checks
  bool gec = true;                           ///< compute the GEC view
  bool records = true;                       ///< keep bundle and lot records (off: series and totals only)

  /// Throws InputError naming the bad field.
  void validate() const;
};

/// A bundle of certificates in one terminal state. Production bundles cover the ids issued in a
/// step (all producers of the step, in producer order); storage-discharge bundles are re-issues
/// with new ids whose parents are production ids. Ids count Wh from 0 in issue order.
struct Bundle {
  std::int64_t id_first = 0, id_end = 0;            ///< ids [first, end)
  std::int64_t parent_first = -1, parent_end = -1;  ///< storage_discharge: parent production ids
  double kwh = 0;                                   ///< volume
  std::int32_t production_step = -1;                ///< step the parent energy was produced
  std::int32_t release_step = -1;                   ///< step of the terminal event (end of run: stored)
  std::int32_t storage = -1;                        ///< storage passed through (-1: none)
  std::int32_t lot = -1;                            ///< lot index (-1: none)
  std::int32_t producer = -1;                       ///< producer (device_bundles() only; -1: mixed)
  double efficiency = 1.0;                          ///< storage_discharge: factor applied (eta_d or metered)
  Origin origin = Origin::production;               ///< production or storage_discharge
  Status status = Status::issued;                   ///< terminal state
};

/// One take-in of a storage: a green lot (certificates) or a grey lot (stamped with the grid).
struct Lot {
  std::int32_t storage = 0;          ///< storage index
  std::int32_t charge_step = -1;     ///< step of the charge (-1: content at the start)
  bool green = false;                ///< green (holds certificates) or grey
  double charged_kwh = 0;            ///< energy charged at the bus
  double stored_kwh = 0;             ///< content after the charge loss
  double removed_kwh = 0;            ///< content taken out by discharges
  double delivered_kwh = 0;          ///< energy delivered to the bus from this lot
  double lost_kwh = 0;               ///< lost in storage (charge, standing, discharge)
  double end_kwh = 0;                ///< content at the end of the run
  double clean_share = 0;            ///< grey: grid clean share of the charge step (green: 1)
  double factor_kg_per_kwh = 0;      ///< grey: location factor of the charge step
  std::int64_t id_first = -1, id_end = -1;  ///< green: certificate ids taken in
};

/// Per-storage report.
struct StorageReport {
  std::string name;                     ///< device name
  Policy policy = Policy::fifo;         ///< policy applied
  LossMode losses = LossMode::physical; ///< loss mode applied
  double eta_charge = 1, eta_discharge = 1;  ///< physical efficiencies
  std::vector<double> metered_efficiency;    ///< metered: factor of each audit window
  double green_in_kwh = 0;              ///< certificates taken in
  double green_out_kwh = 0;             ///< certificates re-issued on discharge
  double grey_out_kwh = 0;              ///< grey energy delivered
  double lost_kwh = 0;                  ///< certificates lost in storage
  double grey_lost_kwh = 0;             ///< grey energy lost in storage
  double unbacked_kwh = 0;              ///< discharge not covered by any lot (counted grey, clean share 0)
  double end_green_kwh = 0, end_grey_kwh = 0;  ///< content at the end
  std::vector<double> green_kwh;        ///< green content at each step's end
  std::vector<double> grey_kwh;         ///< grey content at each step's end
};

/// Per-step series of a ledger run (kWh per step unless stated).
struct Steps {
  std::vector<double> consumption;       ///< L_t
  std::vector<double> produced;          ///< on-site certificates issued
  std::vector<double> contracted;        ///< contracted certificates released
  std::vector<double> direct;            ///< D_t
  std::vector<double> storage_green;     ///< S_t: green storage output matched
  std::vector<double> storage_grey;      ///< R_t: grey storage output to consumption
  std::vector<double> unmatched;         ///< U_t
  std::vector<double> matched;           ///< M_t = D_t + S_t
  std::vector<double> charged_green;     ///< certificates taken into storage
  std::vector<double> charged_grey;      ///< grey energy charged
  std::vector<double> exported;          ///< certificates exported (their energy was exported)
  std::vector<double> expired;           ///< certificates expired
  std::vector<double> lost;              ///< certificates lost in storage
  std::vector<double> cfe;               ///< cfe_t in [0, 1] (NaN when L_t = 0)
  std::vector<double> grey_clean_share;  ///< clean share of R_t (g_lot)
  std::vector<double> grid_clean_share;  ///< g_t
  std::vector<double> import_kwh;        ///< grid import
  std::vector<double> export_kwh;        ///< grid export
  std::vector<double> scope1_kg;         ///< fuel emissions
  std::vector<double> scope2_location_kg;  ///< import x location factor
  std::vector<double> scope2_market_kg;    ///< min(import, U + grey charge) x residual factor
};

/// One calendar month (local time) of the run.
struct Month {
  int year = 0, month = 0;        ///< calendar month
  double consumption_kwh = 0;     ///< sum L_t
  double matched_kwh = 0;         ///< sum M_t (hourly matching)
  double issued_kwh = 0;          ///< certificates issued (on-site and contracted)
  double kept_kwh = 0;            ///< certificates the park keeps (volumetric view)
  double hourly_share = 0;        ///< matched / consumption
  double volumetric_share = 0;    ///< min(1, kept / consumption)
  double import_kwh = 0;          ///< grid import
  double scope1_kg = 0, scope2_location_kg = 0, scope2_market_kg = 0;  ///< emissions
};

/// Totals of a run (kWh, kg, currency).
struct Totals {
  double issued_kwh = 0, issued_onsite_kwh = 0, issued_contracted_kwh = 0;
  double matched_kwh = 0, matched_direct_kwh = 0, matched_storage_kwh = 0, matched_contracted_kwh = 0;
  double exported_kwh = 0, expired_kwh = 0, storage_loss_kwh = 0, stored_end_kwh = 0;
  double consumption_kwh = 0, unmatched_kwh = 0, grey_storage_kwh = 0;
  double import_kwh = 0, export_kwh = 0;
  double kept_kwh = 0;                   ///< certificates the park keeps (annual volumetric view)
  double retired_against_imports_kwh = 0;  ///< kept certificates not used on site, retired against imports
  double scope1_kg = 0;
  double scope2_location_kg = 0;
  double scope2_market_kg = 0;           ///< hourly market-based
  double scope2_market_annual_kg = 0;    ///< annual market-based with the residual factor
  double scope2_market_annual_alt_kg = 0;  ///< annual market-based with the alternative factor
  double carbon_cost = 0;                ///< (scope1 + scope2 market) / 1000 x carbon price
};

/// The ledger of a run: records, series, scores and emissions. All invariants of CERTIFICATES.md
/// were checked before it is returned.
struct EHUB_EXPORT Ledger {
  TimeGrid grid;                        ///< the matching grid (hourly when pooled)
  int utc_offset_minutes = 0;           ///< local calendar
  Options options;                      ///< options of the run
  std::vector<std::string> producers;   ///< producer names, in id order (on-site first)
  std::vector<std::string> technologies;  ///< producer technologies
  std::vector<bool> on_site;            ///< producer on site?
  std::vector<Issuer> issuers;          ///< producer issuers
  Steps steps;                          ///< per-step series
  std::vector<StorageReport> storages;  ///< per storage
  std::vector<Lot> lots;                ///< every lot (when options.records)
  std::vector<Bundle> bundles;          ///< every bundle (when options.records)
  std::vector<GecBundle> gec;           ///< GEC view of on-site producers (when options.gec)
  std::vector<Month> months;            ///< monthly table
  std::array<double, 24> hour_of_day_share{};  ///< matched / consumption per local hour of day
  Totals totals;                        ///< totals
  double green_share_hourly = 0;        ///< sum M / sum L
  double green_share_annual = 0;        ///< min(1, kept / sum L)
  double cfe_score = 0;                 ///< sum cfe_t L_t / sum L_t
  std::vector<std::string> notes;       ///< fallbacks taken (e.g. schedule without split -> fifo)

  /// Start id (Wh) of each producer's certificates in each step: step t, producer p at
  /// [t * (P + 1) + p]; entry P is the step's end. Empty when !options.records.
  std::vector<std::int64_t> producer_ids;

  /// The bundles split at producer boundaries, each with its producer (production parents).
  std::vector<Bundle> device_bundles() const;
  /// Certificates issued per step for producer p (kWh).
  std::vector<double> issued(std::size_t producer) const;
  /// The summary JSON (`ehub certify --summary`).
  nlohmann::json summary() const;
  /// One line: shares, CFE score, emissions.
  std::string brief_report() const;

  /// kWh issued per producer per step (row-major steps x producers), kept for issued().
  std::vector<double> producer_kwh;
};

/// Runs the ledger. Throws InputError for bad input or options (and for a `schedule` split that
/// fails verification, naming the storage and step), ehub::Error("ehub.internal") when an
/// invariant of CERTIFICATES.md does not hold (a bug).
EHUB_EXPORT Ledger certify(const Input& input, const Options& options = {});

}  // namespace ehub::carbon
