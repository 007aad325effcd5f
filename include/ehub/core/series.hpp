// Series: values aligned to a TimeGrid (Eigen-backed), resampled so that energies are summed and
// powers and intensive quantities (prices, temperatures, per-unit availability) are averaged.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <string_view>

#include "ehub/core/time_grid.hpp"
#include "ehub/core/enum_names.hpp"
#include "ehub/export.hpp"

namespace ehub {

/// How a series behaves when its time step changes.
enum class SeriesKind : std::uint8_t {
  power = 0,      ///< average rate over each step (kW): averaged when coarsened, repeated when refined
  energy = 1,     ///< amount per step (kWh): summed when coarsened, split evenly when refined
  intensive = 2,  ///< price, temperature, per-unit value: averaged / repeated like power
};

/// "power", "energy" or "intensive".
/// The series kinds' names.
inline constexpr EnumName<SeriesKind> kSeriesKindNames[] = {
    {SeriesKind::power, "power"}, {SeriesKind::energy, "energy"}, {SeriesKind::intensive, "intensive"}};
EHUB_EXPORT std::string_view to_string(SeriesKind kind) noexcept;
/// Inverse of to_string; throws InputError on an unknown name.
EHUB_EXPORT SeriesKind series_kind_from_string(std::string_view name);

/// Values aligned to a TimeGrid: values()[i] belongs to step i of grid().
class EHUB_EXPORT Series {
 public:
  /// An empty series on an empty grid.
  Series() = default;
  /// Throws InputError when values.size() != grid.size().
  Series(TimeGrid grid, Eigen::VectorXd values, SeriesKind kind = SeriesKind::power, std::string name = {});

  /// The time axis.
  const TimeGrid& grid() const noexcept { return grid_; }
  /// The values, one per step.
  const Eigen::VectorXd& values() const noexcept { return values_; }
  /// Mutable values (the length stays tied to the grid).
  Eigen::VectorXd& values() noexcept { return values_; }
  /// How resampling treats the values.
  SeriesKind kind() const noexcept { return kind_; }
  /// Optional name (column name, device port, ...).
  const std::string& name() const noexcept { return name_; }
  /// Number of steps.
  std::int64_t size() const noexcept { return grid_.size(); }
  /// Value of step i (unchecked).
  double operator[](std::int64_t i) const noexcept { return values_[i]; }

  /// The series on a grid with another step covering the same time span. Coarsening sums
  /// energies and averages powers and intensive values; refining repeats powers and intensive
  /// values and splits energies evenly. Throws InputError when the span does not divide.
  Series resample(int step_minutes) const;
  /// The steps in [start_unix_s, end_unix_s); both ends must fall on step starts of the grid
  /// (end may be the grid's end). Throws InputError otherwise.
  Series slice(std::int64_t start_unix_s, std::int64_t end_unix_s) const;
  /// Total energy in kWh: sum x step hours for power, the plain sum for energy. Throws
  /// InputError for an intensive series (it has no energy).
  double total_kwh() const;

 private:
  TimeGrid grid_;
  Eigen::VectorXd values_;
  SeriesKind kind_ = SeriesKind::power;
  std::string name_;
};

}  // namespace ehub
