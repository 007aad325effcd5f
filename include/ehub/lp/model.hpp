// lp::Model: a solver-independent linear / mixed-integer model held in flat arrays (variables
// with bounds and types, rows in CSR form, a linear objective with a constant).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"

namespace ehub::lp {

/// +infinity for bounds: `lp::kInf` as an upper bound means "no upper bound".
inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// Bounds (of variables and rows) of magnitude >= kInfBound are treated as infinite by every
/// built-in backend, the convention of CPLEX and the MPS format: `ub = 1e30` means no upper bound.
/// A lower bound >= kInfBound or an upper bound <= -kInfBound leaves no value and is an InputError.
inline constexpr double kInfBound = 1e20;

/// Largest magnitude of an objective or matrix coefficient (and of the objective constant) a
/// model may hold: larger finite values make COIN-OR Clp abort on internal assertions, so
/// Model::validate() rejects them with an InputError instead (docs/lp.md).
inline constexpr double kMaxCoefficient = 1e15;

/// Variable domain. Explicit numbers; append-only.
enum class VarType : std::uint8_t { continuous = 0, integer = 1, binary = 2 };

/// Direction of optimisation.
enum class Sense : std::uint8_t { minimize = 0, maximize = 1 };

/// "continuous", "integer", "binary".
EHUB_EXPORT std::string_view to_string(VarType t) noexcept;
/// "minimize", "maximize".
EHUB_EXPORT std::string_view to_string(Sense s) noexcept;

/// A contiguous block of variable (or row) handles [first, first + count).
struct IndexRange {
  std::int32_t first = 0;  ///< handle of the first element
  std::int32_t count = 0;  ///< number of elements
  /// Handle of element k of the block (unchecked).
  constexpr std::int32_t operator[](std::int32_t k) const noexcept { return first + k; }
  /// Number of elements.
  constexpr std::int32_t size() const noexcept { return count; }
};

/// A linear (mixed-integer) model: minimise or maximise c'x + c0 subject to
/// row_lb <= A x <= row_ub and col_lb <= x <= col_ub, some x integer.
///
/// Handles are stable dense integers: variable j is column j, row i is the i-th row added.
/// A row is `<=` when its lower bound is -inf, `>=` when its upper bound is +inf, `==` when
/// both are equal, ranged otherwise. Coefficients are stored row-wise (CSR) in flat arrays; a
/// row is built by begin_row() followed by add_term() calls, which append without allocating
/// per term once reserve() has been called.
class EHUB_EXPORT Model {
 public:
  /// An empty minimisation model.
  Model() = default;

  // ---- variables -------------------------------------------------------------------------
  /// Adds one variable; returns its handle. A binary variable gets bounds clipped to [0, 1].
  std::int32_t add_var(double lb, double ub, double obj = 0.0, VarType type = VarType::continuous,
                       std::string_view name = {});
  /// Adds `count` variables with equal bounds, objective and type (e.g. one per time step);
  /// names, if a prefix is given, are `prefix[k]`.
  IndexRange add_vars(std::int32_t count, double lb, double ub, double obj = 0.0,
                      VarType type = VarType::continuous, std::string_view name_prefix = {});
  /// Number of variables.
  std::int32_t num_vars() const noexcept { return static_cast<std::int32_t>(col_lb_.size()); }
  /// Number of integer or binary variables.
  std::int32_t num_integers() const noexcept;

  // ---- rows ------------------------------------------------------------------------------
  /// Starts a new row lb <= sum(terms) <= ub; returns its handle. Terms follow by add_term().
  std::int32_t begin_row(double lb, double ub, std::string_view name = {});
  /// Appends coefficient `coef` of variable `var` to the row begun last. A variable must not
  /// appear twice in one row (validate() reports it).
  void add_term(std::int32_t var, double coef) {
    col_index_.push_back(var);
    value_.push_back(coef);
    row_start_.back() = static_cast<std::int64_t>(value_.size());
  }
  /// Adds a complete row from parallel spans of variable handles and coefficients.
  std::int32_t add_row(double lb, double ub, std::span<const std::int32_t> vars,
                       std::span<const double> coefs, std::string_view name = {});
  /// Number of rows.
  std::int32_t num_rows() const noexcept { return static_cast<std::int32_t>(row_lb_.size()); }
  /// Number of stored coefficients.
  std::int64_t num_nonzeros() const noexcept { return static_cast<std::int64_t>(value_.size()); }

