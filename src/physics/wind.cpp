// Wind power, formula for formula as windpowerlib (wind_speed, temperature, density,
// power_output, wind_farm, modelchain, turbine_cluster_modelchain); see docs/physics.md.
#include "ehub/physics/wind.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <string>

#include "common.hpp"

namespace ehub::physics {
namespace {

using detail::check_scalar_at_least;
using detail::check_scalar_greater;
using detail::check_scalar_range;

/// np.interp(x, xp, fp, left=0, right=0) for increasing xp.
double interp_zero_outside(double x, const double* xp, const double* fp, Eigen::Index m) {
  if (x < xp[0] || x > xp[m - 1]) return 0.0;
  const double* it = std::upper_bound(xp, xp + m, x);
  Eigen::Index k = it - xp;  // xp[k-1] <= x < xp[k]
  if (k >= m) return fp[m - 1];
  const double x0 = xp[k - 1], x1 = xp[k];
  return fp[k - 1] + (fp[k] - fp[k - 1]) * (x - x0) / (x1 - x0);
}

/// np.interp(x, xp, fp) (constant extrapolation).
double interp_clamped(double x, const Eigen::VectorXd& xp, const Eigen::VectorXd& fp) {
  const Eigen::Index m = xp.size();
  if (x <= xp[0]) return fp[0];
  if (x >= xp[m - 1]) return fp[m - 1];
  const double* it = std::upper_bound(xp.data(), xp.data() + m, x);
  const Eigen::Index k = it - xp.data();
  return fp[k - 1] + (fp[k] - fp[k - 1]) * (x - xp[k - 1]) / (xp[k] - xp[k - 1]);
}

void check_wind_speed(const Broadcast& ws) { require_at_least("wind_speed_m_s", ws, 0.0); }

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0' && std::isfinite(v);
}

std::string line_path(std::size_t line) {
  std::string p = "line ";
  p += std::to_string(line);
  return p;
}

const WindWeather::AtHeight& closest(const std::vector<WindWeather::AtHeight>& v, double hub_height_m) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.size(); ++i)
    if (std::abs(v[i].height_m - hub_height_m) < std::abs(v[best].height_m - hub_height_m)) best = i;
  return v[best];
}

Broadcast roughness(const WindWeather& w) {
  return w.roughness_length_m.size() == 1 ? Broadcast(w.roughness_length_m[0]) : Broadcast(w.roughness_length_m);
}

}  // namespace

Eigen::VectorXd wind_speed_logarithmic_profile(const Broadcast& wind_speed_m_s, double wind_speed_height_m,
                                               double hub_height_m, const Broadcast& roughness_length_m,
                                               double obstacle_height_m) {
  const Eigen::Index n = common_size({{"wind_speed_m_s", wind_speed_m_s}, {"roughness_length_m", roughness_length_m}});
  check_wind_speed(wind_speed_m_s);
  require_greater("roughness_length_m", roughness_length_m, 0.0);
  check_scalar_greater("wind_speed_height_m", wind_speed_height_m, 0.0);
  check_scalar_greater("hub_height_m", hub_height_m, 0.0);
  check_scalar_at_least("obstacle_height_m", obstacle_height_m, 0.0);
  if (0.7 * obstacle_height_m > wind_speed_height_m)
    detail::throw_bad_scalar("obstacle_height_m", "must be <= wind_speed_height_m / 0.7 (wind data above the obstacle)",
                             obstacle_height_m);
  Eigen::VectorXd out(n);
  const double d = 0.7 * obstacle_height_m;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double z0 = roughness_length_m[i];
    if (!(wind_speed_height_m - d > z0) || !(hub_height_m - d > z0))
      detail::throw_bad_value("roughness_length_m", roughness_length_m.is_scalar() ? -1 : i,
                              "must be below both heights (minus 0.7 obstacle height)", z0);
    out[i] = wind_speed_m_s[i] * std::log((hub_height_m - d) / z0) / std::log((wind_speed_height_m - d) / z0);
  }
  return out;
}

