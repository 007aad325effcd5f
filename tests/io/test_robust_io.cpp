// Robustness of the readers and writers (issue 14, items 13.7 and 13.8): deep JSON nesting,
// invalid UTF-8 in messages, endless inputs, output paths that are devices, pipes, symlinks or
// other special files, unwritable folders checked up front, and temporary names that never clash.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <H5Cpp.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "ehub/carbon/ledger.hpp"
#include "ehub/carbon/results_file.hpp"
#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/io/text_file.hpp"

namespace fs = std::filesystem;
using ehub::InputError;

namespace {

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

// A fresh, empty folder for one test.
fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("ehub_robust_io_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RobustJson, DeepNestingIsAnInputErrorWithLineAndColumn) {
  // 60,000 nested objects overflowed the stack in the recursive copy of the parsed document.
  std::string deep;
  for (int i = 0; i < 60000; ++i) deep += "{\"a\":";
  deep += "1";
  deep += std::string(60000, '}');
  const InputError e = input_error([&] { ehub::io::parse_json(deep, "deep.json"); });
  EXPECT_EQ(e.file(), "deep.json");
  // Level 257 opens at the 257th '{', column 5 * 256 + 1.
  EXPECT_EQ(e.path(), "line 1, column 1281");
  EXPECT_NE(e.detail().find("deeper than 256"), std::string::npos);
  const std::string arrays = std::string(130000, '[') + std::string(130000, ']');
  EXPECT_EQ(input_error([&] { ehub::io::parse_json(arrays, "a.json"); }).path(), "line 1, column 257");
  // Exactly 256 levels are fine; brackets inside strings do not count.
  const std::string ok = std::string(256, '[') + "\"[[[[{{{{\"" + std::string(256, ']');
  EXPECT_NO_THROW(ehub::io::parse_json(ok, "ok.json"));
}

TEST(RobustJson, DeepNestingInMemoryIsCheckedWithoutRecursion) {
  nlohmann::json j = 1;
  for (int i = 0; i < 300; ++i) j = nlohmann::json::array({std::move(j)});
  EXPECT_NE(std::string(input_error([&] { ehub::io::check_json_depth(j, "<mem>"); }).what()).find("deeper than 256"),
            std::string::npos);
}

TEST(RobustErrors, InvalidUtf8InAMessageIsEscaped) {
  // {"name": "ab\xff\xfe" (unterminated): the parser quotes the bad bytes in its message.
  const std::string text = "{\"name\": \"ab\xff\xfe\"";
  const InputError e = input_error([&] { ehub::io::parse_json(text, "bad.json"); });
  const std::string what = e.what();
  EXPECT_EQ(ehub::printable_utf8(what), what) << "the message must be valid UTF-8";
  EXPECT_NE(what.find("bad.json"), std::string::npos);
  EXPECT_EQ(ehub::printable_utf8("a\xff" "b"), "a\\xFFb");
  EXPECT_EQ(ehub::printable_utf8(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(ehub::printable_utf8("gr\xc3\xbc\xc3\x9f"), "gr\xc3\xbc\xc3\x9f");  // valid UTF-8 unchanged
  EXPECT_EQ(ehub::printable_utf8("\xed\xa0\x80"), "\\xED\\xA0\\x80");           // a surrogate is not UTF-8
}

TEST(RobustJson, LongNonAsciiStringInAMessageIsCutAtACharacter) {
  // Found by the fuzzer: "expected a number, got string ..." cut a 41-byte UTF-8 string after byte
  // 40, in the middle of a character, and nlohmann's dump() threw type_error 316 (not an InputError).
  const std::string s = std::string(39, 'a') + "\xc3\xa9" + "bbbb";  // byte 40 is inside the "é"
  const nlohmann::json j = ehub::io::parse_json("{\"x\": \"" + s + "\"}", "t.json");
  const InputError e = input_error([&] { ehub::io::JsonReader(j, "t.json").required_number("x"); });
  EXPECT_EQ(e.path(), "/x");
  EXPECT_NE(e.detail().find("expected a number, got string \"" + std::string(39, 'a') + "...\""), std::string::npos)
      << e.what();
}

TEST(RobustText, EndlessInputIsBoundedNotAnOutOfMemoryCrash) {
  const InputError e = input_error([] { ehub::io::read_text_file("/dev/zero", 1 << 20); });
  EXPECT_EQ(e.file(), "/dev/zero");
  EXPECT_NE(e.detail().find("more than 1048576 bytes"), std::string::npos) << e.what();
}

// ---- 13.7: output paths ------------------------------------------------------------------------

TEST(RobustOutput, CharacterDeviceIsWrittenThroughNotReplaced) {
  struct stat before {};
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  ehub::io::write_text_file_atomically("/dev/null", "{}\n");
  struct stat after {};
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(before.st_rdev, after.st_rdev);
  EXPECT_EQ(before.st_ino, after.st_ino);
  // HDF5 output to a device: the file's bytes go through, the device stays.
  ehub::io::H5Writer w("/dev/null");
  w.write_string_attribute("/", "format", "test");
  w.commit();
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
}

TEST(RobustOutput, PipeIsWrittenThrough) {
  const fs::path d = scratch("fifo");
  const fs::path fifo = d / "p";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = slurp(fifo); });
  ehub::io::write_text_file_atomically(fifo.string(), "hello\n");
  reader.join();
  EXPECT_EQ(got, "hello\n");
  EXPECT_EQ(fs::symlink_status(fifo).type(), fs::file_type::fifo);
  fs::remove_all(d);
}

TEST(RobustOutput, SymlinkIsKeptAndTheFileItNamesReplaced) {
  const fs::path d = scratch("symlink");
  fs::create_directories(d / "real");
  std::ofstream(d / "real" / "out.json") << "old";
  fs::create_symlink("real/out.json", d / "link.json");  // relative target
  ehub::io::write_text_file_atomically((d / "link.json").string(), "new");
  EXPECT_EQ(fs::symlink_status(d / "link.json").type(), fs::file_type::symlink);
  EXPECT_EQ(slurp(d / "real" / "out.json"), "new");
  // A dangling link names the file to create; an HDF5 file through a link likewise.
  fs::create_symlink(d / "real" / "made.h5", d / "dangling.h5");
  {
    ehub::io::H5Writer w((d / "dangling.h5").string());
    w.write_double_attribute("/", "x", 1.5);
    w.commit();
  }
  EXPECT_EQ(fs::symlink_status(d / "dangling.h5").type(), fs::file_type::symlink);
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(d / "real" / "made.h5")));
  EXPECT_DOUBLE_EQ(ehub::io::H5Reader((d / "real" / "made.h5").string()).double_attribute("/", "x"), 1.5);
  // Nothing else is left in the folders (no temporary files).
  EXPECT_EQ(std::distance(fs::directory_iterator(d / "real"), fs::directory_iterator()), 2);
  fs::remove_all(d);
}

