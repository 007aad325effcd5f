// Built-in device types of ehub. The equations of each are in docs/devices.md; every device
// formulates per-step variables in kW (average over the step) and energies in kWh.
#include <algorithm>
#include <cmath>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/io/json.hpp"
#include "params.hpp"

namespace ehub::hub {
namespace {

using detail::given;
using detail::opt_limit;
using detail::opt_non_negative;
using detail::opt_positive;
using detail::opt_range;
using lp::IndexRange;
using lp::kInf;
using lp::VarType;

// Rejects keys a device type does not read (a misspelt "capcity_kw" must not pass silently).
void only_keys(const io::JsonReader& r, std::initializer_list<const char*> keys) {
  static const char* const kCommon[] = {"name", "type", "bus", "ports", "description"};
  std::vector<std::string> known(keys.begin(), keys.end()), all(known);
  all.insert(all.end(), std::begin(kCommon), std::end(kCommon));
  for (const auto& k : r.keys())
    if (std::find(all.begin(), all.end(), k) == all.end()) {
      // The hint may be any allowed name, the list shows the type's own keys.
      std::string msg = "unknown key for device type \"" + r.optional_string("type", "") + "\"";
      if (const auto near = io::nearest_name(k, all); !near.empty()) msg += " (did you mean \"" + near + "\"?)";
      std::string list;
      for (const auto& c : known) list += (list.empty() ? "" : ", ") + c;
      throw r.error_at(k, msg + "; known keys: " + list);
    }
}

std::vector<double> to_vec(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

// Checks a per-step series is finite and within [lo, hi]; names the step on failure.
Eigen::VectorXd checked(const io::JsonReader& r, std::string_view key, Eigen::VectorXd v, double lo, double hi) {
  for (Eigen::Index t = 0; t < v.size(); ++t)
    if (!std::isfinite(v[t]) || v[t] < lo || v[t] > hi)
      throw r.error_at(key, "value at step " + std::to_string(t) + " is " + io::format_number(v[t]) +
                                ", must be in [" + io::format_number(lo) + ", " + io::format_number(hi) + "]");
  return v;
}

// ---------------------------------------------------------------------------------------------
// Renewable producer (PV plant, wind farm): p_t <= capacity_kw * availability_t.
class Renewable final : public Device {
 public:
  Renewable(std::string name, std::string type, double capacity_kw, Eigen::VectorXd availability, bool curtailable,
            double om_per_kwh)
      : Device(std::move(name)), type_(std::move(type)), capacity_kw_(capacity_kw),
        availability_(std::move(availability)), curtailable_(curtailable), om_per_kwh_(om_per_kwh) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override { return {{"el", Carrier::electricity, PortDirection::output}}; }
  bool renewable() const override { return true; }
  void formulate(Builder& b) const override {
    std::vector<double> avail_kw(static_cast<std::size_t>(b.steps()));
    double available_kwh = 0;
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      avail_kw[static_cast<std::size_t>(t)] = capacity_kw_ * availability_[t];
      available_kwh += avail_kw[static_cast<std::size_t>(t)] * b.dt_h();
    }
    IndexRange p = b.add_vars("p_kw", 0.0, avail_kw);
    if (!curtailable_)
      for (std::int32_t t = 0; t < b.steps(); ++t)
        b.model().set_var_bounds(p[t], avail_kw[static_cast<std::size_t>(t)], avail_kw[static_cast<std::size_t>(t)]);
    b.add_port_flow("el", p, 1.0);
    if (om_per_kwh_ > 0) b.add_energy_cost("om", p, om_per_kwh_);
    b.add_energy_tally("renewable_kwh", p, 1.0);
    b.add_tally_constant("curtailment_kwh", available_kwh);
    b.add_energy_tally("curtailment_kwh", p, -1.0);
  }

 private:
  std::string type_;
  double capacity_kw_;
  Eigen::VectorXd availability_;
  bool curtailable_;
  double om_per_kwh_;
};

std::unique_ptr<Device> make_pv(const std::string& name, const io::JsonReader& r, const SeriesSource& s) {
  only_keys(r, {"capacity_kw", "availability", "curtailable", "om_per_kwh"});
  const double cap = r.positive_number("capacity_kw");
  auto avail = checked(r, "availability", s.get(r, "availability", SeriesKind::intensive), 0.0, 1.0 + 1e-9);
  return std::make_unique<Renewable>(name, "pv", cap, std::move(avail), r.optional_boolean("curtailable", true),
                                     opt_non_negative(r, "om_per_kwh", 0.0));
}

// Wind power curve: piecewise-linear points, or the cubic shape between cut-in and rated speed.
double wind_power_pu(double v, double cut_in, double rated, double cut_out) {
  if (!(v >= cut_in) || v >= cut_out) return 0.0;
  if (v >= rated) return 1.0;
  const double a = cut_in * cut_in * cut_in;
  return (v * v * v - a) / (rated * rated * rated - a);
}

std::unique_ptr<Device> make_wind(const std::string& name, const io::JsonReader& r, const SeriesSource& s) {
  only_keys(r, {"turbines", "rated_kw", "availability", "wind_speed_m_per_s", "power_curve", "cut_in_m_per_s",
                "rated_speed_m_per_s", "cut_out_m_per_s", "losses", "curtailable", "om_per_kwh"});
  const double turbines = static_cast<double>(r.optional_int("turbines", 1));
  if (turbines < 1) throw r.error_at("turbines", "must be >= 1");
  const double rated_kw = r.positive_number("rated_kw");
  Eigen::VectorXd avail;
  if (given(r, "availability")) {
    avail = checked(r, "availability", s.get(r, "availability", SeriesKind::intensive), 0.0, 1.0 + 1e-9);
  } else {
    const Eigen::VectorXd v = checked(r, "wind_speed_m_per_s", s.get(r, "wind_speed_m_per_s", SeriesKind::intensive),
                                      0.0, 100.0);
    avail.resize(v.size());
    if (given(r, "power_curve")) {  // [[speed_m_per_s, power_kw], ...] ascending speeds
      const auto pts = r.at("power_curve").elements();
      std::vector<double> sp, pw;
      for (const auto& p : pts) {
        const auto xy = p.numbers();
        if (xy.size() != 2) throw p.error("expected [speed_m_per_s, power_kw]");
        if (!sp.empty() && xy[0] <= sp.back()) throw p.error("speeds must increase");
        sp.push_back(xy[0]);
        pw.push_back(xy[1] / rated_kw);
      }
      if (sp.size() < 2) throw r.error_at("power_curve", "needs at least two points");
      for (Eigen::Index t = 0; t < v.size(); ++t) {
        const double x = v[t];
        if (x <= sp.front() || x > sp.back()) {
          avail[t] = 0.0;
          continue;
        }
        if (x == sp.back()) {
          avail[t] = std::clamp(pw.back(), 0.0, 1.0);
          continue;
        }
        const auto k = static_cast<std::size_t>(std::upper_bound(sp.begin(), sp.end(), x) - sp.begin());
        const double w = (x - sp[k - 1]) / (sp[k] - sp[k - 1]);
        avail[t] = std::clamp(pw[k - 1] + w * (pw[k] - pw[k - 1]), 0.0, 1.0);
      }
    } else {
      const double cut_in = opt_positive(r, "cut_in_m_per_s", 3.0);
      const double rated = opt_positive(r, "rated_speed_m_per_s", 12.0);
      const double cut_out = opt_positive(r, "cut_out_m_per_s", 25.0);
      if (!(cut_in < rated && rated < cut_out)) throw r.error("needs cut_in < rated speed < cut_out");
      for (Eigen::Index t = 0; t < v.size(); ++t) avail[t] = wind_power_pu(v[t], cut_in, rated, cut_out);
    }
    avail *= 1.0 - opt_range(r, "losses", 0.0, 1.0, 0.0);
  }
  return std::make_unique<Renewable>(name, "wind", turbines * rated_kw, std::move(avail),
                                     r.optional_boolean("curtailable", true), opt_non_negative(r, "om_per_kwh", 0.0));
}

// ---------------------------------------------------------------------------------------------
// Grid connection: import i_t, export e_t; flow = i - e; time-of-use or series prices; monthly
// demand charge on peak import (prorated to the share of the month inside the horizon, or the full
// monthly charge on a peak that starts at the month's peak so far: a rolling plan).
class Grid final : public Device {
 public:
  Grid(std::string name, std::vector<double> buy, std::vector<double> sell, std::vector<double> ef, double import_kw,
       double export_kw, double demand_charge_per_kw_month, double peak_so_far_kw, bool prorated)
      : Device(std::move(name)), buy_(std::move(buy)), sell_(std::move(sell)), ef_(std::move(ef)),
        import_kw_(import_kw), export_kw_(export_kw), demand_charge_(demand_charge_per_kw_month),
        peak_so_far_kw_(peak_so_far_kw), prorated_(prorated) {}
  std::string type() const override { return "grid"; }
  std::vector<PortSpec> ports() const override {
    return {{"el", Carrier::electricity, PortDirection::bidirectional}};
  }
  void formulate(Builder& b) const override {
    IndexRange imp = b.add_vars("import_kw", 0.0, import_kw_);
    IndexRange exp = b.add_vars("export_kw", 0.0, export_kw_);
    b.add_port_flow("el", imp, 1.0);
    b.add_port_flow("el", exp, -1.0);
    b.add_energy_cost("grid_energy", imp, buy_);
    std::vector<double> neg_sell(sell_.size());
    std::transform(sell_.begin(), sell_.end(), neg_sell.begin(), [](double p) { return -p; });
    b.add_energy_cost("export_revenue", exp, neg_sell);
    b.add_emissions("grid", imp, ef_);
    b.add_energy_tally("grid_import_kwh", imp, 1.0);
    b.add_energy_tally("grid_export_kwh", exp, 1.0);
    if (demand_charge_ > 0) {
      // One peak variable per local calendar month touched by the horizon.
      int cur_key = -1;
      std::int32_t peak = -1;
      for (std::int32_t t = 0; t < b.steps(); ++t) {
        const auto lt = to_local(b.grid().time_unix_s(t), b.utc_offset_minutes());
        const int key = lt.year * 12 + lt.month - 1;
        if (key != cur_key) {
          cur_key = key;
          // The month in progress at the first step may already have a peak (a rolling plan).
          peak = b.add_scalar("peak_kw", t == 0 ? peak_so_far_kw_ : 0.0, kInf);
          const double month_h = 24.0 * days_in_month(lt.year, lt.month);
          double inside_h = 0;
          for (std::int32_t u = t; u < b.steps(); ++u) {
            const auto lu = to_local(b.grid().time_unix_s(u), b.utc_offset_minutes());
            if (lu.year * 12 + lu.month - 1 != key) break;
            inside_h += b.dt_h();
          }
          b.add_unit_cost("demand_charge", peak, prorated_ ? demand_charge_ * inside_h / month_h : demand_charge_);
        }
        b.model().begin_row(-kInf, 0.0);
        b.model().add_term(imp[t], 1.0);
        b.model().add_term(peak, -1.0);
      }
    }
  }

