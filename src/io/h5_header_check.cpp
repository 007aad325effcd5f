// Checks HDF5 object headers from the raw bytes of the file (h5_header_check.hpp). The layouts
// follow the HDF5 File Format Specification (version 3.0): superblock versions 0-3 (section
// II.A), object header prefixes version 1 and 2 with their messages and continuation chunks
// (III.A and IV.A.1), the attribute message versions 1-3 (IV.A.2.m), the datatype message
// versions 1-3 (IV.A.2.d), the dataspace message versions 1-2 (IV.A.2.b), the encoding of a
// shared message (versions 1-3, IV.A.2), and for datasets the fill value messages (old, and
// versions 1-3, IV.A.2.e-f), the data layout message versions 1-4 (IV.A.2.i), the filter pipeline
// message versions 1-2 (IV.A.2.l) and the version-1 B-tree of raw data chunks (III.A.1). Each
// field is read through a bounded reader, so a damaged size is reported instead of followed.
#include "h5_header_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <utility>

namespace ehub::io::detail {

// A dataspace's dimension sizes and number of elements (0 for a null dataspace, 1 for a scalar).
struct Extent {
  std::vector<std::uint64_t> dims;
  std::uint64_t count = 0;
};

// The filters of a dataset's filter pipeline (0x0B), in their order.
struct Pipeline {
  std::vector<std::uint64_t> ids;
  // True when the chunk with this filter mask (bit i set: filter i was skipped) went through a
  // filter, and so its stored size is not the chunk's.
  bool filtered(std::uint64_t mask) const {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (!(mask & (std::uint64_t{1} << i))) return true;
    return false;
  }
  // True when the Fletcher-32 filter (which appends a 4-byte checksum) applies to such a chunk.
  bool fletcher32(std::uint64_t mask) const {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i] == 3 && !(mask & (std::uint64_t{1} << i))) return true;
    return false;
  }
};

namespace {

// Thrown inside the checker with what is wrong; check() turns it into its result.
struct Damaged {
  std::string what;
  bool unsupported = false;  // sound, but a part of the format ehub does not read
};

[[noreturn]] void damaged(std::string what) { throw Damaged{std::move(what), false}; }
// A part of the format ehub does not read (shared messages, data in other files, other filters).
[[noreturn]] void refused(std::string what) { throw Damaged{std::move(what), true}; }

std::string num(std::uint64_t v) { return std::to_string(v); }

// Little-endian unsigned integer of `n` <= 8 bytes.
std::uint64_t le(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

constexpr std::uint64_t align8(std::uint64_t x) { return (x + 7) / 8 * 8; }

// a * b, or a damage report when the product does not fit in 64 bits.
std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b, const std::string& what) {
  if (a != 0 && b > UINT64_MAX / a) damaged(what + " has more bytes or elements than can be counted");
  return a * b;
}

// Largest object header (all its chunks together) the checker reads: HDF5 writes headers of a
// few hundred bytes to a few KiB; the 16-bit message count bounds a sound one well below this.
constexpr std::uint64_t kMaxHeaderBytes = std::uint64_t{64} << 20;
constexpr std::size_t kMaxChunks = 65536;
constexpr int kMaxTypeDepth = 32;   // nesting of compound / array / enum / vlen datatypes
constexpr unsigned kMaxRank = 32;   // H5S_MAX_RANK
constexpr unsigned kMsgContinuation = 0x10;
constexpr unsigned kMsgAttribute = 0x0C;
constexpr unsigned kMsgDatatype = 0x03;
constexpr unsigned kMsgDataspace = 0x01;
constexpr unsigned kMsgSymbolTable = 0x11;
constexpr unsigned kMsgFillOld = 0x04;
constexpr unsigned kMsgFill = 0x05;
constexpr unsigned kMsgExternalFiles = 0x07;
constexpr unsigned kMsgLayout = 0x08;
constexpr unsigned kMsgPipeline = 0x0B;
constexpr unsigned kMaxLayoutDims = kMaxRank + 1;  // H5O_LAYOUT_NDIMS: the chunk's dimensions and its element size
constexpr unsigned kMaxFilters = 32;               // H5Z_MAX_NFILTERS
constexpr std::size_t kMaxChunkNodes = std::size_t{1} << 20;  // B-tree nodes of one dataset's chunk index

}  // namespace

// A bounded view of bytes: every read checks that it stays inside, naming `what` otherwise.
class Bytes {
 public:
  Bytes(const unsigned char* p, std::size_t n, std::string what) : p_(p), n_(n), what_(std::move(what)) {}
  std::size_t left() const { return n_ - at_; }
  const unsigned char* here() const { return p_ + at_; }
  const std::string& what() const { return what_; }
  void need(std::uint64_t k, const char* field) const {
    if (k > left())
      damaged(what_ + ": " + field + " (" + num(k) + " bytes) runs past its end (" + num(left()) + " bytes left)");
  }
  std::uint64_t u(std::size_t k, const char* field) {
    need(k, field);
    const std::uint64_t v = le(p_ + at_, k);
    at_ += k;
    return v;
  }
  void skip(std::uint64_t k, const char* field) {
    need(k, field);
    at_ += static_cast<std::size_t>(k);
  }
  // Length (NUL included) of the NUL-terminated string at the position, which is not consumed.
  std::size_t cstring_length(const char* field) const {
    const void* z = std::memchr(p_ + at_, 0, left());
    if (z == nullptr) damaged(what_ + ": " + field + " is not NUL-terminated within its bytes");
    return static_cast<std::size_t>(static_cast<const unsigned char*>(z) - (p_ + at_)) + 1;
  }

 private:
  const unsigned char* p_;
  std::size_t n_;
  std::size_t at_ = 0;
  std::string what_;
};

