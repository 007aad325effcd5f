// JSON helpers: load and parse JSON with errors that name the file and line, and a reader that
// fetches typed, validated values and reports the exact JSON pointer of a bad or missing one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/export.hpp"

namespace ehub::io {

/// Deepest nesting of arrays and objects the JSON readers accept; deeper input is an InputError
/// (copying, printing or comparing a deeper document would recurse past the stack).
inline constexpr std::size_t kMaxJsonDepth = 256;

/// Throws InputError(source_name, "line L, column C", "JSON nested deeper than N levels") at the
/// first bracket of `text` that opens level `max_depth` + 1 (brackets inside strings do not count).
EHUB_EXPORT void check_json_depth(std::string_view text, const std::string& source_name,
                                  std::size_t max_depth = kMaxJsonDepth);

/// The same limit for a JSON value already in memory (checked without recursion); throws
/// InputError(source_name, "", ...) when `j` is nested deeper than `max_depth`.
EHUB_EXPORT void check_json_depth(const nlohmann::json& j, const std::string& source_name,
                                  std::size_t max_depth = kMaxJsonDepth);

/// Reads and parses the JSON file at `path`. Throws InputError(path, "", "cannot open ...") when
/// the file cannot be read and InputError(path, "line L, column C", parser message) when it is
/// not valid JSON or nested deeper than kMaxJsonDepth.
EHUB_EXPORT nlohmann::json load_json_file(const std::string& path);

/// Parses JSON text held in memory; `source_name` stands in for the file name in errors (it may
/// be empty). Throws InputError(source_name, "line L, column C", ...) on malformed JSON.
EHUB_EXPORT nlohmann::json parse_json(std::string_view text, const std::string& source_name);

/// Escapes one JSON-pointer reference token per RFC 6901: '~' becomes "~0", '/' becomes "~1".
EHUB_EXPORT std::string escape_json_pointer_token(std::string_view key);

/// Formats a number the way error messages show it: shortest round-trip form ("-5", "0.25"),
/// "NaN", "inf" or "-inf".
EHUB_EXPORT std::string format_number(double value);

/// The name among `candidates` closest to `name` by edit distance (insertions, deletions,
/// substitutions and swaps of neighbours, case-insensitive), or "" when none is close enough to be
/// a likely misspelling (distance above max(2, length / 3)). Used for "did you mean ...?".
EHUB_EXPORT std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

/// The unknown-key message of every strict JSON object of ehub: `unknown key "x" (did you mean
/// "y"?); known keys: a, b, c` (the hint only when a known key is close), `what` naming the
/// object ("for device type \"pv\"", "in /time") when not empty.
EHUB_EXPORT std::string unknown_key_message(std::string_view key, const std::vector<std::string>& known,
                                            std::string_view what = {});

/// A read-only view of one JSON value that knows where it came from (file and JSON pointer), so
/// every value it hands out is checked and every error names the exact place:
///
///     JsonReader r(json, "park.json");
///     double cap_kw = r.at("devices").at(3).positive_number("capacity_kw");
///     // -> InputError "park.json: /devices/3/capacity_kw: must be > 0, got -5"
///
/// The reader borrows the JSON value: keep it alive while the reader (and its children) live.
/// Optional getters treat an explicit `null` like a missing key.
class EHUB_EXPORT JsonReader {
 public:
  /// A reader over `j` from `file` ("" for in-memory input), located at JSON pointer `pointer`
  /// ("" is the document root).
  JsonReader(const nlohmann::json& j, std::string file, std::string pointer = "");

  /// The JSON value this reader looks at.
  const nlohmann::json& json() const noexcept { return *j_; }
  /// File name given at construction ("" for in-memory input).
  const std::string& file() const noexcept { return file_; }
  /// JSON pointer of this value ("" for the root, "/devices/3" for a child).
  const std::string& pointer() const noexcept { return pointer_; }
  /// JSON pointer of member `key` of this value (the key escaped per RFC 6901).
  std::string pointer_of(std::string_view key) const;
  /// JSON pointer of element `index` of this value.
  std::string pointer_of(std::size_t index) const;

