// Bindings of ehub.sim: the operations loop (Strategy, LoopOptions, run_loop, LoopReport) and the
// model-update estimators. run_loop releases the GIL for the whole run; the progress callback and
// the Ctrl-C check take it back after each decision. Series cross as numpy arrays.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/sim/estimate.hpp"
#include "ehub/sim/rolling.hpp"

namespace ehub::python {
namespace {

using Eigen::VectorXd;



// LoopOptions::progress holding a Python callable: called with the GIL re-acquired (the loop runs
// without it), copies share the callable.
struct PyProgress {
  std::shared_ptr<PyRef> fn;
  void operator()(std::int64_t done, std::int64_t total) const {
    py::gil_scoped_acquire gil;
    fn->get()(done, total);
  }
};

py::object progress_get(const sim::LoopOptions& o) {
  if (const auto* p = o.progress.target<PyProgress>()) return p->fn->get();
  if (o.progress) return py::cpp_function(o.progress);
  return py::none();
}

void progress_set(sim::LoopOptions& o, const py::object& fn) {
  if (fn.is_none()) {
    o.progress = nullptr;
    return;
  }
  if (!PyCallable_Check(fn.ptr())) throw InputError("", "progress", "must be callable(done, total) or None");
  o.progress = PyProgress{std::make_shared<PyRef>(fn)};
}

sim::Strategy strategy_of(const py::handle& s) {
  if (py::isinstance<py::str>(s)) return sim::strategy_from_string(s.cast<std::string>());
  return s.cast<sim::Strategy>();
}

nlohmann::json from_python(const py::handle& o) { return json_from_python(o); }
py::object to_python(const nlohmann::json& j) { return json_to_python(j); }

py::array_t<double> arr(const std::vector<double>& v) {
  return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict arrays(const std::map<std::string, std::vector<double>>& m) {
  py::dict d;
  for (const auto& [k, v] : m) d[py::str(k)] = arr(v);
  return d;
}

// The key figures as a dict: dispatch::kpis_json with the cost categories under "cost".
py::dict kpis_dict(const dispatch::Kpis& k) {
  nlohmann::json j = dispatch::kpis_json(k);
  j["cost"] = std::move(j["cost_breakdown"]);
  j.erase("cost_breakdown");
  return json_to_python(j).cast<py::dict>();
}

py::dict log_dict(const sim::StepLog& l) {
  py::dict d;
  d["time_unix_s"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(l.time_unix_s.size()), l.time_unix_s.data());
  d["plan_grid_kw"] = arr(l.plan_grid_kw);
  d["grid_kw"] = arr(l.grid_kw);
  d["plan_storage_kw"] = arr(l.plan_storage_kw);
  d["storage_kw"] = arr(l.storage_kw);
  d["soc_kwh"] = arrays(l.soc_kwh);
  d["on"] = arrays(l.on);
  return d;
}

// The loop on a scenario path (str or os.PathLike) or a scenario dict, without the GIL. After each
// decision the GIL is taken back: the Python progress callback (if any) is called and pending
// signals are checked, so Ctrl-C stops a long run between decisions.
sim::LoopReport run(const py::object& scenario, sim::LoopOptions o, const std::string& base_dir) {
  auto user = std::move(o.progress);
  o.progress = [user](std::int64_t done, std::int64_t total) {
    if (user) user(done, total);
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  };
  if (py::isinstance<py::dict>(scenario)) {
    const nlohmann::json j = from_python(scenario);
    py::gil_scoped_release release;
    return sim::run_loop(j, "<python>", base_dir, o);
  }
  const std::string path = py::str(py::module_::import("os").attr("fspath")(scenario)).cast<std::string>();
  py::gil_scoped_release release;
  return sim::run_loop(path, o);
}

std::string fit_repr(const sim::FitError& f) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "rmse=%.6g, r_squared=%.6g, points=%lld", f.rmse, f.r_squared,
                static_cast<long long>(f.points));
  return buf;
}

}  // namespace