Eigen::VectorXd wind_speed_hellman(const Broadcast& wind_speed_m_s, double wind_speed_height_m, double hub_height_m,
                                   const Broadcast& hellman_exponent) {
  const Eigen::Index n = common_size({{"wind_speed_m_s", wind_speed_m_s}, {"hellman_exponent", hellman_exponent}});
  check_wind_speed(wind_speed_m_s);
  require_in_range("hellman_exponent", hellman_exponent, 0.0, 1.0);
  check_scalar_greater("wind_speed_height_m", wind_speed_height_m, 0.0);
  check_scalar_greater("hub_height_m", hub_height_m, 0.0);
  const double ratio = hub_height_m / wind_speed_height_m;
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) out[i] = wind_speed_m_s[i] * std::pow(ratio, hellman_exponent[i]);
  return out;
}

Eigen::VectorXd hellman_exponent_from_roughness(double hub_height_m, const Broadcast& roughness_length_m) {
  const Eigen::Index n = common_size({{"roughness_length_m", roughness_length_m}});
  check_scalar_greater("hub_height_m", hub_height_m, 0.0);
  require_greater("roughness_length_m", roughness_length_m, 0.0);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(roughness_length_m[i] < hub_height_m))
      detail::throw_bad_value("roughness_length_m", roughness_length_m.is_scalar() ? -1 : i,
                              "must be below hub_height_m", roughness_length_m[i]);
    out[i] = 1.0 / std::log(hub_height_m / roughness_length_m[i]);
  }
  return out;
}

Eigen::VectorXd temperature_linear_gradient(const Broadcast& temperature_k, double temperature_height_m,
                                            double hub_height_m) {
  const Eigen::Index n = common_size({{"temperature_k", temperature_k}});
  require_in_range("temperature_k", temperature_k, 150.0, 350.0);
  check_scalar_range("temperature_height_m", temperature_height_m, -500.0, 5000.0);
  check_scalar_range("hub_height_m", hub_height_m, 0.0, 5000.0);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) out[i] = temperature_k[i] - 0.0065 * (hub_height_m - temperature_height_m);
  return out;
}

namespace {
Eigen::VectorXd density(const Broadcast& p, double hp, double hub, const Broadcast& t, double factor) {
  const Eigen::Index n = common_size({{"pressure_pa", p}, {"temperature_hub_height_k", t}});
  require_greater("pressure_pa", p, 0.0);
  require_in_range("temperature_hub_height_k", t, 150.0, 350.0);
  check_scalar_range("pressure_height_m", hp, -500.0, 5000.0);
  check_scalar_range("hub_height_m", hub, 0.0, 5000.0);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) out[i] = (p[i] / 100.0 - (hub - hp) * 1.0 / 8.0) * factor / t[i];
  return out;
}
}  // namespace

Eigen::VectorXd density_barometric(const Broadcast& pressure_pa, double pressure_height_m, double hub_height_m,
                                   const Broadcast& temperature_hub_height_k) {
  return density(pressure_pa, pressure_height_m, hub_height_m, temperature_hub_height_k,
                 1.225 * 288.15 * 100.0 / 101330.0);
}

Eigen::VectorXd density_ideal_gas(const Broadcast& pressure_pa, double pressure_height_m, double hub_height_m,
                                  const Broadcast& temperature_hub_height_k) {
  return density(pressure_pa, pressure_height_m, hub_height_m, temperature_hub_height_k, 100.0 / 287.058);
}

void PowerCurve::validate(std::string_view name) const {
  std::string ws(name), pw(name);
  ws += ".wind_speed_m_s";
  pw += ".power_w";
  if (wind_speed_m_s.size() != power_w.size() || wind_speed_m_s.size() < 2) {
    std::string d = "must have the same length >= 2 as ";
    d += pw;
    d += ", got ";
    d += std::to_string(wind_speed_m_s.size());
    d += " and ";
    d += std::to_string(power_w.size());
    throw InputError("", ws, d);
  }
  require_at_least(ws, wind_speed_m_s, 0.0);
  require_at_least(pw, power_w, 0.0);
  for (Eigen::Index i = 1; i < wind_speed_m_s.size(); ++i)
    if (!(wind_speed_m_s[i] > wind_speed_m_s[i - 1]))
      detail::throw_bad_value(ws, i, "must be strictly increasing", wind_speed_m_s[i]);
}

