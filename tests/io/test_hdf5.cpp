// Tests of ehub/io/hdf5.hpp: round trips, atomic writes (no file before commit, nothing left after
// an exception), unreadable and truncated files, missing objects, series files, threads.
#include "ehub/io/hdf5.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "ehub/core/error.hpp"

namespace {

namespace fs = std::filesystem;
using ehub::InputError;
using ehub::io::H5Reader;
using ehub::io::H5Writer;

template <typename F>
InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", "", "");
}

// Each test gets its own empty directory, removed afterwards.
class Hdf5 : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("ehub_h5_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  // Names of the entries of the test directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST_F(Hdf5, VectorsAndAttributesRoundTrip) {
  const std::string path = file("run.h5");
  {
    H5Writer w(path);
    const std::vector<double> el = {1.5, -2.0, 3.25};
    const std::vector<std::int64_t> time = {0, 900, -1800, 4102444800LL};
    w.write_vector("/flows/chp1.el", el);
    w.write_vector_int64("time", time);
    w.write_vector("/flows/empty", std::span<const double>());
    w.write_string_attribute("/flows/chp1.el", "unit", "kW");
    w.write_string_attribute("/flows", "note",
                             "temperatures in \xC2\xB0"
                             "C");
    w.write_double_attribute("/", "version", 2.5);
    w.write_double_attribute("/", "version", 3.0);  // replaces
    w.create_group("/results/kpi");
    w.commit();
  }
  const H5Reader r(path);
  EXPECT_EQ(r.list("/"), (std::vector<std::string>{"flows", "results", "time"}));
  EXPECT_EQ(r.list("/flows"), (std::vector<std::string>{"chp1.el", "empty"}));
  EXPECT_TRUE(r.has("/flows/chp1.el"));
  EXPECT_TRUE(r.has("flows"));
  EXPECT_TRUE(r.is_group("/results/kpi"));
  EXPECT_FALSE(r.has("/flows/chp2.el"));
  EXPECT_FALSE(r.has("/time/below_a_dataset"));
  EXPECT_TRUE(r.is_dataset("/time"));
  EXPECT_FALSE(r.is_dataset("/flows"));
  const Eigen::VectorXd el = r.read_vector("/flows/chp1.el");
  ASSERT_EQ(el.size(), 3);
  EXPECT_EQ(el[0], 1.5);
  EXPECT_EQ(el[1], -2.0);
  EXPECT_EQ(el[2], 3.25);
  EXPECT_EQ(r.length("/flows/empty"), 0);
  EXPECT_EQ(r.read_vector("/flows/empty").size(), 0);
  EXPECT_EQ(r.read_vector_int64("/time"), (std::vector<std::int64_t>{0, 900, -1800, 4102444800LL}));
  // Integers convert to doubles on request, not the other way round.
  EXPECT_EQ(r.read_vector("/time")[2], -1800.0);
  EXPECT_EQ(input_error([&] { r.read_vector_int64("/flows/chp1.el"); }).path(), "/flows/chp1.el");
  EXPECT_EQ(r.string_attribute("/flows/chp1.el", "unit"), "kW");
  EXPECT_EQ(r.string_attribute("/flows", "note"),
            "temperatures in \xC2\xB0"
            "C");
  EXPECT_EQ(r.double_attribute("/", "version"), 3.0);
  EXPECT_TRUE(r.has_attribute("/", "version"));
  EXPECT_FALSE(r.has_attribute("/", "nope"));
  const InputError e = input_error([&] { r.string_attribute("/flows", "unit"); });
  EXPECT_EQ(e.path(), "/flows");
  EXPECT_EQ(e.detail(), "no attribute \"unit\"");
  EXPECT_EQ(input_error([&] { r.double_attribute("/flows/chp1.el", "unit"); }).detail(),
            "attribute \"unit\" is not a number");
}