 private:
  std::vector<double> buy_, sell_, ef_;
  double import_kw_, export_kw_, demand_charge_, peak_so_far_kw_;
  bool prorated_;
};

// Time-of-use tariff: periods with local hour ranges [from, to) and buy/sell prices; every hour
// of the day must belong to exactly one period.
void tou_prices(const io::JsonReader& tariff, const SeriesSource& s, int utc_offset_minutes, std::vector<double>& buy,
                std::vector<double>& sell) {
  double hour_buy[24], hour_sell[24];
  int covered[24] = {};
  tariff.expect_only_keys({"periods"}, "of a tariff");
  const auto periods = tariff.at("periods").elements();
  for (const auto& p : periods) {
    p.expect_only_keys({"name", "hours", "buy_per_kwh", "sell_per_kwh"}, "of a tariff period");
    const double pb = p.non_negative_number("buy_per_kwh");
    const double ps = p.optional_number("sell_per_kwh", 0.0);
    for (const auto& h : p.at("hours").elements()) {
      const auto ft = h.numbers();
      if (ft.size() != 2 || ft[0] < 0 || ft[0] > 24 || ft[1] < 0 || ft[1] > 24 || ft[0] == ft[1] ||
          ft[0] != std::floor(ft[0]) || ft[1] != std::floor(ft[1]))
        throw h.error("expected [from_hour, to_hour] with whole hours in 0..24 (to may wrap past midnight)");
      const int from = static_cast<int>(ft[0]) % 24, to = static_cast<int>(ft[1]) % 24;
      int k = from;
      do {  // [from, to) in local hours, wrapping past midnight; [0, 24] is the whole day
        if (covered[k]++) throw h.error("hour " + std::to_string(k) + " belongs to more than one period");
        hour_buy[k] = pb;
        hour_sell[k] = ps;
        k = (k + 1) % 24;
      } while (k != to);
    }
  }
  for (int k = 0; k < 24; ++k)
    if (!covered[k]) throw tariff.error_at("periods", "hour " + std::to_string(k) + " is in no period");
  const auto& g = s.grid();
  buy.resize(static_cast<std::size_t>(g.size()));
  sell.resize(buy.size());
  for (std::int64_t t = 0; t < g.size(); ++t) {
    const int h = to_local(g.time_unix_s(t), utc_offset_minutes).hour;
    buy[static_cast<std::size_t>(t)] = hour_buy[h];
    sell[static_cast<std::size_t>(t)] = hour_sell[h];
  }
}

std::unique_ptr<Device> make_grid(const std::string& name, const io::JsonReader& r, const SeriesSource& s,
                                  int utc_offset_minutes) {
  only_keys(r, {"tariff", "buy_price_per_kwh", "sell_price_per_kwh", "emission_factor_kg_per_kwh", "contract_kw",
                "import_limit_kw", "export_limit_kw", "demand_charge_per_kw_month", "demand_peak_so_far_kw",
                "demand_charge_prorated"});
  std::vector<double> buy, sell;
  if (given(r, "tariff")) {
    tou_prices(r.at("tariff"), s, utc_offset_minutes, buy, sell);
  } else {
    buy = to_vec(s.get(r, "buy_price_per_kwh", SeriesKind::intensive));
    sell = given(r, "sell_price_per_kwh") ? to_vec(s.get(r, "sell_price_per_kwh", SeriesKind::intensive))
                                          : std::vector<double>(buy.size(), 0.0);
  }
  for (std::size_t t = 0; t < buy.size(); ++t)
    if (sell[t] > buy[t] + 1e-12)
      throw r.error("sell price exceeds buy price at step " + std::to_string(t) +
                    " (the LP would import to export); not supported");
  std::vector<double> ef = given(r, "emission_factor_kg_per_kwh")
                               ? to_vec(checked(r, "emission_factor_kg_per_kwh",
                                                s.get(r, "emission_factor_kg_per_kwh", SeriesKind::intensive), 0, 10))
                               : std::vector<double>(buy.size(), 0.5366);  // China national average 2022 (MEE), CERTIFICATES.md
  const double contract = opt_limit(r, "contract_kw", kInf);
  return std::make_unique<Grid>(name, std::move(buy), std::move(sell), std::move(ef),
                                std::min(opt_limit(r, "import_limit_kw", kInf), contract),
                                opt_limit(r, "export_limit_kw", kInf),
                                opt_non_negative(r, "demand_charge_per_kw_month", 0.0),
                                opt_non_negative(r, "demand_peak_so_far_kw", 0.0),
                                r.optional_boolean("demand_charge_prorated", true));
}

// ---------------------------------------------------------------------------------------------
// Fuel supply (natural gas or diesel): q_t >= 0 kW of fuel (lower heating value) into a fuel bus.
class FuelSupply final : public Device {
 public:
  FuelSupply(std::string name, std::string type, Carrier carrier, double price_per_kwh, double kg_co2_per_kwh,
             double max_kw)
      : Device(std::move(name)), type_(std::move(type)), carrier_(carrier), price_per_kwh_(price_per_kwh),
        kg_per_kwh_(kg_co2_per_kwh), max_kw_(max_kw) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override { return {{"fuel", carrier_, PortDirection::output}}; }
  void formulate(Builder& b) const override {
    IndexRange q = b.add_vars("fuel_kw", 0.0, max_kw_);
    b.add_port_flow("fuel", q, 1.0);
    b.add_energy_cost(carrier_ == Carrier::gas ? "gas" : "diesel", q, price_per_kwh_);
    b.add_emissions(carrier_ == Carrier::gas ? "gas" : "diesel", q, kg_per_kwh_);
    b.add_energy_tally(std::string(carrier_ == Carrier::gas ? "gas" : "diesel") + "_kwh", q, 1.0);
  }

