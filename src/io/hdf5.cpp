// HDF5 reader and writer over the HDF5 C++ API. Debian's HDF5 is built without thread safety,
// so every HDF5 call (object destructors included) runs under one process-wide mutex. HDF5's
// automatic error printing is replaced by a handler that keeps the innermost error description,
// which becomes the detail of the InputError or ehub::Error thrown instead.
#include "ehub/io/hdf5.hpp"

#include <H5Cpp.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

#include "ehub/core/error.hpp"
#include "ehub/io/text_file.hpp"
#include "h5_header_check.hpp"

namespace ehub::io {
namespace {

namespace fs = std::filesystem;

// --- global HDF5 state, only touched with h5_mutex() held -------------------------------------

std::mutex& h5_mutex() {
  static std::mutex m;
  return m;
}

std::string& last_h5_error() {
  static std::string s;
  return s;
}

herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* client_data) {
  if (n == 0 && err != nullptr && err->desc != nullptr) *static_cast<std::string*>(client_data) = err->desc;
  return 0;
}

// Called by HDF5 when an API function fails (instead of printing the error stack).
herr_t record_h5_error(hid_t estack, void*) {
  std::string msg;
  H5Ewalk2(estack, H5E_WALK_UPWARD, keep_innermost, &msg);  // upward: innermost error first
  last_h5_error() = msg.empty() ? "unknown HDF5 error" : msg;
  return 0;
}

// Locks the HDF5 mutex; on first use silences HDF5's error printing and installs the recorder.
std::unique_lock<std::mutex> h5_lock() {
  std::unique_lock<std::mutex> lock(h5_mutex());
  static bool configured = false;
  if (!configured) {
    H5::Exception::dontPrint();
    H5Eset_auto2(H5E_DEFAULT, record_h5_error, nullptr);
    configured = true;
  }
  last_h5_error().clear();
  return lock;
}

// The innermost HDF5 error recorded since the lock was taken, or the C++ exception's message.
std::string h5_detail(const H5::Exception& e) {
  if (!last_h5_error().empty()) return last_h5_error();
  return e.getDetailMsg();
}

[[noreturn]] void io_error(const std::string& path, const std::string& detail) {
  throw Error("ehub.io", "[ehub.io] " + path + ": " + detail);
}

// --- object paths ---------------------------------------------------------------------------------

// Splits "/flows/chp1.el" into {"flows", "chp1.el"}; empty components are ignored, so "/" and ""
// name the root. "." and ".." are rejected (HDF5 has no such names).
std::vector<std::string> split_path(const std::string& file, const std::string& object_path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= object_path.size()) {
    std::size_t end = object_path.find('/', pos);
    if (end == std::string::npos) end = object_path.size();
    if (end > pos) {
      std::string part = object_path.substr(pos, end - pos);
      if (part == "." || part == "..") throw InputError(file, object_path, "\".\" and \"..\" are not valid HDF5 names");
      parts.push_back(std::move(part));
    }
    pos = end + 1;
  }
  return parts;
}

std::string join_path(const std::vector<std::string>& parts, std::size_t count) {
  if (count == 0) return "/";
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += "/" + parts[i];
  return out;
}

std::string join_path(const std::vector<std::string>& parts) { return join_path(parts, parts.size()); }

// The detail of the InputError for what the header check found: damage, or a part of the format
// that ehub does not read in an otherwise sound object.
std::string refusal(const detail::H5HeaderCheck::Finding& found) {
  return std::string(found.unsupported ? "not read by ehub (not handed to HDF5): "
                                       : "damaged object header (not handed to HDF5): ")
      .append(found.problem);
}

