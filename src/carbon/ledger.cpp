// The certificate ledger (CERTIFICATES.md): per step, storage standing losses, releases by policy,
// matching (direct, green storage, grey storage, grid), take-in of the surplus, export/expiry of
// what is left; then scores, emissions, GEC view and the invariant checks.
//
// Quantities run in "units": kWh (double) or, with integer_wh, whole Wh held exactly in doubles.
// Certificates of a step occupy a contiguous range of offsets [first, first + P_t) ordered by
// producer (on-site first); every use consumes that range from the front, and a green lot keeps
// a contiguous sub-range that losses and releases consume from its front. Ids are those offsets
// in Wh, so bundles tile the id space and lineage is a pair of ids.
#include "ehub/carbon/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <numeric>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"
#include "ledger_run.hpp"

namespace ehub::carbon {
namespace detail {

[[noreturn]] void internal(const std::string& what) {
  std::string msg = "[ehub.internal] certificate ledger invariant violated: ";
  msg += what;
  msg += " (this is a bug in ehub; please report it with the input)";
  throw Error("ehub.internal", msg);
}

// kWh series -> units; in Wh mode each value is floored and the remainder carried to the next.
std::vector<double> to_units(const std::vector<double>& kwh, std::size_t n, const Quant& q) {
  std::vector<double> out(n, 0.0);
  if (kwh.empty()) return out;
  if (!q.wh) {
    for (std::size_t i = 0; i < n; ++i) out[i] = std::max(0.0, kwh[i]);  // -1e-15 of float dust is 0
    return out;
  }
  double carry = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = kwh[i] * 1000.0 + carry;
    const double v = std::max(0.0, q.down(x));
    carry = x - v;
    out[i] = v;
  }
  return out;
}

void check_series(const std::vector<double>& v, std::size_t n, const std::string& path, bool optional, double lo,
                  double hi) {
  if (v.empty() && optional) return;
  if (v.size() != n)
    throw InputError("", path, "has " + std::to_string(v.size()) + " values, the grid has " + std::to_string(n) + " steps");
  // Energies may carry floating-point dust below 0 (-1e-15 from a subtraction): accepted as 0.
  const double lo_ok = lo == 0 ? -1e-9 : lo;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(v[i]) || v[i] < lo_ok || v[i] > hi) {
      std::string d = "must be in [" + num(lo) + ", " + num(hi) + "], got " + num(v[i]);
      if (hi == std::numeric_limits<double>::max()) d = "must be a finite number >= " + num(lo) + ", got " + num(v[i]);
      throw InputError("", path + "/" + std::to_string(i), d);
    }
}

std::string storage_path(std::size_t k, const char* field) {
  std::string p = "/storages/";
  p += std::to_string(k);
  p += "/";
  p += field;
  return p;
}

// Local calendar index (year * 12 + month - 1) of each step.
std::vector<std::int32_t> month_index(const TimeGrid& g, int off, std::vector<std::int32_t>* hour_of_day) {
  std::vector<std::int32_t> m(static_cast<std::size_t>(g.size()));
  if (hour_of_day) hour_of_day->resize(m.size());
  for (std::int64_t t = 0; t < g.size(); ++t) {
    const LocalTime lt = to_local(g.time_unix_s(t), off);
    m[static_cast<std::size_t>(t)] = lt.year * 12 + lt.month - 1;
    if (hour_of_day) (*hour_of_day)[static_cast<std::size_t>(t)] = lt.hour;
  }
  return m;
}

}  // namespace detail

using namespace detail;

std::string_view to_string(Policy p) noexcept { return enum_name(kPolicyNames, p); }
std::string_view to_string(LossMode m) noexcept { return enum_name(kLossModeNames, m); }
std::string_view to_string(Status s) noexcept { return enum_name(kStatusNames, s); }
std::string_view to_string(Origin o) noexcept { return enum_name(kOriginNames, o); }
std::string_view to_string(Issuer i) noexcept { return enum_name(kIssuerNames, i); }

