// ehub._core.dr: demand-response events, customer baselines and settlement
// (docs/demand_response.md); the pandas face is in ehub/dr.py.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/dr/demand_response.hpp"
#include "ehub/store/store.hpp"

namespace ehub::python {
namespace {

using namespace ehub::dr;

dr::BaselineRule rule_of(int x, int y, const std::string& select, bool same_day_type, int lookback, const std::string& adjustment,
                         double adj_start_h, double adj_len_h, double cap, int off) {
  BaselineRule r;
  r.x_days = x;
  r.y_days = y;
  r.select = select;
  r.same_day_type = same_day_type;
  r.max_lookback_days = lookback;
  r.adjustment = adjustment;
  r.adjustment_start_h = adj_start_h;
  r.adjustment_length_h = adj_len_h;
  r.adjustment_cap = cap;
  r.utc_offset_minutes = off;
  return r;
}

py::dict settlement_dict(const Settlement& s) {
  py::dict d;
  d["event_id"] = s.event_id;
  d["requested_kwh"] = s.requested_kwh;
  d["baseline_kwh"] = s.baseline_kwh;
  d["metered_kwh"] = s.metered_kwh;
  d["delivered_kwh"] = s.delivered_kwh;
  d["performance"] = s.performance;
  d["paid_kwh"] = s.paid_kwh;
  d["payment"] = s.payment;
  d["shortfall_kwh"] = s.shortfall_kwh;
  d["penalty"] = s.penalty;
  d["net"] = s.net;
  d["delivered_kwh_per_step"] = s.delivered_kwh_per_step;
  d["baseline_kwh_per_step"] = s.baseline.baseline_kwh;
  d["days_used"] = s.baseline.days_used;
  d["adjustment_factor"] = s.baseline.adjustment_factor;
  d["adjustment_kwh"] = s.baseline.adjustment_kwh;
  return d;
}

}  // namespace

void bind_dr(py::module_& m) {
  py::enum_<EventType>(m, "EventType", "Peak shaving (less consumption) or valley filling (more)")
      .value("peak_shaving", EventType::peak_shaving)
      .value("valley_filling", EventType::valley_filling);
  py::class_<Event>(m, "Event", "A demand-response event (OpenADR-like; docs/demand_response.md)")
      .def(py::init<>())
      .def_readwrite("id", &Event::id)
      .def_readwrite("program", &Event::program)
      .def_readwrite("participant", &Event::participant)
      .def_readwrite("type", &Event::type)
      .def_readwrite("notified_unix_s", &Event::notified_unix_s)
      .def_readwrite("start_unix_s", &Event::start_unix_s)
      .def_readwrite("end_unix_s", &Event::end_unix_s)
      .def_readwrite("requested_kw", &Event::requested_kw)
      .def_readwrite("requested_kwh", &Event::requested_kwh)
      .def_readwrite("compensation_per_kwh", &Event::compensation_per_kwh)
      .def_readwrite("penalty_per_kwh", &Event::penalty_per_kwh)
      .def_readwrite("min_performance", &Event::min_performance)
      .def_readwrite("max_paid_share", &Event::max_paid_share)
      .def_readwrite("min_notice_s", &Event::min_notice_s)
      .def("requested_energy_kwh", &Event::requested_energy_kwh, "requested_kwh, or requested_kw x the window's hours");
  m.def("parse_events",
        [](py::object j, std::int64_t now, int off, const std::string& file) {
          return parse_events(json_from_python(j), file, {now, off});
        },
        py::arg("events"), py::arg("now_unix_s") = 0, py::arg("utc_offset_minutes") = 0, py::arg("file") = "",
        "Events from an OpenADR-like dict, checked (overlaps, the past, notice); InputError names the JSON path.");
  m.def("load_events", [](const std::string& path, std::int64_t now, int off) { return load_events(path, {now, off}); }, py::arg("path"),
        py::arg("now_unix_s") = 0, py::arg("utc_offset_minutes") = 0, "Events from a JSON file, checked.");
  py::class_<BaselineRule>(m, "BaselineRule", "X-of-Y customer baseline with an optional day-of adjustment")
      .def(py::init(&rule_of), py::arg("x_days") = 4, py::arg("y_days") = 5, py::arg("select") = "", py::arg("same_day_type") = true,
           py::arg("max_lookback_days") = 45, py::arg("adjustment") = "none", py::arg("adjustment_start_h") = 4.0,
           py::arg("adjustment_length_h") = 3.0, py::arg("adjustment_cap") = 0.2, py::arg("utc_offset_minutes") = 0)
      .def_readwrite("x_days", &BaselineRule::x_days)
      .def_readwrite("y_days", &BaselineRule::y_days)
      .def_readwrite("adjustment", &BaselineRule::adjustment);
  m.def("settle",
        [](const Event& e, const ems::IntervalData& metered, const BaselineRule& rule, const std::vector<Event>& other) {
          return settlement_dict(settle(e, metered, rule, other));
        },
        py::arg("event"), py::arg("metered"), py::arg("rule") = BaselineRule{}, py::arg("other_events") = std::vector<Event>{},
        "Customer baseline, verified delivery (baseline - metered), payment, penalty and net of an event (a dict).");
  m.def("settle_against",
        [](const Event& e, const Eigen::VectorXd& baseline_kwh, const Eigen::VectorXd& metered_kwh) {
          return settlement_dict(settle_against(e, baseline_kwh, metered_kwh));
        },
        py::arg("event"), py::arg("baseline_kwh"), py::arg("metered_kwh"),
        "Settlement against a given baseline over the event window (per step).");
  m.def(
      "_answer_in_loop",
      [](const py::dict& scenario, const sim::LoopOptions& o, const Event& e, const BaselineRule& rule,
         const std::string& grid, const std::vector<Event>& other, const std::string& base_dir) {
        const nlohmann::json j = json_from_python(scenario);
        LoopAnswer a;
        {
          py::gil_scoped_release release;
          a = answer_in_loop(j, "<python>", base_dir, o, e, rule, grid, other);
        }
        py::dict d;
        d["cost_without"] = a.cost_without;
        d["cost_with"] = a.cost_with;
        d["settlement"] = settlement_dict(a.settlement);
        d["value"] = a.value;
        d["without"] = a.without;
        d["with"] = a.with;
        return d;
      },
      py::arg("scenario"), py::arg("options"), py::arg("event"), py::arg("rule") = BaselineRule{},
      py::arg("grid_device") = "grid", py::arg("other_events") = std::vector<Event>{}, py::arg("base_dir") = ".",
      "The operations loop run without and with the event (plans see its incentive, the twin delivers, the "
      "event settled on the executed grid import): a dict with cost_without, cost_with, settlement, value "
      "and both LoopReports (without, with).");
  m.def("record_settlement",
        [](store::Store& s, const Event& e, const ems::IntervalData& metered, const BaselineRule& rule, const std::string& tenant) {
          return record_settlement(s, e, settle(e, metered, rule), tenant);
        },
        py::arg("store"), py::arg("event"), py::arg("metered"), py::arg("rule") = BaselineRule{}, py::arg("tenant") = "",
        "Settles the event and records it in the store's demand-response table; returns the row id.");
}

}  // namespace ehub::python
