// The forecast layer in one include: calendars and holidays, inputs and cleaning, the forecaster
// interface and registry, the built-in models, metrics and rolling-origin backtests.
#pragma once

#include "ehub/forecast/backtest.hpp"
#include "ehub/forecast/baselines.hpp"
#include "ehub/forecast/calendar.hpp"
#include "ehub/forecast/data.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/forecast/linear.hpp"
#include "ehub/forecast/metrics.hpp"
#include "ehub/forecast/physical.hpp"
#include "ehub/forecast/regression.hpp"
#include "ehub/forecast/trees.hpp"