 private:
  std::string type_;
  Carrier carrier_;
  double price_per_kwh_, kg_per_kwh_, max_kw_;
};

std::unique_ptr<Device> make_gas_supply(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {"price_per_m3", "heating_value_kwh_per_m3", "emission_factor_kg_per_m3", "max_kw"});
  const double hv = opt_positive(r, "heating_value_kwh_per_m3", 10.814);  // NCV 38,931 kJ/m3 (CERTIFICATES.md)
  const double ef = opt_non_negative(r, "emission_factor_kg_per_m3", 2.1622);  // 15.3 tC/TJ, oxidation 0.99
  return std::make_unique<FuelSupply>(name, "gas_supply", Carrier::gas, r.non_negative_number("price_per_m3") / hv,
                                      ef / hv, opt_limit(r, "max_kw", kInf));
}

std::unique_ptr<Device> make_diesel_supply(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {"price_per_kg", "heating_value_kwh_per_kg", "emission_factor_kg_per_kg", "max_kw"});
  const double hv = opt_positive(r, "heating_value_kwh_per_kg", 11.848);  // NCV 42,652 kJ/kg (CERTIFICATES.md)
  const double ef = opt_non_negative(r, "emission_factor_kg_per_kg", 3.0959);  // 20.2 tC/TJ, oxidation 0.98
  return std::make_unique<FuelSupply>(name, "diesel_supply", Carrier::diesel,
                                      r.non_negative_number("price_per_kg") / hv, ef / hv,
                                      opt_limit(r, "max_kw", kInf));
}

// ---------------------------------------------------------------------------------------------
// Thermal unit (CHP, diesel generator): unit commitment with min load, start-up cost, minimum up
// and down times and ramp limits; fuel_t = a * on_t + b * p_t through the min-load and full-load
// efficiency points.
struct UnitParams {
  double capacity_kw = 0, min_load = 0, eff_full = 0.4, eff_min = 0.4, startup_cost = 0, min_up_h = 0,
         min_down_h = 0, ramp_kw_per_h = kInf, om_per_kwh = 0;
  double initial_hours_in_state = kInf;  // hours on (initial_on) or off before the first step
  double initial_p_kw = -1;              // output in the step before the first (< 0: unknown)
  double part_load_ratio = 1.0;          // efficiency at min load / full load when not given
  bool initial_on = false, commitment = true;
};

UnitParams unit_params(const io::JsonReader& r, double default_eff) {
  UnitParams u;
  u.capacity_kw = r.positive_number("capacity_kw");
  u.min_load = opt_range(r, "min_load", 0.0, 1.0, 0.0);
  u.eff_full = given(r, "electric_efficiency") ? r.number_in_range("electric_efficiency", 1e-3, 1.0) : default_eff;
  // Without an efficiency at min load, `part_load_efficiency_ratio` (default 1) gives it relative
  // to the full-load efficiency.
  u.part_load_ratio = opt_range(r, "part_load_efficiency_ratio", 1e-3, 1.0, 1.0);
  u.eff_min = given(r, "electric_efficiency_at_min_load")
                  ? r.number_in_range("electric_efficiency_at_min_load", 1e-3, 1.0) : u.eff_full * u.part_load_ratio;
  u.startup_cost = opt_non_negative(r, "startup_cost", 0.0);
  u.min_up_h = opt_non_negative(r, "min_up_h", 0.0);
  u.min_down_h = opt_non_negative(r, "min_down_h", 0.0);
  u.ramp_kw_per_h = opt_limit(r, "ramp_kw_per_h", kInf);
  u.om_per_kwh = opt_non_negative(r, "om_per_kwh", 0.0);
  u.initial_on = r.optional_boolean("initial_on", false);
  u.commitment = r.optional_boolean("commitment", true);
  if (given(r, "initial_hours_in_state")) u.initial_hours_in_state = r.non_negative_number("initial_hours_in_state");
  if (given(r, "initial_p_kw")) {
    u.initial_p_kw = r.number_in_range("initial_p_kw", 0.0, u.capacity_kw);
    if (!u.initial_on && u.initial_p_kw > 0) throw r.error_at("initial_p_kw", "must be 0 when initial_on is false");
  }
  return u;
}