namespace {

// Bytes HDF5 uses for a compound member's offset in datatype version 3 (H5VM_limit_enc_size):
// floor(log2(size)) / 8 + 1.
unsigned offset_bytes(std::uint64_t size) {
  unsigned log2 = 0;
  while (log2 < 63 && (size >> (log2 + 1)) != 0) ++log2;
  return log2 / 8 + 1;
}

// Checks the datatype encoding at the position of `r` (advancing past it) as HDF5 1.10 decodes it
// (class and version, size, class properties, member and base types recursively); returns the
// element size in bytes. `sizeof_addr` is the file's size of an address: variable-length and
// reference elements are stored as addresses, and HDF5 reads them with the size that implies
// whatever the message states.
std::uint64_t check_datatype(Bytes& r, int depth, unsigned sizeof_addr) {
  if (depth > kMaxTypeDepth) damaged(r.what() + ": datatypes nested more than 32 deep");
  const std::uint64_t head = r.u(1, "the datatype's class and version");
  const unsigned cls = static_cast<unsigned>(head & 0x0F), version = static_cast<unsigned>(head >> 4);
  if (version < 1 || version > 3) damaged(r.what() + ": unknown datatype version " + num(version));
  const std::uint64_t bits = r.u(3, "the datatype's class bit field");
  const std::uint64_t size = r.u(4, "the datatype's size");
  // The bits of an atomic type (an offset and a precision in bits) within its size, with at most
  // 64 bits unused: a damaged size would otherwise make HDF5 allocate for it (a 1-byte character
  // type claiming 2^30 bytes made a string conversion allocate gigabytes).
  const auto check_bits = [&](std::uint64_t offset, std::uint64_t precision) {
    if (size == 0 || size > UINT64_MAX / 8 || precision == 0 || offset + precision > 8 * size ||
        8 * size - precision > 64)
      damaged(r.what() + ": a number type of " + num(size) + " bytes with " + num(precision) +
              " bits of precision at bit offset " + num(offset));
  };
  switch (cls) {
    case 0:  // fixed-point: bit offset, bit precision
    case 4: {  // bitfield: the same
      const std::uint64_t offset = r.u(2, "the bit offset");
      check_bits(offset, r.u(2, "the bit precision"));
      break;
    }
    case 1: {  // floating-point: bit offset, precision, exponent and mantissa places, exponent bias
      const std::uint64_t offset = r.u(2, "the bit offset");
      check_bits(offset, r.u(2, "the bit precision"));
      r.skip(8, "the floating-point properties");
      break;
    }
    case 2: check_bits(0, r.u(2, "the time precision")); break;
    case 3: break;  // string: no properties
    case 7: {       // reference: an object's address, or a region's global heap id (address, index)
      const std::uint64_t type = bits & 0x0F;
      if (type > 1) damaged(r.what() + ": unknown reference type " + num(type));
      const std::uint64_t stored = type == 0 ? sizeof_addr : std::uint64_t{sizeof_addr} + 4;
      if (size != stored)
        damaged(r.what() + ": a reference of " + num(size) + " bytes, stored in " + num(stored) + " in this file");
      break;
    }
    case 5: r.skip(bits & 0xFF, "the opaque tag"); break;
    case 6: {  // compound
      const unsigned n = static_cast<unsigned>(bits & 0xFFFF);
      if (n == 0) damaged(r.what() + ": a compound datatype without members");
      for (unsigned i = 0; i < n; ++i) {
        const std::size_t len = r.cstring_length("a compound member's name");
        r.skip(version >= 3 ? len : align8(len), "a compound member's name");
        const std::uint64_t offset = r.u(version >= 3 ? offset_bytes(size) : 4, "a compound member's offset");
        std::uint64_t count = 1;
        if (version == 1) {  // a member's own array dimensions (at most 4)
          const std::uint64_t ndims = r.u(1, "a compound member's dimensionality");
          if (ndims > 4) damaged(r.what() + ": a compound member with " + num(ndims) + " dimensions (at most 4)");
          r.skip(3 + 4 + 4, "a compound member's reserved bytes");
          for (unsigned j = 0; j < 4; ++j) {
            const std::uint64_t dim = r.u(4, "a compound member's dimension");
            if (j < ndims) count = checked_mul(count, dim, r.what());
          }
        }
        const std::uint64_t member = checked_mul(check_datatype(r, depth + 1, sizeof_addr), count, r.what());
        if (offset > size || member > size - offset)
          damaged(r.what() + ": compound member " + num(i) + " (offset " + num(offset) + ", " + num(member) +
                  " bytes) lies outside its datatype's " + num(size) + " bytes");
      }
      break;
    }
    case 8: {  // enumeration: base type, names, values
      const unsigned n = static_cast<unsigned>(bits & 0xFFFF);
      const std::uint64_t base = check_datatype(r, depth + 1, sizeof_addr);
      for (unsigned i = 0; i < n; ++i) {
        const std::size_t len = r.cstring_length("an enumeration name");
        r.skip(version >= 3 ? len : align8(len), "an enumeration name");
      }
      r.skip(checked_mul(base, n, r.what()), "the enumeration values");
      break;
    }
    case 9: {  // variable-length: stored as a length (4), a global heap address and index (4); base type
      // HDF5 1.10 sizes an attribute's value by the stated size but reads it by the stored one: a
      // stated 9 made H5A__read copy 16 bytes out of a 9-byte buffer (found by the fuzzer).
      const std::uint64_t stored = 4 + std::uint64_t{sizeof_addr} + 4;
      if (size != stored)
        damaged(r.what() + ": a variable-length type of " + num(size) + " bytes, stored in " + num(stored) +
                " in this file");
      (void)check_datatype(r, depth + 1, sizeof_addr);
      break;
    }
    case 10: {  // array
      if (version < 2) damaged(r.what() + ": an array datatype of version 1");
      const std::uint64_t ndims = r.u(1, "the array's dimensionality");
      if (ndims > kMaxRank) damaged(r.what() + ": an array of " + num(ndims) + " dimensions (at most 32)");
      if (version < 3) r.skip(3, "the array's reserved bytes");
      r.skip(4 * ndims, "the array's dimensions");
      if (version < 3) r.skip(4 * ndims, "the array's permutation");
      (void)check_datatype(r, depth + 1, sizeof_addr);
      break;
    }
    default: damaged(r.what() + ": unknown datatype class " + num(cls));
  }
  return size;
}

// Checks the dataspace encoding of `r`; returns its number of elements (and, with `extent`, its
// rank and dimension sizes). A dimension larger than its maximum size is damage (HDF5 2.0 refuses
// it too; only an unlimited maximum, all bits set, lets a dimension grow).
std::uint64_t check_dataspace(Bytes& r, unsigned sizeof_size, Extent* extent = nullptr) {
  const std::uint64_t version = r.u(1, "the dataspace's version");
  if (version < 1 || version > 2) damaged(r.what() + ": unknown dataspace version " + num(version));
  const std::uint64_t rank = r.u(1, "the dataspace's rank");
  if (rank > kMaxRank) damaged(r.what() + ": a dataspace of rank " + num(rank) + " (at most 32)");
  const std::uint64_t flags = r.u(1, "the dataspace's flags");
  std::uint64_t type = rank > 0 ? 1 : 0;  // version 1: simple or scalar
  if (version >= 2) {
    type = r.u(1, "the dataspace's type");
    if (type > 2) damaged(r.what() + ": unknown dataspace type " + num(type));
  } else {
    r.skip(5, "the dataspace's reserved bytes");
  }
  std::vector<std::uint64_t> dims(static_cast<std::size_t>(rank));
  std::uint64_t count = 1;
  for (auto& dim : dims) count = checked_mul(count, dim = r.u(sizeof_size, "a dimension size"), r.what());
  if (flags & 0x01) {
    const std::uint64_t unlimited = sizeof_size >= 8 ? UINT64_MAX : (std::uint64_t{1} << (8 * sizeof_size)) - 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const std::uint64_t max = r.u(sizeof_size, "a maximum dimension size");
      if (max != unlimited && dims[i] > max)
        damaged(r.what() + ": dimension " + num(i) + " of " + num(dims[i]) + " exceeds its maximum size " + num(max));
    }
  }
  if (type == 2) count = 0;  // a null dataspace has no elements
  if (extent != nullptr) *extent = Extent{std::move(dims), count};
  return count;
}

}  // namespace