Policy policy_from_string(std::string_view name) {
  if (name == "pro-rata") return Policy::pro_rata;  // accepted spelling
  for (const auto& e : kPolicyNames)
    if (e.name == name) return e.value;
  throw InputError("", "policy", "unknown allocation policy \"" + std::string(name) + "\"; known: schedule, fifo, pro_rata, lifo");
}
LossMode loss_mode_from_string(std::string_view name) { return enum_from_name(kLossModeNames, name, "loss mode", "losses"); }
Issuer issuer_from_string(std::string_view name) { return enum_from_name(kIssuerNames, name, "issuer", "issuer"); }

void Input::validate() const {
  const auto n = static_cast<std::size_t>(grid.size());
  const double big = std::numeric_limits<double>::max();
  try {
    if (n == 0) throw InputError("", "/grid", "the time grid has no steps");
    check_series(consumption_kwh, n, "/consumption_kwh", false, 0, big);
    for (std::size_t p = 0; p < producers.size(); ++p) {
      const std::string at = "/producers/" + std::to_string(p);
      if (producers[p].name.empty()) throw InputError("", at + "/name", "must not be empty");
      check_series(producers[p].kwh, n, at + "/kwh", false, 0, big);
    }
    for (std::size_t k = 0; k < storages.size(); ++k) {
      const StorageInput& s = storages[k];
      if (s.name.empty()) throw InputError("", storage_path(k, "name"), "must not be empty");
      check_series(s.charge_kwh, n, storage_path(k, "charge_kwh"), false, 0, big);
      check_series(s.discharge_kwh, n, storage_path(k, "discharge_kwh"), false, 0, big);
      for (auto [v, f] : {std::pair{s.eta_charge, "eta_charge"}, std::pair{s.eta_discharge, "eta_discharge"}})
        if (!(v > 0 && v <= 1)) throw InputError("", storage_path(k, f), "must be in (0, 1], got " + num(v));
      if (!(s.standing_loss_per_h >= 0 && s.standing_loss_per_h <= 1))
        throw InputError("", storage_path(k, "standing_loss_per_h"), "must be in [0, 1], got " + num(s.standing_loss_per_h));
      if (s.standing_loss_per_h * grid.step_hours() > 1)
        throw InputError("", storage_path(k, "standing_loss_per_h"), "loses more than the content in one step");
      check_series(s.standing_loss_per_step, n, storage_path(k, "standing_loss_per_step"), true, 0, 1);
      if (s.initial_kwh && !(std::isfinite(*s.initial_kwh) && *s.initial_kwh >= 0))
        throw InputError("", storage_path(k, "initial_kwh"), "must be >= 0, got " + num(*s.initial_kwh));
      if (!(s.initial_clean_share >= 0 && s.initial_clean_share <= 1))
        throw InputError("", storage_path(k, "initial_clean_share"), "must be in [0, 1], got " + num(s.initial_clean_share));
      check_series(s.soc_kwh, n, storage_path(k, "soc_kwh"), true, -1e-6, big);
      check_series(s.green_charge_kwh, n, storage_path(k, "green_charge_kwh"), true, -1e-9, big);
      check_series(s.green_discharge_kwh, n, storage_path(k, "green_discharge_kwh"), true, -1e-9, big);
      check_series(s.soc_green_kwh, n, storage_path(k, "soc_green_kwh"), true, -1e-6, big);
      if (s.green_charge_kwh.empty() != s.green_discharge_kwh.empty())
        throw InputError("", storage_path(k, "green_charge_kwh"), "the split needs both green charge and green discharge");
      if (s.metered_efficiency && !(*s.metered_efficiency > 0 && *s.metered_efficiency <= 1))
        throw InputError("", storage_path(k, "metered_efficiency"), "must be in (0, 1], got " + num(*s.metered_efficiency));
    }
    check_series(import_kwh, n, "/import_kwh", true, 0, big);
    check_series(export_kwh, n, "/export_kwh", true, 0, big);
    check_series(grid_clean_share, n, "/grid_clean_share", true, 0, 1);
    check_series(location_factor_kg_per_kwh, n, "/location_factor_kg_per_kwh", true, 0, 10);
    check_series(residual_factor_kg_per_kwh, n, "/residual_factor_kg_per_kwh", true, 0, 10);
    check_series(gas_kwh, n, "/gas_kwh", true, 0, big);
    check_series(diesel_kwh, n, "/diesel_kwh", true, 0, big);
    if (!(std::isfinite(gas_m3) && gas_m3 >= 0)) throw InputError("", "/gas_m3", "must be >= 0, got " + num(gas_m3));
    if (!(std::isfinite(diesel_kg) && diesel_kg >= 0)) throw InputError("", "/diesel_kg", "must be >= 0, got " + num(diesel_kg));
  } catch (const InputError& e) {
    if (source.empty()) throw;
    throw InputError(source, e.path(), e.detail());
  }
}