TEST(RobustOutput, SocketAndDirectoryAreRefused) {
  const fs::path d = scratch("socket");
  const fs::path sock = d / "s";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const InputError e = input_error([&] { ehub::io::write_text_file_atomically(sock.string(), "x"); });
  EXPECT_EQ(e.file(), sock.string());
  EXPECT_NE(e.detail().find("is a socket"), std::string::npos) << e.what();
  EXPECT_EQ(fs::symlink_status(sock).type(), fs::file_type::socket);
  EXPECT_NE(std::string(input_error([&] { ehub::io::H5Writer w(sock.string()); }).what()).find("socket"),
            std::string::npos);
  ::close(fd);
  EXPECT_NE(input_error([&] { ehub::io::check_output_path(d.string()); }).detail().find("directory"),
            std::string::npos);
  fs::remove_all(d);
}

// ---- 13.8: output paths checked before any work -------------------------------------------------

TEST(RobustOutput, MissingFolderAndProcAreEhubErrorsUpFront) {
  const InputError e = input_error([] { ehub::io::check_output_path("/nonexistent-ehub-dir/x.h5"); });
  EXPECT_EQ(e.file(), "/nonexistent-ehub-dir/x.h5");
  EXPECT_NE(e.detail().find("does not exist"), std::string::npos) << e.what();
  // /proc accepts no new files: ehub's message, not HDF5's internals.
  for (const auto& f : {std::function<void()>([] { ehub::io::check_output_path("/proc/x.h5"); }),
                        std::function<void()>([] { ehub::io::H5Writer w("/proc/x.h5"); })}) {
    const InputError p = input_error(f);
    EXPECT_EQ(p.file(), "/proc/x.h5");
    EXPECT_NE(p.detail().find("cannot write in directory \"/proc\""), std::string::npos) << p.what();
    EXPECT_EQ(std::string(p.what()).find("H5"), std::string::npos) << p.what();
  }
  EXPECT_NO_THROW(ehub::io::check_output_path("-"));
  EXPECT_NO_THROW(ehub::io::check_output_path("/dev/null"));
}

TEST(RobustOutput, LeftoverTemporaryFilesDoNotBreakALaterRun) {
  // A killed run left "<target>.tmp-<pid>-0" behind (the old name of the first temporary file).
  const fs::path d = scratch("leftover");
  const std::string target = (d / "r.h5").string();
  std::ofstream(target + ".tmp-" + std::to_string(::getpid()) + "-0") << "junk";
  std::ofstream(target + ".tmp-" + std::to_string(::getpid()) + "-1") << "junk";
  {
    ehub::io::H5Writer w(target);
    w.write_double_attribute("/", "x", 2.0);
    w.commit();
  }
  EXPECT_DOUBLE_EQ(ehub::io::H5Reader(target).double_attribute("/", "x"), 2.0);
  // Temporary names differ from call to call; a writer destroyed without commit removes its file.
  const auto t = ehub::io::resolve_output_path(target);
  const std::string a = ehub::io::create_temp_file(t), b = ehub::io::create_temp_file(t);
  EXPECT_NE(a, b);
  fs::remove(a);
  fs::remove(b);
  { ehub::io::H5Writer abandoned((d / "never.h5").string()); }
  EXPECT_FALSE(fs::exists(d / "never.h5"));
  EXPECT_EQ(std::distance(fs::directory_iterator(d), fs::directory_iterator()), 3);  // r.h5 + 2 junk
  fs::remove_all(d);
}

// ---- corrupt and cyclic HDF5 files ---------------------------------------------------------------

// Offsets of the variable-length string references in `bytes` that point into the global heap
// collection at `gcol` (4-byte length, 8-byte address, 4-byte index).
std::vector<std::size_t> vlen_references(const std::string& bytes, std::uint64_t gcol) {
  std::vector<std::size_t> out;
  for (std::size_t i = 4; i + 12 <= bytes.size(); ++i) {
    std::uint64_t a = 0;
    for (int k = 7; k >= 0; --k) a = (a << 8) | static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)]);
    if (a == gcol) out.push_back(i - 4);
  }
  return out;
}

TEST(RobustHdf5, EhubFilesCarryMetadataChecksums) {
  // ehub writes the 1.8 format: a flipped bit in an object header is HDF5's checksum error, not a
  // decode of damaged bytes (HDF5 1.10 read past a damaged attribute message in the fuzzer).
  const fs::path d = scratch("checksum");
  const std::string f = (d / "a.h5").string();
  {
    ehub::io::H5Writer w(f);
    w.write_vector("/x", std::vector<double>{1, 2});
    w.write_string_attribute("/x", "carrier", "electricity");
    w.commit();
  }
  std::string bytes = slurp(f);
  const std::size_t at = bytes.find("carrier");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'C';
  std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
  const InputError e = input_error([&] { ehub::io::H5Reader(f).string_attribute("/x", "carrier"); });
  EXPECT_NE(e.detail().find("checksum"), std::string::npos) << e.what();
  fs::remove_all(d);
}

