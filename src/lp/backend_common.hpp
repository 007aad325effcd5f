// Private helpers shared by the solver backends (clp, cbc, glpk): timing, log forwarding, argument
// checks for the modify-and-resolve methods, CSR -> CSC conversion and result bookkeeping.
// Header-only on purpose: backend_glpk.cpp lives in the separate ehub_glpk library and must not
// depend on hidden symbols of ehub. No solver header is included here.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub::lp::detail {

/// Wall-clock stopwatch started at construction.
class Stopwatch {
 public:
  Stopwatch() noexcept : t0_(std::chrono::steady_clock::now()) {}
  /// Seconds since construction.
  double seconds() const noexcept {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  }

 private:
  std::chrono::steady_clock::time_point t0_;
};

/// Formats a double compactly ("%.10g"; "inf", "-inf", "NaN").
inline std::string fmt_num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

/// Receives a backend's log text and hands it on line by line: to SolveOptions::log_callback
/// when set, otherwise to stderr (never stdout: the CLI prints its JSON there). Text arrives
/// only when verbosity > 0 because backends are configured silent otherwise; write() also drops
/// it when verbosity == 0. An exception thrown by the callback must not unwind through solver
/// code (C code, or C++ code with state to clean up), so the first one is kept and rethrown by
/// rethrow_if_failed() once the backend has returned; later lines are dropped.
class LogSink {
 public:
  /// A sink for `options` (which must outlive the sink).
  explicit LogSink(const SolveOptions& options) noexcept
      : callback_(options.log_callback ? &options.log_callback : nullptr), verbosity_(options.verbosity) {}
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;
  ~LogSink() { flush(); }

