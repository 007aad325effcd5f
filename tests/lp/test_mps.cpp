// Free MPS reader and writer: every feature on a hand-made file checked against values worked out
// by hand from the MPS rules, the netlib/MIPLIB instances (sizes from the netlib table and an
// independent scan), bit-identical write -> read round trips, and line numbers of garbage input.
#include "ehub/lp/mps.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ehub/core/error.hpp"

namespace fs = std::filesystem;
using ehub::InputError;
using ehub::lp::kInf;
using ehub::lp::Model;
using ehub::lp::Sense;
using ehub::lp::VarType;

namespace {

const std::string kDataDir = std::string(EHUB_TEST_DATA_DIR) + "/lp";

std::vector<std::string> instance_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kDataDir))
    if (e.path().extension() == ".mps") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Every number bit for bit, every type, handle and name.
void expect_identical(const Model& a, const Model& b, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(a.num_vars(), b.num_vars());
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.num_nonzeros(), b.num_nonzeros());
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(a.sense(), b.sense());
  EXPECT_TRUE(same_bits(a.obj_constant(), b.obj_constant())) << a.obj_constant() << " vs " << b.obj_constant();
  for (std::int32_t j = 0; j < a.num_vars(); ++j) {
    const auto k = static_cast<std::size_t>(j);
    ASSERT_TRUE(same_bits(a.col_lower()[k], b.col_lower()[k])) << "lb of " << a.var_name(j);
    ASSERT_TRUE(same_bits(a.col_upper()[k], b.col_upper()[k])) << "ub of " << a.var_name(j);
    ASSERT_TRUE(same_bits(a.objective()[k], b.objective()[k])) << "obj of " << a.var_name(j);
    ASSERT_EQ(a.col_type()[k], b.col_type()[k]) << a.var_name(j);
    ASSERT_EQ(a.var_name(j), b.var_name(j));
  }
  for (std::int32_t i = 0; i < a.num_rows(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    ASSERT_TRUE(same_bits(a.row_lower()[r], b.row_lower()[r])) << "lb of " << a.row_name(i);
    ASSERT_TRUE(same_bits(a.row_upper()[r], b.row_upper()[r])) << "ub of " << a.row_name(i);
    ASSERT_EQ(a.row_start()[r + 1], b.row_start()[r + 1]);
    ASSERT_EQ(a.row_name(i), b.row_name(i));
  }
  for (std::size_t p = 0; p < a.values().size(); ++p) {
    ASSERT_EQ(a.col_index()[p], b.col_index()[p]);
    ASSERT_TRUE(same_bits(a.values()[p], b.values()[p])) << "coefficient " << p;
  }
}

// Expects read_mps_string(text) to throw an InputError at `line` whose detail mentions `words`.
void expect_error(const std::string& text, int line, const std::string& words) {
  SCOPED_TRACE(text);
  try {
    (void)ehub::lp::read_mps_string(text, "bad.mps");
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.mps");
    EXPECT_EQ(e.path(), "line " + std::to_string(line)) << e.what();
    EXPECT_NE(e.detail().find(words), std::string::npos) << e.what();
  }
}

fs::path fresh_dir(const std::string& tag) {
  std::random_device rd;
  fs::path d = fs::temp_directory_path() / ("ehub_" + tag + "_" + std::to_string(rd()));
  fs::create_directories(d);
  return d;
}

// Rows, columns and nonzeros of the netlib LP instances as published in the netlib lp/data
// index (rows and nonzeros there include the objective row).
struct NetlibSize {
  const char* file;
  int rows_with_objective, cols, nonzeros_with_objective;
};
constexpr NetlibSize kNetlib[] = {
    {"afiro.mps", 28, 32, 88},        {"adlittle.mps", 57, 97, 465},    {"25fv47.mps", 822, 1571, 11127},
    {"etamacro.mps", 401, 688, 2489}, {"shell.mps", 537, 1775, 4900},   {"stair.mps", 357, 467, 3857},
    {"standata.mps", 360, 1075, 3038}, {"standmps.mps", 468, 1075, 3686},
};