Eigen::VectorXd power_curve_power_w(const Broadcast& wind_speed_m_s, const PowerCurve& curve) {
  curve.validate();
  const Eigen::Index n = common_size({{"wind_speed_m_s", wind_speed_m_s}});
  check_wind_speed(wind_speed_m_s);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i)
    out[i] = interp_zero_outside(wind_speed_m_s[i], curve.wind_speed_m_s.data(), curve.power_w.data(),
                                 curve.wind_speed_m_s.size());
  return out;
}

Eigen::VectorXd power_curve_density_correction(const Broadcast& wind_speed_m_s, const PowerCurve& curve,
                                               const Broadcast& density_kg_m3) {
  curve.validate();
  const Eigen::Index n = common_size({{"wind_speed_m_s", wind_speed_m_s}, {"density_kg_m3", density_kg_m3}});
  check_wind_speed(wind_speed_m_s);
  require_in_range("density_kg_m3", density_kg_m3, 0.1, 3.0);
  const Eigen::Index m = curve.wind_speed_m_s.size();
  // Exponent of each curve point: np.interp(ws, [7.5, 12.5], [1/3, 2/3]).
  Eigen::VectorXd p(m);
  for (Eigen::Index k = 0; k < m; ++k)
    p[k] = std::clamp(1.0 / 3.0 + (curve.wind_speed_m_s[k] - 7.5) / 5.0 * (1.0 / 3.0), 1.0 / 3.0, 2.0 / 3.0);
  Eigen::VectorXd corrected(m);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double log_ratio = std::log(1.225 / density_kg_m3[i]);
    for (Eigen::Index k = 0; k < m; ++k) corrected[k] = curve.wind_speed_m_s[k] * std::exp(p[k] * log_ratio);
    out[i] = interp_zero_outside(wind_speed_m_s[i], corrected.data(), curve.power_w.data(), m);
  }
  return out;
}

void WindTurbine::validate() const {
  check_scalar_greater("hub_height_m", hub_height_m, 0.0);
  check_scalar_greater("nominal_power_w", nominal_power_w, 0.0);
  check_scalar_at_least("rotor_diameter_m", rotor_diameter_m, 0.0);
  if (rotor_diameter_m > 0.0 && hub_height_m <= 0.5 * rotor_diameter_m)
    detail::throw_bad_scalar("hub_height_m", "must exceed half the rotor diameter", hub_height_m);
  power_curve.validate("power_curve");
}

