// Meter-tree balance: each parent meter against the sum of its children per interval and over the
// period: losses and unmetered consumption in kWh and %, flagged above a threshold, with the
// branch that explains most of the park's unbalance.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "ehub/ems/meter_data.hpp"
#include "ehub/export.hpp"

namespace ehub::ems {

/// A meter of the tree: its interval energy (kWh per step) and its parent ("" at the top).
struct TreeMeter {
  std::string name{};
  std::string parent{};
  IntervalData energy_kwh{};
};

/// The balance of one parent meter.
struct NodeBalance {
  std::string name{};
  std::vector<std::string> children{};
  Eigen::VectorXd loss_kwh{};        ///< parent - sum of children, per step (NaN where one is missing)
  double parent_kwh = 0;             ///< over the steps where the parent and all children have values
  double children_kwh = 0;
  double loss_total_kwh = 0;         ///< parent_kwh - children_kwh
  double loss_share = 0;             ///< loss_total_kwh / parent_kwh
  double steps_compared = 0;         ///< steps with every value present
  bool flagged = false;              ///< |loss_share| above the threshold
};

/// The tree's balance: one entry per meter with children, parents before children.
struct TreeBalance {
  std::vector<NodeBalance> nodes{};
  /// The flagged parent with the largest |loss_total_kwh| ("" when none is flagged): where to look.
  std::string worst{};
};

/// Balances every parent of the tree against its children. All meters must share one grid.
/// `threshold_share` (e.g. 0.05) flags a parent whose loss exceeds that share of its energy (in
/// either direction: children summing to more than the parent is a broken or misassigned meter).
/// Throws InputError for an unknown parent, a cycle, duplicate names or different grids.
EHUB_EXPORT TreeBalance meter_tree_balance(const std::vector<TreeMeter>& meters, double threshold_share = 0.05);

}  // namespace ehub::ems
