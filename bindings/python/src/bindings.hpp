// Shared declarations of the pybind11 module ehub._core: one bind_* function per C++ layer.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "ehub/core/enum_names.hpp"

namespace ehub::python {
namespace py = pybind11;

// --- Python objects held by C++, JSON values --------------------------------------------------

/// A Python object shared by C++ copies (std::function copies, registry entries) without touching
/// its reference count outside the GIL: released with the GIL taken, or leaked after the
/// interpreter is gone (static destructors run after Py_Finalize).
class PyRef {
 public:
  explicit PyRef(py::object o) : o_(std::move(o)) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() {
    if (!Py_IsInitialized()) {
      o_.release();
      return;
    }
    py::gil_scoped_acquire gil;
    o_ = py::object();
  }
  /// The held object (use with the GIL).
  const py::object& get() const noexcept { return o_; }

 private:
  py::object o_;
};

/// Python values (dict, list, tuple, str, numbers, bool, None, numpy arrays and scalars) to JSON
/// directly, not through text, so NaN and inf reach the readers that report them with their JSON
/// path. Throws InputError for anything else.
nlohmann::json json_from_python(const py::handle& o);
/// JSON to Python values (dicts, lists, numbers, ...).
py::object json_to_python(const nlohmann::json& j);

// --- numpy arrays without copies (the table "Where copies happen" of docs/python.md) ----------

/// A float64 array argument: read in place (no copy) when the caller passes a C-contiguous float64
/// array; anything else (a list, ints, float32, a strided view) is converted once by pybind11.
using InArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// A read-only 1-D numpy array over `n` values at `data`, owned by C++ memory that `owner` (the
/// Python object holding it) keeps alive: the array's base is `owner`, nothing is copied.
template <class T>
py::array_t<T> view(const T* data, std::size_t n, py::handle owner) {
  py::array_t<T> a({static_cast<py::ssize_t>(n)}, {static_cast<py::ssize_t>(sizeof(T))}, data, owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}
template <class T>
py::array_t<T> view(const std::vector<T>& v, py::handle owner) {
  return view(v.data(), v.size(), owner);
}

/// Moves a vector into a 1-D numpy array that owns it through a capsule (its base): no element is
/// copied, and the array is writeable (nothing else sees the memory).
template <class T>
py::array_t<T> adopt(std::vector<T>&& v) {
  auto* p = new std::vector<T>(std::move(v));
  py::capsule owner(p, [](void* q) { delete static_cast<std::vector<T>*>(q); });
  return py::array_t<T>({static_cast<py::ssize_t>(p->size())}, {static_cast<py::ssize_t>(sizeof(T))}, p->data(),
                        owner);
}

/// ehub.core: TimeGrid, Series, ISO-8601 helpers.
void bind_core(py::module_& m);
/// ehub.io: CSV, HDF5 and JSON readers/writers.
void bind_io(py::module_& m);
/// ehub.lp: Model, solve, MPS/LP files, solver registry.
void bind_lp(py::module_& m);
/// Where the hosting interpreter keeps highspy / highsbox (their package directories) and its
/// site-packages folders, for ehub's search for libhighs (ehub/lp/highs.hpp).
std::vector<std::string> highs_search_dirs();
/// ehub.hub: scenarios, device types.
void bind_hub(py::module_& m);
/// ehub.dispatch: cost-optimal dispatch and its results.
void bind_dispatch(py::module_& m);
/// ehub.hub: device types written in Python (Builder, SeriesSource, _register_python_device_type).
void bind_pydevice(py::module_& m);
/// ehub.carbon: certificate ledger, emission factors, GEC view.
void bind_carbon(py::module_& m);
/// ehub.forecast: forecasters, backtests and metrics.
void bind_forecast(py::module_& m);
/// ehub.physics: solar position, irradiance, PV and wind models.
void bind_physics(py::module_& m);
/// ehub.sim: operations loop (rolling horizon, twin) and model-update estimators.
void bind_sim(py::module_& m);
/// ehub.store: the park's records (SQLite / PostgreSQL).
void bind_store(py::module_& m);
/// ehub.ems: meter data cleaning and energy analytics.
void bind_ems(py::module_& m);
/// A Python enum from an enum's name table (ehub/core/enum_names.hpp): the names are those of C++.
template <class E, std::size_t N>
py::enum_<E> bind_enum(py::module_& m, const char* name, const char* doc, const EnumName<E> (&table)[N]) {
  py::enum_<E> e(m, name, doc);
  for (const auto& entry : table) e.value(std::string(entry.name).c_str(), entry.value);
  return e;
}

/// Baselines and M&V, alarms and asset health (ems_mv.cpp) in ehub._core.ems.
void bind_ems_mv(py::module_& m);
/// ehub.dr: demand-response events, customer baselines and settlement.
void bind_dr(py::module_& m);
}  // namespace ehub::python
