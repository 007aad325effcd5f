// ehub._core.store: the park's records (SQLite / PostgreSQL). Readings cross as numpy arrays: the
// columns of a batch are read in place, query results are moved into arrays (no per-row objects).
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ehub/core/error.hpp"
#include "ehub/store/store.hpp"

namespace ehub::python {
namespace {

using namespace ehub::store;

template <class T>
std::vector<T> to_vector(const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
  if (a.ndim() != 1) throw ehub::InputError("<python>", "", "expected a 1-D array");
  return std::vector<T>(a.data(), a.data() + a.size());
}

/// Moves a vector into a numpy array owned by a capsule (no copy).
template <class T>
py::array_t<T> moved(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {static_cast<py::ssize_t>(sizeof(T))}, heap->data(), owner);
}

py::dict readings_dict(Readings&& r) {
  py::dict d;
  d["point"] = r.point;
  d["t_unix_s"] = moved(std::move(r.t_unix_s));
  std::vector<double> v(r.value.data(), r.value.data() + r.value.size());
  d["value"] = moved(std::move(v));
  d["quality"] = moved(std::move(r.quality));
  return d;
}

TimeRange range_of(std::optional<std::int64_t> start, std::optional<std::int64_t> end) {
  TimeRange r;
  if (start) r.start_unix_s = *start;
  if (end) r.end_unix_s = *end;
  return r;
}

}  // namespace

