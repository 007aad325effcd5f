// CPLEX-LP files for humans: an algebraic view of an lp::Model (objective, rows, bounds, integer
// sections) to read, diff or hand to another solver; MPS (ehub/lp/mps.hpp) is the exact format.
#pragma once

#include <string>

#include "ehub/export.hpp"
#include "ehub/lp/model.hpp"

namespace ehub::lp {

/// The CPLEX-LP text of `model`:
///
///     \ ehub model: <name>
///     Minimize            (or Maximize)
///      obj: 2 x - y + 3   (a nonzero objective constant is written as a trailing number)
///     Subject To
///      c1: x + y <= 4
///      r_lo: x - y >= -1  (a ranged row lb <= a'x <= ub becomes the two rows <name>_lo, _hi)
///      r_hi: x - y <= 3
///     Bounds
///      y free
///      -inf <= z <= 5
///     General
///      n
///     Binary
///      b
///     End
///
/// Names are made LP-legal: characters CPLEX does not allow become '_' ('[' and ']' become '('
/// and ')'), a name starting with a digit or '.', one that could read as an exponent (e, e1, ee)
/// or one that is a keyword (st, free, inf, end, ...) gets a leading '_', names are cut to 255
/// characters and duplicates get a suffix "_k". Unnamed variables and rows are "x<j>" and "r<i>".
/// A free row (both bounds infinite) cannot be written in LP format and appears as a comment.
/// Numbers are written in the shortest form that reads back to the same double. Long
/// expressions are wrapped onto continuation lines. The model is not validated: this format is
/// meant for looking at models, including broken ones.
EHUB_EXPORT std::string to_lp_string(const Model& model);

/// Writes to_lp_string(model) to `path` through a temporary file in the same directory that is
/// renamed over `path` (no half-written file is left). Throws InputError when writing fails.
EHUB_EXPORT void write_lp(const Model& model, const std::string& path);

}  // namespace ehub::lp