// Adds p, on, start, stop and the commitment rows; returns {p, fuel_kw expression blocks}.
struct UnitVars {
  IndexRange p, on;
};

UnitVars formulate_unit(Builder& b, const UnitParams& u) {
  auto& m = b.model();
  const std::int32_t n = b.steps();
  IndexRange p = b.add_vars("p_kw", 0.0, u.capacity_kw);
  IndexRange on = b.add_vars("on", 0.0, 1.0, u.commitment ? VarType::binary : VarType::continuous);
  // Binary start/stop (with on binary) so a paired start+stop cannot lift ramp limits.
  const VarType sv = u.commitment ? VarType::binary : VarType::continuous;
  IndexRange st = b.add_vars("start", 0.0, 1.0, sv, false);
  IndexRange sd = b.add_vars("stop", 0.0, 1.0, sv, false);
  const double pmin = u.min_load * u.capacity_kw;
  for (std::int32_t t = 0; t < n; ++t) {
    m.begin_row(-kInf, 0.0);  // p <= Pmax * on
    m.add_term(p[t], 1.0);
    m.add_term(on[t], -u.capacity_kw);
    if (pmin > 0) {
      m.begin_row(0.0, kInf);  // p >= Pmin * on
      m.add_term(p[t], 1.0);
      m.add_term(on[t], -pmin);
    }
    const double prev_on = t == 0 && u.initial_on ? 1.0 : 0.0;  // on_{t-1} for t = 0
    m.begin_row(t == 0 ? prev_on : 0.0, t == 0 ? prev_on : 0.0);  // on_t - on_{t-1} - start_t + stop_t = 0
    m.add_term(on[t], 1.0);
    if (t > 0) m.add_term(on[t - 1], -1.0);
    m.add_term(st[t], -1.0);
    m.add_term(sd[t], 1.0);
    m.begin_row(-kInf, 1.0);  // not starting and stopping in the same step
    m.add_term(st[t], 1.0);
    m.add_term(sd[t], 1.0);
  }
  const auto up = static_cast<std::int32_t>(std::ceil(u.min_up_h / b.dt_h() - 1e-9));
  const auto down = static_cast<std::int32_t>(std::ceil(u.min_down_h / b.dt_h() - 1e-9));
  // History before the first step: a unit on (off) for h hours stays on (off) until it has been
  // so for min_up_h (min_down_h).
  if (std::isfinite(u.initial_hours_in_state)) {
    const double left_h = (u.initial_on ? u.min_up_h : u.min_down_h) - u.initial_hours_in_state;
    const auto keep = std::min(n, static_cast<std::int32_t>(std::ceil(left_h / b.dt_h() - 1e-9)));
    for (std::int32_t t = 0; t < keep; ++t)
      if (u.initial_on) m.set_var_bounds(on[t], 1.0, 1.0);
      else m.set_var_bounds(on[t], 0.0, 0.0);
  }
  if (std::isfinite(u.ramp_kw_per_h) && u.initial_p_kw >= 0 && n > 0) {  // ramp from the step before
    const double r = u.ramp_kw_per_h * b.dt_h();
    m.begin_row(-kInf, r + u.initial_p_kw);
    m.add_term(p[0], 1.0);
    m.add_term(st[0], -u.capacity_kw);
    m.begin_row(-kInf, r - u.initial_p_kw);
    m.add_term(p[0], -1.0);
    m.add_term(sd[0], -u.capacity_kw);
  }
  for (std::int32_t t = 0; t < n; ++t) {
    if (up > 1) {  // sum_{k=t-up+1..t} start_k <= on_t
      m.begin_row(-kInf, 0.0);
      for (std::int32_t k = std::max(0, t - up + 1); k <= t; ++k) m.add_term(st[k], 1.0);
      m.add_term(on[t], -1.0);
    }
    if (down > 1) {  // sum_{k=t-down+1..t} stop_k + on_t <= 1
      m.begin_row(-kInf, 1.0);
      for (std::int32_t k = std::max(0, t - down + 1); k <= t; ++k) m.add_term(sd[k], 1.0);
      m.add_term(on[t], 1.0);
    }
    if (std::isfinite(u.ramp_kw_per_h) && t > 0) {  // |p_t - p_{t-1}| <= R dt, plus Pmax at start/stop
      const double r = u.ramp_kw_per_h * b.dt_h();
      m.begin_row(-kInf, r);
      m.add_term(p[t], 1.0);
      m.add_term(p[t - 1], -1.0);
      m.add_term(st[t], -u.capacity_kw);
      m.begin_row(-kInf, r);
      m.add_term(p[t - 1], 1.0);
      m.add_term(p[t], -1.0);
      m.add_term(sd[t], -u.capacity_kw);
    }
  }
  if (u.startup_cost > 0)
    for (std::int32_t t = 0; t < n; ++t) b.add_unit_cost("startups", st[t], u.startup_cost);
  if (u.om_per_kwh > 0) b.add_energy_cost("om", p, u.om_per_kwh);
  return {p, on};
}

// Fuel use of a unit: fuel_t = a * on_t + b * p_t (kW of fuel), a line through
// (Pmin, Pmin / eff_min) and (Pmax, Pmax / eff_full); with no minimum load, fuel = p / eff_full.
void fuel_coefficients(const UnitParams& u, double& a, double& slope) {
  const double pmax = u.capacity_kw, pmin = u.min_load * u.capacity_kw;
  if (pmin <= 0 || u.eff_min == u.eff_full || pmax - pmin < 1e-9 * pmax) {
    a = 0;
    slope = 1.0 / u.eff_full;
    return;
  }
  slope = (pmax / u.eff_full - pmin / u.eff_min) / (pmax - pmin);
  a = pmin / u.eff_min - slope * pmin;
}

