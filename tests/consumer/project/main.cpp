// Consumer check: an LP solved through an installed ehub. Exit 0 only if the hand-computed
// optimum is found: serve 6000 kW from grid (0.9 CNY/kWh) and CHP (0.6 CNY/kWh, <= 4000 kW):
// CHP 4000 + grid 2000 -> 0.6*4000 + 0.9*2000 = 4200 CNY for one hour. Then the store (SQLite
// and libpq linked through the package): two readings in memory, their sum 1.5 + 2.5 = 4.
#include <cmath>
#include <ehub/ehub.hpp>
#include <iostream>
#include <vector>
#ifdef WITH_GLPK
#include <ehub/lp/glpk.hpp>
#endif

int main() {
#ifdef WITH_GLPK
  ehub::lp::register_glpk_backend();
  const char* solver = "glpk";
#else
  const char* solver = "clp";
#endif
  ehub::lp::Model m;
  const auto grid = m.add_var(0, ehub::lp::kInf, 0.9);
  const auto chp = m.add_var(0, 4000, 0.6);
  m.add_row(6000, 6000, std::vector{grid, chp}, std::vector{1.0, 1.0});
  const auto r = ehub::lp::solve(m, solver);
  std::cout << "ehub " << ehub::version() << " " << solver << ": " << ehub::lp::to_string(r.status) << " "
            << r.objective << "\n";
  auto s = ehub::store::Store::open("sqlite::memory:");
  s.add_tenant({.name = "t", .display_name = ""});
  s.add_site({.name = "s", .utc_offset_minutes = 0, .latitude_deg = 0, .longitude_deg = 0});
  ehub::store::Meter meter;
  meter.name = "m";
  meter.tenant = "t";
  meter.site = "s";
  s.add_meter(meter);
  ehub::store::Point point;
  point.name = "p";
  point.meter = "m";
  point.quantity = "power";
  point.unit = "kW";
  s.add_point(point);
  ehub::store::ReadingBatch b;
  b.push_back(s.point_id("p"), 0, 1.5);
  b.push_back(s.point_id("p"), 900, 2.5);
  s.append_readings(b);
  const double total = s.read("p").value.sum();
  std::cout << "store " << ehub::store::to_string(s.backend()) << ": " << total << "\n";
  return r.status == ehub::lp::Status::optimal && std::abs(r.objective - 4200.0) < 1e-6 && total == 4.0 ? 0 : 1;
}
