# leec_add_bootstrap(<name> CONFIG <leec.yaml> [ROOT <catalog dir>] [ARCH x86_64|arm64])
#
# An executable <name>: the lean Lambda bootstrap, built exactly as `leec package` builds
# it: `leec compile <CONFIG>` writes the tables, and they are compiled with the runtime
# sources that read them and linked with the prebuilt static runtime of the install
# (leec_KIT_DIR/<arch>: libleec_rt.a, the lean libcurl + TLS + cJSON). Both read the same
# manifest, <arch>/bootstrap.txt (cmake/LeecKit.cmake writes it from runtime/sources.cmake:
# one list of runtime sources). ARCH defaults to the target's (CMAKE_SYSTEM_PROCESSOR:
# aarch64 -> arm64); cross-compile arm64 with a toolchain file naming aarch64-linux-gnu-gcc.
# Presets in presets/ beside CONFIG are the project's own (leec reads them; edits
# rebuild). ROOT: a catalog other than the installed one (leec --root).
# Installed with leec into lib/cmake/leec; see leecConfig.cmake.
include_guard(GLOBAL)

function(leec_add_bootstrap name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "CONFIG;ROOT;ARCH" "")
  if(NOT ARG_CONFIG)
    message(FATAL_ERROR "leec_add_bootstrap(${name}): CONFIG <project file> is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "leec_add_bootstrap(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(config "${ARG_CONFIG}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${config}")
    message(FATAL_ERROR "leec_add_bootstrap(${name}): no project file ${config}")
  endif()
  get_filename_component(config_dir "${config}" DIRECTORY)

  set(arch "${ARG_ARCH}")
  if(NOT arch)
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
      set(arch arm64)
    else()
      set(arch x86_64)
    endif()
  endif()
  set(kit "${leec_KIT_DIR}/${arch}")
  if(NOT EXISTS "${kit}/bootstrap.txt")
    message(FATAL_ERROR "leec_add_bootstrap(${name}): this leec has no ${arch} runtime "
            "(${kit}/bootstrap.txt); for arm64 build leec with gcc-aarch64-linux-gnu installed")
  endif()
  # The manifest: "key value" lines, paths relative to ${kit}.
  file(STRINGS "${kit}/bootstrap.txt" lines REGEX "^[a-z_]+ ")
  set(runtime "")
  set(sources "")
  set(includes "")
  set(cflags "")
  set(defines "")
  set(libs "")
  set(ldflags "")
  foreach(line ${lines})
    string(REGEX REPLACE "^([a-z_]+) (.*)$" "\\1" key "${line}")
    string(REGEX REPLACE "^([a-z_]+) (.*)$" "\\2" val "${line}")
    if(key STREQUAL "runtime")
      get_filename_component(runtime "${val}" ABSOLUTE BASE_DIR "${kit}")
    elseif(key STREQUAL "source")
      list(APPEND sources "${val}")
    elseif(key STREQUAL "include")
      list(APPEND includes "${kit}/${val}")
    elseif(key STREQUAL "cflag")
      list(APPEND cflags "${val}")
    elseif(key STREQUAL "define")
      list(APPEND defines "${val}")
    elseif(key STREQUAL "lib")
      list(APPEND libs "${kit}/${val}")
    elseif(key STREQUAL "ldflag")
      list(APPEND ldflags "${val}")
    endif()
  endforeach()
  list(TRANSFORM sources PREPEND "${runtime}/")

  set(gen "${CMAKE_CURRENT_BINARY_DIR}/${name}.leec")
  set(root_args "")
  set(catalog "${leec_DATA_DIR}")
  if(ARG_ROOT)
    get_filename_component(catalog "${ARG_ROOT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    set(root_args --root "${catalog}")
  endif()
  file(GLOB_RECURSE user_presets CONFIGURE_DEPENDS "${config_dir}/presets/*.yaml")
  file(GLOB_RECURSE catalog_files CONFIGURE_DEPENDS "${catalog}/schemas/*.yaml"
       "${catalog}/presets/*.yaml")
  add_custom_command(
    OUTPUT "${gen}/leec_config.c" "${gen}/leec_config.h" "${gen}/leec_messages.c"
    COMMAND "${leec_EXECUTABLE}" ${root_args} compile "${config}" -o "${gen}"
    DEPENDS "${leec_EXECUTABLE}" "${config}" ${user_presets} ${catalog_files}
    COMMENT "leec compile ${ARG_CONFIG}" VERBATIM)

  add_executable(${name} ${sources} "${gen}/leec_config.c" "${gen}/leec_messages.c")
  target_include_directories(${name} PRIVATE "${gen}" "${runtime}" ${includes})
  target_compile_definitions(${name} PRIVATE ${defines})
  target_compile_options(${name} PRIVATE ${cflags})
  set_target_properties(${name} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                        C_EXTENSIONS ON)
  target_link_libraries(${name} PRIVATE ${libs} ${ldflags})
endfunction()
