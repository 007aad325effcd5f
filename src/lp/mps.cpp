// Free-format MPS reader and writer. The reader makes one pass over the text, splits each line
// into fields without copying, finds rows and columns through hash maps keyed by views into the
// text, collects the matrix column-wise and transposes it once into the model's CSR rows.
#include "ehub/lp/mps.hpp"

#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/io/text_file.hpp"

namespace ehub::lp {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ------------------------------------------------------------------------------------------
// reading

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// The fields of one line; only the first kMaxFields are kept, but all are counted so that a line
// with too many fields can be reported.
struct Fields {
  static constexpr std::size_t kMaxFields = 8;
  std::array<std::string_view, kMaxFields> f{};
  std::size_t n = 0;
  std::string_view operator[](std::size_t k) const noexcept { return f[k]; }
};

void split(std::string_view s, Fields& out) noexcept {
  out.n = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i])) ++i;
    if (i >= s.size()) break;
    std::size_t j = i;
    while (j < s.size() && !is_blank(s[j])) ++j;
    if (out.n < Fields::kMaxFields) out.f[out.n] = s.substr(i, j - i);
    ++out.n;
    i = j;
  }
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    char x = a[k], y = b[k];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// Parses a whole field as a double (a leading '+' is allowed; NaN is not).
bool parse_double(std::string_view s, double& v) noexcept {
  if (s.size() > 1 && s.front() == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && p == end && !std::isnan(v);
}

enum class Section : std::uint8_t { none, name, objsense, objname, rows, columns, rhs, ranges, bounds, endata };

// Slots of the row map: >= 0 is a constraint row, these mark the objective and dropped N rows.
constexpr std::int32_t kObjectiveRow = -1;
constexpr std::int32_t kDroppedRow = -2;

class MpsReader {
 public:
  MpsReader(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  Model run() {
    // A rough size guess from the file length keeps rehashing and regrowth rare.
    const std::size_t guess = text_.size() / 40 + 16;
    entry_row_.reserve(guess);
    entry_value_.reserve(guess);
    col_by_name_.reserve(guess / 4);
    row_by_name_.reserve(guess / 8);
    col_start_.push_back(0);

    Fields fl;
    std::size_t pos = 0;
    bool any_section = false;
    while (pos < text_.size() && section_ != Section::endata) {
      std::size_t eol = text_.find('\n', pos);
      if (eol == std::string_view::npos) eol = text_.size();
      const std::string_view line = text_.substr(pos, eol - pos);
      pos = eol + 1;
      ++line_no_;
      if (line.empty() || line.front() == '*') continue;
      split(line, fl);
      if (fl.n == 0) continue;
      if (!is_blank(line.front())) {
        header(fl);
        any_section = true;
        continue;
      }
      switch (section_) {
        case Section::none: fail("data line before the first section (NAME, ROWS, ...)");
        case Section::name: fail("unexpected data line in the NAME section");
        case Section::objsense: objsense_line(fl); break;
        case Section::objname: objname_line(fl); break;
        case Section::rows: rows_line(fl); break;
        case Section::columns: columns_line(fl); break;
        case Section::rhs: rhs_line(fl); break;
        case Section::ranges: ranges_line(fl); break;
        case Section::bounds: bounds_line(fl); break;
        case Section::endata: break;
      }
    }
    if (!any_section) {
      line_no_ = std::max<std::int64_t>(line_no_, 1);
      fail("empty file: no MPS section (NAME, ROWS, COLUMNS, ..., ENDATA)");
    }
    if (section_ != Section::endata) {
      line_no_ = std::max<std::int64_t>(line_no_, 1);
      fail("end of file before ENDATA");
    }
    return build();
  }

 private:
  [[noreturn]] void fail(const std::string& detail) const {
    throw InputError(source_, "line " + std::to_string(line_no_), detail);
  }

  static std::string quoted(std::string_view s) {
    std::string r;
    r.reserve(s.size() + 2);
    r += '\'';
    r += s;
    r += '\'';
    return r;
  }

  double number(std::string_view field, const char* what) const {
    double v = 0.0;
    if (!parse_double(field, v)) fail("cannot read " + quoted(field) + " as a number (" + what + ")");
    return v;
  }

  // Matrix and objective entries must be finite and within what the backends handle
  // (lp::kMaxCoefficient; docs/lp.md, "Huge and infinite values").
  void check_coefficient(double v, std::string_view col, std::string_view row) const {
    if (!std::isfinite(v) || std::fabs(v) > kMaxCoefficient)
      fail("coefficient " + format_value(v) + " of column " + quoted(col) + " in row " + quoted(row) +
           (std::isfinite(v) ? " is larger in magnitude than " + format_value(kMaxCoefficient) + ", which the solvers cannot handle"
                             : " is not finite"));
  }

  static std::string format_value(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
  }

  std::int32_t row_slot(std::string_view name) const {
    const auto it = row_by_name_.find(name);
    if (it == row_by_name_.end()) fail("unknown row " + quoted(name) + " (not in the ROWS section)");
    return it->second;
  }

  std::int32_t column(std::string_view name) const {
    const auto it = col_by_name_.find(name);
    if (it == col_by_name_.end()) fail("unknown column " + quoted(name) + " (not in the COLUMNS section)");
    return it->second;
  }

  void expect_fields(const Fields& fl, std::size_t lo, std::size_t hi, const char* what) const {
    if (fl.n < lo || fl.n > hi) {
      std::string want = lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
      fail(std::string(what) + " line needs " + want + " fields, got " + std::to_string(fl.n));
    }
  }

  // ---- section headers -------------------------------------------------------------------
  void header(const Fields& fl) {
    const std::string_view key = fl[0];
    Section next = Section::none;
    if (key == "NAME") next = Section::name;
    else if (key == "OBJSENSE") next = Section::objsense;
    else if (key == "OBJSENS") next = Section::objsense;
    else if (key == "OBJNAME") next = Section::objname;
    else if (key == "ROWS") next = Section::rows;
    else if (key == "COLUMNS") next = Section::columns;
    else if (key == "RHS") next = Section::rhs;
    else if (key == "RANGES") next = Section::ranges;
    else if (key == "BOUNDS") next = Section::bounds;
    else if (key == "ENDATA") next = Section::endata;
    else
      fail("unknown section " + quoted(key) +
           " (expected NAME, OBJSENSE, OBJNAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS or ENDATA)");

    const auto idx = static_cast<std::size_t>(next);
    if (seen_[idx]) fail("section " + std::string(key) + " appears twice");
    seen_[idx] = true;
    auto need = [&](Section s, const char* name) {
      if (!seen_[static_cast<std::size_t>(s)]) fail(std::string(key) + " section before the " + name + " section");
    };
    if (section_ == Section::columns) end_column_section();

    switch (next) {
      case Section::name:
        if (seen_[static_cast<std::size_t>(Section::rows)]) fail("NAME after the ROWS section");
        if (fl.n >= 2) name_ = fl[1];  // further words (e.g. "SIZE: N=32") are a comment
        break;
      case Section::objsense:
        if (fl.n > 2) fail("OBJSENSE line needs at most 2 fields, got " + std::to_string(fl.n));
        if (fl.n == 2) {
          set_sense(fl[1]);
          sense_done_ = true;
        }
        break;
      case Section::objname:
        if (seen_[static_cast<std::size_t>(Section::rows)]) fail("OBJNAME after the ROWS section");
        if (fl.n > 2) fail("OBJNAME line needs at most 2 fields, got " + std::to_string(fl.n));
        if (fl.n == 2) obj_name_ = fl[1];
        break;
      case Section::rows:
      case Section::columns:
      case Section::rhs:
      case Section::ranges:
      case Section::bounds:
      case Section::endata:
        if (fl.n != 1) fail(std::string(key) + " line must hold the section name only, got " + std::to_string(fl.n) +
                            " fields");
        break;
      case Section::none: break;
    }
    switch (next) {
      case Section::columns: need(Section::rows, "ROWS"); break;
      case Section::rhs:
      case Section::ranges: need(Section::rows, "ROWS"); break;
      case Section::bounds: need(Section::columns, "COLUMNS"); break;
      case Section::endata: need(Section::rows, "ROWS"); break;
      default: break;
    }
    section_ = next;
  }

  void set_sense(std::string_view s) {
    if (iequals(s, "MAX") || iequals(s, "MAXIMIZE") || iequals(s, "MAXIMISE")) sense_ = Sense::maximize;
    else if (iequals(s, "MIN") || iequals(s, "MINIMIZE") || iequals(s, "MINIMISE")) sense_ = Sense::minimize;
    else fail("objective sense " + quoted(s) + " is not MIN or MAX");
  }

  // ---- data lines ------------------------------------------------------------------------
  void objsense_line(const Fields& fl) {
    expect_fields(fl, 1, 1, "OBJSENSE");
    if (sense_done_) fail("second objective sense in the OBJSENSE section");
    set_sense(fl[0]);
    sense_done_ = true;
  }

  void objname_line(const Fields& fl) {
    expect_fields(fl, 1, 1, "OBJNAME");
    if (!obj_name_.empty()) fail("second objective name in the OBJNAME section");
    obj_name_ = fl[0];
  }

  void rows_line(const Fields& fl) {
    expect_fields(fl, 2, 2, "ROWS");
    const std::string_view type = fl[0], name = fl[1];
    if (type.size() != 1) fail("row type " + quoted(type) + " is not N, L, G or E");
    char t = type[0];
    if (t >= 'a' && t <= 'z') t = static_cast<char>(t - 'a' + 'A');
    std::int32_t slot = 0;
    if (t == 'N') {
      const bool is_objective = !have_objective_ && (obj_name_.empty() || obj_name_ == name);
      slot = is_objective ? kObjectiveRow : kDroppedRow;
      have_objective_ = have_objective_ || is_objective;
    } else if (t == 'L' || t == 'G' || t == 'E') {
      slot = static_cast<std::int32_t>(row_type_.size());
      row_type_.push_back(t);
      row_name_.push_back(name);
      rhs_.push_back(0.0);
      range_.push_back(kNaN);
      last_col_in_row_.push_back(-1);
    } else {
      fail("row type " + quoted(type) + " is not N, L, G or E");
    }
    if (!row_by_name_.emplace(name, slot).second) fail("row " + quoted(name) + " is defined twice");
  }

  void columns_line(const Fields& fl) {
    if (fl.n == 3 && (fl[1] == "'MARKER'" || fl[1] == "MARKER")) {
      const std::string_view m = fl[2];
      if (m == "'INTORG'" || m == "INTORG") {
        if (in_integer_) fail("'INTORG' marker inside an integer section (no 'INTEND' before it)");
        in_integer_ = true;
        return;
      }
      if (m == "'INTEND'" || m == "INTEND") {
        if (!in_integer_) fail("'INTEND' marker without a preceding 'INTORG'");
        in_integer_ = false;
        return;
      }
      fail("unknown marker " + quoted(m) + " (expected 'INTORG' or 'INTEND')");
    }
    if (fl.n != 3 && fl.n != 5)
      fail("COLUMNS line needs 3 or 5 fields (column, row, value[, row, value]), got " + std::to_string(fl.n));
    const std::string_view name = fl[0];
    if (current_ < 0 || name != col_name_[static_cast<std::size_t>(current_)]) start_column(name);
    const auto j = current_;
    for (std::size_t k = 1; k + 1 < fl.n; k += 2) {
      const std::int32_t slot = row_slot(fl[k]);
      const double v = number(fl[k + 1], "coefficient");
      if (slot == kDroppedRow) continue;
      check_coefficient(v, name, fl[k]);
      if (slot == kObjectiveRow) {
        if (obj_given_) fail("column " + quoted(name) + " has two entries in the objective row");
        obj_given_ = true;
        obj_[static_cast<std::size_t>(j)] = v;
        continue;
      }
      auto& last = last_col_in_row_[static_cast<std::size_t>(slot)];
      if (last == j) fail("column " + quoted(name) + " has two entries in row " + quoted(fl[k]));
      last = j;
      entry_row_.push_back(slot);
      entry_value_.push_back(v);
    }
  }

  void start_column(std::string_view name) {
    if (current_ >= 0) col_start_.push_back(static_cast<std::int64_t>(entry_row_.size()));
    const auto j = static_cast<std::int32_t>(col_name_.size());
    if (!col_by_name_.emplace(name, j).second)
      fail("column " + quoted(name) + " appears again after other columns (a column's entries must be contiguous)");
    col_name_.push_back(name);
    col_lb_.push_back(0.0);
    col_ub_.push_back(kInf);
    obj_.push_back(0.0);
    col_type_.push_back(in_integer_ ? VarType::integer : VarType::continuous);
    lb_set_.push_back(0);
    current_ = j;
    obj_given_ = false;
  }

  void end_column_section() {
    if (current_ >= 0) col_start_.push_back(static_cast<std::int64_t>(entry_row_.size()));
    current_ = -1;
  }

  // Checks the set name of an RHS/RANGES/BOUNDS line; false when the line belongs to a later set.
  static bool first_set(std::string_view& first, std::string_view set) {
    if (first.empty()) first = set;
    return first == set;
  }

  void rhs_line(const Fields& fl) {
    if (fl.n < 2 || fl.n > 5)
      fail("RHS line needs 2 to 5 fields ([set,] row, value[, row, value]), got " + std::to_string(fl.n));
    const std::size_t k0 = fl.n % 2;  // odd count: the set name comes first
    if (k0 == 1 && !first_set(rhs_set_, fl[0])) return;
    for (std::size_t k = k0; k + 1 < fl.n; k += 2) {
      const std::int32_t slot = row_slot(fl[k]);
      const double v = number(fl[k + 1], "right-hand side");
      if (slot >= 0) {
        const char t = row_type_[static_cast<std::size_t>(slot)];
        if ((t == 'G' || t == 'E') && v >= kInfBound)
          fail("right-hand side " + format_value(v) + " of row " + quoted(fl[k]) +
               " is +inf (values of magnitude >= 1e20 are infinite): the row cannot be met");
        if ((t == 'L' || t == 'E') && v <= -kInfBound)
          fail("right-hand side " + format_value(v) + " of row " + quoted(fl[k]) +
               " is -inf (values of magnitude >= 1e20 are infinite): the row cannot be met");
      }
      if (slot == kObjectiveRow) {
        if (!std::isfinite(v) || std::fabs(v) > kMaxCoefficient)
          fail("objective constant " + format_value(-v) + " (the objective row's right-hand side) is not finite or "
               "larger in magnitude than 1e15");
        obj_constant_ = -v;
      } else if (slot >= 0) rhs_[static_cast<std::size_t>(slot)] = v;
    }
  }

  void ranges_line(const Fields& fl) {
    if (fl.n < 2 || fl.n > 5)
      fail("RANGES line needs 2 to 5 fields ([set,] row, value[, row, value]), got " + std::to_string(fl.n));
    const std::size_t k0 = fl.n % 2;
    if (k0 == 1 && !first_set(range_set_, fl[0])) return;
    for (std::size_t k = k0; k + 1 < fl.n; k += 2) {
      const std::int32_t slot = row_slot(fl[k]);
      const double v = number(fl[k + 1], "range");
      if (std::isinf(v)) fail("range of row " + quoted(fl[k]) + " is infinite");
      if (slot >= 0) range_[static_cast<std::size_t>(slot)] = v;  // ranges on N rows mean nothing
    }
  }

  void bounds_line(const Fields& fl) {
    if (fl.n < 2 || fl.n > 4)
      fail("BOUNDS line needs 2 to 4 fields (type, [set,] column[, value]), got " + std::to_string(fl.n));
    const std::string_view type = fl[0];
    enum class Kind : std::uint8_t { value, none, optional };
    Kind kind = Kind::value;
    if (type == "UP" || type == "LO" || type == "FX" || type == "LI" || type == "UI") kind = Kind::value;
    else if (type == "FR" || type == "MI" || type == "PL") kind = Kind::none;
    else if (type == "BV") kind = Kind::optional;
    else if (type == "SC") fail("semi-continuous bounds (SC) are not supported");
    else fail("unknown bound type " + quoted(type) + " (expected UP, LO, FX, FR, MI, PL, BV, LI or UI)");

    // Which fields are set, column and value: 4 fields always hold all three, 2 fields only the
    // column; 3 fields are [set, column] or [column, value] depending on the type.
    std::string_view set, col, value;
    bool has_set = false, has_value = false;
    if (fl.n == 4) {
      set = fl[1], col = fl[2], value = fl[3];
      has_set = has_value = true;
    } else if (fl.n == 2) {
      col = fl[1];
    } else if (kind == Kind::value) {
      col = fl[1], value = fl[2];
      has_value = true;
    } else {
      double ignored_value = 0.0;
      const bool col_value = col_by_name_.count(fl[1]) != 0 && col_by_name_.count(fl[2]) == 0 &&
                             parse_double(fl[2], ignored_value);
      if (col_value) {
        col = fl[1], value = fl[2];
        has_value = true;
      } else {
        set = fl[1], col = fl[2];
        has_set = true;
      }
    }
    if (kind == Kind::value && !has_value) fail("bound type " + std::string(type) + " needs a value");
    if (has_set && !first_set(bound_set_, set)) return;
    if (kind == Kind::value && fl.n == 3 && col_by_name_.count(fl[1]) == 0 && col_by_name_.count(fl[2]) != 0)
      fail("bound type " + std::string(type) + " needs a value");  // "UP BND x": set and column, no value
    const auto j = static_cast<std::size_t>(column(col));
    const double v = has_value ? number(value, "bound") : 0.0;
    if (has_value && std::isinf(v) && kind == Kind::value && (type == "FX" || type == "LI" || type == "UI"))
      fail("bound " + std::string(type) + " of column " + quoted(col) + " is infinite");

    // Bounds of magnitude >= kInfBound are infinite (docs/lp.md): one that leaves no value is
    // reported here, with its line.
    if (has_value && (type == "LO" || type == "LI" || type == "FX") && v >= kInfBound)
      fail("lower bound " + format_value(v) + " of column " + quoted(col) +
           " is +inf (bounds of magnitude >= 1e20 are infinite): the column has no feasible value");
    if (has_value && (type == "UP" || type == "UI" || type == "FX") && v <= -kInfBound)
      fail("upper bound " + format_value(v) + " of column " + quoted(col) +
           " is -inf (bounds of magnitude >= 1e20 are infinite): the column has no feasible value");
    double& lb = col_lb_[j];
    double& ub = col_ub_[j];
    if (type == "UP" || type == "UI") {
      ub = v;
      // CPLEX/HiGHS rule: a negative upper bound on a column with the default lower bound 0
      // frees the lower bound.
      if (v < 0 && !lb_set_[j] && lb == 0.0) lb = -kInf;
      if (type == "UI") col_type_[j] = VarType::integer;
    } else if (type == "LO" || type == "LI") {
      lb = v;
      lb_set_[j] = 1;
      if (type == "LI") col_type_[j] = VarType::integer;
    } else if (type == "FX") {
      lb = ub = v;
      lb_set_[j] = 1;
    } else if (type == "FR") {
      lb = -kInf;
      ub = kInf;
      lb_set_[j] = 1;
    } else if (type == "MI") {
      lb = -kInf;
      lb_set_[j] = 1;
    } else if (type == "PL") {
      ub = kInf;
    } else {  // BV
      lb = 0.0;
      ub = 1.0;
      lb_set_[j] = 1;
      col_type_[j] = VarType::binary;
    }
  }

  // ---- model -----------------------------------------------------------------------------
  Model build() const {
    Model m;
    const auto ncols = static_cast<std::int32_t>(col_name_.size());
    const auto nrows = static_cast<std::int32_t>(row_type_.size());
    const auto nnz = static_cast<std::int64_t>(entry_row_.size());
    m.set_name(name_);
    m.set_sense(sense_);
    m.set_obj_constant(obj_constant_);
    m.reserve(ncols, nrows, nnz);
    for (std::int32_t j = 0; j < ncols; ++j) {
      const auto k = static_cast<std::size_t>(j);
      m.add_var(col_lb_[k], col_ub_[k], obj_[k], col_type_[k], col_name_[k]);
    }
    // Column-wise entries -> row-wise by a counting sort; columns stay ascending in every row.
    std::vector<std::int64_t> start(static_cast<std::size_t>(nrows) + 1, 0);
    for (const std::int32_t r : entry_row_) ++start[static_cast<std::size_t>(r) + 1];
    for (std::size_t i = 0; i < static_cast<std::size_t>(nrows); ++i) start[i + 1] += start[i];
    std::vector<std::int64_t> next(start.begin(), start.end() - 1);
    std::vector<std::int32_t> cols(static_cast<std::size_t>(nnz));
    std::vector<double> vals(static_cast<std::size_t>(nnz));
    for (std::int32_t j = 0; j < ncols; ++j) {
      const auto k = static_cast<std::size_t>(j);
      for (std::int64_t p = col_start_[k]; p < col_start_[k + 1]; ++p) {
        const auto q = static_cast<std::size_t>(next[static_cast<std::size_t>(entry_row_[static_cast<std::size_t>(p)])]++);
        cols[q] = j;
        vals[q] = entry_value_[static_cast<std::size_t>(p)];
      }
    }
    for (std::int32_t i = 0; i < nrows; ++i) {
      const auto r = static_cast<std::size_t>(i);
      const double b = rhs_[r], range = range_[r];
      const double span = std::fabs(range);
      double lb = b, ub = b;
      switch (row_type_[r]) {
        case 'E':
          if (range > 0) ub = b + span;
          else if (range < 0) lb = b - span;
          break;
        case 'L':
          lb = std::isnan(range) ? -kInf : b - span;
          break;
        default:  // 'G'
          ub = std::isnan(range) ? kInf : b + span;
          break;
      }
      const auto first = static_cast<std::size_t>(start[r]);
      const auto count = static_cast<std::size_t>(start[r + 1] - start[r]);
      m.add_row(lb, ub, std::span<const std::int32_t>(cols.data() + first, count),
                std::span<const double>(vals.data() + first, count), row_name_[r]);
    }
    return m;
  }

  std::string_view text_;
  const std::string& source_;
  std::int64_t line_no_ = 0;
  Section section_ = Section::none;
  std::array<bool, 10> seen_{};

  std::string_view name_, obj_name_;
  Sense sense_ = Sense::minimize;
  bool sense_done_ = false;
  bool have_objective_ = false;
  double obj_constant_ = 0.0;

  std::unordered_map<std::string_view, std::int32_t> row_by_name_;
  std::vector<std::string_view> row_name_;  // constraint rows only
  std::vector<char> row_type_;              // 'L', 'G' or 'E'
  std::vector<double> rhs_, range_;         // range NaN = none given
  std::vector<std::int32_t> last_col_in_row_;

  std::unordered_map<std::string_view, std::int32_t> col_by_name_;
  std::vector<std::string_view> col_name_;
  std::vector<double> col_lb_, col_ub_, obj_;
  std::vector<VarType> col_type_;
  std::vector<char> lb_set_;  // lower bound given in BOUNDS (for the negative-UP rule)
  std::vector<std::int64_t> col_start_;
  std::vector<std::int32_t> entry_row_;
  std::vector<double> entry_value_;
  std::int32_t current_ = -1;
  bool obj_given_ = false;
  bool in_integer_ = false;

  std::string_view rhs_set_, range_set_, bound_set_;
};

// ------------------------------------------------------------------------------------------
// writing

void append_number(std::string& out, double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  out.append(buf, res.ptr);
}

std::string mps_legal(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') c = '_';
  return s;
}

// Renames duplicates to name_1, name_2, ... (names already in `used` count as taken).
void make_unique(std::vector<std::string>& names, std::unordered_set<std::string>& used) {
  for (auto& n : names) {
    if (used.insert(n).second) continue;
    for (std::int64_t k = 1;; ++k) {
      std::string candidate = n + "_" + std::to_string(k);
      if (used.insert(candidate).second) {
        n = std::move(candidate);
        break;
      }
    }
  }
}

bool same_bits(double a, double b) noexcept { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
bool is_plain_zero(double v) noexcept { return same_bits(v, 0.0); }

// Distance between two finite doubles in units in the last place (0 = same bits).
std::uint64_t ulp_distance(double a, double b) noexcept {
  const auto key = [](double v) {  // doubles ordered as unsigned integers
    const auto u = std::bit_cast<std::uint64_t>(v);
    return (u >> 63) ? ~u : (u | (std::uint64_t{1} << 63));
  };
  const std::uint64_t x = key(a), y = key(b);
  return x > y ? x - y : y - x;
}

// Picks the row type and range for lb < ub, both finite, such that the reader's arithmetic
// (G: [rhs, rhs + |R|], L: [rhs - |R|, rhs]) gives back exactly lb and ub. R = ub - lb is often
// rounded, so a few neighbouring values of R are tried as well. For some pairs (mostly bounds of
// opposite signs, e.g. [-100, 28.2]) no double R works; then the form whose rebuilt bound is
// fewest units in the last place away is used (one, in every case we measured).
void ranged_row(double lb, double ub, std::int32_t row, char& type, double& rhs, double& range) {
  const double r0 = ub - lb;
  if (!std::isfinite(r0))
    throw InputError("", "/rows/" + std::to_string(row), "range ub - lb overflows; the row cannot be written as MPS");
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  auto consider = [&](double r) {
    if (!(r > 0)) return;
    if (const auto d = ulp_distance(lb + r, ub); d < best) best = d, type = 'G', rhs = lb, range = r;
    if (const auto d = ulp_distance(ub - r, lb); d < best) best = d, type = 'L', rhs = ub, range = r;
  };
  consider(r0);
  double up = r0, down = r0;
  for (int step = 0; step < 4 && best != 0; ++step) {
    consider(up = std::nextafter(up, kInf));
    consider(down = std::nextafter(down, 0.0));
  }
}

void write_text_file(const std::string& path, const std::string& text) { io::write_text_file_atomically(path, text); }

}  // namespace

Model read_mps_string(std::string_view text, const std::string& source_name) {
  return MpsReader(text, source_name).run();
}

Model read_mps(const std::string& path) {
  const std::string text = io::read_text_file(path);
  return read_mps_string(text, path);
}

std::string to_mps_string(const Model& model) {
  model.validate();
  const std::int32_t n = model.num_vars(), m = model.num_rows();
  const auto lower = model.col_lower(), upper = model.col_upper(), obj = model.objective();
  const auto types = model.col_type();
  const auto row_lb = model.row_lower(), row_ub = model.row_upper();
  const auto start = model.row_start();
  const auto index = model.col_index();
  const auto values = model.values();

  std::vector<std::string> col_names(static_cast<std::size_t>(n)), row_names(static_cast<std::size_t>(m));
  for (std::int32_t j = 0; j < n; ++j) col_names[static_cast<std::size_t>(j)] = mps_legal(model.var_name(j));
  for (std::int32_t i = 0; i < m; ++i) row_names[static_cast<std::size_t>(i)] = mps_legal(model.row_name(i));
  // The bound set name must not be a column name, or "FR BND x" could read as column BND, value x.
  std::vector<std::string> bound_set{"BND"};
  {
    std::unordered_set<std::string> used;
    used.reserve(static_cast<std::size_t>(n) + 1);
    make_unique(col_names, used);
    make_unique(bound_set, used);
  }
  std::vector<std::string> obj_name{"obj"};
  {
    std::unordered_set<std::string> used;
    used.reserve(static_cast<std::size_t>(m) + 1);
    make_unique(row_names, used);
    make_unique(obj_name, used);
  }

  std::string out;
  out.reserve(static_cast<std::size_t>(model.num_nonzeros()) * 32 + static_cast<std::size_t>(n + m) * 40 + 256);
  out += "NAME";
  if (!model.name().empty()) out += " " + mps_legal(model.name());
  out += '\n';
  if (model.sense() == Sense::maximize) out += "OBJSENSE\n    MAX\n";

  // Rows: type, right-hand side and range per row.
  std::vector<char> type(static_cast<std::size_t>(m));
  std::vector<double> rhs(static_cast<std::size_t>(m), 0.0), range(static_cast<std::size_t>(m), kNaN);
  out += "ROWS\n N  " + obj_name[0] + '\n';
  for (std::int32_t i = 0; i < m; ++i) {
    const auto r = static_cast<std::size_t>(i);
    const double lb = row_lb[r], ub = row_ub[r];
    char& t = type[r];
    if (lb == -kInf && ub == kInf) t = 'N';
    else if (same_bits(lb, ub)) t = 'E', rhs[r] = lb;
    else if (lb == -kInf) t = 'L', rhs[r] = ub;
    else if (ub == kInf) t = 'G', rhs[r] = lb;
    else ranged_row(lb, ub, i, t, rhs[r], range[r]);
    out += ' ';
    out += t;
    out += "  ";
    out += row_names[r];
    out += '\n';
  }

  // Columns: the CSR matrix transposed to columns by a counting sort.
  std::vector<std::int64_t> cstart(static_cast<std::size_t>(n) + 1, 0);
  for (const std::int32_t j : index) ++cstart[static_cast<std::size_t>(j) + 1];
  for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) cstart[j + 1] += cstart[j];
  std::vector<std::int64_t> next(cstart.begin(), cstart.end() - 1);
  std::vector<std::int32_t> crow(index.size());
  std::vector<double> cval(index.size());
  for (std::int32_t i = 0; i < m; ++i) {
    const auto r = static_cast<std::size_t>(i);
    for (std::int64_t p = start[r]; p < start[r + 1]; ++p) {
      const auto pk = static_cast<std::size_t>(p);
      const auto q = static_cast<std::size_t>(next[static_cast<std::size_t>(index[pk])]++);
      crow[q] = i;
      cval[q] = values[pk];
    }
  }
  out += "COLUMNS\n";
  bool in_marker = false;
  int marker = 0;
  auto entry = [&](const std::string& col, const std::string& row, double v) {
    out += "    ";
    out += col;
    out += ' ';
    out += row;
    out += ' ';
    append_number(out, v);
    out += '\n';
  };
  for (std::int32_t j = 0; j < n; ++j) {
    const auto k = static_cast<std::size_t>(j);
    const bool integer = types[k] != VarType::continuous;
    if (integer != in_marker) {
      out += "    MARKER" + std::to_string(marker++) + (integer ? " 'MARKER' 'INTORG'\n" : " 'MARKER' 'INTEND'\n");
      in_marker = integer;
    }
    const bool empty = cstart[k] == cstart[k + 1];
    if (!is_plain_zero(obj[k]) || empty) entry(col_names[k], obj_name[0], obj[k]);  // an empty column needs a line
    for (std::int64_t p = cstart[k]; p < cstart[k + 1]; ++p) {
      const auto pk = static_cast<std::size_t>(p);
      entry(col_names[k], row_names[static_cast<std::size_t>(crow[pk])], cval[pk]);
    }
  }
  if (in_marker) out += "    MARKER" + std::to_string(marker++) + " 'MARKER' 'INTEND'\n";

  out += "RHS\n";
  if (!is_plain_zero(model.obj_constant())) entry("RHS", obj_name[0], -model.obj_constant());
  for (std::int32_t i = 0; i < m; ++i) {
    const auto r = static_cast<std::size_t>(i);
    if (type[r] != 'N' && !is_plain_zero(rhs[r])) entry("RHS", row_names[r], rhs[r]);
  }
  bool any_range = false;
  for (std::int32_t i = 0; i < m; ++i) {
    const auto r = static_cast<std::size_t>(i);
    if (std::isnan(range[r])) continue;
    if (!any_range) out += "RANGES\n";
    any_range = true;
    entry("RNG", row_names[r], range[r]);
  }

  std::string bounds;
  auto bound = [&](const char* kind, const std::string& col, const double* v) {
    bounds += ' ';
    bounds += kind;
    bounds += ' ';
    bounds += bound_set[0];
    bounds += ' ';
    bounds += col;
    if (v) {
      bounds += ' ';
      append_number(bounds, *v);
    }
    bounds += '\n';
  };
  for (std::int32_t j = 0; j < n; ++j) {
    const auto k = static_cast<std::size_t>(j);
    const double lb = lower[k], ub = upper[k];
    if (types[k] == VarType::binary) {
      bound("BV", col_names[k], nullptr);
      if (!is_plain_zero(lb)) bound("LO", col_names[k], &lb);
      if (!same_bits(ub, 1.0)) bound("UP", col_names[k], &ub);
      continue;
    }
    if (lb == -kInf && ub == kInf) {
      bound("FR", col_names[k], nullptr);
      continue;
    }
    if (same_bits(lb, ub)) {
      bound("FX", col_names[k], &lb);
      continue;
    }
    if (lb == -kInf) bound("MI", col_names[k], nullptr);
    else if (!is_plain_zero(lb) || ub < 0) bound("LO", col_names[k], &lb);  // explicit LO 0 defeats the negative-UP rule
    if (ub != kInf) bound("UP", col_names[k], &ub);
  }
  if (!bounds.empty()) out += "BOUNDS\n" + bounds;
  out += "ENDATA\n";
  return out;
}

void write_mps(const Model& model, const std::string& path) {
  std::string text;
  try {
    text = to_mps_string(model);
  } catch (const InputError& e) {
    throw InputError(path, e.path(), e.detail());
  }
  write_text_file(path, text);
}

}  // namespace ehub::lp
