// GEC view: floor((production + carry) / 1 MWh) certificates per device and month.
#include "ehub/carbon/gec.hpp"

#include <cmath>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"

namespace ehub::carbon {

std::vector<GecBundle> gec_bundles(const std::string& producer, const std::vector<MonthlyProduction>& months) {
  std::vector<GecBundle> out;
  out.reserve(months.size());
  double carry = 0;
  for (std::size_t i = 0; i < months.size(); ++i) {
    const auto& m = months[i];
    const std::string at = "/months/" + std::to_string(i);
    if (m.month < 1 || m.month > 12) throw InputError("", at + "/month", "must be in 1..12, got " + std::to_string(m.month));
    if (!std::isfinite(m.kwh) || m.kwh < 0) throw InputError("", at + "/kwh", "must be >= 0, got " + io::format_number(m.kwh));
    GecBundle b;
    b.producer = producer;
    b.year = m.year;
    b.month = m.month;
    b.production_kwh = m.kwh;
    b.carry_in_kwh = carry;
    const double total = m.kwh + carry;
    // A relative nudge so that 1999.9999999999998 kWh from summed steps still makes 2 GECs.
    b.certificates = static_cast<std::int64_t>(std::floor(total / 1000.0 * (1.0 + 1e-12)));
    carry = std::max(0.0, total - 1000.0 * static_cast<double>(b.certificates));
    b.carry_out_kwh = carry;
    const int idx = m.year * 12 + (m.month - 1) + 24;
    b.expiry_year = idx / 12;
    b.expiry_month = idx % 12 + 1;
    out.push_back(b);
  }
  return out;
}

std::vector<GecBundle> gec_bundles(const std::string& producer, const TimeGrid& grid, int utc_offset_minutes,
                                   std::span<const double> kwh_per_step) {
  if (static_cast<std::int64_t>(kwh_per_step.size()) != grid.size())
    throw InputError("", "kwh_per_step", "has " + std::to_string(kwh_per_step.size()) + " values for a grid of " +
                                             std::to_string(grid.size()) + " steps");
  std::vector<MonthlyProduction> months;
  for (std::int64_t t = 0; t < grid.size(); ++t) {
    const LocalTime lt = to_local(grid.time_unix_s(t), utc_offset_minutes);
    if (months.empty() || months.back().year != lt.year || months.back().month != lt.month)
      months.push_back({lt.year, lt.month, 0.0});
    months.back().kwh += kwh_per_step[static_cast<std::size_t>(t)];
  }
  return gec_bundles(producer, months);
}

}  // namespace ehub::carbon