class Chp final : public Device {
 public:
  /// `curve`: optional part-load points (electric kW, fuel kW), ascending, first at minimum load.
  Chp(std::string name, UnitParams u, double eff_th, bool heat_dump, std::vector<std::pair<double, double>> curve)
      : Device(std::move(name)), u_(u), eff_th_(eff_th), heat_dump_(heat_dump), curve_(std::move(curve)) {}
  std::string type() const override { return "chp"; }
  std::vector<PortSpec> ports() const override {
    return {{"fuel", Carrier::gas, PortDirection::input},
            {"el", Carrier::electricity, PortDirection::output},
            {"heat", Carrier::heat, PortDirection::output}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const UnitVars v = formulate_unit(b, u_);
    double a = 0, slope = 0;
    fuel_coefficients(u_, a, slope);
    IndexRange f = b.add_vars("fuel_kw", 0.0, kInf);
    IndexRange h = b.add_vars("heat_kw", 0.0, kInf);
    // Heat released unused (cooling tower / dump radiator): eta_th F = heat used + heat dumped.
    IndexRange dump = b.add_vars("heat_dumped_kw", 0.0, heat_dump_ ? kInf : 0.0);
    // Part-load curve: one binary z_k per segment k (sum z_k = on) and the segment's share p_k in
    // [P_k z_k, P_k+1 z_k]; p = sum p_k; fuel = sum F_k z_k + s_k (p_k - P_k z_k). Exact for any
    // piecewise-linear curve, convex or not.
    const std::size_t segs = curve_.size() > 1 ? curve_.size() - 1 : 0;
    std::vector<IndexRange> z(segs), ps(segs);
    for (std::size_t k = 0; k < segs; ++k) {
      z[k] = b.add_vars("segment", 0.0, 1.0, u_.commitment ? VarType::binary : VarType::continuous, false);
      ps[k] = b.add_vars("segment_kw", 0.0, kInf, VarType::continuous, false);
    }
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      if (segs == 0) {
        m.begin_row(0.0, 0.0);  // fuel = a on + slope p
        m.add_term(f[t], 1.0);
        m.add_term(v.p[t], -slope);
        if (a != 0) m.add_term(v.on[t], -a);
      } else {
        m.begin_row(0.0, 0.0);  // sum z_k = on
        for (std::size_t k = 0; k < segs; ++k) m.add_term(z[k][t], 1.0);
        m.add_term(v.on[t], -1.0);
        m.begin_row(0.0, 0.0);  // p = sum p_k
        for (std::size_t k = 0; k < segs; ++k) m.add_term(ps[k][t], 1.0);
        m.add_term(v.p[t], -1.0);
        m.begin_row(0.0, 0.0);  // fuel = sum (F_k - s_k P_k) z_k + s_k p_k
        m.add_term(f[t], 1.0);
        for (std::size_t k = 0; k < segs; ++k) {
          const auto [p0, f0] = curve_[k];
          const auto [p1, f1] = curve_[k + 1];
          const double sk = (f1 - f0) / (p1 - p0);
          m.add_term(z[k][t], -(f0 - sk * p0));
          m.add_term(ps[k][t], -sk);
          m.add_row(-kInf, 0.0, std::vector<std::int32_t>{ps[k][t], z[k][t]}, std::vector<double>{1.0, -p1});
          m.add_row(0.0, kInf, std::vector<std::int32_t>{ps[k][t], z[k][t]}, std::vector<double>{1.0, -p0});
        }
      }
      m.begin_row(0.0, 0.0);  // heat + heat_dumped = eff_th * fuel (heat_dumped = 0 without heat_dump)
      m.add_term(h[t], 1.0);
      m.add_term(dump[t], 1.0);
      m.add_term(f[t], -eff_th_);
    }
    b.add_port_flow("fuel", f, -1.0);
    b.add_port_flow("el", v.p, 1.0);
    b.add_port_flow("heat", h, 1.0);
    b.add_energy_tally("heat_dumped_kwh", dump, 1.0);
  }

 private:
  UnitParams u_;
  double eff_th_;
  bool heat_dump_;
  std::vector<std::pair<double, double>> curve_;
};

#define EHUB_UNIT_KEYS                                                                                       \
  "capacity_kw", "min_load", "electric_efficiency", "electric_efficiency_at_min_load", "startup_cost", "min_up_h", \
      "min_down_h", "ramp_kw_per_h", "om_per_kwh", "initial_on", "commitment", "initial_hours_in_state", "initial_p_kw", \
      "part_load_efficiency_ratio"

std::unique_ptr<Device> make_chp(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {EHUB_UNIT_KEYS, "thermal_efficiency", "heat_dump", "part_load_curve"});
  UnitParams u = unit_params(r, 0.40);
  const double eff_th = r.number_in_range("thermal_efficiency", 0.0, 1.0);
  if (u.eff_full + eff_th > 1.0 + 1e-9) throw r.error("electric + thermal efficiency exceeds 1");
  // "part_load_curve": [[load_fraction, electric_efficiency], ...], ascending, from min_load to 1.
  std::vector<std::pair<double, double>> curve;
  if (given(r, "part_load_curve")) {
    const auto pts = r.at("part_load_curve").elements();
    if (pts.size() < 2) throw r.error_at("part_load_curve", "needs at least two [load_fraction, efficiency] points");
    for (const auto& p : pts) {
      const auto xy = p.numbers();
      if (xy.size() != 2 || !(xy[0] > 0 && xy[0] <= 1) || !(xy[1] > 0 && xy[1] <= 1))
        throw p.error("expected [load_fraction in (0, 1], electric_efficiency in (0, 1]]");
      if (!curve.empty() && xy[0] * u.capacity_kw <= curve.back().first) throw p.error("load fractions must increase");
      curve.emplace_back(xy[0] * u.capacity_kw, xy[0] * u.capacity_kw / xy[1]);
    }
    if (std::abs(curve.front().first - u.min_load * u.capacity_kw) > 1e-9 * u.capacity_kw ||
        std::abs(curve.back().first - u.capacity_kw) > 1e-9 * u.capacity_kw)
      throw r.error_at("part_load_curve", "must start at min_load and end at load fraction 1");
  }
  return std::make_unique<Chp>(name, u, eff_th, r.optional_boolean("heat_dump", true), std::move(curve));
}

class DieselGenerator final : public Device {
 public:
  DieselGenerator(std::string name, UnitParams u) : Device(std::move(name)), u_(u) {}
  std::string type() const override { return "diesel_generator"; }
  std::vector<PortSpec> ports() const override {
    return {{"fuel", Carrier::diesel, PortDirection::input}, {"el", Carrier::electricity, PortDirection::output}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const UnitVars v = formulate_unit(b, u_);
    double a = 0, slope = 0;
    fuel_coefficients(u_, a, slope);
    IndexRange f = b.add_vars("fuel_kw", 0.0, kInf);
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      m.begin_row(0.0, 0.0);
      m.add_term(f[t], 1.0);
      m.add_term(v.p[t], -slope);
      if (a != 0) m.add_term(v.on[t], -a);
    }
    b.add_port_flow("fuel", f, -1.0);
    b.add_port_flow("el", v.p, 1.0);
  }

 private:
  UnitParams u_;
};

