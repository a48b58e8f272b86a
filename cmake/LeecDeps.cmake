# The libraries leec links, behind two names every consumer uses:
#   leec_dep_cjson  cJSON (compiler, runtime, tests)
#   leec_dep_curl   libcurl (runtime)
#
# LEEC_LEAN=OFF: Debian's shared packages (pkg-config): the quick developer build.
# LEEC_LEAN=ON:  static libraries built from Debian's source packages by deps/build-lean.sh at
#                build time (libcurl with HTTP/1.1 + HTTPS only, one static TLS library, the CA
#                bundle compiled in; cJSON.c), cached in LEEC_LEAN_DEPS_DIR. What
#                Makefile.deploy ships and CI tests. See deps/README.md and docs/tls.md.
option(LEEC_LEAN "Link the lean static libcurl + cJSON built from Debian sources (deps/)" OFF)
set(LEEC_LEAN_TLS "wolfssl" CACHE STRING "TLS library of the lean libcurl: wolfssl|openssl|mbedtls")
set_property(CACHE LEEC_LEAN_TLS PROPERTY STRINGS wolfssl openssl mbedtls)
set(LEEC_LEAN_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt" CACHE STRING
    "CA bundle compiled into the lean libcurl as the default trust store (wolfssl; none: no default)")
set(LEEC_LEAN_DEPS_DIR "${CMAKE_BINARY_DIR}/lean-deps" CACHE PATH
    "Where deps/build-lean.sh caches the lean libraries (may be shared between build trees)")

find_package(PkgConfig REQUIRED)
if(NOT LEEC_LEAN)
  pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET libcjson)
  pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
  add_library(leec_dep_cjson INTERFACE)
  target_link_libraries(leec_dep_cjson INTERFACE PkgConfig::CJSON)
  add_library(leec_dep_curl INTERFACE)
  target_link_libraries(leec_dep_curl INTERFACE PkgConfig::CURL)
  return()
endif()

if(CMAKE_CROSSCOMPILING)
  set(_lean_triple "${LEEC_CROSS_TRIPLE}")
else()
  execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpmachine OUTPUT_VARIABLE _lean_triple
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
set(_lean_dir "${LEEC_LEAN_DEPS_DIR}/${LEEC_LEAN_TLS}-${_lean_triple}")
set(_lean_libdir "${_lean_dir}/lib")
# deps/build-lean.sh copies the static TLS libraries next to libcurl.a
if(LEEC_LEAN_TLS STREQUAL "wolfssl")
  set(_lean_tls_names wolfssl)
elseif(LEEC_LEAN_TLS STREQUAL "openssl")
  set(_lean_tls_names ssl crypto)
elseif(LEEC_LEAN_TLS STREQUAL "mbedtls")
  set(_lean_tls_names mbedtls mbedx509 mbedcrypto)
else()
  message(FATAL_ERROR "LEEC_LEAN_TLS must be wolfssl, openssl or mbedtls, not '${LEEC_LEAN_TLS}'")
endif()
set(_lean_tls_libs "")
foreach(n ${_lean_tls_names})
  list(APPEND _lean_tls_libs "${_lean_libdir}/lib${n}.a")
endforeach()
set(_lean_args --out "${_lean_dir}" --tls "${LEEC_LEAN_TLS}" --triple "${_lean_triple}"
    --ca-bundle "${LEEC_LEAN_CA_BUNDLE}" --jobs 2)
if(CMAKE_TOOLCHAIN_FILE)
  list(APPEND _lean_args --toolchain "${CMAKE_TOOLCHAIN_FILE}")
endif()
# Runs on every build: the script returns at once when its stamp matches (a rebuild costs
# nothing) and rebuilds when the configuration (TLS, compiler, flags, CA bundle, patches) changed.
add_custom_target(leec_lean_deps
  COMMAND bash "${CMAKE_SOURCE_DIR}/deps/build-lean.sh" ${_lean_args}
  BYPRODUCTS "${_lean_libdir}/libcurl.a" "${_lean_libdir}/libcjson.a" ${_lean_tls_libs}
  COMMENT "lean libcurl (${LEEC_LEAN_TLS}) + cJSON from Debian sources (deps/build-lean.sh)"
  VERBATIM)
file(MAKE_DIRECTORY "${_lean_dir}/include")

find_package(Threads REQUIRED)

add_library(leec_lean_curl STATIC IMPORTED GLOBAL)
set_target_properties(leec_lean_curl PROPERTIES
  IMPORTED_LOCATION "${_lean_libdir}/libcurl.a"
  INTERFACE_INCLUDE_DIRECTORIES "${_lean_dir}/include"
  INTERFACE_COMPILE_DEFINITIONS "CURL_STATICLIB"
  INTERFACE_LINK_LIBRARIES "${_lean_tls_libs};Threads::Threads;m")
add_library(leec_lean_cjson STATIC IMPORTED GLOBAL)
set_target_properties(leec_lean_cjson PROPERTIES
  IMPORTED_LOCATION "${_lean_libdir}/libcjson.a"
  INTERFACE_INCLUDE_DIRECTORIES "${_lean_dir}/include;${_lean_dir}/include/cjson")

add_library(leec_dep_cjson INTERFACE)
target_link_libraries(leec_dep_cjson INTERFACE leec_lean_cjson)
add_dependencies(leec_dep_cjson leec_lean_deps)
add_library(leec_dep_curl INTERFACE)
target_link_libraries(leec_dep_curl INTERFACE leec_lean_curl)
add_dependencies(leec_dep_curl leec_lean_deps)
# The probe (runtime/core/probe.c) reads the server certificate through wolfSSL's own API
# (curl's wolfSSL backend has no CURLINFO_CERTINFO).
if(LEEC_LEAN_TLS STREQUAL "wolfssl")
  target_include_directories(leec_dep_curl INTERFACE "${_lean_dir}/sysroot/usr/include")
  target_compile_definitions(leec_dep_curl INTERFACE LEEC_TLS_WOLFSSL)
endif()
message(STATUS "leec: lean static libcurl + cJSON (${LEEC_LEAN_TLS}, ${_lean_triple}) in ${_lean_dir}")