// Refuses the object that the link at `p` names when its object header is damaged, before HDF5
// loads it (h5_header_check.hpp): the address comes from the link itself for a hard link, from
// HDF5's resolution of the path for a soft link; external and user-defined links (which would
// open other files) are not followed.
void check_link_target(const H5::H5File& file, const std::string& path, const std::string& p,
                       detail::H5HeaderCheck& check) {
  H5L_info_t link{};
  if (H5Lget_info(file.getId(), p.c_str(), &link, H5P_DEFAULT) < 0)
    throw InputError(path, p, "cannot read the link: " + last_h5_error());
  haddr_t address = HADDR_UNDEF;
  if (link.type == H5L_TYPE_HARD) {
    address = link.u.address;
  } else if (link.type == H5L_TYPE_SOFT) {
    H5O_info_t info{};
    if (H5Oget_info_by_name2(file.getId(), p.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
      throw InputError(path, p, "cannot follow the soft link: " + last_h5_error());
    address = info.addr;
  } else {
    throw InputError(path, p, "an external or user-defined link, which ehub does not follow");
  }
  if (const auto found = check.check(address); !found.problem.empty()) throw InputError(path, p, refusal(found));
}

// Type of the object at `parts`, or nullopt when some component does not exist or an
// intermediate component is not a group. With `check` (the reader), the object header of every
// component is checked before HDF5 loads it.
std::optional<H5O_type_t> object_type(const H5::H5File& file, const std::vector<std::string>& parts,
                                      detail::H5HeaderCheck* check = nullptr, const std::string& path = {}) {
  if (parts.empty()) return H5O_TYPE_GROUP;
  for (std::size_t i = 1; i <= parts.size(); ++i) {
    const std::string p = join_path(parts, i);
    if (!file.nameExists(p)) return std::nullopt;
    if (check != nullptr) check_link_target(file, path, p, *check);
    const H5O_type_t t = file.childObjType(p);
    if (i == parts.size()) return t;
    if (t != H5O_TYPE_GROUP) return std::nullopt;
  }
  return std::nullopt;
}

// Calls fn with the group or dataset at `parts` (which must exist).
void with_object(const H5::H5File& file, const std::vector<std::string>& parts, H5O_type_t type,
                 const std::function<void(H5::H5Object&)>& fn) {
  const std::string p = join_path(parts);
  if (type == H5O_TYPE_DATASET) {
    H5::DataSet ds = file.openDataSet(p);
    fn(ds);
  } else {
    H5::Group g = file.openGroup(p);
    fn(g);
  }
}

void fsync_path(const std::string& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;  // best effort: durability, not correctness
  (void)::fsync(fd);
  ::close(fd);
}

// Longest 1-D dataset the reader allocates for (10^8 values, 800 MB as float64).
constexpr hsize_t kMaxDatasetLength = 100'000'000;
// Largest magnitude of a time in a series file, in seconds from 1970 (about 31 million years).
constexpr std::int64_t kMaxUnixSeconds = 1'000'000'000'000'000;

// --- defensive reading of variable-length strings ------------------------------------------------
// HDF5 1.10 trusts the global-heap reference of a variable-length string: a corrupt index reads
// outside the heap's object table and segfaults (h5py's newer HDF5 reports "bad heap index").
// Before such a string is read, its raw reference (length, heap collection address, index) is
// fetched through a conversion to an opaque type that copies bytes only, and the collection is
// parsed from the file itself: signature, size within the file, the object present and as long
// as the string. Only then does HDF5 read it.

constexpr const char* kRawVlenTag = "ehub.raw_vlen_reference";
constexpr std::size_t kRawVlenSize = 32;

// A soft conversion from any variable-length string to the opaque type tagged kRawVlenTag: copies
// the element's file representation, never touching the heap.
herr_t raw_vlen_conversion(hid_t src, hid_t dst, H5T_cdata_t* cdata, size_t nelmts, size_t buf_stride, size_t,
                           void* buf, void*, hid_t) {
  switch (cdata->command) {
    case H5T_CONV_INIT: {
      if (H5Tget_class(src) != H5T_STRING || H5Tis_variable_str(src) <= 0 || H5Tget_class(dst) != H5T_OPAQUE)
        return -1;
      char* tag = H5Tget_tag(dst);
      const bool ours = tag != nullptr && std::string(tag) == kRawVlenTag;
      H5free_memory(tag);
      if (!ours || H5Tget_size(src) > kRawVlenSize) return -1;
      cdata->need_bkg = H5T_BKG_NO;
      return 0;
    }
    case H5T_CONV_FREE: return 0;
    case H5T_CONV_CONV: {
      const std::size_t ss = H5Tget_size(src), ds = H5Tget_size(dst);
      if (ss == 0 || ss > ds) return -1;
      auto* b = static_cast<unsigned char*>(buf);
      // In place and backwards: each element grows from ss to ds bytes.
      for (std::size_t k = nelmts; k-- > 0;) {
        unsigned char* from = b + k * (buf_stride ? buf_stride : ss);
        unsigned char* to = b + k * (buf_stride ? buf_stride : ds);
        std::memmove(to, from, ss);
        std::memset(to + ss, 0, ds - ss);
      }
      return 0;
    }
    default: return -1;
  }
}

// Little-endian unsigned integer of `n` bytes at `p`.
std::uint64_t decode_le(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

// Empty when the variable-length string attribute `attr` of `file` can be read safely, else what
// is wrong with its heap reference. Called with the HDF5 lock held.
std::string check_vlen_string_attribute(const H5::H5File& file, const std::string& path, const H5::Attribute& attr) {
  static bool registered = false;
  if (!registered) {
    const hid_t opaque = H5Tcreate(H5T_OPAQUE, kRawVlenSize);
    H5Tset_tag(opaque, kRawVlenTag);
    const hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tregister(H5T_PERS_SOFT, "ehub_raw_vlen", str, opaque, raw_vlen_conversion);
    H5Tclose(str);
    H5Tclose(opaque);
    registered = true;
  }
  const hid_t raw_type = H5Tcreate(H5T_OPAQUE, kRawVlenSize);
  H5Tset_tag(raw_type, kRawVlenTag);
  std::array<unsigned char, kRawVlenSize> raw{};
  const herr_t rc = H5Aread(attr.getId(), raw_type, raw.data());
  H5Tclose(raw_type);
  if (rc < 0) return "its value cannot be read";
  hsize_t userblock = 0;
  std::size_t sizeof_addr = 8, sizeof_size = 8;
  {
    const hid_t fcpl = H5Fget_create_plist(file.getId());
    if (fcpl >= 0) {
      H5Pget_userblock(fcpl, &userblock);
      H5Pget_sizes(fcpl, &sizeof_addr, &sizeof_size);
      H5Pclose(fcpl);
    }
  }
  if (sizeof_addr < 2 || sizeof_addr > 8 || sizeof_size < 2 || sizeof_size > 8) return "unsupported address sizes";
  const std::uint64_t length = decode_le(raw.data(), 4);
  const std::uint64_t addr = decode_le(raw.data() + 4, sizeof_addr);
  const std::uint64_t index = decode_le(raw.data() + 4 + sizeof_addr, 4);
  if (addr == 0 && length == 0) return {};  // an empty string has no heap object
  std::error_code ec;
  const std::uintmax_t file_size = fs::file_size(path, ec);
  if (ec) return "the file's size is unknown";
  const std::uint64_t at = userblock + addr;
  const std::size_t header = 8 + sizeof_size;
  if (addr >= file_size || at + header > file_size) return "its heap address lies outside the file";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "the file cannot be opened again";
  std::array<unsigned char, 16> head{};
  const bool got_head = ::pread(fd, head.data(), header, static_cast<off_t>(at)) == static_cast<ssize_t>(header);
  const std::uint64_t coll_size = got_head ? decode_le(head.data() + 8, sizeof_size) : 0;
  std::vector<unsigned char> coll;
  std::string problem;
  if (!got_head || std::memcmp(head.data(), "GCOL", 4) != 0 || head[4] != 1) {
    problem = "its heap address holds no global heap collection";
  } else if (coll_size < header || coll_size > file_size - at || coll_size > (std::uint64_t{1} << 30)) {
    problem = "its global heap collection has an impossible size";
  } else {
    coll.resize(static_cast<std::size_t>(coll_size));
    if (::pread(fd, coll.data(), coll.size(), static_cast<off_t>(at)) != static_cast<ssize_t>(coll.size()))
      problem = "its global heap collection cannot be read";
  }
  ::close(fd);
  if (!problem.empty()) return problem;
  if (index == 0 || index > 0xffff) return "bad heap index " + std::to_string(index);
  const auto align8 = [](std::uint64_t x) { return (x + 7) / 8 * 8; };
  const std::size_t obj_header = 8 + sizeof_size;
  // The whole collection is walked the way HDF5 1.10 loads it (H5HG__cache_heap_deserialize),
  // free space (index 0) included: an object that does not advance the walk (size 0 in the free
  // space) makes HDF5 loop forever, one that runs past the end makes it read outside the block.
  bool found = false;
  std::uint64_t p = align8(header);
  while (p < coll.size()) {
    if (p + obj_header > coll.size()) break;  // the last bytes are free space
    const std::uint64_t idx = decode_le(coll.data() + p, 2);
    const std::uint64_t size = decode_le(coll.data() + p + 8, sizeof_size);
    if (size > coll.size() - p) return "heap object " + std::to_string(idx) + " runs past its collection";
    const std::uint64_t need = idx > 0 ? obj_header + align8(size) : size;
    if (need == 0 || need > coll.size() - p)
      return "heap object " + std::to_string(idx) + " has an impossible size " + std::to_string(size);
    if (idx > 0 && idx == index) {
      if (size < length) return "the string is longer than its heap object";
      found = true;
    }
    p += need;
  }
  if (found) return {};
  return "bad heap index " + std::to_string(index) + " (no such object in its collection)";
}

}  // namespace

// =================================================================================================
// H5Writer

struct H5Writer::Impl {
  std::string path;
  OutputTarget target;  // where the committed file goes (symlinks resolved)
  std::string temp;
  std::optional<H5::H5File> file;
  bool committed = false;

  ~Impl() {
    const auto lock = h5_lock();
    if (file) {
      try {
        file->close();
      } catch (...) {  // nothing useful to do in a destructor; the file is removed below
      }
      file.reset();
    }
    if (!committed && !temp.empty()) {
      std::error_code ec;
      fs::remove(temp, ec);
    }
  }

  H5::H5File& open_file(const char* what) {
    if (!file)
      io_error(path, std::string("cannot ") + what + ": " + (committed ? "the writer was committed" : "no open file"));
    return *file;
  }

  // Creates the groups above the object at `parts` that do not exist yet.
  void ensure_parents(const std::vector<std::string>& parts, std::size_t count) {
    H5::H5File& f = open_file("create a group");
    for (std::size_t i = 1; i <= count; ++i) {
      const std::string p = join_path(parts, i);
      if (f.nameExists(p)) {
        if (f.childObjType(p) != H5O_TYPE_GROUP) throw InputError(path, p, "is a dataset, not a group");
      } else {
        f.createGroup(p);
      }
    }
  }

  template <typename T>
  void write(const std::string& dataset_path, std::span<const T> values, const H5::PredType& file_type,
             const H5::PredType& mem_type) {
    const auto parts = split_path(path, dataset_path);
    if (parts.empty()) throw InputError(path, dataset_path, "a dataset needs a name");
    const std::string p = join_path(parts);
    const auto lock = h5_lock();
    try {
      H5::H5File& f = open_file("write a dataset");
      ensure_parents(parts, parts.size() - 1);
      if (f.nameExists(p)) throw InputError(path, p, "already exists");
      const hsize_t n = values.size();
      H5::DataSpace space(1, &n);
      H5::DSetCreatPropList props;
      if (n >= 4096) {  // long series: chunked, shuffled and deflated (float data compresses poorly without shuffle)
        const hsize_t chunk = std::min<hsize_t>(n, 65536);
        props.setChunk(1, &chunk);
        if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
          props.setShuffle();
          props.setDeflate(1);
        }
      }
      H5::DataSet ds = f.createDataSet(p, file_type, space, props);
      if (n > 0) ds.write(values.data(), mem_type);
    } catch (const H5::Exception& e) {
      io_error(path, "cannot write dataset " + p + ": " + h5_detail(e));
    }
  }

  template <typename Fn>
  void with_attribute_target(const std::string& object_path, const std::string& name, Fn&& fn) {
    const auto parts = split_path(path, object_path);
    const std::string p = join_path(parts);
    if (name.empty()) throw InputError(path, p, "an attribute needs a name");
    const auto lock = h5_lock();
    try {
      H5::H5File& f = open_file("write an attribute");
      const auto type = object_type(f, parts);
      if (!type || (*type != H5O_TYPE_GROUP && *type != H5O_TYPE_DATASET))
        throw InputError(path, p, "no such group or dataset to attach attribute \"" + name + "\" to");
      with_object(f, parts, *type, [&](H5::H5Object& obj) {
        if (obj.attrExists(name)) obj.removeAttr(name);
        fn(obj);
      });
    } catch (const H5::Exception& e) {
      io_error(path, "cannot write attribute \"" + name + "\" of " + p + ": " + h5_detail(e));
    }
  }
};

H5Writer::H5Writer(std::string path) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  const std::string& p = impl_->path;
  if (p.empty()) throw InputError("", "", "cannot create an HDF5 file with an empty path");
  // Symlinks are followed (the file they name is replaced); a character device, pipe or "-"
  // receives the finished file's bytes from a temporary file in the system's temp folder.
  impl_->target = resolve_output_path(p);
  OutputTarget temp_at = impl_->target;
  if (temp_at.kind != OutputTarget::Kind::file) {
    std::error_code ec;
    const fs::path dir = fs::temp_directory_path(ec);
    temp_at.kind = OutputTarget::Kind::file;
    temp_at.dir = ec ? std::string("/tmp") : dir.string();
    temp_at.path = (fs::path(temp_at.dir) / "ehub-stream.h5").string();
  }
  // Created exclusively by ehub first (a unique name; ehub's own message when the folder is
  // read-only or not a real folder such as /proc), then truncated and opened by HDF5.
  const std::string temp = create_temp_file(temp_at);
  impl_->temp = temp;
  const auto lock = h5_lock();
  try {
    // The 1.8 file format (superblock v2, object header v2): HDF5 checksums every object header,
    // so a damaged header is reported ("incorrect metadata checksum") instead of decoded; HDF5
    // 1.10 decodes damaged v1 headers out of bounds (found by the fuzzer). h5py, pandas and any
    // HDF5 >= 1.8 read it.
    H5::FileAccPropList fapl;
    fapl.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_V18);
    impl_->file.emplace(temp, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, fapl);
  } catch (const H5::Exception& e) {
    throw InputError(p, "", "cannot create HDF5 file \"" + temp + "\": " + h5_detail(e));
  }
}

