// Error types: formats messages as "[id] file: path: detail".
#include "ehub/core/error.hpp"

namespace ehub {
namespace {
std::string format_input(const std::string& file, const std::string& path, const std::string& detail) {
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on chained operator+ at -O2.
  std::string s;
  s.reserve(16 + file.size() + path.size() + detail.size());
  s.append("[ehub.input] ");
  if (!file.empty()) s.append(file).append(": ");
  if (!path.empty()) s.append(path).append(": ");
  s.append(detail);
  return s;
}
}  // namespace

Error::Error(std::string id, const std::string& what) : std::runtime_error(what), id_(std::move(id)) {}

InputError::InputError(std::string file, std::string path, std::string detail)
    : Error("ehub.input", format_input(file, path, detail)),
      file_(std::move(file)), path_(std::move(path)), detail_(std::move(detail)) {}

SolverError::SolverError(std::string backend, const std::string& detail)
    : Error("ehub.solver", std::string("[ehub.solver] ").append(backend).append(": ").append(detail)),
      backend_(std::move(backend)) {}

}  // namespace ehub
