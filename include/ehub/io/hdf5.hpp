// HDF5 files for long series and result tables: a writer that only ever publishes complete files
// (temporary file + atomic rename) and a reader that turns every HDF5 failure into InputError.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ehub/core/series.hpp"
#include "ehub/export.hpp"

namespace ehub::io {

/// Writes an HDF5 file atomically: everything goes to `path + ".tmp-<pid>-<n>"` in the same
/// directory, and commit() closes that file and renames it onto `path`. Destroying the writer
/// without commit() (an exception, an early return) deletes the temporary file, so `path` either
/// keeps its previous content or receives the complete new file, never a half-written one.
///
/// Object paths are '/'-separated ("/flows/chp1.el"); missing intermediate groups are created;
/// a leading '/' is optional; names may contain any character but '/' ("chp1.el" is one name).
/// Datasets are 1-D, little-endian (float64 or int64), chunked and compressed when long.
/// Errors: a directory that does not exist or a bad object path -> InputError; any other HDF5
/// or file-system failure -> ehub::Error with id "ehub.io". All HDF5 calls of ehub are serialised
/// by one process-wide mutex, so writers and readers may be used from several threads.
class EHUB_EXPORT H5Writer {
 public:
  /// Creates the temporary file (a unique name, opened exclusively) next to `path`, or next to the
  /// file a symlink `path` names; for a character device, a pipe or "-" (stdout) in the system's
  /// temp folder, its bytes copied there at commit(). Throws InputError when the directory of
  /// `path` does not exist or cannot be written, or `path` is a directory or another special file.
  explicit H5Writer(std::string path);
  /// Removes the temporary file unless commit() succeeded.
  ~H5Writer();
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;
  /// Moves the open file to a new owner (the moved-from writer owns nothing).
  H5Writer(H5Writer&&) noexcept;
  /// Moves the open file to a new owner; a file this writer owned is discarded first.
  H5Writer& operator=(H5Writer&&) noexcept;

  /// Final path given at construction.
  const std::string& path() const noexcept;
  /// Path of the temporary file being written ("" after commit).
  const std::string& temp_path() const noexcept;

  /// Writes a float64 dataset; throws InputError when `dataset_path` already exists.
  void write_vector(const std::string& dataset_path, std::span<const double> values);
  /// Writes an int64 dataset; throws InputError when `dataset_path` already exists.
  void write_vector_int64(const std::string& dataset_path, std::span<const std::int64_t> values);
  /// Creates a group (and its parents) if it does not exist yet.
  void create_group(const std::string& group_path);
  /// Sets a UTF-8 string attribute on an existing group or dataset ("/" is the file's root),
  /// replacing an attribute of the same name.
  void write_string_attribute(const std::string& object_path, const std::string& name, const std::string& value);
  /// Sets a float64 attribute on an existing group or dataset, replacing one of the same name.
  void write_double_attribute(const std::string& object_path, const std::string& name, double value);
  /// Flushes and closes the temporary file, syncs it to disk and renames it onto path()
  /// (replacing an existing file). Throws ehub::Error on failure (the temporary file is removed).
  /// No write is allowed after commit.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads an HDF5 file (opened read-only for the reader's lifetime). Every failure is an
/// InputError naming the file and the object path: "run.h5: /flows/x: no such dataset".
class EHUB_EXPORT H5Reader {
 public:
  /// Opens `path`; throws InputError(path, "", "not a readable HDF5 file: ...") when the file is
  /// missing, unreadable, not HDF5 or truncated.
  explicit H5Reader(std::string path);
  /// Closes the file.
  ~H5Reader();
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;
  /// Moves the open file to a new owner.
  H5Reader(H5Reader&&) noexcept;
  /// Moves the open file to a new owner; a file this reader had open is closed first.
  H5Reader& operator=(H5Reader&&) noexcept;

  /// The file's path.
  const std::string& path() const noexcept;
  /// Names of the members of a group ("/" for the root), sorted; throws when it is no group.
  std::vector<std::string> list(const std::string& group_path = "/") const;
  /// True when a group or dataset exists at `object_path`.
  bool has(const std::string& object_path) const;
  /// Address of the object's header in the file: equal for two paths that are hard links to the
  /// same group or dataset (what a walk uses to visit each object once and not loop on a cycle).
  std::uint64_t object_address(const std::string& object_path) const;
  /// True when a dataset exists at `object_path`.
  bool is_dataset(const std::string& object_path) const;
  /// True when a group exists at `object_path`.
  bool is_group(const std::string& object_path) const;
  /// Number of elements of a 1-D dataset.
  std::int64_t length(const std::string& dataset_path) const;
  /// A 1-D numeric dataset converted to float64 (integers are converted).
  Eigen::VectorXd read_vector(const std::string& dataset_path) const;
  /// A 1-D integer dataset converted to int64; a floating dataset is an error.
  std::vector<std::int64_t> read_vector_int64(const std::string& dataset_path) const;
  /// True when the group or dataset has attribute `name`.
  bool has_attribute(const std::string& object_path, const std::string& name) const;
  /// A string attribute (fixed or variable length).
  std::string string_attribute(const std::string& object_path, const std::string& name) const;
  /// A numeric scalar attribute converted to float64.
  double double_attribute(const std::string& object_path, const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes series that share one TimeGrid to `path` (atomically, see H5Writer):
/// `/time` holds the int64 unix seconds of each step start (attributes `start_unix_s`,
/// `step_minutes`), and each series is a float64 dataset at its map key ("pv_kw",
/// "flows/chp1.el") with attributes `kind` ("power", "energy", "intensive") and `step_minutes`.
/// Throws InputError when the grids differ or a key is empty or "time".
EHUB_EXPORT void write_series_h5(const std::string& path, const std::map<std::string, Series>& series);

/// Reads every dataset that carries a `kind` attribute (at any depth) as a Series on the grid
/// given by `/time`, keyed by its path without the leading '/'. Throws InputError naming the
/// dataset when its length differs from `/time`, or `/time` is not a regular grid.
EHUB_EXPORT std::map<std::string, Series> read_series_h5(const std::string& path);

}  // namespace ehub::io
