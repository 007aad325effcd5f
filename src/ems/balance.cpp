// Meter-tree balance (docs/ems.md "Meter-tree balance").
#include "ehub/ems/balance.hpp"

#include <cmath>
#include <limits>
#include <map>

#include "ehub/core/error.hpp"

namespace ehub::ems {

TreeBalance meter_tree_balance(const std::vector<TreeMeter>& meters, double threshold_share) {
  if (!(threshold_share >= 0) || !std::isfinite(threshold_share))
    throw InputError("", "threshold_share", "must be a finite number >= 0");
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const auto& m = meters[i];
    if (m.name.empty()) throw InputError("", "meters/" + std::to_string(i), "a meter needs a name");
    if (!index.emplace(m.name, i).second) throw InputError("", "meters/" + m.name, "named twice");
    m.energy_kwh.validate();
    const auto& g0 = meters.front().energy_kwh.grid;
    const auto& g = m.energy_kwh.grid;
    if (g.start_unix_s() != g0.start_unix_s() || g.step_minutes() != g0.step_minutes() || g.size() != g0.size())
      throw InputError("", "meters/" + m.name, "its grid differs from meter \"" + meters.front().name + "\"'s");
  }
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& m : meters) {
    if (m.parent.empty()) continue;
    if (!index.count(m.parent)) throw InputError("", "meters/" + m.name + "/parent", "unknown parent meter \"" + m.parent + "\"");
    children[m.parent].push_back(m.name);
  }
  // A cycle: following parents from any meter must end at the top within n steps.
  for (const auto& m : meters) {
    std::string at = m.name;
    for (std::size_t k = 0; k <= meters.size(); ++k) {
      const std::string& p = meters[index[at]].parent;
      if (p.empty()) break;
      if (k == meters.size() || p == m.name) throw InputError("", "meters/" + m.name + "/parent", "the meter tree has a cycle through \"" + m.name + "\"");
      at = p;
    }
  }
  // Parents before children: breadth-first from the tops.
  std::vector<std::string> order;
  for (const auto& m : meters)
    if (m.parent.empty()) order.push_back(m.name);
  for (std::size_t k = 0; k < order.size(); ++k)
    if (auto it = children.find(order[k]); it != children.end())
      for (const auto& c : it->second) order.push_back(c);
  TreeBalance out;
  double worst = -1;
  for (const auto& name : order) {
    auto it = children.find(name);
    if (it == children.end()) continue;
    NodeBalance b;
    b.name = name;
    b.children = it->second;
    const auto& p = meters[index[name]].energy_kwh.value;
    b.loss_kwh = p;
    for (const auto& c : b.children) b.loss_kwh -= meters[index[c]].energy_kwh.value;  // NaN propagates
    for (Eigen::Index i = 0; i < p.size(); ++i) {
      if (std::isnan(b.loss_kwh[i])) continue;
      b.parent_kwh += p[i];
      b.children_kwh += p[i] - b.loss_kwh[i];
      b.steps_compared += 1;
    }
    b.loss_total_kwh = b.parent_kwh - b.children_kwh;
    b.loss_share = b.parent_kwh != 0 ? b.loss_total_kwh / b.parent_kwh : std::numeric_limits<double>::quiet_NaN();
    b.flagged = std::abs(b.loss_share) > threshold_share;
    if (b.flagged && std::abs(b.loss_total_kwh) > worst) {
      worst = std::abs(b.loss_total_kwh);
      out.worst = name;
    }
    out.nodes.push_back(std::move(b));
  }
  return out;
}

}  // namespace ehub::ems
