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

/// Files commands write go through ehub::io::write_text_file_atomically (never half-written).

}  // namespace ehub::cli
