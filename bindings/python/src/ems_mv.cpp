// ehub._core.ems (continued): baselines and M&V (docs/baselines.md). Arrays cross as numpy
// arrays; the pandas face is in ehub/ems.py.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/ems/alarms.hpp"
#include "ehub/ems/assets.hpp"
#include "ehub/ems/baseline.hpp"
#include "ehub/store/store.hpp"

namespace ehub::python {
namespace {

using namespace ehub::ems;

py::dict fit_dict(const GoodnessOfFit& g) {
  py::dict d;
  d["granularity"] = std::string(to_string(g.granularity));
  d["n"] = g.n;
  d["p"] = g.p;
  d["mean_y"] = g.mean_y;
  d["rmse"] = g.rmse;
  d["cv_rmse"] = g.cv_rmse;
  d["nmbe"] = g.nmbe;
  d["r_squared"] = g.r_squared;
  d["rho_lag1"] = g.rho_lag1;
  d["residual_std"] = g.residual_std;
  d["max_cv_rmse"] = g.gates.max_cv_rmse;
  d["max_abs_nmbe"] = g.gates.max_abs_nmbe;
  d["acceptable"] = g.acceptable;
  d["reason"] = g.reason;
  return d;
}

py::dict sufficiency_dict(const DataSufficiency& s) {
  py::dict d;
  d["sufficient"] = s.sufficient;
  d["days"] = s.days;
  d["day_coverage"] = s.day_coverage;
  d["months"] = s.months;
  d["month_hour_coverage"] = s.month_hour_coverage;
  d["problems"] = s.problems;
  return d;
}

SufficiencyOptions sufficiency_options(double min_days, double min_day_coverage, double min_month_coverage, int off) {
  SufficiencyOptions o;
  o.min_days = min_days;
  o.min_day_coverage = min_day_coverage;
  o.min_month_coverage = min_month_coverage;
  o.utc_offset_minutes = off;
  return o;
}

py::dict event_dict(const AlarmEvent& e) {
  py::dict d;
  d["alarm_id"] = e.alarm_id;
  d["kind"] = std::string(to_string(e.kind));
  d["rule"] = e.rule;
  d["point"] = e.point;
  d["severity"] = std::string(to_string(e.severity));
  d["t_unix_s"] = e.t_unix_s;
  d["value"] = e.value;
  d["message"] = e.message;
  d["suppressed_by"] = e.suppressed_by;
  d["location"] = e.location;
  d["acknowledged_by"] = e.acknowledged_by;
  return d;
}

std::vector<TreeMeter> tree_of(const std::vector<std::tuple<std::string, std::string, IntervalData>>& meters) {
  std::vector<TreeMeter> tree;
  for (const auto& [name, parent, data] : meters) tree.push_back({name, parent, data});
  return tree;
}

}  // namespace

void bind_ems_mv(py::module_& m) {
  py::enum_<Granularity>(m, "Granularity", "Granularity of baseline data (sets the Guideline 14 gates)")
      .value("hourly", Granularity::hourly)
      .value("daily", Granularity::daily)
      .value("monthly", Granularity::monthly);
  py::class_<GoodnessOfFit>(m, "GoodnessOfFit", "ASHRAE Guideline 14 statistics of a baseline fit (docs/baselines.md)")
      .def(py::init([](py::dict d) {
             GoodnessOfFit g;
             g.granularity = granularity_from_string(py::cast<std::string>(d.attr("get")("granularity", "hourly")));
             g.gates = guideline14_gates(g.granularity);
             g.n = py::cast<std::int64_t>(d["n"]);
             g.p = py::cast<int>(d["p"]);
             g.cv_rmse = py::cast<double>(d["cv_rmse"]);
             g.rho_lag1 = py::cast<double>(d.attr("get")("rho_lag1", 0.0));
             g.acceptable = py::cast<bool>(d.attr("get")("acceptable", true));
             g.reason = py::cast<std::string>(d.attr("get")("reason", ""));
             return g;
           }),
           py::arg("figures"), "From a dict with n, p, cv_rmse (and rho_lag1, granularity, acceptable, reason).")
      .def_readonly("n", &GoodnessOfFit::n)
      .def_readonly("p", &GoodnessOfFit::p)
      .def_readonly("cv_rmse", &GoodnessOfFit::cv_rmse)
      .def_readonly("nmbe", &GoodnessOfFit::nmbe)
      .def_readonly("rmse", &GoodnessOfFit::rmse)
      .def_readonly("r_squared", &GoodnessOfFit::r_squared)
      .def_readonly("rho_lag1", &GoodnessOfFit::rho_lag1)
      .def_readonly("residual_std", &GoodnessOfFit::residual_std)
      .def_readonly("acceptable", &GoodnessOfFit::acceptable)
      .def_readonly("reason", &GoodnessOfFit::reason)
      .def("as_dict", &fit_dict, "The figures as a dict.")
      .def("__repr__", [](const GoodnessOfFit& g) {
        return "GoodnessOfFit(cv_rmse=" + std::to_string(g.cv_rmse) + ", nmbe=" + std::to_string(g.nmbe) +
               ", acceptable=" + (g.acceptable ? "True" : "False") + ")";
      });

  m.def("goodness_of_fit", &goodness_of_fit, py::arg("y"), py::arg("yhat"), py::arg("p"), py::arg("granularity") = Granularity::hourly,
        "Guideline 14 statistics (CV(RMSE), NMBE with n - p, R2, lag-1 autocorrelation) and the gates' verdict.");

  m.def("data_sufficiency",
        [](const IntervalData& d, const Eigen::VectorXd& t, double min_days, double min_day_coverage, double min_month_coverage,
           int off) { return sufficiency_dict(data_sufficiency(d, t, sufficiency_options(min_days, min_day_coverage, min_month_coverage, off))); },
        py::arg("energy"), py::arg("temperature_c"), py::arg("min_days") = 365.0, py::arg("min_day_coverage") = 0.9,
        py::arg("min_month_coverage") = 0.9, py::arg("utc_offset_minutes") = 0,
        "CalTRACK 2.0 data sufficiency of a baseline period (a dict with the problems found).");

  py::class_<TowtModel>(m, "TowtModel", "A fitted time-of-week-and-temperature model (LBNL / CalTRACK hourly)")
      .def_property_readonly("fit", [](const TowtModel& t) { return t.fit; }, "GoodnessOfFit on the baseline")
      .def_property_readonly("sufficiency", [](const TowtModel& t) { return sufficiency_dict(t.sufficiency); })
      .def_property_readonly("fitted_kwh", [](const TowtModel& t) { return Eigen::VectorXd(t.fitted_kwh); }, "The model on the baseline grid")
      .def_property_readonly("segments", [](const TowtModel& t) {
        py::list out;
        for (const auto& s : t.segments) {
          py::dict d;
          d["month"] = s.month;
          d["knots_c"] = s.knots_c;
          d["occupied"] = std::vector<bool>(s.occupied.begin(), s.occupied.end());
          d["tow_kwh"] = std::vector<double>(s.tow_kwh.begin(), s.tow_kwh.end());
          d["slope_occupied"] = s.slope_occupied;
          d["slope_unoccupied"] = s.slope_unoccupied;
          d["rank"] = s.rank;
          out.append(d);
        }
        return out;
      }, "One dict per segment (month, knots, occupancy by hour of week, coefficients)")
      .def("predict", &TowtModel::predict, py::arg("grid"), py::arg("temperature_c"),
           "Energy per hour on an hourly grid with its temperature (NaN where it cannot be predicted).");
  m.def("fit_towt",
        [](const IntervalData& d, const Eigen::VectorXd& t, int off, bool monthly_segments, std::optional<std::vector<double>> knots,
           int min_hours_per_bin, double occupancy_threshold, double min_days, double min_day_coverage, double min_month_coverage) {
          TowtOptions o;
          o.utc_offset_minutes = off;
          o.monthly_segments = monthly_segments;
          if (knots) o.temperature_knots_c = *knots;
          o.min_hours_per_bin = min_hours_per_bin;
          o.occupancy_threshold = occupancy_threshold;
          o.sufficiency = sufficiency_options(min_days, min_day_coverage, min_month_coverage, off);
          py::gil_scoped_release nogil;
          return fit_towt(d, t, o);
        },
        py::arg("energy"), py::arg("temperature_c"), py::arg("utc_offset_minutes") = 0, py::arg("monthly_segments") = true,
        py::arg("temperature_knots_c") = std::nullopt, py::arg("min_hours_per_bin") = 20, py::arg("occupancy_threshold") = 0.65,
        py::arg("min_days") = 365.0, py::arg("min_day_coverage") = 0.9, py::arg("min_month_coverage") = 0.9,
        "Fits the time-of-week-and-temperature model to hourly energy (kWh) and temperature (deg C); "
        "InputError at /baseline when the data is not sufficient (CalTRACK).");

  py::class_<ChangePointModel>(m, "ChangePointModel", "A fitted change-point model (2P, 3PH, 3PC, 4P, 5P)")
      .def_property_readonly("kind", [](const ChangePointModel& c) { return std::string(to_string(c.kind)); })
      .def_readonly("b0", &ChangePointModel::b0)
      .def_readonly("b1", &ChangePointModel::b1)
      .def_readonly("b2", &ChangePointModel::b2)
      .def_readonly("cp1_c", &ChangePointModel::cp1_c)
      .def_readonly("cp2_c", &ChangePointModel::cp2_c)
      .def_property_readonly("fit", [](const ChangePointModel& c) { return c.fit; })
      .def("predict", &ChangePointModel::predict, py::arg("x_c"), "Energy per day at mean temperatures x.");
  auto cp_options = [](const std::string& granularity, double q, double step) {
    ChangePointOptions o;
    o.granularity = granularity_from_string(granularity);
    o.search_quantile = q;
    o.search_step_c = step;
    return o;
  };
  m.def("fit_change_point",
        [cp_options](const Eigen::VectorXd& x, const Eigen::VectorXd& y, const std::string& kind, std::optional<Eigen::VectorXd> w,
                     const std::string& granularity, double q, double step) {
          return fit_change_point(x, y, change_point_kind_from_string(kind), cp_options(granularity, q, step), w ? *w : Eigen::VectorXd());
        },
        py::arg("x_c"), py::arg("y"), py::arg("kind"), py::arg("weights") = std::nullopt, py::arg("granularity") = "daily",
        py::arg("search_quantile") = 0.1, py::arg("search_step_c") = 0.25,
        "Fits a change-point model (kind 2P, 3PH, 3PC, 4P, 5P) by grid search of the change points and OLS.");
  m.def("fit_best_change_point",
        [cp_options](const Eigen::VectorXd& x, const Eigen::VectorXd& y, std::optional<Eigen::VectorXd> w, const std::string& granularity,
                     double q, double step) { return fit_best_change_point(x, y, cp_options(granularity, q, step), w ? *w : Eigen::VectorXd()); },
        py::arg("x_c"), py::arg("y"), py::arg("weights") = std::nullopt, py::arg("granularity") = "daily", py::arg("search_quantile") = 0.1,
        py::arg("search_step_c") = 0.25, "Every form fitted; the acceptable one with the least CV(RMSE).");
  m.def("_period_data",
        [](const IntervalData& d, const Eigen::VectorXd& t, const std::string& granularity, int off, double min_coverage) {
          const auto p = period_data(d, t, granularity_from_string(granularity), off, min_coverage);
          return py::make_tuple(p.start_unix_s, p.energy_per_day_kwh, p.mean_temperature_c, p.days, p.coverage);
        },
        py::arg("energy"), py::arg("temperature_c"), py::arg("granularity"), py::arg("utc_offset_minutes") = 0, py::arg("min_coverage") = 0.9);
  m.def("similar_day_baseline",
        [](const IntervalData& b, const Eigen::VectorXd& bt, const TimeGrid& g, const Eigen::VectorXd& t, int days, bool same_kind,
           double max_dt, int off) {
          SimilarDayOptions o;
          o.days = days;
          o.same_day_kind = same_kind;
          o.max_temperature_difference_c = max_dt;
          o.utc_offset_minutes = off;
          return similar_day_baseline(b, bt, g, t, o);
        },
        py::arg("baseline"), py::arg("baseline_temperature_c"), py::arg("grid"), py::arg("temperature_c"), py::arg("days") = 5,
        py::arg("same_day_kind") = true, py::arg("max_temperature_difference_c") = 3.0, py::arg("utc_offset_minutes") = 0,
        "Each day of grid as the mean of the k baseline days of its kind closest in mean temperature.");
  m.def("verify_savings",
        [](const GoodnessOfFit& fit, const Eigen::VectorXd& pred, const Eigen::VectorXd& met, double confidence, bool allow) {
          const auto s = verify_savings(fit, pred, met, {confidence, allow});
          py::dict d;
          d["status"] = s.status;
          d["model_acceptable"] = s.model_acceptable;
          d["m"] = s.m;
          d["adjusted_baseline_kwh"] = s.adjusted_baseline_kwh;
          d["metered_kwh"] = s.metered_kwh;
          d["avoided_kwh"] = s.avoided_kwh;
          d["savings_fraction"] = s.savings_fraction;
          d["n_effective"] = s.n_effective;
          d["t_value"] = s.t_value;
          d["fractional_uncertainty"] = s.fractional_uncertainty;
          d["uncertainty_kwh"] = s.uncertainty_kwh;
          d["confidence"] = s.confidence;
          d["enpi"] = s.enpi;
          return d;
        },
        py::arg("fit"), py::arg("predicted_kwh"), py::arg("metered_kwh"), py::arg("confidence") = 0.9, py::arg("allow_unacceptable") = false,
        "Avoided energy and its Guideline 14 fractional savings uncertainty (with the autocorrelation correction).");
  m.def("_savings_table",
        [](const TimeGrid& g, const Eigen::VectorXd& pred, const Eigen::VectorXd& met, const std::string& per, int off) {
          py::list rows;
          for (const auto& r : savings_table(g, pred, met, granularity_from_string(per), off)) {
            py::dict d;
            d["period"] = r.label;
            d["start_unix_s"] = r.start_unix_s;
            d["adjusted_baseline_kwh"] = r.adjusted_baseline_kwh;
            d["metered_kwh"] = r.metered_kwh;
            d["avoided_kwh"] = r.avoided_kwh;
            d["savings_fraction"] = r.savings_fraction;
            d["cumulative_avoided_kwh"] = r.cumulative_avoided_kwh;
            rows.append(d);
          }
          return rows;
        },
        py::arg("grid"), py::arg("predicted_kwh"), py::arg("metered_kwh"), py::arg("per") = "monthly", py::arg("utc_offset_minutes") = 0);

  // --- alarms (docs/alarms.md) ---------------------------------------------------------------
  py::class_<AlarmRules>(m, "AlarmRules", "A validated alarm rule set")
      .def_property_readonly("names", [](const AlarmRules& r) {
        std::vector<std::string> n;
        for (const auto& x : r.rules) n.push_back(x.name);
        return n;
      })
      .def_readonly("utc_offset_minutes", &AlarmRules::utc_offset_minutes)
      .def("__len__", [](const AlarmRules& r) { return r.rules.size(); });
  m.def("parse_alarm_rules",
        [](py::object rules, const std::vector<std::string>& known_points, const std::string& file) {
          return parse_alarm_rules(json_from_python(rules), file, known_points);
        },
        py::arg("rules"), py::arg("known_points") = std::vector<std::string>{}, py::arg("file") = "",
        "Validates a rule set given as a dict (the JSON format of docs/alarms.md); InputError names the JSON path.");
  m.def("load_alarm_rules", &load_alarm_rules, py::arg("path"), py::arg("known_points") = std::vector<std::string>{},
        "Reads and validates a rule file.");
  py::class_<AlarmEngine>(m, "AlarmEngine",
                          "Streaming alarm evaluation: push readings one at a time; events go to the sinks at once")
      .def(py::init([](const AlarmRules& rules, std::optional<py::function> locate) {
             AlarmEngineOptions o;
             if (locate) {
               auto ref = std::make_shared<PyRef>(*locate);
               o.locate = [ref](const AlarmEvent& e) { return py::cast<std::string>(ref->get()(event_dict(e))); };
             }
             return AlarmEngine(rules, o);
           }),
           py::arg("rules"), py::arg("locate") = std::nullopt,
           "locate(event dict) -> str gives the fault location of each raised alarm.")
      .def("add_sink", [](AlarmEngine& e, py::function f) {
             auto ref = std::make_shared<PyRef>(std::move(f));
             e.add_sink([ref](const AlarmEvent& ev) { ref->get()(event_dict(ev)); });
           }, py::arg("sink"), "A Python callable receiving each event as a dict.")
      .def("add_store_sink", [](AlarmEngine& e, store::Store& s, const std::string& tenant, bool with_point) {
             auto sink = std::make_shared<StoreAlarmSink>(s, tenant, with_point);
             e.add_sink([sink](const AlarmEvent& ev) { (*sink)(ev); });
           }, py::arg("store"), py::arg("tenant"), py::arg("with_point") = true, py::keep_alive<1, 2>(),
           "Writes the events to the store's alarm table (raised, updated, cleared, acknowledged).")
      .def("point_id", &AlarmEngine::point_id, py::arg("point"))
      .def_property_readonly("points", &AlarmEngine::points)
      .def("push", py::overload_cast<std::string_view, std::int64_t, double, store::Quality>(&AlarmEngine::push), py::arg("point"),
           py::arg("t_unix_s"), py::arg("value"), py::arg("quality") = store::Quality::good,
           "One reading; returns the number of events delivered.")
      .def("push_many", [](AlarmEngine& e, const std::string& point, const std::vector<std::int64_t>& t, const Eigen::VectorXd& v,
                           std::optional<std::vector<std::uint8_t>> q) {
             if (static_cast<Eigen::Index>(t.size()) != v.size()) throw InputError("", "value", "needs one value per time");
             if (q && q->size() != t.size()) throw InputError("", "quality", "needs one flag per time");
             const int id = e.point_id(point);
             int n = 0;
             if (id < 0) return n;
             for (std::size_t i = 0; i < t.size(); ++i)
               n += e.push(id, t[i], v[static_cast<Eigen::Index>(i)], q ? static_cast<store::Quality>((*q)[i]) : store::Quality::good);
             return n;
           }, py::arg("point"), py::arg("t_unix_s"), py::arg("value"), py::arg("quality") = std::nullopt,
           "Readings of one point in time order, pushed one at a time.")
      .def("advance", &AlarmEngine::advance, py::arg("t_unix_s"), "Moves the clock (no_data rules are checked).")
      .def("set_expected", &AlarmEngine::set_expected, py::arg("point"), py::arg("t_unix_s"), py::arg("expected"),
           "The baseline's expected value of an anomaly rule's point at a time.")
      .def("acknowledge", &AlarmEngine::acknowledge, py::arg("alarm_id"), py::arg("t_unix_s"), py::arg("who"))
      .def("active", [](const AlarmEngine& e) {
             py::list out;
             for (const auto& a : e.active()) {
               py::dict d;
               d["alarm_id"] = a.alarm_id;
               d["rule"] = a.rule;
               d["severity"] = std::string(to_string(a.severity));
               d["raised_unix_s"] = a.raised_unix_s;
               d["value"] = a.value;
               d["suppressed"] = a.suppressed;
               d["acknowledged"] = a.acknowledged;
               out.append(d);
             }
             return out;
           }, "Active alarms (dicts), by raise time.")
      .def("__len__", &AlarmEngine::rule_count);
  m.def("locate_deviation",
        [](const std::vector<std::tuple<std::string, std::string, IntervalData>>& window,
           const std::vector<std::tuple<std::string, std::string, IntervalData>>& reference, const std::string& meter) {
          const auto f = locate_deviation(tree_of(window), tree_of(reference), meter);
          py::dict d;
          d["path"] = f.path;
          d["branch"] = f.branch;
          d["deviation_kwh"] = f.deviation_kwh;
          d["parent_deviation_kwh"] = f.parent_deviation_kwh;
          d["share_explained"] = f.share_explained;
          return d;
        },
        py::arg("window"), py::arg("reference"), py::arg("meter"),
        "The branch of the meter tree (name, parent, IntervalData) that explains a parent's deviation.");

  // --- asset health (docs/assets.md) ---------------------------------------------------------
  m.def("operating_counters",
        [](const Eigen::VectorXd& p, double step_hours, double on_threshold_kw, bool initially_on) {
          const auto c = operating_counters(p, step_hours, on_threshold_kw, initially_on);
          py::dict d;
          d["run_hours"] = c.run_hours;
          d["starts"] = c.starts;
          d["energy_throughput_kwh"] = c.energy_throughput_kwh;
          d["energy_out_kwh"] = c.energy_out_kwh;
          d["energy_in_kwh"] = c.energy_in_kwh;
          return d;
        },
        py::arg("power_kw"), py::arg("step_hours"), py::arg("on_threshold_kw") = 0.0, py::arg("initially_on") = false,
        "Run hours, starts and energy throughput of a power series (a device flow of a dispatch or loop result, or a meter).");
  py::class_<MaintenanceRule>(m, "MaintenanceRule", "Maintenance every N run hours, starts or months, whichever comes first")
      .def(py::init([](const std::string& name, const std::string& kind, double h, std::int64_t starts, int months) {
             return MaintenanceRule{name, kind, h, starts, months};
           }),
           py::arg("name"), py::arg("kind") = "inspection", py::arg("every_run_hours") = 0.0, py::arg("every_starts") = 0,
           py::arg("every_months") = 0)
      .def_readonly("name", &MaintenanceRule::name)
      .def_readonly("kind", &MaintenanceRule::kind);
  m.def("maintenance_due",
        [](const store::Store& s, const std::string& asset, const TimeGrid& past_grid, const Eigen::VectorXd& past_kw,
           const TimeGrid& plan_grid, const Eigen::VectorXd& plan_kw, const std::vector<MaintenanceRule>& rules, std::int64_t now,
           double on_threshold_kw, int off) {
          MaintenanceOptions o;
          o.on_threshold_kw = on_threshold_kw;
          o.utc_offset_minutes = off;
          py::list out;
          for (const auto& d : maintenance_due(s, asset, {past_grid, past_kw}, {plan_grid, plan_kw}, rules, now, o)) {
            py::dict x;
            x["rule"] = d.rule;
            x["kind"] = d.kind;
            x["last_done_unix_s"] = d.last_done_unix_s;
            x["run_hours_since"] = d.run_hours_since;
            x["starts_since"] = d.starts_since;
            x["due_unix_s"] = d.due_unix_s;
            x["due_by"] = d.due_by;
            x["overdue"] = d.overdue;
            x["beyond_plan"] = d.beyond_plan;
            out.append(x);
          }
          return out;
        },
        py::arg("store"), py::arg("asset"), py::arg("past_grid"), py::arg("past_kw"), py::arg("plan_grid"), py::arg("plan_kw"),
        py::arg("rules"), py::arg("now_unix_s"), py::arg("on_threshold_kw") = 0.0, py::arg("utc_offset_minutes") = 0,
        "When each rule falls due for an asset of the store's ledger, under the planned operation.");
  m.def("rainflow",
        [](const Eigen::VectorXd& x) {
          const auto c = rainflow(x);
          const auto n = static_cast<Eigen::Index>(c.size());
          Eigen::VectorXd range(n), mean(n), count(n);
          std::vector<std::int64_t> start, end;
          for (Eigen::Index i = 0; i < n; ++i) {
            const auto& r = c[static_cast<std::size_t>(i)];
            range[i] = r.range;
            mean[i] = r.mean;
            count[i] = r.count;
            start.push_back(r.start);
            end.push_back(r.end);
          }
          py::dict d;
          d["range"] = range;
          d["mean"] = mean;
          d["count"] = count;
          d["start"] = start;
          d["end"] = end;
          return d;
        },
        py::arg("series"), "ASTM E1049-85 rainflow counting: a dict of arrays range, mean, count (1 or 0.5), start, end.");
  py::class_<DegradationModel>(m, "DegradationModel", "Cycle-plus-calendar ageing of Xu et al. 2018 (docs/assets.md)")
      .def(py::init<>())
      .def_readwrite("k_delta1", &DegradationModel::k_delta1)
      .def_readwrite("k_delta2", &DegradationModel::k_delta2)
      .def_readwrite("k_delta3", &DegradationModel::k_delta3)
      .def_readwrite("k_sigma", &DegradationModel::k_sigma)
      .def_readwrite("sigma_ref", &DegradationModel::sigma_ref)
      .def_readwrite("k_temperature", &DegradationModel::k_temperature)
      .def_readwrite("temperature_ref_c", &DegradationModel::temperature_ref_c)
      .def_readwrite("k_time_per_s", &DegradationModel::k_time_per_s)
      .def_readwrite("alpha_sei", &DegradationModel::alpha_sei)
      .def_readwrite("k_sei", &DegradationModel::k_sei)
      .def_readwrite("end_of_life_loss", &DegradationModel::end_of_life_loss);
  m.def("battery_degradation",
        [](const Eigen::VectorXd& soc, double step_hours, double temperature_c, const DegradationModel& model) {
          const auto d = battery_degradation(soc, step_hours, temperature_c, model);
          py::dict x;
          x["cycle_stress"] = d.cycle_stress;
          x["calendar_stress"] = d.calendar_stress;
          x["capacity_loss"] = d.capacity_loss;
          x["state_of_health"] = d.state_of_health;
          x["equivalent_full_cycles"] = d.equivalent_full_cycles;
          x["cycles_counted"] = d.cycles_counted;
          return x;
        },
        py::arg("soc"), py::arg("step_hours"), py::arg("temperature_c") = 25.0, py::arg("model") = DegradationModel{},
        "Capacity loss and state of health from a state-of-charge series (fractions).");
  m.def("state_of_health_over_time", &state_of_health_over_time, py::arg("soc"), py::arg("step_hours"), py::arg("periods"),
        py::arg("temperature_c") = 25.0, py::arg("model") = DegradationModel{},
        "State of health at the end of each of `periods` equal parts of the series.");
  m.def("start_wear",
        [](const Eigen::VectorXd& p, double step_hours, double life_cost, double cold, double hot, double hot_max_off_h,
           double on_threshold_kw, bool initially_hot) {
          StartWear w;
          w.life_cost = life_cost;
          w.cold_start_life_share = cold;
          w.hot_start_life_share = hot;
          w.hot_standby_max_off_hours = hot_max_off_h;
          const auto s = start_wear(p, step_hours, w, on_threshold_kw, initially_hot);
          py::dict d;
          d["cold_starts"] = s.cold_starts;
          d["hot_starts"] = s.hot_starts;
          d["life_used_share"] = s.life_used_share;
          d["cost"] = s.cost;
          return d;
        },
        py::arg("power_kw"), py::arg("step_hours"), py::arg("life_cost") = 0.0, py::arg("cold_start_life_share") = 0.008,
        py::arg("hot_start_life_share") = 0.0005, py::arg("hot_standby_max_off_hours") = 4.0, py::arg("on_threshold_kw") = 0.0,
        py::arg("initially_hot") = false, "CHP starts classified cold or hot (from standby) and what they cost.");
}

}  // namespace ehub::python