  /// Reserves room for `vars` more variables, `rows` more rows and `nonzeros` more coefficients.
  void reserve(std::int64_t vars, std::int64_t rows, std::int64_t nonzeros);

  // ---- objective -------------------------------------------------------------------------
  /// Sets the optimisation direction (default minimize).
  void set_sense(Sense s) noexcept { sense_ = s; }
  /// Optimisation direction.
  Sense sense() const noexcept { return sense_; }
  /// Sets the objective coefficient of variable `var`.
  void set_obj(std::int32_t var, double coef);
  /// Adds `coef` to the objective coefficient of variable `var`.
  void add_obj(std::int32_t var, double coef);
  /// Sets the objective constant c0.
  void set_obj_constant(double c0) noexcept { obj_constant_ = c0; }
  /// The objective constant c0.
  double obj_constant() const noexcept { return obj_constant_; }

  // ---- modification ----------------------------------------------------------------------
  /// Changes the bounds of variable `var`.
  void set_var_bounds(std::int32_t var, double lb, double ub);
  /// Changes the type of variable `var`.
  void set_var_type(std::int32_t var, VarType type);
  /// Changes the bounds of row `row`.
  void set_row_bounds(std::int32_t row, double lb, double ub);
  /// Sets the model's name (written to MPS NAME).
  void set_name(std::string_view name) { name_ = name; }
  /// Sets or replaces the name of variable `var`.
  void set_var_name(std::int32_t var, std::string_view name);
  /// Sets or replaces the name of row `row`.
  void set_row_name(std::int32_t row, std::string_view name);

  // ---- read access (flat arrays) ---------------------------------------------------------
  /// Lower bounds of all variables.
  std::span<const double> col_lower() const noexcept { return col_lb_; }
  /// Upper bounds of all variables.
  std::span<const double> col_upper() const noexcept { return col_ub_; }
  /// Objective coefficients of all variables.
  std::span<const double> objective() const noexcept { return obj_; }
  /// Types of all variables.
  std::span<const VarType> col_type() const noexcept { return type_; }
  /// Lower bounds of all rows.
  std::span<const double> row_lower() const noexcept { return row_lb_; }
  /// Upper bounds of all rows.
  std::span<const double> row_upper() const noexcept { return row_ub_; }
  /// CSR row starts: row i's terms are [row_start()[i], row_start()[i+1]); size num_rows()+1.
  std::span<const std::int64_t> row_start() const noexcept { return row_start_; }
  /// CSR column index of every stored coefficient.
  std::span<const std::int32_t> col_index() const noexcept { return col_index_; }
  /// Every stored coefficient.
  std::span<const double> values() const noexcept { return value_; }
  /// Name of the model ("" if unset).
  const std::string& name() const noexcept { return name_; }
  /// Name of variable `var`: the one given, or "x<var>" when none was given.
  std::string var_name(std::int32_t var) const;
  /// Name of row `row`: the one given, or "r<row>" when none was given.
  std::string row_name(std::int32_t row) const;
  /// True when at least one variable or row was given a name.
  bool has_names() const noexcept { return !var_names_.empty() || !row_names_.empty(); }

  /// Checks every number and handle: finite coefficients, no NaN bounds, lb <= ub, no
  /// +inf lower or -inf upper bound (bounds of magnitude >= kInfBound count as infinite),
  /// coefficients and objective constant of magnitude <= kMaxCoefficient, variable handles in
  /// range, no variable twice in a row. Throws InputError with path `/vars/<j>` or `/rows/<i>` (and the name, if any).
  void validate() const;

  /// Memory held by the model's arrays in bytes (capacity, not size).
  std::size_t memory_bytes() const noexcept;

 private:
  void check_var(std::int32_t var, const char* what) const;
  void check_row(std::int32_t row, const char* what) const;

  std::string name_;
  Sense sense_ = Sense::minimize;
  double obj_constant_ = 0.0;
  std::vector<double> col_lb_, col_ub_, obj_;
  std::vector<VarType> type_;
  std::vector<double> row_lb_, row_ub_;
  std::vector<std::int64_t> row_start_{0};
  std::vector<std::int32_t> col_index_;
  std::vector<double> value_;
  std::vector<std::string> var_names_;  // empty, or one per variable ("" = unnamed)
  std::vector<std::string> row_names_;  // empty, or one per row ("" = unnamed)
};

}  // namespace ehub::lp