H5Writer::~H5Writer() = default;
H5Writer::H5Writer(H5Writer&&) noexcept = default;
H5Writer& H5Writer::operator=(H5Writer&&) noexcept = default;

const std::string& H5Writer::path() const noexcept {
  static const std::string empty;
  return impl_ ? impl_->path : empty;
}

const std::string& H5Writer::temp_path() const noexcept {
  static const std::string empty;
  return impl_ ? impl_->temp : empty;
}

void H5Writer::write_vector(const std::string& dataset_path, std::span<const double> values) {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Writer");
  impl_->write(dataset_path, values, H5::PredType::IEEE_F64LE, H5::PredType::NATIVE_DOUBLE);
}

void H5Writer::write_vector_int64(const std::string& dataset_path, std::span<const std::int64_t> values) {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Writer");
  impl_->write(dataset_path, values, H5::PredType::STD_I64LE, H5::PredType::NATIVE_INT64);
}

void H5Writer::create_group(const std::string& group_path) {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Writer");
  const auto parts = split_path(impl_->path, group_path);
  const auto lock = h5_lock();
  try {
    impl_->ensure_parents(parts, parts.size());
  } catch (const H5::Exception& e) {
    io_error(impl_->path, "cannot create group " + join_path(parts) + ": " + h5_detail(e));
  }
}