TEST_F(Hdf5, LongVectorsAreChunkedAndExact) {
  const std::string path = file("long.h5");
  std::vector<double> v(35040);  // a year of 15-minute steps
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.5 * static_cast<double>(i) - 100.0;
  H5Writer w(path);
  w.write_vector("/load_kw", v);
  w.commit();
  const Eigen::VectorXd back = H5Reader(path).read_vector("load_kw");
  ASSERT_EQ(back.size(), 35040);
  EXPECT_EQ(back[0], -100.0);
  EXPECT_EQ(back[35039], 0.5 * 35039 - 100.0);
  EXPECT_EQ(back[1234], 517.0);
}

TEST_F(Hdf5, NothingAppearsAtThePathBeforeCommit) {
  const std::string path = file("atomic.h5");
  H5Writer w(path);
  w.write_vector("/x", std::vector<double>{1.0, 2.0});
  EXPECT_FALSE(fs::exists(path));
  const std::string temp = w.temp_path();
  EXPECT_TRUE(fs::exists(temp));
  EXPECT_EQ(temp.rfind(path + ".tmp-" + std::to_string(::getpid()) + "-", 0), 0u) << temp;
  w.commit();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(entries(), (std::vector<std::string>{"atomic.h5"}));
  EXPECT_EQ(H5Reader(path).read_vector("/x")[1], 2.0);
  // After commit the writer refuses more writes.
  EXPECT_THROW(w.write_vector("/y", std::vector<double>{1.0}), ehub::Error);
}

TEST_F(Hdf5, AnExceptionMidWriteLeavesNoFileAndNoTemporary) {
  const std::string path = file("crash.h5");
  try {
    H5Writer w(path);
    w.write_vector("/a", std::vector<double>(100, 1.0));
    throw std::runtime_error("simulated failure in the caller");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(entries().empty());

  // An error raised by the writer itself unwinds the same way.
  const InputError e = input_error([&] {
    H5Writer w(path);
    w.write_vector("/a", std::vector<double>{1.0});
    w.write_vector("/a", std::vector<double>{2.0});
  });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.path(), "/a");
  EXPECT_EQ(e.detail(), "already exists");
  EXPECT_TRUE(entries().empty());

  // An abandoned rewrite keeps the previous complete file.
  {
    H5Writer w(path);
    w.write_vector("/v", std::vector<double>{7.0});
    w.commit();
  }
  {
    H5Writer w(path);
    w.write_vector("/v", std::vector<double>{8.0, 9.0});
  }
  EXPECT_EQ(entries(), (std::vector<std::string>{"crash.h5"}));
  EXPECT_EQ(H5Reader(path).read_vector("/v").size(), 1);
  EXPECT_EQ(H5Reader(path).read_vector("/v")[0], 7.0);
}

TEST_F(Hdf5, WriterErrorsNameThePath) {
  const std::string nodir = file("no/such/dir/out.h5");
  const InputError e = input_error([&] { H5Writer w(nodir); });
  EXPECT_EQ(e.file(), nodir);
  EXPECT_NE(e.detail().find("does not exist"), std::string::npos) << e.detail();

  const std::string path = file("w.h5");
  H5Writer w(path);
  w.write_vector("/flows", std::vector<double>{1.0});
  InputError g = input_error([&] { w.write_vector("/flows/x", std::vector<double>{1.0}); });
  EXPECT_EQ(g.path(), "/flows");
  EXPECT_EQ(g.detail(), "is a dataset, not a group");
  g = input_error([&] { w.write_string_attribute("/nothing", "kind", "power"); });
  EXPECT_EQ(g.path(), "/nothing");
  EXPECT_EQ(input_error([&] { w.write_vector("/", std::vector<double>{1.0}); }).detail(), "a dataset needs a name");
  EXPECT_EQ(input_error([&] { w.write_vector("/a/../b", std::vector<double>{1.0}); }).path(), "/a/../b");
}