WindTurbine read_oedb_turbine(const std::string& power_curves_csv, const std::string& turbine_type, double hub_height_m,
                              const std::string& turbine_data_csv) {
  WindTurbine t;
  t.turbine_type = turbine_type;
  t.hub_height_m = hub_height_m;
  {
    std::ifstream in(power_curves_csv);
    if (!in) throw InputError(power_curves_csv, "", "cannot open the file");
    std::string line;
    std::vector<std::string> header;
    std::size_t line_no = 0;
    bool found = false;
    std::vector<double> ws, pw;
    while (std::getline(in, line)) {
      ++line_no;
      auto cells = split_csv_line(line);
      if (line_no == 1) {
        header = cells;
        continue;
      }
      if (cells.empty() || cells[0] != turbine_type) continue;
      found = true;
      for (std::size_t c = 1; c < cells.size() && c < header.size(); ++c) {
        if (cells[c].empty()) continue;  // no point given at this wind speed
        double v = 0.0, s = 0.0;
        if (!parse_double(cells[c], v) || !parse_double(header[c], s)) {
          std::string d = "bad number \"";
          d += cells[c];
          d += "\" in column ";
          d += header[c];
          throw InputError(power_curves_csv, line_path(line_no), d);
        }
        ws.push_back(s);
        pw.push_back(v);
      }
      break;
    }
    if (!found) {
      std::string d = "no power curve for turbine type \"";
      d += turbine_type;
      d += '"';
      throw InputError(power_curves_csv, "", d);
    }
    t.power_curve.wind_speed_m_s = Eigen::Map<const Eigen::VectorXd>(ws.data(), static_cast<Eigen::Index>(ws.size()));
    t.power_curve.power_w = Eigen::Map<const Eigen::VectorXd>(pw.data(), static_cast<Eigen::Index>(pw.size()));
  }
  t.nominal_power_w = t.power_curve.power_w.size() > 0 ? t.power_curve.power_w.maxCoeff() : 0.0;
  if (!turbine_data_csv.empty()) {
    std::ifstream in(turbine_data_csv);
    if (!in) throw InputError(turbine_data_csv, "", "cannot open the file");
    std::string line;
    std::size_t line_no = 0, col_power = 0, col_diameter = 0;
    bool found = false;
    while (std::getline(in, line)) {
      ++line_no;
      auto cells = split_csv_line(line);
      if (line_no == 1) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
          if (cells[c] == "nominal_power") col_power = c;
          if (cells[c] == "rotor_diameter") col_diameter = c;
        }
        if (col_power == 0) throw InputError(turbine_data_csv, "line 1", "no nominal_power column");
        continue;
      }
      if (cells.empty() || cells[0] != turbine_type) continue;
      found = true;
      double v = 0.0;
      if (col_power >= cells.size() || !parse_double(cells[col_power], v))
        throw InputError(turbine_data_csv, line_path(line_no), "bad nominal_power");
      t.nominal_power_w = v;
      if (col_diameter > 0 && col_diameter < cells.size() && parse_double(cells[col_diameter], v))
        t.rotor_diameter_m = v;
      break;
    }
    if (!found) {
      std::string d = "no turbine data for turbine type \"";
      d += turbine_type;
      d += '"';
      throw InputError(turbine_data_csv, "", d);
    }
  }
  t.validate();
  return t;
}

WindEfficiencyCurve read_wind_efficiency_curve(const std::string& csv_path, const std::string& curve_name) {
  std::ifstream in(csv_path);
  if (!in) throw InputError(csv_path, "", "cannot open the file");
  std::string line;
  std::size_t line_no = 0, col = 0, col_ws = 0;
  std::vector<double> ws, eff;
  while (std::getline(in, line)) {
    ++line_no;
    auto cells = split_csv_line(line);
    if (line_no == 1) {
      bool have_ws = false;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (cells[c] == curve_name) col = c;
        if (cells[c] == "wind_speed") {
          col_ws = c;
          have_ws = true;
        }
      }
      if (col == 0 || !have_ws) {
        std::string d = "no wind_speed column or no column \"";
        d += curve_name;
        d += '"';
        throw InputError(csv_path, "line 1", d);
      }
      continue;
    }
    if (line.empty() || line == "\r") continue;
    double s = 0.0, e = 0.0;
    if (col >= cells.size() || !parse_double(cells[col_ws], s) || !parse_double(cells[col], e))
      throw InputError(csv_path, line_path(line_no), "bad number");
    ws.push_back(s);
    eff.push_back(e);
  }
  WindEfficiencyCurve c;
  c.wind_speed_m_s = Eigen::Map<const Eigen::VectorXd>(ws.data(), static_cast<Eigen::Index>(ws.size()));
  c.efficiency = Eigen::Map<const Eigen::VectorXd>(eff.data(), static_cast<Eigen::Index>(eff.size()));
  if (c.wind_speed_m_s.size() < 2) throw InputError(csv_path, "", "needs at least two points");
  return c;
}

Eigen::Index WindWeather::validate() const {
  if (wind_speed_m_s.empty()) throw InputError("", "wind_speed_m_s", "needs at least one height");
  const Eigen::Index n = wind_speed_m_s.front().values.size();
  auto check_group = [n](const std::vector<AtHeight>& g, const char* name) {
    for (std::size_t k = 0; k < g.size(); ++k) {
      std::string path = name;
      path += '[';
      path += std::to_string(k);
      path += ']';
      if (g[k].values.size() != n) {
        std::string d = "has ";
        d += std::to_string(g[k].values.size());
        d += " values, expected ";
        d += std::to_string(n);
        throw InputError("", path, d);
      }
      check_scalar_range(path + ".height_m", g[k].height_m, 0.0, 5000.0);
      require_finite(path, g[k].values);
    }
  };
  check_group(wind_speed_m_s, "wind_speed_m_s");
  check_group(temperature_k, "temperature_k");
  check_group(pressure_pa, "pressure_pa");
  if (roughness_length_m.size() != 1 && roughness_length_m.size() != n) {
    std::string d = "needs 1 or ";
    d += std::to_string(n);
    d += " values, got ";
    d += std::to_string(roughness_length_m.size());
    throw InputError("", "roughness_length_m", d);
  }
  return n;
}

