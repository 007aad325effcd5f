// The "highs" backend: HiGHS (MIT licence) loaded at run time with dlopen, driven through its
// documented C API. ehub has no build-time dependency on HiGHS and copies none of its headers: the
// few C prototypes used are declared below (HighsInt is 32-bit in HiGHS's default build, checked
// at load through Highs_getSizeofHighsInt). Where the library is looked for: ehub/lp/highs.hpp.
//
// HiGHS solves LPs by dual or primal simplex or interior point (with crossover, so an LP always
// ends with a basis, duals and reduced costs) and MILPs by branch-and-cut. One HiGHS instance is
// kept per Solver: set_* change it in place and the next solve starts from HiGHS's kept basis (LP)
// or from the previous solution as a MIP start (MILP), as the cbc backend does.
//
// Threads. Separate HiGHS instances run concurrently on separate threads; each calling thread has
// its own HiGHS task scheduler, started by its first run with that run's `threads` option and
// fixed from then on. HiGHS 1.15's Highs_destroy resets the calling thread's scheduler, which is
// not safe while another thread is inside HiGHS (HiGHS pull request 3141). So ehub never destroys
// a HiGHS instance: a Solver that is done with one clears its model (Highs_clearModel) and hands
// it to a process-wide pool, from which the next Solver takes it (at most as many instances live
// as Solvers ever existed at once). Every call into HiGHS holds a process-wide shared lock, and
// Highs_resetGlobalScheduler, needed when a thread asks for another thread count, the exclusive
// one: solves run in parallel.
//
// Signs: HiGHS reports row duals and column duals (reduced costs) as d objective / d rhs and
// d objective / d x_j in the model's own sense, the convention of docs/lp.md.
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "backend_common.hpp"
#include "ehub/lp/highs.hpp"