TEST(RobustHdf5, CorruptHeapIndexOfAStringAttributeIsAnInputError) {
  // One flipped bit in a string attribute's heap index made HDF5 1.10 segfault in H5HG_read.
  // The file is written in HDF5's default (1.6-compatible) format, without metadata checksums,
  // like files of older ehub versions and other tools: the heap reference check must catch it.
  const fs::path d = scratch("heap");
  const std::string f = (d / "a.h5").string();
  {
    H5::H5File h(f, H5F_ACC_TRUNC);
    const hsize_t n = 2;
    const double v[2] = {1, 2};
    H5::DataSet ds = h.createDataSet("/x", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n));
    ds.write(v, H5::PredType::NATIVE_DOUBLE);
    H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
    ds.createAttribute("carrier", t, H5::DataSpace(H5S_SCALAR)).write(t, std::string("electricity"));
  }
  EXPECT_EQ(ehub::io::H5Reader(f).string_attribute("/x", "carrier"), "electricity");
  std::string bytes = slurp(f);
  const std::size_t gcol = bytes.find("GCOL");
  ASSERT_NE(gcol, std::string::npos);
  const auto refs = vlen_references(bytes, gcol);
  ASSERT_EQ(refs.size(), 1u);
  bytes[refs[0] + 12 + 2] = static_cast<char>(bytes[refs[0] + 12 + 2] ^ 0x01);  // index 1 -> 65537
  std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
  const InputError e = input_error([&] { ehub::io::H5Reader(f).string_attribute("/x", "carrier"); });
  EXPECT_EQ(e.file(), f);
  EXPECT_EQ(e.path(), "/x");
  EXPECT_NE(e.detail().find("bad heap index 65537"), std::string::npos) << e.what();
  // The heap address pointing elsewhere in the file: no collection there.
  bytes[refs[0] + 12 + 2] = static_cast<char>(bytes[refs[0] + 12 + 2] ^ 0x01);
  bytes[refs[0] + 4] = static_cast<char>(bytes[refs[0] + 4] ^ 0x08);
  std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_NE(input_error([&] { ehub::io::H5Reader(f).string_attribute("/x", "carrier"); }).detail().find("corrupt"),
            std::string::npos);
  fs::remove_all(d);
}

// A series file in HDF5's oldest format (superblock 0, version-1 object headers, the format of
// HDF5 1.6 and of files that other tools write by default), with attributes of every kind the
// header check parses: scalar and 1-D, float, integer, fixed and variable-length strings,
// compound, enumeration, array and a committed (shared) datatype, and enough of them on /load_kw
// that its header needs continuation chunks.
void write_v1_series(const std::string& path) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  ASSERT_GE(H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), 0);
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  ASSERT_GE(f, 0);
  H5Pclose(fapl);
  const auto scalar_attr = [](hid_t obj, const char* name, hid_t type, const void* value) {
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(H5Awrite(a, type, value), 0);
    H5Aclose(a);
    H5Sclose(space);
  };
  const auto vector_ds = [&](const char* name, hid_t file_type, hid_t mem_type, const void* values, hsize_t n) {
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t ds = H5Dcreate2(f, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Sclose(space);
    return ds;
  };
  const std::int64_t time[3] = {1735689600, 1735693200, 1735696800};  // 2025-01-01T00/01/02:00Z
  const double load[3] = {1.5, 2.5, 4.0};
  const double step = 60;
  const hid_t t = vector_ds("/time", H5T_STD_I64LE, H5T_NATIVE_INT64, time, 3);
  scalar_attr(t, "step_minutes", H5T_IEEE_F64LE, &step);
  H5Dclose(t);
  const hid_t ds = vector_ds("/load_kw", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, load, 3);
  const hid_t vstr = H5Tcopy(H5T_C_S1);
  H5Tset_size(vstr, H5T_VARIABLE);
  const char* power = "power";
  scalar_attr(ds, "kind", vstr, &power);
  scalar_attr(ds, "step_minutes", H5T_IEEE_F64LE, &step);
  const hid_t fixed = H5Tcopy(H5T_C_S1);
  H5Tset_size(fixed, 8);
  scalar_attr(ds, "unit", fixed, "kW\0\0\0\0\0");
  const std::int32_t code = 7;
  scalar_attr(ds, "code", H5T_STD_I32LE, &code);
  struct Pair {
    double a, b;
  } pair{1, 2};
  const hid_t compound = H5Tcreate(H5T_COMPOUND, sizeof(Pair));
  H5Tinsert(compound, "first", HOFFSET(Pair, a), H5T_NATIVE_DOUBLE);
  H5Tinsert(compound, "second", HOFFSET(Pair, b), H5T_NATIVE_DOUBLE);
  scalar_attr(ds, "pair", compound, &pair);
  const hid_t enumeration = H5Tenum_create(H5T_NATIVE_INT);
  int on = 1, off = 0;
  H5Tenum_insert(enumeration, "off", &off);
  H5Tenum_insert(enumeration, "on", &on);
  scalar_attr(ds, "state", enumeration, &on);
  const hsize_t three = 3;
  const hid_t array = H5Tarray_create2(H5T_NATIVE_DOUBLE, 1, &three);
  scalar_attr(ds, "weights", array, load);
  const hid_t committed = H5Tcopy(H5T_IEEE_F64LE);
  ASSERT_GE(H5Tcommit2(f, "/factor_t", committed, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), 0);
  const double factor = 0.5;
  scalar_attr(ds, "factor", committed, &factor);
  {
    const hid_t space = H5Screate_simple(1, &three, nullptr);
    const hid_t a = H5Acreate2(ds, "profile", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, load);
    H5Aclose(a);
    H5Sclose(space);
  }
  for (int i = 0; i < 12; ++i) {  // fills the first chunk: the header continues elsewhere
    const std::string name = "note_" + std::to_string(i);
    const double v = i;
    scalar_attr(ds, name.c_str(), H5T_IEEE_F64LE, &v);
  }
  for (const hid_t id : {vstr, fixed, compound, enumeration, array, committed}) H5Tclose(id);
  H5Dclose(ds);
  const char* format = "ehub.series.v1";
  const hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
  const hid_t vstr2 = H5Tcopy(H5T_C_S1);
  H5Tset_size(vstr2, H5T_VARIABLE);
  scalar_attr(root, "format", vstr2, &format);
  H5Tclose(vstr2);
  H5Gclose(root);
  H5Fclose(f);
}

// The messages of the version-1 object header at file position `header` (the test's own reading
// of the format: prefix of 16 bytes, messages of type (2), size (2), flags (1), reserved (3),
// continuation messages 0x10 with an 8-byte address and length), as {position of the message's
// 8-byte header, type}.
std::vector<std::pair<std::size_t, unsigned>> v1_messages(const std::string& bytes, std::size_t header) {
  const auto le = [&](std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(bytes.at(at + static_cast<std::size_t>(k)));
    return v;
  };
  std::vector<std::pair<std::size_t, std::size_t>> chunks{{header + 16, le(header + 8, 4)}};
  std::vector<std::pair<std::size_t, unsigned>> out;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    for (std::size_t at = chunks[c].first; at < chunks[c].first + chunks[c].second;) {
      const auto type = static_cast<unsigned>(le(at, 2));
      out.emplace_back(at, type);
      if (type == 0x10) chunks.emplace_back(le(at + 8, 8), le(at + 16, 8));
      at += 8 + le(at + 2, 2);
    }
  }
  return out;
}

