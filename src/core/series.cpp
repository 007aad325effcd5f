// Series: construction checks and step changes that conserve energy.
#include "ehub/core/series.hpp"

#include "ehub/core/error.hpp"

namespace ehub {

std::string_view to_string(SeriesKind kind) noexcept { return enum_name(kSeriesKindNames, kind); }

SeriesKind series_kind_from_string(std::string_view name) {
  for (const auto& e : kSeriesKindNames)
    if (e.name == name) return e.value;
  throw InputError("", "kind", "must be \"power\", \"energy\" or \"intensive\", got \"" + std::string(name) + "\"");
}

Series::Series(TimeGrid grid, Eigen::VectorXd values, SeriesKind kind, std::string name)
    : grid_(grid), values_(std::move(values)), kind_(kind), name_(std::move(name)) {
  if (values_.size() != grid_.size())
    throw InputError("", name_.empty() ? std::string() : name_,
                     "series has " + std::to_string(values_.size()) + " values but its time grid has " +
                         std::to_string(grid_.size()) + " steps");
}

Series Series::resample(int step_minutes) const {
  const TimeGrid target = grid_.with_step(step_minutes);
  const int old_step = grid_.step_minutes();
  if (step_minutes == old_step) return *this;
  Eigen::VectorXd out(target.size());
  if (step_minutes > old_step) {
    const int k = step_minutes / old_step;  // supported steps divide each other
    for (Eigen::Index i = 0; i < out.size(); ++i) {
      const double sum = values_.segment(i * k, k).sum();
      out[i] = kind_ == SeriesKind::energy ? sum : sum / k;
    }
  } else {
    const int k = old_step / step_minutes;
    for (Eigen::Index i = 0; i < values_.size(); ++i) {
      const double v = kind_ == SeriesKind::energy ? values_[i] / k : values_[i];
      out.segment(i * k, k).setConstant(v);
    }
  }
  return Series(target, std::move(out), kind_, name_);
}

Series Series::slice(std::int64_t start_unix_s, std::int64_t end_unix_s) const {
  const auto first = grid_.index_of(start_unix_s);
  const bool end_ok = end_unix_s == grid_.end_unix_s() || grid_.index_of(end_unix_s).has_value();
  if (!first || !end_ok || end_unix_s < start_unix_s)
    throw InputError("", name_,
                     "slice [" + format_iso8601(start_unix_s) + ", " + format_iso8601(end_unix_s) +
                         ") does not fall on steps of the series' grid " + grid_.time_iso(0) + " + " +
                         std::to_string(grid_.size()) + " x " + std::to_string(grid_.step_minutes()) + " min");
  const std::int64_t n = (end_unix_s - start_unix_s) / grid_.step_s();
  return Series(grid_.slice(*first, n), values_.segment(*first, n), kind_, name_);
}

double Series::total_kwh() const {
  switch (kind_) {
    case SeriesKind::power: return values_.sum() * grid_.step_hours();
    case SeriesKind::energy: return values_.sum();
    case SeriesKind::intensive: break;
  }
  throw InputError("", name_, "an intensive series (price, temperature, ...) has no energy total");
}

}  // namespace ehub
