// ehub umbrella header: everything public in one include. For faster builds include only the
// headers of the layers you use (ehub/core/..., ehub/io/..., ehub/lp/...).
#pragma once

#include "ehub/fwd.hpp"
#include "ehub/version.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/lp/lp_format.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/solver.hpp"