TEST_F(Hdf5, RandomBytesAreNotAReadableFile) {
  const std::string path = file("random.h5");
  {
    std::mt19937 rng(42);
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(rng() & 0xFF));
  }
  const InputError e = input_error([&] { H5Reader r(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.path(), "");
  EXPECT_EQ(e.detail().rfind("not a readable HDF5 file: ", 0), 0u) << e.detail();
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos);

  const InputError m = input_error([&] { H5Reader r(file("missing.h5")); });
  EXPECT_EQ(m.file(), file("missing.h5"));
  EXPECT_EQ(m.detail(), "not a readable HDF5 file: no such file");
  EXPECT_THROW(H5Reader{dir_.string()}, InputError);
  EXPECT_THROW(ehub::io::read_series_h5(path), InputError);
}

TEST_F(Hdf5, TruncatedFileIsRejected) {
  const std::string path = file("cut.h5");
  {
    H5Writer w(path);
    w.write_vector("/a", std::vector<double>(2000, 1.0));
    w.write_vector("/b", std::vector<double>(2000, 2.0));
    w.commit();
  }
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 32000u);  // 4000 doubles
  fs::resize_file(path, size / 2);
  const InputError e = input_error([&] {
    H5Reader r(path);
    r.read_vector("/b");
  });
  EXPECT_EQ(e.file(), path);
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  EXPECT_EQ(e.detail().rfind("not a readable HDF5 file: ", 0), 0u) << e.detail();
}

