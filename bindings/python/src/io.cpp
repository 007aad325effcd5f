// Bindings of ehub.io: time-series CSV, JSON files (as Python objects) and HDF5 series files.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"

namespace ehub::python {
namespace {

io::CsvOptions csv_options(const std::string& time_column, const std::string& delimiter,
                           int default_utc_offset_minutes, const std::string& missing,
                           const std::string& timestamps) {
  io::CsvOptions o;
  o.time_column = time_column;
  if (delimiter.size() != 1) throw InputError("", "delimiter", "must be one character, got \"" + delimiter + "\"");
  o.delimiter = delimiter[0];
  o.default_utc_offset_minutes = default_utc_offset_minutes;
  if (missing == "report") o.missing_policy = io::MissingPolicy::report;
  else if (missing == "error") o.missing_policy = io::MissingPolicy::error;
  else throw InputError("", "missing", "must be \"report\" or \"error\", got \"" + missing + "\"");
  if (timestamps == "auto") o.timestamp_format = io::TimestampFormat::auto_detect;
  else if (timestamps == "iso8601") o.timestamp_format = io::TimestampFormat::iso8601;
  else if (timestamps == "unix") o.timestamp_format = io::TimestampFormat::unix_seconds;
  else throw InputError("", "timestamps", "must be \"auto\", \"iso8601\" or \"unix\", got \"" + timestamps + "\"");
  return o;
}

}  // namespace

void bind_io(py::module_& m) {
  py::class_<io::MissingValue>(m, "MissingValue", "A missing value found in a CSV file.")
      .def_readonly("column", &io::MissingValue::column)
      .def_readonly("line", &io::MissingValue::line)
      .def_readonly("raw_text", &io::MissingValue::raw_text)
      .def("__repr__", [](const io::MissingValue& v) {
        return "MissingValue(column='" + v.column + "', line=" + std::to_string(v.line) + ", raw_text='" +
               v.raw_text + "')";
      });

  py::class_<io::CsvSeriesTable>(m, "CsvSeriesTable", "Timestamps and value columns read from a CSV file.")
      .def_readonly("source", &io::CsvSeriesTable::source)
      .def_readonly("columns", &io::CsvSeriesTable::columns)
      .def_readonly("missing", &io::CsvSeriesTable::missing)
      .def_property_readonly("time_unix_s",
                             [](const py::object& self) {
                               return view(self.cast<const io::CsvSeriesTable&>().time_unix_s, self);
                             },
                             "Row time stamps, unix seconds (a read-only view of the table, no copy).")
      .def(
          "column",
          [](const py::object& self, std::string_view c) {
            const auto& t = self.cast<const io::CsvSeriesTable&>();
            const Eigen::VectorXd& v = t.values[t.column_index(c)];
            return view(v.data(), static_cast<std::size_t>(v.size()), self);
          },
          py::arg("name"),
          "Values of one column as a numpy array (NaN where missing): a read-only view of the table, no copy.")
      .def("grid", &io::CsvSeriesTable::grid, "The regular TimeGrid of the rows, or None.")
      .def("series", &io::CsvSeriesTable::series, py::arg("column"), py::arg("kind") = SeriesKind::power,
           "One column as a Series on grid().")
      .def("__len__", &io::CsvSeriesTable::rows);

  m.def(
      "read_timeseries_csv",
      [](const std::string& path, const std::string& time_column, const std::string& delimiter,
         int default_utc_offset_minutes, const std::string& missing, const std::string& timestamps) {
        return io::read_timeseries_csv(
            path, csv_options(time_column, delimiter, default_utc_offset_minutes, missing, timestamps));
      },
      py::arg("path"), py::arg("time_column") = "", py::arg("delimiter") = ",",
      py::arg("default_utc_offset_minutes") = 0, py::arg("missing") = "report", py::arg("timestamps") = "auto",
      "Read a time-series CSV (header row; ISO-8601 or unix-second timestamps). Missing values and sentinels "
      "(-999, -9999, -9900) become NaN and are listed in .missing (missing='error' raises instead).");
  m.def("write_series_h5", &io::write_series_h5, py::arg("path"), py::arg("series"),
        "Write {name: Series} sharing one grid to HDF5 (/time plus one dataset each), atomically.");
  m.def("read_series_h5", &io::read_series_h5, py::arg("path"),
        "Read {name: Series} written by write_series_h5; a bad or truncated file raises InputError.");
  py::class_<io::H5Reader>(m, "H5Reader", "Read-only access to an HDF5 file's groups, datasets and attributes.")
      .def(py::init<std::string>(), py::arg("path"))
      .def("list", &io::H5Reader::list, py::arg("group_path") = "/")
      .def("has", &io::H5Reader::has, py::arg("object_path"))
      .def("read_vector", &io::H5Reader::read_vector, py::arg("dataset_path"))
      .def("read_vector_int64",
           [](const io::H5Reader& r, const std::string& p) {
             return adopt(r.read_vector_int64(p));
           },
           py::arg("dataset_path"))
      .def("string_attribute", &io::H5Reader::string_attribute, py::arg("object_path"), py::arg("name"))
      .def("double_attribute", &io::H5Reader::double_attribute, py::arg("object_path"), py::arg("name"));
  m.def("load_json_file", [](const std::string& path) { return json_to_python(io::load_json_file(path)); },
        py::arg("path"), "Read a JSON file; malformed JSON raises InputError naming file, line and column.");
  m.def("parse_json", [](const std::string& text, const std::string& source) {
    return json_to_python(io::parse_json(text, source));
  }, py::arg("text"), py::arg("source_name") = "", "Parse JSON text; errors name source_name, line and column.");
}

}  // namespace ehub::python