  /// True when this value is an object that has member `key` (even if it is null).
  bool has(std::string_view key) const;
  /// Member names of this object (sorted); throws InputError when this is not an object.
  std::vector<std::string> keys() const;
  /// Number of elements of an array or members of an object; throws InputError otherwise.
  std::size_t size() const;
  /// True when this value is an object.
  bool is_object() const noexcept { return j_->is_object(); }
  /// True when this value is an array.
  bool is_array() const noexcept { return j_->is_array(); }
  /// True when this value is null.
  bool is_null() const noexcept { return j_->is_null(); }

  /// Child reader for member `key`; throws InputError "required key is missing" (path = the
  /// member's pointer) when absent, or "expected an object, got ..." when this is not an object.
  JsonReader at(std::string_view key) const;
  /// Child reader for element `index`; throws InputError when this is not an array or the index
  /// is out of range.
  JsonReader at(std::size_t index) const;
  /// Children of an array, in order; throws InputError when this is not an array.
  std::vector<JsonReader> elements() const;
  /// Throws InputError naming the first member of this object that is not in `allowed` (catches
  /// misspelt keys such as "capcity_kw"); throws when this is not an object.
  void expect_only_keys(std::initializer_list<std::string_view> allowed) const;
  /// As above with the allowed names in a vector; `what` names the object in the message
  /// (see unknown_key_message).
  void expect_only_keys(const std::vector<std::string>& allowed, std::string_view what = {}) const;

  /// This value as a finite number; throws "expected a number, got string \"abc\"" or
  /// "must be a finite number, got NaN".
  double number() const;
  /// This value as an integer (an integral floating value such as 4.0 is accepted).
  std::int64_t integer() const;
  /// This value as a string.
  std::string string() const;
  /// This value as a boolean.
  bool boolean() const;
  /// This value as an array of finite numbers; errors name the bad element ("/x/2").
  std::vector<double> numbers() const;

  /// Member `key` as a finite number (required).
  double required_number(std::string_view key) const;
  /// Member `key` as a finite number, or `default_value` when missing or null.
  double optional_number(std::string_view key, double default_value) const;
  /// Member `key` as a number > 0 ("must be > 0, got -5").
  double positive_number(std::string_view key) const;
  /// Member `key` as a number >= 0 ("must be >= 0, got -1").
  double non_negative_number(std::string_view key) const;
  /// Member `key` as a number in [lo, hi] ("must be in [0, 1], got 1.5").
  double number_in_range(std::string_view key, double lo, double hi) const;
  /// Member `key` as an integer (required).
  std::int64_t required_int(std::string_view key) const;
  /// Member `key` as an integer, or `default_value` when missing or null.
  std::int64_t optional_int(std::string_view key, std::int64_t default_value) const;
  /// Member `key` as a string (required).
  std::string required_string(std::string_view key) const;
  /// Member `key` as a string, or `default_value` when missing or null.
  std::string optional_string(std::string_view key, std::string default_value) const;
  /// Member `key` as a boolean (required).
  bool boolean(std::string_view key) const;
  /// Member `key` as a boolean, or `default_value` when missing or null.
  bool optional_boolean(std::string_view key, bool default_value) const;
  /// Member `key` as an array of finite numbers (required).
  std::vector<double> array_of_numbers(std::string_view key) const;

  /// An InputError with this reader's file and pointer and the given detail, to throw.
  InputError error(std::string detail) const;
  /// An InputError about member `key` of this value (path = this pointer + "/" + key).
  InputError error_at(std::string_view key, std::string detail) const;

 private:
  // Member `key` of this object, or nullptr when it is missing or null; throws unless an object.
  const nlohmann::json* find_optional(std::string_view key) const;

  const nlohmann::json* j_;
  std::string file_;
  std::string pointer_;
};

}  // namespace ehub::io
