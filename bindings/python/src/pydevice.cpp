// Device types written in Python: a registry factory that calls a Python class, a hub::Device that
// forwards formulate() to the Python object (taking the GIL, which dispatch released), and the
// model-building view (Builder) and series access (SeriesSource) handed to Python while they are
// valid. Python-side API: ehub.hub.Device and ehub.hub.register_device_type (hub.py).
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/hub/builder.hpp"
#include "ehub/hub/device.hpp"

namespace ehub::python {
namespace {

// Handles given to Python during one call only: they refuse use afterwards instead of touching a
// Builder or SeriesSource that no longer exists.
struct BuilderHandle {
  hub::Builder* b = nullptr;
  hub::Builder& get() const {
    if (b == nullptr)
      throw std::runtime_error("this Builder is only valid inside formulate(); keep the handles it returned, not it");
    return *b;
  }
};

struct SeriesHandle {
  const hub::SeriesSource* src = nullptr;
  const io::JsonReader* spec = nullptr;
  std::optional<InputError> last_error;  // a C++ error raised through this handle, to rethrow as it was
  void check() const {
    if (src == nullptr) throw std::runtime_error("this SeriesSource is only valid while the device is created");
  }
  template <class F>
  auto guarded(F&& f) -> decltype(f()) {
    check();
    try {
      return f();
    } catch (const InputError& e) {
      last_error = e;
      throw;
    }
  }
};

// An array argument read in place when it is C-contiguous float64 (InArray::ensure returns the
// caller's array itself); anything else is converted once. Callers pass span() of it to the Builder.
InArray to_array(const py::handle& a, std::int32_t steps, const std::string& what) {
  auto arr = InArray::ensure(a);
  if (!arr) throw InputError("", "", what + ": expected a number or an array of numbers");
  if (arr.ndim() != 1 || (steps >= 0 && arr.size() != steps))
    throw InputError("", "", what + ": expected one value per step (" + std::to_string(steps) + "), got shape " +
                                 std::to_string(arr.size()));
  return arr;
}

std::span<const double> span(const InArray& a) { return {a.data(), static_cast<std::size_t>(a.size())}; }

// A float (one value for every step) or one value per step.
InArray per_step(const py::object& v, std::int32_t steps, const std::string& what) {
  if (py::isinstance<py::float_>(v) || py::isinstance<py::int_>(v)) {
    InArray one(1);
    one.mutable_data()[0] = v.cast<double>();
    return one;
  }
  return to_array(v, steps, what);
}

lp::VarType var_type(const std::string& s) {
  if (s == "continuous") return lp::VarType::continuous;
  if (s == "integer") return lp::VarType::integer;
  if (s == "binary") return lp::VarType::binary;
  throw InputError("", "type", "must be \"continuous\", \"integer\" or \"binary\", got \"" + s + "\"");
}

SeriesKind series_kind(const py::object& k) {
  if (py::isinstance<py::str>(k)) {
    const auto s = k.cast<std::string>();
    if (s == "power") return SeriesKind::power;
    if (s == "energy") return SeriesKind::energy;
    if (s == "intensive") return SeriesKind::intensive;
    throw InputError("", "kind", "must be \"power\", \"energy\" or \"intensive\", got \"" + s + "\"");
  }
  return k.cast<SeriesKind>();
}


// Calls attribute `name` of `o` if it is callable, else returns it (ports may be a method or a list).
py::object value_or_call(const py::object& o, const char* name) {
  py::object a = o.attr(name);
  return PyCallable_Check(a.ptr()) ? a() : a;
}

// What a Python device answers to the capability queries, read (with the GIL) when it is created:
// optional methods or attributes storage() and unit() returning a dict of StorageInfo / UnitInfo
// fields (or None), forecast_inputs() a list of JSON keys.
struct PyCapabilities {
  std::optional<hub::StorageInfo> storage;
  std::optional<hub::UnitInfo> unit;
  std::vector<std::string> forecast_inputs;
};

PyCapabilities read_capabilities(const py::object& dev, const std::string& where) {
  PyCapabilities c;
  auto number = [&](const py::dict& d, const char* key, double def) {
    if (!d.contains(key)) return def;
    try {
      return d[key].cast<double>();
    } catch (const py::cast_error&) {
      throw InputError("", where + "/" + key, "expected a number");
    }
  };
  if (py::hasattr(dev, "storage")) {
    py::object o = value_or_call(dev, "storage");
    if (!o.is_none()) {
      if (!py::isinstance<py::dict>(o)) throw InputError("", where, "storage() must return a dict or None");
      const auto d = o.cast<py::dict>();
      hub::StorageInfo s;
      if (d.contains("carrier")) s.carrier = hub::carrier_from_string(py::str(d["carrier"]).cast<std::string>());
      if (!d.contains("port")) throw InputError("", where + "/port", "storage(): the port charge and discharge pass through is required");
      s.port = py::str(d["port"]).cast<std::string>();
      s.energy_kwh = number(d, "energy_kwh", 0.0);
      if (!(s.energy_kwh > 0)) throw InputError("", where + "/energy_kwh", "storage(): energy_kwh must be > 0");
      s.charge_kw = number(d, "charge_kw", s.energy_kwh);
      s.discharge_kw = number(d, "discharge_kw", s.energy_kwh);
      s.charge_efficiency = number(d, "charge_efficiency", 1.0);
      s.discharge_efficiency = number(d, "discharge_efficiency", 1.0);
      s.soc_min = number(d, "soc_min", 0.0);
      s.soc_max = number(d, "soc_max", 1.0);
      s.soc_initial = number(d, "soc_initial", std::clamp(0.5, s.soc_min, s.soc_max));
      s.soc_green_initial = number(d, "soc_green_initial", 0.0);
      s.standing_loss_per_h = number(d, "standing_loss_per_h", 0.0);
      if (d.contains("end_condition"))
        try {
          s.end_condition = hub::end_condition_from_string(py::str(d["end_condition"]).cast<std::string>());
        } catch (const InputError& e) {
          throw InputError("", where + "/end_condition", e.detail());
        }
      s.soc_end_min = number(d, "soc_end_min", s.soc_min);
      c.storage = s;
    }
  }
  if (py::hasattr(dev, "unit")) {
    py::object o = value_or_call(dev, "unit");
    if (!o.is_none()) {
      if (!py::isinstance<py::dict>(o)) throw InputError("", where, "unit() must return a dict or None");
      const auto d = o.cast<py::dict>();
      hub::UnitInfo u;
      u.capacity_kw = number(d, "capacity_kw", 0.0);
      u.min_load = number(d, "min_load", 0.0);
      u.min_up_h = number(d, "min_up_h", 0.0);
      u.min_down_h = number(d, "min_down_h", 0.0);
      u.electric_efficiency = number(d, "electric_efficiency", 0.0);
      u.thermal_efficiency = number(d, "thermal_efficiency", 0.0);
      u.initial_on = d.contains("initial_on") && py::bool_(d["initial_on"]);
      u.has_part_load_data = !d.contains("has_part_load_data") || py::bool_(d["has_part_load_data"]);
      c.unit = u;
    }
  }
  if (py::hasattr(dev, "forecast_inputs"))
    for (const py::handle& k : value_or_call(dev, "forecast_inputs")) c.forecast_inputs.push_back(py::str(k).cast<std::string>());
  return c;
}

// A DeviceState as the dict handed to a Python device's with_state(state): only the fields set.
py::dict state_dict(const hub::DeviceState& s) {
  py::dict d;
  if (s.soc) d["soc"] = *s.soc;
  if (s.soc_green) d["soc_green"] = *s.soc_green;
  if (s.end_condition) d["end_condition"] = std::string(hub::to_string(*s.end_condition));
  if (s.soc_end_min) d["soc_end_min"] = *s.soc_end_min;
  if (s.charge_efficiency_derate != 0) d["charge_efficiency_derate"] = s.charge_efficiency_derate;
  if (s.discharge_efficiency_derate != 0) d["discharge_efficiency_derate"] = s.discharge_efficiency_derate;
  if (s.on) d["on"] = *s.on;
  if (s.hours_in_state_h) d["hours_in_state_h"] = *s.hours_in_state_h;
  if (s.last_output_kw) d["last_output_kw"] = *s.last_output_kw;
  if (s.part_load_efficiency_ratio) d["part_load_efficiency_ratio"] = *s.part_load_efficiency_ratio;
  if (s.demand_peak_so_far_kw) d["demand_peak_so_far_kw"] = *s.demand_peak_so_far_kw;
  if (s.demand_charge_prorated) d["demand_charge_prorated"] = *s.demand_charge_prorated;
  if (s.demand_charge_off) d["demand_charge_off"] = true;
  return d;
}

// ---------------------------------------------------------------------------------------------
class PyDevice final : public hub::Device {
 public:
  PyDevice(std::string name, std::string type, std::shared_ptr<PyRef> obj, std::vector<hub::PortSpec> ports,
           bool renewable, PyCapabilities caps)
      : Device(std::move(name)), type_(std::move(type)), obj_(std::move(obj)), ports_(std::move(ports)),
        renewable_(renewable), caps_(std::move(caps)) {}
  // Queried from C++ without the GIL: answered from what was read when the device was created.
  std::string type() const override { return type_; }
  std::vector<hub::PortSpec> ports() const override { return ports_; }
  bool renewable() const override { return renewable_; }
  std::optional<hub::StorageInfo> storage() const override { return caps_.storage; }
  std::optional<hub::UnitInfo> unit() const override { return caps_.unit; }
  std::vector<std::string> forecast_inputs() const override { return caps_.forecast_inputs; }
  // The Python object's with_state(state_dict) -> a new device object (None or absent: no state).
  std::unique_ptr<hub::Device> with_state(const hub::DeviceState& state) const override {
    py::gil_scoped_acquire gil;
    const py::object& o = obj_->get();
    if (!py::hasattr(o, "with_state")) return nullptr;
    py::object next = o.attr("with_state")(state_dict(state));
    if (next.is_none()) return nullptr;
    const std::string where = "/devices/" + name();
    if (!py::hasattr(next, "formulate"))
      throw InputError("", where, "with_state() of type \"" + type_ + "\" must return a device object");
    return std::make_unique<PyDevice>(name(), type_, std::make_shared<PyRef>(next), ports_, renewable_,
                                      read_capabilities(next, where));
  }