TEST_F(Hdf5, MissingDatasetsAndGroups) {
  const std::string path = file("m.h5");
  {
    H5Writer w(path);
    w.write_vector("/flows/y", std::vector<double>{1.0});
    w.commit();
  }
  const H5Reader r(path);
  InputError e = input_error([&] { r.read_vector("/flows/x"); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.path(), "/flows/x");
  EXPECT_EQ(e.detail(), "no such dataset");
  EXPECT_STREQ(e.what(), ("[ehub.input] " + path + ": /flows/x: no such dataset").c_str());
  EXPECT_EQ(input_error([&] { r.read_vector("/nope/deeper/x"); }).detail(), "no such dataset");
  EXPECT_EQ(input_error([&] { r.read_vector("/flows"); }).detail(), "no such dataset");
  e = input_error([&] { r.list("/flows/y"); });
  EXPECT_EQ(e.path(), "/flows/y");
  EXPECT_EQ(e.detail(), "no such group");
}

TEST_F(Hdf5, SeriesRoundTrip) {
  const std::string path = file("series.h5");
  // 2025-01-01T00:00:00Z, four 15-minute steps.
  const ehub::TimeGrid grid(1735689600, 15, 4);
  Eigen::VectorXd pv(4), el(4);
  pv << 0.0, 10.0, 20.0, 30.0;
  el << 5.0, 5.0, 2.5, 0.0;
  std::map<std::string, ehub::Series> in;
  in.emplace("pv_kw", ehub::Series(grid, pv, ehub::SeriesKind::power, "pv_kw"));
  in.emplace("flows/chp1.el", ehub::Series(grid, el, ehub::SeriesKind::energy, "flows/chp1.el"));
  ehub::io::write_series_h5(path, in);

  const H5Reader r(path);
  EXPECT_EQ(r.read_vector_int64("/time"), (std::vector<std::int64_t>{1735689600, 1735690500, 1735691400, 1735692300}));
  EXPECT_EQ(r.string_attribute("/pv_kw", "kind"), "power");
  EXPECT_EQ(r.double_attribute("/flows/chp1.el", "step_minutes"), 15.0);

  const auto out = ehub::io::read_series_h5(path);
  ASSERT_EQ(out.size(), 2u);
  const ehub::Series& p = out.at("pv_kw");
  EXPECT_EQ(p.grid(), grid);
  EXPECT_EQ(p.kind(), ehub::SeriesKind::power);
  EXPECT_EQ(p[3], 30.0);
  const ehub::Series& c = out.at("flows/chp1.el");
  EXPECT_EQ(c.kind(), ehub::SeriesKind::energy);
  EXPECT_EQ(c.name(), "flows/chp1.el");
  EXPECT_EQ(c[2], 2.5);
  EXPECT_EQ(c.total_kwh(), 12.5);
}

TEST_F(Hdf5, SeriesFileErrors) {
  const std::string path = file("bad_series.h5");
  {
    H5Writer w(path);
    w.write_vector_int64("/time", std::vector<std::int64_t>{0, 3600, 7200});
    w.write_vector("/flows/x", std::vector<double>{1.0, 2.0});
    w.write_string_attribute("/flows/x", "kind", "power");
    w.commit();
  }
  InputError e = input_error([&] { ehub::io::read_series_h5(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.path(), "/flows/x");
  EXPECT_EQ(e.detail(), "has 2 values but /time has 3");

  {
    H5Writer w(path);
    w.write_vector_int64("/time", std::vector<std::int64_t>{0, 3600, 5400});
    w.commit();
  }
  e = input_error([&] { ehub::io::read_series_h5(path); });
  EXPECT_EQ(e.path(), "/time");
  EXPECT_NE(e.detail().find("not a regular grid"), std::string::npos) << e.detail();

  {
    H5Writer w(path);
    w.write_vector_int64("/time", std::vector<std::int64_t>{0});
    w.write_vector("/v", std::vector<double>{1.0});
    w.write_string_attribute("/v", "kind", "voltage");
    w.commit();
  }
  e = input_error([&] { ehub::io::read_series_h5(path); });
  EXPECT_EQ(e.path(), "/v");

  {
    H5Writer w(path);
    w.write_vector_int64("/time", std::vector<std::int64_t>{0, 600});
    w.write_double_attribute("/time", "step_minutes", 1e300);
    w.commit();
  }
  e = input_error([&] { ehub::io::read_series_h5(path); });
  EXPECT_EQ(e.path(), "/time");
  EXPECT_EQ(e.detail(), "step_minutes must be 5, 15, 30 or 60, got 1e+300");

  // Series on different grids cannot share a file; nothing is written.
  std::map<std::string, ehub::Series> in;
  in.emplace("a", ehub::Series(ehub::TimeGrid(0, 60, 2), Eigen::VectorXd::Ones(2)));
  in.emplace("b", ehub::Series(ehub::TimeGrid(0, 60, 3), Eigen::VectorXd::Ones(3)));
  e = input_error([&] { ehub::io::write_series_h5(file("two_grids.h5"), in); });
  EXPECT_EQ(e.path(), "/b");
  in.erase("b");
  in.emplace("time", ehub::Series(ehub::TimeGrid(0, 60, 2), Eigen::VectorXd::Ones(2)));
  EXPECT_EQ(input_error([&] { ehub::io::write_series_h5(file("two_grids.h5"), in); }).path(), "/time");
  EXPECT_FALSE(fs::exists(file("two_grids.h5")));
}

TEST_F(Hdf5, ThreadsWriteAndReadTheirOwnFiles) {
  constexpr int kThreads = 4;
  std::vector<double> sums(kThreads, 0.0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        std::string name = "t";
        name += std::to_string(t);
        const std::string path = file(name + ".h5");
        {
          H5Writer w(path);
          w.write_vector("/v", std::vector<double>(100, t + 1.0));
          w.write_double_attribute("/v", "round", round);
          w.commit();
        }
        sums[static_cast<std::size_t>(t)] += H5Reader(path).read_vector("/v").sum();
      }
    });
  }
  for (auto& th : threads) th.join();
  // Thread t reads 5 times 100 values of t + 1.
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(sums[static_cast<std::size_t>(t)], 500.0 * (t + 1));
  EXPECT_EQ(entries().size(), static_cast<std::size_t>(kThreads));
}

}  // namespace