H5HeaderCheck::H5HeaderCheck(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
    superblock_problem_ = "the file cannot be opened";
    return;
  }
  file_size_ = static_cast<std::uint64_t>(st.st_size);
  // The superblock is at 0 or at a power of two from 512 on (after a user block); HDF5 takes its
  // position as the base address of every other address in the file.
  static constexpr std::array<unsigned char, 8> kSignature{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::array<unsigned char, 128> sb{};
  std::uint64_t at = 0;
  bool found = false;
  while (at + 8 <= file_size_) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sb.size(), file_size_ - at));
    if (::pread(fd_, sb.data(), n, static_cast<off_t>(at)) != static_cast<ssize_t>(n)) break;
    if (std::memcmp(sb.data(), kSignature.data(), 8) == 0) {
      found = true;
      break;
    }
    at = at == 0 ? 512 : at * 2;
  }
  if (!found) {
    superblock_problem_ = "no HDF5 signature found";
    return;
  }
  base_ = at;
  const std::size_t avail = static_cast<std::size_t>(std::min<std::uint64_t>(sb.size(), file_size_ - at));
  const unsigned version = sb[8];
  std::size_t root_at = 0;  // offset of the root object header's address in the superblock
  if (version <= 1) {
    sizeof_addr_ = sb[13];
    sizeof_size_ = sb[14];
    // base, free space, end of file, driver info addresses; then the root symbol table entry
    // (link name offset, object header address, ...).
    root_at = (version == 0 ? 24 : 28) + 5 * std::size_t{sizeof_addr_};
  } else if (version <= 3) {
    sizeof_addr_ = sb[9];
    sizeof_size_ = sb[10];
    root_at = 12 + 3 * std::size_t{sizeof_addr_};  // base, extension, end of file; then the root
  } else {
    superblock_problem_ = "unsupported superblock version " + num(version);
    return;
  }
  const auto supported = [](unsigned s) { return s == 2 || s == 4 || s == 8; };
  if (!supported(sizeof_addr_) || !supported(sizeof_size_)) {
    superblock_problem_ = "unsupported sizes of addresses (" + num(sizeof_addr_) + ") or lengths (" +
                          num(sizeof_size_) + ") in the superblock";
    return;
  }
  if (root_at + sizeof_addr_ > avail) {
    superblock_problem_ = "the superblock runs past the end of the file";
    return;
  }
  root_ = le(sb.data() + root_at, sizeof_addr_);
  // Entries of a chunk B-tree node: 2 K, K being 32 unless a version-1 superblock states it (at
  // 24) or a superblock extension may (versions 2-3), which the checker does not read.
  if (version == 1) {
    chunk_btree_2k_ = 2 * static_cast<unsigned>(le(sb.data() + 24, 2));
  } else if (version >= 2) {
    chunk_btree_2k_ = defined(le(sb.data() + 12 + sizeof_addr_, sizeof_addr_)) ? 0 : 64;
  }
}

bool H5HeaderCheck::defined(std::uint64_t address) const noexcept {
  return address != (sizeof_addr_ >= 8 ? UINT64_MAX : (std::uint64_t{1} << (8 * sizeof_addr_)) - 1);
}

H5HeaderCheck::~H5HeaderCheck() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t H5HeaderCheck::absolute(std::uint64_t address, std::uint64_t size, const char* what) const {
  if (!defined(address)) damaged(std::string(what) + " has an undefined address");
  if (address > file_size_ || base_ > file_size_ - address || size > file_size_ - base_ - address)
    damaged(std::string(what) + " at address " + num(address) + " (" + num(size) + " bytes) lies outside the file's " +
            num(file_size_) + " bytes");
  return base_ + address;
}

std::vector<unsigned char> H5HeaderCheck::read_at(std::uint64_t abs, std::uint64_t size, const char* what) {
  if (size > kMaxHeaderBytes) damaged(std::string(what) + " claims an implausible " + num(size) + " bytes");
  std::vector<unsigned char> out(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(abs + done));
    if (got <= 0) damaged(std::string(what) + " cannot be read");
    done += static_cast<std::size_t>(got);
  }
  return out;
}

