# FindPQ: libpq, PostgreSQL's client library (Debian libpq-dev), through pkg-config. Defines the
# imported target PQ::PQ. Used PRIVATE by the store's PostgreSQL backend.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_PQ QUIET IMPORTED_TARGET libpq)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PQ REQUIRED_VARS PC_PQ_FOUND VERSION_VAR PC_PQ_VERSION)
if(PQ_FOUND AND NOT TARGET PQ::PQ)
  add_library(PQ::PQ INTERFACE IMPORTED)
  target_link_libraries(PQ::PQ INTERFACE PkgConfig::PC_PQ)
endif()
