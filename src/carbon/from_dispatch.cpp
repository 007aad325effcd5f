// dispatch::Result -> carbon::Input in memory (the one conversion; the results-file reader feeds
// the same function), and the storage loss parameters asked from a scenario's devices.
#include "ehub/carbon/from_dispatch.hpp"

#include <algorithm>

#include "ehub/core/error.hpp"

namespace ehub::carbon {

ScheduleRoles schedule_roles(const dispatch::Result& r) {
  ScheduleRoles roles;
  for (const auto& s : r.states) {
    if (s.name == "soc_kwh" || s.setpoint == hub::Setpoint::storage) roles.storages.insert(s.device);
    if (s.setpoint == hub::Setpoint::exchange) roles.grids.insert(s.device);
  }
  return roles;
}

namespace {

const std::vector<double>* find(const std::vector<dispatch::StateSeries>& v, const std::string& dev, const char* name) {
  for (const auto& s : v)
    if (s.device == dev && s.name == name) return &s.values;
  return nullptr;
}

std::vector<double> energy_kwh(const std::vector<double>& kw, double dt) {
  std::vector<double> out(kw.size());
  for (std::size_t t = 0; t < kw.size(); ++t) out[t] = std::max(0.0, kw[t]) * dt;
  return out;
}

}  // namespace

Input input_from_result(const dispatch::Result& r, const ScheduleRoles& roles,
                        const std::map<std::string, StorageSpec>& specs, const ReadOptions& o, const std::string& source) {
  const auto n = static_cast<std::size_t>(r.grid.size());
  Input in;
  in.grid = r.grid;
  in.utc_offset_minutes = o.utc_offset_minutes;
  in.source = source;
  const double dt = r.grid.step_hours();
  in.consumption_kwh.assign(n, 0.0);
  std::vector<double> imp(n, 0.0), exp(n, 0.0), gas(n, 0.0), diesel(n, 0.0);
  bool any_grid = false, any_gas = false, any_diesel = false;
  std::map<std::string, std::size_t> producer_of, storage_of;
  for (const auto& f : r.flows) {
    const std::string where = "/flows/" + f.device + "." + f.port;
    if (f.kw.size() != n)
      throw InputError(source, where, "has " + std::to_string(f.kw.size()) + " values, /time has " + std::to_string(n));
    const auto& v = f.kw;
    if (f.carrier == hub::Carrier::gas || f.carrier == hub::Carrier::diesel) {
      const bool is_gas = f.carrier == hub::Carrier::gas;
      auto& dst = is_gas ? gas : diesel;
      (is_gas ? any_gas : any_diesel) = true;
      for (std::size_t t = 0; t < n; ++t) dst[t] += std::max(0.0, -v[t]) * dt;
      continue;
    }
    if (f.carrier != hub::Carrier::electricity) continue;
    const std::string& dev = f.device;
    if (f.renewable) {
      auto it = producer_of.find(dev);
      if (it == producer_of.end()) {
        Producer pr;
        pr.name = dev;
        pr.technology = f.device_type;
        pr.kwh.assign(n, 0.0);
        in.producers.push_back(std::move(pr));
        it = producer_of.emplace(dev, in.producers.size() - 1).first;
      }
      auto& kwh = in.producers[it->second].kwh;
      for (std::size_t t = 0; t < n; ++t) kwh[t] += std::max(0.0, v[t]) * dt;
      continue;
    }
    if (roles.storages.count(dev)) {
      if (storage_of.count(dev)) throw InputError(source, where, "storage " + dev + " has more than one electricity port");
      StorageInput s;
      s.name = dev;
      const auto* ch = find(r.states, dev, "charge_kw");
      const auto* dis = find(r.states, dev, "discharge_kw");
      if (ch && dis) {
        s.charge_kwh = energy_kwh(*ch, dt);
        s.discharge_kwh = energy_kwh(*dis, dt);
      } else {
        s.charge_kwh.assign(n, 0.0);
        s.discharge_kwh.assign(n, 0.0);
        for (std::size_t t = 0; t < n; ++t) {
          s.discharge_kwh[t] = std::max(0.0, v[t]) * dt;
          s.charge_kwh[t] = std::max(0.0, -v[t]) * dt;
        }
      }
      if (const auto* soc = find(r.states, dev, "soc_kwh")) s.soc_kwh = *soc;
      const StorageSpec spec = [&] {
        const auto it = specs.find(dev);
        StorageSpec sp = it == specs.end() ? StorageSpec{} : it->second;
        sp.name = dev;
        return sp;
      }();
      spec.validate();
      s.eta_charge = spec.eta_charge;
      s.eta_discharge = spec.eta_discharge;
      s.standing_loss_per_h = spec.standing_loss_per_h;
      s.standing_loss_per_step = spec.standing_loss_per_step;
      const auto* gc = find(r.green, dev, "charge_kw");
      const auto* gd = find(r.green, dev, "discharge_kw");
      if (o.use_split && gc && gd) {
        // Solver noise: tiny negative values of an LP solution are zero.
        s.green_charge_kwh = energy_kwh(*gc, dt);
        s.green_discharge_kwh = energy_kwh(*gd, dt);
        if (const auto* sg = find(r.states, dev, "soc_green_kwh")) s.soc_green_kwh = *sg;
      }
      for (auto& x : s.soc_kwh) x = std::max(0.0, x);
      for (auto& x : s.soc_green_kwh) x = std::max(0.0, x);
      storage_of.emplace(dev, in.storages.size());
      in.storages.push_back(std::move(s));
      continue;
    }
    if (roles.grids.count(dev)) {
      any_grid = true;
      const auto* vi = find(r.states, dev, "import_kw");
      const auto* ve = find(r.states, dev, "export_kw");
      for (std::size_t t = 0; t < n; ++t) {
        imp[t] += std::max(0.0, vi && ve ? (*vi)[t] : v[t]) * dt;
        exp[t] += std::max(0.0, vi && ve ? (*ve)[t] : -v[t]) * dt;
      }
      continue;
    }
    for (std::size_t t = 0; t < n; ++t) in.consumption_kwh[t] += std::max(0.0, -v[t]) * dt;
  }
  if (any_grid) {
    in.import_kwh = std::move(imp);
    in.export_kwh = std::move(exp);
  }
  if (any_gas) in.gas_kwh = std::move(gas);
  if (any_diesel) in.diesel_kwh = std::move(diesel);
  return in;
}

std::vector<StorageSpec> storage_specs(const hub::Scenario& sc) {
  std::vector<StorageSpec> out;
  for (std::int32_t i = 0; i < sc.hub.num_devices(); ++i) {
    const hub::Device& d = sc.hub.device(i);
    if (const auto s = d.storage(); s && s->carrier == hub::Carrier::electricity) {
      StorageSpec spec;
      spec.name = d.name();
      spec.eta_charge = s->charge_efficiency;
      spec.eta_discharge = s->discharge_efficiency;
      spec.standing_loss_per_h = s->standing_loss_per_h;
      out.push_back(spec);
    }
  }
  return out;
}

Input input_from_dispatch(const hub::Scenario& sc, const dispatch::Result& r, const ReadOptions& o) {
  std::map<std::string, StorageSpec> specs;
  for (const auto& s : storage_specs(sc)) specs[s.name] = s;
  for (const auto& s : o.storages) specs[s.name] = s;
  ReadOptions ro = o;
  ro.utc_offset_minutes = r.utc_offset_minutes;
  return input_from_result(r, schedule_roles(r), specs, ro, sc.file);
}

}  // namespace ehub::carbon
