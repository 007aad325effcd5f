// The built-in forecasters, registered by name (register_builtin_forecasters()).
#include "detail.hpp"
#include "ehub/forecast/baselines.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/forecast/physical.hpp"
#include "ehub/forecast/regression.hpp"

namespace ehub::forecast::detail {

namespace {
void no_options(const nlohmann::json& j, const char* name) {
  JsonReader r(j, name);
  r.finish();
}
}  // namespace

void register_builtins_once() {
  register_forecaster({"persistence", "last value known at the origin, for every step", false, false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        no_options(j, "persistence");
                        return Forecaster(Persistence{}, o);
                      });
  register_forecaster({"seasonal_naive_day", "same time of day, latest day known at the origin", false, false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        no_options(j, "seasonal_naive_day");
                        return Forecaster(SeasonalNaive(SeasonalNaive::Period::day), o);
                      });
  register_forecaster({"seasonal_naive_week", "same time of week, latest week known at the origin", false, false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        no_options(j, "seasonal_naive_week");
                        return Forecaster(SeasonalNaive(SeasonalNaive::Period::week), o);
                      });
  register_forecaster({"holt_winters", "double-seasonal (day, week) additive Holt-Winters with AR(1) errors", false, false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        return Forecaster(HoltWinters(HoltWintersOptions::from_json(j)), o);
                      });
  register_forecaster({"ridge", "ridge regression per step of day and day group: lags, calendar, holidays, weather", true,
                       false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        return Forecaster(RidgeForecaster(RidgeModelOptions::from_json(j)), o);
                      });
  register_forecaster({"ridge_hier",
                       "hierarchical ridge: day-group models shrunk towards the step's pooled model, transform chosen by "
                       "leave-one-out error",
                       true, false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        return Forecaster(RidgeForecaster(RidgeModelOptions::from_json(j, RidgeModelOptions::hierarchical())), o);
                      });
  register_forecaster({"gbrt", "gradient-boosted regression trees on the ridge features plus hour, weekday, lead", true,
                       false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        return Forecaster(GbrtForecaster(GbrtModelOptions::from_json(j)), o);
                      });
  register_forecaster({"pv_physics", "PV plant model (ehub::physics) on forecast weather + fitted correction", true, true},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        return Forecaster(PvForecaster(PvForecastOptions::from_json(j)), o);
                      });
  register_forecaster({"wind_physics", "wind farm model (ehub::physics) on forecast wind + fitted correction", true, true},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        return Forecaster(WindForecaster(WindForecastOptions::from_json(j)), o);
                      });
}

}  // namespace ehub::forecast::detail
