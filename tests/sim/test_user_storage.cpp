// A storage type of the user's (registered from C++) is carried across the operations loop's
// windows and followed by the twin exactly like the built-in battery: the loop and the twin ask
// the device (storage(), with_state(), its states' setpoint kinds), never its type name or JSON.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/sim/rolling.hpp"
#include "ehub/sim/twin.hpp"

namespace {

using nlohmann::json;
namespace hub = ehub::hub;

// A user's battery: soc_t = soc_{t-1} + eta_c ch_t dt - dis_t dt / eta_d, SOC in [0, E], charge
// and discharge up to P, end condition and efficiency derates as the loop and the twin set them.
// Parameters: energy_kwh, power_kw, efficiency (each way), soc (initial fraction).
class UserBattery final : public hub::Device {
 public:
  UserBattery(std::string name, double e_kwh, double p_kw, double eta, double soc)
      : Device(std::move(name)), e_(e_kwh), p_(p_kw), eta_c_(eta), eta_d_(eta), soc_(soc) {}
  std::string type() const override { return "user_battery"; }
  std::vector<hub::PortSpec> ports() const override {
    return {{"el", hub::Carrier::electricity, hub::PortDirection::bidirectional}};
  }
  std::optional<hub::StorageInfo> storage() const override {
    hub::StorageInfo s;
    s.port = "el";
    s.energy_kwh = e_;
    s.charge_kw = s.discharge_kw = p_;
    s.charge_efficiency = eta_c_;
    s.discharge_efficiency = eta_d_;
    s.soc_initial = soc_;
    s.end_condition = end_;
    s.soc_end_min = end_min_;
    return s;
  }
  std::unique_ptr<hub::Device> with_state(const hub::DeviceState& st) const override {
    auto d = std::make_unique<UserBattery>(*this);
    if (st.soc) d->soc_ = *st.soc;
    if (st.end_condition) d->end_ = *st.end_condition;
    if (st.soc_end_min) d->end_min_ = *st.soc_end_min;
    d->eta_c_ -= st.charge_efficiency_derate;  // the twin's efficiency near the SOC limits
    d->eta_d_ -= st.discharge_efficiency_derate;
    return d;
  }
  void formulate(hub::Builder& b) const override {
    auto& m = b.model();
    const double dt = b.dt_h();
    const auto ch = b.add_vars("charge_kw", 0.0, p_);
    const auto dis = b.add_vars("discharge_kw", 0.0, p_);
    const auto soc = b.add_vars("soc_kwh", 0.0, e_);
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      const double rhs = t == 0 ? soc_ * e_ : 0.0;
      m.begin_row(rhs, rhs);
      m.add_term(soc[t], 1.0);
      if (t > 0) m.add_term(soc[t - 1], -1.0);
      m.add_term(ch[t], -eta_c_ * dt);
      m.add_term(dis[t], dt / eta_d_);
    }
    const std::int32_t last = soc[b.steps() - 1];
    if (end_ == hub::EndCondition::cyclic) m.set_var_bounds(last, soc_ * e_, e_);
    if (end_ == hub::EndCondition::min) m.set_var_bounds(last, end_min_ * e_, e_);
    b.mark_setpoint("charge_kw", hub::Setpoint::storage);
    b.mark_setpoint("discharge_kw", hub::Setpoint::storage);
    b.add_port_flow("el", dis, 1.0);
    b.add_port_flow("el", ch, -1.0);
    b.add_storage(hub::StorageRecord{name(), "el", ch, dis, soc, eta_c_, eta_d_, 1.0, soc_ * e_, e_, 0.0});
  }

 private:
  double e_, p_, eta_c_, eta_d_, soc_;
  hub::EndCondition end_ = hub::EndCondition::free;
  double end_min_ = 0;
};

void register_user_battery() {
  hub::register_device_type(
      "user_battery",
      [](const std::string& name, const ehub::io::JsonReader& r, const hub::SeriesSource&) -> std::unique_ptr<hub::Device> {
        return std::make_unique<UserBattery>(name, r.positive_number("energy_kwh"), r.positive_number("power_kw"),
                                             r.number_in_range("efficiency", 0.01, 1.0), r.number_in_range("soc", 0.0, 1.0));
      },
      "a user's battery (test)");
}