// A deliberately small, independent count of what a file holds: constraint rows (non-N rows),
// distinct columns, matrix entries outside N rows, and columns inside MARKER integer sections.
struct Scan {
  int rows = 0, cols = 0, entries = 0, marker_ints = 0;
};
Scan scan(const std::string& path) {
  std::ifstream in(path);
  std::string line, section;
  std::set<std::string> n_rows, cols;
  bool in_int = false;
  Scan s;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '*') continue;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.empty()) continue;
    if (line[0] != ' ' && line[0] != '\t') {
      section = w[0];
      if (section == "ENDATA") break;
      continue;
    }
    if (section == "ROWS") {
      if (w[0] == "N") n_rows.insert(w[1]);
      else ++s.rows;
    } else if (section == "COLUMNS") {
      if (w.size() == 3 && w[1] == "'MARKER'") {
        in_int = w[2] == "'INTORG'";
        continue;
      }
      if (cols.insert(w[0]).second) s.marker_ints += in_int;
      for (std::size_t k = 1; k + 1 < w.size(); k += 2) s.entries += n_rows.count(w[k]) == 0;
    }
  }
  s.cols = static_cast<int>(cols.size());
  return s;
}

// Every feature of the reader in one file. Expected values are worked out in the test below.
const char* const kFeatures = R"(* A hand-made model that uses every feature of free MPS.
NAME          FEATURES  this word and the following ones are a comment
OBJSENSE
    MAX
ROWS
 N  COST
 E  EQPOS
 E  EQNEG
 E  EQZERO
 L  LIM
 G  LOW
 G  GRNG
 N  SPARE
COLUMNS
    X1        COST         1.5   EQPOS          1
    X1        LIM            2
    M1        'MARKER'                 'INTORG'
    N1        COST          -2   EQNEG          3
    N1        SPARE          9
    N2        LOW            1
    N3        LOW          0.5
    M2        'MARKER'                 'INTEND'
    X2        LIM           -1   LOW            4
    X2        GRNG           1
    X3        EQZERO      1e-3
    X4        EQPOS         -1
    X5        GRNG        -2.5
    X6        COST       +0.25
    X7        LIM           1.
    X8        LIM           .5
    X9        EQNEG          7
    X10       LOW           -1
    B1        COST           3   EQZERO         1
RHS
    RHS       COST        -7.5   EQPOS          2
    RHS       EQNEG          3
    LIM         10
    RHS       LOW           -1   GRNG           5
    RHS       SPARE        100
    OTHER     EQZERO        99
RANGES
    RNG       EQPOS          4   EQNEG         -4
    RNG       LIM           -3
    GRNG        -2
    OTHER     LOW            1
BOUNDS
 UP BND       X1             4
 LO BND       X2          -2.5
 UP BND       X2           3.5
 FX BND       X3          1.25
 FR BND       X4
 MI BND       X5
 UP BND       X5             8
 PL BND       X6
 UP BND       X7            -3
 UP BND       X8            -3
 LO BND       X8            -5
 BV BND       B1
 LI BND       N1            -5
 UI BND       N2             9
 UP           X9             5
 MI           X10
 UP OTHERBND  X6             1
ENDATA
everything after ENDATA is ignored
)";

}  // namespace

