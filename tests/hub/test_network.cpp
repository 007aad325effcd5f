// The hub graph: connections resolved once into a dense port -> bus table, the same answers
// before and after resolve(), neighbours of a bus, and a replacement that must keep the ports.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/hub/scenario.hpp"

namespace {

using nlohmann::json;

// el <- grid, pv, bat; el -> chiller -> cool <- load_c; el <- load (two buses, five devices on el).
ehub::hub::Scenario park() {
  const json j{{"time", {{"start", "2025-06-01T00:00:00Z"}, {"step_minutes", 60}, {"steps", 1}}},
               {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "cool"}, {"carrier", "cooling"}}})},
               {"devices", json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 1.0}},
                                        {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 10}, {"availability", 0.5}},
                                        {{"name", "ch"}, {"type", "electric_chiller"}, {"ports", {{"in", "el"}, {"out", "cool"}}},
                                         {"capacity_kw", 50}, {"cop", 4}},
                                        {{"name", "load_c"}, {"type", "load"}, {"bus", "cool"}, {"carrier", "cooling"}, {"profile_kw", 20}},
                                        {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", 5}},
                                        {{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 10}}})}};
  return ehub::hub::scenario_from_json(j, "park.json", ".");
}

}  // namespace

TEST(HubGraph, ConnectionsResolveToDenseIds) {
  auto sc = park();
  const auto& h = sc.hub;
  ASSERT_TRUE(h.resolved());  // load_scenario / scenario_from_json resolve after validation
  const auto ch = *h.find_device("ch");
  EXPECT_EQ(h.port_index(ch, "in"), 0);
  EXPECT_EQ(h.port_index(ch, "out"), 1);
  EXPECT_EQ(h.port_index(ch, "nope"), -1);
  EXPECT_EQ(h.port_bus(ch, 0), *h.find_bus("el"));
  EXPECT_EQ(h.port_bus(ch, 1), *h.find_bus("cool"));
  EXPECT_EQ(h.devices_on_bus(*h.find_bus("el")), (std::vector<std::string>{"grid", "pv", "ch", "load", "bat"}));
  EXPECT_EQ(h.devices_on_bus(*h.find_bus("cool")), (std::vector<std::string>{"ch", "load_c"}));
  // A change drops the table; the answers stay the same by a search of the connections.
  auto& m = sc.hub;
  m.connect("nobody", "x", "el");
  EXPECT_FALSE(m.resolved());
  EXPECT_EQ(m.port_bus(ch, 1), *m.find_bus("cool"));
  EXPECT_EQ(m.devices_on_bus(*m.find_bus("cool")), (std::vector<std::string>{"ch", "load_c"}));
  m.resolve();
  EXPECT_EQ(m.port_bus(ch, 1), *m.find_bus("cool"));
}

TEST(HubGraph, ReplacementMustKeepNameAndPorts) {
  auto sc = park();
  auto& h = sc.hub;
  const auto grid = *h.find_device("grid");
  ehub::hub::DeviceState st;
  st.demand_charge_off = true;
  h.replace_device(grid, h.device(grid).with_state(st));  // same name and ports: accepted
  EXPECT_EQ(h.port_bus(grid, 0), *h.find_bus("el"));
  // Another name (the battery's copy) is refused, naming the device; so is no device.
  try {
    h.replace_device(grid, h.device(*h.find_device("bat")).with_state({}));
    FAIL() << "expected an InputError";
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "/devices/grid");
  }
  EXPECT_THROW(h.replace_device(grid, nullptr), ehub::InputError);
}