std::unique_ptr<Device> make_diesel_generator(const std::string& name, const io::JsonReader& r,
                                              const SeriesSource&) {
  only_keys(r, {EHUB_UNIT_KEYS, "fuel_g_per_kwh", "fuel_heating_value_kwh_per_kg"});
  // Specific fuel consumption (g/kWh) and the fuel's heating value give the efficiency:
  // eff = 1 / (sfc_kg_per_kwh * hv_kwh_per_kg); 200 g/kWh and 11.848 kWh/kg -> 0.422.
  UnitParams u = unit_params(r, 0.42);
  if (given(r, "fuel_g_per_kwh")) {
    const double hv = opt_positive(r, "fuel_heating_value_kwh_per_kg", 11.848);
    u.eff_full = 1.0 / (r.positive_number("fuel_g_per_kwh") / 1000.0 * hv);
    if (u.eff_full > 1.0) throw r.error_at("fuel_g_per_kwh", "implies an efficiency above 1");
    if (!given(r, "electric_efficiency_at_min_load")) u.eff_min = u.eff_full * u.part_load_ratio;
  }
  return std::make_unique<DieselGenerator>(name, u);
}

// ---------------------------------------------------------------------------------------------
// Converter (gas boiler, electric chiller, absorption chiller, heat pump): out_t in [0, cap],
// in_t = out_t / efficiency_t (efficiency or COP, constant or per step).
class Converter final : public Device {
 public:
  Converter(std::string name, std::string type, Carrier in, Carrier out, double cap_kw, Eigen::VectorXd eff,
            double om_per_kwh)
      : Device(std::move(name)), type_(std::move(type)), in_(in), out_(out), cap_kw_(cap_kw), eff_(std::move(eff)),
        om_(om_per_kwh) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override {
    return {{"in", in_, PortDirection::input}, {"out", out_, PortDirection::output}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    IndexRange y = b.add_vars("out_kw", 0.0, cap_kw_);
    IndexRange x = b.add_vars("in_kw", 0.0, kInf);
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      m.begin_row(0.0, 0.0);  // eff_t * in_t = out_t
      m.add_term(x[t], eff_[t]);
      m.add_term(y[t], -1.0);
    }
    b.add_port_flow("in", x, -1.0);
    b.add_port_flow("out", y, 1.0);
    if (om_ > 0) b.add_energy_cost("om", y, om_);
  }

 private:
  std::string type_;
  Carrier in_, out_;
  double cap_kw_;
  Eigen::VectorXd eff_;
  double om_;
};

DeviceFactory converter_factory(std::string type, Carrier in, Carrier out, std::string eff_key, double lo,
                                double hi) {
  return [=](const std::string& name, const io::JsonReader& r, const SeriesSource& s) -> std::unique_ptr<Device> {
    only_keys(r, {"capacity_kw", eff_key.c_str(), "om_per_kwh"});
    Eigen::VectorXd eff = checked(r, eff_key, s.get(r, eff_key, SeriesKind::intensive), lo, hi);
    return std::make_unique<Converter>(name, type, in, out, r.positive_number("capacity_kw"), std::move(eff),
                                       opt_non_negative(r, "om_per_kwh", 0.0));
  };
}

// ---------------------------------------------------------------------------------------------
// Storage (battery, thermal): soc_t = soc_{t-1} (1 - loss dt) + eta_c ch_t dt - dis_t dt / eta_d.
class Storage final : public Device {
 public:
  struct Params {
    Carrier carrier = Carrier::electricity;
    double energy_kwh = 0, charge_kw = 0, discharge_kw = 0, eta_c = 1, eta_d = 1, soc_min = 0, soc_max = 1,
           soc_initial = 0.5, loss_per_h = 0, degradation_per_kwh = 0;
    double soc_green_initial = 0;  // green part of the initial content (fraction of energy_kwh)
    std::string end = "cyclic";  // cyclic | free | min
    double soc_end_min = 0;
    bool exclusive = true;
  };
  Storage(std::string name, std::string type, Params p) : Device(std::move(name)), type_(std::move(type)), p_(p) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override {
    return {{p_.carrier == Carrier::electricity ? "el" : "port", p_.carrier, PortDirection::bidirectional}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const std::string port = ports()[0].name;
    const double dt = b.dt_h();
    const double keep = 1.0 - p_.loss_per_h * dt;
    // With exclusive charge/discharge a step either charges or discharges, so neither can move
    // more energy than the SOC window allows in one step: those limits bound the flows and are
    // the big-M of the charging binary (power_kw = 1e12 with 400 kWh gives M ~ 400 kW, not 1e12,
    // which Cbc's scaling cannot handle). Without exclusivity, simultaneous charge and discharge
    // can move any amount, so the rated powers stay.
    double charge_kw = p_.charge_kw, discharge_kw = p_.discharge_kw;
    if (p_.exclusive) {
      const double lo = p_.soc_min * p_.energy_kwh, hi = p_.soc_max * p_.energy_kwh;
      charge_kw = std::min(charge_kw, std::max(0.0, hi - keep * lo) / (p_.eta_c * dt));
      discharge_kw = std::min(discharge_kw, std::max(0.0, keep * hi - lo) * p_.eta_d / dt);
    }
    IndexRange ch = b.add_vars("charge_kw", 0.0, charge_kw);
    IndexRange dis = b.add_vars("discharge_kw", 0.0, discharge_kw);
    IndexRange soc = b.add_vars("soc_kwh", p_.soc_min * p_.energy_kwh, p_.soc_max * p_.energy_kwh);
    const double soc0 = p_.soc_initial * p_.energy_kwh;
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      const double rhs = t == 0 ? keep * soc0 : 0.0;
      m.begin_row(rhs, rhs);
      m.add_term(soc[t], 1.0);
      if (t > 0) m.add_term(soc[t - 1], -keep);
      m.add_term(ch[t], -p_.eta_c * dt);
      m.add_term(dis[t], dt / p_.eta_d);
    }
    const std::int32_t last = soc[b.steps() - 1];
    if (p_.end == "cyclic") m.set_var_bounds(last, std::max(soc0, p_.soc_min * p_.energy_kwh), p_.soc_max * p_.energy_kwh);
    else if (p_.end == "min") m.set_var_bounds(last, p_.soc_end_min * p_.energy_kwh, p_.soc_max * p_.energy_kwh);
    if (p_.exclusive) {  // charging_t in {0, 1}: ch <= Pc y, dis <= Pd (1 - y)
      IndexRange y = b.add_vars("charging", 0.0, 1.0, VarType::binary, false);
      for (std::int32_t t = 0; t < b.steps(); ++t) {
        m.begin_row(-kInf, 0.0);
        m.add_term(ch[t], 1.0);
        m.add_term(y[t], -charge_kw);
        m.begin_row(-kInf, discharge_kw);
        m.add_term(dis[t], 1.0);
        m.add_term(y[t], discharge_kw);
      }
    }
    b.add_port_flow(port, dis, 1.0);
    b.add_port_flow(port, ch, -1.0);
    b.add_storage(StorageRecord{name(), port, ch, dis, soc, p_.eta_c, p_.eta_d, keep, soc0, p_.energy_kwh,
                                p_.soc_green_initial * p_.energy_kwh});
    if (p_.degradation_per_kwh > 0) b.add_energy_cost("degradation", dis, p_.degradation_per_kwh);
    b.add_energy_tally("storage_discharge_kwh." + name(), dis, 1.0);
  }
  const Params& params() const noexcept { return p_; }