  /// The verbosity the backend should log at (0 = silent).
  int verbosity() const noexcept { return verbosity_; }
  /// Appends `text` (any number of complete or partial lines); complete lines are emitted.
  void write(std::string_view text) noexcept {
    if (verbosity_ <= 0 || failed_) return;
    try {
      partial_.append(text.data(), text.size());
      std::size_t begin = 0;
      for (std::size_t nl; (nl = partial_.find('\n', begin)) != std::string::npos; begin = nl + 1)
        emit(std::string_view(partial_).substr(begin, nl - begin));
      partial_.erase(0, begin);
    } catch (...) {
      failed_ = true;
      error_ = std::current_exception();
    }
  }
  /// Emits a pending partial line, if any.
  void flush() noexcept {
    if (partial_.empty() || failed_) return;
    try {
      emit(partial_);
    } catch (...) {
      failed_ = true;
      error_ = std::current_exception();
    }
    partial_.clear();
  }
  /// Rethrows the first exception thrown by the log callback, if any.
  void rethrow_if_failed() {
    flush();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  void emit(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (callback_) {
      (*callback_)(line);
    } else {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fputc('\n', stderr);
    }
  }

  const std::function<void(std::string_view)>* callback_;
  int verbosity_;
  bool failed_ = false;
  std::string partial_;
  std::exception_ptr error_;
};

/// JSON-pointer-like path of variable `j` / row `i` for error messages.
inline std::string var_path(std::int32_t j) { return "/vars/" + std::to_string(j); }
inline std::string row_path(std::int32_t i) { return "/rows/" + std::to_string(i); }

/// Throws InputError unless 0 <= handle < count. `kind` is "vars" or "rows".
inline void check_handle(const char* fn, const char* kind, std::int32_t handle, std::int32_t count) {
  if (handle < 0 || handle >= count)
    throw InputError("", std::string("/") + kind + "/" + std::to_string(handle),
                     std::string(fn) + ": handle " + std::to_string(handle) + " is not in [0, " +
                         std::to_string(count) + ")");
}

/// Throws InputError for NaN bounds, lb = +inf, ub = -inf or lb > ub (same rules as Model::validate,
/// bounds of magnitude >= kInfBound counting as infinite).
inline void check_bounds(const char* fn, const std::string& path, double lb, double ub) {
  std::string e;
  if (std::isnan(lb) || std::isnan(ub)) e = "bound is NaN";
  else if (lb >= kInfBound) e = "lower bound " + fmt_num(lb) + " is +inf (|bound| >= 1e20 is infinite)";
  else if (ub <= -kInfBound) e = "upper bound " + fmt_num(ub) + " is -inf (|bound| >= 1e20 is infinite)";
  else if (lb > ub) e = "lower bound " + fmt_num(lb) + " > upper bound " + fmt_num(ub);
  if (!e.empty()) throw InputError("", path, std::string(fn) + ": " + e);
}

/// Throws InputError unless `coef` is finite and of magnitude <= kMaxCoefficient.
inline void check_coef(const char* fn, const std::string& path, double coef) {
  if (!std::isfinite(coef)) throw InputError("", path, std::string(fn) + ": coefficient is " + fmt_num(coef));
  if (std::abs(coef) > kMaxCoefficient)
    throw InputError("", path, std::string(fn) + ": coefficient " + fmt_num(coef) +
                                   " is larger in magnitude than 1e15, which the solvers cannot handle");
}

/// A bound as handed to a backend: magnitudes >= kInfBound become +-infinity (docs/lp.md).
inline double backend_bound(double v) noexcept {
  if (v >= kInfBound) return kInf;
  if (v <= -kInfBound) return -kInf;
  return v;
}

/// Copy of `bounds` with backend_bound() applied to every element.
inline std::vector<double> backend_bounds(std::span<const double> bounds) {
  std::vector<double> out(bounds.begin(), bounds.end());
  for (double& v : out) v = backend_bound(v);
  return out;
}

/// Validates the arguments of Solver::set_objective_coefficient (the same messages in every backend).
inline void check_objective_call(std::int32_t var, std::int32_t num_vars, double coef) {
  check_handle("set_objective_coefficient", "vars", var, num_vars);
  check_coef("set_objective_coefficient", var_path(var), coef);
}

/// Validates the arguments of Solver::set_var_bounds.
inline void check_var_bounds_call(std::int32_t var, std::int32_t num_vars, double lb, double ub) {
  check_handle("set_var_bounds", "vars", var, num_vars);
  check_bounds("set_var_bounds", var_path(var), lb, ub);
}

/// Validates the arguments of Solver::set_row_bounds.
inline void check_row_bounds_call(std::int32_t row, std::int32_t num_rows, double lb, double ub) {
  check_handle("set_row_bounds", "rows", row, num_rows);
  check_bounds("set_row_bounds", row_path(row), lb, ub);
}

/// Validates options for a model with `num_vars` variables (options.validate() plus the size of
/// the MIP start, which only the backend can check).
inline void check_options(const SolveOptions& options, std::int32_t num_vars) {
  options.validate();
  if (!options.mip_start.empty() && options.mip_start.size() != static_cast<std::size_t>(num_vars))
    throw InputError("", "/mip_start",
                     "has " + std::to_string(options.mip_start.size()) + " values but the model has " +
                         std::to_string(num_vars) + " variables");
}

/// The backend options addressed to `backend` ("cbc" for keys "cbc:..."), prefix removed.
/// Keys for other backends are skipped silently (one options object can serve every backend);
/// keys without a "name:" prefix get a warning in `warnings`.
inline std::vector<std::pair<std::string, std::string>> backend_options_for(const SolveOptions& options,
                                                                            std::string_view backend,
                                                                            std::vector<std::string>& warnings) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : options.backend_options) {
    const auto colon = key.find(':');
    if (colon == std::string::npos || colon == 0) {
      warnings.push_back("backend option '" + key + "' has no backend prefix (e.g. '" + std::string(backend) +
                         ":...'); ignored");
      continue;
    }
    if (std::string_view(key).substr(0, colon) == backend) out.emplace_back(key.substr(colon + 1), value);
  }
  return out;
}

/// Relative gap |obj - bound| / max(1e-10, |obj|) as documented in SolveResult.
inline double relative_gap(double objective, double bound) noexcept {
  if (!std::isfinite(objective) || !std::isfinite(bound)) return kInf;
  return std::abs(objective - bound) / std::max(1e-10, std::abs(objective));
}

/// Rounds the integer entries of a MIP start (the documented contract of SolveOptions::mip_start).
inline std::vector<double> rounded_mip_start(const std::vector<double>& start, std::span<const VarType> types) {
  std::vector<double> x(start);
  for (std::size_t j = 0; j < x.size() && j < types.size(); ++j)
    if (types[j] != VarType::continuous) x[j] = std::nearbyint(x[j]);
  return x;
}

/// Column-major (CSC) copy of a model's coefficient matrix with 32-bit starts, the layout COIN-OR
/// loads without copying twice. Row indices within a column are increasing.
struct CscMatrix {
  std::vector<int> start;   ///< size num_vars + 1
  std::vector<int> index;   ///< row of each coefficient
  std::vector<double> value;
};