TEST(Mps, EveryFeatureMatchesTheHandComputedModel) {
  const Model m = ehub::lp::read_mps_string(kFeatures);
  EXPECT_EQ(m.name(), "FEATURES");
  EXPECT_EQ(m.sense(), Sense::maximize);
  EXPECT_EQ(m.obj_constant(), 7.5);  // RHS -7.5 on the objective row is the constant negated

  // Columns in order of first appearance; SPARE (a second N row) is dropped.
  const std::vector<std::string> names = {"X1", "N1", "N2",  "N3",  "X2",  "X3",  "X4",
                                          "X5", "X6", "X7",  "X8",  "X9",  "X10", "B1"};
  ASSERT_EQ(m.num_vars(), 14);
  for (std::int32_t j = 0; j < 14; ++j) EXPECT_EQ(m.var_name(j), names[static_cast<std::size_t>(j)]);
  struct Col {
    double lb, ub, obj;
    VarType type;
  };
  const VarType C = VarType::continuous, I = VarType::integer, B = VarType::binary;
  const Col want[] = {
      {0, 4, 1.5, C},         // X1: UP 4
      {-5, kInf, -2, I},      // N1: marker integer, LI -5
      {0, 9, 0, I},           // N2: marker integer, UI 9
      {0, kInf, 0, I},        // N3: marker integer without bounds -> [0, inf)
      {-2.5, 3.5, 0, C},      // X2: LO, UP
      {1.25, 1.25, 0, C},     // X3: FX
      {-kInf, kInf, 0, C},    // X4: FR
      {-kInf, 8, 0, C},       // X5: MI then UP 8
      {0, kInf, 0.25, C},     // X6: PL; the UP in set OTHERBND is not the first set, ignored
      {-kInf, -3, 0, C},      // X7: negative UP on the default lower bound frees it
      {-5, -3, 0, C},         // X8: UP -3 frees the lower bound, the LO after it sets it again
      {0, 5, 0, C},           // X9: "UP X9 5", set name omitted
      {-kInf, kInf, 0, C},    // X10: "MI X10", set name omitted
      {0, 1, 3, B},           // B1: BV
  };
  for (std::size_t k = 0; k < 14; ++k) {
    SCOPED_TRACE(names[k]);
    EXPECT_EQ(m.col_lower()[k], want[k].lb);
    EXPECT_EQ(m.col_upper()[k], want[k].ub);
    EXPECT_EQ(m.objective()[k], want[k].obj);
    EXPECT_EQ(m.col_type()[k], want[k].type);
  }

  // Rows: E with R > 0 -> [rhs, rhs + R]; E with R < 0 -> [rhs + R, rhs]; L with R -> [rhs - |R|,
  // rhs]; G with R -> [rhs, rhs + |R|]; the second RHS and RANGES sets (OTHER) are ignored.
  ASSERT_EQ(m.num_rows(), 6);
  const std::vector<std::string> rows = {"EQPOS", "EQNEG", "EQZERO", "LIM", "LOW", "GRNG"};
  const double row_lb[] = {2, -1, 0, 7, -1, 5};
  const double row_ub[] = {6, 3, 0, 10, kInf, 7};
  for (std::int32_t i = 0; i < 6; ++i) {
    const auto r = static_cast<std::size_t>(i);
    EXPECT_EQ(m.row_name(i), rows[r]);
    EXPECT_EQ(m.row_lower()[r], row_lb[r]) << rows[r];
    EXPECT_EQ(m.row_upper()[r], row_ub[r]) << rows[r];
  }
  // Matrix row by row, columns ascending (X1=0 N1=1 N2=2 N3=3 X2=4 X3=5 X4=6 X5=7 X6=8 X7=9
  // X8=10 X9=11 X10=12 B1=13); the entry of N1 in SPARE is gone with the row.
  const std::vector<std::vector<std::pair<int, double>>> want_rows = {
      {{0, 1}, {6, -1}},                          // EQPOS
      {{1, 3}, {11, 7}},                          // EQNEG
      {{5, 1e-3}, {13, 1}},                       // EQZERO
      {{0, 2}, {4, -1}, {9, 1}, {10, 0.5}},       // LIM
      {{2, 1}, {3, 0.5}, {4, 4}, {12, -1}},       // LOW
      {{4, 1}, {7, -2.5}},                        // GRNG
  };
  ASSERT_EQ(m.num_nonzeros(), 16);
  for (std::size_t r = 0; r < 6; ++r) {
    const auto begin = static_cast<std::size_t>(m.row_start()[r]);
    ASSERT_EQ(static_cast<std::size_t>(m.row_start()[r + 1]) - begin, want_rows[r].size()) << rows[r];
    for (std::size_t t = 0; t < want_rows[r].size(); ++t) {
      EXPECT_EQ(m.col_index()[begin + t], want_rows[r][t].first) << rows[r];
      EXPECT_EQ(m.values()[begin + t], want_rows[r][t].second) << rows[r];
    }
  }
  EXPECT_NO_THROW(m.validate());

  // ... and it survives a write -> read round trip unchanged.
  expect_identical(m, ehub::lp::read_mps_string(ehub::lp::to_mps_string(m)), "features");
}

