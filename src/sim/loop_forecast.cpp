// The mpc strategy's forecasts: seasonal naive, or a forecast-module model refitted on the data
// before each decision.
#include "ehub/sim/rolling.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/sim/twin.hpp"
#include "park.hpp"

namespace ehub::sim::detail {

// Seasonal naive: step d + k gets the value of step d - day + (k mod day), always before d.
std::vector<double> seasonal_naive(const std::vector<double>& actual, std::int64_t d, std::int64_t w, std::int64_t day,
                                   std::int64_t& fallback_steps, std::int64_t executed) {
  std::vector<double> f(static_cast<std::size_t>(w));
  for (std::int64_t k = 0; k < w; ++k) {
    const std::int64_t src = d - day + k % day;
    if (src >= 0) {
      f[static_cast<std::size_t>(k)] = actual[static_cast<std::size_t>(src)];
    } else {  // no history before the scenario start: the first day is taken as known
      f[static_cast<std::size_t>(k)] = actual[static_cast<std::size_t>(d + k)];
      if (k < executed) ++fallback_steps;
    }
  }
  return f;
}

std::vector<double> SeriesModel::forecast(const Park& P, const std::vector<double>& actual, std::int64_t d, std::int64_t w,
                             std::int64_t day, int refit_days, std::int64_t& fallback, std::int64_t& baseline,
                             std::int64_t executed) {
  if (d >= 2 * day && model) {
    try {
      const int sm = P.grid.step_minutes();
      forecast::History h;
      Eigen::VectorXd past(d);
      for (std::int64_t t = 0; t < d; ++t) past[t] = actual[static_cast<std::size_t>(t)];
      h.target = Series(TimeGrid(P.grid.start_unix_s(), sm, d), std::move(past));
      if (fitted_at < 0 || d - fitted_at >= refit_days * day) {
        model->fit(h);
        fitted_at = d;
      }
      const auto f = model->predict(h, P.grid.time_unix_s(d), TimeGrid(P.grid.time_unix_s(d), sm, w));
      for (; seen_upto < d; ++seen_upto) max_seen = std::max(max_seen, actual[static_cast<std::size_t>(seen_upto)]);
      std::vector<double> out(static_cast<std::size_t>(w));
      for (std::int64_t t = 0; t < w; ++t) out[static_cast<std::size_t>(t)] = std::clamp(f.point[t], 0.0, max_seen);
      return out;
    } catch (const InputError&) {  // too little history for this model yet
    }
  }
  std::int64_t fb = 0;
  auto out = seasonal_naive(actual, d, w, day, fb, executed);
  fallback += fb;
  baseline += std::min(executed, w) - fb;
  return out;
}

}  // namespace ehub::sim::detail
