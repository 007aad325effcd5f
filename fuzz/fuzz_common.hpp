// Shared by the libFuzzer harnesses: the one rule they check is docs/io.md's promise that a reader
// either succeeds or throws ehub::InputError. Any other exception, a crash, a hang or a sanitizer
// report is a finding.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "ehub/core/error.hpp"

namespace ehub::fuzz {

/// Runs `fn`; an InputError is an accepted outcome, anything else thrown aborts (libFuzzer then
/// keeps the input as a crash).
template <typename Fn>
void expect_input_errors_only(Fn&& fn) {
  try {
    fn();
  } catch (const ehub::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ehub fuzz: not an InputError: %s\n", e.what());
    std::abort();
  }
}

}  // namespace ehub::fuzz
