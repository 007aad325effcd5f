// Sub-commands of the ehub CLI: each lives in its own source file and is registered by main.cpp.
// A command adds its options to the app and returns the action to run when it was given.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace ehub::cli {

/// Exit codes of every command: 0 ok, 1 bad input, 2 usage, 3 solver failure.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSolver = 3;

/// A registered sub-command: its CLI11 app and what to run when it was parsed.
struct Command {
  CLI::App* app = nullptr;     ///< the sub-command
  std::function<int()> run;    ///< returns the exit code
};

/// Number checks with messages a user can act on ("must be >= 0, got -1"), instead of CLI11's
/// range checks that print the largest double in full (309 digits).
inline CLI::Validator non_negative_number() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(v, x)) return "expected a number, got \"" + v + "\"";
        return x >= 0 ? std::string() : "must be >= 0, got " + v;
      },
      "NUMBER >= 0");
}
/// As non_negative_number, for values that must be > 0.
inline CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        double x = 0;
        if (!CLI::detail::lexical_cast(v, x)) return "expected a number, got \"" + v + "\"";
        return x > 0 ? std::string() : "must be > 0, got " + v;
      },
      "NUMBER > 0");
}

/// Files commands write go through ehub::io::write_text_file_atomically (never half-written).

}  // namespace ehub::cli
