// write_text_file_atomically: content lands whole, old content is replaced, no temporary file is
// left behind, and a directory or a missing folder is an InputError naming the path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ehub/core/error.hpp"
#include "ehub/io/text_file.hpp"

namespace fs = std::filesystem;

TEST(TextFile, WritesAtomicallyAndReportsBadPaths) {
  const fs::path dir = fs::temp_directory_path() / "ehub_text_file_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "out.json").string();
  ehub::io::write_text_file_atomically(path, "{\"a\": 1}\n");
  ehub::io::write_text_file_atomically(path, "second");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // no temporary left
  try {
    ehub::io::write_text_file_atomically(dir.string(), "x");
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.file(), dir.string());
  }
  EXPECT_THROW(ehub::io::write_text_file_atomically((dir / "no" / "such" / "f.txt").string(), "x"), ehub::InputError);
  fs::remove_all(dir);
}