void Options::validate() const {
  if (!(grid_clean_share >= 0 && grid_clean_share <= 1))
    throw InputError("", "grid_clean_share", "must be in [0, 1], got " + num(grid_clean_share));
  if (!(std::isfinite(purchased_certificates_kwh) && purchased_certificates_kwh >= 0))
    throw InputError("", "purchased_certificates_kwh", "must be >= 0, got " + num(purchased_certificates_kwh));
  location_factor.validate("location_factor");
  residual_factor.validate("residual_factor");
  if (alternative_residual_factor) alternative_residual_factor->validate("alternative_residual_factor");
  fuel.validate();
  for (auto [v, f] : {std::pair{carbon_price_per_t, "carbon_price_per_t"}, std::pair{floor_area_m2, "floor_area_m2"},
                      std::pair{production_units, "production_units"}})
    if (!(std::isfinite(v) && v >= 0)) throw InputError("", f, "must be >= 0, got " + num(v));
  if (metered_window_months < 1 || metered_window_months > 6)
    throw InputError("", "metered_window_months", "must be in 1..6 (an audit window of at most 6 months), got " +
                                                      std::to_string(metered_window_months));
  if (!(tolerance > 0 && tolerance < 0.1)) throw InputError("", "tolerance", "must be in (0, 0.1), got " + num(tolerance));
}

Ledger certify(const Input& input, const Options& options) {
  options.validate();
  input.validate();
  Ledger L;
  L.options = options;
  const bool pool = options.pool_hours && input.grid.step_minutes() < 60;
  Input pooled;
  if (pool) {
    try {
      pooled = pool_to_hours(input, L);
    } catch (const InputError& e) {
      throw InputError(input.source, "pool_hours", e.detail());
    }
  }
  const Input& in = pool ? pooled : input;
  L.grid = in.grid;
  L.utc_offset_minutes = in.utc_offset_minutes;
  Run r(in, options, L);
  r.n = static_cast<std::size_t>(in.grid.size());
  r.run();
  r.finish();
  return L;
}

std::vector<double> Ledger::issued(std::size_t producer) const {
  const auto n = static_cast<std::size_t>(grid.size());
  if (producer >= producers.size()) throw InputError("", "producer", "no producer " + std::to_string(producer));
  return {producer_kwh.begin() + static_cast<std::ptrdiff_t>(producer * n),
          producer_kwh.begin() + static_cast<std::ptrdiff_t>((producer + 1) * n)};
}

std::vector<Bundle> Ledger::device_bundles() const {
  std::vector<Bundle> out;
  const std::size_t nP = producers.size();
  if (producer_ids.empty()) return out;
  out.reserve(bundles.size() * 2);
  for (const auto& b : bundles) {
    const bool sd = b.origin == Origin::storage_discharge;
    const std::int64_t a = sd ? b.parent_first : b.id_first, e = sd ? b.parent_end : b.id_end;
    const auto s = static_cast<std::size_t>(b.production_step);
    if (b.production_step < 0 || e <= a) {
      out.push_back(b);
      continue;
    }
    const std::int64_t* ids = producer_ids.data() + s * (nP + 1);
    const double len = static_cast<double>(e - a);
    double given = 0;
    std::size_t parts_start = out.size();
    for (std::size_t p = 0; p < nP; ++p) {
      const std::int64_t lo = std::max(a, ids[p]), hi = std::min(e, ids[p + 1]);
      if (hi <= lo) continue;
      Bundle c = b;
      c.producer = static_cast<std::int32_t>(p);
      c.kwh = b.kwh * static_cast<double>(hi - lo) / len;
      given += c.kwh;
      if (sd) {
        c.parent_first = lo;
        c.parent_end = hi;
        c.id_first = b.id_first + (lo - a);
        c.id_end = b.id_first + (hi - a);
      } else {
        c.id_first = lo;
        c.id_end = hi;
      }
      out.push_back(c);
    }
    if (out.size() == parts_start) out.push_back(b);
    else out.back().kwh += b.kwh - given;  // rounding of the proportional split stays in the bundle
  }
  return out;
}