Eigen::VectorXd wind_speed_hub(const WindWeather& w, double hub_height_m, const WindModelChainOptions& o) {
  w.validate();
  check_scalar_greater("hub_height_m", hub_height_m, 0.0);
  const auto& src = closest(w.wind_speed_m_s, hub_height_m);
  if (src.height_m == hub_height_m) {
    check_wind_speed(src.values);
    return src.values;
  }
  if (o.wind_speed_model == WindModelChainOptions::WindSpeedModel::hellman) {
    if (!std::isnan(o.hellman_exponent))
      return wind_speed_hellman(src.values, src.height_m, hub_height_m, o.hellman_exponent);
    const Eigen::VectorXd alpha = hellman_exponent_from_roughness(hub_height_m, roughness(w));
    if (alpha.size() == 1) return wind_speed_hellman(src.values, src.height_m, hub_height_m, alpha[0]);
    return wind_speed_hellman(src.values, src.height_m, hub_height_m, alpha);
  }
  return wind_speed_logarithmic_profile(src.values, src.height_m, hub_height_m, roughness(w), o.obstacle_height_m);
}

Eigen::VectorXd density_hub(const WindWeather& w, double hub_height_m, const WindModelChainOptions& o) {
  w.validate();
  if (w.temperature_k.empty()) throw InputError("", "temperature_k", "needs at least one height for the air density");
  if (w.pressure_pa.empty()) throw InputError("", "pressure_pa", "needs at least one height for the air density");
  const auto& t = closest(w.temperature_k, hub_height_m);
  const Eigen::VectorXd t_hub =
      t.height_m == hub_height_m ? t.values : temperature_linear_gradient(t.values, t.height_m, hub_height_m);
  const auto& p = closest(w.pressure_pa, hub_height_m);
  if (o.density_model == WindModelChainOptions::DensityModel::ideal_gas)
    return density_ideal_gas(p.values, p.height_m, hub_height_m, t_hub);
  return density_barometric(p.values, p.height_m, hub_height_m, t_hub);
}

namespace {
Eigen::VectorXd power_from_curve(const PowerCurve& curve, const Eigen::VectorXd& v_hub, const WindWeather& w,
                                 double hub_height_m, const WindModelChainOptions& o) {
  if (!o.density_correction) return power_curve_power_w(v_hub, curve);
  return power_curve_density_correction(v_hub, curve, density_hub(w, hub_height_m, o));
}
}  // namespace

Eigen::VectorXd wind_turbine_power_w(const WindTurbine& turbine, const WindWeather& weather,
                                     const WindModelChainOptions& options) {
  turbine.validate();
  const Eigen::VectorXd v = wind_speed_hub(weather, turbine.hub_height_m, options);
  return power_from_curve(turbine.power_curve, v, weather, turbine.hub_height_m, options);
}

void WindFarm::validate() const {
  if (fleet.empty()) throw InputError("", "fleet", "needs at least one turbine type");
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    std::string path = "fleet[";
    path += std::to_string(i);
    path += "].number_of_turbines";
    check_scalar_greater(path, fleet[i].number_of_turbines, 0.0);
    fleet[i].turbine.validate();
  }
  check_scalar_range("efficiency", efficiency, 0.0, 1.0);
  check_scalar_range("availability", availability, 0.0, 1.0);
  const auto& c = wind_efficiency_curve;
  if (c.wind_speed_m_s.size() != 0 || c.efficiency.size() != 0) {
    if (c.wind_speed_m_s.size() != c.efficiency.size() || c.wind_speed_m_s.size() < 2)
      throw InputError("", "wind_efficiency_curve", "needs wind_speed_m_s and efficiency of the same length >= 2");
    require_in_range("wind_efficiency_curve.efficiency", c.efficiency, 0.0, 1.0);
    require_at_least("wind_efficiency_curve.wind_speed_m_s", c.wind_speed_m_s, 0.0);
    for (Eigen::Index i = 1; i < c.wind_speed_m_s.size(); ++i)
      if (!(c.wind_speed_m_s[i] >= c.wind_speed_m_s[i - 1]))  // the dena file repeats 9.5328
        detail::throw_bad_value("wind_efficiency_curve.wind_speed_m_s", i, "must be non-decreasing",
                                c.wind_speed_m_s[i]);
  }
}