void H5Writer::write_string_attribute(const std::string& object_path, const std::string& name,
                                      const std::string& value) {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Writer");
  impl_->with_attribute_target(object_path, name, [&](H5::H5Object& obj) {
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
    attr.write(type, value);
  });
}

void H5Writer::write_double_attribute(const std::string& object_path, const std::string& name, double value) {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Writer");
  impl_->with_attribute_target(object_path, name, [&](H5::H5Object& obj) {
    H5::Attribute attr = obj.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR));
    attr.write(H5::PredType::NATIVE_DOUBLE, &value);
  });
}

void H5Writer::commit() {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Writer");
  Impl& im = *impl_;
  {
    const auto lock = h5_lock();
    H5::H5File& f = im.open_file("commit");
    try {
      f.flush(H5F_SCOPE_GLOBAL);
      f.close();
    } catch (const H5::Exception& e) {
      const std::string detail = h5_detail(e);
      im.file.reset();
      std::error_code ec;
      fs::remove(im.temp, ec);
      im.temp.clear();
      io_error(im.path, "cannot finish the HDF5 file: " + detail);
    }
    im.file.reset();
  }
  if (im.target.kind != OutputTarget::Kind::file) {  // a device, a pipe or stdout: copy the bytes
    std::string bytes;
    try {
      bytes = read_text_file(im.temp, std::numeric_limits<std::size_t>::max());
    } catch (const InputError& e) {
      std::error_code ignored;
      fs::remove(im.temp, ignored);
      im.temp.clear();
      io_error(im.path, "cannot read back the temporary file: " + e.detail());
    }
    std::error_code ignored;
    fs::remove(im.temp, ignored);
    im.temp.clear();
    write_stream(im.target, bytes);
    im.committed = true;
    return;
  }
  fsync_path(im.temp, false);
  std::error_code ec;
  fs::rename(im.temp, im.target.path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(im.temp, ignored);
    im.temp.clear();
    io_error(im.path, "cannot rename the temporary file onto the target: " + ec.message());
  }
  im.committed = true;
  im.temp.clear();
  fs::path parent = fs::path(im.target.path).parent_path();
  fsync_path(parent.empty() ? std::string(".") : parent.string(), true);
}

