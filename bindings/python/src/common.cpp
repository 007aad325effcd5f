// Helpers shared by the binding files: JSON values to and from Python (bindings.hpp).
#include <cstdint>
#include <string>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"

namespace ehub::python {

namespace {

// `depth` counts the containers around `o`; beyond io::kMaxJsonDepth (a list that contains itself
// gets there too) the conversion stops with an InputError instead of recursing on.
nlohmann::json convert(const py::handle& o, std::size_t depth, const std::string& where) {
  if (o.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
  if (py::isinstance<py::int_>(o)) {
    // Python ints are unbounded: JSON numbers here are 64-bit integers (or doubles).
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(o.ptr(), &overflow);
    if (overflow == 0) {
      if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
      return static_cast<std::int64_t>(v);
    }
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(o.ptr());
      if (!PyErr_Occurred()) return static_cast<std::uint64_t>(u);
      PyErr_Clear();
    }
    throw InputError("<python>", where,
                     "integer " + py::str(o).cast<std::string>().substr(0, 40) + " does not fit in 64 bits");
  }
  if (py::isinstance<py::float_>(o)) return o.cast<double>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  const bool container = py::isinstance<py::dict>(o) || py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o);
  if (container && depth >= io::kMaxJsonDepth)
    throw InputError("<python>", where.empty() ? "/" : where,
                     "nested deeper than " + std::to_string(io::kMaxJsonDepth) +
                         " levels (or a list or dict that contains itself)");
  if (py::isinstance<py::dict>(o)) {
    nlohmann::json j = nlohmann::json::object();
    for (auto [k, v] : o.cast<py::dict>()) {
      const std::string key = py::str(k).cast<std::string>();
      j[key] = convert(v, depth + 1, where + "/" + io::escape_json_pointer_token(key));
    }
    return j;
  }
  if (py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o)) {
    nlohmann::json j = nlohmann::json::array();
    std::size_t i = 0;
    for (auto v : o) j.push_back(convert(v, depth + 1, where + "/" + std::to_string(i++)));
    return j;
  }
  if (py::hasattr(o, "tolist")) return convert(o.attr("tolist")(), depth, where);  // numpy arrays and scalars
  std::string what = "cannot convert a ";
  what += py::str(py::type::of(o).attr("__name__")).cast<std::string>();
  what += " to JSON";
  throw InputError("<python>", where, what);
}

}  // namespace

nlohmann::json json_from_python(const py::handle& o) { return convert(o, 0, ""); }

py::object json_to_python(const nlohmann::json& j) {
  // json.loads looked up on every call, not cached in a static: a py::object destroyed after the
  // interpreter's shutdown would crash.
  return py::module_::import("json").attr("loads")(j.dump());
}

}  // namespace ehub::python