double WindFarm::nominal_power_w() const {
  double p = 0.0;
  for (const auto& m : fleet) p += m.turbine.nominal_power_w * m.number_of_turbines;
  return p;
}

double wind_farm_mean_hub_height_m(const WindFarm& farm) {
  farm.validate();
  double s = 0.0;
  for (const auto& m : farm.fleet)
    s += std::log(m.turbine.hub_height_m) * m.turbine.nominal_power_w * m.number_of_turbines;
  return std::exp(s / farm.nominal_power_w());
}

PowerCurve wind_farm_power_curve(const WindFarm& farm) {
  farm.validate();
  // Each curve padded as windpowerlib does, then all interpolated on the union of speeds
  // (pandas interpolate(method="index"): linear inside, last value held after the end).
  std::vector<std::pair<std::vector<double>, std::vector<double>>> curves;
  std::vector<double> grid;
  for (const auto& m : farm.fleet) {
    std::vector<double> ws(m.turbine.power_curve.wind_speed_m_s.data(),
                           m.turbine.power_curve.wind_speed_m_s.data() + m.turbine.power_curve.wind_speed_m_s.size());
    std::vector<double> pw(m.turbine.power_curve.power_w.data(),
                           m.turbine.power_curve.power_w.data() + m.turbine.power_curve.power_w.size());
    if (ws.front() != 0.0) {
      ws.insert(ws.begin(), 0.0);
      pw.insert(pw.begin(), 0.0);
    }
    if (pw.back() != 0.0) {
      ws.push_back(ws.back() + 0.5);
      pw.push_back(0.0);
    }
    for (double& p : pw) p *= m.number_of_turbines;
    grid.insert(grid.end(), ws.begin(), ws.end());
    curves.emplace_back(std::move(ws), std::move(pw));
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  PowerCurve out;
  out.wind_speed_m_s = Eigen::Map<const Eigen::VectorXd>(grid.data(), static_cast<Eigen::Index>(grid.size()));
  out.power_w = Eigen::VectorXd::Zero(out.wind_speed_m_s.size());
  for (const auto& [ws, pw] : curves) {
    for (Eigen::Index k = 0; k < out.wind_speed_m_s.size(); ++k) {
      const double x = out.wind_speed_m_s[k];
      double v;
      if (x >= ws.back()) {
        v = pw.back();
      } else {
        const auto it = std::upper_bound(ws.begin(), ws.end(), x);
        const auto j = static_cast<std::size_t>(it - ws.begin());
        v = pw[j - 1] + (pw[j] - pw[j - 1]) * (x - ws[j - 1]) / (ws[j] - ws[j - 1]);
      }
      out.power_w[k] += v;
    }
  }
  out.power_w *= farm.efficiency;
  return out;
}

Eigen::VectorXd wind_farm_power_w(const WindFarm& farm, const WindWeather& weather,
                                  const WindModelChainOptions& options) {
  const PowerCurve curve = wind_farm_power_curve(farm);
  const double hub = wind_farm_mean_hub_height_m(farm);
  Eigen::VectorXd v = wind_speed_hub(weather, hub, options);
  const auto& c = farm.wind_efficiency_curve;
  if (c.wind_speed_m_s.size() != 0)
    for (Eigen::Index i = 0; i < v.size(); ++i) v[i] *= interp_clamped(v[i], c.wind_speed_m_s, c.efficiency);
  Eigen::VectorXd p = power_from_curve(curve, v, weather, hub, options);
  return p * farm.availability;
}

}  // namespace ehub::physics