namespace ehub::lp {

namespace {

// ---- the C API subset (declared from HiGHS's documented C API, interfaces/highs_c_api.h) -------

using HighsInt = std::int32_t;
// HighsCCallbackType: (callback_type, message, const HighsCallbackDataOut*, HighsCallbackDataIn*,
// user data); the data structs are not read here, so they are opaque.
using HighsCallback = void (*)(int, const char*, const void*, void*, void*);

constexpr HighsInt kStatusError = -1;
constexpr HighsInt kObjSenseMinimize = 1, kObjSenseMaximize = -1;
constexpr HighsInt kMatrixFormatColwise = 1;
constexpr HighsInt kSolutionStatusFeasible = 2;
constexpr HighsInt kOptionTypeBool = 0, kOptionTypeInt = 1, kOptionTypeDouble = 2, kOptionTypeString = 3;
constexpr int kCallbackLogging = 0;
enum ModelStatus : HighsInt {
  kNotset = 0, kLoadError = 1, kModelError = 2, kPresolveError = 3, kSolveError = 4, kPostsolveError = 5,
  kModelEmpty = 6, kOptimal = 7, kInfeasible = 8, kUnboundedOrInfeasible = 9, kUnbounded = 10,
  kObjectiveBound = 11, kObjectiveTarget = 12, kTimeLimit = 13, kIterationLimit = 14, kUnknown = 15,
  kSolutionLimit = 16, kInterrupt = 17,
};

// Supported versions: 1.7 (the C callback with data in/out) up to, not including, 2.0.
constexpr HighsInt kMinMinor = 7;

struct Api {
  void* handle = nullptr;
  std::string path, version;
  const char* (*version_string)() = nullptr;
  HighsInt (*version_major)() = nullptr;
  HighsInt (*version_minor)() = nullptr;
  HighsInt (*version_patch)() = nullptr;
  HighsInt (*sizeof_highs_int)(const void*) = nullptr;
  void* (*create)() = nullptr;
  HighsInt (*clear_model)(void*) = nullptr;
  void (*reset_global_scheduler)(HighsInt) = nullptr;
  HighsInt (*pass_lp)(void*, HighsInt, HighsInt, HighsInt, HighsInt, HighsInt, double, const double*, const double*,
                      const double*, const double*, const double*, const HighsInt*, const HighsInt*,
                      const double*) = nullptr;
  HighsInt (*pass_mip)(void*, HighsInt, HighsInt, HighsInt, HighsInt, HighsInt, double, const double*,
                       const double*, const double*, const double*, const double*, const HighsInt*,
                       const HighsInt*, const double*, const HighsInt*) = nullptr;
  HighsInt (*run)(void*) = nullptr;
  HighsInt (*get_model_status)(const void*) = nullptr;
  HighsInt (*get_solution)(const void*, double*, double*, double*, double*) = nullptr;
  HighsInt (*get_basis)(const void*, HighsInt*, HighsInt*) = nullptr;
  HighsInt (*set_basis)(void*, const HighsInt*, const HighsInt*) = nullptr;
  HighsInt (*set_solution)(void*, const double*, const double*, const double*, const double*) = nullptr;
  HighsInt (*set_bool_option)(void*, const char*, HighsInt) = nullptr;
  HighsInt (*set_int_option)(void*, const char*, HighsInt) = nullptr;
  HighsInt (*set_double_option)(void*, const char*, double) = nullptr;
  HighsInt (*set_string_option)(void*, const char*, const char*) = nullptr;
  HighsInt (*get_option_type)(const void*, const char*, HighsInt*) = nullptr;
  HighsInt (*reset_options)(void*) = nullptr;
  HighsInt (*get_int_info)(const void*, const char*, HighsInt*) = nullptr;
  HighsInt (*get_int64_info)(const void*, const char*, std::int64_t*) = nullptr;
  HighsInt (*get_double_info)(const void*, const char*, double*) = nullptr;
  HighsInt (*change_col_cost)(void*, HighsInt, double) = nullptr;
  HighsInt (*change_cols_cost_by_range)(void*, HighsInt, HighsInt, const double*) = nullptr;
  HighsInt (*change_col_bounds)(void*, HighsInt, double, double) = nullptr;
  HighsInt (*change_row_bounds)(void*, HighsInt, double, double) = nullptr;
  HighsInt (*set_callback)(void*, HighsCallback, void*) = nullptr;
  HighsInt (*start_callback)(void*, HighsInt) = nullptr;
  HighsInt (*stop_callback)(void*, HighsInt) = nullptr;
};

// dlsym into a typed function pointer (memcpy: no object-to-function pointer cast).
template <class F>
bool resolve(void* handle, const char* name, F& f) {
  void* p = dlsym(handle, name);
  if (!p) return false;
  static_assert(sizeof(F) == sizeof(void*));
  std::memcpy(&f, &p, sizeof p);
  return true;
}

// Opens `path` (a file, or a bare soname for the system search) and checks it; on failure
// returns nullptr with `why` set and nothing left open (except a HiGHS of the wrong version,
// which stays mapped: unloading a C++ library that may have started threads is not worth it).
std::unique_ptr<Api> open_api(const std::string& path, std::string& why, std::string& version) {
  dlerror();
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    why = e ? e : "cannot be opened";
    return nullptr;
  }
  auto api = std::make_unique<Api>();
  api->handle = h;
  api->path = path;
  if (!resolve(h, "Highs_versionMajor", api->version_major) || !resolve(h, "Highs_versionMinor", api->version_minor) ||
      !resolve(h, "Highs_versionPatch", api->version_patch)) {
    why = "exports no Highs_versionMajor/Minor/Patch: not HiGHS's C API (HiGHS 1.7 or later needed)";
    dlclose(h);
    return nullptr;
  }
  const HighsInt major = api->version_major(), minor = api->version_minor(), patch = api->version_patch();
  version = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  api->version = version;
  if (major != 1 || minor < kMinMinor) {
    why = "HiGHS " + version + " is not supported (ehub needs HiGHS 1." + std::to_string(kMinMinor) +
          " or a later 1.x)";
    return nullptr;
  }
  struct Sym {
    const char* name;
    bool ok;
  };
  const Sym syms[] = {
      {"Highs_version", resolve(h, "Highs_version", api->version_string)},
      {"Highs_getSizeofHighsInt", resolve(h, "Highs_getSizeofHighsInt", api->sizeof_highs_int)},
      {"Highs_create", resolve(h, "Highs_create", api->create)},
      {"Highs_clearModel", resolve(h, "Highs_clearModel", api->clear_model)},
      {"Highs_resetGlobalScheduler", resolve(h, "Highs_resetGlobalScheduler", api->reset_global_scheduler)},
      {"Highs_passLp", resolve(h, "Highs_passLp", api->pass_lp)},
      {"Highs_passMip", resolve(h, "Highs_passMip", api->pass_mip)},
      {"Highs_run", resolve(h, "Highs_run", api->run)},
      {"Highs_getModelStatus", resolve(h, "Highs_getModelStatus", api->get_model_status)},
      {"Highs_getSolution", resolve(h, "Highs_getSolution", api->get_solution)},
      {"Highs_getBasis", resolve(h, "Highs_getBasis", api->get_basis)},
      {"Highs_setBasis", resolve(h, "Highs_setBasis", api->set_basis)},
      {"Highs_setSolution", resolve(h, "Highs_setSolution", api->set_solution)},
      {"Highs_setBoolOptionValue", resolve(h, "Highs_setBoolOptionValue", api->set_bool_option)},
      {"Highs_setIntOptionValue", resolve(h, "Highs_setIntOptionValue", api->set_int_option)},
      {"Highs_setDoubleOptionValue", resolve(h, "Highs_setDoubleOptionValue", api->set_double_option)},
      {"Highs_setStringOptionValue", resolve(h, "Highs_setStringOptionValue", api->set_string_option)},
      {"Highs_getOptionType", resolve(h, "Highs_getOptionType", api->get_option_type)},
      {"Highs_resetOptions", resolve(h, "Highs_resetOptions", api->reset_options)},
      {"Highs_getIntInfoValue", resolve(h, "Highs_getIntInfoValue", api->get_int_info)},
      {"Highs_getInt64InfoValue", resolve(h, "Highs_getInt64InfoValue", api->get_int64_info)},
      {"Highs_getDoubleInfoValue", resolve(h, "Highs_getDoubleInfoValue", api->get_double_info)},
      {"Highs_changeColCost", resolve(h, "Highs_changeColCost", api->change_col_cost)},
      {"Highs_changeColsCostByRange", resolve(h, "Highs_changeColsCostByRange", api->change_cols_cost_by_range)},
      {"Highs_changeColBounds", resolve(h, "Highs_changeColBounds", api->change_col_bounds)},
      {"Highs_changeRowBounds", resolve(h, "Highs_changeRowBounds", api->change_row_bounds)},
      {"Highs_setCallback", resolve(h, "Highs_setCallback", api->set_callback)},
      {"Highs_startCallback", resolve(h, "Highs_startCallback", api->start_callback)},
      {"Highs_stopCallback", resolve(h, "Highs_stopCallback", api->stop_callback)},
  };
  for (const Sym& s : syms) {
    if (!s.ok) {
      why = "HiGHS " + version + " lacks the C function " + s.name;
      return nullptr;
    }
  }
  if (const HighsInt size = api->sizeof_highs_int(nullptr); size != static_cast<HighsInt>(sizeof(HighsInt))) {
    why = "HiGHS " + version + " is built with " + std::to_string(8 * size) +
          "-bit HighsInt; ehub needs the default 32-bit build";
    return nullptr;
  }
  return api;
}

// ---- the search -------------------------------------------------------------------------------

namespace fs = std::filesystem;

// libhighs*.so* files directly in `dir` (sorted: the plain name first when present).
std::vector<std::string> libraries_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("libhighs", 0) == 0 && name.find(".so") != std::string::npos && e.is_regular_file(ec))
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return out;
}

