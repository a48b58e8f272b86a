# The libraries leec links, behind two names every consumer uses:
#   leec_dep_cjson  cJSON (compiler, runtime, tests)
#   leec_dep_curl   libcurl (runtime)
# Today both come from Debian's shared packages (pkg-config). Swapping the
# implementation (e.g. a lean static libcurl) changes only this file.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
add_library(leec_dep_cjson INTERFACE)
target_link_libraries(leec_dep_cjson INTERFACE PkgConfig::CJSON)
add_library(leec_dep_curl INTERFACE)
target_link_libraries(leec_dep_curl INTERFACE PkgConfig::CURL)