// Two days hourly: load 1 MW (1.5 MW 8-20 h), PV 1.5 MW around noon, a TOU grid (peak 1.0,
// valley 0.4, sell 0.1) and a 2 MWh / 1 MW storage of type `storage_type`.
json park(bool user) {
  std::vector<double> load, pv;
  for (int d = 0; d < 2; ++d)
    for (int h = 0; h < 24; ++h) {
      load.push_back(1000.0 + (h >= 8 && h < 20 ? 500.0 : 0.0) + 50.0 * d);
      const double x = (h - 12) / 4.0;
      pv.push_back(std::abs(x) < 1.5 ? std::max(0.0, 1.0 - x * x / 2.25) * (1.0 - 0.2 * d) : 0.0);
    }
  const json storage =
      user ? json{{"name", "store"}, {"type", "user_battery"}, {"bus", "el"}, {"energy_kwh", 2000}, {"power_kw", 1000},
                  {"efficiency", 0.9}, {"soc", 0.5}}
           : json{{"name", "store"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 2000}, {"power_kw", 1000},
                  {"charge_efficiency", 0.9}, {"discharge_efficiency", 0.9}, {"soc_initial", 0.5},
                  {"end_condition", "free"}, {"exclusive_charge_discharge", false}};
  return json{
      {"name", "user storage"},
      {"time", {{"start", "2025-06-01T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", 48}}},
      {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
      {"devices",
       json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"emission_factor_kg_per_kwh", 0.5},
                     {"tariff",
                      {{"periods", json::array({{{"name", "peak"}, {"hours", {{8, 22}}}, {"buy_per_kwh", 1.0}, {"sell_per_kwh", 0.1}},
                                                {{"name", "valley"}, {"hours", {{22, 8}}}, {"buy_per_kwh", 0.4}, {"sell_per_kwh", 0.1}}})}}}},
                    {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 1500}, {"availability", pv}},
                    storage,
                    {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", load}}})}};
}

ehub::sim::LoopOptions loop(ehub::sim::Strategy s) {
  ehub::sim::LoopOptions o;
  o.strategy = s;
  o.dispatch.solver = "cbc";
  o.forecaster = "seasonal_naive_day";
  o.horizon_hours = 24;
  o.reoptimize_every_hours = 12;
  return o;
}

}  // namespace

TEST(UserStorage, CarriedAcrossWindowsLikeTheBuiltInBattery) {
  register_user_battery();
  for (const auto s : {ehub::sim::Strategy::perfect, ehub::sim::Strategy::mpc, ehub::sim::Strategy::rules}) {
    SCOPED_TRACE(std::string(ehub::sim::to_string(s)));
    const auto builtin = ehub::sim::run_loop(park(false), "builtin", ".", loop(s));
    const auto user = ehub::sim::run_loop(park(true), "user", ".", loop(s));
    EXPECT_NEAR(user.kpis.cost_total, builtin.kpis.cost_total, 1e-9 * std::abs(builtin.kpis.cost_total));
    // The state is carried: the user's SOC path is the built-in battery's (which the loop's own
    // tests check against the dynamics) and it does work.
    const auto& a = builtin.log.soc_kwh.at("store");
    const auto& b = user.log.soc_kwh.at("store");
    ASSERT_EQ(a.size(), 48u);
    ASSERT_EQ(b.size(), 48u);
    for (std::size_t t = 0; t < a.size(); ++t) EXPECT_NEAR(b[t], a[t], 1e-6) << "step " << t;
    EXPECT_GT(user.kpis.storage_cycles.at("store"), 0.3);
    EXPECT_NEAR(user.kpis.storage_cycles.at("store"), builtin.kpis.storage_cycles.at("store"), 1e-9);
  }
}