// Where a package directory of highspy or highsbox may hold libhighs: the package itself, its
// lib/ folders, highsbox's highs_dist/lib, and auditwheel's sibling "<package>.libs".
std::vector<std::string> candidates_in_package(const fs::path& pkg) {
  std::vector<std::string> out;
  for (const fs::path& d : {pkg, pkg / "lib", pkg / "lib64", pkg / "highs_dist" / "lib", pkg / "highs_dist" / "lib64",
                            fs::path(pkg.string() + ".libs")})
    for (auto& f : libraries_in(d)) out.push_back(std::move(f));
  return out;
}

std::mutex& hint_mutex() {
  static std::mutex m;
  return m;
}
std::vector<std::string>& python_hint_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}
bool& python_hints_set() {
  static bool set = false;
  return set;
}

// Asks the python3 on PATH where highspy / highsbox live and which site-packages it uses (one
// directory per line; nothing when there is no python3).
std::vector<std::string> ask_python_on_path() {
  static const char* const cmd =
      "python3 -c \"import importlib.util as u, site, sys\n"
      "for n in ('highspy', 'highsbox'):\n"
      "    try:\n"
      "        s = u.find_spec(n)\n"
      "    except Exception:\n"
      "        s = None\n"
      "    if s is not None and s.submodule_search_locations:\n"
      "        print(*s.submodule_search_locations, sep=chr(10))\n"
      "print(*site.getsitepackages(), sep=chr(10))\" 2>/dev/null";
  std::vector<std::string> dirs;
  FILE* p = popen(cmd, "r");
  if (!p) return dirs;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) dirs.push_back(line);
  }
  pclose(p);
  return dirs;
}

