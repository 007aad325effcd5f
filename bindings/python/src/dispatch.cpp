// Bindings of ehub.hub (scenarios) and ehub.dispatch (solve, results as numpy arrays and dicts).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/dispatch/sweep.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/json.hpp"

namespace ehub::python {
namespace {

py::object to_python(const nlohmann::json& j) { return json_to_python(j); }
nlohmann::json from_python(const py::handle& o) { return json_from_python(o); }
hub::HorizonOptions horizon(std::optional<std::string> start, std::optional<std::int64_t> steps,
                            std::optional<int> step_minutes) {
  hub::HorizonOptions h;
  h.start = std::move(start);
  h.steps = steps;
  h.step_minutes = step_minutes;
  return h;
}

}  // namespace

void bind_hub(py::module_& m) {
  m.def("device_types", &hub::device_types, "Registered device type names.");
  py::class_<hub::Scenario>(m, "Scenario", "A park loaded from JSON: horizon, settings, buses and devices.")
      .def_readonly("name", &hub::Scenario::name)
      .def_readonly("currency", &hub::Scenario::currency)
      .def_readonly("grid", &hub::Scenario::grid)
      .def_readonly("data_grid", &hub::Scenario::data_grid)
      .def_readonly("utc_offset_minutes", &hub::Scenario::utc_offset_minutes)
      .def_readonly("carbon_price_per_t", &hub::Scenario::carbon_price_per_t)
      .def_readonly("file", &hub::Scenario::file)
      .def_property_readonly("buses",
                             [](const hub::Scenario& s) {
                               std::vector<std::pair<std::string, std::string>> out;
                               for (const auto& b : s.hub.buses())
                                 out.emplace_back(b.name, std::string(hub::to_string(b.carrier)));
                               return out;
                             },
                             "(name, carrier) of every bus.")
      .def_property_readonly("devices",
                             [](const hub::Scenario& s) {
                               std::vector<std::pair<std::string, std::string>> out;
                               for (std::int32_t i = 0; i < s.hub.num_devices(); ++i)
                                 out.emplace_back(s.hub.device(i).name(), s.hub.device(i).type());
                               return out;
                             },
                             "(name, type) of every device.")
      .def("to_json", [](const hub::Scenario& s) { return to_python(s.source); },
           "The scenario's JSON as Python objects (round trip: scenario_from_json(to_json())).")
      .def(py::pickle(
          [](const hub::Scenario& s) {
            return py::make_tuple(s.source.dump(), s.file, s.base_dir, s.grid.start_unix_s(), s.grid.size(),
                                  s.grid.step_minutes());
          },
          [](const py::tuple& t) {
            hub::HorizonOptions h;
            h.start = format_iso8601(t[3].cast<std::int64_t>());
            h.steps = t[4].cast<std::int64_t>();
            h.step_minutes = t[5].cast<int>();
            return hub::scenario_from_json(io::parse_json(t[0].cast<std::string>(), t[1].cast<std::string>()), t[1].cast<std::string>(),
                                           t[2].cast<std::string>(), h);
          }));
  m.def(
      "load_scenario",
      [](const std::string& path, std::optional<std::string> start, std::optional<std::int64_t> steps,
         std::optional<int> step_minutes) { return hub::load_scenario(path, horizon(start, steps, step_minutes)); },
      py::arg("path"), py::arg("start") = py::none(), py::arg("steps") = py::none(),
      py::arg("step_minutes") = py::none(),
      "Load a scenario file over an optional horizon (start ISO-8601, number of steps, re-gridded step).");
  m.def(
      "scenario_from_json",
      [](const py::object& data, const std::string& base_dir, std::optional<std::string> start,
         std::optional<std::int64_t> steps, std::optional<int> step_minutes) {
        return hub::scenario_from_json(from_python(data), "<python>", base_dir, horizon(start, steps, step_minutes));
      },
      py::arg("data"), py::arg("base_dir") = ".", py::arg("start") = py::none(), py::arg("steps") = py::none(),
      py::arg("step_minutes") = py::none(), "Build a scenario from Python dicts/lists in the JSON layout.");
  m.def("validate_scenario_file", &hub::validate_scenario_file, py::arg("path"),
        "Every problem of a scenario file as messages (empty when it is valid).");
}

void bind_dispatch(py::module_& m) {
  py::class_<dispatch::Result>(m, "Result", "A checked dispatch: flows, states, prices and KPIs.")
      .def_property_readonly("status", [](const dispatch::Result& r) { return std::string(lp::to_string(r.status)); })
      .def_readonly("objective", &dispatch::Result::objective)
      .def_readonly("solver", &dispatch::Result::solver)
      .def_readonly("build_s", &dispatch::Result::build_s)
      .def_readonly("solve_s", &dispatch::Result::solve_s)
      .def_readonly("grid", &dispatch::Result::grid)
      .def_property_readonly("flows",
                             [](const py::object& self) {
                               const auto& r = self.cast<const dispatch::Result&>();
                               py::dict d;
                               for (const auto& f : r.flows) d[py::str(f.device + "." + f.port)] = view(f.kw, self);
                               return d;
                             },
                             "{'device.port': kW per step (positive into the bus)}; read-only arrays viewing the "
                             "result's memory (no copy)")
      .def_property_readonly("flow_buses",
                             [](const dispatch::Result& r) {
                               py::dict d;
                               for (const auto& f : r.flows)
                                 d[py::str(f.device + "." + f.port)] =
                                     py::make_tuple(f.bus, std::string(hub::to_string(f.carrier)));
                               return d;
                             },
                             "{'device.port': (bus, carrier)}")
      .def_property_readonly("states",
                             [](const py::object& self) {
                               const auto& r = self.cast<const dispatch::Result&>();
                               py::dict d;
                               for (const auto& s : r.states) d[py::str(s.device + "." + s.name)] = view(s.values, self);
                               return d;
                             },
                             "{'device.state': value per step} (read-only views, no copy)")
      .def_property_readonly("prices",
                             [](const py::object& self) {
                               const auto& r = self.cast<const dispatch::Result&>();
                               py::dict d;
                               for (const auto& p : r.prices) d[py::str(p.bus)] = view(p.per_kwh, self);
                               return d;
                             },
                             "{bus: marginal price per kWh per step} (LP dispatches; read-only views, no copy)")
      .def_readonly("diagnosis", &dispatch::Result::diagnosis)
      .def_readonly("prices_from_fixed_integers", &dispatch::Result::prices_from_fixed_integers)
      .def_property_readonly("green",
                             [](const py::object& self) {
                               const auto& r = self.cast<const dispatch::Result&>();
                               py::dict d;
                               for (const auto& g : r.green) d[py::str(g.device + "." + g.name)] = view(g.values, self);
                               return d;
                             },
                             "{'storage.charge_kw' / 'storage.discharge_kw': green part per step} (read-only "
                             "views, no copy)")
      .def_property_readonly(
          "consumption_kw", [](const py::object& self) { return view(self.cast<const dispatch::Result&>().consumption_kw, self); },
          "electricity consumption L_t per step, kW (the green share's denominator; read-only view)")
      .def_property_readonly(
          "green_matched_kw",
          [](const py::object& self) { return view(self.cast<const dispatch::Result&>().green_matched_kw, self); },
          "green matched M_t per step, kW (same-step renewable use + green discharge used; read-only view)")
      .def("summary", [](const dispatch::Result& r) { return to_python(r.summary()); },
           "The summary dict (status, objective, solver, timings, model, kpis).")
      .def("brief_report", &dispatch::Result::brief_report)
      .def("__repr__", &dispatch::Result::brief_report);
  py::class_<dispatch::Options>(m, "Options", "Options of a dispatch (see docs/objectives.md).")
      .def(py::init([](const std::string& solver, bool relax, std::optional<double> time_limit,
                       std::optional<double> mip_gap, const std::string& objective, bool cost_first,
                       double lexicographic_tolerance, double weight_cost, double weight_green,
                       std::optional<double> min_green_share, std::optional<double> max_emissions_kg,
                       std::optional<double> max_grid_import_kwh, int workers) {
             dispatch::Options o;
             o.solver = solver;
             o.relax_integers = relax;
             if (time_limit) o.solve.time_limit_s = *time_limit;
             if (mip_gap) o.solve.mip_gap = *mip_gap;
             o.objective = dispatch::objective_from_string(objective);
             o.cost_first = cost_first;
             o.lexicographic_tolerance = lexicographic_tolerance;
             o.weight_cost = weight_cost;
             o.weight_green = weight_green;
             o.min_green_share = min_green_share;
             o.max_emissions_kg = max_emissions_kg;
             o.max_grid_import_kwh = max_grid_import_kwh;
             o.workers = workers;
             o.validate();
             return o;
           }),
           py::arg("solver") = "cbc", py::arg("relax") = false, py::arg("time_limit") = py::none(),
           py::arg("mip_gap") = py::none(), py::arg("objective") = "cost", py::arg("cost_first") = false,
           py::arg("lexicographic_tolerance") = 0.001, py::arg("weight_cost") = 0.5, py::arg("weight_green") = 0.5,
           py::arg("min_green_share") = py::none(), py::arg("max_emissions_kg") = py::none(),
           py::arg("max_grid_import_kwh") = py::none(), py::arg("workers") = 0)
      .def_readonly("workers", &dispatch::Options::workers,
                    "pareto() and solve_each(): solves at once, one solver per thread (0: one per core; cbc "
                    "MILPs run one at a time anyway)");
  m.def(
      "_solve_each",
      [](const std::vector<const hub::Scenario*>& scenarios, const dispatch::Options& o) {
        py::gil_scoped_release release;
        return dispatch::solve_each(scenarios, o);
      },
      py::arg("scenarios"), py::arg("options"),
      "Dispatch of every scenario with the same options, options.workers at a time; the GIL is released.");
  m.def(
      "_solve",
      [](const hub::Scenario& sc, const dispatch::Options& o) {
        py::gil_scoped_release release;
        return dispatch::solve(sc, o);
      },
      py::arg("scenario"), py::arg("options"),
      "Dispatch of a scenario; the GIL is released while the model is built and solved.");
  m.def(
      "_build_model",
      [](const hub::Scenario& sc, const dispatch::Options& o) {
        py::gil_scoped_release release;
        return dispatch::build_model(sc, o);
      },
      py::arg("scenario"), py::arg("options"),
      "The model solve() hands to the backend first (an lp.Model; write it with lp.write_mps/write_lp).");
  py::class_<dispatch::ParetoPoint>(m, "ParetoPoint",
                                    "One point of the green-vs-cost frontier (NaN figures when its solve found no schedule).")
      .def_readonly("green_share", &dispatch::ParetoPoint::green_share)
      .def_readonly("cost_total", &dispatch::ParetoPoint::cost_total)
      .def_readonly("emissions_kg", &dispatch::ParetoPoint::emissions_kg)
      .def_readonly("target_green_share", &dispatch::ParetoPoint::target_green_share,
                    "The point's epsilon constraint: green share >= this")
      .def_property_readonly("status", [](const dispatch::ParetoPoint& p) { return std::string(lp::to_string(p.status)); })
      .def_readonly("result", &dispatch::ParetoPoint::result);
  m.def(
      "_pareto",
      [](const hub::Scenario& sc, const dispatch::Options& o, int points) {
        py::gil_scoped_release release;
        return dispatch::pareto(sc, o, points);
      },
      py::arg("scenario"), py::arg("options"), py::arg("points") = 11);
  m.def("write_pareto_h5", &dispatch::write_pareto_h5, py::arg("points"), py::arg("path"));
  m.def("write_result_h5", &dispatch::write_result_h5, py::arg("result"), py::arg("path"),
        "Write flows, states and prices to HDF5 (atomically).");
}

}  // namespace ehub::python
