// JSON helpers: file loading with line/column errors and the pointer-tracking JsonReader.
#include "ehub/core/format.hpp"
#include "ehub/io/json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "ehub/io/text_file.hpp"

namespace ehub::io {
namespace {

// Describes a JSON value for "expected X, got Y" messages.
std::string describe(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? "boolean true" : "boolean false";
    case nlohmann::json::value_t::string: {
      std::string s = j.get_ref<const std::string&>();
      if (s.size() > 40) {  // cut at a character boundary: half a UTF-8 sequence made dump() throw
        std::size_t cut = 40;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s = s.substr(0, cut) + "...";
      }
      return "string " + nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "number " + j.dump();
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    default:
      return "an unsupported value";
  }
}

// "line L, column C" from the parser's message when it carries one, else from the byte offset.
std::string parse_error_location(const nlohmann::json::parse_error& e, std::string_view text, std::string& message) {
  const std::string what = e.what();
  message = what;
  const std::size_t at = what.find(" at line ");
  if (at != std::string::npos) {
    const std::size_t colon = what.find(": ", at);
    if (colon != std::string::npos) {
      message = what.substr(colon + 2);
      return what.substr(at + 4, colon - at - 4);
    }
  }
  const std::size_t colon = what.find(": ");
  if (colon != std::string::npos) message = what.substr(colon + 2);
  // e.byte is 1-based: the last character read.
  const std::size_t end = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(end - line_start + 1);
}

}  // namespace

std::string format_number(double value) { return ehub::format_number(value); }

std::string escape_json_pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void check_json_depth(std::string_view text, const std::string& source_name, std::size_t max_depth) {
  std::size_t depth = 0, line = 1, line_start = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    }
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        throw InputError(source_name, "line " + std::to_string(line) + ", column " + std::to_string(i - line_start + 1),
                         "JSON nested deeper than " + std::to_string(max_depth) + " levels");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

void check_json_depth(const nlohmann::json& j, const std::string& source_name, std::size_t max_depth) {
  // Iterative (an explicit stack of containers and their depth): the check itself must not recurse.
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&j, 0}};
  while (!pending.empty()) {
    const auto [v, depth] = pending.back();
    pending.pop_back();
    if (!v->is_structured()) continue;
    if (depth + 1 > max_depth)
      throw InputError(source_name, "", "JSON nested deeper than " + std::to_string(max_depth) + " levels");
    for (const auto& child : *v)
      if (child.is_structured()) pending.emplace_back(&child, depth + 1);
  }
}

nlohmann::json parse_json(std::string_view text, const std::string& source_name) {
  // Copies, dumps and comparisons of nlohmann::json recurse: bound the nesting before parsing.
  check_json_depth(text, source_name, kMaxJsonDepth);
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    std::string message;
    const std::string where = parse_error_location(e, text, message);
    throw InputError(source_name, where, "malformed JSON: " + message);
  } catch (const nlohmann::json::exception& e) {
    // e.g. out_of_range 406: a number too large to represent; the exception carries no position.
    std::string what = e.what();
    if (what.rfind("[json.exception.", 0) == 0 && what.find("] ") != std::string::npos)
      what = what.substr(what.find("] ") + 2);
    throw InputError(source_name, "", "malformed JSON: " + what);
  }
}

nlohmann::json load_json_file(const std::string& path) {
  const std::string text = read_text_file(path);
  return parse_json(text, path);
}

// ---------------------------------------------------------------------------------------------
// JsonReader

JsonReader::JsonReader(const nlohmann::json& j, std::string file, std::string pointer)
    : j_(&j), file_(std::move(file)), pointer_(std::move(pointer)) {}

std::string JsonReader::pointer_of(std::string_view key) const {
  return pointer_ + "/" + escape_json_pointer_token(key);
}

std::string JsonReader::pointer_of(std::size_t index) const { return pointer_ + "/" + std::to_string(index); }

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  const auto lower = [](std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
  };
  const std::string a = lower(name);
  std::string best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& cand : candidates) {
    const std::string b = lower(cand);
    // Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j) {
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    // A known name that contains the key or is contained in it ("sell" for "sell_per_kwh") counts
    // as close too.
    std::size_t dist = d[a.size()][b.size()];
    if (a.size() >= 3 && b.size() >= 3 && (b.find(a) != std::string::npos || a.find(b) != std::string::npos))
      dist = std::min(dist, std::size_t{2});
    if (dist < best_d) {
      best_d = dist;
      best = cand;
    }
  }
  if (best_d > std::max<std::size_t>(2, a.size() / 3)) return "";
  return best;
}

std::string unknown_key_message(std::string_view key, const std::vector<std::string>& known, std::string_view what) {
  std::string msg = "unknown key \"" + std::string(key) + "\"";
  if (!what.empty()) msg += " " + std::string(what);
  const std::string near = nearest_name(key, known);
  if (!near.empty()) msg += " (did you mean \"" + near + "\"?)";
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  return msg + "; known keys: " + list;
}

InputError JsonReader::error(std::string detail) const { return InputError(file_, pointer_, std::move(detail)); }

InputError JsonReader::error_at(std::string_view key, std::string detail) const {
  return InputError(file_, pointer_of(key), std::move(detail));
}

bool JsonReader::has(std::string_view key) const { return j_->is_object() && j_->find(std::string(key)) != j_->end(); }

std::vector<std::string> JsonReader::keys() const {
  if (!j_->is_object()) throw error("expected an object, got " + describe(*j_));
  std::vector<std::string> out;
  out.reserve(j_->size());
  for (auto it = j_->begin(); it != j_->end(); ++it) out.push_back(it.key());
  return out;
}