std::vector<H5HeaderCheck::Message> H5HeaderCheck::read_messages(std::uint64_t address) {
  std::vector<Message> messages;
  const std::uint64_t start = absolute(address, 4, "the object header");
  const std::uint64_t head_size = std::min<std::uint64_t>(34, file_size_ - start);
  const std::vector<unsigned char> head = read_at(start, head_size, "the object header");
  const bool v2 = std::memcmp(head.data(), "OHDR", 4) == 0;

  struct Chunk {
    std::uint64_t at;    // absolute position of the first message
    std::uint64_t size;  // bytes of messages (v2: gap included, checksum excluded)
  };
  std::deque<Chunk> pending;
  std::set<std::uint64_t> seen;
  std::size_t header_len = 8;  // bytes before each message's body
  bool crt_order = false;
  if (!v2) {
    // Version 1: version, reserved, message count (2), reference count (4), size of the first
    // chunk (4), 4 bytes of padding to 8-byte alignment; then the messages.
    if (head.size() < 16) damaged("the object header runs past the end of the file");
    if (head[0] != 1) damaged("unknown object header version " + num(head[0]) + " (neither 1 nor the OHDR of 2)");
    const std::uint64_t nmesgs = le(head.data() + 2, 2), chunk0 = le(head.data() + 8, 4);
    if ((nmesgs > 0 && chunk0 < 8) || (nmesgs == 0 && chunk0 > 0))
      damaged("the first chunk's size " + num(chunk0) + " does not fit its " + num(nmesgs) + " messages");
    pending.push_back({absolute(address, 16 + chunk0, "the object header") + 16, chunk0});
  } else {
    // Version 2: "OHDR", version, flags, optional times and attribute phase change values, size of
    // the first chunk (1, 2, 4 or 8 bytes); messages; checksum.
    Bytes p(head.data(), head.size(), "the object header");
    p.skip(4, "the signature");
    if (const std::uint64_t v = p.u(1, "the version"); v != 2) damaged("unknown OHDR object header version " + num(v));
    const std::uint64_t flags = p.u(1, "the flags");
    if (flags & ~std::uint64_t{0x3F}) damaged("unknown object header flags " + num(flags));
    if (flags & 0x20) p.skip(16, "the times");
    if (flags & 0x10) p.skip(4, "the attribute storage limits");
    const std::uint64_t chunk0 = p.u(std::size_t{1} << (flags & 0x03), "the first chunk's size");
    const std::uint64_t prefix = head.size() - p.left();
    if (chunk0 > kMaxHeaderBytes) damaged("the first chunk claims an implausible " + num(chunk0) + " bytes");
    pending.push_back({absolute(address, prefix + chunk0 + 4, "the object header") + prefix, chunk0});
    crt_order = (flags & 0x04) != 0;
    header_len = crt_order ? 6 : 4;
  }
  seen.insert(pending.front().at);

  std::uint64_t total = 0;
  while (!pending.empty()) {
    const Chunk c = pending.front();
    pending.pop_front();
    total += c.size;
    if (total > kMaxHeaderBytes) damaged("the object header's chunks add up to more than 64 MiB");
    const std::vector<unsigned char> bytes = read_at(c.at, c.size, "a chunk of the object header");
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      const std::size_t left = bytes.size() - pos;
      if (left < header_len) {
        if (v2) break;  // a gap at the end of a version-2 chunk
        damaged("a chunk ends inside a message header (" + num(left) + " bytes left)");
      }
      const std::string which = "message " + num(messages.size());
      Message m;
      std::uint64_t size = 0;
      if (!v2) {  // type (2), size (2), flags (1), reserved (3)
        m.type = static_cast<unsigned>(le(&bytes[pos], 2));
        size = le(&bytes[pos + 2], 2);
        m.flags = bytes[pos + 4];
        if (size % 8 != 0) damaged(which + " (type " + num(m.type) + ") has a size of " + num(size) + ", not a multiple of 8");
      } else {  // type (1), size (2), flags (1), creation order (2, when tracked)
        m.type = bytes[pos];
        size = le(&bytes[pos + 1], 2);
        m.flags = bytes[pos + 3];
      }
      pos += header_len;
      if (size > bytes.size() - pos)
        damaged(which + " (type " + num(m.type) + ", " + num(size) + " bytes) runs past the end of its chunk");
      m.body.assign(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                    bytes.begin() + static_cast<std::ptrdiff_t>(pos + size));
      pos += static_cast<std::size_t>(size);
      if (m.type == kMsgContinuation) {  // address and length of the next chunk
        Bytes b(m.body.data(), m.body.size(), which + " (a continuation)");
        const std::uint64_t at = b.u(sizeof_addr_, "the chunk's address");
        const std::uint64_t len = b.u(sizeof_size_, "the chunk's length");
        if (v2 ? len < 8 : len == 0) damaged(which + " (a continuation) names a chunk of " + num(len) + " bytes");
        const std::uint64_t abs = absolute(at, len, "a continuation chunk");
        if (!seen.insert(abs).second) damaged(which + ": the continuation messages form a cycle");
        if (seen.size() > kMaxChunks) damaged("the object header has more than 65536 chunks");
        if (v2) {  // "OCHK", messages, checksum
          const std::vector<unsigned char> sig = read_at(abs, 4, "a continuation chunk");
          if (std::memcmp(sig.data(), "OCHK", 4) != 0) damaged(which + ": the continuation chunk has no OCHK signature");
          pending.push_back({abs + 4, len - 8});
        } else {
          pending.push_back({abs, len});
        }
      }
      messages.push_back(std::move(m));
    }
  }
  return messages;
}

void H5HeaderCheck::check_attribute(const Message& m, std::size_t index) {
  std::string where = "attribute message " + num(index);
  if (m.flags & 0x02) refused(where + " is a shared message (stored elsewhere), which ehub does not read");
  Bytes r(m.body.data(), m.body.size(), where);
  const std::uint64_t version = r.u(1, "the version");
  if (version < 1 || version > 3) damaged(where + ": unknown attribute message version " + num(version));
  std::uint64_t flags = r.u(1, "the flags");
  if (version == 1) flags = 0;  // reserved in version 1
  if (flags & ~std::uint64_t{0x03}) damaged(where + ": unknown flags " + num(flags));
  const std::uint64_t name_len = r.u(2, "the name's size");
  const std::uint64_t dt_size = r.u(2, "the datatype's size");
  const std::uint64_t ds_size = r.u(2, "the dataspace's size");
  if (version >= 3) r.skip(1, "the name's character set");
  // Version 1 pads the name, the datatype and the dataspace to multiples of 8 bytes.
  const auto padded = [&](std::uint64_t n) { return version == 1 ? align8(n) : n; };

  if (name_len == 0) damaged(where + ": a name of size 0 (the size counts the NUL)");
  r.need(padded(name_len), "the name");
  const auto* name = reinterpret_cast<const char*>(r.here());
  if (std::memchr(name, 0, name_len) != name + name_len - 1)
    damaged(where + ": its name is not NUL-terminated at its stated size of " + num(name_len) + " bytes");
  where = "attribute \"" + std::string(name) + "\"";
  r.skip(padded(name_len), "the name");

  r.need(padded(dt_size), "the datatype");
  Bytes dt(r.here(), static_cast<std::size_t>(dt_size), where + ": its datatype");
  const std::uint64_t elem = (flags & 0x01) ? shared_datatype_size(dt, where) : check_datatype(dt, 0, sizeof_addr_);
  r.skip(padded(dt_size), "the datatype");

  if (flags & 0x02) refused(where + ": a shared dataspace, which ehub does not read");
  r.need(padded(ds_size), "the dataspace");
  Bytes ds(r.here(), static_cast<std::size_t>(ds_size), where + ": its dataspace");
  const std::uint64_t count = check_dataspace(ds, sizeof_size_);
  r.skip(padded(ds_size), "the dataspace");

  if (elem == 0) damaged(where + ": a datatype of 0 bytes");
  const std::uint64_t bytes = checked_mul(count, elem, where);
  if (bytes > r.left())
    damaged(where + ": its value needs " + num(bytes) + " bytes (" + num(count) + " of " + num(elem) +
            "), the message holds " + num(r.left()) + " after the name, datatype and dataspace");
}