void bind_store(py::module_& m) {
  bind_enum(m, "Backend", "Which database a store talks to", store::kBackendNames);
  bind_enum(m, "MeterKind", "What a meter measures", store::kMeterKindNames);
  bind_enum(m, "Quality", "Quality flag of a reading", store::kQualityNames);
  m.def("latest_schema_version", &latest_schema_version, "Schema version this build of ehub writes.");

  py::class_<Store>(m, "Store", "A connection to the park's database (docs/store.md). Open with ehub.store.open(url).")
      .def_property_readonly("backend", &Store::backend, "sqlite or postgresql")
      .def_property_readonly("url", &Store::url, "The URL it was opened with (password hidden)")
      .def_property_readonly("schema_version", &Store::schema_version, "Schema version of the database")
      .def_property_readonly("tenant", &Store::tenant, "The tenant this store is scoped to ('' for every tenant)")
      .def_property_readonly("user", &Store::user, "The user recorded in the audit log")
      .def("add_tenant", [](Store& s, const std::string& name, const std::string& display_name) {
             return s.add_tenant({.name = name, .display_name = display_name});
           }, py::arg("name"), py::arg("display_name") = "", "Adds a tenant; returns its id.")
      .def("tenants", [](const Store& s) {
             py::list out;
             for (const auto& t : s.tenants()) out.append(py::dict(py::arg("id") = t.id, py::arg("name") = t.name, py::arg("display_name") = t.display_name));
             return out;
           }, "Tenants visible to this store, as dicts.")
      .def("create_tenant_login", &Store::create_tenant_login, py::arg("tenant"), py::arg("role"), py::arg("password"),
           py::arg("read_only") = false, "PostgreSQL: a login the server confines to the tenant's rows (row-level security).")
      .def("add_site", [](Store& s, const std::string& name, int utc_offset_minutes, double latitude_deg, double longitude_deg) {
             return s.add_site({.name = name, .utc_offset_minutes = utc_offset_minutes, .latitude_deg = latitude_deg, .longitude_deg = longitude_deg});
           }, py::arg("name"), py::arg("utc_offset_minutes") = 0, py::arg("latitude_deg") = 0.0, py::arg("longitude_deg") = 0.0,
           "Adds a site; returns its id.")
      .def("add_meter", [](Store& s, const std::string& name, const std::string& tenant, const std::string& site,
                           const std::string& kind, const std::string& parent, const std::string& serial) {
             return s.add_meter({.name = name, .tenant = tenant, .site = site, .kind = meter_kind_from_string(kind), .parent = parent, .serial = serial});
           }, py::arg("name"), py::arg("tenant"), py::arg("site"), py::arg("kind") = "electricity", py::arg("parent") = "",
           py::arg("serial") = "", "Adds a meter; returns its id.")
      .def("add_point", [](Store& s, const std::string& name, const std::string& meter, const std::string& quantity,
                           const std::string& unit, double multiplier, bool cumulative, int interval_s,
                           const std::map<std::string, std::string>& tags, const std::string& formula) {
             return s.add_point({.name = name, .meter = meter, .quantity = quantity, .unit = unit, .multiplier = multiplier,
                                 .cumulative = cumulative, .interval_s = interval_s, .tags = tags, .formula = formula});
           }, py::arg("name"), py::arg("meter"), py::arg("quantity"), py::arg("unit"), py::arg("multiplier") = 1.0,
           py::arg("cumulative") = false, py::arg("interval_s") = 0, py::arg("tags") = std::map<std::string, std::string>{},
           py::arg("formula") = "",
           "Adds a measurement point with its tags (a virtual one with a formula such as 'a.kw - b.kw'); returns its id.")
      .def("point_id", &Store::point_id, py::arg("name"), "Id of a point (InputError when unknown).")
      .def("set_point_tag", &Store::set_point_tag, py::arg("point"), py::arg("key"), py::arg("value"), "Sets or removes ('' value) a tag; audited.")
      .def("_points", [](const Store& s) {
             py::list out;
             for (const auto& p : s.points())
               out.append(py::dict(py::arg("id") = p.id, py::arg("name") = p.name, py::arg("meter") = p.meter,
                                   py::arg("quantity") = p.quantity, py::arg("unit") = p.unit, py::arg("multiplier") = p.multiplier,
                                   py::arg("cumulative") = p.cumulative, py::arg("interval_s") = p.interval_s, py::arg("tags") = p.tags,
                                   py::arg("formula") = p.formula));
             return out;
           })
      .def("_meters", [](const Store& s) {
             py::list out;
             for (const auto& x : s.meters())
               out.append(py::dict(py::arg("id") = x.id, py::arg("name") = x.name, py::arg("tenant") = x.tenant, py::arg("site") = x.site,
                                   py::arg("kind") = std::string(to_string(x.kind)), py::arg("parent") = x.parent, py::arg("serial") = x.serial));
             return out;
           })
      .def("_append", [](Store& s, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& point,
                         const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& t,
                         const py::array_t<double, py::array::c_style | py::array::forcecast>& value,
                         const py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>& quality, bool replace,
                         const std::string& source) {
             ReadingBatch b;
             b.point_id = to_vector(point);
             b.t_unix_s = to_vector(t);
             b.value = to_vector(value);
             b.quality = to_vector(quality);
             AppendOptions o;
             o.on_duplicate = replace ? OnDuplicate::replace : OnDuplicate::reject;
             o.source = source;
             py::gil_scoped_release nogil;
             return s.append_readings(b, o);
           })
      .def("_read", [](const Store& s, const std::vector<std::string>& points, std::optional<std::int64_t> start,
                       std::optional<std::int64_t> end, bool raw) {
             std::vector<Readings> rs;
             {
               py::gil_scoped_release nogil;
               rs = s.read_many(points, range_of(start, end), raw);
             }
             py::list out;
             for (auto& r : rs) out.append(readings_dict(std::move(r)));
             return out;
           })
      .def("_aggregate", [](const Store& s, std::vector<std::string> points, std::map<std::string, std::string> where_tags,
                            std::string group_by_tag, std::int64_t start, std::int64_t end, std::int64_t interval_s,
                            const std::string& function, bool raw, bool skip_flagged) {
             AggregateQuery q;
             q.points = std::move(points);
             q.where_tags = std::move(where_tags);
             q.group_by_tag = std::move(group_by_tag);
             q.start_unix_s = start;
             q.end_unix_s = end;
             q.interval_s = interval_s;
             q.function = aggregate_from_string(function);
             q.raw = raw;
             q.skip_flagged = skip_flagged;
             Aggregates a;
             {
               py::gil_scoped_release nogil;
               a = s.aggregate(q);
             }
             return py::make_tuple(a.groups, a.start_unix_s, a.interval_s, a.values, a.counts);
           })
      .def("edit_reading", &Store::edit_reading, py::arg("point"), py::arg("t_unix_s"), py::arg("value"),
           py::arg("quality") = Quality::edited, py::arg("reason") = "", "Corrects one reading by hand; audited.")
      .def("count_readings", &Store::count_readings, py::arg("point") = "", "Readings visible to this store.")
      .def("add_asset", [](Store& s, const std::string& name, const std::string& tenant, const std::string& site,
                           const std::string& kind, double rated_power_kw, double rated_energy_kwh, const std::string& params_json,
                           std::int64_t commissioned_unix_s, const std::string& manufacturer, const std::string& model,
                           const std::string& serial) {
             Asset a;
             a.commissioned_unix_s = commissioned_unix_s;
             a.manufacturer = manufacturer;
             a.model = model;
             a.serial = serial;
             a.name = name;
             a.tenant = tenant;
             a.site = site;
             a.kind = kind;
             a.rated_power_kw = rated_power_kw;
             a.rated_energy_kwh = rated_energy_kwh;
             a.params_json = params_json;
             return s.add_asset(a);
           }, py::arg("name"), py::arg("tenant"), py::arg("site"), py::arg("kind"), py::arg("rated_power_kw") = 0.0,
           py::arg("rated_energy_kwh") = 0.0, py::arg("params_json") = "{}", py::arg("commissioned_unix_s") = 0,
           py::arg("manufacturer") = "", py::arg("model") = "", py::arg("serial") = "", "Adds an asset; returns its id.")
      .def("add_maintenance", [](Store& s, const std::string& asset, std::int64_t start_unix_s, std::int64_t end_unix_s,
                                 const std::string& kind, const std::string& description, double cost) {
             return s.add_maintenance({.asset = asset, .start_unix_s = start_unix_s, .end_unix_s = end_unix_s, .kind = kind,
                                       .description = description, .cost = cost});
           }, py::arg("asset"), py::arg("start_unix_s"), py::arg("end_unix_s") = 0, py::arg("kind") = "inspection",
           py::arg("description") = "", py::arg("cost") = 0.0, "Adds a maintenance record; returns its id.")
      .def("add_alarm", [](Store& s, const std::string& rule, std::int64_t raised_unix_s, const std::string& point,
                           const std::string& tenant, const std::string& severity, double value, const std::string& message) {
             return s.add_alarm({.tenant = tenant, .point = point, .rule = rule, .severity = severity, .raised_unix_s = raised_unix_s,
                                 .value = value, .message = message});
           }, py::arg("rule"), py::arg("raised_unix_s"), py::arg("point") = "", py::arg("tenant") = "",
           py::arg("severity") = "warning", py::arg("value") = 0.0, py::arg("message") = "", "Records an alarm; returns its id.")
      .def("alarms", [](const Store& s, std::int64_t start_unix_s, std::int64_t end_unix_s) {
             py::list out;
             for (const auto& a : s.alarms({start_unix_s, end_unix_s}))
               out.append(py::dict(py::arg("id") = a.id, py::arg("tenant") = a.tenant, py::arg("point") = a.point, py::arg("rule") = a.rule,
                                   py::arg("severity") = a.severity, py::arg("raised_unix_s") = a.raised_unix_s,
                                   py::arg("cleared_unix_s") = a.cleared_unix_s, py::arg("value") = a.value, py::arg("message") = a.message,
                                   py::arg("acknowledged_unix_s") = a.acknowledged_unix_s, py::arg("acknowledged_by") = a.acknowledged_by,
                                   py::arg("suppressed_by") = a.suppressed_by));
             return out;
           }, py::arg("start_unix_s") = INT64_MIN / 2, py::arg("end_unix_s") = INT64_MAX / 2,
           "Alarms raised in [start, end) as dicts, by raise time.")
      .def("acknowledge_alarm", &Store::acknowledge_alarm, py::arg("id"), py::arg("acknowledged_unix_s"), py::arg("who"),
           "Records who acknowledged an alarm and when.")
      .def("assets", [](const Store& s) {
             py::list out;
             for (const auto& a : s.assets())
               out.append(py::dict(py::arg("id") = a.id, py::arg("name") = a.name, py::arg("tenant") = a.tenant, py::arg("site") = a.site,
                                   py::arg("kind") = a.kind, py::arg("manufacturer") = a.manufacturer, py::arg("model") = a.model,
                                   py::arg("serial") = a.serial, py::arg("commissioned_unix_s") = a.commissioned_unix_s,
                                   py::arg("rated_power_kw") = a.rated_power_kw, py::arg("rated_energy_kwh") = a.rated_energy_kwh,
                                   py::arg("params_json") = a.params_json));
             return out;
           }, "Assets visible to this store, as dicts.")
      .def("maintenance", [](const Store& s, const std::string& asset) {
             py::list out;
             for (const auto& m : s.maintenance(asset))
               out.append(py::dict(py::arg("id") = m.id, py::arg("asset") = m.asset, py::arg("start_unix_s") = m.start_unix_s,
                                   py::arg("end_unix_s") = m.end_unix_s, py::arg("kind") = m.kind, py::arg("description") = m.description,
                                   py::arg("cost") = m.cost));
             return out;
           }, py::arg("asset") = "", "Maintenance records of one asset (\"\" for all), as dicts by start time.")
      .def("_audit", [](const Store& s, std::size_t limit) {
             py::list out;
             for (const auto& e : s.audit_log(limit))
               out.append(py::dict(py::arg("id") = e.id, py::arg("at_unix_s") = e.at_unix_s, py::arg("who") = e.who,
                                   py::arg("tenant") = e.tenant, py::arg("table") = e.table, py::arg("row_key") = e.row_key,
                                   py::arg("action") = e.action, py::arg("old_value") = e.old_value, py::arg("new_value") = e.new_value));
             return out;
           }, py::arg("limit") = 0)
      .def("execute_sql", [](Store& s, const std::string& sql) {
             const Table t = s.execute_sql(sql);
             return py::make_tuple(t.columns, t.rows);
           }, py::arg("sql"), "Runs one SQL statement as it is; returns (columns, rows of text or None).")
      .def("integrity_check", &Store::integrity_check, "'ok' when the database is sound.");

  m.def("_open", [](const std::string& url, const std::string& tenant, const std::string& user, bool read_only, bool create,
                    int schema_version) {
          OpenOptions o;
          o.tenant = tenant;
          o.user = user;
          o.read_only = read_only;
          o.create = create;
          o.schema_version = schema_version;
          py::gil_scoped_release nogil;
          return Store::open(url, o);
        }, py::arg("url"), py::arg("tenant") = "", py::arg("user") = "", py::arg("read_only") = false, py::arg("create") = true,
        py::arg("schema_version") = 0);
}

}  // namespace ehub::python