TEST(RobustHdf5, OldFormatFilesReadAndDamagedAttributeMessagesAreRefused) {
  // HDF5 1.10.8 decodes the attribute messages of version-1 object headers without bounds: a
  // damaged size read past its buffers (the fuzzer's inputs in tests/data/fuzz/results_h5/).
  // ehub checks each object header from the file's bytes first.
  const fs::path d = scratch("v1");
  const std::string f = (d / "old.h5").string();
  write_v1_series(f);
  const std::string good = slurp(f);
  ASSERT_EQ(good.substr(0, 8), std::string("\x89HDF\r\n\x1a\n", 8));
  EXPECT_EQ(good[8], 0) << "superblock version 0";
  haddr_t header = 0;
  {
    const H5::H5File h(f, H5F_ACC_RDONLY);
    H5O_info_t info{};
    ASSERT_GE(H5Oget_info_by_name2(h.getId(), "/load_kw", &info, H5O_INFO_BASIC | H5O_INFO_HDR, H5P_DEFAULT), 0);
    EXPECT_EQ(info.hdr.version, 1u);
    EXPECT_GE(info.hdr.nchunks, 2u) << "the attributes should need a continuation chunk";
    header = info.addr;
  }
  // The sound file reads: values and attributes as written.
  const auto series = ehub::io::read_series_h5(f);
  ASSERT_EQ(series.size(), 1u);
  const auto& load = series.at("load_kw");
  EXPECT_EQ(load.grid().start_unix_s(), 1735689600);
  EXPECT_EQ(load.grid().step_minutes(), 60);
  EXPECT_DOUBLE_EQ(load.values()[0], 1.5);
  EXPECT_DOUBLE_EQ(load.values()[2], 4.0);
  {
    const ehub::io::H5Reader r(f);
    EXPECT_EQ(r.string_attribute("/load_kw", "unit"), "kW");
    EXPECT_EQ(r.string_attribute("/", "format"), "ehub.series.v1");
    EXPECT_DOUBLE_EQ(r.double_attribute("/load_kw", "code"), 7.0);
    EXPECT_DOUBLE_EQ(r.double_attribute("/load_kw", "factor"), 0.5);  // committed datatype
    EXPECT_DOUBLE_EQ(r.double_attribute("/load_kw", "note_11"), 11.0);
    EXPECT_FALSE(r.has_attribute("/load_kw", "nothing"));
  }

  const auto messages = v1_messages(good, header);
  const auto find_attribute = [&](const std::string& name) {
    for (const auto& [at, type] : messages) {
      // Attribute message version 1: version, reserved, name size (2), datatype size (2),
      // dataspace size (2), the name padded to 8 bytes.
      if (type == 0x0C && good.compare(at + 8 + 8, name.size() + 1, name.c_str(), name.size() + 1) == 0) return at;
    }
    ADD_FAILURE() << "no attribute message " << name;
    return std::size_t{0};
  };
  const std::size_t unit = find_attribute("unit"), kind = find_attribute("kind");
  ASSERT_EQ(good[unit + 8], 1) << "attribute message version 1";
  const auto damaged = [&](const std::function<void(std::string&)>& damage, const std::string& expected) {
    std::string bytes = good;
    damage(bytes);
    std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
    for (const auto& read : {std::function<void()>([&] { (void)ehub::io::read_series_h5(f); }),
                             std::function<void()>([&] { (void)ehub::io::H5Reader(f).has_attribute("/load_kw", "x"); })}) {
      const InputError e = input_error(read);
      EXPECT_EQ(e.file(), f);
      EXPECT_EQ(e.path(), "/load_kw");
      EXPECT_NE(e.detail().find("damaged object header"), std::string::npos) << e.what();
      EXPECT_NE(e.detail().find(expected), std::string::npos) << e.what();
    }
  };
  // The name size past the name's NUL (what made H5MM_xstrdup read past the message).
  damaged([&](std::string& b) { b[unit + 8 + 2] = 9; }, "attribute message");
  damaged([&](std::string& b) { b[unit + 8 + 2] = 2; }, "not NUL-terminated at its stated size of 2 bytes");
  // The fixed string's size 8 -> 8 + 65536: its value needs more bytes than the message holds.
  // (datatype at 8 + 8 + 8: class and version, 3 bytes of class bits, then the size)
  damaged([&](std::string& b) { b[unit + 8 + 16 + 4 + 2] = 1; }, "attribute \"unit\": its value needs 65544 bytes");
  // The datatype's size field of the message (2 bytes at +4) larger than the message.
  damaged([&](std::string& b) { b[kind + 8 + 5] = 0x40; }, "the datatype (16");
  // The variable-length string's size 16 (length, heap address, index) -> 9: HDF5 sized the
  // value's buffer by 9 bytes and copied 16 out of it (found by the fuzzer).
  ASSERT_EQ(good[kind + 8 + 16 + 4], 16);
  damaged([&](std::string& b) { b[kind + 8 + 16 + 4] = 9; }, "a variable-length type of 9 bytes, stored in 16 in this file");
  // A message size that is not a multiple of 8.
  damaged([&](std::string& b) { b[kind + 2] = static_cast<char>(b[kind + 2] + 1); }, "not a multiple of 8");
  // The int32 attribute's size 4 -> 4 + 2^30 with its 32 bits of precision (a character type so
  // damaged made HDF5 allocate gigabytes converting a string; found by the fuzzer).
  const std::size_t code = find_attribute("code");
  damaged([&](std::string& b) { b[code + 8 + 16 + 4 + 3] = 0x40; }, "a number type of 1073741828 bytes with 32 bits");
  // A datatype class HDF5 does not know.
  damaged([&](std::string& b) { b[unit + 8 + 16] = static_cast<char>(0x1e); }, "unknown datatype class 14");
  // A continuation message that points back to the first chunk: a cycle.
  std::size_t continuation = 0;
  for (const auto& [at, type] : messages)
    if (type == 0x10) continuation = at;
  ASSERT_NE(continuation, 0u);
  damaged(
      [&](std::string& b) {
        const std::uint64_t first = header + 16;
        for (int k = 0; k < 8; ++k) b[continuation + 8 + static_cast<std::size_t>(k)] = static_cast<char>(first >> (8 * k));
      },
      "cycle");
  // A continuation past the end of the file.
  damaged([&](std::string& b) { b[continuation + 8 + 5] = 0x7f; }, "lies outside the file");
  // The object header's version.
  damaged([&](std::string& b) { b[header] = 7; }, "unknown object header version 7");

  // A null variable-length string (heap address 0, length 0): HDF5 reads it as a null pointer,
  // on which HDF5's C++ API called strlen (found by the fuzzer); it is the empty string.
  {
    const auto pad = [](std::uint64_t n) { return (n + 7) / 8 * 8; };
    const auto u16 = [&](std::size_t at) {
      return static_cast<std::uint64_t>(static_cast<unsigned char>(good[at])) |
             static_cast<std::uint64_t>(static_cast<unsigned char>(good[at + 1])) << 8;
    };
    // Attribute message version 1: name, datatype and dataspace sizes at +2, +4, +6, each part
    // padded to 8 bytes; then the value: length (4), heap address (8), index (4).
    const std::size_t value = kind + 8 + 8 + pad(u16(kind + 8 + 2)) + pad(u16(kind + 8 + 4)) + pad(u16(kind + 8 + 6));
    std::string bytes = good;
    for (std::size_t k = 0; k < 16; ++k) bytes[value + k] = 0;
    std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
    EXPECT_EQ(ehub::io::H5Reader(f).string_attribute("/load_kw", "kind"), "");
    EXPECT_EQ(ehub::io::H5Reader(f).string_attribute("/load_kw", "unit"), "kW");
  }

  // The root group's header is checked before HDF5 opens the file (opening loads it).
  std::string bytes = good;
  bytes[56 + 8] = static_cast<char>(bytes[56 + 8] + 8);  // superblock 0: root object header address at 64
  std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
  const InputError e = input_error([&] { (void)ehub::io::H5Reader(f); });
  EXPECT_EQ(e.path(), "/");
  EXPECT_NE(e.detail().find("damaged object header"), std::string::npos) << e.what();
  fs::remove_all(d);
}

