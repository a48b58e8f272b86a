# The prebuilt lean runtime ("kit") for one architecture, included by runtime/CMakeLists.txt
# when LEEC_LEAN is on. `leec package` and the installed leec_add_bootstrap() compile only
# the project's tables and the sources that read them (LEEC_RT_TABLE_SOURCES) and link this:
#
#   <LEEC_KIT_DIR>/runtime/        the runtime's sources and headers (host build only)
#   <LEEC_KIT_DIR>/<arch>/         arch: x86_64 | arm64 (Lambda's names)
#       libleec_rt.a               LEEC_RT_* of runtime/sources.cmake, -Os, sections, fat LTO
#       libcurl.a libcjson.a lib<tls>.a   the lean static libraries (deps/build-lean.sh;
#                                  the embedded CA object is inside libcurl.a)
#       include/                   their headers (curl/, cjson/)
#       bootstrap.txt              the manifest: compiler, sources, flags, libraries in link
#                                  order (read by compiler/cli/kit.c and leec_add_bootstrap)
#
# LEEC_KIT_DIR is <build>/lib/leec (beside <build>/compiler/leec's ../lib/leec, so the
# build's leec finds it as an installed leec finds <prefix>/lib/leec) and is installed as
# <prefix>/lib/leec. The host build also builds the arm64 kit through a cross-compiling
# sub-build when aarch64-linux-gnu-gcc is present (LEEC_KIT_ARM64=AUTO|ON|OFF).
set(LEEC_KIT_DIR "${CMAKE_BINARY_DIR}/lib/leec" CACHE PATH "Where the prebuilt runtime kit goes")
if(_lean_triple STREQUAL "x86_64-linux-gnu")
  set(_kit_arch x86_64)
elseif(_lean_triple STREQUAL "aarch64-linux-gnu")
  set(_kit_arch arm64)
else()
  message(STATUS "leec: no runtime kit for ${_lean_triple} (Lambda runs x86_64 and arm64)")
  return()
endif()
set(_kit "${LEEC_KIT_DIR}/${_kit_arch}")

# Release objects: -Os, one section per function and object for --gc-sections. No LTO
# IR: the link of each project must take seconds, and it uses the machine code.
set(LEEC_KIT_CFLAGS -Os -g0 -DNDEBUG -ffunction-sections -fdata-sections)
set(LEEC_KIT_LDFLAGS -Wl,--gc-sections -Wl,--as-needed -Wl,-O1 -s)
add_library(leec_rt_kit STATIC ${LEEC_RT_SOURCES} ${LEEC_RT_GENERATED})
target_include_directories(leec_rt_kit PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}"
                           "${CMAKE_CURRENT_BINARY_DIR}")
# no path of this machine in the installed objects (.file names, __FILE__)
target_compile_options(leec_rt_kit PRIVATE ${LEEC_KIT_CFLAGS}
                       "-ffile-prefix-map=${CMAKE_SOURCE_DIR}/=" "-ffile-prefix-map=${CMAKE_BINARY_DIR}/=")
target_compile_definitions(leec_rt_kit PRIVATE LEEC_VERSION="${PROJECT_VERSION}")
target_link_libraries(leec_rt_kit PRIVATE leec_dep_cjson leec_dep_curl)
set_target_properties(leec_rt_kit PROPERTIES OUTPUT_NAME leec_rt ARCHIVE_OUTPUT_DIRECTORY "${_kit}")

# The manifest: one "key value" per line, paths relative to its directory.
set(_m "# leec runtime kit for ${_kit_arch}: written by cmake/LeecKit.cmake\n")
string(APPEND _m "arch ${_kit_arch}\n")
# the name a user's machine has it under (gcc, aarch64-linux-gnu-gcc), not /usr/bin/cc
get_filename_component(_cc "${CMAKE_C_COMPILER}" NAME)
if(NOT CMAKE_CROSSCOMPILING AND CMAKE_C_COMPILER_ID STREQUAL "GNU" AND _cc STREQUAL "cc")
  set(_cc gcc)
endif()
string(APPEND _m "cc ${_cc}\n")
string(APPEND _m "gcc_version ${CMAKE_C_COMPILER_VERSION}\n")
string(APPEND _m "runtime ../runtime\n")
foreach(src ${LEEC_RT_TABLE_SOURCES})
  string(APPEND _m "source ${src}\n")
endforeach()
string(APPEND _m "include include\ninclude include/cjson\n")
foreach(f ${LEEC_KIT_CFLAGS})
  string(APPEND _m "cflag ${f}\n")
