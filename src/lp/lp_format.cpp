// CPLEX-LP writer: objective, rows, bounds, General and Binary sections with LP-legal names.
#include "ehub/lp/lp_format.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/io/text_file.hpp"

namespace ehub::lp {
namespace {

// Lines are wrapped before this many characters; CPLEX truncates lines longer than 510.
constexpr std::size_t kWrapColumn = 200;
constexpr std::size_t kMaxNameLength = 255;

void append_number(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  out.append(buf, res.ptr);
}

bool is_lp_name_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  // Symbols CPLEX allows in names, less the quotes and the comma that other readers trip over.
  constexpr std::string_view symbols = "!#$%&().;?@_{}~";
  return symbols.find(c) != std::string_view::npos;
}

std::string lower_case(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

bool is_keyword(std::string_view name) {
  static constexpr std::array<std::string_view, 26> kKeywords = {
      "st",      "s.t.",     "subject", "such",     "bound",   "bounds",  "general", "generals", "gen",
      "integer", "integers", "binary",  "binaries", "bin",     "end",     "free",    "inf",      "infinity",
      "minimize", "maximize", "minimise", "maximise", "minimum", "maximum", "semi",  "sos"};
  const std::string l = lower_case(name);
  return std::find(kKeywords.begin(), kKeywords.end(), l) != kKeywords.end() || l == "min" || l == "max";
}

// True for names CPLEX could read as a number's exponent: "e" or "E" alone or followed by a
// digit or another e.
bool looks_like_exponent(std::string_view s) noexcept {
  if (s.empty() || (s[0] != 'e' && s[0] != 'E')) return false;
  if (s.size() == 1) return true;
  const char c = s[1];
  return (c >= '0' && c <= '9') || c == 'e' || c == 'E';
}

std::string lp_legal(std::string_view name) {
  std::string s;
  s.reserve(name.size() + 1);
  for (const char c : name) {
    if (c == '[') s += '(';
    else if (c == ']') s += ')';
    else s += is_lp_name_char(c) ? c : '_';
  }
  if (s.empty() || (s[0] >= '0' && s[0] <= '9') || s[0] == '.' || looks_like_exponent(s) || is_keyword(s))
    s.insert(s.begin(), '_');
  if (s.size() > kMaxNameLength) s.resize(kMaxNameLength);
  return s;
}

void make_unique(std::vector<std::string>& names) {
  std::unordered_set<std::string> used;
  used.reserve(names.size());
  for (auto& n : names) {
    if (used.insert(n).second) continue;
    for (std::int64_t k = 1;; ++k) {
      std::string suffix(1, '_');
      suffix += std::to_string(k);
      std::string candidate = n.substr(0, kMaxNameLength - suffix.size()) + suffix;
      if (used.insert(candidate).second) {
        n = std::move(candidate);
        break;
      }
    }
  }
}

// Appends text for a line, starting a continuation line when the current one gets long.
class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out) {}
  void begin(std::string_view text) {
    line_start_ = out_.size();
    out_ += text;
  }
  void piece(std::string_view text) {
    if (out_.size() - line_start_ + text.size() > kWrapColumn) {
      out_ += "\n  ";
      line_start_ = out_.size() - 2;
    }
    out_ += text;
  }
  void end() { out_ += '\n'; }

 private:
  std::string& out_;
  std::size_t line_start_ = 0;
};

// " + 2 x", " - x", or for the first term " 2 x", " - x".
std::string term(double coef, std::string_view name, bool first) {
  std::string t;
  const bool neg = std::signbit(coef);
  if (first) t = neg ? " - " : " ";
  else t = neg ? " - " : " + ";
  const double a = std::fabs(coef);
  if (a != 1.0) {
    append_number(t, a);
    t += ' ';
  }
  t += name;
  return t;
}

void write_text_file(const std::string& path, const std::string& text) { io::write_text_file_atomically(path, text); }

}  // namespace