// site-packages folders under a prefix ($VIRTUAL_ENV, $CONDA_PREFIX): lib/python3*/site-packages.
std::vector<std::string> site_packages_of(const char* prefix) {
  std::vector<std::string> out;
  if (!prefix || !*prefix) return out;
  std::error_code ec;
  const fs::path lib = fs::path(prefix) / "lib";
  if (!fs::is_directory(lib, ec)) return out;
  for (const auto& e : fs::directory_iterator(lib, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("python3", 0) == 0 && fs::is_directory(e.path() / "site-packages", ec))
      out.push_back((e.path() / "site-packages").string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

HighsLibraryInfo info_from(const std::string& path, const std::unique_ptr<Api>& api, const std::string& why,
                           const std::string& version) {
  HighsLibraryInfo info;
  info.available = api != nullptr;
  info.path = api ? path : "";
  info.version = version;
  const std::string outcome = api ? std::string("HiGHS ") + version + ", loaded" : why;
  info.searched.push_back(outcome.rfind(path + ":", 0) == 0 ? outcome : path + ": " + outcome);
  info.reason = api ? "" : info.searched.back();
  return info;
}

// The search of ehub/lp/highs.hpp. Returns the info and, when found, the loaded API.
std::pair<HighsLibraryInfo, std::unique_ptr<Api>> search() {
  HighsLibraryInfo info;
  std::unique_ptr<Api> api;
  std::vector<std::string> refused;  // candidates that exist but were refused
  auto attempt = [&](const std::string& path) {
    std::string why, version;
    std::unique_ptr<Api> a = open_api(path, why, version);
    const std::string outcome = a ? std::string("HiGHS ") + version + ", loaded" : why;
    info.searched.push_back(outcome.rfind(path + ":", 0) == 0 ? outcome : path + ": " + outcome);
    if (a) {
      info.available = true;
      info.path = path;
      info.version = version;
      api = std::move(a);
      return true;
    }
    if (!version.empty() && info.version.empty()) info.version = version;
    refused.push_back(info.searched.back());
    return false;
  };

  if (const char* env = std::getenv("EHUB_HIGHS_LIBRARY"); env && *env) {
    if (!attempt(env))
      info.reason = "the library named by EHUB_HIGHS_LIBRARY was refused: " + refused.front();
    return {std::move(info), std::move(api)};
  }

  // 2. the Python environment
  std::vector<std::string> dirs;
  std::string python_source;
  {
    std::lock_guard lock(hint_mutex());
    if (python_hints_set()) {
      dirs = python_hint_dirs();
      python_source = "as told by the Python interpreter hosting ehub";
    }
  }
  if (python_source.empty()) {
    dirs = ask_python_on_path();
    python_source = dirs.empty() ? "asked python3 on PATH: no answer" : "asked python3 on PATH";
  }
  for (const char* var : {"VIRTUAL_ENV", "CONDA_PREFIX"})
    for (auto& d : site_packages_of(std::getenv(var))) dirs.push_back(std::move(d));
  std::vector<std::string> looked_dirs, seen;
  for (const std::string& d : dirs) {
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(fs::path(d), ec);
    const std::string key = ec ? d : canon.string();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    looked_dirs.push_back(d);
    const fs::path base(d);
    const std::string leaf = base.filename().string();
    std::vector<std::string> files;
    if (leaf == "highspy" || leaf == "highsbox") {
      files = candidates_in_package(base);
    } else {  // a site-packages folder
      for (const char* pkg : {"highspy", "highsbox"})
        for (auto& f : candidates_in_package(base / pkg)) files.push_back(std::move(f));
    }
    for (const std::string& f : files)
      if (attempt(f)) return {std::move(info), std::move(api)};
  }

  // 3. the system's library path (a miss there is normal: only refusals are reported)
  const std::size_t refused_before_system = refused.size();
  for (const char* soname : {"libhighs.so", "libhighs.so.1"}) {
    if (attempt(soname)) return {std::move(info), std::move(api)};
    if (refused.back().find("cannot open shared object file") != std::string::npos) refused.pop_back();
  }
  const bool system_refused = refused.size() > refused_before_system;

  std::string r = "no usable libhighs found; looked in: EHUB_HIGHS_LIBRARY (not set); the Python environment (";
  r += python_source + "):";
  if (looked_dirs.empty()) r += " no directories";
  for (std::size_t k = 0; k < looked_dirs.size(); ++k) r += (k ? ", " : " ") + looked_dirs[k];
  r += std::string("; the system library path (libhighs.so, libhighs.so.1: ") +
       (system_refused ? "refused)" : "not found)");
  if (!refused.empty()) {
    r += ". Refused: ";
    for (std::size_t k = 0; k < refused.size(); ++k) r += (k ? "; " : "") + refused[k];
  }
  r += ". Install it with `pip install highsbox` (the HiGHS team's binary distribution; highspy's wheels "
       "link HiGHS into their extension without its C API) or set EHUB_HIGHS_LIBRARY to a libhighs.so of "
       "HiGHS 1.7 or a later 1.x";
  info.reason = std::move(r);
  return {std::move(info), std::move(api)};
}

struct LibraryState {
  std::mutex mutex;
  std::optional<HighsLibraryInfo> info;
  std::unique_ptr<Api> api;  // kept for the life of the process once loaded
};

LibraryState& library_state() {
  static LibraryState s;
  return s;
}

// The loaded API or nullptr; searches on first use (and again after a failed search once the
// Python module has told where to look).
const Api* loaded_api(HighsLibraryInfo* out = nullptr) {
  LibraryState& s = library_state();
  std::lock_guard lock(s.mutex);
  if (!s.info) {
    auto [info, api] = search();
    s.info = std::move(info);
    s.api = std::move(api);
  }
  if (out) *out = *s.info;
  return s.api.get();
}

// ---- calls into HiGHS -------------------------------------------------------------------------

// Shared for every call into HiGHS, exclusive for Highs_resetGlobalScheduler (see the file comment).
std::shared_mutex& highs_call_mutex() {
  static std::shared_mutex m;
  return m;
}

// The `threads` value this thread's HiGHS scheduler was started with (0: not started, or reset).
thread_local int tl_scheduler_threads = 0;

// HiGHS instances with no model, ready for the next Solver (never destroyed: see the file comment).
struct InstancePool {
  std::mutex mutex;
  std::vector<void*> free;
};
// Never destroyed (static destructors may run while another thread still releases a Solver, and
// the instances stay reachable for leak checkers).
InstancePool& instance_pool() {
  static InstancePool* const p = new InstancePool;
  return *p;
}

void log_callback(int type, const char* message, const void*, void*, void* user) {
  if (type != kCallbackLogging || !message || !user) return;
  static_cast<detail::LogSink*>(user)->write(message);  // noexcept: never unwinds into HiGHS
}

using detail::backend_bound;
using detail::fmt_num;
using detail::LogSink;
using detail::Stopwatch;

bool parse_on_off(const std::string& key, const std::string& v) {
  if (v == "on" || v == "1" || v == "true") return true;
  if (v == "off" || v == "0" || v == "false") return false;
  throw InputError("", "/backend_options/highs:" + key, "expects on or off, got '" + v + "'");
}

double parse_number(const std::string& key, const std::string& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size() && !std::isnan(d)) return d;
  } catch (const std::exception&) {
  }
  throw InputError("", "/backend_options/highs:" + key, "expects a number, got '" + v + "'");
}

class HighsBackend final : public Solver {
 public:
  explicit HighsBackend(const Api& api) : api_(api) {}
  HighsBackend(const HighsBackend&) = delete;
  HighsBackend& operator=(const HighsBackend&) = delete;
  ~HighsBackend() override { release(); }

  std::string name() const override { return "highs"; }
  Capabilities capabilities() const override { return detail::kHighsCapabilities; }

  void load(const Model& model) override {
    model.validate();
    const Stopwatch sw;
    const detail::CscMatrix a = detail::to_csc(model, "highs");
    const std::vector<double> col_lb = detail::backend_bounds(model.col_lower());
    const std::vector<double> col_ub = detail::backend_bounds(model.col_upper());
    const std::vector<double> row_lb = detail::backend_bounds(model.row_lower());
    const std::vector<double> row_ub = detail::backend_bounds(model.row_upper());
    const auto types = model.col_type();
    std::vector<HighsInt> integrality(types.size());
    bool mip = false;
    for (std::size_t j = 0; j < types.size(); ++j) {
      integrality[j] = types[j] == VarType::continuous ? 0 : 1;
      mip = mip || integrality[j] != 0;
    }
    release();
    std::shared_lock lock(highs_call_mutex());
    void* h = nullptr;
    {
      InstancePool& pool = instance_pool();
      std::lock_guard pool_lock(pool.mutex);
      if (!pool.free.empty()) {
        h = pool.free.back();
        pool.free.pop_back();
      }
    }
    if (!h) h = api_.create();
    if (!h) throw SolverError("highs", "Highs_create returned no instance");
    highs_ = h;
    api_.set_bool_option(h, "output_flag", 0);  // HiGHS logs to stdout by default
    const HighsInt n = model.num_vars(), m = model.num_rows();
    const auto nnz = static_cast<HighsInt>(a.value.size());
    const HighsInt sense = model.sense() == Sense::maximize ? kObjSenseMaximize : kObjSenseMinimize;
    const double* obj = model.objective().data();
    const HighsInt st =
        mip ? api_.pass_mip(h, n, m, nnz, kMatrixFormatColwise, sense, model.obj_constant(), obj, col_lb.data(),
                            col_ub.data(), row_lb.data(), row_ub.data(), a.start.data(), a.index.data(),
                            a.value.data(), integrality.data())
            : api_.pass_lp(h, n, m, nnz, kMatrixFormatColwise, sense, model.obj_constant(), obj, col_lb.data(),
                           col_ub.data(), row_lb.data(), row_ub.data(), a.start.data(), a.index.data(),
                           a.value.data());
    if (st == kStatusError) {
      lock.unlock();
      release();
      throw SolverError("highs", "HiGHS rejected the model (Highs_passLp/Highs_passMip returned an error)");
    }
    cost_.assign(model.objective().begin(), model.objective().end());
    types_.assign(types.begin(), types.end());
    obj_constant_ = model.obj_constant();
    num_vars_ = n;
    num_rows_ = m;
    is_mip_ = mip;
    maximize_ = model.sense() == Sense::maximize;
    last_solution_.clear();
    pending_handoff_s_ = sw.seconds();
  }

  SolveResult solve(const SolveOptions& options) override {
    const Stopwatch sw;
    if (!highs_) throw SolverError("highs", "solve() called before load()");
    detail::check_options(options, num_vars_);
    SolveResult r;
    r.solver = "highs";
    r.handoff_seconds = pending_handoff_s_;
    pending_handoff_s_ = 0.0;
    LogSink sink(options);
    prepare_threads(options.threads, r);
    {
      std::shared_lock lock(highs_call_mutex());
      apply_options(options, sw, sink, r);  // may throw InputError for a bad backend option
      // The log callback points at `sink`, which dies with this call: started here, stopped on
      // every way out.
      struct CallbackScope {
        const Api& api;
        void* h;
        bool on;
        ~CallbackScope() {
          if (on) api.stop_callback(h, kCallbackLogging);
        }
      } scope{api_, highs_, sink.verbosity() > 0};
      if (scope.on) {
        api_.set_callback(highs_, &log_callback, &sink);
        api_.start_callback(highs_, kCallbackLogging);
      }
      run_and_collect(options, sw, r);
    }
    tl_scheduler_threads = options.threads;
    sink.rethrow_if_failed();
    r.seconds = sw.seconds();
    return r;
  }

  void set_objective_coefficient(std::int32_t var, double coef) override {
    require_loaded();
    detail::check_objective_call(var, num_vars_, coef);
    std::shared_lock lock(highs_call_mutex());
    if (api_.change_col_cost(highs_, var, coef) == kStatusError)
      throw SolverError("highs", "Highs_changeColCost failed for " + detail::var_path(var));
    cost_[static_cast<std::size_t>(var)] = coef;
  }

  void set_var_bounds(std::int32_t var, double lb, double ub) override {
    require_loaded();
    detail::check_var_bounds_call(var, num_vars_, lb, ub);
    std::shared_lock lock(highs_call_mutex());
    if (api_.change_col_bounds(highs_, var, backend_bound(lb), backend_bound(ub)) == kStatusError)
      throw SolverError("highs", "Highs_changeColBounds failed for " + detail::var_path(var));
  }

  void set_row_bounds(std::int32_t row, double lb, double ub) override {
    require_loaded();
    detail::check_row_bounds_call(row, num_rows_, lb, ub);
    std::shared_lock lock(highs_call_mutex());
    if (api_.change_row_bounds(highs_, row, backend_bound(lb), backend_bound(ub)) == kStatusError)
      throw SolverError("highs", "Highs_changeRowBounds failed for " + detail::row_path(row));
  }

 private:
  void require_loaded() const {
    if (!highs_) throw SolverError("highs", "no model loaded: call load() first");
  }

  // Hands the instance back to the pool, its model cleared.
  void release() noexcept {
    if (!highs_) return;
    {
      std::shared_lock lock(highs_call_mutex());
      api_.clear_model(highs_);
    }
    try {
      InstancePool& pool = instance_pool();
      std::lock_guard pool_lock(pool.mutex);
      pool.free.push_back(highs_);
    } catch (...) {  // no memory for the pool's slot: the instance is leaked, not destroyed
    }
    highs_ = nullptr;
  }

  // HiGHS fixes a thread's scheduler size at its first run: a different `threads` later needs a
  // reset (exclusive, see the file comment).
  void prepare_threads(int threads, SolveResult&) {
    if (tl_scheduler_threads == 0 || tl_scheduler_threads == threads) return;
    std::unique_lock lock(highs_call_mutex());
    api_.reset_global_scheduler(1);
    tl_scheduler_threads = 0;
  }

  void set_double(const char* name, double v) { api_.set_double_option(highs_, name, v); }
  void set_int(const char* name, HighsInt v) { api_.set_int_option(highs_, name, v); }
  void set_string(const char* name, const char* v) { api_.set_string_option(highs_, name, v); }

  // Maps SolveOptions onto HiGHS options; every solve starts from HiGHS's defaults.
  void apply_options(const SolveOptions& o, const Stopwatch& sw, LogSink& sink, SolveResult& r) {
    void* h = highs_;
    api_.reset_options(h);
    const bool verbose = sink.verbosity() > 0;
    api_.set_bool_option(h, "output_flag", verbose ? 1 : 0);
    api_.set_bool_option(h, "log_to_console", 0);
    if (verbose && sink.verbosity() >= 3) set_int("log_dev_level", 1);
    if (std::isfinite(o.time_limit_s)) set_double("time_limit", std::max(1e-3, o.time_limit_s - sw.seconds()));
    set_int("threads", o.threads);
    set_string("presolve", o.presolve ? "on" : "off");
    if (is_mip_) {
      set_double("mip_rel_gap", o.mip_gap);
      if (o.lp_algorithm != LpAlgorithm::automatic)
        r.warnings.push_back("highs: lp_algorithm applies to LPs; HiGHS's branch-and-cut chooses its own LP solver");
      const std::vector<double>* start = nullptr;
      std::vector<double> rounded;
      if (!o.mip_start.empty()) {
        rounded = detail::rounded_mip_start(o.mip_start, types_);
        start = &rounded;
      } else if (!last_solution_.empty()) {
        start = &last_solution_;  // the previous solve's solution (see the file comment)
      }
      if (start && api_.set_solution(h, start->data(), nullptr, nullptr, nullptr) == kStatusError)
        r.warnings.push_back("highs: HiGHS did not accept the MIP start");
    } else {
      if (!o.mip_start.empty()) r.warnings.push_back("highs: the model has no integer variables; mip_start ignored");
      switch (o.lp_algorithm) {
        case LpAlgorithm::automatic: break;
        case LpAlgorithm::primal_simplex:
          set_string("solver", "simplex");
          set_int("simplex_strategy", 4);
          break;
        case LpAlgorithm::dual_simplex:
          set_string("solver", "simplex");
          set_int("simplex_strategy", 1);
          break;
        case LpAlgorithm::interior_point: set_string("solver", "ipm"); break;
      }
    }
    for (const auto& [key, value] : detail::backend_options_for(o, "highs", r.warnings)) {
      HighsInt type = -1;
      if (api_.get_option_type(h, key.c_str(), &type) == kStatusError) {
        r.warnings.push_back("unknown backend option 'highs:" + key + "' ignored (not an option of HiGHS " +
                             api_.version + ")");
        continue;
      }
      HighsInt st = 0;
      if (type == kOptionTypeBool) {
        st = api_.set_bool_option(h, key.c_str(), parse_on_off(key, value) ? 1 : 0);
      } else if (type == kOptionTypeInt) {
        const double d = parse_number(key, value);
        if (d != std::floor(d) || std::abs(d) > std::numeric_limits<HighsInt>::max())
          throw InputError("", "/backend_options/highs:" + key, "expects an integer, got '" + value + "'");
        st = api_.set_int_option(h, key.c_str(), static_cast<HighsInt>(d));
      } else if (type == kOptionTypeDouble) {
        st = api_.set_double_option(h, key.c_str(), parse_number(key, value));
      } else if (type == kOptionTypeString) {
        st = api_.set_string_option(h, key.c_str(), value.c_str());
      }
      if (st == kStatusError)
        throw InputError("", "/backend_options/highs:" + key, "HiGHS rejected the value '" + value + "'");
    }
  }

  HighsInt int_info(const char* name) const {
    HighsInt v = 0;
    return api_.get_int_info(highs_, name, &v) == kStatusError ? 0 : v;
  }
  double double_info(const char* name, double fallback) const {
    double v = 0;
    return api_.get_double_info(highs_, name, &v) == kStatusError ? fallback : v;
  }

  std::int64_t lp_iterations() const {
    std::int64_t it = 0;
    for (const char* k : {"simplex_iteration_count", "ipm_iteration_count", "crossover_iteration_count"})
      it += std::max<HighsInt>(0, int_info(k));
    return it;
  }

  double objective_of(const std::vector<double>& x) const {
    double s = obj_constant_;
    for (std::size_t j = 0; j < x.size(); ++j) s += cost_[j] * x[j];
    return s;
  }

  // Solves the loaded model with a zero objective: is it feasible? 1 yes, 0 no, -1 undecided.
  // The costs are restored afterwards (the basis found stays: it is primal feasible).
  int feasibility(const Stopwatch& sw, const SolveOptions& o) {
    if (num_vars_ == 0) return -1;
    const std::vector<double> zero(static_cast<std::size_t>(num_vars_), 0.0);
    api_.change_cols_cost_by_range(highs_, 0, num_vars_ - 1, zero.data());
    if (std::isfinite(o.time_limit_s)) set_double("time_limit", std::max(1e-3, o.time_limit_s - sw.seconds()));
    api_.run(highs_);
    const HighsInt st = api_.get_model_status(highs_);
    api_.change_cols_cost_by_range(highs_, 0, num_vars_ - 1, cost_.data());
    return st == kOptimal ? 1 : st == kInfeasible ? 0 : -1;
  }

  void run_and_collect(const SolveOptions& o, const Stopwatch& sw, SolveResult& r) {
    void* h = highs_;
    const HighsInt run_status = api_.run(h);
    HighsInt ms = api_.get_model_status(h);
    r.iterations = lp_iterations();
    if (is_mip_) {
      std::int64_t nodes = 0;
      if (api_.get_int64_info(h, "mip_node_count", &nodes) != kStatusError) r.nodes = std::max<std::int64_t>(0, nodes);
    }
    const bool primal_feasible = int_info("primal_solution_status") == kSolutionStatusFeasible;
    switch (ms) {
      case kOptimal:
      case kModelEmpty:
        r.status = Status::optimal;
        r.message = ms == kOptimal ? "HiGHS: optimal" : "HiGHS: empty model";
        break;
      case kInfeasible:
        r.status = Status::infeasible;
        r.message = "HiGHS: infeasible";
        break;
      case kUnbounded:
      case kUnboundedOrInfeasible: {
        // An LP HiGHS calls unbounded is; otherwise (presolve could not tell, or the MILP's
        // relaxation is unbounded) a zero-objective solve decides whether a feasible point exists.
        if (ms == kUnbounded && !is_mip_) {
          r.status = Status::unbounded;
          r.message = "HiGHS: unbounded";
          break;
        }
        const int f = feasibility(sw, o);
        r.status = f == 1 ? Status::unbounded : f == 0 ? Status::infeasible : Status::infeasible_or_unbounded;
        r.message = f == 1   ? "HiGHS: unbounded (a feasible point exists and the objective is unbounded)"
                    : f == 0 ? "HiGHS: infeasible (decided by a zero-objective solve)"
                             : "HiGHS: unbounded or infeasible";
        return;  // no solution to copy
      }
      case kTimeLimit:
      case kIterationLimit:
      case kSolutionLimit:
      case kInterrupt:
      case kObjectiveBound:
      case kObjectiveTarget:
      case kUnknown:
        r.status = primal_feasible ? Status::feasible : ms == kTimeLimit ? Status::time_limit : Status::error;
        r.message = ms == kTimeLimit        ? "HiGHS: time limit"
                    : ms == kIterationLimit ? "HiGHS: iteration limit"
                    : ms == kSolutionLimit  ? "HiGHS: solution limit"
                    : ms == kInterrupt      ? "HiGHS: interrupted"
                    : ms == kUnknown        ? "HiGHS: stopped with status unknown"
                                            : "HiGHS: stopped on an objective bound or target";
        break;
      default:
        r.status = Status::error;
        r.message = "HiGHS: model status " + std::to_string(ms) + " (Highs_run returned " +
                    std::to_string(run_status) + ")";
        return;
    }
    if (!has_solution(r.status)) return;
    const auto n = static_cast<std::size_t>(num_vars_), m = static_cast<std::size_t>(num_rows_);
    r.x.assign(n, 0.0);
    r.row_activity.assign(m, 0.0);
    std::vector<double> col_dual(n), row_dual(m);
    if (n > 0 || m > 0) api_.get_solution(h, r.x.data(), col_dual.data(), r.row_activity.data(), row_dual.data());
    r.objective = objective_of(r.x);
    if (!is_mip_) {
      r.best_bound = r.objective;
      if (r.status == Status::optimal) {
        r.duals = std::move(row_dual);
        r.reduced_costs = std::move(col_dual);
      }
      return;
    }
    const double bound = double_info("mip_dual_bound", r.objective);
    if (std::isfinite(bound) && std::abs(bound) < 1e40) r.best_bound = bound;
    else r.best_bound = r.status == Status::optimal ? r.objective : (maximize_ ? kInf : -kInf);
    r.gap = detail::relative_gap(r.objective, r.best_bound);
    last_solution_ = r.x;
  }

  const Api& api_;
  void* highs_ = nullptr;
  std::vector<double> cost_;
  std::vector<VarType> types_;
  std::vector<double> last_solution_;
  double obj_constant_ = 0.0;
  double pending_handoff_s_ = 0.0;
  std::int32_t num_vars_ = 0, num_rows_ = 0;
  bool is_mip_ = false;
  bool maximize_ = false;
};

}  // namespace