std::uint64_t H5HeaderCheck::shared_datatype_size(Bytes& dt, const std::string& where, unsigned* cls) {
  // A shared message: version 1 (type, 6 reserved bytes, a local heap length, the address),
  // version 2 (type, address) or version 3 (type 2 and an address, or type 1 and an 8-byte id in
  // the shared-message heap).
  const std::uint64_t v = dt.u(1, "the shared message's version");
  if (v < 1 || v > 3) damaged(where + ": unknown shared message version " + num(v));
  const std::uint64_t type = dt.u(1, "the shared message's type");
  if (v == 1) dt.skip(6 + sizeof_size_, "the shared message's reserved bytes");
  if (v == 3 && type != 2)
    refused(where + ": its datatype is kept in the shared-message heap (type " + num(type) + "), which ehub does not read");
  const std::uint64_t at = dt.u(sizeof_addr_, "the committed datatype's address");
  const Finding found = check(at);
  if (!found.problem.empty()) {
    if (found.unsupported) refused(where + ": its committed datatype: " + found.problem);
    damaged(where + ": its committed datatype: " + found.problem);
  }
  return committed_datatype_size(at, cls);
}

std::uint64_t H5HeaderCheck::committed_datatype_size(std::uint64_t address, unsigned* cls) {
  for (const Message& m : read_messages(address)) {
    if (m.type != kMsgDatatype) continue;
    Bytes r(m.body.data(), m.body.size(), "the committed datatype at " + num(address));
    if (cls != nullptr) *cls = m.body.empty() ? 0 : m.body[0] & 0x0F;
    return check_datatype(r, 0, sizeof_addr_);
  }
  damaged("the object at " + num(address) + " holds no datatype");
}

void H5HeaderCheck::check_local_heap(std::uint64_t address) {
  // "HEAP", version 0, 3 reserved bytes, data segment size (L), offset of the free list (L),
  // address of the data segment (O): the names of an old-style group's members, which HDF5 loads
  // in one piece of the stated size.
  const std::uint64_t size = 8 + 2 * std::uint64_t{sizeof_size_} + sizeof_addr_;
  const std::vector<unsigned char> b = read_at(absolute(address, size, "the group's local heap"), size, "the group's local heap");
  if (std::memcmp(b.data(), "HEAP", 4) != 0 || b[4] != 0) damaged("the group's local heap has no HEAP signature of version 0");
  const std::uint64_t data_size = le(&b[8], sizeof_size_);
  const std::uint64_t data_at = le(&b[8 + 2 * std::size_t{sizeof_size_}], sizeof_addr_);
  (void)absolute(data_at, data_size, "the group's local heap data");
}

// ---- Datasets: what HDF5 reads the raw data with --------------------------------------------
// HDF5 1.10 trusts the data layout message: for a compact layout it copies the dataspace's bytes
// out of the message's buffer whatever that buffer's size (a compact size of 0 for 24 doubles made
// H5D__compact_readvv copy 192 bytes from a null pointer, tests/data/fuzz/results_h5/), for a
// contiguous one it reads the stated size at the stated address, for a chunked one it follows the
// chunk B-tree and reads each chunk's stated size. So the layout is checked against the dataspace
// and the datatype as HDF5 combines them (elements x element size), every address and size
// against the file, and the fill value and filter pipeline messages that come with the data.

std::uint64_t H5HeaderCheck::dataset_element_size(const Message& m, unsigned& cls) {
  const std::string where = "the dataset's datatype";
  Bytes r(m.body.data(), m.body.size(), where);
  std::uint64_t size = 0;
  if (m.flags & 0x02) {
    if (m.body.size() >= 2 && m.body[0] == 3 && m.body[1] == 1)
      refused(where + " is kept in the shared-message heap, which ehub does not read");
    size = shared_datatype_size(r, where, &cls);
  } else {
    cls = m.body.empty() ? 0 : m.body[0] & 0x0F;
    size = check_datatype(r, 0, sizeof_addr_);
  }
  // In the file a variable-length element is its length (4 bytes) and its global heap id (an
  // address and a 4-byte index), whatever size the message states; HDF5 reads that many bytes.
  if (cls == 9) return 4 + std::uint64_t{sizeof_addr_} + 4;
  if (size == 0) damaged(where + " has 0 bytes");
  return size;
}

