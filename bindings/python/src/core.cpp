// Bindings of ehub.core: TimeGrid, Series and the ISO-8601 helpers.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::python {

void bind_core(py::module_& m) {
  m.def("parse_iso8601", &parse_iso8601, py::arg("text"), py::arg("default_offset_minutes") = 0,
        "Parse an ISO-8601 timestamp to unix seconds (UTC); naive timestamps are read at the given offset.");
  m.def("format_iso8601", &format_iso8601, py::arg("unix_s"), py::arg("utc_offset_minutes") = 0,
        "Format unix seconds as ISO-8601 at the given UTC offset in minutes.");

  py::class_<LocalTime>(m, "LocalTime", "Calendar fields of an instant at a fixed UTC offset.")
      .def_readonly("year", &LocalTime::year)
      .def_readonly("month", &LocalTime::month)
      .def_readonly("day", &LocalTime::day)
      .def_readonly("hour", &LocalTime::hour)
      .def_readonly("minute", &LocalTime::minute)
      .def_readonly("second", &LocalTime::second)
      .def_readonly("weekday", &LocalTime::weekday, "0 = Monday ... 6 = Sunday")
      .def_readonly("day_of_year", &LocalTime::day_of_year);
  m.def("to_local", &to_local, py::arg("unix_s"), py::arg("utc_offset_minutes"),
        "Calendar fields of unix_s at utc_offset_minutes east of UTC.");

  py::class_<TimeGrid>(m, "TimeGrid", "A regular UTC time axis: count steps of step_minutes (5, 15, 30, 60).")
      .def(py::init<std::int64_t, int, std::int64_t>(), py::arg("start_unix_s"), py::arg("step_minutes"),
           py::arg("count"))
      .def_static("from_iso", &TimeGrid::from_iso, py::arg("start_iso"), py::arg("step_minutes"), py::arg("count"),
                  "Grid starting at an ISO-8601 timestamp.")
      .def_property_readonly("start_unix_s", &TimeGrid::start_unix_s)
      .def_property_readonly("step_minutes", &TimeGrid::step_minutes)
      .def_property_readonly("step_hours", &TimeGrid::step_hours)
      .def_property_readonly("end_unix_s", &TimeGrid::end_unix_s)
      .def("__len__", &TimeGrid::size)
      .def("time_unix_s", &TimeGrid::time_unix_s, py::arg("i"), "Start of step i, unix seconds.")
      .def("time_iso", &TimeGrid::time_iso, py::arg("i"), py::arg("utc_offset_minutes") = 0,
           "Start of step i as ISO-8601.")
      .def("index_of", &TimeGrid::index_of, py::arg("unix_s"), "Index of the step starting at unix_s, or None.")
      .def("slice", &TimeGrid::slice, py::arg("first"), py::arg("count"))
      .def("with_step", &TimeGrid::with_step, py::arg("step_minutes"))
      .def("times_unix_s",
           [](const TimeGrid& g) {
             std::vector<std::int64_t> t(static_cast<std::size_t>(g.size()));
             for (std::size_t i = 0; i < t.size(); ++i) t[i] = g.time_unix_s(static_cast<std::int64_t>(i));
             return adopt(std::move(t));
           },
           "Start of every step as an int64 numpy array of unix seconds.")
      .def(py::self == py::self)
      .def("__repr__", [](const TimeGrid& g) {
        return "TimeGrid(" + g.time_iso(0) + ", " + std::to_string(g.step_minutes()) + " min, " +
               std::to_string(g.size()) + " steps)";
      })
      .def(py::pickle(
          [](const TimeGrid& g) { return py::make_tuple(g.start_unix_s(), g.step_minutes(), g.size()); },
          [](const py::tuple& t) {
            return TimeGrid(t[0].cast<std::int64_t>(), t[1].cast<int>(), t[2].cast<std::int64_t>());
          }));

  bind_enum(m, "SeriesKind", "How a series behaves when its step changes.", kSeriesKindNames);

  py::class_<Series>(m, "Series", "Values aligned to a TimeGrid (power averaged, energy summed on resampling).")
      .def(py::init<TimeGrid, Eigen::VectorXd, SeriesKind, std::string>(), py::arg("grid"), py::arg("values"),
           py::arg("kind") = SeriesKind::power, py::arg("name") = "")
      .def_property_readonly("grid", &Series::grid)
      .def_property_readonly(
          "values",
          [](const py::object& self) {
            const Eigen::VectorXd& v = self.cast<const Series&>().values();
            return view(v.data(), static_cast<std::size_t>(v.size()), self);
          },
          "The values as a read-only numpy array viewing the Series' memory (no copy).")
      .def_property_readonly("kind", &Series::kind)
      .def_property_readonly("name", &Series::name)
      .def("__len__", &Series::size)
      .def("resample", &Series::resample, py::arg("step_minutes"))
      .def("slice", &Series::slice, py::arg("start_unix_s"), py::arg("end_unix_s"))
      .def("total_kwh", &Series::total_kwh);

  // For tests and docs/python.md: where an array argument of type InArray (the physics functions'
  // arrays, Model.add_rows, Builder.add_rows, ...) reads its values from. Equal to the caller's
  // buffer address when no copy was made.
  m.def(
      "_input_address", [](const InArray& a) { return reinterpret_cast<std::uintptr_t>(a.data()); },
      py::arg("values"), "Address the bindings read a float64 array argument from (equal to the input's when not copied).");
}

}  // namespace ehub::python
