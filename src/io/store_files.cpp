// Store configuration JSON and readings CSV: the file adapters in front of ehub::store.
#include "ehub/io/store_files.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/io/json.hpp"
#include "ehub/io/text_file.hpp"

namespace ehub::io {
namespace {

/// Runs f; a store error is re-raised naming the config file and the JSON pointer of the record.
template <class F>
void at_record(const JsonReader& r, F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    throw InputError(r.file(), r.pointer(), e.detail());
  }
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '"')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '"')) --b;
  return std::string(s.substr(a, b - a));
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace

StoreConfigCounts apply_store_config(store::Store& s, const nlohmann::json& config, const std::string& file) {
  StoreConfigCounts n;
  const JsonReader root(config, file);
  root.expect_only_keys({"tenants", "sites", "meters", "assets"});
  std::set<std::string> tenants, sites, meters, points, assets;
  for (const auto& t : s.tenants()) tenants.insert(t.name);
  for (const auto& x : s.sites()) sites.insert(x.name);
  for (const auto& x : s.meters()) meters.insert(x.name);
  for (const auto& x : s.points()) points.insert(x.name);
  for (const auto& x : s.assets()) assets.insert(x.name);
  if (root.has("tenants"))
    for (const auto& t : root.at("tenants").elements()) {
      t.expect_only_keys({"name", "display_name"});
      const std::string name = t.required_string("name");
      if (tenants.count(name)) continue;
      at_record(t, [&] { s.add_tenant({.name = name, .display_name = t.optional_string("display_name", "")}); });
      ++n.tenants;
    }
  if (root.has("sites"))
    for (const auto& x : root.at("sites").elements()) {
      x.expect_only_keys({"name", "utc_offset_minutes", "latitude_deg", "longitude_deg"});
      const std::string name = x.required_string("name");
      if (sites.count(name)) continue;
      store::Site site;
      site.name = name;
      site.utc_offset_minutes = static_cast<int>(x.optional_int("utc_offset_minutes", 0));
      site.latitude_deg = x.optional_number("latitude_deg", 0);
      site.longitude_deg = x.optional_number("longitude_deg", 0);
      at_record(x, [&] { s.add_site(site); });
      ++n.sites;
    }
  if (root.has("meters"))
    for (const auto& m : root.at("meters").elements()) {
      m.expect_only_keys({"name", "tenant", "site", "kind", "parent", "serial", "points"});
      store::Meter meter;
      meter.name = m.required_string("name");
      meter.tenant = m.optional_string("tenant", s.tenant());
      meter.site = m.required_string("site");
      if (m.has("kind")) at_record(m.at("kind"), [&] { meter.kind = store::meter_kind_from_string(m.required_string("kind")); });
      meter.parent = m.optional_string("parent", "");
      meter.serial = m.optional_string("serial", "");
      if (!meters.count(meter.name)) {
        at_record(m, [&] { s.add_meter(meter); });
        meters.insert(meter.name);
        ++n.meters;
      }
      if (!m.has("points")) continue;
      for (const auto& p : m.at("points").elements()) {
        p.expect_only_keys({"name", "quantity", "unit", "multiplier", "cumulative", "interval_s", "tags"});
        store::Point point;
        point.name = p.required_string("name");
        if (points.count(point.name)) continue;
        point.meter = meter.name;
        point.quantity = p.required_string("quantity");
        point.unit = p.required_string("unit");
        point.multiplier = p.optional_number("multiplier", 1);
        point.cumulative = p.optional_boolean("cumulative", false);
        point.interval_s = static_cast<int>(p.optional_int("interval_s", 0));
        if (p.has("tags")) {
          const auto tags = p.at("tags");
          for (const auto& key : tags.keys()) point.tags[key] = tags.required_string(key);
        }
        at_record(p, [&] { s.add_point(point); });
        points.insert(point.name);
        ++n.points;
      }
    }
  if (root.has("assets"))
    for (const auto& a : root.at("assets").elements()) {
      a.expect_only_keys({"name", "tenant", "site", "kind", "manufacturer", "model", "serial", "commissioned",
                          "rated_power_kw", "rated_energy_kwh", "params"});
      store::Asset asset;
      asset.name = a.required_string("name");
      if (assets.count(asset.name)) continue;
      asset.tenant = a.optional_string("tenant", s.tenant());
      asset.site = a.required_string("site");
      asset.kind = a.required_string("kind");
      asset.manufacturer = a.optional_string("manufacturer", "");
      asset.model = a.optional_string("model", "");
      asset.serial = a.optional_string("serial", "");
      if (a.has("commissioned")) {
        const auto c = a.at("commissioned");
        at_record(c, [&] { asset.commissioned_unix_s = parse_iso8601(c.string()); });
      }
      asset.rated_power_kw = a.optional_number("rated_power_kw", 0);
      asset.rated_energy_kwh = a.optional_number("rated_energy_kwh", 0);
      if (a.has("params")) {
        const auto p = a.at("params");
        if (!p.is_object()) throw InputError(file, p.pointer(), "expected an object of device parameters");
        asset.params_json = p.json().dump();
      }
      at_record(a, [&] { s.add_asset(asset); });
      ++n.assets;
    }
  return n;
}