std::string to_lp_string(const Model& model) {
  const std::int32_t n = model.num_vars(), m = model.num_rows();
  const auto lower = model.col_lower(), upper = model.col_upper(), obj = model.objective();
  const auto types = model.col_type();
  const auto row_lb = model.row_lower(), row_ub = model.row_upper();
  const auto start = model.row_start();
  const auto index = model.col_index();
  const auto values = model.values();

  std::vector<std::string> col(static_cast<std::size_t>(n));
  for (std::int32_t j = 0; j < n; ++j) col[static_cast<std::size_t>(j)] = lp_legal(model.var_name(j));
  make_unique(col);

  // Row labels in the order they are written; a ranged row gets two.
  std::vector<std::string> labels;
  labels.reserve(static_cast<std::size_t>(m) + 1);
  labels.emplace_back("obj");
  for (std::int32_t i = 0; i < m; ++i) {
    const auto r = static_cast<std::size_t>(i);
    const std::string base = lp_legal(model.row_name(i));
    const bool ranged = row_lb[r] != -kInf && row_ub[r] != kInf && row_lb[r] != row_ub[r];
    if (ranged) {
      labels.push_back(base + "_lo");
      labels.push_back(base + "_hi");
    } else {
      labels.push_back(base);
    }
  }
  make_unique(labels);

  std::string out;
  out.reserve(static_cast<std::size_t>(model.num_nonzeros()) * 16 + static_cast<std::size_t>(n + m) * 24 + 256);
  LineWriter w(out);
  out += "\\ ehub model";
  if (!model.name().empty()) out += ": " + model.name();
  out += '\n';
  out += model.sense() == Sense::maximize ? "Maximize\n" : "Minimize\n";
  w.begin(" " + labels[0] + ":");
  bool first = true;
  for (std::int32_t j = 0; j < n; ++j) {
    const auto k = static_cast<std::size_t>(j);
    if (obj[k] == 0.0) continue;
    w.piece(term(obj[k], col[k], first));
    first = false;
  }
  if (const double c0 = model.obj_constant(); c0 != 0.0 || first) {
    std::string c;
    if (first) c = std::signbit(c0) ? " - " : " ";
    else c = std::signbit(c0) ? " - " : " + ";
    append_number(c, std::fabs(c0));
    w.piece(c);
  }
  w.end();

  out += "Subject To\n";
  std::size_t label = 1;
  auto expression = [&](std::int32_t i) {
    const auto r = static_cast<std::size_t>(i);
    if (start[r] == start[r + 1]) {
      w.piece(n > 0 ? " 0 " + col[0] : " 0");
      return;
    }
    for (std::int64_t p = start[r]; p < start[r + 1]; ++p) {
      const auto pk = static_cast<std::size_t>(p);
      const auto j = static_cast<std::size_t>(index[pk]);
      const std::string_view name = j < col.size() ? std::string_view(col[j]) : std::string_view("x?");  // broken model
      w.piece(term(values[pk], name, p == start[r]));
    }
  };
  auto row = [&](std::int32_t i, const char* sense, double rhs) {
    w.begin(" " + labels[label++] + ":");
    expression(i);
    std::string tail = " ";
    tail += sense;
    tail += ' ';
    append_number(tail, rhs);
    out += tail;  // CPLEX wants the sense and the right-hand side on the expression's last line
    w.end();
  };
  for (std::int32_t i = 0; i < m; ++i) {
    const auto r = static_cast<std::size_t>(i);
    const double lb = row_lb[r], ub = row_ub[r];
    if (lb == -kInf && ub == kInf) {
      w.begin("\\ free row " + labels[label++] + ":");
      expression(i);
      w.end();
    } else if (lb == ub) {
      row(i, "=", lb);
    } else if (lb == -kInf) {
      row(i, "<=", ub);
    } else if (ub == kInf) {
      row(i, ">=", lb);
    } else {
      row(i, ">=", lb);
      row(i, "<=", ub);
    }
  }

  std::string bounds;
  std::vector<std::size_t> general, binary;
  for (std::int32_t j = 0; j < n; ++j) {
    const auto k = static_cast<std::size_t>(j);
    const double lb = lower[k], ub = upper[k];
    if (types[k] == VarType::binary && lb == 0.0 && ub == 1.0) {
      binary.push_back(k);  // the Binary section implies [0, 1]
      continue;
    }
    if (types[k] != VarType::continuous) general.push_back(k);
    const std::string& name = col[k];
    std::string b = " ";
    if (lb == -kInf && ub == kInf) {
      b += name + " free";
    } else if (lb == ub) {
      b += name + " = ";
      append_number(b, lb);
    } else if (ub == kInf) {
      if (lb == 0.0) continue;  // the default
      b += name + " >= ";
      append_number(b, lb);
    } else if (lb == 0.0 && ub >= 0.0) {
      b += name + " <= ";
      append_number(b, ub);
    } else {  // both given, or a negative upper bound whose lower bound 0 must stay explicit
      append_number(b, lb);
      b += " <= " + name + " <= ";
      append_number(b, ub);
    }
    bounds += b;
    bounds += '\n';
  }
  if (!bounds.empty()) out += "Bounds\n" + bounds;
  auto name_list = [&](const char* title, const std::vector<std::size_t>& which) {
    if (which.empty()) return;
    out += title;
    out += '\n';
    w.begin("");
    for (const std::size_t k : which) w.piece(" " + col[k]);
    w.end();
  };
  name_list("General", general);
  name_list("Binary", binary);
  out += "End\n";
  return out;
}

void write_lp(const Model& model, const std::string& path) { write_text_file(path, to_lp_string(model)); }

}  // namespace ehub::lp
