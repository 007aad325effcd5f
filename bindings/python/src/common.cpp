// Helpers shared by the binding files: JSON values to and from Python (bindings.hpp).
#include <cstdint>
#include <string>

#include "bindings.hpp"
#include "ehub/core/error.hpp"

namespace ehub::python {

nlohmann::json json_from_python(const py::handle& o) {
  if (o.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
  if (py::isinstance<py::int_>(o)) return o.cast<std::int64_t>();
  if (py::isinstance<py::float_>(o)) return o.cast<double>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  if (py::isinstance<py::dict>(o)) {
    nlohmann::json j = nlohmann::json::object();
    for (auto [k, v] : o.cast<py::dict>()) j[py::str(k).cast<std::string>()] = json_from_python(v);
    return j;
  }
  if (py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o)) {
    nlohmann::json j = nlohmann::json::array();
    for (auto v : o) j.push_back(json_from_python(v));
    return j;
  }
  if (py::hasattr(o, "tolist")) return json_from_python(o.attr("tolist")());  // numpy arrays and scalars
  std::string what = "cannot convert a ";
  what += py::str(py::type::of(o).attr("__name__")).cast<std::string>();
  what += " to JSON";
  throw InputError("<python>", "", what);
}

py::object json_to_python(const nlohmann::json& j) {
  // json.loads looked up on every call, not cached in a static: a py::object destroyed after the
  // interpreter's shutdown would crash.
  return py::module_::import("json").attr("loads")(j.dump());
}

}  // namespace ehub::python