TEST(Mps, ObjectiveSenseAndNameVariants) {
  const std::string body = "ROWS\n N  z\n N  c\n L  r\nCOLUMNS\n    x  z  1  c  2\n    x  r  1\nENDATA\n";
  EXPECT_EQ(ehub::lp::read_mps_string("NAME\n" + body).sense(), Sense::minimize);
  EXPECT_EQ(ehub::lp::read_mps_string("NAME t\nOBJSENSE MAX\n" + body).sense(), Sense::maximize);
  EXPECT_EQ(ehub::lp::read_mps_string("NAME t\nOBJSENSE\n    MAXIMIZE\n" + body).sense(), Sense::maximize);
  EXPECT_EQ(ehub::lp::read_mps_string("NAME t\nOBJSENSE\n    MIN\n" + body).sense(), Sense::minimize);
  EXPECT_EQ(ehub::lp::read_mps_string("NAME\n" + body).name(), "");
  // The first N row is the objective unless OBJNAME names another one.
  EXPECT_EQ(ehub::lp::read_mps_string("NAME\n" + body).objective()[0], 1.0);
  EXPECT_EQ(ehub::lp::read_mps_string("NAME\nOBJNAME c\n" + body).objective()[0], 2.0);
  // Windows line ends and tabs are white space like any other.
  const Model crlf = ehub::lp::read_mps_string("NAME\tt\r\nROWS\r\n N\tz\r\n G r\r\nCOLUMNS\r\n\tx\tr\t2\r\nRHS\r\n"
                                               "\tB\tr\t4\r\nENDATA\r\n");
  EXPECT_EQ(crlf.name(), "t");
  EXPECT_EQ(crlf.row_lower()[0], 4.0);
  EXPECT_EQ(crlf.values()[0], 2.0);
}

TEST(Mps, NegativeUpperBoundRule) {
  // CPLEX/HiGHS convention: UP (or UI) < 0 on a column whose lower bound is still the default 0
  // makes the lower bound -inf; a lower bound given in BOUNDS before it is kept.
  auto bounds_of = [](const std::string& bounds) {
    const Model m = ehub::lp::read_mps_string("NAME\nROWS\n N  z\nCOLUMNS\n    M  'MARKER'  'INTORG'\n"
                                              "    x  z  1\n    M  'MARKER'  'INTEND'\nBOUNDS\n" +
                                              bounds + "ENDATA\n");
    return std::pair{m.col_lower()[0], m.col_upper()[0]};
  };
  EXPECT_EQ(bounds_of(" UP B x -3\n"), std::pair(-kInf, -3.0));
  EXPECT_EQ(bounds_of(" UI B x -3\n"), std::pair(-kInf, -3.0));
  EXPECT_EQ(bounds_of(" LO B x 0\n UP B x -3\n"), std::pair(0.0, -3.0));
  EXPECT_EQ(bounds_of(" UP B x -3\n LO B x -5\n"), std::pair(-5.0, -3.0));
  EXPECT_EQ(bounds_of(" UP B x 0\n"), std::pair(0.0, 0.0));
  EXPECT_EQ(bounds_of(""), std::pair(0.0, kInf));  // integer in a MARKER section: [0, inf)
  EXPECT_EQ(bounds_of(" BV B x 1\n"), std::pair(0.0, 1.0));  // BV with a value, set name given
  EXPECT_EQ(bounds_of(" FR x\n"), std::pair(-kInf, kInf));
}

