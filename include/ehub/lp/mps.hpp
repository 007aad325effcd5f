// Free-format MPS files: read the netlib / MIPLIB exchange format into an lp::Model and write a
// model back out so that read_mps() returns an identical model (bounds, coefficients, types, names).
#pragma once

#include <string>
#include <string_view>

#include "ehub/export.hpp"
#include "ehub/lp/model.hpp"

namespace ehub::lp {

/// Reads the free-format MPS file at `path` (sections NAME, OBJSENSE, OBJNAME, ROWS, COLUMNS with
/// MARKER integer sections, RHS, RANGES, BOUNDS, ENDATA; see docs/mps.md for the exact rules).
///
/// The first N row is the objective (or the N row named in OBJNAME); further N rows are dropped.
/// An RHS value on the objective row is the negated objective constant. Integer columns of a
/// MARKER section get bounds [0, +inf) unless BOUNDS say otherwise; UP (or UI) with a negative
/// value on a column whose lower bound was not set in BOUNDS makes the lower bound -inf. Names of
/// the model, variables and rows are kept. Only the first RHS, RANGES and BOUNDS set is used.
///
/// Throws InputError(path, "line N", ...) with the 1-based line of the first bad line (unknown
/// section, wrong number of fields, unparsable number, unknown row or column, duplicate entry,
/// SC bound, missing ENDATA, empty file), or InputError(path, "", ...) when the file cannot be read.
EHUB_EXPORT Model read_mps(const std::string& path);

/// Reads free-format MPS text held in memory; errors name `source_name` as the file.
EHUB_EXPORT Model read_mps_string(std::string_view text, const std::string& source_name = "<string>");

/// Writes `model` as free-format MPS to `path`. The text goes to a temporary file in the same
/// directory that is then renamed over `path`, so no half-written file is ever left behind.
/// Throws InputError when the model fails Model::validate() or the file cannot be written.
EHUB_EXPORT void write_mps(const Model& model, const std::string& path);

/// The free-format MPS text of `model`, which read_mps_string() turns back into an identical model
/// (bit-identical numbers, same types and names) with two exceptions that the format imposes:
/// a free row (both bounds infinite) is written as an N row and therefore dropped on reading, and
/// a ranged row lb <= a'x <= ub is stored as a right-hand side and a width |R|, so when no double
/// R rebuilds both bounds exactly (e.g. [-100, 28.2]) one bound comes back one unit in the last
/// place off (a relative error of about 1e-16). Names are made MPS-legal
/// (white space becomes '_', duplicates get a suffix "_k"); unnamed variables and rows are
/// written as "x<j>" and "r<i>". Integer and binary columns go into MARKER sections, binaries get
/// BV bounds, maximisation an OBJSENSE MAX section, the objective constant c0 the RHS value -c0
/// on the objective row "obj". Throws InputError when the model fails Model::validate().
EHUB_EXPORT std::string to_mps_string(const Model& model);

}  // namespace ehub::lp
