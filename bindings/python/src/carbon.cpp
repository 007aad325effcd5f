// Bindings of ehub.carbon: the certificate ledger (inputs, options, the Ledger with its series,
// records and summary as numpy arrays and dicts), emission factors, GEC bundles and the results
// file reader/writer. The pure-Python layer (ehub/carbon.py) adds pandas frames and keywords.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/carbon/factors.hpp"
#include "ehub/carbon/from_dispatch.hpp"
#include "ehub/carbon/gec.hpp"
#include "ehub/carbon/ledger.hpp"
#include "ehub/carbon/results_file.hpp"
#include "ehub/core/error.hpp"

namespace ehub::python {

void bind_carbon(py::module_& m);

namespace {

template <class T, class F>
py::array_t<std::int64_t> iarr(const std::vector<T>& rows, F get) {
  py::array_t<std::int64_t> a(static_cast<py::ssize_t>(rows.size()));
  auto* p = a.mutable_data();
  for (std::size_t i = 0; i < rows.size(); ++i) p[i] = static_cast<std::int64_t>(get(rows[i]));
  return a;
}
template <class T, class F>
py::array_t<double> farr(const std::vector<T>& rows, F get) {
  py::array_t<double> a(static_cast<py::ssize_t>(rows.size()));
  auto* p = a.mutable_data();
  for (std::size_t i = 0; i < rows.size(); ++i) p[i] = get(rows[i]);
  return a;
}

std::optional<carbon::Policy> policy_of(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return carbon::policy_from_string(*s);
}

carbon::EmissionFactor factor_of(const py::object& o, const char* field) {
  if (py::isinstance<carbon::EmissionFactor>(o)) return o.cast<carbon::EmissionFactor>();
  if (py::isinstance<py::str>(o)) return carbon::parse_grid_factor(o.cast<std::string>(), field);
  carbon::EmissionFactor f{"user", o.cast<double>(), 0, "given by the user"};
  f.validate(field);
  return f;
}

py::dict bundles_dict(const carbon::Ledger& L, const std::vector<carbon::Bundle>& b) {
  using B = carbon::Bundle;
  py::dict d;
  d["id_first"] = iarr(b, [](const B& x) { return x.id_first; });
  d["id_end"] = iarr(b, [](const B& x) { return x.id_end; });
  d["parent_first"] = iarr(b, [](const B& x) { return x.parent_first; });
  d["parent_end"] = iarr(b, [](const B& x) { return x.parent_end; });
  d["kwh"] = farr(b, [](const B& x) { return x.kwh; });
  d["production_step"] = iarr(b, [](const B& x) { return x.production_step; });
  d["release_step"] = iarr(b, [](const B& x) { return x.release_step; });
  d["production_time"] = iarr(b, [&](const B& x) { return x.production_step >= 0 ? L.grid.time_unix_s(x.production_step) : -1; });
  d["release_time"] = iarr(b, [&](const B& x) { return x.release_step >= 0 ? L.grid.time_unix_s(x.release_step) : -1; });
  d["storage"] = iarr(b, [](const B& x) { return x.storage; });
  d["lot"] = iarr(b, [](const B& x) { return x.lot; });
  d["producer"] = iarr(b, [](const B& x) { return x.producer; });
  d["efficiency"] = farr(b, [](const B& x) { return x.efficiency; });
  d["origin"] = iarr(b, [](const B& x) { return static_cast<int>(x.origin); });
  d["status"] = iarr(b, [](const B& x) { return static_cast<int>(x.status); });
  return d;
}

}  // namespace

void bind_carbon(py::module_& m) {
  bind_enum(m, "Policy", "Storage release policy", carbon::kPolicyNames);
  bind_enum(m, "LossMode", "Storage loss mode", carbon::kLossModeNames);
  bind_enum(m, "Status", "Terminal state of a certificate bundle", carbon::kStatusNames);
  bind_enum(m, "Origin", "Where a bundle comes from", carbon::kOriginNames);
  bind_enum(m, "Issuer", "Issuer of a producer's certificates", carbon::kIssuerNames);

  py::class_<carbon::EmissionFactor>(m, "EmissionFactor", "A grid emission factor with its year and source.")
      .def(py::init([](std::string name, double kg, int year, std::string source) {
             carbon::EmissionFactor f{std::move(name), kg, year, std::move(source)};
             f.validate("kg_per_kwh");
             return f;
           }),
           py::arg("name"), py::arg("kg_per_kwh"), py::arg("year") = 0, py::arg("source") = "")
      .def_readwrite("name", &carbon::EmissionFactor::name)
      .def_readwrite("kg_per_kwh", &carbon::EmissionFactor::kg_per_kwh)
      .def_readwrite("year", &carbon::EmissionFactor::year)
      .def_readwrite("source", &carbon::EmissionFactor::source)
      .def("__repr__", [](const carbon::EmissionFactor& f) {
        return "EmissionFactor(" + f.name + ", " + std::to_string(f.kg_per_kwh) + " kg/kWh, " + std::to_string(f.year) + ")";
      });
  m.def("grid_factors", &carbon::grid_factors, "The built-in grid emission factors (China, MEE/NBS).");
  m.def("grid_factor", &carbon::grid_factor, py::arg("name"), "A built-in grid factor by name.");
  m.def("default_location_factor", &carbon::default_location_factor);
  m.def("default_residual_factor", &carbon::default_residual_factor);
  py::class_<carbon::FuelFactors>(m, "FuelFactors", "Scope 1 factors of natural gas and diesel.")
      .def(py::init<>())
      .def_readwrite("gas_kg_per_m3", &carbon::FuelFactors::gas_kg_per_m3)
      .def_readwrite("gas_ncv_kj_per_m3", &carbon::FuelFactors::gas_ncv_kj_per_m3)
      .def_readwrite("diesel_kg_per_kg", &carbon::FuelFactors::diesel_kg_per_kg)
      .def_readwrite("diesel_ncv_kj_per_kg", &carbon::FuelFactors::diesel_ncv_kj_per_kg)
      .def_property_readonly("gas_kg_per_kwh", &carbon::FuelFactors::gas_kg_per_kwh)
      .def_property_readonly("diesel_kg_per_kwh", &carbon::FuelFactors::diesel_kg_per_kwh);
  m.def("scope1_kg", &carbon::scope1_kg, py::arg("gas_m3") = 0.0, py::arg("diesel_kg") = 0.0,
        py::arg("factors") = carbon::FuelFactors{}, "Scope 1 kgCO2 of burning gas (m3) and diesel (kg).");

  py::class_<carbon::GecBundle>(m, "GecBundle", "GECs of one device and production month.")
      .def_readonly("producer", &carbon::GecBundle::producer)
      .def_readonly("year", &carbon::GecBundle::year)
      .def_readonly("month", &carbon::GecBundle::month)
      .def_readonly("production_kwh", &carbon::GecBundle::production_kwh)
      .def_readonly("carry_in_kwh", &carbon::GecBundle::carry_in_kwh)
      .def_readonly("certificates", &carbon::GecBundle::certificates)
      .def_readonly("carry_out_kwh", &carbon::GecBundle::carry_out_kwh)
      .def_readonly("expiry_year", &carbon::GecBundle::expiry_year)
      .def_readonly("expiry_month", &carbon::GecBundle::expiry_month);
  m.def(
      "gec_bundles",
      [](const std::string& producer, const std::vector<std::tuple<int, int, double>>& months) {
        std::vector<carbon::MonthlyProduction> mp;
        for (const auto& [y, mo, kwh] : months) mp.push_back({y, mo, kwh});
        return carbon::gec_bundles(producer, mp);
      },
      py::arg("producer"), py::arg("months"), "GEC bundles from [(year, month, kWh), ...] of one device.");

  py::class_<carbon::Producer>(m, "Producer", "A certificate source: an on-site device or contracted certificates.")
      .def(py::init([](std::string name, std::vector<double> kwh, std::string technology, bool on_site,
                       const std::string& issuer, std::string ref) {
             carbon::Producer p;
             p.name = std::move(name);
             p.kwh = std::move(kwh);
             p.technology = std::move(technology);
             p.on_site = on_site;
             p.issuer = carbon::issuer_from_string(issuer);
             p.external_reference = std::move(ref);
             return p;
           }),
           py::arg("name"), py::arg("kwh"), py::arg("technology") = "pv", py::arg("on_site") = true,
           py::arg("issuer") = "internal", py::arg("external_reference") = "")
      .def_readwrite("name", &carbon::Producer::name)
      .def_readwrite("technology", &carbon::Producer::technology)
      .def_readwrite("on_site", &carbon::Producer::on_site)
      .def_readwrite("issuer", &carbon::Producer::issuer)
      .def_readwrite("external_reference", &carbon::Producer::external_reference)
      .def_readwrite("kwh", &carbon::Producer::kwh);

  py::class_<carbon::StorageInput>(m, "StorageInput", "An electric storage: metered flows, loss model, optional split.")
      .def(py::init([](std::string name, std::vector<double> charge, std::vector<double> discharge, double eta_c,
                       double eta_d, double loss_h, std::vector<double> loss_step, std::optional<double> initial,
                       std::vector<double> soc, std::vector<double> gc, std::vector<double> gd,
                       std::vector<double> socg, const std::optional<std::string>& policy,
                       const std::optional<std::string>& losses, std::optional<double> metered) {
             carbon::StorageInput s;
             s.name = std::move(name);
             s.charge_kwh = std::move(charge);
             s.discharge_kwh = std::move(discharge);
             s.eta_charge = eta_c;
             s.eta_discharge = eta_d;
             s.standing_loss_per_h = loss_h;
             s.standing_loss_per_step = std::move(loss_step);
             s.initial_kwh = initial;
             s.soc_kwh = std::move(soc);
             s.green_charge_kwh = std::move(gc);
             s.green_discharge_kwh = std::move(gd);
             s.soc_green_kwh = std::move(socg);
             s.policy = policy_of(policy);
             if (losses) s.losses = carbon::loss_mode_from_string(*losses);
             s.metered_efficiency = metered;
             return s;
           }),
           py::arg("name"), py::arg("charge_kwh"), py::arg("discharge_kwh"), py::arg("eta_charge") = 0.95,
           py::arg("eta_discharge") = 0.95, py::arg("standing_loss_per_h") = 0.0,
           py::arg("standing_loss_per_step") = std::vector<double>{}, py::arg("initial_kwh") = py::none(),
           py::arg("soc_kwh") = std::vector<double>{}, py::arg("green_charge_kwh") = std::vector<double>{},
           py::arg("green_discharge_kwh") = std::vector<double>{}, py::arg("soc_green_kwh") = std::vector<double>{},
           py::arg("policy") = py::none(), py::arg("losses") = py::none(), py::arg("metered_efficiency") = py::none())
      .def_readwrite("name", &carbon::StorageInput::name)
      .def_readwrite("charge_kwh", &carbon::StorageInput::charge_kwh)
      .def_readwrite("discharge_kwh", &carbon::StorageInput::discharge_kwh)
      .def_readwrite("eta_charge", &carbon::StorageInput::eta_charge)
      .def_readwrite("eta_discharge", &carbon::StorageInput::eta_discharge)
      .def_readwrite("standing_loss_per_h", &carbon::StorageInput::standing_loss_per_h)
      .def_readwrite("soc_kwh", &carbon::StorageInput::soc_kwh)
      .def_readwrite("green_charge_kwh", &carbon::StorageInput::green_charge_kwh)
      .def_readwrite("green_discharge_kwh", &carbon::StorageInput::green_discharge_kwh)
      .def_property_readonly("has_split", &carbon::StorageInput::has_split);

  py::class_<carbon::Input>(m, "Input", "Everything the ledger reads, per step of the grid (kWh per step).")
      .def(py::init([](const TimeGrid& grid, std::vector<double> consumption, std::vector<carbon::Producer> producers,
                       std::vector<carbon::StorageInput> storages, std::vector<double> imp, std::vector<double> exp,
                       std::vector<double> clean, std::vector<double> loc, std::vector<double> res,
                       std::vector<double> gas, std::vector<double> diesel, double gas_m3, double diesel_kg,
                       int utc_offset) {
             carbon::Input in;
             in.grid = grid;
             in.consumption_kwh = std::move(consumption);
             in.producers = std::move(producers);
             in.storages = std::move(storages);
             in.import_kwh = std::move(imp);
             in.export_kwh = std::move(exp);
             in.grid_clean_share = std::move(clean);
             in.location_factor_kg_per_kwh = std::move(loc);
             in.residual_factor_kg_per_kwh = std::move(res);
             in.gas_kwh = std::move(gas);
             in.diesel_kwh = std::move(diesel);
             in.gas_m3 = gas_m3;
             in.diesel_kg = diesel_kg;
             in.utc_offset_minutes = utc_offset;
             in.validate();
             return in;
           }),
           py::arg("grid"), py::arg("consumption_kwh"), py::arg("producers") = std::vector<carbon::Producer>{},
           py::arg("storages") = std::vector<carbon::StorageInput>{}, py::arg("import_kwh") = std::vector<double>{},
           py::arg("export_kwh") = std::vector<double>{}, py::arg("grid_clean_share") = std::vector<double>{},
           py::arg("location_factor_kg_per_kwh") = std::vector<double>{},
           py::arg("residual_factor_kg_per_kwh") = std::vector<double>{}, py::arg("gas_kwh") = std::vector<double>{},
           py::arg("diesel_kwh") = std::vector<double>{}, py::arg("gas_m3") = 0.0, py::arg("diesel_kg") = 0.0,
           py::arg("utc_offset_minutes") = 0)
      .def_readwrite("grid", &carbon::Input::grid)
      .def_readwrite("utc_offset_minutes", &carbon::Input::utc_offset_minutes)
      .def_readwrite("consumption_kwh", &carbon::Input::consumption_kwh)
      .def_readwrite("producers", &carbon::Input::producers)
      .def_readwrite("storages", &carbon::Input::storages)
      .def_readwrite("import_kwh", &carbon::Input::import_kwh)
      .def_readwrite("export_kwh", &carbon::Input::export_kwh)
      .def_readwrite("grid_clean_share", &carbon::Input::grid_clean_share)
      .def_readwrite("gas_m3", &carbon::Input::gas_m3)
      .def_readwrite("diesel_kg", &carbon::Input::diesel_kg)
      .def_readonly("source", &carbon::Input::source);

  py::class_<carbon::Options>(m, "Options", "Options of a ledger run (docs/carbon.md).")
      .def(py::init([](const std::optional<std::string>& policy, const std::string& losses, bool integer_wh,
                       bool pool_hours, bool sell_exported, double purchased, double clean_share,
                       const py::object& location, const py::object& residual, const py::object& alt,
                       double carbon_price, double floor_area, double units, int window, const std::string& zone,
                       double tolerance, bool gec, bool records) {
             carbon::Options o;
             o.policy = policy_of(policy);
             o.losses = carbon::loss_mode_from_string(losses);
             o.integer_wh = integer_wh;
             o.pool_hours = pool_hours;
             o.sell_exported_certificates = sell_exported;
             o.purchased_certificates_kwh = purchased;
             o.grid_clean_share = clean_share;
             if (!location.is_none()) o.location_factor = factor_of(location, "location_factor");
             if (!residual.is_none()) o.residual_factor = factor_of(residual, "residual_factor");
             if (!alt.is_none()) o.alternative_residual_factor = factor_of(alt, "alternative_residual_factor");
             o.carbon_price_per_t = carbon_price;
             o.floor_area_m2 = floor_area;
             o.production_units = units;
             o.metered_window_months = window;
             o.zone = zone;
             o.tolerance = tolerance;
             o.gec = gec;
             o.records = records;
             o.validate();
             return o;
           }),
           py::arg("policy") = py::none(), py::arg("losses") = "physical", py::arg("integer_wh") = false,
           py::arg("pool_hours") = false, py::arg("sell_exported_certificates") = false,
           py::arg("purchased_certificates_kwh") = 0.0, py::arg("grid_clean_share") = 0.0,
           py::arg("location_factor") = py::none(), py::arg("residual_factor") = py::none(),
           py::arg("alternative_residual_factor") = py::none(), py::arg("carbon_price_per_t") = 0.0,
           py::arg("floor_area_m2") = 0.0, py::arg("production_units") = 0.0, py::arg("metered_window_months") = 6,
           py::arg("zone") = "park", py::arg("tolerance") = 1e-6, py::arg("gec") = true, py::arg("records") = true)
      .def_property_readonly("policy", [](const carbon::Options& o) -> py::object {
        if (!o.policy) return py::none();
        return py::str(std::string(carbon::to_string(*o.policy)));
      })
      .def_property_readonly("losses", [](const carbon::Options& o) { return std::string(carbon::to_string(o.losses)); })
      .def_readonly("integer_wh", &carbon::Options::integer_wh)
      .def_readonly("location_factor", &carbon::Options::location_factor)
      .def_readonly("residual_factor", &carbon::Options::residual_factor);

  py::class_<carbon::Ledger>(m, "Ledger", "The certificate ledger of a run: series, records, scores, emissions.")
      .def_readonly("grid", &carbon::Ledger::grid)
      .def_readonly("utc_offset_minutes", &carbon::Ledger::utc_offset_minutes)
      .def_readonly("producers", &carbon::Ledger::producers)
      .def_readonly("technologies", &carbon::Ledger::technologies)
      .def_readonly("green_share_hourly", &carbon::Ledger::green_share_hourly)
      .def_readonly("green_share_annual", &carbon::Ledger::green_share_annual)
      .def_readonly("cfe_score", &carbon::Ledger::cfe_score)
      .def_readonly("notes", &carbon::Ledger::notes)
      .def_property_readonly("steps",
                             [](const py::object& self) {
                               const auto& S = self.cast<const carbon::Ledger&>().steps;
                               py::dict d;
                               const std::pair<const char*, const std::vector<double>*> cols[] = {
                                   {"consumption_kwh", &S.consumption}, {"produced_kwh", &S.produced},
                                   {"contracted_kwh", &S.contracted}, {"direct_kwh", &S.direct},
                                   {"storage_green_kwh", &S.storage_green}, {"storage_grey_kwh", &S.storage_grey},
                                   {"unmatched_kwh", &S.unmatched}, {"matched_kwh", &S.matched},
                                   {"charged_green_kwh", &S.charged_green}, {"charged_grey_kwh", &S.charged_grey},
                                   {"exported_kwh", &S.exported}, {"expired_kwh", &S.expired}, {"lost_kwh", &S.lost},
                                   {"cfe", &S.cfe}, {"grey_clean_share", &S.grey_clean_share},
                                   {"grid_clean_share", &S.grid_clean_share}, {"import_kwh", &S.import_kwh},
                                   {"export_kwh", &S.export_kwh}, {"scope1_kg", &S.scope1_kg},
                                   {"scope2_location_kg", &S.scope2_location_kg},
                                   {"scope2_market_kg", &S.scope2_market_kg}};
                               for (const auto& [k, v] : cols) d[k] = view(*v, self);
                               return d;
                             },
                             "{name: numpy array per step}: consumption, matching (direct, storage), certificates, "
                             "cfe, emissions (read-only views of the ledger, no copy)")
      .def_property_readonly("storages",
                             [](const py::object& self) {
                               py::dict d;
                               for (const auto& s : self.cast<const carbon::Ledger&>().storages) {
                                 py::dict x;
                                 x["policy"] = std::string(carbon::to_string(s.policy));
                                 x["losses"] = std::string(carbon::to_string(s.losses));
                                 x["green_kwh"] = view(s.green_kwh, self);
                                 x["grey_kwh"] = view(s.grey_kwh, self);
                                 x["green_in_kwh"] = s.green_in_kwh;
                                 x["green_out_kwh"] = s.green_out_kwh;
                                 x["grey_out_kwh"] = s.grey_out_kwh;
                                 x["lost_kwh"] = s.lost_kwh;
                                 x["unbacked_kwh"] = s.unbacked_kwh;
                                 x["metered_efficiency"] = s.metered_efficiency;
                                 d[py::str(s.name)] = x;
                               }
                               return d;
                             },
                             "{storage: {policy, losses, green_kwh, grey_kwh (content per step), totals}}")
      .def("bundles",
           [](const carbon::Ledger& L, bool by_device) {
             return bundles_dict(L, by_device ? L.device_bundles() : L.bundles);
           },
           py::arg("by_device") = true,
           "Bundle records as {column: numpy array}; by_device splits them at producer boundaries.")
      .def_property_readonly("lots",
                             [](const carbon::Ledger& L) {
                               using T = carbon::Lot;
                               const auto& l = L.lots;
                               py::dict d;
                               d["storage"] = iarr(l, [](const T& x) { return x.storage; });
                               d["charge_step"] = iarr(l, [](const T& x) { return x.charge_step; });
                               d["green"] = iarr(l, [](const T& x) { return x.green ? 1 : 0; });
                               d["id_first"] = iarr(l, [](const T& x) { return x.id_first; });
                               d["id_end"] = iarr(l, [](const T& x) { return x.id_end; });
                               d["charged_kwh"] = farr(l, [](const T& x) { return x.charged_kwh; });
                               d["stored_kwh"] = farr(l, [](const T& x) { return x.stored_kwh; });
                               d["removed_kwh"] = farr(l, [](const T& x) { return x.removed_kwh; });
                               d["delivered_kwh"] = farr(l, [](const T& x) { return x.delivered_kwh; });
                               d["lost_kwh"] = farr(l, [](const T& x) { return x.lost_kwh; });
                               d["end_kwh"] = farr(l, [](const T& x) { return x.end_kwh; });
                               d["clean_share"] = farr(l, [](const T& x) { return x.clean_share; });
                               d["factor_kg_per_kwh"] = farr(l, [](const T& x) { return x.factor_kg_per_kwh; });
                               return d;
                             })
      .def_readonly("gec", &carbon::Ledger::gec)
      .def_property_readonly("hour_of_day_share",
                             [](const py::object& self) {
                               const auto& h = self.cast<const carbon::Ledger&>().hour_of_day_share;
                               return view(h.data(), h.size(), self);
                             },
                             "Matched / consumption per local hour of day (24 values; a read-only view, no copy).")
      .def("issued", [](const carbon::Ledger& L, std::size_t p) { return adopt(L.issued(p)); }, py::arg("producer"),
           "Certificates issued per step for producer index p (kWh; the array owns the C++ vector, no copy).")
      .def("summary", [](const carbon::Ledger& L) { return json_to_python(L.summary()); },
           "The summary dict of `ehub certify --summary`.")
      .def("brief_report", &carbon::Ledger::brief_report)
      .def("__repr__", &carbon::Ledger::brief_report);

  m.def(
      "_certify",
      [](const carbon::Input& in, const carbon::Options& o) {
        py::gil_scoped_release release;
        return carbon::certify(in, o);
      },
      py::arg("input"), py::arg("options"), "Runs the ledger (the GIL is released).");

  py::class_<carbon::StorageSpec>(m, "StorageSpec", "Loss parameters of one storage (physical loss mode).")
      .def(py::init([](std::string name, double eta_c, double eta_d, double loss) {
             carbon::StorageSpec s{std::move(name), eta_c, eta_d, loss, {}};
             s.validate();
             return s;
           }),
           py::arg("name"), py::arg("eta_charge") = 0.95, py::arg("eta_discharge") = 0.95,
           py::arg("standing_loss_per_h") = 0.0)
      .def_readwrite("name", &carbon::StorageSpec::name)
      .def_readwrite("eta_charge", &carbon::StorageSpec::eta_charge)
      .def_readwrite("eta_discharge", &carbon::StorageSpec::eta_discharge)
      .def_readwrite("standing_loss_per_h", &carbon::StorageSpec::standing_loss_per_h);
  m.def(
      "read_scenario_settings",
      [](const std::string& path) {
        const auto s = carbon::read_scenario_settings(path);
        py::dict d;
        d["storages"] = s.storages;
        d["utc_offset_minutes"] = s.utc_offset_minutes;
        d["carbon_price_per_t"] = s.carbon_price_per_t;
        d["grid_factor_kg_per_kwh"] = s.grid_factor_kg_per_kwh;
        return d;
      },
      py::arg("path"), "Battery efficiencies, UTC offset, carbon price and grid factor of a scenario JSON file.");
  m.def(
      "read_results_h5",
      [](const std::string& path, const std::vector<carbon::StorageSpec>& storages, int utc_offset,
         const std::string& clean, const std::string& loc, const std::string& res, bool use_split) {
        carbon::ReadOptions o;
        o.storages = storages;
        o.utc_offset_minutes = utc_offset;
        o.clean_share_dataset = clean;
        o.location_factor_dataset = loc;
        o.residual_factor_dataset = res;
        o.use_split = use_split;
        py::gil_scoped_release release;
        return carbon::read_results_h5(path, o);
      },
      py::arg("path"), py::arg("storages") = std::vector<carbon::StorageSpec>{}, py::arg("utc_offset_minutes") = 0,
      py::arg("clean_share_dataset") = "", py::arg("location_factor_dataset") = "",
      py::arg("residual_factor_dataset") = "", py::arg("use_split") = true,
      "A ledger Input from a results HDF5 file in the dispatch layout.");
  m.def(
      "input_from_dispatch",
      [](const hub::Scenario& sc, const dispatch::Result& r, const std::vector<carbon::StorageSpec>& storages,
         bool use_split) {
        carbon::ReadOptions o;
        o.storages = storages;
        o.use_split = use_split;
        py::gil_scoped_release release;
        return carbon::input_from_dispatch(sc, r, o);
      },
      py::arg("scenario"), py::arg("result"), py::arg("storages") = std::vector<carbon::StorageSpec>{},
      py::arg("use_split") = true,
      "A ledger Input from a dispatch Result in memory and its scenario (no file): storage efficiencies "
      "from the devices (storages overrides them), the park's local time from the result.");
  m.def(
      "write_certified_h5",
      [](const std::string& results, const carbon::Ledger& L, const std::string& out) {
        py::gil_scoped_release release;
        carbon::write_certified_h5(results, L, out);
      },
      py::arg("results_path"), py::arg("ledger"), py::arg("out_path"),
      "A copy of the results file plus the /certificates tables (written atomically).");
}

}  // namespace ehub::python