// Datasets of every storage HDF5 1.10 reads raw data from, in the oldest format (version-1 object
// headers, layout message version 3, filter pipeline version 1): compact, contiguous, chunked
// without filters, chunked with shuffle + deflate + Fletcher-32, and contiguous with no data
// written but a fill value of -1 (whose fill value message is checked before the dataset is
// refused for storing no data).
void write_v1_layouts(const std::string& path) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  ASSERT_GE(H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), 0);
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  ASSERT_GE(f, 0);
  H5Pclose(fapl);
  const double three[3] = {1.5, 2.5, 4.0}, five[5] = {1, 2, 3, 4, 5};
  const auto dataset = [&](const char* name, hsize_t n, hid_t dcpl, const double* values) {
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    if (values != nullptr) {
      ASSERT_GE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
    }
    H5Dclose(ds);
    H5Sclose(space);
    if (dcpl != H5P_DEFAULT) H5Pclose(dcpl);
  };
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_layout(dcpl, H5D_COMPACT);
  dataset("/compact_kw", 3, dcpl, three);
  dataset("/contiguous_kw", 3, H5P_DEFAULT, three);
  const hsize_t two = 2;
  dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, &two);
  dataset("/chunked_kw", 5, dcpl, five);
  dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, &two);
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, 6);
  H5Pset_fletcher32(dcpl);
  dataset("/deflated_kw", 5, dcpl, five);
  dcpl = H5Pcreate(H5P_DATASET_CREATE);
  const double fill = -1;
  H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill);
  dataset("/unwritten_kw", 3, dcpl, nullptr);
  H5Fclose(f);
}

