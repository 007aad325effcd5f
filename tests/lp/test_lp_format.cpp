// CPLEX-LP writer: exact text of a small model (worked out by hand from the CPLEX LP file format
// rules), name sanitising, line wrapping and the file writer.
#include "ehub/lp/lp_format.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"

namespace fs = std::filesystem;
using ehub::lp::kInf;
using ehub::lp::Model;
using ehub::lp::Sense;
using ehub::lp::VarType;

namespace {

Model demo_model() {
  Model m;
  m.set_name("demo");
  m.set_sense(Sense::maximize);
  m.set_obj_constant(-5);
  const auto x = m.add_var(0, 4, 3, VarType::continuous, "x");
  const auto y = m.add_var(-kInf, kInf, -1, VarType::continuous, "y");
  const auto z = m.add_var(-kInf, 5, 0, VarType::continuous, "z");
  const auto n = m.add_var(-2, 10, 0, VarType::integer, "n");
  const auto b = m.add_var(0, 1, 2.5, VarType::binary, "b");
  const auto w = m.add_var(1.5, 1.5, 0, VarType::continuous, "w[1]");
  m.add_var(-3, kInf, 0, VarType::continuous, "v");
  m.begin_row(-kInf, 4, "c1");
  m.add_term(x, 1);
  m.add_term(y, 1);
  m.begin_row(0, 0, "bal");
  m.add_term(x, 2);
  m.add_term(z, -3);
  m.add_term(n, 1);
  m.begin_row(-1, 3, "rng");
  m.add_term(x, 1);
  m.add_term(y, -1);
  m.begin_row(0.5, kInf, "e1");  // could be read as an exponent: becomes _e1
  m.add_term(b, 1);
  m.add_term(w, 1);
  m.begin_row(-2, kInf);  // unnamed: r4
  m.add_term(x, -0.25);
  return m;
}

}  // namespace

TEST(LpFormat, SmallModelGivesTheExactText) {
  const std::string want =
      "\\ ehub model: demo\n"
      "Maximize\n"
      " obj: 3 x - y + 2.5 b - 5\n"
      "Subject To\n"
      " c1: x + y <= 4\n"
      " bal: 2 x - 3 z + n = 0\n"
      " rng_lo: x - y >= -1\n"
      " rng_hi: x - y <= 3\n"
      " _e1: b + w(1) >= 0.5\n"
      " r4: - 0.25 x >= -2\n"
      "Bounds\n"
      " x <= 4\n"
      " y free\n"
      " -inf <= z <= 5\n"
      " -2 <= n <= 10\n"
      " w(1) = 1.5\n"
      " v >= -3\n"
      "General\n"
      " n\n"
      "Binary\n"
      " b\n"
      "End\n";
  EXPECT_EQ(ehub::lp::to_lp_string(demo_model()), want);
}

TEST(LpFormat, MinimiseWithoutObjectiveAndOddBounds) {
  Model m;
  const auto a = m.add_var(0, -1, 0);                      // negative ub: lower bound 0 stays explicit
  const auto c = m.add_var(0, 1, 0, VarType::binary, "c");
  m.set_var_bounds(c, 1, 1);                               // a fixed binary goes to General
  m.begin_row(-kInf, kInf, "spare");                       // a free row cannot be an LP row
  m.add_term(a, 1);
  m.begin_row(1, 1, "fix");
  const std::string want =
      "\\ ehub model\n"
      "Minimize\n"
      " obj: 0\n"
      "Subject To\n"
      "\\ free row spare: x0\n"
      " fix: 0 x0 = 1\n"
      "Bounds\n"
      " 0 <= x0 <= -1\n"
      " c = 1\n"
      "General\n"
      " c\n"
      "End\n";
  EXPECT_EQ(ehub::lp::to_lp_string(m), want);
}

TEST(LpFormat, NamesAreMadeLegalAndUnique) {
  Model m;
  const std::vector<std::string> given = {"2x", "a b", "a_b", ".q", "E", "ee", "e9cats", "free", "Subject",
                                          "p[3][4]", "ok", "x-y"};
  for (const auto& g : given) m.add_var(0, kInf, 1, VarType::continuous, g);
  const std::string text = ehub::lp::to_lp_string(m);
  const std::string want_obj =
      " obj: _2x + a_b + a_b_1 + _.q + _E + _ee + _e9cats + _free + _Subject + p(3)(4) + ok + x_y\n";
  EXPECT_NE(text.find(want_obj), std::string::npos) << text;
}

TEST(LpFormat, LongRowsAreWrappedWithSenseOnTheLastLine) {
  Model m;
  const auto v = m.add_vars(300, 0, 1, 0, VarType::continuous, "flow");
  m.begin_row(-kInf, 100, "sum");
  for (std::int32_t k = 0; k < v.size(); ++k) m.add_term(v[k], 1.5);
  const std::string text = ehub::lp::to_lp_string(m);
  std::istringstream lines(text);
  std::string line, last_of_row;
  int row_lines = 0;
  bool in_row = false;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 255u) << line;  // CPLEX reads lines up to 510 characters
    if (line.rfind(" sum:", 0) == 0) in_row = true;
    else if (in_row && line.rfind("   ", 0) != 0) in_row = false;
    if (in_row) {
      ++row_lines;
      last_of_row = line;
    }
  }
  EXPECT_GT(row_lines, 5);
  EXPECT_EQ(last_of_row.substr(last_of_row.size() - 7), " <= 100");
  EXPECT_NE(text.find(" sum: 1.5 flow(0) + 1.5 flow(1) + "), std::string::npos);
}

TEST(LpFormat, WriteLpWritesTheSameTextAtomically) {
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("ehub_lp_" + std::to_string(rd()));
  fs::create_directories(dir);
  const Model m = demo_model();
  const std::string path = (dir / "demo.lp").string();
  ehub::lp::write_lp(m, path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), ehub::lp::to_lp_string(m));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  EXPECT_THROW(ehub::lp::write_lp(m, (dir / "missing" / "x.lp").string()), ehub::InputError);
  fs::remove_all(dir);
}