 private:
  std::string type_;
  Params p_;
};

Storage::Params storage_params(const io::JsonReader& r, Carrier carrier) {
  only_keys(r, {"energy_kwh", "power_kw", "charge_kw", "discharge_kw", "round_trip_efficiency", "charge_efficiency",
                "discharge_efficiency", "charge_efficiency_derate", "discharge_efficiency_derate", "soc_min",
                "soc_max", "soc_initial", "soc_green_initial",
                carrier == Carrier::electricity ? "self_discharge_per_h" : "standing_loss_per_h",
                "degradation_cost_per_kwh", "end_condition", "soc_end_min", "exclusive_charge_discharge", "carrier"});
  Storage::Params p;
  p.carrier = carrier;
  p.energy_kwh = r.positive_number("energy_kwh");
  const double power = opt_positive(r, "power_kw", p.energy_kwh);
  p.charge_kw = opt_positive(r, "charge_kw", power);
  p.discharge_kw = opt_positive(r, "discharge_kw", power);
  if (given(r, "round_trip_efficiency")) {
    p.eta_c = p.eta_d = std::sqrt(r.number_in_range("round_trip_efficiency", 1e-3, 1.0));
  } else {
    p.eta_c = opt_range(r, "charge_efficiency", 1e-3, 1.0, carrier == Carrier::electricity ? 0.95 : 1.0);
    p.eta_d = opt_range(r, "discharge_efficiency", 1e-3, 1.0, carrier == Carrier::electricity ? 0.95 : 1.0);
  }
  // Absolute reductions of the efficiencies (e.g. set by the operations twin near the SOC limits).
  p.eta_c -= opt_range(r, "charge_efficiency_derate", 0.0, p.eta_c - 1e-3, 0.0);
  p.eta_d -= opt_range(r, "discharge_efficiency_derate", 0.0, p.eta_d - 1e-3, 0.0);
  p.soc_min = opt_range(r, "soc_min", 0.0, 1.0, 0.0);
  p.soc_max = opt_range(r, "soc_max", 0.0, 1.0, 1.0);
  if (p.soc_min > p.soc_max) throw r.error_at("soc_min", "must not exceed soc_max");
  p.soc_initial = opt_range(r, "soc_initial", p.soc_min, p.soc_max, std::clamp(0.5, p.soc_min, p.soc_max));
  p.soc_green_initial = opt_range(r, "soc_green_initial", 0.0, p.soc_initial, 0.0);
  p.loss_per_h = opt_range(r, carrier == Carrier::electricity ? "self_discharge_per_h" : "standing_loss_per_h", 0.0,
                           1.0, 0.0);
  p.degradation_per_kwh = opt_non_negative(r, "degradation_cost_per_kwh", 0.0);
  p.end = r.optional_string("end_condition", "cyclic");
  if (p.end != "cyclic" && p.end != "free" && p.end != "min")
    throw r.error_at("end_condition", "must be \"cyclic\", \"free\" or \"min\", got \"" + p.end + "\"");
  p.soc_end_min = opt_range(r, "soc_end_min", p.soc_min, p.soc_max, p.soc_min);
  p.exclusive = r.optional_boolean("exclusive_charge_discharge", carrier == Carrier::electricity);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Load: a fixed profile on a bus, with optional curtailable share (penalty per kWh) and unserved
// energy at the value of lost load: flow = -(profile - curtailed - unserved).
class Load final : public Device {
 public:
  Load(std::string name, Carrier carrier, Eigen::VectorXd profile_kw, double curtailable_share,
       double curtail_penalty, double voll)
      : Device(std::move(name)), carrier_(carrier), profile_(std::move(profile_kw)), share_(curtailable_share),
        penalty_(curtail_penalty), voll_(voll) {}
  std::string type() const override { return "load"; }
  std::vector<PortSpec> ports() const override { return {{"in", carrier_, PortDirection::input}}; }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    std::vector<double> neg(static_cast<std::size_t>(b.steps())), ub(neg.size());
    double demand_kwh = 0;
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      neg[static_cast<std::size_t>(t)] = -profile_[t];
      ub[static_cast<std::size_t>(t)] = profile_[t];
      demand_kwh += profile_[t] * b.dt_h();
    }
    b.add_port_constant("in", neg);
    IndexRange u{};
    if (voll_ >= 0) {  // a negative value means: no unserved energy allowed (hard demand)
      u = b.add_vars("unserved_kw", 0.0, ub);
      b.add_port_flow("in", u, 1.0, /*shortfall=*/true);
      b.add_energy_cost("unserved", u, voll_);
      b.add_energy_tally("unserved_kwh", u, 1.0);
    }
    b.add_tally_constant(std::string("demand_") + std::string(to_string(carrier_)) + "_kwh", demand_kwh);
    if (share_ > 0) {
      std::vector<double> cub(ub);
      for (auto& v : cub) v *= share_;
      IndexRange c = b.add_vars("curtailed_kw", 0.0, cub);
      for (std::int32_t t = 0; t < b.steps(); ++t) {  // curtailed + unserved <= profile
        m.begin_row(-kInf, profile_[t]);
        m.add_term(c[t], 1.0);
        if (u.count > 0) m.add_term(u[t], 1.0);
      }
      b.add_port_flow("in", c, 1.0);
      b.add_energy_cost("load_curtailment", c, penalty_);
      b.add_energy_tally("load_curtailed_kwh", c, 1.0);
    }
  }

 private:
  Carrier carrier_;
  Eigen::VectorXd profile_;
  double share_, penalty_, voll_;
};

std::unique_ptr<Device> make_load(const std::string& name, const io::JsonReader& r, const SeriesSource& s) {
  only_keys(r, {"carrier", "profile_kw", "curtailable_share", "curtail_penalty_per_kwh", "value_of_lost_load_per_kwh"});
  const Carrier c = [&] {
    try {
      return carrier_from_string(r.optional_string("carrier", "electricity"));
    } catch (const InputError& e) {
      throw r.error_at("carrier", e.detail());
    }
  }();
  Eigen::VectorXd profile = checked(r, "profile_kw", s.get(r, "profile_kw", SeriesKind::power), 0.0, 1e12);
  const double share = opt_range(r, "curtailable_share", 0.0, 1.0, 0.0);
  // "value_of_lost_load_per_kwh": null makes the demand hard (no unserved energy variable).
  const bool hard = r.has("value_of_lost_load_per_kwh") && r.at("value_of_lost_load_per_kwh").is_null();
  return std::make_unique<Load>(name, c, std::move(profile), share, opt_non_negative(r, "curtail_penalty_per_kwh", 0.0),
                                hard ? -1.0 : opt_non_negative(r, "value_of_lost_load_per_kwh", 50.0));
}

