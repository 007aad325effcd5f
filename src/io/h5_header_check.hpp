// Private to src/io: checks HDF5 object headers from the file's raw bytes before HDF5 decodes
// them (docs/io.md, "Object headers are checked before HDF5 reads them"). HDF5 1.10 decodes the
// attribute messages of version-1 object headers without bounds checks: a damaged name, datatype,
// dataspace or value size makes it read past its buffers (found by the fuzzer,
// tests/data/fuzz/results_h5/). The checker parses the superblock, the object header (prefix,
// chunks, continuation messages) and every attribute message with its datatype and dataspace, all
// within bounds, so that HDF5 only ever sees headers whose attribute messages it can decode. HDF5
// 1.10 also trusts a dataset's data layout when it reads the raw data (a compact size of 0 made it
// copy a dataset's values from a null pointer): for a dataset the checker matches the layout with
// the dataspace and datatype and checks the fill value, the filter pipeline and every address and
// size of the data (the chunk B-tree included) against the file.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ehub::io::detail {

class Bytes;
struct Extent;
struct Pipeline;

/// Reads a file's superblock and checks object headers at their addresses. Not thread-safe (the
/// H5Reader that owns one calls it under the HDF5 lock).
class H5HeaderCheck {
 public:
  /// Opens `path` and parses its superblock (versions 0-3). An empty problem() when it is sound;
  /// otherwise what is wrong with it, and check() refuses everything.
  explicit H5HeaderCheck(std::string path);
  ~H5HeaderCheck();
  H5HeaderCheck(const H5HeaderCheck&) = delete;
  H5HeaderCheck& operator=(const H5HeaderCheck&) = delete;

  /// What is wrong with the superblock ("" when it could be parsed).
  const std::string& problem() const noexcept { return superblock_problem_; }
  /// Address of the root group's object header (relative to the base address, as HDF5 gives it).
  std::uint64_t root_address() const noexcept { return root_; }
  /// What check() found: an empty problem when the object is sound; `unsupported` when it is
  /// sound as far as ehub can tell but uses a part of the format ehub does not read (a shared
  /// message, data in other files, a filter other than deflate, shuffle and Fletcher-32).
  struct Finding {
    std::string problem;
    bool unsupported = false;
  };
  /// An empty problem when the object header at `address` (relative to the base address) and all its
  /// attribute messages are sound and, for a dataset, what HDF5 reads its raw data with (the data
  /// layout against the dataspace and datatype, the fill value, the filter pipeline and the chunk
  /// B-tree) is consistent and inside the file; else what is wrong ("attribute message 3: its name
  /// is not NUL-terminated within its 5 bytes"). Results are cached per address.
  Finding check(std::uint64_t address);

  /// Size in bytes of an HDF5 address and of a length in this file (from the superblock).
  unsigned sizeof_addr() const noexcept { return sizeof_addr_; }
  unsigned sizeof_size() const noexcept { return sizeof_size_; }

 private:
  struct Message {
    unsigned type = 0;
    unsigned flags = 0;
    std::vector<unsigned char> body;
  };
  std::vector<Message> read_messages(std::uint64_t address);
  void check_attribute(const Message& m, std::size_t index);
  std::uint64_t shared_datatype_size(Bytes& dt, const std::string& where, unsigned* cls = nullptr);
  std::uint64_t committed_datatype_size(std::uint64_t address, unsigned* cls = nullptr);
  void check_dataset(const std::vector<Message>& messages);
  std::uint64_t dataset_element_size(const Message& m, unsigned& cls);
  Pipeline check_pipeline(const Message& m, std::uint64_t element_size);
  void check_fill(const Message& m, bool old, std::uint64_t element_size, bool sized);
  void check_layout(const Message& m, const Extent& extent, std::uint64_t element_size, const Pipeline& pipeline);
  void check_chunk_btree(std::uint64_t address, const std::vector<std::uint64_t>& chunk, std::uint64_t chunk_bytes,
                         const Pipeline& pipeline);
  bool defined(std::uint64_t address) const noexcept;
  void check_local_heap(std::uint64_t address);
  std::vector<unsigned char> read_at(std::uint64_t absolute, std::uint64_t size, const char* what);
  std::uint64_t absolute(std::uint64_t address, std::uint64_t size, const char* what) const;

  std::string path_;
  int fd_ = -1;
  std::uint64_t file_size_ = 0;
  std::uint64_t base_ = 0;
  std::uint64_t root_ = 0;
  unsigned sizeof_addr_ = 8;
  unsigned sizeof_size_ = 8;
  unsigned chunk_btree_2k_ = 64;  // entries per chunk B-tree node (2 K; 0 when the superblock does not say)
  std::string superblock_problem_;
  std::map<std::uint64_t, Finding> checked_;
  std::set<std::uint64_t> in_progress_;
};

}  // namespace ehub::io::detail