// =================================================================================================
// H5Reader

struct H5Reader::Impl {
  std::string path;
  std::optional<H5::H5File> file;
  // Checks object headers from the file's bytes before HDF5 decodes them; used under the lock.
  mutable std::optional<detail::H5HeaderCheck> check;

  // object_type() with every object header on the way checked first.
  std::optional<H5O_type_t> type_of(const H5::H5File& f, const std::vector<std::string>& parts) const {
    return object_type(f, parts, &*check, path);
  }

  ~Impl() {
    const auto lock = h5_lock();
    if (file) {
      try {
        file->close();
      } catch (...) {  // a read-only file: nothing is lost
      }
      file.reset();
    }
  }

  // Runs fn under the HDF5 lock, turning HDF5 exceptions into InputError(path, object_path).
  template <typename Fn>
  auto guarded(const std::string& object_path, const char* what, Fn&& fn) const {
    if (!file) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
    const auto lock = h5_lock();
    try {
      return fn(*file);
    } catch (const H5::Exception& e) {
      throw InputError(path, object_path, std::string("cannot read ") + what + ": " + h5_detail(e));
    }
  }

  // Opens the 1-D dataset at `object_path`, checking existence and rank; returns its length. With
  // `reading`, a dataset about to be read must store data.
  H5::DataSet open_vector(const H5::H5File& f, const std::vector<std::string>& parts, hsize_t& n,
                          bool reading = true) const {
    const std::string p = join_path(parts);
    const auto type = type_of(f, parts);
    if (!type || *type != H5O_TYPE_DATASET) throw InputError(path, p, "no such dataset");
    H5::DataSet ds = f.openDataSet(p);
    const H5::DataSpace space = ds.getSpace();
    const int rank = space.getSimpleExtentNdims();
    if (rank != 1) throw InputError(path, p, "expected a 1-D dataset, got rank " + std::to_string(rank));
    space.getSimpleExtentDims(&n);
    // The length comes from the file: bounded before anything is allocated for it (a damaged
    // header once claimed 2^54 values). That the stored data matches it (compact and contiguous
    // sizes, every chunk) was checked with the header, before HDF5 opened the dataset. A dataset
    // that stores no data at all would read as n fill values: refused, since ehub writes every
    // value and a damaged header (an undefined address) could otherwise claim 10^8 of them.
    if (n > kMaxDatasetLength)
      throw InputError(path, p, "claims " + std::to_string(n) + " values, more than the " +
                                    std::to_string(kMaxDatasetLength) + " a dataset may have (a damaged file?)");
    if (reading && n > 0 && ds.getStorageSize() == 0)
      throw InputError(path, p, "claims " + std::to_string(n) + " values but stores none (a damaged or never written dataset?)");
    return ds;
  }