Pipeline H5HeaderCheck::check_pipeline(const Message& m, std::uint64_t element_size) {
  // Version 1: version, number of filters, 6 reserved bytes; each filter: id (2), name length
  // (2), flags (2), number of client values (2), the name padded to 8 bytes, the client values (4
  // each) padded to an even number. Version 2: the name length only for ids >= 256, nothing padded.
  const std::string where = "the filter pipeline";
  if (m.flags & 0x02) refused(where + " is a shared message, which ehub does not read");
  Bytes r(m.body.data(), m.body.size(), where);
  const std::uint64_t version = r.u(1, "the version");
  if (version < 1 || version > 2) damaged(where + ": unknown version " + num(version));
  const std::uint64_t n = r.u(1, "the number of filters");
  if (n > kMaxFilters) damaged(where + ": " + num(n) + " filters (at most 32)");
  if (version == 1) r.skip(6, "the reserved bytes");
  Pipeline pipeline;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::string which = where + ": filter " + num(i);
    const std::uint64_t id = r.u(2, "a filter's id");
    std::uint64_t name_len = 0;
    if (version == 1 || id >= 256) name_len = r.u(2, "a filter's name length");
    if (version == 1 && name_len % 8 != 0) damaged(which + ": a name length of " + num(name_len) + ", not a multiple of 8");
    (void)r.u(2, "a filter's flags");
    const std::uint64_t values = r.u(2, "a filter's number of client values");
    if (name_len > 0) {
      r.need(name_len, "a filter's name");
      if (std::memchr(r.here(), 0, static_cast<std::size_t>(name_len)) == nullptr)
        damaged(which + ": its name is not NUL-terminated within its " + num(name_len) + " bytes");
      r.skip(name_len, "a filter's name");
    }
    std::vector<std::uint64_t> cd;
    for (std::uint64_t j = 0; j < values; ++j) cd.push_back(r.u(4, "a filter's client value"));
    if (version == 1 && values % 2 != 0) r.skip(4, "a filter's padding");
    switch (id) {
      case 1: break;  // deflate (zlib bounds its output)
      case 2:         // shuffle: its one client value is the element size it regroups the bytes by
        if (cd.size() != 1 || cd[0] != element_size)
          damaged(which + " (shuffle) regroups by " + (cd.empty() ? std::string("no") : num(cd[0])) +
                  " bytes, the dataset's elements have " + num(element_size));
        break;
      case 3: break;  // Fletcher-32 checksum
      default:
        refused(which + " has id " + num(id) +
                ", which ehub does not read (only deflate 1, shuffle 2 and Fletcher-32 3)");
    }
    pipeline.ids.push_back(id);
  }
  return pipeline;
}

void H5HeaderCheck::check_fill(const Message& m, bool old, std::uint64_t element_size, bool sized) {
  // Old fill value message (0x04): size (4), value. Fill value message (0x05), versions 1-2:
  // allocation time, fill write time, "defined" flag, then (version 1 always, version 2 when
  // defined) size (4) and value; version 3: flags (allocation and write times, bit 4 undefined,
  // bit 5 a value follows), then size and value when bit 5 is set. HDF5 takes a size <= 0 as
  // "no value" and copies a positive one out of the message.
  const std::string where = old ? "the old fill value message" : "the fill value message";
  if (m.flags & 0x02) refused(where + " is a shared message, which ehub does not read");
  Bytes r(m.body.data(), m.body.size(), where);
  std::int64_t size = -1;
  const auto signed32 = [](std::uint64_t v) { return static_cast<std::int64_t>(static_cast<std::int32_t>(v)); };
  if (old) {
    size = static_cast<std::int64_t>(r.u(4, "the fill value's size"));
  } else {
    const std::uint64_t version = r.u(1, "the version");
    if (version < 1 || version > 3) damaged(where + ": unknown version " + num(version));
    if (version < 3) {
      r.skip(2, "the allocation and fill write times");
      const std::uint64_t is_defined = r.u(1, "the fill value's defined flag");
      if (version == 1 || is_defined != 0) {
        const std::int64_t stated = signed32(r.u(4, "the fill value's size"));
        if (is_defined != 0) size = stated;
      }
    } else {
      const std::uint64_t flags = r.u(1, "the flags");
      if (flags & ~std::uint64_t{0x3F}) damaged(where + ": unknown flags " + num(flags));
      if (!(flags & 0x10) && (flags & 0x20)) size = signed32(r.u(4, "the fill value's size"));
    }
  }
  if (size <= 0) return;
  r.need(static_cast<std::uint64_t>(size), "the fill value");
  if (sized && static_cast<std::uint64_t>(size) != element_size)
    damaged(where + ": a fill value of " + num(static_cast<std::uint64_t>(size)) + " bytes for elements of " +
            num(element_size));
}

