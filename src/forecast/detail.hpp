// Internal helpers of the forecast layer: lag indexing, strict JSON option readers, Nelder-Mead.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"

namespace ehub::forecast::detail {

/// Index of y(i - k P) for the smallest k >= 1 with i - k P < n (steps [0, n) are known).
inline std::int64_t latest_known_lag(std::int64_t i, std::int64_t n, std::int64_t P) {
  const std::int64_t need = i - n + 1;  // k P >= need
  std::int64_t k = need <= 0 ? 1 : (need + P - 1) / P;
  k = std::max<std::int64_t>(k, 1);
  return i - k * P;
}

/// Reads a JSON object of options strictly: wrong types and unknown keys are InputErrors naming
/// `prefix/key`.
class JsonReader {
 public:
  JsonReader(const nlohmann::json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {
    if (!j_.is_null() && !j_.is_object()) throw InputError("", prefix_, "must be a JSON object");
  }
  bool has(const char* key) const { return j_.is_object() && j_.contains(key); }
  const nlohmann::json& at(const char* key) {
    seen_.insert(key);
    return j_.at(key);
  }
  template <class T>
  void get(const char* key, T& out) {
    if (!has(key)) return;
    seen_.insert(key);
    const nlohmann::json& v = j_.at(key);
    try {
      if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean()) throw 0;
        out = v.get<bool>();
      } else if constexpr (std::is_integral_v<T>) {
        if (!v.is_number_integer()) throw 0;
        out = v.get<T>();
      } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) throw 0;
        out = v.get<T>();
      } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) throw 0;
        out = v.get<std::string>();
      } else {
        out = v.get<T>();
      }
    } catch (...) {
      throw InputError("", prefix_ + "/" + key, std::string("has the wrong type: ") + v.dump());
    }
  }
  void finish() const {
    if (!j_.is_object()) return;
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.count(it.key())) throw InputError("", prefix_ + "/" + it.key(), "unknown option");
  }
  const std::string& prefix() const { return prefix_; }

 private:
  const nlohmann::json& j_;
  std::string prefix_;
  std::set<std::string> seen_;
};

/// Nelder-Mead minimisation (standard coefficients 1, 2, 0.5, 0.5) from x0 with initial simplex
/// steps `step`, at most `max_evaluations` evaluations; returns the best point.
inline std::vector<double> nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                       std::vector<double> x0, double step, int max_evaluations) {
  const std::size_t n = x0.size();
  std::vector<std::vector<double>> s(n + 1, x0);
  std::vector<double> fv(n + 1);
  for (std::size_t i = 0; i < n; ++i) s[i + 1][i] += step;
  int evals = 0;
  auto eval = [&](const std::vector<double>& x) {
    ++evals;
    const double v = f(x);
    return std::isfinite(v) ? v : std::numeric_limits<double>::max();
  };
  for (std::size_t i = 0; i <= n; ++i) fv[i] = eval(s[i]);
  std::vector<std::size_t> idx(n + 1);
  while (evals < max_evaluations) {
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return fv[a] < fv[b]; });
    const std::size_t best = idx[0], worst = idx[n], second = idx[n - 1 < n ? n - 1 : 0];
    if (std::abs(fv[worst] - fv[best]) <= 1e-10 * (std::abs(fv[best]) + 1e-30)) break;
    std::vector<double> c(n, 0.0);
    for (std::size_t i = 0; i <= n; ++i)
      if (i != worst)
        for (std::size_t k = 0; k < n; ++k) c[k] += s[i][k] / static_cast<double>(n);
    auto along = [&](double t) {
      std::vector<double> x(n);
      for (std::size_t k = 0; k < n; ++k) x[k] = c[k] + t * (s[worst][k] - c[k]);
      return x;
    };
    const auto xr = along(-1.0);
    const double fr = eval(xr);
    if (fr < fv[best]) {
      const auto xe = along(-2.0);
      const double fe = eval(xe);
      if (fe < fr) s[worst] = xe, fv[worst] = fe;
      else s[worst] = xr, fv[worst] = fr;
    } else if (fr < fv[second]) {
      s[worst] = xr, fv[worst] = fr;
    } else {
      const auto xc = fr < fv[worst] ? along(-0.5) : along(0.5);
      const double fc = eval(xc);
      if (fc < std::min(fr, fv[worst])) {
        s[worst] = xc, fv[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= n; ++i) {
          if (i == best) continue;
          for (std::size_t k = 0; k < n; ++k) s[i][k] = s[best][k] + 0.5 * (s[i][k] - s[best][k]);
          fv[i] = eval(s[i]);
        }
      }
    }
  }
  const auto it = std::min_element(fv.begin(), fv.end());
  return s[static_cast<std::size_t>(it - fv.begin())];
}

}  // namespace ehub::forecast::detail