  // Opens attribute `name` of the object at `parts`, checking that it holds one element.
  H5::Attribute open_attribute(const H5::H5File& f, const std::vector<std::string>& parts,
                               const std::string& name) const {
    const std::string p = join_path(parts);
    const auto type = type_of(f, parts);
    if (!type || (*type != H5O_TYPE_GROUP && *type != H5O_TYPE_DATASET))
      throw InputError(path, p, "no such group or dataset");
    std::optional<H5::Attribute> attr;
    with_object(f, parts, *type, [&](H5::H5Object& obj) {
      if (!obj.attrExists(name)) throw InputError(path, p, "no attribute \"" + name + "\"");
      attr = obj.openAttribute(name);
    });
    if (attr->getSpace().getSimpleExtentNpoints() != 1)
      throw InputError(path, p, "attribute \"" + name + "\" is not a single value");
    return *attr;
  }
};

H5Reader::H5Reader(std::string path) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  const std::string& p = impl_->path;
  std::error_code ec;
  if (!fs::exists(p, ec)) throw InputError(p, "", "not a readable HDF5 file: no such file");
  if (fs::is_directory(p, ec)) throw InputError(p, "", "not a readable HDF5 file: it is a directory");
  if (::access(p.c_str(), R_OK) != 0) throw InputError(p, "", "not a readable HDF5 file: permission denied");
  const auto lock = h5_lock();
  try {
    if (!H5::H5File::isHdf5(p)) throw InputError(p, "", "not a readable HDF5 file: no HDF5 signature found");
    // The superblock and the root group's object header are checked before HDF5 opens the file
    // (opening it loads the root group's header).
    impl_->check.emplace(p);
    if (!impl_->check->problem().empty())
      throw InputError(p, "", "not a readable HDF5 file: " + impl_->check->problem());
    if (const auto found = impl_->check->check(impl_->check->root_address()); !found.problem.empty())
      throw InputError(p, "/", refusal(found));
    impl_->file.emplace(p, H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    throw InputError(p, "", "not a readable HDF5 file: " + h5_detail(e));
  }
}

H5Reader::~H5Reader() = default;
H5Reader::H5Reader(H5Reader&&) noexcept = default;
H5Reader& H5Reader::operator=(H5Reader&&) noexcept = default;

const std::string& H5Reader::path() const noexcept {
  static const std::string empty;
  return impl_ ? impl_->path : empty;
}

std::vector<std::string> H5Reader::list(const std::string& group_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, group_path);
  const std::string p = join_path(parts);
  return impl_->guarded(p, "the group", [&](const H5::H5File& f) {
    const auto type = impl_->type_of(f, parts);
    if (!type || *type != H5O_TYPE_GROUP) throw InputError(impl_->path, p, "no such group");
    const H5::Group g = f.openGroup(p);
    std::vector<std::string> names;
    const hsize_t n = g.getNumObjs();
    names.reserve(n);
    for (hsize_t i = 0; i < n; ++i) names.push_back(g.getObjnameByIdx(i));
    std::sort(names.begin(), names.end());
    return names;
  });
}

bool H5Reader::has(const std::string& object_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  return impl_->guarded(join_path(parts), "the object", [&](const H5::H5File& f) {
    const auto t = impl_->type_of(f, parts);
    return t && (*t == H5O_TYPE_GROUP || *t == H5O_TYPE_DATASET);
  });
}

bool H5Reader::is_dataset(const std::string& object_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  return impl_->guarded(join_path(parts), "the object", [&](const H5::H5File& f) {
    const auto t = impl_->type_of(f, parts);
    return t && *t == H5O_TYPE_DATASET;
  });
}

std::uint64_t H5Reader::object_address(const std::string& object_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  const std::string p = join_path(parts);
  return impl_->guarded(p, "the object", [&](const H5::H5File& f) {
    const auto t = impl_->type_of(f, parts);
    if (!t) throw InputError(impl_->path, p, "no such object");
    H5O_info_t info{};
    if (H5Oget_info_by_name2(f.getId(), p.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
      throw InputError(impl_->path, p, "cannot read the object's header: " + last_h5_error());
    return static_cast<std::uint64_t>(info.addr);
  });
}

bool H5Reader::is_group(const std::string& object_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  return impl_->guarded(join_path(parts), "the object", [&](const H5::H5File& f) {
    const auto t = impl_->type_of(f, parts);
    return t && *t == H5O_TYPE_GROUP;
  });
}

std::int64_t H5Reader::length(const std::string& dataset_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, dataset_path);
  return impl_->guarded(join_path(parts), "the dataset", [&](const H5::H5File& f) {
    hsize_t n = 0;
    impl_->open_vector(f, parts, n, false);
    return static_cast<std::int64_t>(n);
  });
}

Eigen::VectorXd H5Reader::read_vector(const std::string& dataset_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, dataset_path);
  const std::string p = join_path(parts);
  return impl_->guarded(p, "the dataset", [&](const H5::H5File& f) {
    hsize_t n = 0;
    const H5::DataSet ds = impl_->open_vector(f, parts, n);
    const H5T_class_t cls = ds.getTypeClass();
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw InputError(impl_->path, p, "expected a numeric dataset");
    Eigen::VectorXd v(static_cast<Eigen::Index>(n));
    if (n > 0) ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
    return v;
  });
}

