// What forecasters read: a target series with its history, exogenous series (weather, ...) on the
// same grid, and the documented cleaning steps for gaps, sentinels and negative irradiance.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/forecast/calendar.hpp"

namespace ehub::forecast {

/// Named exogenous series on one grid: weather (temperature, irradiance, wind), or any series
/// known in advance. Over a forecast window their values are the forecast of that input (e.g.
/// numerical weather prediction); in a backtest with measured weather they stand for a perfect
/// weather forecast, as is usual in load-forecasting competitions (GEFCom).
class EHUB_EXPORT Exogenous {
 public:
  /// No columns.
  Exogenous() = default;
  /// No columns yet, on `grid`.
  explicit Exogenous(TimeGrid grid) : grid_(grid) {}
  /// Adds a column; throws InputError when its length differs from the grid or the name is taken.
  Exogenous& add(std::string name, Eigen::VectorXd values);
  /// The grid of every column.
  const TimeGrid& grid() const noexcept { return grid_; }
  /// True when a column of that name exists.
  bool has(std::string_view name) const noexcept;
  /// A column; throws InputError listing the available names when absent.
  const Eigen::VectorXd& column(std::string_view name) const;
  /// A mutable column; throws InputError when absent.
  Eigen::VectorXd& column(std::string_view name);
  /// Column names in insertion order.
  const std::vector<std::string>& names() const noexcept { return names_; }
  /// True when there is no column.
  bool empty() const noexcept { return names_.empty(); }
  /// The steps [first, first + count) of every column (see TimeGrid::slice).
  Exogenous slice(std::int64_t first, std::int64_t count) const;

 private:
  TimeGrid grid_;
  std::vector<std::string> names_;
  std::vector<Eigen::VectorXd> columns_;
};

/// What a forecaster is fitted on or forecasts from: the target up to (at least) the origin and
/// optional exogenous series. NaN in the target means "not measured".
struct History {
  Series target;
  Exogenous exogenous;
};

/// The documented cleaning steps (docs/forecasting.md, "Bad input").
struct EHUB_EXPORT CleaningOptions {
  /// Exogenous gaps (NaN, sentinel) of at most this many steps between two values are filled by
  /// linear interpolation; a longer gap inside the needed range is an InputError.
  int max_exogenous_gap_steps = 3;
  /// Target gaps of at most this many steps between two measured values are interpolated
  /// linearly; longer gaps take the value one week earlier (else one day earlier, else the last
  /// measured value). Filled values feed lag features only: they are never a training target.
  int max_target_interpolation_steps = 6;
  /// Irradiance in [-max_negative_irradiance_w_m2, 0) (night-time sensor offsets) becomes 0; a
  /// value below is an InputError.
  double max_negative_irradiance_w_m2 = 10.0;
  /// Values that mean "missing" in every column (target and exogenous).
  std::vector<double> sentinels = {-999.0, -9999.0, -9900.0};
  /// Columns treated as irradiance; empty: every column whose lower-cased name contains "ghi",
  /// "dni", "dhi", "poa" or "irradiance".
  std::vector<std::string> irradiance_columns;
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// Counts of what cleaning did, for reports.
struct CleaningReport {
  std::int64_t target_missing = 0;       ///< target steps without a measurement (NaN or sentinel)
  std::int64_t target_interpolated = 0;  ///< of which filled by linear interpolation
  std::int64_t target_seasonal = 0;      ///< of which filled from a week / day earlier or the last value
  std::int64_t exogenous_interpolated = 0;
  std::int64_t irradiance_clipped = 0;   ///< small negative irradiance values set to 0
};

/// The cleaned view of a History that models read: the target steps known at the origin (or all
/// of them at fit time), gaps filled, with a mask of measured steps, and the exogenous columns on
/// a grid with the same start and step, NaN where the input does not reach.
struct EHUB_EXPORT ModelInput {
  TimeGrid grid;                       ///< the target's steps
  Eigen::VectorXd target;              ///< gaps filled (see CleaningOptions)
  std::vector<std::uint8_t> observed;  ///< 1 where the target was measured
  Exogenous exogenous;                 ///< grid().start == grid.start; may reach past grid's end
  Calendar calendar;
  CleaningReport report;

  /// Steps per local day (24 for an hourly grid).
  std::int64_t steps_per_day() const noexcept { return 1440 / grid.step_minutes(); }
  /// Index on `grid` (and on the exogenous grid) of the step starting at `unix_s`; may be
  /// negative or >= grid.size(). Throws InputError when `unix_s` is not on a step boundary.
  std::int64_t index_of(std::int64_t unix_s) const;
  /// True when step i of the target lies in [0, size) (a value exists, measured or filled).
  bool has_target(std::int64_t i) const noexcept { return i >= 0 && i < grid.size(); }
  /// The exogenous value of column `values` at step i (NaN outside the column).
  static double at(const Eigen::VectorXd& values, std::int64_t i) noexcept {
    return i >= 0 && i < values.size() ? values[i] : std::numeric_limits<double>::quiet_NaN();
  }
};

/// Builds the cleaned ModelInput from a history: keeps the target steps that end at or before
/// `known_until_unix_s` (pass the origin; INT64_MAX keeps all), fills the target's gaps, and
/// aligns and cleans the exogenous columns up to `exogenous_until_unix_s` (the end of the forecast
/// window; values after it are never read). Throws InputError on mismatched grids (another step,
/// a start not on the target's steps), a target with no measured value, an exogenous gap longer
/// than allowed, or irradiance below the allowed negative offset.
EHUB_EXPORT ModelInput prepare_input(const History& history, const Calendar& calendar, const CleaningOptions& cleaning,
                                     std::int64_t known_until_unix_s, std::int64_t exogenous_until_unix_s);

/// The name of the exogenous column for a role: `explicit_name` when not empty (InputError when
/// absent), else the first column matching one of `aliases` case-insensitively, else "".
EHUB_EXPORT std::string find_column(const Exogenous& exogenous, std::string_view explicit_name,
                                    std::initializer_list<std::string_view> aliases);

/// Aliases tried for the air temperature column (°C): temp_air_c, temperature_c, temperature,
/// temp_c, t_air_c, dry_bulb_c, "Dry-bulb (C)".
EHUB_EXPORT std::string find_temperature_column(const Exogenous& exogenous, std::string_view explicit_name = {});
/// Aliases tried for global horizontal irradiance (W/m2): ghi_w_m2, ghi, "GHI (W/m^2)".
EHUB_EXPORT std::string find_ghi_column(const Exogenous& exogenous, std::string_view explicit_name = {});

}  // namespace ehub::forecast