void bind_sim(py::module_& m) {
  bind_enum(m, "Strategy",
            "How the park is operated (docs/operations.md): perfect (actual data as forecasts, the bound), mpc "
            "(forecasts from data before each decision time), rules (the rule-based baseline).",
            sim::kStrategyNames);

  py::class_<sim::TwinOptions>(m, "TwinOptions", "The twin's physics and balancing policy (docs/operations.md, Twin).")
      .def(py::init([](bool causal, double balancing_penalty_per_kwh, double battery_taper_fraction,
                       double unit_min_load_efficiency_ratio, double battery_efficiency_drop) {
             sim::TwinOptions t;
             t.causal = causal;
             t.balancing_penalty_per_kwh = balancing_penalty_per_kwh;
             t.battery_taper_fraction = battery_taper_fraction;
             t.unit_min_load_efficiency_ratio = unit_min_load_efficiency_ratio;
             t.battery_efficiency_drop = battery_efficiency_drop;
             t.validate();
             return t;
           }),
           py::arg("causal") = true, py::arg("balancing_penalty_per_kwh") = 2.0, py::arg("battery_taper_fraction") = 0.1,
           py::arg("unit_min_load_efficiency_ratio") = 0.9, py::arg("battery_efficiency_drop") = 0.02,
           "causal: settle step by step (False: the executed window at once); balancing_penalty_per_kwh: W of "
           "the priority order (storage W, units/boilers 2W, grid 4W, curtailment 8W); battery_taper_fraction: "
           "SOC band of the battery's power taper (0: none). Throws InputError naming a bad field.")
      .def_readwrite("causal", &sim::TwinOptions::causal, "settle step by step (no foresight within the executed window)")
      .def_readwrite("balancing_penalty_per_kwh", &sim::TwinOptions::balancing_penalty_per_kwh,
                     "W of the balancing policy's priority order, currency/kWh")
      .def_readwrite("battery_taper_fraction", &sim::TwinOptions::battery_taper_fraction,
                     "battery power taper band as a fraction of energy_kwh next to soc_min/soc_max")
      .def_readwrite("battery_efficiency_drop", &sim::TwinOptions::battery_efficiency_drop,
                     "causal twin: battery efficiency drop at the SOC limits inside the taper band (absolute)")
      .def_readwrite("unit_min_load_efficiency_ratio", &sim::TwinOptions::unit_min_load_efficiency_ratio,
                     "units without part-load data: efficiency at min load / full-load efficiency in the twin")
      .def("validate", &sim::TwinOptions::validate, "Throws InputError naming the bad field.");

  py::class_<sim::LoopOptions>(m, "LoopOptions", "Options of the operations loop (docs/operations.md).")
      .def(py::init([](const py::object& strategy, int horizon_hours, int reoptimize_every_hours,
                       std::optional<int> days, std::optional<dispatch::Options> dispatch_options,
                       const py::object& progress, const std::string& forecaster, int refit_every_days,
                       std::optional<sim::TwinOptions> twin) {
             sim::LoopOptions o;
             o.strategy = strategy_of(strategy);
             o.horizon_hours = horizon_hours;
             o.reoptimize_every_hours = reoptimize_every_hours;
             o.days = days;
             if (dispatch_options) o.dispatch = *dispatch_options;
             progress_set(o, progress);
             o.forecaster = forecaster;
             o.refit_every_days = refit_every_days;
             if (twin) o.twin = *twin;
             o.validate();
             return o;
           }),
           py::arg("strategy") = "mpc", py::arg("horizon_hours") = 48, py::arg("reoptimize_every_hours") = 24,
           py::arg("days") = py::none(), py::arg("dispatch") = py::none(), py::arg("progress") = py::none(),
           py::arg("forecaster") = "ridge", py::arg("refit_every_days") = 7, py::arg("twin") = py::none(),
           "strategy: 'perfect', 'mpc', 'rules' (or a Strategy); dispatch: ehub.dispatch.Options of every plan "
           "and twin solve (default Cbc); progress: callable(done_steps, total_steps) after each decision; "
           "forecaster (mpc): 'seasonal_naive_day' or an ehub.forecast model name; twin: TwinOptions. "
           "Throws InputError naming a bad field.")
      .def_readwrite("forecaster", &sim::LoopOptions::forecaster,
                     "mpc: 'seasonal_naive_day' or a forecast-module model name ('ridge', 'ridge_hier', ...)")
      .def_readwrite("refit_every_days", &sim::LoopOptions::refit_every_days, "mpc: refit interval of the model, days")
      .def_readwrite("twin", &sim::LoopOptions::twin, "TwinOptions: the twin's physics and balancing policy")
      .def_property(
          "strategy", [](const sim::LoopOptions& o) { return o.strategy; },
          [](sim::LoopOptions& o, const py::object& s) { o.strategy = strategy_of(s); },
          "how the park is operated (set from a Strategy or its name)")
      .def_readwrite("horizon_hours", &sim::LoopOptions::horizon_hours, "length of each plan, h")
      .def_readwrite("plan_exchange_price_adder_per_kwh", &sim::LoopOptions::plan_exchange_price_adder_per_kwh,
                     "{grid device: price per kWh added to its import and export prices in the plans only, one "
                     "value per step of the scenario's data} (e.g. a demand-response incentive; ehub.dr)")
      .def_readwrite("reoptimize_every_hours", &sim::LoopOptions::reoptimize_every_hours,
                     "hours executed between decisions (<= horizon_hours)")
      .def_readwrite("days", &sim::LoopOptions::days, "days to run from the scenario start (None: all data)")
      .def_readwrite("dispatch", &sim::LoopOptions::dispatch, "ehub.dispatch.Options of every plan and twin solve")
      .def_property("progress", &progress_get, &progress_set,
                    "callable(done_steps, total_steps) called after each decision (with the GIL), or None")
      .def("validate", &sim::LoopOptions::validate, "Throws InputError naming the bad field.");

  py::class_<sim::LoopReport>(m, "LoopReport", "What a loop run did, aggregated over the executed steps.")
      .def_readonly("strategy", &sim::LoopReport::strategy)
      .def_readonly("steps", &sim::LoopReport::steps, "executed steps")
      .def_readonly("step_minutes", &sim::LoopReport::step_minutes)
      .def_readonly("solves", &sim::LoopReport::solves, "dispatch solves (plans and twin settlements)")
      .def_readonly("wall_s", &sim::LoopReport::wall_s, "wall time of the run, s")
      .def_readonly("solve_s", &sim::LoopReport::solve_s, "of which inside dispatch::solve (build + solve), s")
      .def_property_readonly("kpis", [](const sim::LoopReport& r) { return kpis_dict(r.kpis); },
                             "{'cost_total', 'cost': {category: amount}, 'emissions_kg', 'green_share', ...}")
      .def_readonly("forecast_mae", &sim::LoopReport::forecast_mae,
                    "mpc: {'device.key': mean absolute forecast error over executed steps}")
      .def_readonly("forecast_fallback_steps", &sim::LoopReport::forecast_fallback_steps,
                    "mpc: executed steps with no history a day back (actuals used)")
      .def_readonly("forecast_baseline_steps", &sim::LoopReport::forecast_baseline_steps,
                    "mpc: executed steps forecast by seasonal naive while the chosen model had too little history")
      .def_readonly("forecaster", &sim::LoopReport::forecaster, "mpc: the forecasting model used")
      .def_readonly("grid_deviation_kwh", &sim::LoopReport::grid_deviation_kwh,
                    "sum |executed - planned grid exchange| dt, kWh")
      .def_readonly("storage_deviation_kwh", &sim::LoopReport::storage_deviation_kwh,
                    "sum |executed - planned battery power| dt, kWh")
      .def_property_readonly("log", [](const sim::LoopReport& r) { return log_dict(r.log); },
                             "Per executed step: {'time_unix_s', 'plan_grid_kw', 'grid_kw', 'plan_storage_kw', "
                             "'storage_kw': array, 'soc_kwh': {storage: array}, 'on': {unit: array}}")
      .def_readonly("executed", &sim::LoopReport::executed,
                    "The executed schedule of the whole run as an ehub.dispatch.Result (flows, states, green "
                    "split, per-step balance); its to_pandas() frames work as for a dispatch")
      .def("summary", [](const sim::LoopReport& r) { return to_python(r.summary()); },
           "The KPIs as a dict (the `ehub simulate --summary` entry of one strategy).")
      .def("brief_report", &sim::LoopReport::brief_report, "One line: strategy, days, cost, green share, solves, wall time.")
      .def("__repr__", &sim::LoopReport::brief_report);

  py::class_<sim::TwinResult>(m, "TwinResult", "What the twin did over the executed steps.")
      .def_readonly("executed", &sim::TwinResult::executed, "the settled schedule (an ehub.dispatch.Result)")
      .def_readonly("grid_kw", &sim::TwinResult::grid_kw, "executed grid exchange per step, kW (import - export)")
      .def_readonly("storage_kw", &sim::TwinResult::storage_kw,
                    "executed electric storage power per step, kW (discharge - charge)");
  m.def(
      "execute",
      [](const py::dict& window, const sim::Pins& pins, std::optional<dispatch::Options> options,
         std::optional<sim::TwinOptions> twin, const std::string& base_dir) {
        const nlohmann::json j = from_python(window);
        const dispatch::Options o = options.value_or(dispatch::Options{});
        const sim::TwinOptions t = twin.value_or(sim::TwinOptions{});
        py::gil_scoped_release release;
        return sim::execute(j, "<python>", base_dir, pins, o, t);
      },
      py::arg("window"), py::arg("pins"), py::arg("options") = py::none(), py::arg("twin") = py::none(),
      py::arg("base_dir") = ".",
      "Settles the steps of `window` (a scenario dict over exactly the executed steps, with actual data) with "
      "the setpoints `pins` ({device: {state: values per step, NaN free}}) under the twin's balancing policy "
      "and physics (docs/operations.md); returns a TwinResult. Raises SolverError when nothing settles.");
  m.def("plan_pins", &sim::plan_pins, py::arg("plan"), py::arg("steps"),
        "The setpoints the twin follows from a plan's first `steps` steps: {device: {state: values}}.");
  m.def(
      "write_loop_h5",
      [](const std::vector<const sim::LoopReport*>& reports, const std::string& path) {
        std::vector<sim::LoopReport> copies;
        copies.reserve(reports.size());
        for (const auto* r : reports) copies.push_back(*r);
        py::gil_scoped_release release;
        sim::write_loop_h5(copies, path);
      },
      py::arg("reports"), py::arg("path"),
      "Writes the executed schedules of the reports to path (HDF5, atomically): one group /<strategy>/ per "
      "report in the dispatch results layout, its attribute 'summary' the KPIs as JSON (as ehub simulate --out).");
  m.def("_run_loop", &run, py::arg("scenario"), py::arg("options"), py::arg("base_dir") = ".",
        "Run the loop on a scenario file path or a scenario dict (CSV paths relative to base_dir); the GIL "
        "is released during the run.");
  m.def(
      "resolve_series",
      [](const py::dict& scenario, const std::string& base_dir) {
        return to_python(sim::resolve_series(from_python(scenario), "<python>", base_dir));
      },
      py::arg("scenario"), py::arg("base_dir") = ".",
      "The scenario dict with every device series resolved to a full-length list on its data grid.");

  // ----- model update: parameter estimation
  py::class_<sim::FitError>(m, "FitError", "How well a least-squares fit matches the measurements it was fitted on.")
      .def_readonly("rmse", &sim::FitError::rmse, "root mean square residual, in the unit of the fitted target")
      .def_readonly("r_squared", &sim::FitError::r_squared, "1 - SSR/SST (SST about the mean); NaN for a constant target")
      .def_readonly("points", &sim::FitError::points, "measurements used")
      .def("__repr__", [](const sim::FitError& f) {
        std::string s = "FitError(";
        s += fit_repr(f);
        s += ")";
        return s;
      });
  py::class_<sim::BatteryEstimate>(m, "BatteryEstimate", "Battery efficiencies and standing loss fitted to measurements.")
      .def_readonly("charge_efficiency", &sim::BatteryEstimate::charge_efficiency)
      .def_readonly("discharge_efficiency", &sim::BatteryEstimate::discharge_efficiency)
      .def_readonly("round_trip_efficiency", &sim::BatteryEstimate::round_trip_efficiency)
      .def_readonly("loss_per_step", &sim::BatteryEstimate::loss_per_step, "share of the SOC lost per step")
      .def_readonly("self_discharge_per_h", &sim::BatteryEstimate::self_discharge_per_h, "per unit per h")
      .def_readonly("fit", &sim::BatteryEstimate::fit, "residuals of the SOC change, kWh")
      .def("__repr__", [](const sim::BatteryEstimate& e) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "BatteryEstimate(eta_c=%.6g, eta_d=%.6g, loss_per_step=%.6g, ",
                      e.charge_efficiency, e.discharge_efficiency, e.loss_per_step);
        std::string s = buf;
        s += fit_repr(e.fit);
        s += ")";
        return s;
      });
  py::class_<sim::ChpFuelEstimate>(m, "ChpFuelEstimate", "CHP fuel line fuel_kw = a*on + b*p_el_kw fitted to measurements.")
      .def_readonly("no_load_fuel_kw", &sim::ChpFuelEstimate::no_load_fuel_kw, "a, kW of fuel")
      .def_readonly("fuel_per_kw_el", &sim::ChpFuelEstimate::fuel_per_kw_el, "b, kW fuel / kW el")
      .def_readonly("rated_kw", &sim::ChpFuelEstimate::rated_kw)
      .def_readonly("electric_efficiency_at_rated", &sim::ChpFuelEstimate::electric_efficiency_at_rated)
      .def_readonly("fit", &sim::ChpFuelEstimate::fit, "residuals of the fuel, kW")
      .def("electric_efficiency_at", &sim::ChpFuelEstimate::electric_efficiency_at, py::arg("p_el_kw"),
           "p / (a + b p) at electric output p_el_kw when committed.")
      .def("__repr__", [](const sim::ChpFuelEstimate& e) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "ChpFuelEstimate(no_load_fuel_kw=%.6g, fuel_per_kw_el=%.6g, eta_rated=%.6g, ",
                      e.no_load_fuel_kw, e.fuel_per_kw_el, e.electric_efficiency_at_rated);
        std::string s = buf;
        s += fit_repr(e.fit);
        s += ")";
        return s;
      });
  py::class_<sim::ChillerCopEstimate>(m, "ChillerCopEstimate", "Chiller COP = c0 + c1*T fitted to measurements.")
      .def_readonly("cop_at_0c", &sim::ChillerCopEstimate::cop_at_0c, "c0")
      .def_readonly("cop_per_degc", &sim::ChillerCopEstimate::cop_per_degc, "c1, 1/degC")
      .def_readonly("fit", &sim::ChillerCopEstimate::fit, "residuals of the COP")
      .def("cop_at", &sim::ChillerCopEstimate::cop_at, py::arg("temperature_c"), "c0 + c1 * temperature_c.")
      .def("__repr__", [](const sim::ChillerCopEstimate& e) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "ChillerCopEstimate(cop_at_0c=%.6g, cop_per_degc=%.6g, ", e.cop_at_0c,
                      e.cop_per_degc);
        std::string s = buf;
        s += fit_repr(e.fit);
        s += ")";
        return s;
      });
  py::class_<sim::PvPerformanceEstimate>(m, "PvPerformanceEstimate", "PV performance ratio fitted to measurements.")
      .def_readonly("performance_ratio", &sim::PvPerformanceEstimate::performance_ratio)
      .def_readonly("fit", &sim::PvPerformanceEstimate::fit, "residuals of the AC output, kW")
      .def("__repr__", [](const sim::PvPerformanceEstimate& e) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "PvPerformanceEstimate(performance_ratio=%.6g, ", e.performance_ratio);
        std::string s = buf;
        s += fit_repr(e.fit);
        s += ")";
        return s;
      });

  m.def("estimate_battery", &sim::estimate_battery, py::arg("charge_kw"), py::arg("discharge_kw"), py::arg("soc_kwh"),
        py::arg("step_hours"),
        "Charge/discharge efficiency and standing loss from measured series: soc[t] - soc[t-1] = "
        "eta_c*charge*dt - discharge*dt/eta_d - loss*soc[t-1] (soc at the end of each step).");
  m.def(
      "estimate_chp_fuel",
      [](const VectorXd& p_el_kw, const VectorXd& fuel_kw, double rated_kw, const std::optional<VectorXd>& on) {
        return sim::estimate_chp_fuel(p_el_kw, fuel_kw, on ? *on : VectorXd(), rated_kw);
      },
      py::arg("p_el_kw"), py::arg("fuel_kw"), py::arg("rated_kw"), py::arg("on") = py::none(),
      "Fuel line fuel_kw = a*on + b*p_el_kw over committed steps (on None: committed when p_el_kw > 0).");
  m.def("estimate_chiller_cop", &sim::estimate_chiller_cop, py::arg("cooling_kw"), py::arg("electricity_kw"),
        py::arg("temperature_c"), py::arg("min_electricity_kw") = 0.0,
        "COP = c0 + c1*T from the measured COP of steps with electricity_kw > min_electricity_kw.");
  m.def("estimate_pv_performance_ratio", &sim::estimate_pv_performance_ratio, py::arg("ac_kw"), py::arg("reference"),
        py::arg("capacity_kw"), py::arg("min_reference") = 0.0,
        "PR of ac_kw = PR * capacity_kw * reference through the origin (reference: availability or POA/1000), "
        "steps with reference > min_reference.");
}

}  // namespace ehub::python