void H5HeaderCheck::check_layout(const Message& m, const Extent& extent, std::uint64_t element_size,
                                 const Pipeline& pipeline) {
  // Versions 1-2: dimensionality, class, 5 reserved bytes, an address (contiguous, chunked),
  // dimensions of 4 bytes (the last is the element size), the compact data's size (4) and data.
  // Versions 3-4: class, then compact: size (2), data; contiguous: address, size; chunked,
  // version 3: dimensionality, B-tree address, dimensions of 4 bytes; version 4: flags,
  // dimensionality, bytes per dimension, dimensions, the chunk index type, its parameters and its
  // address. HDF5 computes the data's size as elements x element size.
  const std::string where = "the data layout";
  if (m.flags & 0x02) refused(where + " is a shared message, which ehub does not read");
  Bytes r(m.body.data(), m.body.size(), where);
  const std::uint64_t data = checked_mul(extent.count, element_size, where);
  const auto holds_the_data = [&](std::uint64_t stored, const char* what) {
    if (stored != data)
      damaged(where + ": " + what + " of " + num(stored) + " bytes, where the dataspace and datatype make " + num(data) +
              " (" + num(extent.count) + " elements of " + num(element_size) + " bytes)");
  };
  const auto contiguous = [&](std::uint64_t address, std::uint64_t size) {
    if (defined(address)) (void)absolute(address, size, "the dataset's contiguous data");
  };
  const std::uint64_t version = r.u(1, "the version");
  if (version < 1 || version > 4) damaged(where + ": unknown layout message version " + num(version));
  std::vector<std::uint64_t> chunk;
  std::uint64_t index = 0, index_type = 0;  // 0: a version-1 B-tree
  std::uint64_t chunk_flags = 0, single_bytes = 0;
  if (version < 3) {
    const std::uint64_t ndims = r.u(1, "the dimensionality");
    if (ndims == 0 || ndims > kMaxLayoutDims) damaged(where + ": a dimensionality of " + num(ndims) + " (1 to 33)");
    const std::uint64_t cls = r.u(1, "the layout class");
    if (cls > 2) damaged(where + ": unknown layout class " + num(cls));
    r.skip(5, "the reserved bytes");
    if (cls != 0) index = r.u(sizeof_addr_, "the address");
    for (std::uint64_t i = 0; i < ndims; ++i) chunk.push_back(r.u(4, "a dimension"));
    if (cls == 0) {
      const std::uint64_t size = r.u(4, "the compact data's size");
      r.need(size, "the compact data");
      holds_the_data(size, "compact data");
      return;
    }
    if (cls == 1) {  // HDF5 takes the size from the dataspace and datatype
      contiguous(index, data);
      return;
    }
  } else {
    const std::uint64_t cls = r.u(1, "the layout class");
    if (cls == 0) {
      const std::uint64_t size = r.u(2, "the compact data's size");
      r.need(size, "the compact data");
      holds_the_data(size, "compact data");
      return;
    }
    if (cls == 1) {
      const std::uint64_t address = r.u(sizeof_addr_, "the address");
      const std::uint64_t size = r.u(sizeof_size_, "the size");
      holds_the_data(size, "contiguous data");
      contiguous(address, size);
      return;
    }
    if (cls == 3) refused(where + ": a virtual dataset (its data lies in other datasets), which ehub does not read");
    if (cls != 2) damaged(where + ": unknown layout class " + num(cls));
    if (version == 3) {
      const std::uint64_t ndims = r.u(1, "the dimensionality");
      if (ndims > kMaxLayoutDims) damaged(where + ": chunks of " + num(ndims) + " dimensions (at most 33)");
      index = r.u(sizeof_addr_, "the B-tree address");
      for (std::uint64_t i = 0; i < ndims; ++i) chunk.push_back(r.u(4, "a chunk dimension"));
    } else {
      chunk_flags = r.u(1, "the chunk flags");
      if (chunk_flags & ~std::uint64_t{0x03}) damaged(where + ": unknown chunk flags " + num(chunk_flags));
      const std::uint64_t ndims = r.u(1, "the dimensionality");
      if (ndims > kMaxLayoutDims) damaged(where + ": chunks of " + num(ndims) + " dimensions (at most 33)");
      const std::uint64_t bytes = r.u(1, "the bytes per chunk dimension");
      if (bytes < 1 || bytes > 8) damaged(where + ": " + num(bytes) + " bytes per chunk dimension (1 to 8)");
      for (std::uint64_t i = 0; i < ndims; ++i) chunk.push_back(r.u(static_cast<std::size_t>(bytes), "a chunk dimension"));
      index_type = r.u(1, "the chunk index type");
      switch (index_type) {
        case 1:  // a single chunk: its size and filter mask when filtered
          if (chunk_flags & 0x02) {
            single_bytes = r.u(sizeof_size_, "the filtered chunk's size");
            (void)r.u(4, "the filtered chunk's filter mask");
          }
          break;
        case 2: break;  // implicit: the chunks one after the other
        case 3:         // fixed array: page bits
          if (r.u(1, "the fixed array's page bits") == 0) damaged(where + ": a fixed array index of 0 page bits");
          break;
        case 4:  // extensible array: 5 parameters, none 0
          for (int i = 0; i < 5; ++i)
            if (r.u(1, "an extensible array parameter") == 0) damaged(where + ": an extensible array parameter of 0");
          break;
        case 5:  // version-2 B-tree: node size, split and merge percentages
          if (r.u(4, "the B-tree's node size") == 0) damaged(where + ": a B-tree index with nodes of 0 bytes");
          r.skip(2, "the B-tree's split and merge percentages");
          break;
        default: damaged(where + ": unknown chunk index type " + num(index_type));
      }
      index = r.u(sizeof_addr_, "the chunk index address");
    }
  }

  // Chunked: the chunk has the dataspace's rank plus the element size as its last dimension.
  const std::size_t rank = extent.dims.size();
  if (rank == 0) damaged(where + ": chunked storage for a scalar or null dataspace");
  if (chunk.size() != rank + 1)
    damaged(where + ": chunks of " + num(chunk.size()) + " dimensions for a dataspace of rank " + num(rank) +
            " (the chunk has one more: the element size)");
  std::uint64_t chunk_bytes = 1;
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    if (chunk[i] == 0) damaged(where + ": chunk dimension " + num(i) + " is 0");
    chunk_bytes = checked_mul(chunk_bytes, chunk[i], where + ": the chunk");
  }
  if (chunk.back() != element_size)
    damaged(where + ": the chunks' element size of " + num(chunk.back()) + " bytes is not the datatype's " +
            num(element_size));
  if (chunk_bytes > 0xFFFFFFFFu) damaged(where + ": chunks of " + num(chunk_bytes) + " bytes (at most 4 GiB)");
  if (!defined(index)) return;  // no chunk written yet: HDF5 reads the fill value
  switch (index_type) {
    case 0: check_chunk_btree(index, chunk, chunk_bytes, pipeline); break;
    case 1: (void)absolute(index, (chunk_flags & 0x02) ? single_bytes : chunk_bytes, "the dataset's single chunk"); break;
    case 2: {
      std::uint64_t chunks = 1;
      for (std::size_t i = 0; i < rank; ++i) chunks = checked_mul(chunks, (extent.dims[i] + chunk[i] - 1) / chunk[i], where);
      (void)absolute(index, checked_mul(chunks, chunk_bytes, where), "the dataset's chunks");
      break;
    }
    default: {  // fixed or extensible array, version-2 B-tree: a checksummed header HDF5 verifies
      static constexpr std::array<const char*, 3> kSignature{"FAHD", "EAHD", "BTHD"};
      const char* sig = kSignature.at(static_cast<std::size_t>(index_type - 3));
      const std::vector<unsigned char> head = read_at(absolute(index, 4, "the chunk index"), 4, "the chunk index");
      if (std::memcmp(head.data(), sig, 4) != 0)
        damaged(where + ": the chunk index at " + num(index) + " has no " + sig + " signature");
    }
  }
}