/// Converts the model's CSR rows to CSC in two passes (count, scatter); O(nonzeros).
/// Throws SolverError (naming `backend`) when the model has more than 2^31 - 1 nonzeros.
inline CscMatrix to_csc(const Model& model, const char* backend) {
  const std::int64_t nnz = model.num_nonzeros();
  if (nnz > std::numeric_limits<int>::max())
    throw SolverError(backend, "the model has " + std::to_string(nnz) +
                                   " nonzeros; this backend is limited to 2^31 - 1");
  const auto n = static_cast<std::size_t>(model.num_vars());
  const auto rs = model.row_start();
  const auto ci = model.col_index();
  const auto va = model.values();
  CscMatrix c;
  c.start.assign(n + 1, 0);
  c.index.resize(static_cast<std::size_t>(nnz));
  c.value.resize(static_cast<std::size_t>(nnz));
  for (const std::int32_t j : ci) ++c.start[static_cast<std::size_t>(j) + 1];
  for (std::size_t j = 0; j < n; ++j) c.start[j + 1] += c.start[j];
  std::vector<int> next(c.start.begin(), c.start.end() - 1);
  const auto m = static_cast<std::size_t>(model.num_rows());
  for (std::size_t i = 0; i < m; ++i) {
    for (auto p = static_cast<std::size_t>(rs[i]); p < static_cast<std::size_t>(rs[i + 1]); ++p) {
      const int q = next[static_cast<std::size_t>(ci[p])]++;
      c.index[static_cast<std::size_t>(q)] = static_cast<int>(i);
      c.value[static_cast<std::size_t>(q)] = va[p];
    }
  }
  return c;
}

/// Largest violation of bounds and rows by `x` (0 when x is feasible), and where it occurs.
struct Violation {
  double amount = 0.0;  ///< absolute violation
  std::string where;    ///< "/vars/3" or "/rows/7"; empty when feasible
};

/// Checks `x` against the bounds, integrality and rows of `model` with an absolute+relative
/// tolerance `tol` (used to vet MIP starts before handing them to a backend that does not).
inline Violation max_violation(const Model& model, const std::vector<double>& x, double tol = 1e-6) {
  Violation v;
  auto note = [&](double amount, double scale, std::string where) {
    if (amount > tol * std::max(1.0, scale) && amount > v.amount) {
      v.amount = amount;
      v.where = std::move(where);
    }
  };
  const auto lb = model.col_lower();
  const auto ub = model.col_upper();
  const auto ty = model.col_type();
  for (std::int32_t j = 0; j < model.num_vars(); ++j) {
    const auto k = static_cast<std::size_t>(j);
    note(lb[k] - x[k], std::abs(lb[k]), var_path(j));
    note(x[k] - ub[k], std::abs(ub[k]), var_path(j));
    if (ty[k] != VarType::continuous) note(std::abs(x[k] - std::nearbyint(x[k])), 1.0, var_path(j));
  }
  const auto rs = model.row_start();
  const auto ci = model.col_index();
  const auto va = model.values();
  const auto rl = model.row_lower();
  const auto ru = model.row_upper();
  for (std::int32_t i = 0; i < model.num_rows(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    double a = 0.0;
    for (auto p = static_cast<std::size_t>(rs[r]); p < static_cast<std::size_t>(rs[r + 1]); ++p)
      a += va[p] * x[static_cast<std::size_t>(ci[p])];
    note(rl[r] - a, std::abs(rl[r]), row_path(i));
    note(a - ru[r], std::abs(ru[r]), row_path(i));
  }
  return v;
}

/// Factories of the built-in backends of the core library (backend_clp.cpp, backend_cbc.cpp),
/// registered by register_builtin_backends().
std::unique_ptr<Solver> make_clp_backend();
/// See make_clp_backend().
std::unique_ptr<Solver> make_cbc_backend();
/// The "highs" backend (backend_highs.cpp); the factory throws SolverError when libhighs is not
/// available (highs_availability() says why).
std::unique_ptr<Solver> make_highs_backend();
/// Whether libhighs was found and is compatible (searched once per process, see ehub/lp/highs.hpp).
Availability highs_availability();
/// Capabilities of the built-in backends.
inline constexpr Capabilities kClpCapabilities{.integers = false, .duals = true, .warm_start = true, .mip_start = false,
                                               .interior_point = true, .time_limit = true, .mip_gap = false,
                                               .threads = false};
/// See kClpCapabilities.
inline constexpr Capabilities kCbcCapabilities{.integers = true, .duals = true, .warm_start = true, .mip_start = true,
                                               .interior_point = true, .time_limit = true, .mip_gap = true,
                                               .threads = true, .milp_one_at_a_time = true};
/// See kClpCapabilities: LP by simplex (primal, dual) and interior point, MILP, duals, basis warm
/// start, MIP start, time limit, gap, threads.
inline constexpr Capabilities kHighsCapabilities{.integers = true, .duals = true, .warm_start = true, .mip_start = true,
                                                 .interior_point = true, .time_limit = true, .mip_gap = true,
                                                 .threads = true};

}  // namespace ehub::lp::detail