TEST(RobustHdf5, DamagedDataLayoutsAreRefusedBeforeHdf5ReadsTheData) {
  // HDF5 1.10 trusts the data layout message when it reads raw data: a compact size of 0 for 24
  // doubles made it copy 192 bytes from a null pointer (found by the fuzzer,
  // tests/data/fuzz/results_h5/crash-325b94fe...). ehub checks the layout against the dataspace
  // and datatype, and every address and size it names against the file, before HDF5 reads.
  const fs::path d = scratch("layout");
  const std::string f = (d / "layouts.h5").string();
  write_v1_layouts(f);
  const std::string good = slurp(f);
  ASSERT_EQ(good[8], 0) << "superblock version 0";
  // The sound file reads: the values as written; a dataset never written (whose values would be
  // its fill value) is refused, as a damaged address would make it claim any number of them.
  {
    const ehub::io::H5Reader r(f);
    for (const char* p : {"/compact_kw", "/contiguous_kw"}) {
      const Eigen::VectorXd v = r.read_vector(p);
      ASSERT_EQ(v.size(), 3) << p;
      EXPECT_DOUBLE_EQ(v[0], 1.5) << p;
      EXPECT_DOUBLE_EQ(v[2], 4.0) << p;
    }
    for (const char* p : {"/chunked_kw", "/deflated_kw"}) {
      const Eigen::VectorXd v = r.read_vector(p);
      ASSERT_EQ(v.size(), 5) << p;
      EXPECT_DOUBLE_EQ(v[1], 2.0) << p;
      EXPECT_DOUBLE_EQ(v[4], 5.0) << p;  // in the last, partly used chunk
    }
    EXPECT_EQ(r.length("/unwritten_kw"), 3);
    EXPECT_NE(input_error([&] { (void)r.read_vector("/unwritten_kw"); }).detail().find("claims 3 values but stores none"),
              std::string::npos);
  }
  const auto header_of = [&](const char* p) {
    const H5::H5File h(f, H5F_ACC_RDONLY);
    H5O_info_t info{};
    EXPECT_GE(H5Oget_info_by_name2(h.getId(), p, &info, H5O_INFO_BASIC, H5P_DEFAULT), 0);
    return static_cast<std::size_t>(info.addr);
  };
  // The body of the first message of `type` in the header of `p` (the test's own reading of the
  // version-1 header, v1_messages).
  const auto body = [&](const char* p, unsigned type) {
    for (const auto& [at, t] : v1_messages(good, header_of(p)))
      if (t == type) return at + 8;
    ADD_FAILURE() << p << " has no message of type " << type;
    return std::size_t{0};
  };
  const auto le = [&](std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(good.at(at + static_cast<std::size_t>(k)));
    return v;
  };
  const auto damaged = [&](const char* p, const std::function<void(std::string&)>& damage, const std::string& expected) {
    std::string bytes = good;
    damage(bytes);
    std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
    const InputError e = input_error([&] { (void)ehub::io::H5Reader(f).read_vector(p); });
    EXPECT_EQ(e.file(), f);
    EXPECT_EQ(e.path(), p);
    EXPECT_NE(e.detail().find("not handed to HDF5"), std::string::npos) << e.what();
    EXPECT_NE(e.detail().find(expected), std::string::npos) << e.what();
  };
  const auto put = [](std::string& b, std::size_t at, std::uint64_t v, int n) {
    for (int k = 0; k < n; ++k) b[at + static_cast<std::size_t>(k)] = static_cast<char>(v >> (8 * k));
  };

  // Compact (layout version 3: version, class 0, size (2), the data): the fuzzer's damage, a
  // size of 0 where 3 doubles need 24 bytes; a size short of the data; one past the message.
  const std::size_t compact = body("/compact_kw", 0x08);
  ASSERT_EQ(good[compact], 3);
  ASSERT_EQ(good[compact + 1], 0);
  ASSERT_EQ(le(compact + 2, 2), 24u);
  damaged("/compact_kw", [&](std::string& b) { put(b, compact + 2, 0, 2); },
          "compact data of 0 bytes, where the dataspace and datatype make 24 (3 elements of 8 bytes)");
  damaged("/compact_kw", [&](std::string& b) { put(b, compact + 2, 16, 2); }, "compact data of 16 bytes");
  damaged("/compact_kw", [&](std::string& b) { put(b, compact + 2, 24 + 0x4000, 2); },
          "the compact data (16408 bytes) runs past its end (28 bytes left)");  // 4 + 24 padded to 32
  // The class changed to compact in a contiguous dataset's layout (the fuzzer's input in fact:
  // its address's first 2 bytes became the compact size).
  const std::size_t contiguous = body("/contiguous_kw", 0x08);
  ASSERT_EQ(good[contiguous + 1], 1);
  ASSERT_GT(le(contiguous + 2, 2), 20u) << "the address's first 2 bytes as a compact size overrun the message";
  ASSERT_EQ(le(contiguous + 10, 8), 24u);
  damaged("/contiguous_kw", [&](std::string& b) { b[contiguous + 1] = 0; }, "the data layout: the compact data (");
  // Contiguous (address (8), size (8)): a size short of the data; the data past the end.
  damaged("/contiguous_kw", [&](std::string& b) { put(b, contiguous + 10, 16, 8); },
          "contiguous data of 16 bytes, where the dataspace and datatype make 24");
  damaged("/contiguous_kw", [&](std::string& b) { put(b, contiguous + 2, good.size() - 8, 8); },
          "the dataset's contiguous data at address " + std::to_string(good.size() - 8) + " (24 bytes) lies outside the file");
  // The dataspace (version 1: version, rank, flags, 5 reserved bytes, dimensions, maximum
  // dimensions) grown past its maximum size: HDF5 would read 4 doubles from 3.
  const std::size_t space = body("/contiguous_kw", 0x01);
  ASSERT_EQ(good[space + 2] & 1, 1) << "maximum dimensions present";
  damaged("/contiguous_kw", [&](std::string& b) { put(b, space + 8, 4, 8); }, "dimension 0 of 4 exceeds its maximum size 3");
  damaged("/contiguous_kw", [&](std::string& b) {
            put(b, space + 8, 4, 8);
            put(b, space + 16, 4, 8);
          },
          "contiguous data of 24 bytes, where the dataspace and datatype make 32 (4 elements of 8 bytes)");
  // The datatype's size 8 -> 16 (the float's 64 bits within 128): 3 elements need 48 bytes.
  const std::size_t type = body("/contiguous_kw", 0x03);
  damaged("/contiguous_kw", [&](std::string& b) { put(b, type + 4, 16, 4); }, "make 48 (3 elements of 16 bytes)");
  // The fill value (version 2: version, allocation time, write time, defined, size (4), value).
  const std::size_t fill = body("/unwritten_kw", 0x05);
  ASSERT_EQ(good[fill], 2);
  ASSERT_EQ(le(fill + 4, 4), 8u);
  damaged("/unwritten_kw", [&](std::string& b) { put(b, fill + 4, 4, 4); }, "a fill value of 4 bytes for elements of 8");
  damaged("/unwritten_kw", [&](std::string& b) { put(b, fill + 4, 4096, 4); }, "the fill value (4096 bytes) runs past its end");

  // Chunked (version 3: version, class 2, dimensionality, B-tree address, dimensions of 4 bytes:
  // the chunk's 2 elements and the element size 8).
  const std::size_t chunked = body("/chunked_kw", 0x08);
  ASSERT_EQ(good[chunked + 1], 2);
  ASSERT_EQ(good[chunked + 2], 2);
  const std::size_t tree = le(chunked + 3, 8);
  ASSERT_EQ(le(chunked + 11, 4), 2u);
  ASSERT_EQ(le(chunked + 15, 4), 8u);
  damaged("/chunked_kw", [&](std::string& b) { b[chunked + 2] = 3; },
          "chunks of 3 dimensions for a dataspace of rank 1");
  damaged("/chunked_kw", [&](std::string& b) { put(b, chunked + 15, 4, 4); },
          "the chunks' element size of 4 bytes is not the datatype's 8");
  damaged("/chunked_kw", [&](std::string& b) { put(b, chunked + 11, 0, 4); }, "chunk dimension 0 is 0");
  damaged("/chunked_kw", [&](std::string& b) { put(b, chunked + 3, good.size(), 8); }, "lies outside the file");
  // The B-tree node ("TREE", type 1, level 0, 3 entries, two sibling addresses; then keys of
  // size (4), filter mask (4), offsets (2 x 8) and chunk addresses (8) alternating).
  ASSERT_EQ(good.substr(tree, 4), "TREE");
  ASSERT_EQ(good[tree + 4], 1);
  ASSERT_EQ(good[tree + 5], 0);
  ASSERT_EQ(le(tree + 6, 2), 3u);
  const std::size_t key1 = tree + 24 + 32;  // the second chunk: elements 2 and 3
  ASSERT_EQ(le(key1, 4), 16u);
  ASSERT_EQ(le(key1 + 8, 8), 2u);
  damaged("/chunked_kw", [&](std::string& b) { b[tree] = 'X'; }, "has no TREE signature");
  damaged("/chunked_kw", [&](std::string& b) { b[tree + 4] = 0; }, "is of type 0, not 1 (raw data chunks)");
  damaged("/chunked_kw", [&](std::string& b) { put(b, key1, 12, 4); }, "chunk 1 of the chunk B-tree node at " +
          std::to_string(tree) + " stores 12 bytes, an unfiltered chunk 16");
  damaged("/chunked_kw", [&](std::string& b) { put(b, key1 + 8, 3, 8); }, "offset 3 in dimension 0 is not on a chunk boundary");
  damaged("/chunked_kw", [&](std::string& b) { put(b, key1 + 24, good.size() - 8, 8); }, "(16 bytes) lies outside the file");
  damaged("/chunked_kw", [&](std::string& b) { put(b, tree + 6, 1000, 2); }, "has 1000 entries, more than the 64 of a node");

  // The filter pipeline (version 1: version, number of filters, 6 reserved bytes; each filter: id
  // (2), name length (2), flags (2), number of client values (2), the name padded to 8 bytes,
  // the client values (4 each) padded to an even number): shuffle's one value is the element size.
  const std::size_t pipeline = body("/deflated_kw", 0x0B);
  ASSERT_EQ(good[pipeline], 1);
  ASSERT_EQ(good[pipeline + 1], 3);
  std::size_t at = pipeline + 8, shuffle = 0;
  for (int i = 0; i < 3; ++i) {
    const std::uint64_t id = le(at, 2), name = le(at + 2, 2), values = le(at + 6, 2);
    if (id == 2) shuffle = at;
    at += 8 + name + 4 * (values + values % 2);
  }
  ASSERT_NE(shuffle, 0u);
  ASSERT_EQ(le(shuffle + 6, 2), 1u);
  const std::size_t shuffle_size = shuffle + 8 + le(shuffle + 2, 2);
  ASSERT_EQ(le(shuffle_size, 4), 8u);
  damaged("/deflated_kw", [&](std::string& b) { put(b, shuffle_size, 4, 4); },
          "(shuffle) regroups by 4 bytes, the dataset's elements have 8");
  damaged("/deflated_kw", [&](std::string& b) { put(b, shuffle, 6, 2); },
          "has id 6, which ehub does not read (only deflate 1, shuffle 2 and Fletcher-32 3)");
  damaged("/deflated_kw", [&](std::string& b) { put(b, shuffle + 2, 9, 2); }, "a name length of 9, not a multiple of 8");
  fs::remove_all(d);
}