HighsLibraryInfo highs_library() {
  HighsLibraryInfo info;
  loaded_api(&info);
  return info;
}

HighsLibraryInfo probe_highs_library(const std::string& path) {
  std::string why, version;
  std::unique_ptr<Api> api = open_api(path, why, version);
  HighsLibraryInfo info = info_from(path, api, why, version);
  if (api) {  // stays mapped (see open_api)
    static std::mutex m;
    static std::vector<std::unique_ptr<Api>> probed;
    std::lock_guard lock(m);
    probed.push_back(std::move(api));
  }
  return info;
}

void set_highs_python_dirs(std::vector<std::string> dirs) {
  {
    std::lock_guard lock(hint_mutex());
    python_hint_dirs() = std::move(dirs);
    python_hints_set() = true;
  }
  LibraryState& s = library_state();
  std::lock_guard lock(s.mutex);
  if (s.info && !s.info->available) s.info.reset();  // search again with the new directories
}

namespace detail {

Availability highs_availability() {
  HighsLibraryInfo info;
  const Api* api = loaded_api(&info);
  return api ? Availability{} : Availability{false, "HiGHS is not available: " + info.reason};
}

std::unique_ptr<Solver> make_highs_backend() {
  HighsLibraryInfo info;
  const Api* api = loaded_api(&info);
  if (!api) throw SolverError("highs", "HiGHS is not available: " + info.reason);
  return std::make_unique<HighsBackend>(*api);
}

}  // namespace detail

}  // namespace ehub::lp
