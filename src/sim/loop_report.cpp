// What a loop run reports: the summary JSON, the one-line report, the run file.
#include "ehub/sim/rolling.hpp"

#include <cstdio>

#include "ehub/io/hdf5.hpp"

namespace ehub::sim {

using json = nlohmann::json;

void write_loop_h5(const std::vector<LoopReport>& reports, const std::string& path) {
  io::H5Writer w(path);
  for (const auto& r : reports) {
    std::string g = "/";
    g += to_string(r.strategy);
    dispatch::write_result_group(w, r.executed, g);
    w.write_string_attribute(g, "summary", r.summary().dump());
  }
  w.commit();
}

json LoopReport::summary() const {
  json j;
  j["strategy"] = std::string(to_string(strategy));
  j["steps"] = steps;
  j["step_minutes"] = step_minutes;
  j["days"] = static_cast<double>(steps) * step_minutes / 1440.0;
  j["solves"] = solves;
  j["wall_s"] = wall_s;
  j["solve_s"] = solve_s;
  j.update(dispatch::kpis_json(kpis));
  j["forecast_mae"] = forecast_mae;
  j["forecast_fallback_steps"] = forecast_fallback_steps;
  j["forecast_baseline_steps"] = forecast_baseline_steps;
  j["forecaster"] = forecaster;
  j["grid_deviation_kwh"] = grid_deviation_kwh;
  j["storage_deviation_kwh"] = storage_deviation_kwh;
  return j;
}

std::string LoopReport::brief_report() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %.1f days, cost %.2f, green share %.4f, unserved %.1f kWh, %lld solves, %.2f s",
                std::string(to_string(strategy)).c_str(), static_cast<double>(steps) * step_minutes / 1440.0,
                kpis.cost_total, kpis.green_share, kpis.unserved_kwh, static_cast<long long>(solves), wall_s);
  return buf;
}

}  // namespace ehub::sim
