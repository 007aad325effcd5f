// Shared declarations of the pybind11 module ehub._core: one bind_* function per C++ layer.
#pragma once

#include <pybind11/pybind11.h>

namespace ehub::python {
namespace py = pybind11;
/// ehub.core: TimeGrid, Series, ISO-8601 helpers.
void bind_core(py::module_& m);
/// ehub.io: CSV, HDF5 and JSON readers/writers.
void bind_io(py::module_& m);
/// ehub.lp: Model, solve, MPS/LP files, solver registry.
void bind_lp(py::module_& m);
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
}  // namespace ehub::python
