// ehub._core.ems: meter data cleaning, register reads, statistics, KPIs and meter-tree balance.
// Arrays cross as numpy arrays; the pandas face is in ehub/ems.py.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/ems/balance.hpp"
#include "ehub/ems/cleaning.hpp"
#include "ehub/ems/kpi.hpp"
#include "ehub/ems/meter_data.hpp"
#include "ehub/ems/statistics.hpp"
#include "ehub/ems/store_io.hpp"

namespace ehub::python {
namespace {

using namespace ehub::ems;
using U8Array = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

IntervalData make_data(const std::string& point, const TimeGrid& grid, const Eigen::Ref<const Eigen::VectorXd>& value,
                       std::optional<U8Array> quality) {
  IntervalData d;
  d.point = point;
  d.grid = grid;
  d.value = value;
  if (quality) {
    d.quality.assign(quality->data(), quality->data() + quality->size());
  } else {
    d.quality.assign(static_cast<std::size_t>(value.size()), static_cast<std::uint8_t>(Quality::good));
    for (Eigen::Index i = 0; i < value.size(); ++i)
      if (std::isnan(value[i])) d.quality[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(Quality::missing);
  }
  d.validate();
  return d;
}

py::dict stats_dict(const LoadStatistics& s) {
  py::dict d;
  d["energy_kwh"] = s.energy_kwh;
  d["mean_kw"] = s.mean_kw;
  d["peak_kw"] = s.peak_kw;
  d["peak_unix_s"] = s.peak_unix_s;
  d["min_kw"] = s.min_kw;
  d["base_kw"] = s.base_kw;
  d["load_factor"] = s.load_factor;
  d["peak_to_valley"] = s.peak_to_valley;
  d["night_share"] = s.night_share;
  d["weekend_share"] = s.weekend_share;
  d["completeness"] = s.completeness;
  d["good_share"] = s.good_share;
  d["steps"] = s.steps;
  return d;
}

}  // namespace

void bind_ems(py::module_& m) {
  py::class_<IntervalData>(m, "IntervalData", "Values of one point on a regular grid with a quality flag each")
      .def(py::init(&make_data), py::arg("point"), py::arg("grid"), py::arg("value"), py::arg("quality") = std::nullopt,
           "Quality defaults to good (missing where the value is NaN).")
      .def_readonly("point", &IntervalData::point)
      .def_readonly("grid", &IntervalData::grid)
      .def_property_readonly("value", [](const IntervalData& d) { return Eigen::VectorXd(d.value); }, "Values (a copy)")
      .def_property_readonly("quality", [](const IntervalData& d) {
        return py::array_t<std::uint8_t>(static_cast<py::ssize_t>(d.quality.size()), d.quality.data());
      }, "Quality flags (ehub.store.Quality numbers)")
      .def("__len__", &IntervalData::size);

  py::class_<CleaningRules>(m, "CleaningRules", "Rules of ehub.ems.clean (docs/ems.md)")
      .def(py::init<>())
      .def_readwrite("sentinels", &CleaningRules::sentinels)
      .def_readwrite("min_value", &CleaningRules::min_value)
      .def_readwrite("max_value", &CleaningRules::max_value)
      .def_readwrite("hampel_half_window", &CleaningRules::hampel_half_window)
      .def_readwrite("hampel_threshold", &CleaningRules::hampel_threshold)
      .def_readwrite("max_step_change", &CleaningRules::max_step_change)
      .def_readwrite("stuck_steps", &CleaningRules::stuck_steps)
      .def_readwrite("stuck_ignores_zero", &CleaningRules::stuck_ignores_zero)
      .def_readwrite("max_linear_gap_steps", &CleaningRules::max_linear_gap_steps)
      .def_readwrite("fill_long_gaps_by_profile", &CleaningRules::fill_long_gaps_by_profile)
      .def_readwrite("profile_search_days", &CleaningRules::profile_search_days)
      .def_readwrite("utc_offset_minutes", &CleaningRules::utc_offset_minutes)
      .def("validate", &CleaningRules::validate);

  m.def("_clean", [](const IntervalData& d, const CleaningRules& r) {
          Cleaned c;
          {
            py::gil_scoped_release nogil;
            c = clean(d, r);
          }
          const auto n = c.edits.size();
          py::array_t<std::int64_t> idx(static_cast<py::ssize_t>(n)), t(static_cast<py::ssize_t>(n));
          py::array_t<double> oldv(static_cast<py::ssize_t>(n)), newv(static_cast<py::ssize_t>(n));
          py::array_t<std::uint8_t> oldq(static_cast<py::ssize_t>(n)), newq(static_cast<py::ssize_t>(n));
          py::list rule;
          for (std::size_t i = 0; i < n; ++i) {
            const auto& e = c.edits[i];
            idx.mutable_at(i) = e.index;
            t.mutable_at(i) = e.t_unix_s;
            oldv.mutable_at(i) = e.old_value;
            newv.mutable_at(i) = e.new_value;
            oldq.mutable_at(i) = e.old_quality;
            newq.mutable_at(i) = e.new_quality;
            rule.append(e.rule);
          }
          py::dict edits;
          edits["index"] = idx;
          edits["t_unix_s"] = t;
          edits["old_value"] = oldv;
          edits["new_value"] = newv;
          edits["old_quality"] = oldq;
          edits["new_quality"] = newq;
          edits["rule"] = rule;
          return py::make_tuple(std::move(c.data), edits);
        }, py::arg("data"), py::arg("rules"));

  py::class_<MeterReplacement>(m, "MeterReplacement", "A meter replaced between two register reads")
      .def(py::init([](std::int64_t t, double old_final, double new_initial) { return MeterReplacement{t, old_final, new_initial}; }),
           py::arg("t_unix_s"), py::arg("old_final_reading"), py::arg("new_initial_reading") = 0.0);
  m.def("register_to_interval", [](const std::string& point, const std::vector<std::int64_t>& t, const Eigen::VectorXd& reading,
                                   const TimeGrid& grid, double rollover_at, double max_rate_per_h,
                                   const std::vector<MeterReplacement>& replacements, bool drop_is_reset) {
          RegisterOptions o;
          o.drop_is_reset = drop_is_reset;
          o.rollover_at = rollover_at;
          o.max_rate_per_h = max_rate_per_h;
          o.replacements = replacements;
          return register_to_interval(point, t, reading, grid, o);
        }, py::arg("point"), py::arg("t_unix_s"), py::arg("reading"), py::arg("grid"), py::arg("rollover_at") = 0.0,
        py::arg("max_rate_per_h") = 1e300, py::arg("replacements") = std::vector<MeterReplacement>{}, py::arg("drop_is_reset") = false,
        "Interval energy from cumulative register reads (rollover, replacements, apportioned by time).");

  py::class_<Cleaned>(m, "Cleaned", "Cleaned data and its edits (C++ ehub::ems::Cleaned)")
      .def_readonly("data", &Cleaned::data)
      .def("counts", &Cleaned::counts, "Edits per rule.");
  m.def("read_interval", &read_interval, py::arg("store"), py::arg("point"), py::arg("grid"),
        "A store point (measured, or virtual: evaluated from its formula) on a grid.");
  m.def("write_edits", &write_edits, py::arg("store"), py::arg("point"), py::arg("cleaned"),
        "Writes a cleaning's edits back to the store (replacements audited with their rule).");
  m.def("clean_data", [](const IntervalData& d, const CleaningRules& r) { return clean(d, r); }, py::arg("data"), py::arg("rules"),
        "clean() on IntervalData, returning a Cleaned (for write_edits).");
  m.def("load_statistics", [](const IntervalData& d, int utc_offset_minutes, int night_start_hour, int night_end_hour,
                              double base_percentile) {
          StatisticsOptions o{utc_offset_minutes, night_start_hour, night_end_hour, base_percentile};
          return stats_dict(load_statistics(d, o));
        }, py::arg("data"), py::arg("utc_offset_minutes") = 0, py::arg("night_start_hour") = 22, py::arg("night_end_hour") = 6,
        py::arg("base_percentile") = 0.05, "Peak, base load, load factor, night and weekend shares, completeness (a dict).");
  m.def("_period_totals", [](const IntervalData& d, const std::string& period, int utc_offset_minutes) {
          StatisticsOptions o;
          o.utc_offset_minutes = utc_offset_minutes;
          const auto t = period_totals(d, period_from_string(period), o);
          return py::make_tuple(t.start_unix_s, t.energy_kwh, t.peak_kw, t.completeness);
        }, py::arg("data"), py::arg("period"), py::arg("utc_offset_minutes") = 0);
  m.def("energy_by_hour_class", &energy_by_hour_class, py::arg("data"), py::arg("hour_labels"), py::arg("utc_offset_minutes") = 0,
        "Energy per class of local hour (24 labels: time-of-use periods, shifts), as (label, kWh) pairs.");
  m.def("roll_up", &roll_up, py::arg("groups"), py::arg("values"), py::arg("parent_of"),
        "Group rows rolled up a hierarchy {child: parent}: (names, rows); a cycle is an InputError.");
  m.def("tariff_cost", &tariff_cost, py::arg("data"), py::arg("hour_labels"), py::arg("price_per_kwh"), py::arg("utc_offset_minutes") = 0,
        "Energy cost of a power series under a time-of-use tariff (a price per label of local hour).");
  m.def("change_ratio", &change_ratio, py::arg("x"), py::arg("lag"), "x[i] / x[i - lag] - 1 (NaN where undefined).");

  m.def("energy_kpis", [](double electricity_kwh, double natural_gas_m3, double diesel_kg, double heat_mj, double floor_area_m2,
                          double production_units, double persons, double grid_kg_per_kwh, double electricity_equal_value_kgce_per_kwh,
                          double certificates_retired_kwh, double residual_kg_per_kwh) {
          EnergyUse u;
          u.electricity_kwh = electricity_kwh;
          u.natural_gas_m3 = natural_gas_m3;
          u.diesel_kg = diesel_kg;
          u.heat_mj = heat_mj;
          KpiOptions o;
          o.floor_area_m2 = floor_area_m2;
          o.production_units = production_units;
          o.persons = persons;
          o.grid_kg_per_kwh = grid_kg_per_kwh;
          o.coal.electricity_equal_value_kgce_per_kwh = electricity_equal_value_kgce_per_kwh;
          o.certificates_retired_kwh = certificates_retired_kwh;
          o.residual_kg_per_kwh = residual_kg_per_kwh;
          const auto k = energy_kpis(u, o);
          py::dict d;
          d["coal_calorific_kgce"] = k.coal_calorific_kgce;
          d["coal_equal_value_kgce"] = k.coal_equal_value_kgce;
          d["electricity_share_calorific"] = k.electricity_share_calorific;
          d["kgce_per_m2"] = k.kgce_per_m2;
          d["kgce_per_unit"] = k.kgce_per_unit;
          d["kgce_per_person"] = k.kgce_per_person;
          d["kwh_per_m2"] = k.kwh_per_m2;
          d["carbon_location_kg"] = k.carbon_location_kg;
          d["carbon_kg_per_m2"] = k.carbon_kg_per_m2;
          d["scope2_location_kg"] = k.scope2_location_kg;
          d["scope2_market_kg"] = k.scope2_market_kg;
          d["carbon_market_kg"] = k.carbon_market_kg;
          return d;
        }, py::arg("electricity_kwh") = 0.0, py::arg("natural_gas_m3") = 0.0, py::arg("diesel_kg") = 0.0, py::arg("heat_mj") = 0.0,
        py::arg("floor_area_m2") = 0.0, py::arg("production_units") = 0.0, py::arg("persons") = 0.0,
        py::arg("grid_kg_per_kwh") = 0.5366, py::arg("electricity_equal_value_kgce_per_kwh") = std::nan(""),
        py::arg("certificates_retired_kwh") = 0.0, py::arg("residual_kg_per_kwh") = 0.5856,
        "Standard coal equivalent (GB/T 2589-2020), intensities and location-based carbon of a period (a dict).");

  m.def("_tree_balance", [](const std::vector<std::tuple<std::string, std::string, IntervalData>>& meters, double threshold_share) {
          std::vector<TreeMeter> tree;
          for (const auto& [name, parent, data] : meters) tree.push_back({name, parent, data});
          const auto b = meter_tree_balance(tree, threshold_share);
          py::list nodes;
          for (const auto& n : b.nodes) {
            py::dict d;
            d["name"] = n.name;
            d["children"] = n.children;
            d["parent_kwh"] = n.parent_kwh;
            d["children_kwh"] = n.children_kwh;
            d["loss_kwh"] = n.loss_total_kwh;
            d["loss_share"] = n.loss_share;
            d["steps_compared"] = n.steps_compared;
            d["flagged"] = n.flagged;
            d["loss_kwh_per_step"] = n.loss_kwh;
            nodes.append(d);
          }
          return py::make_tuple(nodes, b.worst);
        }, py::arg("meters"), py::arg("threshold_share") = 0.05);
}

}  // namespace ehub::python
