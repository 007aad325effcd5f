// Grid connection: import and export at tariff or series prices, limits, demand charge
// (docs/devices.md, "grid").
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::hub {
namespace {

using detail::checked;
using detail::given;
using detail::only_keys;
using detail::opt_limit;
using detail::opt_non_negative;
using detail::opt_positive;
using detail::opt_range;
using detail::to_vec;
using lp::IndexRange;
using lp::kInf;
using lp::VarType;

// Grid connection: import i_t, export e_t; flow = i - e; time-of-use or series prices; monthly
// demand charge on peak import (prorated to the share of the month inside the horizon, or the full
// monthly charge on a peak that starts at the month's peak so far: a rolling plan).
class Grid final : public Device {
 public:
  Grid(std::string name, std::vector<double> buy, std::vector<double> sell, std::vector<double> ef, double import_kw,
       double export_kw, double demand_charge_per_kw_month, double peak_so_far_kw, bool prorated,
       std::vector<std::string> tariff_period, bool ef_given)
      : Device(std::move(name)), buy_(std::move(buy)), sell_(std::move(sell)), ef_(std::move(ef)),
        import_kw_(import_kw), export_kw_(export_kw), demand_charge_(demand_charge_per_kw_month),
        peak_so_far_kw_(peak_so_far_kw), prorated_(prorated), tariff_period_(std::move(tariff_period)),
        ef_given_(ef_given) {}
  std::string type() const override { return "grid"; }
  std::optional<GridInfo> grid_connection() const override {
    return GridInfo{import_kw_, export_kw_, demand_charge_, buy_, ef_, ef_given_, tariff_period_};
  }
  std::unique_ptr<Device> with_state(const DeviceState& s) const override {
    auto g = std::make_unique<Grid>(*this);
    if (s.demand_peak_so_far_kw) g->peak_so_far_kw_ = std::max(0.0, *s.demand_peak_so_far_kw);
    if (s.demand_charge_prorated) g->prorated_ = *s.demand_charge_prorated;
    if (s.demand_charge_off) g->demand_charge_ = 0.0;
    if (!s.exchange_price_adder_per_kwh.empty()) {
      if (s.exchange_price_adder_per_kwh.size() != g->buy_.size())
        throw InputError("", "/devices/" + name(),
                         "a price adder needs one value per step (" + std::to_string(g->buy_.size()) + "), got " +
                             std::to_string(s.exchange_price_adder_per_kwh.size()));
      for (std::size_t t = 0; t < g->buy_.size(); ++t) {  // the same on both: sell stays <= buy
        g->buy_[t] += s.exchange_price_adder_per_kwh[t];
        g->sell_[t] += s.exchange_price_adder_per_kwh[t];
      }
    }
    return g;
  }
  std::vector<PortSpec> ports() const override {
    return {{"el", Carrier::electricity, PortDirection::bidirectional}};
  }
  void formulate(Builder& b) const override {
    IndexRange imp = b.add_vars("import_kw", 0.0, import_kw_);
    IndexRange exp = b.add_vars("export_kw", 0.0, export_kw_);
    b.mark_setpoint("import_kw", Setpoint::exchange);
    b.mark_setpoint("export_kw", Setpoint::exchange);
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
  std::vector<std::string> tariff_period_;  // period name per step (empty: priced by series)
  bool ef_given_;                           // emission factor from the scenario (else the default)
};

// Time-of-use tariff: periods with local hour ranges [from, to) and buy/sell prices; every hour
// of the day must belong to exactly one period. `period` gets the period's name per step.
void tou_prices(const io::JsonReader& tariff, const SeriesSource& s, int utc_offset_minutes, std::vector<double>& buy,
                std::vector<double>& sell, std::vector<std::string>& period) {
  double hour_buy[24], hour_sell[24];
  std::string hour_name[24];
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
        hour_name[k] = p.optional_string("name", "");
        k = (k + 1) % 24;
      } while (k != to);
    }
  }
  for (int k = 0; k < 24; ++k)
    if (!covered[k]) throw tariff.error_at("periods", "hour " + std::to_string(k) + " is in no period");
  const auto& g = s.grid();
  buy.resize(static_cast<std::size_t>(g.size()));
  sell.resize(buy.size());
  period.resize(buy.size());
  for (std::int64_t t = 0; t < g.size(); ++t) {
    const int h = to_local(g.time_unix_s(t), utc_offset_minutes).hour;
    buy[static_cast<std::size_t>(t)] = hour_buy[h];
    sell[static_cast<std::size_t>(t)] = hour_sell[h];
    period[static_cast<std::size_t>(t)] = hour_name[h];
  }
}

std::unique_ptr<Device> make_grid(const std::string& name, const io::JsonReader& r, const SeriesSource& s,
                                  int utc_offset_minutes) {
  only_keys(r, {"tariff", "buy_price_per_kwh", "sell_price_per_kwh", "emission_factor_kg_per_kwh", "contract_kw",
                "import_limit_kw", "export_limit_kw", "demand_charge_per_kw_month", "demand_peak_so_far_kw",
                "demand_charge_prorated"});
  std::vector<double> buy, sell;
  std::vector<std::string> period;
  if (given(r, "tariff")) {
    tou_prices(r.at("tariff"), s, utc_offset_minutes, buy, sell, period);
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
                                r.optional_boolean("demand_charge_prorated", true), std::move(period),
                                given(r, "emission_factor_kg_per_kwh"));
}

}  // namespace

void detail::register_grid() {
  register_device_type(
      "grid",
      [](const std::string& n, const io::JsonReader& r, const SeriesSource& s) {
        return make_grid(n, r, s, s.utc_offset_minutes());
      },
      "Grid connection: tariff or price series, limits, demand charge, emission factor");
}

}  // namespace ehub::hub
