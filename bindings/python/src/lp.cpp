// Bindings of ehub.lp: Model (scalar and block variables, rows from numpy arrays), solve with the
// GIL released, MPS/LP files and the solver registry. Status strings equal the C++ to_string().
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/lp/lp_format.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/highs.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub::python {
namespace {

using lp::Model;

lp::VarType var_type(const std::string& s) {
  if (s == "continuous") return lp::VarType::continuous;
  if (s == "integer") return lp::VarType::integer;
  if (s == "binary") return lp::VarType::binary;
  throw InputError("", "type", "must be \"continuous\", \"integer\" or \"binary\", got \"" + s + "\"");
}

// Adds rows given as dense-per-row numpy arrays: vars and coefs of shape (rows, k).
py::array_t<std::int32_t> add_rows(Model& m, const py::array_t<double, py::array::c_style | py::array::forcecast>& lb,
                                   const py::array_t<double, py::array::c_style | py::array::forcecast>& ub,
                                   const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& vars,
                                   const py::array_t<double, py::array::c_style | py::array::forcecast>& coefs) {
  if (vars.ndim() != 2 || coefs.ndim() != 2 || vars.shape(0) != coefs.shape(0) || vars.shape(1) != coefs.shape(1))
    throw InputError("", "vars", "add_rows: vars and coefs must be 2-d arrays of equal shape (rows, terms)");
  const py::ssize_t n = vars.shape(0), k = vars.shape(1);
  auto lb_at = [&](py::ssize_t i) { return lb.size() == 1 ? lb.data()[0] : lb.data()[i]; };
  auto ub_at = [&](py::ssize_t i) { return ub.size() == 1 ? ub.data()[0] : ub.data()[i]; };
  if ((lb.size() != 1 && lb.size() != n) || (ub.size() != 1 && ub.size() != n))
    throw InputError("", "lb", "add_rows: lb and ub must be scalars or have one value per row");
  py::array_t<std::int32_t> out(n);
  {
    py::gil_scoped_release release;
    m.reserve(0, n, n * k);
    const auto* vp = vars.data();
    const auto* cp = coefs.data();
    for (py::ssize_t i = 0; i < n; ++i) {
      out.mutable_data()[i] = m.begin_row(lb_at(i), ub_at(i));
      for (py::ssize_t t = 0; t < k; ++t) m.add_term(vp[i * k + t], cp[i * k + t]);
    }
  }
  return out;
}

}  // namespace

void bind_lp(py::module_& m) {
  m.attr("inf") = lp::kInf;

  py::class_<lp::IndexRange>(m, "IndexRange", "A block of consecutive variable handles [first, first + count).")
      .def_readonly("first", &lp::IndexRange::first)
      .def_readonly("count", &lp::IndexRange::count)
      .def("__len__", &lp::IndexRange::size)
      .def("__getitem__",
           [](const lp::IndexRange& r, std::int32_t k) {
             if (k < 0) k += r.count;
             if (k < 0 || k >= r.count) throw py::index_error("IndexRange index out of range");
             return r[k];
           })
      .def("indices",
           [](const lp::IndexRange& r) {
             py::array_t<std::int32_t> a(r.count);
             for (std::int32_t k = 0; k < r.count; ++k) a.mutable_data()[k] = r.first + k;
             return a;
           },
           "The handles as an int32 numpy array.")
      .def("__repr__", [](const lp::IndexRange& r) {
        return "IndexRange(first=" + std::to_string(r.first) + ", count=" + std::to_string(r.count) + ")";
      });

  py::class_<Model>(m, "Model", "A linear / mixed-integer model: optimise c'x + c0 s.t. row_lb <= A x <= row_ub.")
      .def(py::init<>())
      .def("add_var",
           [](Model& self, double lb, double ub, double obj, const std::string& type, const std::string& name) {
             return self.add_var(lb, ub, obj, var_type(type), name);
           },
           py::arg("lb") = 0.0, py::arg("ub") = lp::kInf, py::arg("obj") = 0.0, py::arg("type") = "continuous",
           py::arg("name") = "", "Add one variable; returns its integer handle.")
      .def("add_vars",
           [](Model& self, std::int32_t count, double lb, double ub, double obj, const std::string& type,
              const std::string& name) { return self.add_vars(count, lb, ub, obj, var_type(type), name); },
           py::arg("count"), py::arg("lb") = 0.0, py::arg("ub") = lp::kInf, py::arg("obj") = 0.0,
           py::arg("type") = "continuous", py::arg("name") = "",
           "Add a block of variables (e.g. one per time step); returns an IndexRange.")
      .def("add_row",
           [](Model& self, double lb, double ub, const std::vector<std::int32_t>& vars,
              const std::vector<double>& coefs, const std::string& name) {
             return self.add_row(lb, ub, vars, coefs, name);
           },
           py::arg("lb"), py::arg("ub"), py::arg("vars"), py::arg("coefs"), py::arg("name") = "",
           "Add one row lb <= sum(coefs * x[vars]) <= ub; returns its handle.")
      .def("add_rows", &add_rows, py::arg("lb"), py::arg("ub"), py::arg("vars"), py::arg("coefs"),
           "Add many rows at once from 2-d arrays vars[i, :], coefs[i, :] (one row per line); lb/ub scalars or "
           "one per row. Returns the row handles.")
      .def_property(
          "sense", [](const Model& self) { return std::string(lp::to_string(self.sense())); },
          [](Model& self, const std::string& s) {
            if (s == "minimize" || s == "min") self.set_sense(lp::Sense::minimize);
            else if (s == "maximize" || s == "max") self.set_sense(lp::Sense::maximize);
            else throw InputError("", "sense", "must be \"minimize\" or \"maximize\", got \"" + s + "\"");
          },
          "\"minimize\" or \"maximize\".")
      .def_property("obj_constant", &Model::obj_constant, &Model::set_obj_constant, "Objective constant c0.")
      .def("set_obj", &Model::set_obj, py::arg("var"), py::arg("coef"))
      .def("set_obj_array",
           [](Model& self, const lp::IndexRange& r, const InArray& c) {
             if (c.size() != r.count) throw InputError("", "coefs", "set_obj_array: one coefficient per variable");
             for (std::int32_t k = 0; k < r.count; ++k) self.set_obj(r[k], c.data()[k]);
           },
           py::arg("block"), py::arg("coefs"), "Set the objective coefficients of a block from a numpy array.")
      .def("set_var_bounds", &Model::set_var_bounds, py::arg("var"), py::arg("lb"), py::arg("ub"))
      .def("set_row_bounds", &Model::set_row_bounds, py::arg("row"), py::arg("lb"), py::arg("ub"))
      .def_property_readonly("num_vars", &Model::num_vars)
      .def_property_readonly("num_rows", &Model::num_rows)
      .def_property_readonly("num_nonzeros", &Model::num_nonzeros)
      .def_property_readonly("num_integers", &Model::num_integers)
      .def("var_name", &Model::var_name, py::arg("var"))
      .def("row_name", &Model::row_name, py::arg("row"))
      .def("validate", &Model::validate, "Check every number; raises InputError naming the bad variable or row.")
      .def("to_mps", [](const Model& self) { return lp::to_mps_string(self); }, "The model as free-format MPS text.")
      .def("to_lp", [](const Model& self) { return lp::to_lp_string(self); }, "The model as CPLEX-LP text.")
      .def(py::pickle([](const Model& self) { return lp::to_mps_string(self); },
                      [](const std::string& s) { return lp::read_mps_string(s, "<pickle>"); }));

  py::class_<lp::SolveResult>(m, "SolveResult", "Result of one solve.")
      .def_property_readonly("status", [](const lp::SolveResult& r) { return std::string(lp::to_string(r.status)); })
      .def_property_readonly("objective",
                             [](const lp::SolveResult& r) -> py::object {
                               if (!lp::has_solution(r.status)) return py::none();
                               return py::float_(r.objective);
                             })
      .def_readonly("best_bound", &lp::SolveResult::best_bound)
      .def_readonly("gap", &lp::SolveResult::gap)
      .def_property_readonly(
          "x", [](const py::object& self) { return view(self.cast<const lp::SolveResult&>().x, self); },
          "Variable values (a read-only view of the result, no copy).")
      .def_property_readonly(
          "row_activity",
          [](const py::object& self) { return view(self.cast<const lp::SolveResult&>().row_activity, self); },
          "Row activities A x (a read-only view, no copy).")
      .def_property_readonly(
          "duals", [](const py::object& self) { return view(self.cast<const lp::SolveResult&>().duals, self); },
          "Row duals (a read-only view, no copy; empty for a MIP).")
      .def_property_readonly(
          "reduced_costs",
          [](const py::object& self) { return view(self.cast<const lp::SolveResult&>().reduced_costs, self); },
          "Reduced costs (a read-only view, no copy; empty for a MIP).")
      .def_readonly("iterations", &lp::SolveResult::iterations)
      .def_readonly("nodes", &lp::SolveResult::nodes)
      .def_readonly("seconds", &lp::SolveResult::seconds)
      .def_readonly("solver", &lp::SolveResult::solver)
      .def_readonly("message", &lp::SolveResult::message)
      .def_readonly("warnings", &lp::SolveResult::warnings)
      .def("brief_report", &lp::SolveResult::brief_report)
      .def("__repr__", &lp::SolveResult::brief_report);

  m.def("available_solvers", &lp::available_solvers,
        "Names of the registered solver backends that can solve in this process, sorted "
        "('highs' only when its library was found).");
  m.def("registered_solvers", &lp::registered_solvers, "Names of all registered solver backends, available or not.");
  m.def(
      "solver_availability",
      [](const std::string& name) {
        const lp::Availability a = lp::solver_availability(name);
        py::dict d;
        d["available"] = a.available;
        d["reason"] = a.reason;
        return d;
      },
      py::arg("name"),
      "{'available': bool, 'reason': str}: whether backend `name` can solve here and, if not, why (for 'highs': "
      "where ehub looked for libhighs). Raises InputError for an unknown name.");
  m.def(
      "solver_capabilities",
      [](const std::string& name) {
        const lp::Capabilities c = lp::solver_capabilities(name);
        py::dict d;
        d["integers"] = c.integers;
        d["duals"] = c.duals;
        d["warm_start"] = c.warm_start;
        d["mip_start"] = c.mip_start;
        d["interior_point"] = c.interior_point;
        d["time_limit"] = c.time_limit;
        d["mip_gap"] = c.mip_gap;
        d["threads"] = c.threads;
        d["milp_one_at_a_time"] = c.milp_one_at_a_time;
        return d;
      },
      py::arg("name"), "What backend `name` can do, as a dict of booleans. Raises InputError for an unknown name.");
  m.def(
      "highs_library",
      [] {
        lp::HighsLibraryInfo info;
        {
          py::gil_scoped_release release;  // the first call may search the disk
          info = lp::highs_library();
        }
        py::dict d;
        d["available"] = info.available;
        d["path"] = info.path;
        d["version"] = info.version;
        d["reason"] = info.reason;
        d["searched"] = info.searched;
        return d;
      },
      "The libhighs the 'highs' backend uses: {'available', 'path', 'version', 'reason', 'searched'} "
      "(searched: every candidate tried, 'path: outcome'). See docs/lp.md for where ehub looks.");
  m.def(
      "solve",
      [](const Model& model, const std::string& solver, std::optional<double> time_limit,
         std::optional<double> mip_gap, int threads, int verbosity) {
        lp::SolveOptions opt;
        if (time_limit) opt.time_limit_s = *time_limit;
        if (mip_gap) opt.mip_gap = *mip_gap;
        opt.threads = threads;
        opt.verbosity = verbosity;
        py::gil_scoped_release release;
        return lp::solve(model, solver, opt);
      },
      py::arg("model"), py::arg("solver") = "cbc", py::arg("time_limit") = py::none(), py::arg("mip_gap") = py::none(),
      py::arg("threads") = 1, py::arg("verbosity") = 0,
      "Solve a model with a backend chosen by name; the GIL is released while it solves.");
  m.def("read_mps", &lp::read_mps, py::arg("path"), "Read a free-format MPS file into a Model.");
  m.def("write_mps", &lp::write_mps, py::arg("model"), py::arg("path"), "Write a Model as free-format MPS.");
  m.def("write_lp", &lp::write_lp, py::arg("model"), py::arg("path"), "Write a Model in CPLEX-LP format.");
}

std::vector<std::string> highs_search_dirs() {
  std::vector<std::string> dirs;
  try {
    const py::module_ util = py::module_::import("importlib.util");
    for (const char* name : {"highspy", "highsbox"}) {
      const py::object spec = util.attr("find_spec")(name);  // a top-level name: nothing is imported
      if (spec.is_none()) continue;
      const py::object locations = spec.attr("submodule_search_locations");
      if (locations.is_none()) continue;
      for (const py::handle loc : locations) dirs.push_back(py::str(loc));
    }
    const py::module_ site = py::module_::import("site");
    if (py::hasattr(site, "getsitepackages"))
      for (const py::handle d : site.attr("getsitepackages")()) dirs.push_back(py::str(d));
    for (const py::handle d : py::module_::import("sys").attr("path")) {
      const std::string p = py::str(d);
      if (p.size() >= 13 && p.compare(p.size() - 13, 13, "site-packages") == 0) dirs.push_back(p);
    }
  } catch (const py::error_already_set&) {
    // An odd interpreter (no importlib.util, a broken finder): ehub then asks python3 on PATH.
  }
  return dirs;
}

}  // namespace ehub::python