TEST(Mps, EveryInstanceReadsWithTheRightSize) {
  const auto files = instance_files();
  ASSERT_GE(files.size(), 23u);
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    const Model m = ehub::lp::read_mps(path);
    const Scan s = scan(path);
    EXPECT_EQ(m.num_rows(), s.rows);
    EXPECT_EQ(m.num_vars(), s.cols);
    EXPECT_EQ(m.num_nonzeros(), s.entries);
    EXPECT_GE(m.num_integers(), s.marker_ints);
    EXPECT_NO_THROW(m.validate());
  }
  for (const auto& n : kNetlib) {
    SCOPED_TRACE(n.file);
    const Model m = ehub::lp::read_mps(kDataDir + "/" + n.file);
    EXPECT_EQ(m.num_rows() + 1, n.rows_with_objective);
    EXPECT_EQ(m.num_vars(), n.cols);
    std::int64_t obj_nonzeros = 0;
    for (const double c : m.objective()) obj_nonzeros += c != 0.0;
    EXPECT_EQ(m.num_nonzeros() + obj_nonzeros, n.nonzeros_with_objective);
    EXPECT_EQ(m.num_integers(), 0);
  }
  // afiro by hand: 27 constraint rows (ROWS minus the N row COST), 32 columns, minimise.
  const Model afiro = ehub::lp::read_mps(kDataDir + "/afiro.mps");
  EXPECT_EQ(afiro.num_rows(), 27);
  EXPECT_EQ(afiro.num_vars(), 32);
  EXPECT_EQ(afiro.name(), "AFIRO");
  EXPECT_EQ(afiro.sense(), Sense::minimize);
  EXPECT_EQ(afiro.var_name(1), "X02");
  EXPECT_EQ(afiro.objective()[1], -0.4);  // "X02  COST  -.4"
  // small_mip.mps documents its model in its header comment: ROW04 is 1.8 <= 2.8x4 - 1.2x7 <= 5.0
  // (G with RHS 1.8, RANGES 3.2), ROW05 is 3.0 <= ... <= 15.0 (L with RHS 15, RANGES 12), x3, x4
  // integer (stated as 0/1 there; the file gives them no bounds, so MIPLIB's [0, inf) applies).
  const Model mip = ehub::lp::read_mps(kDataDir + "/small_mip.mps");
  EXPECT_DOUBLE_EQ(mip.row_lower()[3], 1.8);
  EXPECT_DOUBLE_EQ(mip.row_upper()[3], 5.0);
  EXPECT_DOUBLE_EQ(mip.row_lower()[4], 3.0);
  EXPECT_DOUBLE_EQ(mip.row_upper()[4], 15.0);
  EXPECT_EQ(mip.col_type()[2], VarType::integer);
  EXPECT_EQ(mip.col_type()[3], VarType::integer);
  EXPECT_EQ(mip.num_integers(), 2);
}

TEST(Mps, EveryInstanceRoundTripsBitIdentical) {
  for (const auto& path : instance_files()) {
    const Model a = ehub::lp::read_mps(path);
    const Model b = ehub::lp::read_mps_string(ehub::lp::to_mps_string(a), "written");
    expect_identical(a, b, path);
  }
}

TEST(Mps, WriteGoesThroughATemporaryFileAndReadsBack) {
  const fs::path dir = fresh_dir("mps");
  const Model a = ehub::lp::read_mps(kDataDir + "/egout.mps");
  const std::string out = (dir / "egout.mps").string();
  ehub::lp::write_mps(a, out);
  ehub::lp::write_mps(a, out);  // overwriting an existing file works the same way
  expect_identical(a, ehub::lp::read_mps(out), "file");
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"egout.mps"});  // no temporary file left behind

  EXPECT_THROW(ehub::lp::write_mps(a, (dir / "no_such_dir" / "x.mps").string()), InputError);
  EXPECT_THROW(ehub::lp::write_mps(a, dir.string()), InputError);  // a directory
  try {
    (void)ehub::lp::read_mps((dir / "missing.mps").string());
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir / "missing.mps").string());
  }
  fs::remove_all(dir);
}