// ---------------------------------------------------------------------------------------------
// Shiftable load: a daily energy that must be drawn inside a local-time window, at most max_kw:
// p_t in [0, max_kw] inside the window, 0 outside, and sum over each day's window of p_t dt equal
// to the daily energy (prorated when the horizon cuts a window).
class ShiftableLoad final : public Device {
 public:
  ShiftableLoad(std::string name, Carrier carrier, double energy_kwh_per_day, int from_h, int to_h, double max_kw)
      : Device(std::move(name)), carrier_(carrier), energy_(energy_kwh_per_day), from_h_(from_h), to_h_(to_h),
        max_kw_(max_kw) {}
  std::string type() const override { return "shiftable_load"; }
  std::vector<PortSpec> ports() const override { return {{"in", carrier_, PortDirection::input}}; }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const double window_h = to_h_ - from_h_;
    std::vector<double> ub(static_cast<std::size_t>(b.steps()), 0.0);
    std::vector<int> day(ub.size());
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      const auto lt = to_local(b.grid().time_unix_s(t), b.utc_offset_minutes());
      const double h = lt.hour + lt.minute / 60.0;
      day[static_cast<std::size_t>(t)] = lt.year * 400 + lt.day_of_year;
      if (h >= from_h_ && h < to_h_) ub[static_cast<std::size_t>(t)] = max_kw_;
    }
    IndexRange p = b.add_vars("p_kw", 0.0, ub);
    std::int32_t t = 0;
    while (t < b.steps()) {  // one energy row per local day that has window steps in the horizon
      const int d = day[static_cast<std::size_t>(t)];
      std::int32_t u = t;
      double inside_h = 0;
      while (u < b.steps() && day[static_cast<std::size_t>(u)] == d) {
        if (ub[static_cast<std::size_t>(u)] > 0) inside_h += b.dt_h();
        ++u;
      }
      if (inside_h > 0) {
        const double e = energy_ * inside_h / window_h;
        if (e > max_kw_ * inside_h + 1e-9)
          throw InputError("", "/devices/" + name(),
                           "the daily energy cannot be drawn at max_kw inside the window");
        m.begin_row(e, e);
        for (std::int32_t k = t; k < u; ++k)
          if (ub[static_cast<std::size_t>(k)] > 0) m.add_term(p[k], b.dt_h());
      }
      t = u;
    }
    b.add_port_flow("in", p, -1.0);
    b.add_energy_tally("shiftable_kwh", p, 1.0);
  }

 private:
  Carrier carrier_;
  double energy_;
  int from_h_, to_h_;
  double max_kw_;
};

std::unique_ptr<Device> make_shiftable(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {"carrier", "energy_kwh_per_day", "window_start_hour", "window_end_hour", "max_kw"});
  Carrier c;
  try {
    c = carrier_from_string(r.optional_string("carrier", "electricity"));
  } catch (const InputError& e) {
    throw r.error_at("carrier", e.detail());
  }
  const auto from = r.required_int("window_start_hour"), to = r.required_int("window_end_hour");
  if (from < 0 || from > 23) throw r.error_at("window_start_hour", "must be in 0..23");
  if (to <= from || to > 24) throw r.error_at("window_end_hour", "must be after window_start_hour and <= 24");
  const double e = r.non_negative_number("energy_kwh_per_day"), max_kw = r.positive_number("max_kw");
  if (e > max_kw * static_cast<double>(to - from) + 1e-9)
    throw r.error_at("energy_kwh_per_day", "exceeds max_kw x window hours");
  return std::make_unique<ShiftableLoad>(name, c, e, static_cast<int>(from), static_cast<int>(to), max_kw);
}

}  // namespace

void register_builtin_devices() {
  register_device_type("pv", make_pv, "PV plant: capacity_kw, availability (per unit)");
  register_device_type("wind", make_wind, "Wind farm: turbines x rated_kw, availability or wind speed");
  register_device_type(
      "grid",
      [](const std::string& n, const io::JsonReader& r, const SeriesSource& s) {
        return make_grid(n, r, s, s.utc_offset_minutes());
      },
      "Grid connection: tariff or price series, limits, demand charge, emission factor");
  register_device_type("gas_supply", make_gas_supply, "Natural gas supply: price_per_m3, heating value");
  register_device_type("diesel_supply", make_diesel_supply, "Diesel supply: price_per_kg, heating value");
  register_device_type("chp", make_chp, "Gas CHP unit with unit commitment");
  register_device_type("diesel_generator", make_diesel_generator, "Diesel generator with unit commitment");
  register_device_type("gas_boiler", converter_factory("gas_boiler", Carrier::gas, Carrier::heat, "efficiency", 1e-3, 1.2),
                       "Gas boiler: capacity_kw (heat), efficiency");
  register_device_type("electric_chiller",
                       converter_factory("electric_chiller", Carrier::electricity, Carrier::cooling, "cop", 1e-2, 20),
                       "Electric chiller: capacity_kw (cooling), cop (constant or series)");
  register_device_type("absorption_chiller",
                       converter_factory("absorption_chiller", Carrier::heat, Carrier::cooling, "cop", 1e-2, 5),
                       "Absorption chiller: capacity_kw (cooling), cop");
  register_device_type("heat_pump",
                       converter_factory("heat_pump", Carrier::electricity, Carrier::heat, "cop", 1e-2, 20),
                       "Air-source heat pump: capacity_kw (heat), cop (constant or series)");
  register_device_type(
      "battery",
      [](const std::string& n, const io::JsonReader& r, const SeriesSource&) -> std::unique_ptr<Device> {
        return std::make_unique<Storage>(n, "battery", storage_params(r, Carrier::electricity));
      },
      "Battery: energy_kwh, power_kw, efficiencies, SOC limits, end condition");
  register_device_type(
      "thermal_storage",
      [](const std::string& n, const io::JsonReader& r, const SeriesSource&) -> std::unique_ptr<Device> {
        Carrier c = Carrier::heat;
        const std::string cs = r.optional_string("carrier", "heat");
        if (cs == "cooling") c = Carrier::cooling;
        else if (cs != "heat") throw r.error_at("carrier", "must be \"heat\" or \"cooling\", got \"" + cs + "\"");
        return std::make_unique<Storage>(n, "thermal_storage", storage_params(r, c));
      },
      "Hot-water or ice storage: energy_kwh, power_kw, standing loss");
  register_device_type("load", make_load, "Load profile with curtailable share and value of lost load");
  register_device_type("shiftable_load", make_shiftable,
                       "Daily energy drawn inside a local-time window (e.g. EV charging, batch processes)");
}

}  // namespace ehub::hub
