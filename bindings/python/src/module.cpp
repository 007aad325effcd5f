// ehub._core: the compiled module. Exceptions map to ehub.InputError (a ValueError) and
// ehub.SolverError (a RuntimeError) with the C++ message unchanged.
#include <pybind11/pybind11.h>

#include <utility>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/lp/highs.hpp"
#include "ehub/version.hpp"
#ifdef EHUB_PY_WITH_GLPK
#include "ehub/lp/glpk.hpp"
#endif

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "ehub compiled core: integrated energy optimisation of zero-carbon industrial parks";
  m.attr("__version__") = ehub::version();
  m.def("version", &ehub::version, "Version of the linked ehub C++ library.");
  py::register_exception<ehub::InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<ehub::SolverError>(m, "SolverError", PyExc_RuntimeError);
#ifdef EHUB_PY_WITH_GLPK
  ehub::lp::register_glpk_backend();
#endif
  if (auto dirs = ehub::python::highs_search_dirs(); !dirs.empty()) ehub::lp::set_highs_python_dirs(std::move(dirs));
  auto core = m.def_submodule("core", "Time grids and series");
  ehub::python::bind_core(core);
  auto io = m.def_submodule("io", "CSV, HDF5 and JSON input/output");
  ehub::python::bind_io(io);
  auto lp = m.def_submodule("lp", "Linear / mixed-integer models and solver backends");
  ehub::python::bind_lp(lp);
  auto hub = m.def_submodule("hub", "Energy-hub scenarios: buses, devices, series");
  ehub::python::bind_hub(hub);
  ehub::python::bind_pydevice(hub);
  auto dispatch = m.def_submodule("dispatch", "Cost-optimal dispatch of a scenario");
  ehub::python::bind_dispatch(dispatch);
  auto physics = m.def_submodule("physics", "Solar position, irradiance, PV and wind power models");
  ehub::python::bind_physics(physics);
  auto carbon = m.def_submodule("carbon", "Green certificates and carbon accounting");
  ehub::python::bind_carbon(carbon);
  auto forecast = m.def_submodule("forecast", "Forecasters for loads, generation and prices; backtests");
  ehub::python::bind_forecast(forecast);
  auto sim = m.def_submodule("sim", "Operations loop (rolling horizon, digital twin) and model update");
  ehub::python::bind_sim(sim);
  auto store = m.def_submodule("store", "The park's records: SQLite (default) or PostgreSQL, one schema");
  ehub::python::bind_store(store);
  auto ems = m.def_submodule("ems", "Meter data cleaning, statistics, KPIs and meter-tree balance");
  ehub::python::bind_ems(ems);
  ehub::python::bind_ems_mv(ems);
  auto dr = m.def_submodule("dr", "Demand response: events, customer baselines, settlement");
  ehub::python::bind_dr(dr);
}
