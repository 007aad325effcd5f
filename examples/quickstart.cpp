#include <ehub/ehub.hpp>
#include <iostream>
#include <vector>
int main() {  // one hour: serve 6000 kW from the grid (0.9 CNY/kWh) and a 4000 kW CHP (0.6 CNY/kWh)
  ehub::lp::Model m;
  auto grid_kw = m.add_var(0, ehub::lp::kInf, 0.9), chp_kw = m.add_var(0, 4000, 0.6);
  m.add_row(6000, 6000, std::vector{grid_kw, chp_kw}, std::vector{1.0, 1.0});  // balance
  auto r = ehub::lp::solve(m, "clp");
  std::cout << ehub::lp::to_string(r.status) << " cost " << r.objective << " CNY, CHP " << r.x[chp_kw] << " kW\n";
}
