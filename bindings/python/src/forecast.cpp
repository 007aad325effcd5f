// Bindings of ehub.forecast: calendars and holidays, options, forecasters (built-in by name or a
// Python object with fit/predict), rolling-origin backtests, metrics, ridge and boosted trees.
// Histories cross as an ehub.core.Series target plus a dict of numpy arrays (exogenous columns on
// the target's grid, or on `exogenous_grid`); results come back as dicts of numpy arrays.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/forecast/forecast.hpp"
#include "ehub/io/json.hpp"

namespace ehub::python {
namespace {

namespace fc = ehub::forecast;
using Vec = Eigen::VectorXd;

nlohmann::json to_json(const py::handle& o) {
  if (o.is_none()) return nlohmann::json::object();
  const std::string text = py::module_::import("json").attr("dumps")(o).cast<std::string>();
  return ehub::io::parse_json(text, "<python>");
}

py::object from_json(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

std::int64_t instant(const py::handle& t, int offset_minutes) {
  if (py::isinstance<py::str>(t)) return parse_iso8601(t.cast<std::string>(), offset_minutes);
  return t.cast<std::int64_t>();
}

fc::History make_history(const Series& target, const std::optional<py::dict>& exogenous,
                         const std::optional<TimeGrid>& exogenous_grid) {
  fc::History h;
  h.target = target;
  if (exogenous && !exogenous->empty()) {
    fc::Exogenous ex(exogenous_grid ? *exogenous_grid : target.grid());
    for (auto [k, v] : *exogenous) ex.add(py::str(k).cast<std::string>(), v.cast<Vec>());
    h.exogenous = std::move(ex);
  }
  return h;
}

Vec times(const TimeGrid& g) {
  Vec t(g.size());
  for (std::int64_t i = 0; i < g.size(); ++i) t[i] = static_cast<double>(g.time_unix_s(i));
  return t;
}

// The forecast's Eigen vectors and matrices are moved into the arrays (pybind11 wraps an Eigen
// rvalue in a capsule that owns it): no values are copied.
py::dict forecast_dict(fc::Forecast&& f) {
  py::dict d;
  d["model"] = f.model;
  d["origin_unix_s"] = f.origin_unix_s;
  d["time_unix_s"] = times(f.grid);
  d["point"] = std::move(f.point);
  d["quantile_levels"] = f.quantile_levels;
  d["quantiles"] = std::move(f.quantiles);  // steps x levels, Fortran order (Eigen's column-major layout)
  return d;
}

// The cleaned input handed to a Python model, as numpy arrays. These are copies: the ModelInput
// lives only during the call, and a model may keep what it is given (e.g. in fit).
py::dict input_dict(const fc::ModelInput& in) {
  py::dict d;
  d["time_unix_s"] = times(in.grid);
  d["target"] = in.target;
  Eigen::Array<bool, Eigen::Dynamic, 1> obs(static_cast<Eigen::Index>(in.observed.size()));
  for (std::size_t i = 0; i < in.observed.size(); ++i) obs[static_cast<Eigen::Index>(i)] = in.observed[i] != 0;
  d["observed"] = obs;
  py::dict ex;
  for (const auto& n : in.exogenous.names()) ex[py::str(n)] = in.exogenous.column(n);
  d["exogenous"] = ex;
  d["exogenous_time_unix_s"] = times(in.exogenous.grid());
  d["utc_offset_minutes"] = in.calendar.utc_offset_minutes;
  return d;
}

// A forecasting model written in Python: an object with name, fit(input) and
// predict(input, origin_unix_s, window_time_unix_s) (optional min_history_hours, exogenous,
// lower_bound, upper_bound attributes). See ehub.forecast.PythonModel.
struct PyModel {
  std::shared_ptr<PyRef> obj;
  std::string name() const {
    py::gil_scoped_acquire gil;
    return py::str(obj->get().attr("name")).cast<std::string>();
  }
  void fit(const fc::ModelInput& in, const fc::ForecastOptions&) {
    py::gil_scoped_acquire gil;
    obj->get().attr("fit")(input_dict(in));
  }
  Vec predict(const fc::ModelInput& in, std::int64_t origin, const TimeGrid& window) const {
    py::gil_scoped_acquire gil;
    py::object r = obj->get().attr("predict")(input_dict(in), origin, times(window));
    return r.cast<Vec>();
  }
  fc::Requirements requirements() const {
    py::gil_scoped_acquire gil;
    fc::Requirements r;
    const py::object& o = obj->get();
    if (py::hasattr(o, "min_history_hours"))
      r.min_history_s = static_cast<std::int64_t>(o.attr("min_history_hours").cast<double>() * 3600.0);
    if (py::hasattr(o, "exogenous")) r.exogenous = o.attr("exogenous").cast<std::vector<std::string>>();
    if (py::hasattr(o, "lower_bound")) r.lower_bound = o.attr("lower_bound").cast<double>();
    if (py::hasattr(o, "upper_bound")) r.upper_bound = o.attr("upper_bound").cast<double>();
    return r;
  }
};
static_assert(fc::ForecastModel<PyModel>);

fc::Forecaster as_forecaster(const py::handle& m, const fc::ForecastOptions& options) {
  if (py::isinstance<fc::Forecaster>(m)) return m.cast<fc::Forecaster>();
  if (py::isinstance<py::str>(m)) return fc::make_forecaster(m.cast<std::string>(), options);
  if (py::hasattr(m, "fit") && py::hasattr(m, "predict") && py::hasattr(m, "name"))
    return fc::Forecaster(PyModel{std::make_shared<PyRef>(py::reinterpret_borrow<py::object>(m))}, options);
  throw InputError("", "models", "each model must be a name, an ehub.forecast.Forecaster or an object with name, "
                                 "fit and predict");
}

py::dict metrics_dict(const fc::Metrics& m) { return from_json(m.to_json()).cast<py::dict>(); }

}  // namespace

void bind_forecast(py::module_& m) {
  py::enum_<fc::DayKind>(m, "DayKind").value("holiday", fc::DayKind::holiday).value("working", fc::DayKind::working);
  py::enum_<fc::DayGroup>(m, "DayGroup")
      .value("working", fc::DayGroup::working)
      .value("saturday", fc::DayGroup::saturday)
      .value("sunday_holiday", fc::DayGroup::sunday_holiday);

  py::class_<fc::HolidayCalendar>(m, "HolidayCalendar", "Dated public holidays and make-up working days.")
      .def(py::init<>())
      .def_static("china_2025", &fc::HolidayCalendar::china_2025, "Chinese holidays of 2025 (国办发明电〔2024〕12号).")
      .def_static("builtin", [](const std::string& n) { return fc::HolidayCalendar::builtin(n); }, py::arg("name"))
      .def_static("builtin_names", &fc::HolidayCalendar::builtin_names)
      .def_static("from_csv", &fc::HolidayCalendar::from_csv, py::arg("path"), "CSV with a header date,kind[,name].")
      .def_static("from_spec", &fc::HolidayCalendar::from_spec, py::arg("spec"), "A built-in name or a CSV path.")
      .def("add", &fc::HolidayCalendar::add, py::arg("year"), py::arg("month"), py::arg("day"),
           py::arg("kind") = fc::DayKind::holiday, py::arg("name") = "")
      .def("find",
           [](const fc::HolidayCalendar& c, int y, int mo, int d) -> py::object {
             const auto e = c.find(y, mo, d);
             if (!e) return py::none();
             return py::make_tuple(std::string(fc::to_string(e->kind)), e->name);
           },
           py::arg("year"), py::arg("month"), py::arg("day"), "(kind, name) of a date, or None.")
      .def_property_readonly("entries",
                             [](const fc::HolidayCalendar& c) {
                               py::list l;
                               for (const auto& e : c.entries()) {
                                 char buf[16];
                                 std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", e.year, e.month, e.day);
                                 l.append(py::make_tuple(std::string(buf), std::string(fc::to_string(e.kind)), e.name));
                               }
                               return l;
                             })
      .def("years", &fc::HolidayCalendar::years)
      .def_property_readonly("name", &fc::HolidayCalendar::name)
      .def("__len__", [](const fc::HolidayCalendar& c) { return c.entries().size(); });

  py::class_<fc::Calendar>(m, "Calendar", "A site's local clock (fixed UTC offset) and its holidays.")
      .def(py::init([](int utc_offset_minutes, const py::object& holidays) {
             fc::Calendar c;
             c.utc_offset_minutes = utc_offset_minutes;
             if (py::isinstance<py::str>(holidays)) c.holidays = fc::HolidayCalendar::from_spec(holidays.cast<std::string>());
             else if (!holidays.is_none()) c.holidays = holidays.cast<fc::HolidayCalendar>();
             c.validate();
             return c;
           }),
           py::arg("utc_offset_minutes") = 0, py::arg("holidays") = py::none())
      .def_readwrite("utc_offset_minutes", &fc::Calendar::utc_offset_minutes)
      .def_readwrite("holidays", &fc::Calendar::holidays)
      .def("local_midnight", &fc::Calendar::local_midnight, py::arg("unix_s"))
      .def("effective_weekday", &fc::Calendar::effective_weekday, py::arg("unix_s"))
      .def("day_group", &fc::Calendar::day_group, py::arg("unix_s"))
      .def("is_working_day", &fc::Calendar::is_working_day, py::arg("unix_s"))
      .def("is_holiday", &fc::Calendar::is_holiday, py::arg("unix_s"));

  py::class_<fc::Schedule>(m, "Schedule", "Daily origin hour, horizon and day-ahead window.")
      .def(py::init([](int origin_hour, int origin_minute, int horizon_steps, bool day_ahead) {
             fc::Schedule s{origin_hour, origin_minute, horizon_steps, day_ahead};
             s.validate();
             return s;
           }),
           py::arg("origin_hour") = 10, py::arg("origin_minute") = 0, py::arg("horizon_steps") = 24,
           py::arg("day_ahead") = true)
      .def_readwrite("origin_hour", &fc::Schedule::origin_hour)
      .def_readwrite("origin_minute", &fc::Schedule::origin_minute)
      .def_readwrite("horizon_steps", &fc::Schedule::horizon_steps)
      .def_readwrite("day_ahead", &fc::Schedule::day_ahead)
      .def("window", &fc::Schedule::window, py::arg("origin_unix_s"), py::arg("calendar"), py::arg("step_minutes"));

  py::class_<fc::CleaningOptions>(m, "CleaningOptions", "Documented cleaning steps (docs/forecasting.md).")
      .def(py::init<>())
      .def_readwrite("max_exogenous_gap_steps", &fc::CleaningOptions::max_exogenous_gap_steps)
      .def_readwrite("max_target_interpolation_steps", &fc::CleaningOptions::max_target_interpolation_steps)
      .def_readwrite("max_negative_irradiance_w_m2", &fc::CleaningOptions::max_negative_irradiance_w_m2)
      .def_readwrite("sentinels", &fc::CleaningOptions::sentinels)
      .def_readwrite("irradiance_columns", &fc::CleaningOptions::irradiance_columns);

  py::class_<fc::ForecastOptions>(m, "ForecastOptions", "Options shared by every model.")
      .def(py::init([](const fc::Calendar& calendar, const fc::Schedule& schedule, std::vector<double> levels,
                       int calibration_days, int non_negative, const fc::CleaningOptions& cleaning) {
             fc::ForecastOptions o;
             o.calendar = calendar;
             o.schedule = schedule;
             o.quantile_levels = std::move(levels);
             o.calibration_days = calibration_days;
             o.non_negative = non_negative;
             o.cleaning = cleaning;
             o.validate();
             return o;
           }),
           py::arg("calendar") = fc::Calendar{}, py::arg("schedule") = fc::Schedule{},
           py::arg("quantile_levels") = fc::ForecastOptions{}.quantile_levels, py::arg("calibration_days") = 28,
           py::arg("non_negative") = -1, py::arg("cleaning") = fc::CleaningOptions{})
      .def_readwrite("calendar", &fc::ForecastOptions::calendar)
      .def_readwrite("schedule", &fc::ForecastOptions::schedule)
      .def_readwrite("quantile_levels", &fc::ForecastOptions::quantile_levels)
      .def_readwrite("calibration_days", &fc::ForecastOptions::calibration_days)
      .def_readwrite("non_negative", &fc::ForecastOptions::non_negative)
      .def_readwrite("cleaning", &fc::ForecastOptions::cleaning)
      .def("validate", &fc::ForecastOptions::validate);

  py::class_<fc::Forecaster>(m, "Forecaster", "A forecasting model: fit on a history, predict a window.")
      .def(py::init([](const py::object& model, const fc::ForecastOptions& options) { return as_forecaster(model, options); }),
           py::arg("model"), py::arg("options") = fc::ForecastOptions{},
           "Wraps a Python model object (name, fit(input), predict(input, origin_unix_s, window_time_unix_s)) "
           "or makes a built-in model from its name.")
      .def_property_readonly("name", &fc::Forecaster::name)
      .def_property("options", &fc::Forecaster::options, &fc::Forecaster::set_options)
      .def_property_readonly("fitted", &fc::Forecaster::fitted)
      .def(
          "fit",
          [](fc::Forecaster& f, const Series& target, std::optional<py::dict> exogenous,
             std::optional<TimeGrid> exogenous_grid) -> fc::Forecaster& {
            const fc::History h = make_history(target, exogenous, exogenous_grid);
            py::gil_scoped_release release;
            return f.fit(h);
          },
          py::arg("target"), py::arg("exogenous") = py::none(), py::arg("exogenous_grid") = py::none(),
          py::return_value_policy::reference_internal,
          "Fits on every step of `target` (NaN: not measured); `exogenous`: {name: array} on the target's grid "
          "(or on `exogenous_grid`).")
      .def(
          "predict",
          [](const fc::Forecaster& f, const Series& target, const py::object& origin, std::optional<py::dict> exogenous,
             std::optional<TimeGrid> exogenous_grid, std::optional<TimeGrid> window) {
            const fc::History h = make_history(target, exogenous, exogenous_grid);
            const std::int64_t o = instant(origin, f.options().calendar.utc_offset_minutes);
            fc::Forecast r;
            {
              py::gil_scoped_release release;
              r = window ? f.predict(h, o, *window) : f.predict(h, o);
            }
            return forecast_dict(std::move(r));
          },
          py::arg("target"), py::arg("origin"), py::arg("exogenous") = py::none(), py::arg("exogenous_grid") = py::none(),
          py::arg("window") = py::none(),
          "Forecast from `origin` (unix s or ISO-8601): only target steps ended by the origin are read. Returns "
          "{model, origin_unix_s, time_unix_s, point, quantile_levels, quantiles}.")
      .def_property_readonly("requirements",
                             [](const fc::Forecaster& f) {
                               const fc::Requirements r = f.requirements();
                               py::dict d;
                               d["min_history_hours"] = static_cast<double>(r.min_history_s) / 3600.0;
                               d["exogenous"] = r.exogenous;
                               d["lower_bound"] = r.lower_bound;
                               d["upper_bound"] = r.upper_bound;
                               return d;
                             })
      .def_property_readonly("fit_summary",
                             [](const fc::Forecaster& f) {
                               const fc::FitSummary& s = f.fit_summary();
                               py::dict d;
                               d["rows"] = s.rows;
                               d["observed"] = s.observed;
                               d["calibration_origins"] = s.calibration_origins;
                               d["target_missing"] = s.cleaning.target_missing;
                               d["target_interpolated"] = s.cleaning.target_interpolated;
                               d["target_seasonal"] = s.cleaning.target_seasonal;
                               d["exogenous_interpolated"] = s.cleaning.exogenous_interpolated;
                               d["irradiance_clipped"] = s.cleaning.irradiance_clipped;
                               d["seconds"] = s.seconds;
                               return d;
                             })
      .def_property_readonly("feature_names",
                             [](const fc::Forecaster& f) -> std::vector<std::string> {
                               if (const auto* r = f.get<fc::RidgeForecaster>()) return r->feature_names();
                               if (const auto* g = f.get<fc::GbrtForecaster>()) return g->feature_names();
                               return {};
                             })
      .def("__repr__", [](const fc::Forecaster& f) {
        return std::string("<ehub.forecast.Forecaster ") + f.name() + (f.fitted() ? " fitted>" : ">");
      });

  m.def(
      "make_forecaster",
      [](const std::string& name, const fc::ForecastOptions& options, const py::object& model_options) {
        return fc::make_forecaster(name, options, to_json(model_options));
      },
      py::arg("name"), py::arg("options") = fc::ForecastOptions{}, py::arg("model_options") = py::none(),
      "A registered model by name; model_options is a dict (JSON-like) of the model's options.");
  m.def(
      "list_forecasters",
      [] {
        py::list l;
        for (const auto& i : fc::list_forecasters()) {
          py::dict d;
          d["name"] = i.name;
          d["description"] = i.description;
          d["needs_weather"] = i.needs_weather;
          d["needs_plant"] = i.needs_plant;
          l.append(d);
        }
        return l;
      },
      "The registered models: [{name, description, needs_weather, needs_plant}].");

  py::enum_<fc::QuantileSource>(m, "QuantileSource")
      .value("online", fc::QuantileSource::online)
      .value("model", fc::QuantileSource::model);
  py::class_<fc::BacktestOptions>(m, "BacktestOptions", "Options of backtest().")
      .def(py::init<>())
      .def_readwrite("forecast", &fc::BacktestOptions::forecast)
      .def_readwrite("min_history_days", &fc::BacktestOptions::min_history_days)
      .def_readwrite("refit_every_days", &fc::BacktestOptions::refit_every_days)
      .def_readwrite("max_training_days", &fc::BacktestOptions::max_training_days)
      .def_readwrite("first_origin_unix_s", &fc::BacktestOptions::first_origin_unix_s)
      .def_readwrite("last_origin_unix_s", &fc::BacktestOptions::last_origin_unix_s)
      .def_readwrite("benchmark", &fc::BacktestOptions::benchmark)
      .def_readwrite("normaliser", &fc::BacktestOptions::normaliser)
      .def_readwrite("quantiles", &fc::BacktestOptions::quantiles)
      .def_readwrite("online_window_days", &fc::BacktestOptions::online_window_days)
      .def_readwrite("online_min_days", &fc::BacktestOptions::online_min_days)
      .def("validate", &fc::BacktestOptions::validate);

  m.def(
      "backtest",
      [](const Series& target, const py::list& models, std::optional<py::dict> exogenous,
         std::optional<TimeGrid> exogenous_grid, const fc::BacktestOptions& options) {
        const fc::History h = make_history(target, exogenous, exogenous_grid);
        std::vector<fc::Forecaster> ms;
        for (const auto& m : models) ms.push_back(as_forecaster(m, options.forecast));
        fc::BacktestResult r;
        {
          py::gil_scoped_release release;
          r = fc::backtest(h, std::move(ms), options);
        }
        py::dict d = from_json(r.summary()).cast<py::dict>();
        const std::string report = r.brief_report();  // before the matrices are moved out
        Vec o(static_cast<Eigen::Index>(r.origins.size())), w(o.size());
        for (std::size_t k = 0; k < r.origins.size(); ++k) {
          o[static_cast<Eigen::Index>(k)] = static_cast<double>(r.origins[k]);
          w[static_cast<Eigen::Index>(k)] = static_cast<double>(r.window_start_unix_s[k]);
        }
        d["origin_unix_s"] = std::move(o);
        d["window_start_unix_s"] = std::move(w);
        // Matrices are moved into the arrays (no copies).
        d["actual"] = std::move(r.actual);
        py::dict points, quantiles;
        for (auto& mb : r.models) {
          points[py::str(mb.model)] = std::move(mb.point);
          py::list ql;
          for (auto& q : mb.quantiles) ql.append(py::cast(std::move(q)));
          quantiles[py::str(mb.model)] = ql;
        }
        d["point"] = points;
        d["quantiles"] = quantiles;
        d["report"] = report;
        return d;
      },
      py::arg("target"), py::arg("models"), py::arg("exogenous") = py::none(), py::arg("exogenous_grid") = py::none(),
      py::arg("options") = fc::BacktestOptions{},
      "Rolling-origin backtest. models: names, Forecasters or Python model objects. Returns the summary "
      "({'models': {name: {mae, rmse, mape, nmae, bias, pinball, skill_vs_seasonal_naive, ...}}, ...}) plus "
      "origin_unix_s, window_start_unix_s, actual (origins x steps), point and quantiles per model, report.");

  m.def(
      "evaluate",
      [](const Vec& actual, const Vec& point, std::optional<Eigen::MatrixXd> quantiles, std::vector<double> levels,
         double normaliser, std::optional<Vec> reference) {
        return metrics_dict(fc::evaluate(actual, point, quantiles ? *quantiles : Eigen::MatrixXd(), levels, normaliser,
                                         reference ? *reference : Vec()));
      },
      py::arg("actual"), py::arg("point"), py::arg("quantiles") = py::none(),
      py::arg("levels") = std::vector<double>{}, py::arg("normaliser") = std::numeric_limits<double>::quiet_NaN(),
      py::arg("reference") = py::none(), "MAE, RMSE, bias, MAPE, nMAE, pinball and skill (dict).");
  m.def("pinball_loss", &fc::pinball_loss, py::arg("y"), py::arg("f"), py::arg("q"));

  m.def(
      "ridge_fit",
      [](const Eigen::MatrixXd& X, const Vec& y, double lambda, bool standardize, bool fit_intercept,
         std::optional<Vec> weights) {
        const fc::LinearModel r = fc::ridge_fit(X, y, lambda, standardize, fit_intercept, weights ? *weights : Vec());
        return py::make_tuple(r.coef, r.intercept);
      },
      py::arg("X"), py::arg("y"), py::arg("lambda_"), py::arg("standardize") = true, py::arg("fit_intercept") = true,
      py::arg("weights") = py::none(), "Ridge regression; returns (coef, intercept).");
  m.def(
      "huber_ridge_fit",
      [](const Eigen::MatrixXd& X, const Vec& y, double lambda, double huber_k, int iterations, bool standardize) {
        const fc::LinearModel r = fc::huber_ridge_fit(X, y, lambda, huber_k, iterations, standardize);
        return py::make_tuple(r.coef, r.intercept);
      },
      py::arg("X"), py::arg("y"), py::arg("lambda_"), py::arg("huber_k") = 1.345, py::arg("iterations") = 5,
      py::arg("standardize") = true, "Ridge with the Huber loss (IRLS); returns (coef, intercept).");

  py::class_<fc::GradientBoostedTrees>(m, "GradientBoostedTrees", "Histogram gradient boosting (squared loss).")
      .def(py::init([](int trees, double learning_rate, int max_depth, int min_samples_leaf, int max_bins,
                       double subsample, double l2, std::uint64_t seed) {
             return fc::GradientBoostedTrees(
                 fc::GbrtParams{trees, learning_rate, max_depth, min_samples_leaf, max_bins, subsample, l2, seed});
           }),
           py::arg("trees") = 300, py::arg("learning_rate") = 0.05, py::arg("max_depth") = 5,
           py::arg("min_samples_leaf") = 20, py::arg("max_bins") = 64, py::arg("subsample") = 0.8, py::arg("l2") = 1.0,
           py::arg("seed") = 1)
      .def(
          "fit",
          [](fc::GradientBoostedTrees& t, const Eigen::MatrixXd& X, const Vec& y) -> fc::GradientBoostedTrees& {
            py::gil_scoped_release release;
            t.fit(X, y);
            return t;
          },
          py::arg("X"), py::arg("y"), py::return_value_policy::reference_internal)
      .def("predict", py::overload_cast<const Eigen::MatrixXd&>(&fc::GradientBoostedTrees::predict, py::const_),
           py::arg("X"))
      .def_property_readonly("tree_count", &fc::GradientBoostedTrees::tree_count)
      .def_property_readonly("base_score", &fc::GradientBoostedTrees::base_score);
}

}  // namespace ehub::python