TEST(Mps, HandBuiltModelRoundTripsIncludingAwkwardNumbersAndNames) {
  Model m;
  m.set_name("my model");  // a space is not MPS-legal: written as my_model
  m.set_sense(Sense::maximize);
  m.set_obj_constant(-0.1);
  const auto x = m.add_var(-0.0, 0.3, 0.1 + 0.2, VarType::continuous, "x");
  const auto y = m.add_var(-kInf, kInf, -1.0 / 3.0, VarType::continuous, "y");
  const auto n = m.add_var(-3, 7, 0, VarType::integer, "n");
  const auto b = m.add_var(0, 1, 2, VarType::binary, "b");
  const auto b0 = m.add_var(0, 0, 0, VarType::binary, "b0");   // a binary fixed at 0
  const auto b1 = m.add_var(1, 1, 0, VarType::binary, "b1");   // a binary fixed at 1
  const auto i01 = m.add_var(0, 1, 0, VarType::integer, "i01");  // integer in [0, 1] stays integer
  const auto neg = m.add_var(0, 2, 0);
  const auto free_neg = m.add_var(-kInf, -2, 0);
  const auto fixed_neg_zero = m.add_var(-0.0, -0.0, 0);
  const auto unused = m.add_var(1, 2, 0, VarType::continuous, "unused");  // in no row, no cost
  m.add_var(0, kInf, 0, VarType::continuous, "x");                        // duplicate name
  m.add_var(0, kInf, 0, VarType::continuous, "a b");                      // white space in a name
  (void)unused;
  m.begin_row(0.1, 0.3, "range");
  m.add_term(x, 1);
  m.add_term(y, 1);
  m.begin_row(1.0 / 3.0, 2.0 / 3.0, "thirds");
  m.add_term(n, 0.7);
  m.add_term(b, 1e-300);
  m.begin_row(-1e300, 1e300);  // unnamed
  m.add_term(b0, 1);
  m.add_term(b1, -1);
  m.begin_row(-0.0, -0.0, "eq");
  m.add_term(i01, 0.0);  // an explicit zero coefficient is kept
  m.add_term(neg, 1);
  m.begin_row(-kInf, 5e-324, "le");
  m.add_term(free_neg, 1);
  m.add_term(fixed_neg_zero, 1);
  m.begin_row(-2, kInf, "ge");
  m.begin_row(-7.25, -7.25, "empty_eq");  // rows without terms survive too
  const Model back = ehub::lp::read_mps_string(ehub::lp::to_mps_string(m));

  // Names are the only planned difference: made legal and unique.
  EXPECT_EQ(back.name(), "my_model");
  EXPECT_EQ(back.var_name(4), "b0");
  EXPECT_EQ(back.var_name(7), "x7");
  EXPECT_EQ(back.var_name(11), "x_1");
  EXPECT_EQ(back.var_name(12), "a_b");
  EXPECT_EQ(back.row_name(2), "r2");
  Model renamed = m;
  renamed.set_name("my_model");
  renamed.set_var_name(11, "x_1");
  renamed.set_var_name(12, "a_b");
  expect_identical(renamed, back, "hand-built");
}