TEST(RobustHdf5, Version4ChunkIndexesReadAndDamagedOnesAreRefused) {
  // The 1.10 format (layout message version 4): a fixed array index (fixed dimensions), an
  // extensible array (one unlimited dimension), a single chunk and the implicit index (chunks
  // allocated at creation, no filter).
  const fs::path d = scratch("layout4");
  const std::string f = (d / "v4.h5").string();
  {
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    ASSERT_GE(H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110), 0);
    const hid_t h = H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    ASSERT_GE(h, 0);
    H5Pclose(fapl);
    const double five[5] = {1, 2, 3, 4, 5};
    const auto dataset = [&](const char* name, hsize_t chunk, bool unlimited, bool early) {
      const hsize_t n = 5, max = H5S_UNLIMITED;
      const hid_t space = H5Screate_simple(1, &n, unlimited ? &max : nullptr);
      const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      H5Pset_chunk(dcpl, 1, &chunk);
      if (early) H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
      const hid_t ds = H5Dcreate2(h, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      ASSERT_GE(ds, 0);
      ASSERT_GE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, five), 0);
      H5Dclose(ds);
      H5Pclose(dcpl);
      H5Sclose(space);
    };
    dataset("/fixed_kw", 2, false, false);
    dataset("/growing_kw", 2, true, false);
    dataset("/single_kw", 5, false, false);
    dataset("/implicit_kw", 2, false, true);
    H5Fclose(h);
  }
  const std::string good = slurp(f);
  {
    const ehub::io::H5Reader r(f);
    for (const char* p : {"/fixed_kw", "/growing_kw", "/single_kw", "/implicit_kw"}) {
      const Eigen::VectorXd v = r.read_vector(p);
      ASSERT_EQ(v.size(), 5) << p;
      EXPECT_DOUBLE_EQ(v[0], 1.0) << p;
      EXPECT_DOUBLE_EQ(v[4], 5.0) << p;
    }
  }
  // The headers of the array indexes (checksummed, which HDF5 verifies) must start with their
  // signatures: a damaged one is refused before HDF5 reads it.
  for (const auto& [p, sig] : {std::pair<const char*, std::string>{"/fixed_kw", "FAHD"}, {"/growing_kw", "EAHD"}}) {
    const std::size_t at = good.find(sig);
    ASSERT_NE(at, std::string::npos) << sig;
    ASSERT_EQ(good.find(sig, at + 1), std::string::npos) << "one " << sig;
    std::string bytes = good;
    bytes[at + 3] = 'X';
    std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
    const InputError e = input_error([&, p = p] { (void)ehub::io::H5Reader(f).read_vector(p); });
    EXPECT_EQ(e.path(), p);
    EXPECT_NE(e.detail().find("the chunk index at " + std::to_string(at) + " has no " + sig + " signature"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(d);
}

TEST(RobustHdf5, SeriesTimesFarFromNowAreRefusedBeforeTheirDifferenceOverflows) {
  // A damaged /time held -2^61 + 3 and 6.9e18 s: their difference overflowed int64 (undefined
  // behaviour, found by the fuzzer). Times beyond +-10^15 s are refused first.
  const fs::path d = scratch("times");
  const std::string f = (d / "far.h5").string();
  {
    H5::H5File h(f, H5F_ACC_TRUNC);
    const std::int64_t time[2] = {-2305843009213677453, 6917529027641098358};
    const double load[2] = {1, 2};
    const hsize_t n = 2;
    h.createDataSet("/time", H5::PredType::STD_I64LE, H5::DataSpace(1, &n)).write(time, H5::PredType::NATIVE_INT64);
    H5::DataSet ds = h.createDataSet("/load_kw", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n));
    ds.write(load, H5::PredType::NATIVE_DOUBLE);
    const H5::StrType str(H5::PredType::C_S1, 5);
    ds.createAttribute("kind", str, H5::DataSpace(H5S_SCALAR)).write(str, std::string("power"));
  }
  const InputError e = input_error([&] { (void)ehub::io::read_series_h5(f); });
  EXPECT_EQ(e.path(), "/time");
  EXPECT_NE(e.detail().find("element 0 is -2305843009213677453 s, not a time ehub handles (within +-10^15 s of 1970)"),
            std::string::npos)
      << e.what();
  fs::remove_all(d);
}

TEST(RobustHdf5, ExternalDataIsRefused) {
  // A dataset whose data lies in another file (an external file list) is refused like an
  // external link: ehub reads the one file it is given.
  const fs::path d = scratch("external");
  const std::string f = (d / "external.h5").string();
  {
    H5::H5File h(f, H5F_ACC_TRUNC);
    H5::DSetCreatPropList props;
    props.setExternal("values.bin", 0, 24);
    const hsize_t n = 3;
    h.createDataSet("/load_kw", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n), props);
  }
  const InputError e = input_error([&] { (void)ehub::io::H5Reader(f).read_vector("/load_kw"); });
  EXPECT_EQ(e.path(), "/load_kw");
  EXPECT_EQ(e.detail().rfind("not read by ehub (not handed to HDF5): an external file list (the dataset's data lies in "
                             "other files), which ehub does not read",
                             0),
            0u)
      << e.what();
  fs::remove_all(d);
}