store::ReadingBatch read_readings_csv(const std::string& path, const store::Store& s, const ReadingsCsvOptions& o) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", std::string("cannot open: ") + std::strerror(errno));
  std::string line;
  std::size_t line_no = 0;
  auto where = [&](std::size_t col) {
    return "line " + std::to_string(line_no) + ", column " + std::to_string(col + 1);
  };
  // Header: skip comment lines starting with '#'.
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line[0] != '#' && trim(line) != "") break;
  }
  if (trim(line).empty()) throw InputError(path, "", "no header line (point,time,value[,quality] or time,<point>,...)");
  std::vector<std::string> header;
  for (auto c : split(line)) header.push_back(trim(c));
  auto col = [&](std::string_view name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  const int c_point = col("point"), c_time = col("time"), c_value = col("value"), c_quality = col("quality");
  const bool long_layout = c_point >= 0;
  if (c_time < 0) throw InputError(path, "line " + std::to_string(line_no), "the header has no \"time\" column");
  if (long_layout && c_value < 0) throw InputError(path, "line " + std::to_string(line_no), "the header has \"point\" but no \"value\" column");
  std::unordered_map<std::string, std::int64_t> ids;
  auto id_of = [&](const std::string& name, std::size_t c) {
    auto it = ids.find(name);
    if (it != ids.end()) return it->second;
    try {
      return ids.emplace(name, s.point_id(name)).first->second;
    } catch (const InputError& e) {
      throw InputError(path, where(c), e.detail());
    }
  };
  std::vector<std::int64_t> wide_ids;
  if (!long_layout)
    for (std::size_t i = 0; i < header.size(); ++i)
      wide_ids.push_back(static_cast<int>(i) == c_time ? 0 : id_of(header[i], i));
  store::ReadingBatch b;
  auto parse_value = [&](std::string_view cell, std::size_t c, bool& missing) {
    const std::string t = trim(cell);
    missing = t.empty() || t == "NaN" || t == "nan" || t == "NA";
    if (missing) return std::numeric_limits<double>::quiet_NaN();
    double v = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v))
      throw InputError(path, where(c), "expected a finite number, got \"" + t + "\"");
    return v;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r" || line[0] == '#') continue;
    const auto cells = split(line);
    if (cells.size() != header.size())
      throw InputError(path, "line " + std::to_string(line_no),
                       "has " + std::to_string(cells.size()) + " fields, the header has " + std::to_string(header.size()));
    std::int64_t t = 0;
    try {
      t = parse_iso8601(trim(cells[static_cast<std::size_t>(c_time)]), o.default_utc_offset_minutes);
    } catch (const InputError& e) {
      throw InputError(path, where(static_cast<std::size_t>(c_time)), e.detail());
    }
    if (long_layout) {
      bool missing = false;
      const double v = parse_value(cells[static_cast<std::size_t>(c_value)], static_cast<std::size_t>(c_value), missing);
      store::Quality q = missing ? store::Quality::missing : store::Quality::good;
      if (c_quality >= 0) {
        const std::string qs = trim(cells[static_cast<std::size_t>(c_quality)]);
        if (!qs.empty()) {
          try {
            q = store::quality_from_string(qs);
          } catch (const InputError& e) {
            throw InputError(path, where(static_cast<std::size_t>(c_quality)), e.detail());
          }
        }
      }
      b.push_back(id_of(trim(cells[static_cast<std::size_t>(c_point)]), static_cast<std::size_t>(c_point)), t, v, q);
      if (o.line_of_row) o.line_of_row->push_back(line_no);
    } else {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (static_cast<int>(i) == c_time) continue;
        bool missing = false;
        const double v = parse_value(cells[i], i, missing);
        b.push_back(wide_ids[i], t, v, missing ? store::Quality::missing : store::Quality::good);
        if (o.line_of_row) o.line_of_row->push_back(line_no);
      }
    }
  }
  return b;
}

void write_readings_csv(const std::string& path, const store::Readings& r, int utc_offset_minutes) {
  std::string text = "time,point,value,quality\n";
  text.reserve(text.size() + r.size() * 48);
  char buf[64];
  for (std::size_t i = 0; i < r.size(); ++i) {
    text += format_iso8601(r.t_unix_s[i], utc_offset_minutes);
    text += ',';
    text += r.point;
    text += ',';
    const double v = r.value[static_cast<Eigen::Index>(i)];
    if (!std::isnan(v)) {
      const auto res = std::to_chars(buf, buf + sizeof buf, v);
      text.append(buf, res.ptr);
    }
    text += ',';
    text += store::to_string(static_cast<store::Quality>(r.quality[i]));
    text += '\n';
  }
  if (path == "-") {
    std::cout << text << std::flush;
    return;
  }
  write_text_file_atomically(path, text);
}

}  // namespace ehub::io
