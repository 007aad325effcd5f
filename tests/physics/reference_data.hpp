// Reader of the reference CSV files in tests/data/physics (written once by make_reference.py with
// pvlib and windpowerlib): `# key: value` metadata lines, one header line, numeric rows.
#pragma once

#include <Eigen/Core>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ep_test {

struct ReferenceTable {
  std::map<std::string, std::string> meta;
  std::vector<std::string> names;
  std::map<std::string, Eigen::VectorXd> columns;

  const Eigen::VectorXd& column(const std::string& name) const {
    auto it = columns.find(name);
    if (it == columns.end()) throw std::runtime_error("reference column missing: " + name);
    return it->second;
  }
  double meta_double(const std::string& key) const {
    auto it = meta.find(key);
    if (it == meta.end()) throw std::runtime_error("reference metadata missing: " + key);
    return std::strtod(it->second.c_str(), nullptr);
  }
  std::string meta_string(const std::string& key) const {
    auto it = meta.find(key);
    if (it == meta.end()) throw std::runtime_error("reference metadata missing: " + key);
    return it->second;
  }
  Eigen::Index rows() const { return columns.empty() ? 0 : columns.begin()->second.size(); }
};

inline std::string data_path(const std::string& file) {
  std::string p = EHUB_TEST_DATA_DIR;
  p += "/physics/";
  p += file;
  return p;
}

inline ReferenceTable read_reference_csv(const std::string& file) {
  std::ifstream in(data_path(file));
  if (!in) throw std::runtime_error("cannot open " + data_path(file));
  ReferenceTable t;
  std::string line;
  std::vector<std::vector<double>> cols;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string key = line.substr(1, colon - 1), value = line.substr(colon + 1);
        auto trim = [](std::string s) {
          const auto b = s.find_first_not_of(' ');
          const auto e = s.find_last_not_of(' ');
          return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
        };
        t.meta[trim(key)] = trim(value);
      }
      continue;
    }
    std::stringstream ss(line);
    std::string cell;
    if (t.names.empty()) {
      while (std::getline(ss, cell, ',')) t.names.push_back(cell);
      cols.resize(t.names.size());
      continue;
    }
    std::size_t c = 0;
    while (std::getline(ss, cell, ',')) {
      if (c < cols.size()) cols[c].push_back(cell.empty() ? NAN : std::strtod(cell.c_str(), nullptr));
      ++c;
    }
  }
  for (std::size_t c = 0; c < cols.size(); ++c)
    t.columns[t.names[c]] =
        Eigen::Map<const Eigen::VectorXd>(cols[c].data(), static_cast<Eigen::Index>(cols[c].size()));
  return t;
}

}  // namespace ep_test
