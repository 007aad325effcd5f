// The one number formatter of messages and text outputs: shortest round-trip form, or a given
// number of significant digits; "NaN", "inf", "-inf" for the non-finite values.
#pragma once

#include <string>

#include "ehub/export.hpp"

namespace ehub {

/// The shortest form that reads back as the same double ("-5", "0.25", "1e-12").
EHUB_EXPORT std::string format_number(double value);
/// At most `significant_digits` significant digits, as printf's %g ("0.333333" for 6).
EHUB_EXPORT std::string format_number(double value, int significant_digits);

}  // namespace ehub