nlohmann::json Ledger::summary() const {
  using nlohmann::json;
  const Totals& T = totals;
  json j;
  std::string pol;
  for (const auto& s : storages) {
    const std::string p(to_string(s.policy));
    if (pol.empty()) pol = p;
    else if (pol != p) pol = "mixed";
  }
  if (pol.empty()) pol = options.policy ? std::string(to_string(*options.policy)) : "fifo";
  j["policy"] = pol;
  j["losses"] = std::string(to_string(options.losses));
  j["integer_wh"] = options.integer_wh;
  j["pooled_hours"] = options.pool_hours && grid.step_minutes() == 60;
  j["zone"] = options.zone;
  j["start"] = grid.time_iso(0, utc_offset_minutes);
  j["steps"] = grid.size();
  j["step_minutes"] = grid.step_minutes();
  j["green_share_hourly"] = green_share_hourly;
  j["green_share_annual"] = green_share_annual;
  j["cfe_score"] = cfe_score;
  j["consumption_kwh"] = T.consumption_kwh;
  j["issued_kwh"] = T.issued_kwh;
  j["issued_onsite_kwh"] = T.issued_onsite_kwh;
  j["issued_contracted_kwh"] = T.issued_contracted_kwh;
  j["matched_kwh"] = T.matched_kwh;
  j["matched_direct_kwh"] = T.matched_direct_kwh;
  j["matched_storage_kwh"] = T.matched_storage_kwh;
  j["matched_contracted_kwh"] = T.matched_contracted_kwh;
  j["exported_kwh"] = T.exported_kwh;
  j["expired_kwh"] = T.expired_kwh;
  j["storage_loss_kwh"] = T.storage_loss_kwh;
  j["stored_end_kwh"] = T.stored_end_kwh;
  j["unmatched_kwh"] = T.unmatched_kwh;
  j["grey_storage_kwh"] = T.grey_storage_kwh;
  j["import_kwh"] = T.import_kwh;
  j["export_kwh"] = T.export_kwh;
  j["kept_kwh"] = T.kept_kwh;
  j["purchased_certificates_kwh"] = options.purchased_certificates_kwh;
  j["retired_against_imports_kwh"] = T.retired_against_imports_kwh;
  j["conservation"] = {{"issued_kwh", T.issued_kwh},
                       {"matched_kwh", T.matched_kwh},
                       {"stored_end_kwh", T.stored_end_kwh},
                       {"exported_kwh", T.exported_kwh},
                       {"lost_kwh", T.storage_loss_kwh},
                       {"expired_kwh", T.expired_kwh}};
  j["scope1_kg"] = T.scope1_kg;
  j["scope2_location_kg"] = T.scope2_location_kg;
  j["scope2_market_kg"] = T.scope2_market_kg;
  j["scope2_market_annual_kg"] = T.scope2_market_annual_kg;
  j["scope2_market_annual_alt_kg"] = T.scope2_market_annual_alt_kg;
  auto fj = [](const EmissionFactor& f) {
    return json{{"name", f.name}, {"kg_per_kwh", f.kg_per_kwh}, {"year", f.year}, {"source", f.source}};
  };
  const EmissionFactor alt = options.alternative_residual_factor ? *options.alternative_residual_factor : options.location_factor;
  j["factors"] = {{"location", fj(options.location_factor)},
                  {"residual", fj(options.residual_factor)},
                  {"alternative_residual", fj(alt)},
                  {"gas_kg_per_kwh", options.fuel.gas_kg_per_kwh()},
                  {"diesel_kg_per_kwh", options.fuel.diesel_kg_per_kwh()},
                  {"market_based_uses", "residual"}};
  j["carbon_price_per_t"] = options.carbon_price_per_t;
  j["carbon_cost"] = T.carbon_cost;
  const double total_loc = T.scope1_kg + T.scope2_location_kg, total_mkt = T.scope1_kg + T.scope2_market_kg;
  j["emissions_location_kg"] = total_loc;
  j["emissions_market_kg"] = total_mkt;
  if (T.consumption_kwh > 0) {
    j["intensity_location_kg_per_kwh"] = total_loc / T.consumption_kwh;
    j["intensity_market_kg_per_kwh"] = total_mkt / T.consumption_kwh;
  }
  if (options.floor_area_m2 > 0) j["intensity_market_kg_per_m2"] = total_mkt / options.floor_area_m2;
  if (options.production_units > 0) j["intensity_market_kg_per_unit"] = total_mkt / options.production_units;
  json st = json::array();
  for (const auto& s : storages) {
    st.push_back({{"name", s.name},
                  {"policy", std::string(to_string(s.policy))},
                  {"losses", std::string(to_string(s.losses))},
                  {"eta_charge", s.eta_charge},
                  {"eta_discharge", s.eta_discharge},
                  {"metered_efficiency", s.metered_efficiency},
                  {"green_in_kwh", s.green_in_kwh},
                  {"green_out_kwh", s.green_out_kwh},
                  {"grey_out_kwh", s.grey_out_kwh},
                  {"lost_kwh", s.lost_kwh},
                  {"grey_lost_kwh", s.grey_lost_kwh},
                  {"unbacked_kwh", s.unbacked_kwh},
                  {"end_green_kwh", s.end_green_kwh},
                  {"end_grey_kwh", s.end_grey_kwh}});
  }
  j["storages"] = st;
  json months_j = json::array();
  for (const auto& m : months) {
    char ym[16];
    std::snprintf(ym, sizeof ym, "%04d-%02d", m.year, m.month);
    months_j.push_back({{"month", ym},
                        {"consumption_kwh", m.consumption_kwh},
                        {"matched_kwh", m.matched_kwh},
                        {"issued_kwh", m.issued_kwh},
                        {"kept_kwh", m.kept_kwh},
                        {"hourly_share", m.hourly_share},
                        {"volumetric_share", m.volumetric_share},
                        {"import_kwh", m.import_kwh},
                        {"scope1_kg", m.scope1_kg},
                        {"scope2_location_kg", m.scope2_location_kg},
                        {"scope2_market_kg", m.scope2_market_kg}});
  }
  j["months"] = months_j;
  json hod = json::array();
  for (double v : hour_of_day_share) hod.push_back(std::isnan(v) ? json(nullptr) : json(v));
  j["hour_of_day_share"] = hod;
  std::int64_t gec_count = 0;
  json gec_by = json::object();
  for (const auto& g : gec) {
    gec_count += g.certificates;
    gec_by[g.producer] = gec_by.value(g.producer, std::int64_t{0}) + g.certificates;
  }
  j["gec"] = {{"certificates", gec_count}, {"by_producer", gec_by}};
  j["bundles"] = bundles.size();
  j["lots"] = lots.size();
  j["notes"] = notes;
  return j;
}

std::string Ledger::brief_report() const {
  char b[320];
  std::snprintf(b, sizeof b,
                "green share %.4f hourly, %.4f annual; CFE %.4f; issued %.6g kWh, matched %.6g, exported %.6g, "
                "lost %.6g; Scope 1 %.6g kg, Scope 2 %.6g kg location / %.6g kg market",
                green_share_hourly, green_share_annual, cfe_score, totals.issued_kwh, totals.matched_kwh,
                totals.exported_kwh, totals.storage_loss_kwh, totals.scope1_kg, totals.scope2_location_kg,
                totals.scope2_market_kg);
  return b;
}

}  // namespace ehub::carbon