TEST(UserStorage, FollowedByTheTwinLikeTheBuiltInBattery) {
  register_user_battery();
  // One hour, actual load 300 kW where the plan expected 200 kW from the grid; the user's storage
  // (1 MWh at SOC 0.5, 500 kW, efficiency 1) takes the 100 kW deviation at W = 2 per kWh before
  // the grid (4W = 8), as the twin's policy says for storage setpoints: import 200 kW, cost 200
  // at 1.0/kWh (the deviation prices are not a cost).
  const json step{{"name", "twin step"},
                  {"time", {{"start", "2025-06-01T10:00:00+08:00"}, {"step_minutes", 60}, {"steps", 1}}},
                  {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
                  {"devices",
                   json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 1.0},
                                 {"sell_price_per_kwh", 0.1}},
                                {{"name", "store"}, {"type", "user_battery"}, {"bus", "el"}, {"energy_kwh", 1000},
                                 {"power_kw", 500}, {"efficiency", 1.0}, {"soc", 0.5}},
                                {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", {300.0}}}})}};
  const ehub::sim::Pins pins{{"store", {{"charge_kw", {0.0}}, {"discharge_kw", {0.0}}}},
                             {"grid", {{"import_kw", {200.0}}, {"export_kw", {0.0}}}}};
  ehub::dispatch::Options o;
  o.solver = "cbc";
  ehub::sim::TwinOptions twin;
  twin.battery_efficiency_drop = 0;  // the user's device has no derate; the taper band is far (SOC 0.5)
  const auto tr = ehub::sim::execute(step, "step", ".", pins, o, twin);
  double dis = NAN, imp = NAN;
  for (const auto& s : tr.executed.states) {
    if (s.device == "store" && s.name == "discharge_kw") dis = s.values.at(0);
    if (s.device == "grid" && s.name == "import_kw") imp = s.values.at(0);
  }
  EXPECT_NEAR(dis, 100.0, 1e-6);
  EXPECT_NEAR(imp, 200.0, 1e-6);
  EXPECT_NEAR(tr.executed.kpis.cost_total, 200.0, 1e-6);
  EXPECT_NEAR(tr.storage_kw.at(0), 100.0, 1e-6);  // counted as electric storage power
  EXPECT_NEAR(tr.grid_kw.at(0), 200.0, 1e-6);
  // The plan's setpoints of the user's storage are handed over like a battery's.
  const auto plan = ehub::dispatch::solve(ehub::hub::scenario_from_json(step, "step", "."), o);
  const auto p = ehub::sim::plan_pins(plan, 1);
  EXPECT_EQ(p.at("store").count("charge_kw"), 1u);
  EXPECT_EQ(p.at("store").count("discharge_kw"), 1u);
}

TEST(UserStorage, AStorageWithoutWithStateIsRefusedByTheLoop) {
  // A type that reports storage() but cannot take a state: the loop says so, naming the device.
  class NoState final : public hub::Device {
   public:
    explicit NoState(std::string n) : Device(std::move(n)) {}
    std::string type() const override { return "user_battery_no_state"; }
    std::vector<hub::PortSpec> ports() const override {
      return {{"el", hub::Carrier::electricity, hub::PortDirection::bidirectional}};
    }
    std::optional<hub::StorageInfo> storage() const override {
      hub::StorageInfo s;
      s.port = "el";
      s.energy_kwh = 100;
      return s;
    }
    void formulate(hub::Builder& b) const override { b.add_port_flow("el", b.add_vars("p_kw", -10.0, 10.0), 1.0); }
  };
  hub::register_device_type(
      "user_battery_no_state",
      [](const std::string& name, const ehub::io::JsonReader&, const hub::SeriesSource&) -> std::unique_ptr<hub::Device> {
        return std::make_unique<NoState>(name);
      },
      "a storage without with_state (test)");
  json j = park(false);
  j["devices"][2] = {{"name", "store"}, {"type", "user_battery_no_state"}, {"bus", "el"}};
  try {
    ehub::sim::run_loop(j, "park.json", ".", loop(ehub::sim::Strategy::perfect));
    FAIL() << "expected an InputError";
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "/devices/store");
    EXPECT_NE(std::string(e.what()).find("with_state"), std::string::npos) << e.what();
  }
}