void H5HeaderCheck::check_chunk_btree(std::uint64_t address, const std::vector<std::uint64_t>& chunk,
                                      std::uint64_t chunk_bytes, const Pipeline& pipeline) {
  // A version-1 B-tree of type 1: "TREE", type, level, entries used (2), left and right sibling
  // addresses, then keys and children alternating, one key more than children. A key: the chunk's
  // stored size (4), its filter mask (4) and its offset in elements (8 per dimension of the chunk,
  // the last 0). A child: a node one level down, or at level 0 the chunk's address.
  const std::size_t ndims = chunk.size();
  const std::uint64_t key = 8 + 8 * std::uint64_t{ndims}, head = 8 + 2 * std::uint64_t{sizeof_addr_};
  struct Node {
    std::uint64_t address;
    int level;  // expected level, -1 for the root
  };
  std::deque<Node> pending{{address, -1}};
  std::set<std::uint64_t> seen{address};
  std::size_t nodes = 0;
  while (!pending.empty()) {
    const Node n = pending.front();
    pending.pop_front();
    if (++nodes > kMaxChunkNodes) damaged("the chunk B-tree has more than " + num(kMaxChunkNodes) + " nodes");
    const std::string node = "the chunk B-tree node at " + num(n.address);
    const std::vector<unsigned char> h = read_at(absolute(n.address, head, node.c_str()), head, node.c_str());
    if (std::memcmp(h.data(), "TREE", 4) != 0) damaged(node + " has no TREE signature");
    if (h[4] != 1) damaged(node + " is of type " + num(h[4]) + ", not 1 (raw data chunks)");
    const int level = h[5];
    const std::uint64_t entries = le(&h[6], 2);
    if (n.level >= 0 && level != n.level)
      damaged(node + " is at level " + num(static_cast<std::uint64_t>(level)) + " below a node of level " +
              num(static_cast<std::uint64_t>(n.level) + 1));
    if (chunk_btree_2k_ != 0 && entries > chunk_btree_2k_)
      damaged(node + " has " + num(entries) + " entries, more than the " + num(chunk_btree_2k_) + " of a node");
    const std::uint64_t body = (entries + 1) * key + entries * sizeof_addr_;
    const std::vector<unsigned char> b = read_at(absolute(n.address, head + body, node.c_str()) + head, body, node.c_str());
    for (std::uint64_t i = 0; i < entries; ++i) {
      const unsigned char* k = &b[static_cast<std::size_t>(i * (key + sizeof_addr_))];
      const std::uint64_t child = le(k + key, sizeof_addr_);
      if (level > 0) {
        if (!seen.insert(child).second) damaged(node + ": its child " + num(i) + " is reached twice (a cycle?)");
        pending.push_back({child, level - 1});
        continue;
      }
      const std::string which = "chunk " + num(i) + " of " + node;
      const std::uint64_t size = le(k, 4), mask = le(k + 4, 4);
      for (std::size_t d = 0; d < ndims; ++d) {
        const std::uint64_t offset = le(k + 8 + 8 * d, 8);
        if (d + 1 == ndims ? offset != 0 : offset % chunk[d] != 0)
          damaged(which + ": offset " + num(offset) + " in dimension " + num(d) + " is not on a chunk boundary");
      }
      if (!pipeline.filtered(mask)) {
        if (size != chunk_bytes)
          damaged(which + " stores " + num(size) + " bytes, an unfiltered chunk " + num(chunk_bytes));
      } else if (size == 0 || (pipeline.fletcher32(mask) && size < 4)) {
        damaged(which + " stores " + num(size) + " bytes, too few for its filters");
      }
      (void)absolute(child, size, which.c_str());
    }
  }
}

void H5HeaderCheck::check_dataset(const std::vector<Message>& messages) {
  const Message *layout = nullptr, *space = nullptr, *type = nullptr, *fill = nullptr, *fill_old = nullptr,
                *pipeline = nullptr;
  for (const Message& m : messages) {  // HDF5 uses the first message of each type
    const auto first = [&](const Message*& slot) {
      if (slot == nullptr) slot = &m;
    };
    switch (m.type) {
      case kMsgLayout: first(layout); break;
      case kMsgDataspace: first(space); break;
      case kMsgDatatype: first(type); break;
      case kMsgFill: first(fill); break;
      case kMsgFillOld: first(fill_old); break;
      case kMsgPipeline: first(pipeline); break;
      case kMsgExternalFiles: refused("an external file list (the dataset's data lies in other files), which ehub does not read");
      default: break;
    }
  }
  if (layout == nullptr) return;  // not a dataset
  if (space == nullptr || type == nullptr) damaged("a dataset without a dataspace or datatype message");
  if (space->flags & 0x02) refused("the dataset's dataspace is a shared message, which ehub does not read");
  Extent extent;
  Bytes r(space->body.data(), space->body.size(), "the dataset's dataspace");
  (void)check_dataspace(r, sizeof_size_, &extent);
  unsigned cls = 0;
  const std::uint64_t element_size = dataset_element_size(*type, cls);
  const Pipeline filters = pipeline != nullptr ? check_pipeline(*pipeline, element_size) : Pipeline{};
  // The fill value is stored in the dataset's datatype, so has its size (variable-length and
  // reference types, whose size in memory differs, only within the message).
  const bool sized = cls != 9 && cls != 7;
  if (fill != nullptr) {
    check_fill(*fill, false, element_size, sized);
  } else if (fill_old != nullptr) {
    check_fill(*fill_old, true, element_size, sized);
  }
  check_layout(*layout, extent, element_size, filters);
}

H5HeaderCheck::Finding H5HeaderCheck::check(std::uint64_t address) {
  if (!superblock_problem_.empty()) return {superblock_problem_, false};
  if (const auto it = checked_.find(address); it != checked_.end()) return it->second;
  if (!in_progress_.insert(address).second) return {"committed datatypes that refer to each other", false};
  Finding found;
  try {
    const std::vector<Message> messages = read_messages(address);
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const Message& m = messages[i];
      const std::string which = "message " + num(i);
      if (m.type == kMsgAttribute) {
        check_attribute(m, i);
      } else if (m.type == kMsgDatatype) {  // a dataset's or a committed datatype's type
        Bytes r(m.body.data(), m.body.size(), which + " (the datatype)");
        if (!(m.flags & 0x02)) {
          (void)check_datatype(r, 0, sizeof_addr_);
        } else if (!(m.body.size() >= 2 && m.body[0] == 3 && m.body[1] == 1)) {  // not in the shared-message heap
          (void)shared_datatype_size(r, which + " (the datatype)");
        }
      } else if (m.type == kMsgSymbolTable) {  // an old-style group: B-tree and local heap addresses
        Bytes r(m.body.data(), m.body.size(), which + " (the symbol table)");
        (void)r.u(sizeof_addr_, "the B-tree address");
        check_local_heap(r.u(sizeof_addr_, "the local heap address"));
      } else if (m.type == kMsgDataspace && !(m.flags & 0x02)) {  // a dataset's extent
        Bytes r(m.body.data(), m.body.size(), which + " (the dataspace)");
        (void)check_dataspace(r, sizeof_size_);
      }
    }
    check_dataset(messages);
  } catch (const Damaged& d) {
    found = {d.what, d.unsupported};
  }
  in_progress_.erase(address);
  checked_.emplace(address, found);
  return found;
}

}  // namespace ehub::io::detail