std::vector<std::int64_t> H5Reader::read_vector_int64(const std::string& dataset_path) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, dataset_path);
  const std::string p = join_path(parts);
  return impl_->guarded(p, "the dataset", [&](const H5::H5File& f) {
    hsize_t n = 0;
    const H5::DataSet ds = impl_->open_vector(f, parts, n);
    if (ds.getTypeClass() != H5T_INTEGER)
      throw InputError(impl_->path, p, "expected an integer dataset, got another type (float or string?)");
    std::vector<std::int64_t> v(n);
    if (n > 0) ds.read(v.data(), H5::PredType::NATIVE_INT64);
    return v;
  });
}

bool H5Reader::has_attribute(const std::string& object_path, const std::string& name) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  return impl_->guarded(join_path(parts), "the attribute", [&](const H5::H5File& f) {
    const auto type = impl_->type_of(f, parts);
    if (!type || (*type != H5O_TYPE_GROUP && *type != H5O_TYPE_DATASET)) return false;
    bool found = false;
    with_object(f, parts, *type, [&](H5::H5Object& obj) { found = obj.attrExists(name); });
    return found;
  });
}

std::string H5Reader::string_attribute(const std::string& object_path, const std::string& name) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  const std::string p = join_path(parts);
  return impl_->guarded(p, "the attribute", [&](const H5::H5File& f) {
    const H5::Attribute attr = impl_->open_attribute(f, parts, name);
    if (attr.getTypeClass() != H5T_STRING)
      throw InputError(impl_->path, p, "attribute \"" + name + "\" is not a string");
    if (attr.getStrType().isVariableStr())
      if (const std::string bad = check_vlen_string_attribute(f, impl_->path, attr); !bad.empty())
        throw InputError(impl_->path, p, "attribute \"" + name + "\" is corrupt: " + bad);
    std::string value;
    const H5::StrType type = attr.getStrType();
    if (type.isVariableStr()) {
      // Read through the C API: a null string (heap address 0, which the check lets through)
      // reads as a null pointer, which the C++ API's read(StrType, std::string&) passed to
      // strlen (found by the fuzzer). It is the empty string, as h5py reads it.
      char* text = nullptr;
      if (H5Aread(attr.getId(), type.getId(), &text) < 0)
        throw InputError(impl_->path, p, "cannot read attribute \"" + name + "\": " + last_h5_error());
      if (text != nullptr) {
        value = text;
        H5free_memory(text);
      }
    } else {
      attr.read(type, value);
    }
    while (!value.empty() && value.back() == '\0') value.pop_back();  // fixed-length, null-padded
    return value;
  });
}

double H5Reader::double_attribute(const std::string& object_path, const std::string& name) const {
  if (!impl_) throw Error("ehub.io", "[ehub.io] use of a moved-from H5Reader");
  const auto parts = split_path(impl_->path, object_path);
  const std::string p = join_path(parts);
  return impl_->guarded(p, "the attribute", [&](const H5::H5File& f) {
    const H5::Attribute attr = impl_->open_attribute(f, parts, name);
    const H5T_class_t cls = attr.getTypeClass();
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
      throw InputError(impl_->path, p, "attribute \"" + name + "\" is not a number");
    double v = 0.0;
    attr.read(H5::PredType::NATIVE_DOUBLE, &v);
    return v;
  });
}

// =================================================================================================
// Series files

void write_series_h5(const std::string& path, const std::map<std::string, Series>& series) {
  const TimeGrid grid = series.empty() ? TimeGrid() : series.begin()->second.grid();
  for (const auto& [name, s] : series) {
    const auto parts = split_path(path, name);
    if (parts.empty()) throw InputError(path, "/" + name, "a series needs a non-empty name");
    if (parts.front() == "time") throw InputError(path, "/" + name, "the name \"time\" is reserved for the time axis");
    if (!(s.grid() == grid))
      throw InputError(path, join_path(parts),
                       "all series must share one grid; this one starts " + format_iso8601(s.grid().start_unix_s()) +
                           " with " + std::to_string(s.grid().size()) + " steps of " +
                           std::to_string(s.grid().step_minutes()) + " min, the first one " +
                           format_iso8601(grid.start_unix_s()) + " with " + std::to_string(grid.size()) + " steps of " +
                           std::to_string(grid.step_minutes()) + " min");
  }
  std::vector<std::int64_t> time(static_cast<std::size_t>(grid.size()));
  for (std::size_t i = 0; i < time.size(); ++i) time[i] = grid.time_unix_s(static_cast<std::int64_t>(i));

  H5Writer w(path);
  w.write_string_attribute("/", "format", "ehub.series.v1");
  w.write_vector_int64("/time", time);
  w.write_double_attribute("/time", "start_unix_s", static_cast<double>(grid.start_unix_s()));
  w.write_double_attribute("/time", "step_minutes", grid.step_minutes());
  for (const auto& [name, s] : series) {
    const Eigen::VectorXd& v = s.values();
    w.write_vector(name, std::span<const double>(v.data(), static_cast<std::size_t>(v.size())));
    w.write_string_attribute(name, "kind", std::string(to_string(s.kind())));
    w.write_double_attribute(name, "step_minutes", grid.step_minutes());
  }
  w.commit();
}

