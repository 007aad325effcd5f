// The error hierarchy of ehub: bad input and broken backends throw; solver outcomes such as
// "infeasible" are values in results, never exceptions.
#pragma once

#include <stdexcept>
#include <string>

#include "ehub/export.hpp"

namespace ehub {

/// `s` with every byte that is not part of valid UTF-8 (and every NUL) written as "\xNN", so an
/// error message that quotes bad input is always printable and always valid UTF-8 (Python
/// decodes it without a UnicodeDecodeError). Valid UTF-8 comes back unchanged.
EHUB_EXPORT std::string printable_utf8(std::string s);

/// Base of every exception ehub throws. `id()` is a stable identifier such as "ehub.input".
class EHUB_EXPORT Error : public std::runtime_error {
 public:
  /// Creates an error with stable id `id` and the full human-readable message `what`.
  Error(std::string id, const std::string& what);
  /// Stable identifier of the error kind, e.g. "ehub.input", "ehub.solver".
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

/// Bad user input: a file, a JSON value, a series, an argument. The message names the file (if
/// any) and the JSON-pointer-like path or line of the bad value:
///   `[ehub.input] park.json: /devices/3/capacity_kw: must be > 0, got -5`
class EHUB_EXPORT InputError : public Error {
 public:
  /// `file` may be empty (input from memory); `path` is a JSON pointer ("/devices/3/capacity_kw")
  /// or a location such as "line 17" and may be empty; `detail` says what is wrong.
  InputError(std::string file, std::string path, std::string detail);
  /// The file the bad value came from, or "" when the input did not come from a file.
  const std::string& file() const noexcept { return file_; }
  /// JSON pointer or "line N[, column C]" of the bad value; "" when not applicable.
  const std::string& path() const noexcept { return path_; }
  /// What is wrong, without file and path.
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string file_, path_, detail_;
};

/// A solver backend failed or cannot do what was asked (e.g. integers given to an LP-only
/// backend). Infeasible or unbounded models are not errors; they are statuses in the result.
class EHUB_EXPORT SolverError : public Error {
 public:
  /// `backend` names the solver backend ("clp", "cbc", "glpk", or a user's).
  SolverError(std::string backend, const std::string& detail);
  /// Name of the backend that failed.
  const std::string& backend() const noexcept { return backend_; }

 private:
  std::string backend_;
};

}  // namespace ehub
