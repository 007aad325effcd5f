// Private: the Clp LP machinery shared by the "clp" backend and the "cbc" backend (which solves
// models without integer variables with Clp directly, keeping duals and the warm basis).
#pragma once

#include <ClpSimplex.hpp>
#include <CoinMessageHandler.hpp>

#include "backend_common.hpp"

namespace ehub::lp::detail {

/// A CoinMessageHandler that hands every message to the LogSink of the running solve, or drops it
/// when no solve is running. COIN-OR copies share the pointer to it, so one instance lives as
/// long as the backend that owns the COIN-OR objects.
class ForwardingHandler final : public CoinMessageHandler {
 public:
  ForwardingHandler() { setLogLevel(0); }
  /// Routes messages to `sink` (nullptr: drop them).
  void set_sink(LogSink* sink) noexcept { sink_ = sink; }
  /// Called by COIN-OR for each message that passes the log level.
  int print() override {
    if (sink_) {
      sink_->write(messageBuffer());
      sink_->write("\n");
    }
    return 0;
  }
  /// COIN-OR's virtual copy.
  CoinMessageHandler* clone() const override { return new ForwardingHandler(*this); }

 private:
  LogSink* sink_ = nullptr;
};

/// Points a ForwardingHandler at a sink for the duration of one solve.
class SinkScope {
 public:
  /// Routes `h` to `sink` until destruction.
  SinkScope(ForwardingHandler& h, LogSink& sink) noexcept : h_(h) { h_.set_sink(&sink); }
  ~SinkScope() { h_.set_sink(nullptr); }
  SinkScope(const SinkScope&) = delete;
  SinkScope& operator=(const SinkScope&) = delete;

 private:
  ForwardingHandler& h_;
};

/// What a backend remembers between solves of the LP in one ClpSimplex.
struct ClpLpState {
  bool has_basis = false;       ///< the last solve left a basis worth starting from
  bool obj_changed = false;     ///< objective coefficients changed since the last solve
  bool bounds_changed = false;  ///< variable or row bounds changed since the last solve
  double pending_handoff_s = 0; ///< load() conversion time not yet reported in a result
  // Clp's own defaults, restored before each solve so backend options apply to one solve only.
  double primal_tolerance = 1e-7, dual_tolerance = 1e-7;
  int perturbation = 50, scaling = 3;
};

/// Records Clp's default tolerances etc. of freshly loaded `clp` into `state`.
void remember_clp_defaults(const ClpSimplex& clp, ClpLpState& state);

/// Solves the LP loaded in `clp` (cold through ClpSolve with presolve, or warm from the basis of
/// the previous solve) and fills `r` (status, objective + `obj_constant`, primal values, row
/// activities, duals and reduced costs, iterations). `backend` names the caller in messages and
/// backend options ("clp:..." or "cbc:..." keys are read by the respective caller only).
void solve_lp_with_clp(ClpSimplex& clp, ForwardingHandler& handler, const SolveOptions& options,
                       ClpLpState& state, double obj_constant, const char* backend, LogSink& sink, SolveResult& r);

}  // namespace ehub::lp::detail