namespace {

// Collects the datasets below `group` (recursively) that carry a "kind" attribute. Each group is
// visited once (`seen` holds their addresses): a hard link back to a parent ends the descent.
void collect_series(const H5Reader& r, const std::string& group, std::vector<std::string>& out,
                    std::set<std::uint64_t>& seen) {
  if (!seen.insert(r.object_address(group)).second) return;
  for (const auto& name : r.list(group)) {
    const std::string p = (group == "/" ? "" : group) + "/" + name;
    if (r.is_group(p)) {
      collect_series(r, p, out, seen);
    } else if (r.is_dataset(p) && r.has_attribute(p, "kind")) {
      out.push_back(p);
    }
  }
}

std::string shortest(double v) {
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

// `step` as a supported step in minutes; the range check comes first so the cast is defined.
int checked_step_minutes(const std::string& path, const std::string& object, double step) {
  if (!(step >= 1 && step <= 60) || step != std::trunc(step) || !is_valid_step_minutes(static_cast<int>(step)))
    throw InputError(path, object, "step_minutes must be 5, 15, 30 or 60, got " + shortest(step));
  return static_cast<int>(step);
}

}  // namespace

std::map<std::string, Series> read_series_h5(const std::string& path) {
  const H5Reader r(path);
  if (!r.is_dataset("/time")) throw InputError(path, "/time", "no such dataset (not an ehub series file?)");
  const std::vector<std::int64_t> time = r.read_vector_int64("/time");
  const auto n = static_cast<std::int64_t>(time.size());
  // Times within +-10^15 s (31 million years, as for start_unix_s): differences and the grid's
  // times then cannot overflow (a damaged file held -2^61 and 6.9e18, found by the fuzzer).
  for (std::size_t i = 0; i < time.size(); ++i)
    if (time[i] <= -kMaxUnixSeconds || time[i] >= kMaxUnixSeconds)
      throw InputError(path, "/time",
                       "element " + std::to_string(i) + " is " + std::to_string(time[i]) +
                           " s, not a time ehub handles (within +-10^15 s of 1970)");
  int step_minutes = 60;
  if (r.has_attribute("/time", "step_minutes")) {
    step_minutes = checked_step_minutes(path, "/time", r.double_attribute("/time", "step_minutes"));
  } else if (n >= 2) {
    const std::int64_t d = time[1] - time[0];
    step_minutes = checked_step_minutes(path, "/time", static_cast<double>(d) / 60.0);
  }
  std::int64_t start = n > 0 ? time[0] : 0;
  if (n == 0 && r.has_attribute("/time", "start_unix_s")) {
    const double s = r.double_attribute("/time", "start_unix_s");
    if (!(std::fabs(s) < static_cast<double>(kMaxUnixSeconds)) || s != std::trunc(s))
      throw InputError(path, "/time", "attribute start_unix_s must be whole seconds, got " + shortest(s));
    start = static_cast<std::int64_t>(s);
  }
  TimeGrid grid;
  try {
    grid = TimeGrid(start, step_minutes, n);
  } catch (const InputError& e) {
    throw InputError(path, "/time", e.detail());
  }
  for (std::int64_t i = 0; i < n; ++i) {
    if (time[static_cast<std::size_t>(i)] != grid.time_unix_s(i))
      throw InputError(path, "/time",
                       "not a regular grid: element " + std::to_string(i) + " is " +
                           format_iso8601(time[static_cast<std::size_t>(i)]) + ", expected " +
                           format_iso8601(grid.time_unix_s(i)));
  }

  std::vector<std::string> datasets;
  std::set<std::uint64_t> seen;
  collect_series(r, "/", datasets, seen);
  std::map<std::string, Series> out;
  for (const auto& p : datasets) {
    Eigen::VectorXd values = r.read_vector(p);
    if (values.size() != n)
      throw InputError(path, p, "has " + std::to_string(values.size()) + " values but /time has " + std::to_string(n));
    if (r.has_attribute(p, "step_minutes")) {
      const int s = checked_step_minutes(path, p, r.double_attribute(p, "step_minutes"));
      if (s != step_minutes)
        throw InputError(path, p,
                         "step_minutes is " + std::to_string(s) + " but /time has " + std::to_string(step_minutes));
    }
    SeriesKind kind = SeriesKind::power;
    try {
      kind = series_kind_from_string(r.string_attribute(p, "kind"));
    } catch (const InputError& e) {
      if (!e.file().empty()) throw;
      throw InputError(path, p, "attribute kind: " + e.detail());
    }
    const std::string name = p.substr(1);
    out.emplace(name, Series(grid, std::move(values), kind, name));
  }
  return out;
}

}  // namespace ehub::io
