// lp::Model: flat-array storage, validation and names.
#include "ehub/core/format.hpp"
#include "ehub/lp/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "ehub/core/error.hpp"

namespace ehub::lp {

std::string_view to_string(VarType t) noexcept {
  switch (t) {
    case VarType::continuous: return "continuous";
    case VarType::integer: return "integer";
    case VarType::binary: return "binary";
  }
  return "continuous";
}

std::string_view to_string(Sense s) noexcept { return s == Sense::maximize ? "maximize" : "minimize"; }

std::int32_t Model::num_integers() const noexcept {
  std::int32_t n = 0;
  for (VarType t : type_) n += t != VarType::continuous;
  return n;
}

std::int32_t Model::add_var(double lb, double ub, double obj, VarType type, std::string_view name) {
  if (type == VarType::binary) {
    lb = std::max(lb, 0.0);
    ub = std::min(ub, 1.0);
  }
  col_lb_.push_back(lb);
  col_ub_.push_back(ub);
  obj_.push_back(obj);
  type_.push_back(type);
  const auto j = static_cast<std::int32_t>(col_lb_.size() - 1);
  if (!name.empty()) set_var_name(j, name);
  else if (!var_names_.empty()) var_names_.emplace_back();
  return j;
}

IndexRange Model::add_vars(std::int32_t count, double lb, double ub, double obj, VarType type,
                           std::string_view name_prefix) {
  if (count < 0) throw InputError("", "", "add_vars: count must be >= 0, got " + std::to_string(count));
  if (type == VarType::binary) {
    lb = std::max(lb, 0.0);
    ub = std::min(ub, 1.0);
  }
  const IndexRange r{num_vars(), count};
  col_lb_.insert(col_lb_.end(), static_cast<std::size_t>(count), lb);
  col_ub_.insert(col_ub_.end(), static_cast<std::size_t>(count), ub);
  obj_.insert(obj_.end(), static_cast<std::size_t>(count), obj);
  type_.insert(type_.end(), static_cast<std::size_t>(count), type);
  if (!name_prefix.empty()) {
    var_names_.resize(col_lb_.size() - static_cast<std::size_t>(count));
    for (std::int32_t k = 0; k < count; ++k)
      var_names_.push_back(std::string(name_prefix) + "[" + std::to_string(k) + "]");
  } else if (!var_names_.empty()) {
    var_names_.resize(col_lb_.size());
  }
  return r;
}

std::int32_t Model::begin_row(double lb, double ub, std::string_view name) {
  row_lb_.push_back(lb);
  row_ub_.push_back(ub);
  row_start_.push_back(static_cast<std::int64_t>(value_.size()));
  const auto i = static_cast<std::int32_t>(row_lb_.size() - 1);
  if (!name.empty()) set_row_name(i, name);
  else if (!row_names_.empty()) row_names_.emplace_back();
  return i;
}

std::int32_t Model::add_row(double lb, double ub, std::span<const std::int32_t> vars, std::span<const double> coefs,
                            std::string_view name) {
  if (vars.size() != coefs.size())
    throw InputError("", "/rows/" + std::to_string(num_rows()),
                     "add_row: " + std::to_string(vars.size()) + " variables but " + std::to_string(coefs.size()) +
                         " coefficients");
  const std::int32_t i = begin_row(lb, ub, name);
  col_index_.insert(col_index_.end(), vars.begin(), vars.end());
  value_.insert(value_.end(), coefs.begin(), coefs.end());
  row_start_.back() = static_cast<std::int64_t>(value_.size());
  return i;
}

void Model::reserve(std::int64_t vars, std::int64_t rows, std::int64_t nonzeros) {
  const auto nv = col_lb_.size() + static_cast<std::size_t>(std::max<std::int64_t>(vars, 0));
  const auto nr = row_lb_.size() + static_cast<std::size_t>(std::max<std::int64_t>(rows, 0));
  const auto nz = value_.size() + static_cast<std::size_t>(std::max<std::int64_t>(nonzeros, 0));
  col_lb_.reserve(nv);
  col_ub_.reserve(nv);
  obj_.reserve(nv);
  type_.reserve(nv);
  row_lb_.reserve(nr);
  row_ub_.reserve(nr);
  row_start_.reserve(nr + 1);
  col_index_.reserve(nz);
  value_.reserve(nz);
}

void Model::check_var(std::int32_t var, const char* what) const {
  if (var < 0 || var >= num_vars())
    throw InputError("", "", std::string(what) + ": variable handle " + std::to_string(var) + " is not in [0, " +
                                 std::to_string(num_vars()) + ")");
}

void Model::check_row(std::int32_t row, const char* what) const {
  if (row < 0 || row >= num_rows())
    throw InputError("", "", std::string(what) + ": row handle " + std::to_string(row) + " is not in [0, " +
                                 std::to_string(num_rows()) + ")");
}

void Model::set_obj(std::int32_t var, double coef) {
  check_var(var, "set_obj");
  obj_[static_cast<std::size_t>(var)] = coef;
}

void Model::add_obj(std::int32_t var, double coef) {
  check_var(var, "add_obj");
  obj_[static_cast<std::size_t>(var)] += coef;
}

void Model::set_var_bounds(std::int32_t var, double lb, double ub) {
  check_var(var, "set_var_bounds");
  col_lb_[static_cast<std::size_t>(var)] = lb;
  col_ub_[static_cast<std::size_t>(var)] = ub;
}

void Model::set_var_type(std::int32_t var, VarType type) {
  check_var(var, "set_var_type");
  type_[static_cast<std::size_t>(var)] = type;
  if (type == VarType::binary) {
    auto& lb = col_lb_[static_cast<std::size_t>(var)];
    auto& ub = col_ub_[static_cast<std::size_t>(var)];
    lb = std::max(lb, 0.0);
    ub = std::min(ub, 1.0);
  }
}

void Model::set_row_bounds(std::int32_t row, double lb, double ub) {
  check_row(row, "set_row_bounds");
  row_lb_[static_cast<std::size_t>(row)] = lb;
  row_ub_[static_cast<std::size_t>(row)] = ub;
}

void Model::set_var_name(std::int32_t var, std::string_view name) {
  check_var(var, "set_var_name");
  if (var_names_.size() < col_lb_.size()) var_names_.resize(col_lb_.size());
  var_names_[static_cast<std::size_t>(var)] = name;
}

void Model::set_row_name(std::int32_t row, std::string_view name) {
  check_row(row, "set_row_name");
  if (row_names_.size() < row_lb_.size()) row_names_.resize(row_lb_.size());
  row_names_[static_cast<std::size_t>(row)] = name;
}

std::string Model::var_name(std::int32_t var) const {
  const auto j = static_cast<std::size_t>(var);
  if (j < var_names_.size() && !var_names_[j].empty()) return var_names_[j];
  std::string out = "x";  // appended: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string
  out += std::to_string(var);
  return out;
}

std::string Model::row_name(std::int32_t row) const {
  const auto i = static_cast<std::size_t>(row);
  if (i < row_names_.size() && !row_names_[i].empty()) return row_names_[i];
  std::string out = "r";
  out += std::to_string(row);
  return out;
}

namespace {
std::string num(double v) { return format_number(v, 17); }
}  // namespace

void Model::validate() const {
  const std::int32_t n = num_vars();
  auto var_path = [&](std::int32_t j) {
    std::string p = "/vars/" + std::to_string(j);
    if (static_cast<std::size_t>(j) < var_names_.size() && !var_names_[static_cast<std::size_t>(j)].empty())
      p += " (" + var_names_[static_cast<std::size_t>(j)] + ")";
    return p;
  };
  auto row_path = [&](std::int32_t i) {
    std::string p = "/rows/" + std::to_string(i);
    if (static_cast<std::size_t>(i) < row_names_.size() && !row_names_[static_cast<std::size_t>(i)].empty())
      p += " (" + row_names_[static_cast<std::size_t>(i)] + ")";
    return p;
  };
  auto check_bounds = [](double lb, double ub) -> std::string {
    if (std::isnan(lb) || std::isnan(ub)) return "bound is NaN";
    if (lb == kInf) return "lower bound is +inf";
    if (ub == -kInf) return "upper bound is -inf";
    if (lb > ub) return "lower bound " + num(lb) + " > upper bound " + num(ub);
    if (lb >= kInfBound) return "lower bound " + num(lb) + " is treated as +inf (|bound| >= 1e20 is infinite)";
    if (ub <= -kInfBound) return "upper bound " + num(ub) + " is treated as -inf (|bound| >= 1e20 is infinite)";
    return {};
  };
  auto too_large = [](double v) { return std::fabs(v) > kMaxCoefficient; };
  const std::string limit = " is larger in magnitude than 1e15, which the solvers cannot handle";
  for (std::int32_t j = 0; j < n; ++j) {
    const auto k = static_cast<std::size_t>(j);
    if (auto e = check_bounds(col_lb_[k], col_ub_[k]); !e.empty()) throw InputError("", var_path(j), e);
    if (!std::isfinite(obj_[k])) throw InputError("", var_path(j), "objective coefficient is " + num(obj_[k]));
    if (too_large(obj_[k])) throw InputError("", var_path(j), "objective coefficient " + num(obj_[k]) + limit);
  }
  if (!std::isfinite(obj_constant_)) throw InputError("", "/objective_constant", "is " + num(obj_constant_));
  if (too_large(obj_constant_)) throw InputError("", "/objective_constant", num(obj_constant_) + limit);
  if (row_start_.empty() || row_start_.front() != 0 || row_start_.size() != row_lb_.size() + 1 ||
      row_start_.back() != static_cast<std::int64_t>(value_.size()))
    throw InputError("", "/rows", "add_term() was called before any begin_row()");
  std::vector<std::int32_t> seen(static_cast<std::size_t>(n), -1);  // last row each column appeared in
  for (std::int32_t i = 0; i < num_rows(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    if (auto e = check_bounds(row_lb_[r], row_ub_[r]); !e.empty()) throw InputError("", row_path(i), e);
    for (std::int64_t p = row_start_[r]; p < row_start_[r + 1]; ++p) {
      const auto pk = static_cast<std::size_t>(p);
      const std::int32_t j = col_index_[pk];
      if (j < 0 || j >= n)
        throw InputError("", row_path(i), "variable handle " + std::to_string(j) + " is not in [0, " +
                                              std::to_string(n) + ")");
      if (!std::isfinite(value_[pk]))
        throw InputError("", row_path(i), "coefficient of " + var_name(j) + " is " + num(value_[pk]));
      if (too_large(value_[pk]))
        throw InputError("", row_path(i), "coefficient " + num(value_[pk]) + " of " + var_name(j) + limit);
      auto& s = seen[static_cast<std::size_t>(j)];
      if (s == i) throw InputError("", row_path(i), "variable " + var_name(j) + " appears twice in the row");
      s = i;
    }
  }
}

std::size_t Model::memory_bytes() const noexcept {
  std::size_t b = sizeof(*this);
  b += (col_lb_.capacity() + col_ub_.capacity() + obj_.capacity() + row_lb_.capacity() + row_ub_.capacity() +
        value_.capacity()) *
       sizeof(double);
  b += type_.capacity() * sizeof(VarType) + row_start_.capacity() * sizeof(std::int64_t) +
       col_index_.capacity() * sizeof(std::int32_t);
  for (const auto& s : var_names_) b += sizeof(s) + (s.capacity() > 15 ? s.capacity() : 0);
  for (const auto& s : row_names_) b += sizeof(s) + (s.capacity() > 15 ? s.capacity() : 0);
  return b;
}

}  // namespace ehub::lp