TEST(Mps, RangedRowsRoundTripExactlyWhereTheFormatAllows) {
  // MPS stores lb <= a'x <= ub as G (rhs = lb, ub = rhs + |R|) or L (rhs = ub, lb = rhs - |R|).
  // Where ub - lb is exact in double both bounds must come back bit for bit; where no double R
  // can rebuild them (e.g. [-100, 28.2]) one bound may be one unit in the last place off.
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-30, 30);
  std::vector<std::pair<double, double>> pairs;
  for (int k = 0; k < 2000; ++k)
    pairs.emplace_back(std::ldexp(mantissa(rng), exponent(rng)), std::ldexp(mantissa(rng), exponent(rng)));
  for (int i = -1000; i <= 1000; i += 37)
    for (int j = -1000; j <= 1000; j += 41) pairs.emplace_back(i / 10.0, j / 10.0);  // decimal bounds
  Model m;
  const auto x = m.add_var(0, 1);
  for (auto [a, c] : pairs) {
    if (a == c) continue;
    m.begin_row(std::min(a, c), std::max(a, c));
    m.add_term(x, 1);
  }
  const Model back = ehub::lp::read_mps_string(ehub::lp::to_mps_string(m));
  ASSERT_EQ(back.num_rows(), m.num_rows());
  int exact = 0, exact_width = 0;
  for (std::size_t r = 0; r < static_cast<std::size_t>(m.num_rows()); ++r) {
    const double lb = m.row_lower()[r], ub = m.row_upper()[r];
    const double blb = back.row_lower()[r], bub = back.row_upper()[r];
    const bool width_exact = same_bits(lb + (ub - lb), ub) || same_bits(ub - (ub - lb), lb);
    exact_width += width_exact;
    if (same_bits(lb, blb) && same_bits(ub, bub)) {
      ++exact;
      continue;
    }
    ASSERT_FALSE(width_exact) << lb << " " << ub;
    // One bound exact, the other the neighbouring double at most.
    const bool lb_ok = same_bits(lb, blb) && (bub == std::nextafter(ub, kInf) || bub == std::nextafter(ub, -kInf));
    const bool ub_ok = same_bits(ub, bub) && (blb == std::nextafter(lb, kInf) || blb == std::nextafter(lb, -kInf));
    EXPECT_TRUE(lb_ok || ub_ok) << std::hexfloat << lb << " " << ub << " -> " << blb << " " << bub;
  }
  EXPECT_GE(exact, exact_width);  // exact whenever the width is, and more where a nearby R works
  EXPECT_GT(exact, m.num_rows() * 8 / 10);
  RecordProperty("ranged_rows_exact", std::to_string(exact) + "/" + std::to_string(m.num_rows()));
}

TEST(Mps, ColumnsNamedLikeTheBoundSetStayUnambiguous) {
  Model m;
  m.add_var(-kInf, kInf, 1, VarType::continuous, "BND");
  m.add_var(-kInf, 4, 1, VarType::continuous, "5");
  m.add_var(0, 1, 1, VarType::binary, "1");
  expect_identical(m, ehub::lp::read_mps_string(ehub::lp::to_mps_string(m)), "BND column");
}

TEST(Mps, FreeRowsAreWrittenAsNRowsAndDroppedOnReading) {
  Model m;
  const auto x = m.add_var(0, 1, 1, VarType::continuous, "x");
  m.begin_row(-kInf, kInf, "free");
  m.add_term(x, 1);
  m.begin_row(-kInf, 1, "cap");
  m.add_term(x, 1);
  const std::string text = ehub::lp::to_mps_string(m);
  EXPECT_NE(text.find(" N  free\n"), std::string::npos) << text;
  const Model back = ehub::lp::read_mps_string(text);
  ASSERT_EQ(back.num_rows(), 1);
  EXPECT_EQ(back.row_name(0), "cap");
}

TEST(Mps, WrittenTextFollowsTheFormat) {
  Model m;
  m.set_name("tiny");
  m.set_sense(Sense::maximize);
  m.set_obj_constant(2.5);
  const auto x = m.add_var(-1, 4, 3, VarType::continuous, "x");
  const auto z = m.add_var(0, 1, 1, VarType::binary, "z");
  const auto k = m.add_var(0, 10, 0, VarType::integer, "k");
  m.begin_row(1, 3, "band");  // ranged: G row, RHS 1, RANGES 2
  m.add_term(x, 1);
  m.add_term(z, 2);
  m.begin_row(-kInf, 6, "cap");
  m.add_term(k, 1);
  const std::string want =
      "NAME tiny\n"
      "OBJSENSE\n    MAX\n"
      "ROWS\n N  obj\n G  band\n L  cap\n"
      "COLUMNS\n"
      "    x obj 3\n    x band 1\n"
      "    MARKER0 'MARKER' 'INTORG'\n"
      "    z obj 1\n    z band 2\n"
      "    k cap 1\n"
      "    MARKER1 'MARKER' 'INTEND'\n"
      "RHS\n    RHS obj -2.5\n    RHS band 1\n    RHS cap 6\n"
      "RANGES\n    RNG band 2\n"
      "BOUNDS\n LO BND x -1\n UP BND x 4\n BV BND z\n UP BND k 10\n"
      "ENDATA\n";
  EXPECT_EQ(ehub::lp::to_mps_string(m), want);
}

