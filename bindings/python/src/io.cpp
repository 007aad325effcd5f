// Bindings of ehub.io (filled as the io layer lands).
#include "bindings.hpp"

namespace ehub::python {
void bind_io(py::module_& /*m*/) {}
}  // namespace ehub::python