endforeach()
string(APPEND _m "define LEEC_VERSION=\"${PROJECT_VERSION}\"\ndefine CURL_STATICLIB\n")
set(_kit_libs libleec_rt.a libcurl.a)
foreach(n ${_lean_tls_names})
  list(APPEND _kit_libs lib${n}.a)
endforeach()
list(APPEND _kit_libs libcjson.a)
foreach(l ${_kit_libs})
  string(APPEND _m "lib ${l}\n")
endforeach()
foreach(f ${LEEC_KIT_LDFLAGS} -pthread -lm)
  string(APPEND _m "ldflag ${f}\n")
endforeach()
file(GENERATE OUTPUT "${_kit}/bootstrap.txt" CONTENT "${_m}")

# The lean libraries without their LTO IR and local symbols: the kit links their machine
# code, and the IR would carry paths of this machine into the install.
set(_kit_copy "")
foreach(l ${_kit_libs})
  if(NOT l STREQUAL "libleec_rt.a")
    list(APPEND _kit_copy COMMAND "${CMAKE_COMMAND}" -E copy "${_lean_libdir}/${l}" "${_kit}/${l}")
    if(CMAKE_STRIP)
      list(APPEND _kit_copy COMMAND "${CMAKE_STRIP}" --strip-unneeded -w -R ".gnu.lto_*"
           -R ".gnu.debuglto_*" "${_kit}/${l}")
    endif()
  endif()
endforeach()
add_custom_target(leec_kit ALL
  ${_kit_copy}
  COMMAND "${CMAKE_COMMAND}" -E copy_directory "${_lean_dir}/include/curl" "${_kit}/include/curl"
  COMMAND "${CMAKE_COMMAND}" -E copy_directory "${_lean_dir}/include/cjson" "${_kit}/include/cjson"
  COMMENT "leec runtime kit (${_kit_arch}) in ${_kit}" VERBATIM)
add_dependencies(leec_kit leec_rt_kit leec_lean_deps)

if(CMAKE_CROSSCOMPILING)
  return()
endif()
# The runtime sources once, for every architecture (the host build copies them).
add_custom_target(leec_kit_runtime ALL
  COMMAND "${CMAKE_COMMAND}" -E copy_directory "${CMAKE_CURRENT_SOURCE_DIR}" "${LEEC_KIT_DIR}/runtime"
  COMMENT "leec runtime sources in ${LEEC_KIT_DIR}/runtime" VERBATIM)

set(LEEC_KIT_ARM64 AUTO CACHE STRING "Also build the arm64 kit (AUTO: when aarch64-linux-gnu-gcc exists)")
set_property(CACHE LEEC_KIT_ARM64 PROPERTY STRINGS AUTO ON OFF)
find_program(LEEC_AARCH64_GCC aarch64-linux-gnu-gcc)
set(_arm64 OFF)
if(LEEC_KIT_ARM64 STREQUAL "ON")
  if(NOT LEEC_AARCH64_GCC)
    message(FATAL_ERROR "LEEC_KIT_ARM64=ON needs aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu)")
  endif()
  set(_arm64 ON)
elseif(LEEC_KIT_ARM64 STREQUAL "AUTO" AND LEEC_AARCH64_GCC AND _kit_arch STREQUAL "x86_64")
  set(_arm64 ON)
endif()
if(_arm64)
  include(ExternalProject)
  # The same source tree, cross-compiled, only the kit (no leec, no tests); its lean
  # libraries are cached beside the host's (LEEC_LEAN_DEPS_DIR/<tls>-aarch64-linux-gnu).
  ExternalProject_Add(leec_kit_arm64
    SOURCE_DIR "${CMAKE_SOURCE_DIR}"
    BINARY_DIR "${CMAKE_BINARY_DIR}/kit-arm64"
    CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchain-aarch64.cmake
               -DCMAKE_BUILD_TYPE=MinSizeRel -DLEEC_BUILD_COMPILER=OFF -DLEEC_BUILD_TESTS=OFF
               -DLEEC_BUILD_BENCH=OFF -DLEEC_WERROR=OFF -DLEEC_LEAN=ON
               -DLEEC_LEAN_TLS=${LEEC_LEAN_TLS} -DLEEC_LEAN_CA_BUNDLE=${LEEC_LEAN_CA_BUNDLE}
               -DLEEC_LEAN_DEPS_DIR=${LEEC_LEAN_DEPS_DIR} -DLEEC_KIT_DIR=${LEEC_KIT_DIR}
    BUILD_COMMAND "${CMAKE_COMMAND}" --build <BINARY_DIR> --target leec_kit
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    LIST_SEPARATOR ^^)
  message(STATUS "leec: arm64 runtime kit through a cross build (LEEC_KIT_ARM64=OFF to skip)")
endif()