  void formulate(hub::Builder& b) const override {
    py::gil_scoped_acquire gil;  // dispatch runs with the GIL released
    py::object handle = py::cast(BuilderHandle{&b});
    struct Invalidate {
      py::object& h;
      ~Invalidate() { h.cast<BuilderHandle&>().b = nullptr; }
    } invalidate{handle};
    obj_->get().attr("formulate")(handle);
  }
  const py::object& object() const { return obj_->get(); }

 private:
  std::string type_;
  std::shared_ptr<PyRef> obj_;
  std::vector<hub::PortSpec> ports_;
  bool renewable_;
  PyCapabilities caps_;
};

std::vector<hub::PortSpec> read_ports(const py::object& dev, const io::JsonReader& spec) {
  std::vector<hub::PortSpec> out;
  py::object ports = value_or_call(dev, "ports");
  for (const py::handle& p : ports) {
    std::string name, carrier, direction;
    if (py::isinstance<py::tuple>(p) || py::isinstance<py::list>(p)) {
      auto t = py::reinterpret_borrow<py::sequence>(p);
      if (t.size() != 3)
        throw InputError(spec.file(), spec.pointer(), "ports(): each port is (name, carrier, direction)");
      name = t[0].cast<std::string>();
      carrier = t[1].cast<std::string>();
      direction = t[2].cast<std::string>();
    } else {
      name = p.attr("name").cast<std::string>();
      carrier = py::str(p.attr("carrier")).cast<std::string>();
      direction = py::str(p.attr("direction")).cast<std::string>();
    }
    try {
      out.push_back({name, hub::carrier_from_string(carrier), hub::port_direction_from_string(direction)});
    } catch (const InputError& e) {
      throw InputError(spec.file(), spec.pointer(), "port \"" + name + "\": " + e.detail());
    }
  }
  if (out.empty()) throw InputError(spec.file(), spec.pointer(), "ports(): a device needs at least one port");
  return out;
}

// The registry factory of a Python device type: factory(name, spec_dict, series) -> device object.
hub::DeviceFactory python_factory(std::string type, std::shared_ptr<PyRef> factory) {
  return [type = std::move(type), factory = std::move(factory)](const std::string& name, const io::JsonReader& spec,
                                                                const hub::SeriesSource& series)
             -> std::unique_ptr<hub::Device> {
    py::gil_scoped_acquire gil;
    py::object handle = py::cast(SeriesHandle{&series, &spec, std::nullopt});
    auto& h = handle.cast<SeriesHandle&>();
    struct Invalidate {
      SeriesHandle& h;
      ~Invalidate() { h.src = nullptr, h.spec = nullptr; }
    } invalidate{h};
    py::object dev;
    try {
      dev = factory->get()(name, json_to_python(spec.json()), handle);
      if (dev.is_none()) throw InputError(spec.file(), spec.pointer(), "the factory of \"" + type + "\" returned None");
      if (!py::hasattr(dev, "formulate") || !py::hasattr(dev, "ports"))
        throw InputError(spec.file(), spec.pointer(),
                         "a device of type \"" + type + "\" needs ports() and formulate(builder)");
      auto ports = read_ports(dev, spec);
      const bool renewable = py::hasattr(dev, "renewable") && py::bool_(value_or_call(dev, "renewable"));
      PyCapabilities caps;
      try {
        caps = read_capabilities(dev, spec.pointer());
      } catch (const InputError& e) {
        throw InputError(spec.file(), e.path(), e.detail());
      }
      return std::make_unique<PyDevice>(name, type, std::make_shared<PyRef>(dev), std::move(ports), renewable,
                                        std::move(caps));
    } catch (py::error_already_set& e) {
      // Parameter errors become InputErrors naming the device's JSON path, like a built-in's:
      // a C++ error raised through series (get, error) exactly as it was; a Python ValueError
      // with its text; a KeyError as the missing key.
      if (h.last_error && e.matches(PyExc_ValueError)) throw InputError(*h.last_error);
      if (e.matches(PyExc_KeyError)) {
        py::object args = e.value().attr("args");
        const std::string key = py::len(args) > 0 ? py::str(args[py::int_(0)]).cast<std::string>() : "";
        throw spec.error_at(key, "required key is missing");
      }
      if (e.matches(PyExc_ValueError)) {
        std::string text = py::str(e.value()).cast<std::string>();
        if (text.rfind("[ehub.input] ", 0) == 0) text.erase(0, 13);  // an ehub error from another call
        throw InputError(spec.file(), spec.pointer(), text);
      }
      throw;
    }
  };
}

}  // namespace

void bind_pydevice(py::module_& m) {
  py::class_<BuilderHandle>(
      m, "Builder",
      "The model-building view handed to a Python device's formulate(b); valid only during that call.\n"
      "Variables are per-step blocks (lp.IndexRange); powers in kW (average over the step), energies in kWh.")
      .def_property_readonly("steps", [](const BuilderHandle& h) { return h.get().steps(); }, "Number of steps.")
      .def_property_readonly("dt_h", [](const BuilderHandle& h) { return h.get().dt_h(); }, "Step length, hours.")
      .def_property_readonly("grid", [](const BuilderHandle& h) { return h.get().grid(); }, "The horizon's TimeGrid.")
      .def_property_readonly("utc_offset_minutes", [](const BuilderHandle& h) { return h.get().utc_offset_minutes(); },
                             "Park local time, minutes east of UTC.")
      .def_property_readonly("relax_integers", [](const BuilderHandle& h) { return h.get().relax_integers(); },
                             "True when integer variables are created continuous (LP relaxation).")
      .def_property_readonly("device", [](const BuilderHandle& h) { return h.get().device(); },
                             "Name of the device being formulated.")
      .def_property_readonly(
          "model", [](const BuilderHandle& h) -> lp::Model& { return h.get().model(); },
          py::return_value_policy::reference,
          "The lp.Model being built (rows: add_row/add_rows). Do not keep it past formulate().")
      .def(
          "add_vars",
          [](const BuilderHandle& h, const std::string& name, const py::object& lb, const py::object& ub,
             const std::string& type, bool record) {
            auto& b = h.get();
            const auto lbs = per_step(lb, b.steps(), "add_vars lb");
            const auto ubs = per_step(ub, b.steps(), "add_vars ub");
            const double* lo = lbs.data();
            const double* hi = ubs.data();
            const lp::IndexRange r = b.add_vars(name, lbs.size() == 1 ? lo[0] : 0.0,
                                                ubs.size() == 1 ? hi[0] : lp::kInf, var_type(type), record);
            if (lbs.size() > 1 || ubs.size() > 1)
              for (std::int32_t t = 0; t < r.count; ++t)
                b.model().set_var_bounds(r[t], lbs.size() == 1 ? lo[0] : lo[t], ubs.size() == 1 ? hi[0] : hi[t]);
            return r;
          },
          py::arg("name"), py::arg("lb") = 0.0, py::arg("ub") = lp::kInf, py::arg("type") = "continuous",
          py::arg("record") = true,
          "One variable per step; lb/ub a float or one value per step; type continuous, integer or binary. "
          "If record, the block is reported as the state '<device>.<name>' in results.")
      .def(
          "mark_setpoint",
          [](const BuilderHandle& h, const std::string& name, const std::string& kind) {
            h.get().mark_setpoint(name, hub::setpoint_from_string(kind));
          },
          py::arg("name"), py::arg("kind"),
          "Mark the recorded state `name` of this device as a setpoint the operations twin follows: kind "
          "'commitment' (fixed), 'storage' (W per kWh of deviation), 'output' (2W), 'exchange' (4W), "
          "'curtailment' (8W) or 'available' (output follows its upper bound at 8W); docs/operations.md.")
      .def("add_scalar", [](const BuilderHandle& h, const std::string& name, double lb,
                            double ub) { return h.get().add_scalar(name, lb, ub); },
           py::arg("name"), py::arg("lb") = 0.0, py::arg("ub") = lp::kInf, "A single variable (not a state).")
      .def("add_port_flow",
           [](const BuilderHandle& h, const std::string& port, lp::IndexRange vars, double coef, bool shortfall) {
             h.get().add_port_flow(port, vars, coef, shortfall);
           },
           py::arg("port"), py::arg("vars"), py::arg("coef") = 1.0, py::arg("shortfall") = false,
           "flow(port)[t] += coef * x[vars[t]] (kW, positive into the bus).")
      .def("add_port_constant",
           [](const BuilderHandle& h, const std::string& port, const py::object& kw) {
             auto& b = h.get();
             const auto v = to_array(kw, b.steps(), "add_port_constant");
             b.add_port_constant(port, span(v));
           },
           py::arg("port"), py::arg("constant_kw"), "flow(port)[t] += constant_kw[t] (a fixed profile, kW).")
      .def("add_energy_cost",
           [](const BuilderHandle& h, const std::string& category, lp::IndexRange vars, const py::object& price) {
             auto& b = h.get();
             b.add_energy_cost(category, vars, span(per_step(price, vars.count, "add_energy_cost price_per_kwh")));
           },
           py::arg("category"), py::arg("vars"), py::arg("price_per_kwh"),
           "Objective and tally cost.<category> += price[t] * x[t] * dt (price a float or per step).")
      .def("add_unit_cost",
           [](const BuilderHandle& h, const std::string& category, std::int32_t var, double cost) {
             h.get().add_unit_cost(category, var, cost);
           },
           py::arg("category"), py::arg("var"), py::arg("cost_per_unit"), "Cost per unit of one variable.")
      .def("add_emissions",
           [](const BuilderHandle& h, const std::string& source, lp::IndexRange vars, const py::object& f) {
             auto& b = h.get();
             b.add_emissions(source, vars, span(per_step(f, vars.count, "add_emissions kg_per_kwh")));
           },
           py::arg("source"), py::arg("vars"), py::arg("kg_per_kwh"),
           "Emissions tally emissions.<source> += f[t] * x[t] * dt, priced at the carbon price.")
      .def("add_energy_tally",
           [](const BuilderHandle& h, const std::string& name, lp::IndexRange vars, double coef) {
             h.get().add_energy_tally(name, vars, coef);
           },
           py::arg("name"), py::arg("vars"), py::arg("coef") = 1.0, "A KPI tally (kWh), not in the objective.")
      .def("add_tally_constant",
           [](const BuilderHandle& h, const std::string& name, double value) { h.get().add_tally_constant(name, value); },
           py::arg("name"), py::arg("value"))
      .def("add_storage",
           [](const BuilderHandle& h, const std::string& port, lp::IndexRange charge_kw, lp::IndexRange discharge_kw,
              lp::IndexRange soc_kwh, double eta_charge, double eta_discharge, double keep_per_step,
              double soc_initial_kwh, double capacity_kwh) {
             auto& b = h.get();
             hub::StorageRecord s;
             s.device = b.device();
             s.port = port;
             s.charge_kw = charge_kw;
             s.discharge_kw = discharge_kw;
             s.soc_kwh = soc_kwh;
             s.eta_charge = eta_charge;
             s.eta_discharge = eta_discharge;
             s.keep_per_step = keep_per_step;
             s.soc_initial_kwh = soc_initial_kwh;
             s.capacity_kwh = capacity_kwh;
             b.add_storage(std::move(s));
           },
           py::arg("port"), py::arg("charge_kw"), py::arg("discharge_kw"), py::arg("soc_kwh"),
           py::arg("eta_charge") = 1.0, py::arg("eta_discharge") = 1.0, py::arg("keep_per_step") = 1.0,
           py::arg("soc_initial_kwh") = 0.0, py::arg("capacity_kwh") = 0.0,
           "Declare this device an electric storage (its dynamics are the device's own rows) so dispatch "
           "follows the green/grey colour of its energy.")
      .def("add_row",
           [](const BuilderHandle& h, double lb, double ub, const std::vector<std::int32_t>& vars,
              const std::vector<double>& coefs) { return h.get().model().add_row(lb, ub, vars, coefs); },
           py::arg("lb"), py::arg("ub"), py::arg("vars"), py::arg("coefs"), "lb <= sum(coefs * x[vars]) <= ub.")
      .def("add_rows",
           [](const BuilderHandle& h, const py::object& lb, const py::object& ub,
              const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& vars,
              const InArray& coefs) {
             if (vars.ndim() != 2 || coefs.ndim() != 2 || vars.shape(0) != coefs.shape(0) ||
                 vars.shape(1) != coefs.shape(1))
               throw InputError("", "vars", "add_rows: vars and coefs must be 2-d arrays of equal shape (rows, terms)");
             const auto n = static_cast<std::int32_t>(vars.shape(0));
             const auto k = vars.shape(1);
             const auto lbs = per_step(lb, n, "add_rows lb");
             const auto ubs = per_step(ub, n, "add_rows ub");
             auto& m = h.get().model();
             py::array_t<std::int32_t> out(n);
             for (std::int32_t i = 0; i < n; ++i) {
               out.mutable_data()[i] = m.begin_row(lbs.size() == 1 ? lbs.data()[0] : lbs.data()[i],
                                                   ubs.size() == 1 ? ubs.data()[0] : ubs.data()[i]);
               for (py::ssize_t t = 0; t < k; ++t) m.add_term(vars.data()[i * k + t], coefs.data()[i * k + t]);
             }
             return out;
           },
           py::arg("lb"), py::arg("ub"), py::arg("vars"), py::arg("coefs"),
           "Rows from 2-d arrays vars[i, :], coefs[i, :]; lb/ub a float or one per row. Returns row handles.");

  py::class_<SeriesHandle>(m, "SeriesSource",
                           "Series access handed to a Python device factory; valid only while the device is created.")
      .def("get",
           [](SeriesHandle& h, const std::string& key, const py::object& kind) {
             return h.guarded([&] { return Eigen::VectorXd(h.src->get(*h.spec, key, series_kind(kind))); });
           },
           py::arg("key"), py::arg("kind") = "power",
           "The device's member `key` as one value per step of the horizon (a number, an inline array, a name "
           "in the scenario's series table or {csv, column}); kind: power, energy or intensive.")
      .def_property_readonly("grid", [](const SeriesHandle& h) { h.check(); return h.src->grid(); })
      .def_property_readonly("utc_offset_minutes", [](const SeriesHandle& h) {
        h.check();
        return h.src->utc_offset_minutes();
      })
      .def_property_readonly("path", [](const SeriesHandle& h) { h.check(); return h.spec->pointer(); },
                             "JSON pointer of the device in the scenario (for messages).")
      .def("error",
           [](SeriesHandle& h, const std::string& key, const std::string& detail) {
             h.guarded([&]() -> int { throw h.spec->error_at(key, detail); });
           },
           py::arg("key"), py::arg("detail"),
           "Raise InputError naming the scenario file and the JSON path of member `key`, like built-in devices.");

  m.def(
      "_register_python_device_type",
      [](const std::string& type, py::object factory, const std::string& description) {
        if (!PyCallable_Check(factory.ptr()))
          throw InputError("", "factory", "must be callable (a class or a function), got a " +
                                              py::str(py::type::of(factory).attr("__name__")).cast<std::string>());
        hub::register_device_type(type, python_factory(type, std::make_shared<PyRef>(std::move(factory))), description);
      },
      py::arg("type"), py::arg("factory"), py::arg("description") = "",
      "Register a device type implemented in Python: factory(name, spec: dict, series: SeriesSource) returns an "
      "object with ports() and formulate(builder).");
}

}  // namespace ehub::python
