// Broadcast: the input type of the vectorised physics functions, a scalar repeated for every time
// step or an array of one value per step (numpy-style broadcasting, as pvlib and windpowerlib do).
#pragma once

#include <Eigen/Core>
#include <initializer_list>
#include <string_view>

#include "ehub/export.hpp"

namespace ehub::physics {

/// A read-only view of one input of a physics function: either a scalar broadcast to every index
/// or a contiguous array of doubles (Eigen::VectorXd, Eigen::ArrayXd, a numpy array from Python).
/// It does not own the array: build it in the call (`f(ghi, 25.0)`), never store it.
class Broadcast {
 public:
  /// A scalar, the same for every index.
  Broadcast(double value) noexcept : scalar_(value) {}  // NOLINT(google-explicit-constructor)
  /// One value per index.
  Broadcast(const Eigen::VectorXd& values) noexcept  // NOLINT(google-explicit-constructor)
      : data_(values.data()), size_(values.size()) {}
  /// One value per index.
  Broadcast(const Eigen::ArrayXd& values) noexcept  // NOLINT(google-explicit-constructor)
      : data_(values.data()), size_(values.size()) {}
  /// One value per index from a raw array of `size` doubles.
  Broadcast(const double* data, Eigen::Index size) noexcept : data_(data), size_(size) {}

  /// True for a scalar.
  bool is_scalar() const noexcept { return data_ == nullptr; }
  /// Number of values, or -1 for a scalar (which matches any length).
  Eigen::Index size() const noexcept { return data_ == nullptr ? -1 : size_; }
  /// Value at index i (the scalar for every i when is_scalar()).
  double operator[](Eigen::Index i) const noexcept { return data_ != nullptr ? data_[i] : scalar_; }

 private:
  const double* data_ = nullptr;
  Eigen::Index size_ = 0;
  double scalar_ = 0.0;
};

/// A Broadcast with the name the error messages use for it (the function argument's name).
struct NamedInput {
  std::string_view name;
  Broadcast values;
};

/// The common length of the array inputs (1 when all are scalars). Throws InputError naming the
/// first input whose length differs from the first array's.
EHUB_EXPORT Eigen::Index common_size(std::initializer_list<NamedInput> inputs);

/// Throws InputError `name[i]: must be finite, got nan` for the first NaN or infinite value.
EHUB_EXPORT void require_finite(std::string_view name, const Broadcast& values);
/// Throws InputError unless every value is finite and >= `minimum`; `hint` is appended to the
/// message (e.g. how to clean negative irradiance).
EHUB_EXPORT void require_at_least(std::string_view name, const Broadcast& values, double minimum,
                                  std::string_view hint = {});
/// Throws InputError unless every value is finite and in [lo, hi].
EHUB_EXPORT void require_in_range(std::string_view name, const Broadcast& values, double lo, double hi);
/// Throws InputError unless every value is finite and > `bound`.
EHUB_EXPORT void require_greater(std::string_view name, const Broadcast& values, double bound);

}  // namespace ehub::physics
