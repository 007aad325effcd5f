// China Green Electricity Certificates (GEC) view of renewable production: whole MWh per device
// and calendar month, remainder carried forward, two-year validity (NDRC/NEA notice 1044, 2023).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"

namespace ehub::carbon {

/// The GECs of one device for one production month.
struct GecBundle {
  std::string producer;            ///< producing device
  int year = 0, month = 0;         ///< production month (local calendar)
  double production_kwh = 0;       ///< the device's production in that month
  double carry_in_kwh = 0;         ///< remainder brought forward from earlier months (< 1 MWh)
  std::int64_t certificates = 0;   ///< GECs issued: floor((production + carry_in) / 1 MWh)
  double carry_out_kwh = 0;        ///< remainder carried to the next month
  int expiry_year = 0, expiry_month = 0;  ///< first month in which these GECs are no longer valid:
                                          ///< the production month + 24 (validity counts the
                                          ///< production month as the first of 24)
};

/// A month's production of one device.
struct MonthlyProduction {
  int year = 0, month = 0;  ///< calendar month
  double kwh = 0;           ///< energy produced, kWh (>= 0)
};

/// GEC bundles of one device from its monthly production, in the given (chronological) order.
/// Throws InputError for a negative or non-finite production or an invalid month.
EHUB_EXPORT std::vector<GecBundle> gec_bundles(const std::string& producer, const std::vector<MonthlyProduction>& months);

/// GEC bundles of one device from its production per step (kWh) on `grid`, months taken in the
/// local calendar at `utc_offset_minutes`. Months without any step of the grid are skipped.
EHUB_EXPORT std::vector<GecBundle> gec_bundles(const std::string& producer, const TimeGrid& grid, int utc_offset_minutes,
                                               std::span<const double> kwh_per_step);

}  // namespace ehub::carbon