std::size_t JsonReader::size() const {
  if (!j_->is_object() && !j_->is_array()) throw error("expected an array or an object, got " + describe(*j_));
  return j_->size();
}

JsonReader JsonReader::at(std::string_view key) const {
  if (!j_->is_object()) throw error("expected an object, got " + describe(*j_));
  const auto it = j_->find(std::string(key));
  if (it == j_->end()) throw error_at(key, "required key is missing");
  return JsonReader(*it, file_, pointer_of(key));
}

JsonReader JsonReader::at(std::size_t index) const {
  if (!j_->is_array()) throw error("expected an array, got " + describe(*j_));
  if (index >= j_->size())
    throw InputError(file_, pointer_of(index),
                     "index " + std::to_string(index) + " is out of range (the array has " +
                         std::to_string(j_->size()) + " elements)");
  return JsonReader((*j_)[index], file_, pointer_of(index));
}

const nlohmann::json* JsonReader::find_optional(std::string_view key) const {
  if (!j_->is_object()) throw error("expected an object, got " + describe(*j_));
  const auto it = j_->find(std::string(key));
  return it == j_->end() || it->is_null() ? nullptr : &*it;
}

std::vector<JsonReader> JsonReader::elements() const {
  if (!j_->is_array()) throw error("expected an array, got " + describe(*j_));
  std::vector<JsonReader> out;
  out.reserve(j_->size());
  for (std::size_t i = 0; i < j_->size(); ++i) out.emplace_back((*j_)[i], file_, pointer_of(i));
  return out;
}

void JsonReader::expect_only_keys(std::initializer_list<std::string_view> allowed) const {
  expect_only_keys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void JsonReader::expect_only_keys(const std::vector<std::string>& allowed, std::string_view what) const {
  if (!j_->is_object()) throw error("expected an object, got " + describe(*j_));
  for (auto it = j_->begin(); it != j_->end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    throw error_at(it.key(), unknown_key_message(it.key(), allowed, what));
  }
}

double JsonReader::number() const {
  if (!j_->is_number()) throw error("expected a number, got " + describe(*j_));
  const double v = j_->get<double>();
  if (!std::isfinite(v)) throw error("must be a finite number, got " + format_number(v));
  return v;
}

std::int64_t JsonReader::integer() const {
  if (j_->is_number_integer() && !j_->is_number_unsigned()) return j_->get<std::int64_t>();
  if (j_->is_number_unsigned()) {
    const auto u = j_->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      throw error("integer " + std::to_string(u) + " is too large");
    return static_cast<std::int64_t>(u);
  }
  if (j_->is_number_float()) {
    const double v = j_->get<double>();
    // 2^63 is exactly representable; every double below it in magnitude fits int64.
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9223372036854775808.0)
      return static_cast<std::int64_t>(v);
    throw error("expected an integer, got " + format_number(v));
  }
  throw error("expected an integer, got " + describe(*j_));
}

std::string JsonReader::string() const {
  if (!j_->is_string()) throw error("expected a string, got " + describe(*j_));
  return j_->get<std::string>();
}

bool JsonReader::boolean() const {
  if (!j_->is_boolean()) throw error("expected true or false, got " + describe(*j_));
  return j_->get<bool>();
}

std::vector<double> JsonReader::numbers() const {
  if (!j_->is_array()) throw error("expected an array of numbers, got " + describe(*j_));
  std::vector<double> out;
  out.reserve(j_->size());
  for (std::size_t i = 0; i < j_->size(); ++i) out.push_back(JsonReader((*j_)[i], file_, pointer_of(i)).number());
  return out;
}

double JsonReader::required_number(std::string_view key) const { return at(key).number(); }

double JsonReader::optional_number(std::string_view key, double default_value) const {
  const nlohmann::json* v = find_optional(key);
  return v == nullptr ? default_value : JsonReader(*v, file_, pointer_of(key)).number();
}

double JsonReader::positive_number(std::string_view key) const {
  const double v = required_number(key);
  if (!(v > 0)) throw error_at(key, "must be > 0, got " + format_number(v));
  return v;
}

double JsonReader::non_negative_number(std::string_view key) const {
  const double v = required_number(key);
  if (!(v >= 0)) throw error_at(key, "must be >= 0, got " + format_number(v));
  return v;
}

double JsonReader::number_in_range(std::string_view key, double lo, double hi) const {
  const double v = required_number(key);
  if (!(v >= lo && v <= hi))
    throw error_at(key, "must be in [" + format_number(lo) + ", " + format_number(hi) + "], got " + format_number(v));
  return v;
}

std::int64_t JsonReader::required_int(std::string_view key) const { return at(key).integer(); }

std::int64_t JsonReader::optional_int(std::string_view key, std::int64_t default_value) const {
  const nlohmann::json* v = find_optional(key);
  return v == nullptr ? default_value : JsonReader(*v, file_, pointer_of(key)).integer();
}

std::string JsonReader::required_string(std::string_view key) const { return at(key).string(); }

std::string JsonReader::optional_string(std::string_view key, std::string default_value) const {
  const nlohmann::json* v = find_optional(key);
  return v == nullptr ? std::move(default_value) : JsonReader(*v, file_, pointer_of(key)).string();
}

bool JsonReader::boolean(std::string_view key) const { return at(key).boolean(); }

bool JsonReader::optional_boolean(std::string_view key, bool default_value) const {
  const nlohmann::json* v = find_optional(key);
  return v == nullptr ? default_value : JsonReader(*v, file_, pointer_of(key)).boolean();
}

std::vector<double> JsonReader::array_of_numbers(std::string_view key) const { return at(key).numbers(); }

}  // namespace ehub::io
