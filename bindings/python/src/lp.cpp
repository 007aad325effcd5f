// Bindings of ehub.lp (filled as the lp layer lands).
#include "bindings.hpp"

namespace ehub::python {
void bind_lp(py::module_& /*m*/) {}
}  // namespace ehub::python