// Adds a hard link `link` -> "/" to the file at `path` (what a crafted or damaged file may hold).
void add_cycle(const std::string& path, const std::string& group, const std::string& link) {
  H5::H5File f(path, H5F_ACC_RDWR);
  if (!f.nameExists(group)) f.createGroup(group);
  ASSERT_GE(H5Lcreate_hard(f.getId(), "/", f.getId(), link.c_str(), H5P_DEFAULT, H5P_DEFAULT), 0);
}

TEST(RobustHdf5, HardLinkCycleEndsTheWalkInsteadOfLooping) {
  const fs::path d = scratch("cycle");
  const std::string series = (d / "s.h5").string();
  const ehub::TimeGrid g(ehub::parse_iso8601("2025-01-01T00:00:00Z"), 60, 3);
  ehub::io::write_series_h5(series, {{"load_kw", ehub::Series(g, Eigen::Vector3d(1, 2, 3), ehub::SeriesKind::power)}});
  add_cycle(series, "/green", "/green/loop");
  const auto read = ehub::io::read_series_h5(series);  // used to hang
  ASSERT_EQ(read.size(), 1u);
  EXPECT_DOUBLE_EQ(read.at("load_kw").values()[2], 3.0);

  // `ehub certify --out` copied forever; now the second link to "/" is named.
  const nlohmann::json sc{
      {"time", {{"start", "2025-01-01T00:00:00Z"}, {"step_minutes", 60}, {"steps", 2}}},
      {"buses", nlohmann::json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
      {"devices", nlohmann::json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 1}},
                                         {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", 10}}})}};
  const auto r = ehub::dispatch::solve(ehub::hub::scenario_from_json(sc, "c.json", "."), {});
  const std::string results = (d / "r.h5").string();
  ehub::dispatch::write_result_h5(r, results);
  add_cycle(results, "/green", "/green/loop");
  const auto ledger = ehub::carbon::certify(ehub::carbon::read_results_h5(results));
  const InputError e = input_error([&] { ehub::carbon::write_certified_h5(results, ledger, (d / "out.h5").string()); });
  EXPECT_EQ(e.path(), "/green/loop");
  EXPECT_NE(e.detail().find("second hard link to /"), std::string::npos) << e.what();
  EXPECT_FALSE(fs::exists(d / "out.h5"));
  fs::remove_all(d);
}

// Reads every attribute the readers know on every object below `group`, each object once.
void read_all(const ehub::io::H5Reader& r, const std::string& group, std::set<std::uint64_t>& seen) {
  if (!seen.insert(r.object_address(group)).second) return;
  for (const auto& name : r.list(group)) {
    const std::string p = (group == "/" ? "" : group) + "/" + name;
    for (const char* a : {"kind", "carrier", "device_type", "unit", "format", "renewable", "step_minutes"}) {
      if (!r.has(p) || !r.has_attribute(p, a)) continue;
      try {
        (void)r.string_attribute(p, a);
      } catch (const InputError&) {
      }
    }
    if (r.is_group(p)) {
      read_all(r, p, seen);
    } else if (r.is_dataset(p)) {
      try {
        (void)r.read_vector(p);
      } catch (const InputError&) {
      }
    }
  }
}

TEST(RobustHdf5, InputsFoundByTheFuzzerAreInputErrors) {
  // tests/data/fuzz/results_h5/: files on which the result readers crashed or hung (a global heap
  // collection with a size-0 free-space object made HDF5 1.10 loop in H5HG__protect; a dataset
  // header claiming 2^54 values made the reader allocate for them; a compact data layout of 0
  // bytes made HDF5 copy a dataset's values from a null pointer; README.md lists them all).
  const fs::path dir = fs::path(EHUB_TEST_DATA_DIR) / "fuzz" / "results_h5";
  ASSERT_TRUE(fs::is_directory(dir));
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename() == "README.md") continue;
    ++files;
    for (const auto& read : {std::function<void()>([&] { ehub::carbon::read_results_h5(e.path().string()); }),
                             std::function<void()>([&] { ehub::io::read_series_h5(e.path().string()); }),
                             std::function<void()>([&] {
                               const ehub::io::H5Reader r(e.path().string());
                               std::set<std::uint64_t> seen;
                               read_all(r, "/", seen);
                             })}) {
      try {
        read();
      } catch (const InputError&) {
      }
    }
  }
  EXPECT_GE(files, 8);
}

}  // namespace
