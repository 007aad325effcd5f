// One table per enum: the value-name pairs that drive to_string, from_string (with the list of
// valid names in the error), JSON and the Python enum (bindings iterate the same table), so a
// name is written once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ehub/core/error.hpp"

namespace ehub {

/// One entry of an enum's name table.
template <class E>
struct EnumName {
  E value;                ///< the enumerator
  std::string_view name;  ///< its name in files, the CLI and Python
};

/// The name of `e` in `table`; "?" for a value not in it.
template <class E, std::size_t N>
constexpr std::string_view enum_name(const EnumName<E> (&table)[N], E e) noexcept {
  for (const auto& entry : table)
    if (entry.value == e) return entry.name;
  return "?";
}

/// The names of `table`, comma-separated ("a, b, c").
template <class E, std::size_t N>
std::string enum_names_list(const EnumName<E> (&table)[N]) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

/// The value named `name` in `table`; otherwise InputError at JSON path `path` saying
/// `unknown <what> "<name>"; known: a, b, c`.
template <class E, std::size_t N>
E enum_from_name(const EnumName<E> (&table)[N], std::string_view name, std::string_view what, std::string_view path) {
  for (const auto& entry : table)
    if (entry.name == name) return entry.value;
  std::string msg = "unknown ";
  msg.append(what).append(" \"").append(name).append("\"; known: ").append(enum_names_list(table));
  throw InputError("", std::string(path), msg);
}

}  // namespace ehub