TEST(Mps, GarbageGivesTheLineNumber) {
  const std::string head = "NAME t\nROWS\n N  obj\n L  r\nCOLUMNS\n";  // lines 1-5
  expect_error("", 1, "empty file");
  expect_error("NAME t\nROWS\n N  obj\nFOO\n", 4, "unknown section 'FOO'");
  expect_error("    x  r  1\nNAME\n", 1, "before the first section");
  expect_error(head + "    x  r  1  obj\nENDATA\n", 6, "3 or 5 fields");
  expect_error(head + "    x  r  1.2.3\nENDATA\n", 6, "cannot read '1.2.3' as a number");
  expect_error(head + "    x  r  nan\nENDATA\n", 6, "as a number");
  expect_error(head + "    x  r  1\n    x  q  2\nENDATA\n", 7, "unknown row 'q'");
  expect_error(head + "    x  r  1\n    x  r  2\nENDATA\n", 7, "two entries in row 'r'");
  expect_error(head + "    x  r  1\n    y  r  1\n    x  obj  1\nENDATA\n", 8, "contiguous");
  expect_error(head + "    x  r  1\nRHS\n    B  r  1  r  2  x\nENDATA\n", 8, "2 to 5 fields");
  expect_error(head + "    x  r  1\nRHS\n    B  r  1  r\nENDATA\n", 8, "unknown row 'B'");  // 4 fields: no set
  expect_error(head + "    x  r  1\nRHS\n    B  s  1\nENDATA\n", 8, "unknown row 's'");
  expect_error(head + "    x  r  1\nBOUNDS\n SC BND x 4\nENDATA\n", 8, "semi-continuous");
  expect_error(head + "    x  r  1\nBOUNDS\n XX BND x 4\nENDATA\n", 8, "unknown bound type 'XX'");
  expect_error(head + "    x  r  1\nBOUNDS\n UP BND y 4\nENDATA\n", 8, "unknown column 'y'");
  expect_error(head + "    x  r  1\nBOUNDS\n UP BND x\nENDATA\n", 8, "needs a value");
  expect_error(head + "    x  r  1\nBOUNDS\n UP BND x 4 5\nENDATA\n", 8, "2 to 4 fields");
  expect_error(head + "    x  r  1\n", 6, "before ENDATA");
  expect_error(head + "    x  r  1\n* a trailing comment\n\n", 8, "before ENDATA");
  expect_error("NAME t\nROWS\n N  obj\n Q  r\n", 4, "row type 'Q'");
  expect_error("NAME t\nROWS\n N  obj\n L  r\n G  r\n", 5, "defined twice");
  expect_error("NAME t\nCOLUMNS\n", 2, "before the ROWS section");
  expect_error("NAME t\nROWS\n N  obj\nROWS\n", 4, "appears twice");
  expect_error(head + "    M  'MARKER'  'INTORX'\nENDATA\n", 6, "unknown marker");
  expect_error(head + "    M  'MARKER'  'INTEND'\nENDATA\n", 6, "without a preceding 'INTORG'");
  expect_error("NAME t\nOBJSENSE\n    UP\n", 3, "not MIN or MAX");
  expect_error(head + "    x  r  1\nRANGES\n    R  r  inf\nENDATA\n", 8, "infinite");
}

TEST(Mps, ReadingIsFast) {
  // 25fv47 (367 kB, 10,400 nonzeros) is the largest instance; a read takes about a millisecond.
  const auto t0 = std::chrono::steady_clock::now();
  const Model m = ehub::lp::read_mps(kDataDir + "/25fv47.mps");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(m.num_nonzeros(), 10400);
  EXPECT_LT(ms, 500.0);  // generous: shared CI machines, debug and sanitizer builds
  RecordProperty("read_25fv47_ms", std::to_string(ms));
}
