// Forward declarations of ehub's main types, for headers that only pass them around.
#pragma once

namespace ehub {
class Error;
class InputError;
class SolverError;
class TimeGrid;
class Series;
namespace lp {
class Model;
class Solver;
struct SolveOptions;
struct SolveResult;
}  // namespace lp
}  // namespace ehub
