// Results HDF5 file -> ledger Input; scenario JSON -> storage efficiencies; ledger -> certified
// copy of the results file with /certificates tables.
#include "ehub/carbon/results_file.hpp"

#include <algorithm>

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "ehub/carbon/from_dispatch.hpp"
#include "ehub/core/error.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"

namespace ehub::carbon {
namespace {

// Attributes of the dispatch layout (and of write_series_h5) that a certified copy keeps.
const char* const kKnownAttributes[] = {"bus",          "carrier",       "unit",
                                        "device_type",  "renewable",     "kind",
                                        "step_minutes", "start_unix_s",  "status",
                                        "objective",    "prices_from_fixed_integers", "eta_charge",
                                        "eta_discharge", "standing_loss_per_h", "solver", "setpoint"};

std::string join(const std::string& group, const std::string& name) { return group == "/" ? "/" + name : group + "/" + name; }

std::string safe(std::string name) {
  for (auto& c : name)
    if (c == '/') c = '_';
  return name;
}

std::vector<double> to_std(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

void copy_attributes(const io::H5Reader& r, io::H5Writer& w, const std::string& p) {
  for (const char* a : kKnownAttributes) {
    if (!r.has_attribute(p, a)) continue;
    try {
      w.write_string_attribute(p, a, r.string_attribute(p, a));
    } catch (const InputError&) {
      w.write_double_attribute(p, a, r.double_attribute(p, a));
    }
  }
}

// Copies `group` recursively. Every object is visited once: a second hard link to a group or
// dataset already copied (a cycle such as /green/loop -> / among them) cannot be reproduced by
// the writer, so it is an InputError naming both paths, never an endless copy.
void copy_group(const io::H5Reader& r, io::H5Writer& w, const std::string& group,
                std::map<std::uint64_t, std::string>& seen) {
  seen.emplace(r.object_address(group), group);
  for (const auto& name : r.list(group)) {
    const std::string p = join(group, name);
    if (p == "/certificates") continue;  // re-certifying replaces the old tables
    if (r.is_group(p) || r.is_dataset(p)) {
      const auto [it, fresh] = seen.emplace(r.object_address(p), p);
      if (!fresh)
        throw InputError(r.path(), p,
                         "is a second hard link to " + it->second +
                             " (a link cycle or a shared object; a results file has none)");
    }
    if (r.is_group(p)) {
      w.create_group(p);
      copy_attributes(r, w, p);
      copy_group(r, w, p, seen);
    } else if (r.is_dataset(p)) {
      bool done = false;
      try {
        const auto v = r.read_vector_int64(p);
        w.write_vector_int64(p, v);
        done = true;
      } catch (const InputError&) {
      }
      if (!done) w.write_vector(p, to_std(r.read_vector(p)));
      copy_attributes(r, w, p);
    }
  }
}

// An attribute that is missing takes its default; one that is present must be readable and of
// the right type (a corrupt or mistyped attribute is an InputError, never silently the default).
double attr_or(const io::H5Reader& r, const std::string& p, const char* name, double dflt) {
  if (!r.has_attribute(p, name)) return dflt;
  return r.double_attribute(p, name);
}

std::string str_attr_or(const io::H5Reader& r, const std::string& p, const char* name, const std::string& dflt) {
  if (!r.has_attribute(p, name)) return dflt;
  return r.string_attribute(p, name);
}

}  // namespace

void StorageSpec::validate() const {
  if (!(eta_charge > 0 && eta_charge <= 1))
    throw InputError("", "/storages/" + name + "/eta_charge", "must be in (0, 1], got " + io::format_number(eta_charge));
  if (!(eta_discharge > 0 && eta_discharge <= 1))
    throw InputError("", "/storages/" + name + "/eta_discharge", "must be in (0, 1], got " + io::format_number(eta_discharge));
  if (!(standing_loss_per_h >= 0 && standing_loss_per_h <= 1))
    throw InputError("", "/storages/" + name + "/standing_loss_per_h",
                     "must be in [0, 1], got " + io::format_number(standing_loss_per_h));
}

ScenarioSettings read_scenario_settings(const std::string& path) {
  const nlohmann::json j = io::load_json_file(path);
  const io::JsonReader root(j, path);
  ScenarioSettings s;
  if (root.has("carbon_price_per_t")) s.carbon_price_per_t = root.non_negative_number("carbon_price_per_t");
  if (root.has("time")) {
    const auto time = root.at("time");
    if (time.has("start")) {
      const std::string iso = time.required_string("start");
      try {
        if (!time.has("utc_offset_minutes")) {
          // Offset written in the start timestamp ("...+08:00"), 0 for "Z" or none.
          const std::string date_time = iso.substr(0, std::min<std::size_t>(iso.size(), 19));
          s.utc_offset_minutes = static_cast<int>((parse_iso8601(date_time) - parse_iso8601(iso)) / 60);
        }
      } catch (const InputError& e) {
        throw time.error_at("start", e.detail());
      }
    }
    if (time.has("utc_offset_minutes")) s.utc_offset_minutes = static_cast<int>(time.required_int("utc_offset_minutes"));
  }
  if (!root.has("devices")) return s;
  // The devices are created by their own types and asked: storages report their efficiencies and
  // losses with the device's defaults, a grid its emission factor. A whole scenario is loaded as
  // such; a fragment that does not load (no buses, data files elsewhere) is read device by device
  // with its series taken as 0, and a device that fails even so gives the scenario's own error.
  std::optional<hub::Scenario> whole;
  std::vector<const hub::Device*> devices;
  try {
    whole = hub::load_scenario(path);
    for (std::int32_t i = 0; i < whole->hub.num_devices(); ++i) devices.push_back(&whole->hub.device(i));
  } catch (const InputError&) {
    // A fragment that is no scenario (e.g. only {"devices": [{"name", "type": "battery",
    // "round_trip_efficiency"}]}): its battery keys are read as the built-in battery reads them,
    // with the battery's own defaults (hub::builtin_storage_defaults).
    const hub::StorageInfo def = hub::builtin_storage_defaults(hub::Carrier::electricity);
    for (const auto& d : root.at("devices").elements()) {
      const std::string type = d.optional_string("type", "");
      if (type == "grid" && d.has("emission_factor_kg_per_kwh") && d.at("emission_factor_kg_per_kwh").json().is_number())
        s.grid_factor_kg_per_kwh = d.number_in_range("emission_factor_kg_per_kwh", 0, 10);
      if (type != "battery") continue;
      StorageSpec spec;
      spec.name = d.required_string("name");
      spec.eta_charge = def.charge_efficiency;
      spec.eta_discharge = def.discharge_efficiency;
      spec.standing_loss_per_h = def.standing_loss_per_h;
      if (d.has("round_trip_efficiency")) {
        spec.eta_charge = spec.eta_discharge = std::sqrt(d.number_in_range("round_trip_efficiency", 1e-3, 1.0));
      } else {
        if (d.has("charge_efficiency")) spec.eta_charge = d.number_in_range("charge_efficiency", 1e-3, 1.0);
        if (d.has("discharge_efficiency")) spec.eta_discharge = d.number_in_range("discharge_efficiency", 1e-3, 1.0);
      }
      if (d.has("self_discharge_per_h")) spec.standing_loss_per_h = d.number_in_range("self_discharge_per_h", 0.0, 1.0);
      s.storages.push_back(spec);
    }
    return s;
  }
  const auto elements = root.at("devices").elements();
  for (std::size_t k = 0; k < devices.size() && k < elements.size(); ++k) {
    const hub::Device* dev = devices[k];
    const auto& d = elements[k];  // the device's JSON, in the same order
    if (const auto st = dev->storage(); st && st->carrier == hub::Carrier::electricity) {
      StorageSpec spec;
      spec.name = dev->name();
      spec.eta_charge = st->charge_efficiency;
      spec.eta_discharge = st->discharge_efficiency;
      spec.standing_loss_per_h = st->standing_loss_per_h;
      s.storages.push_back(spec);
    }
    if (const auto g = dev->grid_connection(); g && g->emission_factor_given && !s.grid_factor_kg_per_kwh &&
                                               d.at("emission_factor_kg_per_kwh").json().is_number())
      s.grid_factor_kg_per_kwh = g->emission_factor_kg_per_kwh.at(0);
  }
  return s;
}

Input read_results_h5(const std::string& path, const ReadOptions& o) {
  const io::H5Reader r(path);
  if (!r.is_dataset("/time")) throw InputError(path, "/time", "no such dataset: not a results file in the dispatch layout");
  const auto time = r.read_vector_int64("/time");
  if (time.empty()) throw InputError(path, "/time", "has no steps");
  const std::size_t n = time.size();
  // Times within +-10^15 s of 1970 (as for series files): their differences cannot overflow.
  for (std::size_t i = 0; i < n; ++i)
    if (time[i] <= -1'000'000'000'000'000 || time[i] >= 1'000'000'000'000'000)
      throw InputError(path, "/time",
                       "element " + std::to_string(i) + " is " + std::to_string(time[i]) +
                           " s, not a time ehub handles (within +-10^15 s of 1970)");
  double step_min = attr_or(r, "/", "step_minutes", n > 1 ? static_cast<double>(time[1] - time[0]) / 60.0 : 60.0);
  const std::int64_t step_s = static_cast<std::int64_t>(std::llround(step_min * 60));
  for (std::size_t i = 1; i < n; ++i)
    if (time[i] - time[i - 1] != step_s)
      throw InputError(path, "/time", "not a regular grid of " + io::format_number(step_min) + " min at element " + std::to_string(i));
  // The file as the dispatch::Result it was written from (the flows, and the states and green
  // split of the storages and grids), then the one conversion of from_dispatch.hpp.
  dispatch::Result res;
  try {
    res.grid = TimeGrid(time[0], static_cast<int>(std::llround(step_min)), static_cast<std::int64_t>(n));
  } catch (const InputError& e) {
    throw InputError(path, "/time", e.detail());
  }
  res.utc_offset_minutes = o.utc_offset_minutes;
  auto read = [&](const std::string& p) {
    if (!r.is_dataset(p)) throw InputError(path, p, "no such dataset");
    if (static_cast<std::size_t>(r.length(p)) != n)
      throw InputError(path, p, "has " + std::to_string(r.length(p)) + " values, /time has " + std::to_string(n));
    return to_std(r.read_vector(p));
  };
  if (!r.is_group("/flows")) throw InputError(path, "/flows", "no such group: not a results file in the dispatch layout");
  ScheduleRoles roles;
  std::map<std::string, StorageSpec> specs;
  for (const auto& name : r.list("/flows")) {
    const std::string p = "/flows/" + name;
    if (!r.is_dataset(p)) continue;
    const auto dot = name.rfind('.');
    dispatch::FlowSeries f;
    f.device = dot == std::string::npos ? name : name.substr(0, dot);
    f.port = dot == std::string::npos ? "" : name.substr(dot + 1);
    const std::string carrier = str_attr_or(r, p, "carrier", "electricity");
    try {
      f.carrier = hub::carrier_from_string(carrier);
    } catch (const InputError&) {
      continue;  // a carrier the ledger does not read (e.g. of another tool)
    }
    f.device_type = str_attr_or(r, p, "device_type", "");
    f.renewable = attr_or(r, p, "renewable", 0.0) != 0.0;
    f.kw = read(p);
    const std::string st = "/states/" + f.device + ".";
    auto kind = [&](const char* state) { return str_attr_or(r, st + state, "setpoint", ""); };
    const bool has = r.is_dataset(st + "charge_kw") || r.is_dataset(st + "import_kw") || r.is_dataset(st + "soc_kwh");
    const bool storage = r.is_dataset(st + "soc_kwh") ||
                         (r.is_dataset(st + "charge_kw") && kind("charge_kw") == "storage") ||
                         f.device_type == "battery";  // files without setpoint attributes
    const bool grid = (r.is_dataset(st + "import_kw") && kind("import_kw") == "exchange") ||
                      (f.device_type == "grid" && (!has || kind("import_kw").empty()));
    if (f.carrier == hub::Carrier::electricity && !f.renewable && storage) {
      roles.storages.insert(f.device);
      for (const char* state : {"charge_kw", "discharge_kw", "soc_kwh", "soc_green_kwh"})
        if (r.is_dataset(st + state)) res.states.push_back({f.device, state, read(st + state), hub::Setpoint::none});
      if (o.use_split)
        for (const char* g : {"charge_kw", "discharge_kw"})
          if (r.is_dataset("/green/" + f.device + "." + g))
            res.green.push_back({f.device, g, read("/green/" + f.device + "." + g), hub::Setpoint::none});
      StorageSpec spec;
      spec.name = f.device;
      spec.eta_charge = attr_or(r, p, "eta_charge", spec.eta_charge);
      spec.eta_discharge = attr_or(r, p, "eta_discharge", spec.eta_discharge);
      spec.standing_loss_per_h = attr_or(r, p, "standing_loss_per_h", spec.standing_loss_per_h);
      for (const auto& given : o.storages)
        if (given.name == f.device) spec = given;
      const std::string lp = "/losses/" + f.device + ".standing_fraction";
      if (r.is_dataset(lp)) spec.standing_loss_per_step = read(lp);
      specs[f.device] = spec;
    } else if (f.carrier == hub::Carrier::electricity && !f.renewable && grid) {
      roles.grids.insert(f.device);
      if (r.is_dataset(st + "import_kw") && r.is_dataset(st + "export_kw")) {
        res.states.push_back({f.device, "import_kw", read(st + "import_kw"), hub::Setpoint::exchange});
        res.states.push_back({f.device, "export_kw", read(st + "export_kw"), hub::Setpoint::exchange});
      }
    }
    res.flows.push_back(std::move(f));
  }
  Input in = input_from_result(res, roles, specs, o, path);
  if (!o.clean_share_dataset.empty()) in.grid_clean_share = read(o.clean_share_dataset);
  if (!o.location_factor_dataset.empty()) in.location_factor_kg_per_kwh = read(o.location_factor_dataset);
  if (!o.residual_factor_dataset.empty()) in.residual_factor_kg_per_kwh = read(o.residual_factor_dataset);
  return in;
}

void write_certified_h5(const std::string& results_path, const Ledger& L, const std::string& out_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (out_path.empty()) throw InputError("", "--out", "no output file given");
  if (fs::exists(out_path, ec) && fs::equivalent(results_path, out_path, ec))
    throw InputError(out_path, "", "the certified file must be a new file, not the results file itself");
  const io::H5Reader r(results_path);
  io::H5Writer w(out_path);
  copy_attributes(r, w, "/");
  std::map<std::uint64_t, std::string> seen;
  copy_group(r, w, "/", seen);
  const std::string C = "/certificates";
  w.create_group(C);
  const nlohmann::json summary = L.summary();
  w.write_string_attribute(C, "summary", summary.dump());
  w.write_string_attribute(C, "policy", summary["policy"].get<std::string>());
  w.write_string_attribute(C, "losses", std::string(to_string(L.options.losses)));
  w.write_string_attribute(C, "zone", L.options.zone);
  w.write_double_attribute(C, "integer_wh", L.options.integer_wh ? 1.0 : 0.0);
  w.write_string_attribute(C, "producers", nlohmann::json(L.producers).dump());
  nlohmann::json storage_names = nlohmann::json::array();
  for (const auto& s : L.storages) storage_names.push_back(s.name);
  w.write_string_attribute(C, "storages", storage_names.dump());

  const auto n = static_cast<std::size_t>(L.grid.size());
  std::vector<std::int64_t> tv(n);
  for (std::size_t t = 0; t < n; ++t) tv[t] = L.grid.time_unix_s(static_cast<std::int64_t>(t));
  w.write_vector_int64(C + "/time", tv);

  const Steps& S = L.steps;
  const std::pair<const char*, const std::vector<double>*> steps[] = {
      {"consumption_kwh", &S.consumption},     {"produced_kwh", &S.produced},
      {"contracted_kwh", &S.contracted},       {"direct_kwh", &S.direct},
      {"storage_green_kwh", &S.storage_green}, {"storage_grey_kwh", &S.storage_grey},
      {"unmatched_kwh", &S.unmatched},         {"matched_kwh", &S.matched},
      {"charged_green_kwh", &S.charged_green}, {"charged_grey_kwh", &S.charged_grey},
      {"exported_kwh", &S.exported},           {"expired_kwh", &S.expired},
      {"lost_kwh", &S.lost},                   {"cfe", &S.cfe},
      {"grey_clean_share", &S.grey_clean_share}, {"grid_clean_share", &S.grid_clean_share},
      {"import_kwh", &S.import_kwh},           {"export_kwh", &S.export_kwh},
      {"scope1_kg", &S.scope1_kg},             {"scope2_location_kg", &S.scope2_location_kg},
      {"scope2_market_kg", &S.scope2_market_kg}};
  for (const auto& [name, v] : steps) w.write_vector(C + "/steps/" + name, *v);
  for (const auto& s : L.storages) {
    w.write_vector(C + "/storages/" + safe(s.name) + ".green_kwh", s.green_kwh);
    w.write_vector(C + "/storages/" + safe(s.name) + ".grey_kwh", s.grey_kwh);
  }
  for (std::size_t p = 0; p < L.producers.size(); ++p) w.write_vector(C + "/issued/" + safe(L.producers[p]), L.issued(p));

  if (L.options.records) {
    const auto b = L.device_bundles();
    const std::size_t m = b.size();
    std::vector<std::int64_t> idf(m), ide(m), pf(m), pe(m), ps(m), rs(m), sto(m), lot(m), pr(m), org(m), stat(m), pt(m), rt(m);
    std::vector<double> kwh(m), eff(m);
    for (std::size_t i = 0; i < m; ++i) {
      idf[i] = b[i].id_first;
      ide[i] = b[i].id_end;
      pf[i] = b[i].parent_first;
      pe[i] = b[i].parent_end;
      ps[i] = b[i].production_step;
      rs[i] = b[i].release_step;
      sto[i] = b[i].storage;
      lot[i] = b[i].lot;
      pr[i] = b[i].producer;
      org[i] = static_cast<std::int64_t>(b[i].origin);
      stat[i] = static_cast<std::int64_t>(b[i].status);
      pt[i] = b[i].production_step >= 0 ? L.grid.time_unix_s(b[i].production_step) : -1;
      rt[i] = b[i].release_step >= 0 ? L.grid.time_unix_s(b[i].release_step) : -1;
      kwh[i] = b[i].kwh;
      eff[i] = b[i].efficiency;
    }
    const std::string B = C + "/bundles";
    w.create_group(B);
    w.write_string_attribute(B, "status_codes", "0 issued, 1 stored, 2 matched, 3 exported, 4 expired, 5 lost");
    w.write_string_attribute(B, "origin_codes", "0 production, 1 storage_discharge");
    w.write_string_attribute(B, "producers", nlohmann::json(L.producers).dump());
    for (const auto& [name, v] : {std::pair{"id_first", &idf}, std::pair{"id_end", &ide}, std::pair{"parent_first", &pf},
                                  std::pair{"parent_end", &pe}, std::pair{"production_step", &ps},
                                  std::pair{"release_step", &rs}, std::pair{"production_time", &pt},
                                  std::pair{"release_time", &rt}, std::pair{"storage", &sto}, std::pair{"lot", &lot},
                                  std::pair{"producer", &pr}, std::pair{"origin", &org}, std::pair{"status", &stat}})
      w.write_vector_int64(B + "/" + name, *v);
    w.write_vector(B + "/kwh", kwh);
    w.write_vector(B + "/efficiency", eff);

    const std::size_t nl = L.lots.size();
    std::vector<std::int64_t> ls(nl), lc(nl), lg(nl), lif(nl), lie(nl);
    std::vector<double> lch(nl), lst(nl), lrm(nl), ldl(nl), llo(nl), len(nl), lcs(nl), lfk(nl);
    for (std::size_t i = 0; i < nl; ++i) {
      const Lot& l = L.lots[i];
      ls[i] = l.storage;
      lc[i] = l.charge_step;
      lg[i] = l.green ? 1 : 0;
      lif[i] = l.id_first;
      lie[i] = l.id_end;
      lch[i] = l.charged_kwh;
      lst[i] = l.stored_kwh;
      lrm[i] = l.removed_kwh;
      ldl[i] = l.delivered_kwh;
      llo[i] = l.lost_kwh;
      len[i] = l.end_kwh;
      lcs[i] = l.clean_share;
      lfk[i] = l.factor_kg_per_kwh;
    }
    const std::string LT = C + "/lots";
    w.create_group(LT);
    for (const auto& [name, v] : {std::pair{"storage", &ls}, std::pair{"charge_step", &lc}, std::pair{"green", &lg},
                                  std::pair{"id_first", &lif}, std::pair{"id_end", &lie}})
      w.write_vector_int64(LT + "/" + name, *v);
    for (const auto& [name, v] : {std::pair{"charged_kwh", &lch}, std::pair{"stored_kwh", &lst}, std::pair{"removed_kwh", &lrm},
                                  std::pair{"delivered_kwh", &ldl}, std::pair{"lost_kwh", &llo}, std::pair{"end_kwh", &len},
                                  std::pair{"clean_share", &lcs}, std::pair{"factor_kg_per_kwh", &lfk}})
      w.write_vector(LT + "/" + name, *v);
  }

  {
    const std::size_t g = L.gec.size();
    std::vector<std::int64_t> gp(g), gy(g), gm(g), gc(g), ey(g), em(g);
    std::vector<double> gprod(g), gin(g), gout(g);
    std::map<std::string, std::int64_t> index;
    for (std::size_t p = 0; p < L.producers.size(); ++p) index.emplace(L.producers[p], static_cast<std::int64_t>(p));
    for (std::size_t i = 0; i < g; ++i) {
      const GecBundle& x = L.gec[i];
      gp[i] = index.count(x.producer) ? index[x.producer] : -1;
      gy[i] = x.year;
      gm[i] = x.month;
      gc[i] = x.certificates;
      ey[i] = x.expiry_year;
      em[i] = x.expiry_month;
      gprod[i] = x.production_kwh;
      gin[i] = x.carry_in_kwh;
      gout[i] = x.carry_out_kwh;
    }
    const std::string G = C + "/gec";
    w.create_group(G);
    w.write_string_attribute(G, "producers", nlohmann::json(L.producers).dump());
    for (const auto& [name, v] : {std::pair{"producer", &gp}, std::pair{"year", &gy}, std::pair{"month", &gm},
                                  std::pair{"certificates", &gc}, std::pair{"expiry_year", &ey}, std::pair{"expiry_month", &em}})
      w.write_vector_int64(G + "/" + name, *v);
    for (const auto& [name, v] : {std::pair{"production_kwh", &gprod}, std::pair{"carry_in_kwh", &gin},
                                  std::pair{"carry_out_kwh", &gout}})
      w.write_vector(G + "/" + name, *v);
  }
  {
    const std::size_t nm = L.months.size();
    std::vector<std::int64_t> my(nm), mm(nm);
    std::vector<double> c(nm), mt(nm), is(nm), kp(nm), hs(nm), vs(nm), im(nm), s1(nm), sl(nm), sm(nm);
    for (std::size_t i = 0; i < nm; ++i) {
      const Month& x = L.months[i];
      my[i] = x.year;
      mm[i] = x.month;
      c[i] = x.consumption_kwh;
      mt[i] = x.matched_kwh;
      is[i] = x.issued_kwh;
      kp[i] = x.kept_kwh;
      hs[i] = x.hourly_share;
      vs[i] = x.volumetric_share;
      im[i] = x.import_kwh;
      s1[i] = x.scope1_kg;
      sl[i] = x.scope2_location_kg;
      sm[i] = x.scope2_market_kg;
    }
    const std::string M = C + "/months";
    w.write_vector_int64(M + "/year", my);
    w.write_vector_int64(M + "/month", mm);
    for (const auto& [name, v] : {std::pair{"consumption_kwh", &c}, std::pair{"matched_kwh", &mt}, std::pair{"issued_kwh", &is},
                                  std::pair{"kept_kwh", &kp}, std::pair{"hourly_share", &hs},
                                  std::pair{"volumetric_share", &vs}, std::pair{"import_kwh", &im},
                                  std::pair{"scope1_kg", &s1}, std::pair{"scope2_location_kg", &sl},
                                  std::pair{"scope2_market_kg", &sm}})
      w.write_vector(M + "/" + name, *v);
  }
  w.write_vector(C + "/hour_of_day_share", std::vector<double>(L.hour_of_day_share.begin(), L.hour_of_day_share.end()));
  w.commit();
}

}  // namespace ehub::carbon
