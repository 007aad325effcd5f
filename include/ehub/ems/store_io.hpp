// Meter data from and back to the store: a point (measured or virtual) on a grid, and the edits of
// a cleaning written back as replacements, each audited with its rule.
#pragma once

#include <cstdint>
#include <string>

#include "ehub/ems/cleaning.hpp"
#include "ehub/ems/meter_data.hpp"
#include "ehub/export.hpp"
#include "ehub/store/store.hpp"

namespace ehub::ems {

/// A point of the store on `grid` (engineering values). A virtual point is evaluated from its
/// formula: sum of coefficient x term per step, NaN where a term has no value, the flag the worst
/// of the terms' flags (by number: good < estimated < edited < suspect < missing < rejected).
/// Virtual points may use virtual points; a formula that reaches its own point is an InputError.
EHUB_EXPORT IntervalData read_interval(const store::Store& s, const std::string& point, const TimeGrid& grid);

/// Writes the edits of `cleaned` back to the store point `point` as replacements, one batch per
/// rule so that the audit log records `replace:cleaning:<rule>` with the old and new value of every
/// changed reading. Returns the readings written.
EHUB_EXPORT std::int64_t write_edits(store::Store& s, const std::string& point, const Cleaned& cleaned);

}  // namespace ehub::ems
