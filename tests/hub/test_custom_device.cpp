// A user-defined device type registered at run time takes part in validation and dispatch like a
// built-in one: an electric boiler (el in, heat out, efficiency 0.98) serving a heat load.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/hub/scenario.hpp"

namespace {

class ElectricBoiler final : public ehub::hub::Device {
 public:
  ElectricBoiler(std::string name, double capacity_kw, double efficiency)
      : Device(std::move(name)), capacity_kw_(capacity_kw), efficiency_(efficiency) {}
  std::string type() const override { return "electric_boiler"; }
  std::vector<ehub::hub::PortSpec> ports() const override {
    using ehub::hub::Carrier;
    using ehub::hub::PortDirection;
    return {{"el", Carrier::electricity, PortDirection::input}, {"heat", Carrier::heat, PortDirection::output}};
  }
  void formulate(ehub::hub::Builder& b) const override {
    auto heat = b.add_vars("heat_kw", 0.0, capacity_kw_);
    auto el = b.add_vars("el_kw", 0.0, ehub::lp::kInf);
    for (std::int32_t t = 0; t < b.steps(); ++t) {  // efficiency * el = heat
      b.model().begin_row(0.0, 0.0);
      b.model().add_term(el[t], efficiency_);
      b.model().add_term(heat[t], -1.0);
    }
    b.add_port_flow("el", el, -1.0);
    b.add_port_flow("heat", heat, 1.0);
  }

 private:
  double capacity_kw_, efficiency_;
};

nlohmann::json park(const std::string& boiler_bus_el) {
  return {{"time", {{"start", "2025-06-01T00:00:00Z"}, {"step_minutes", 60}, {"steps", 2}}},
          {"buses", {{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "heat"}, {"carrier", "heat"}}}},
          {"devices",
           {{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 0.5}},
            {{"name", "eb"}, {"type", "electric_boiler"}, {"capacity_kw", 100}, {"efficiency", 0.98},
             {"ports", {{"el", boiler_bus_el}, {"heat", "heat"}}}},
            {{"name", "dh"}, {"type", "load"}, {"bus", "heat"}, {"carrier", "heat"}, {"profile_kw", {49, 98}}}}}};
}

}  // namespace

TEST(CustomDevice, RegisteredTypeDispatches) {
  ehub::hub::register_device_type(
      "electric_boiler",
      [](const std::string& name, const ehub::io::JsonReader& r, const ehub::hub::SeriesSource&) {
        return std::make_unique<ElectricBoiler>(name, r.positive_number("capacity_kw"),
                                                r.number_in_range("efficiency", 0.01, 1.0));
      },
      "Electric boiler (test)");
  const auto types = ehub::hub::device_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "electric_boiler"), types.end());
  const auto sc = ehub::hub::scenario_from_json(park("el"), "custom.json", ".");
  ehub::dispatch::Options o;
  o.solver = "clp";
  const auto r = ehub::dispatch::solve(sc, o);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  // Heat 49 + 98 = 147 kWh needs 150 kWh el at 0.5: 75.
  EXPECT_NEAR(r.objective, 75.0, 1e-9);
  // Validation applies to it: its el port on the heat bus is a carrier mismatch.
  try {
    ehub::hub::scenario_from_json(park("heat"), "custom.json", ".");
    FAIL() << "expected a carrier mismatch";
  } catch (const ehub::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "/devices/eb/ports/el: bus \"heat\" carries heat, the port needs electricity"),
              std::string::npos);
  }
}
