# leec_add_bootstrap(<name> CONFIG <leec.yaml> [ROOT <catalog dir>])
#
# An executable <name>: the Lambda bootstrap built from the installed runtime sources
# (leec_RUNTIME_DIR) and the tables `leec compile <CONFIG>` writes. Presets in presets/
# beside CONFIG are the project's own (leec reads them; edits rebuild). ROOT: a catalog
# other than the installed one (leec --root). Links libcurl and cJSON through pkg-config
# (the installed cmake/LeecDeps.cmake); needs re2c for the runtime's lexers.
# Installed with leec into lib/cmake/leec; see leecConfig.cmake.
include_guard(GLOBAL)

function(leec_add_bootstrap name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "CONFIG;ROOT" "")
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

  if(NOT TARGET leec_dep_cjson OR NOT TARGET leec_dep_curl)
    include("${leec_DATA_DIR}/cmake/LeecDeps.cmake")
  endif()
  find_program(LEEC_RE2C re2c)
  if(NOT LEEC_RE2C)
    message(FATAL_ERROR "leec_add_bootstrap: re2c is needed to build the runtime (apt-get install re2c)")
  endif()

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

  # Every runtime source, in whatever subfolders the install has them.
  file(GLOB_RECURSE sources "${leec_RUNTIME_DIR}/*.c")
  file(GLOB_RECURSE headers "${leec_RUNTIME_DIR}/*.h")
  file(GLOB_RECURSE lexers "${leec_RUNTIME_DIR}/*.re")
  set(include_dirs "${gen}" "${gen}/re2c")
  foreach(h ${headers})
    get_filename_component(d "${h}" DIRECTORY)
    list(APPEND include_dirs "${d}")
  endforeach()
  list(REMOVE_DUPLICATES include_dirs)
  set(generated "")
  foreach(re ${lexers})
    get_filename_component(base "${re}" NAME_WE)
    set(out "${gen}/re2c/${base}.c")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${gen}/re2c"
      COMMAND "${LEEC_RE2C}" --no-generation-date --no-version -W -o "${out}" "${re}"
      DEPENDS "${re}" COMMENT "re2c ${base}.re" VERBATIM)
    list(APPEND generated "${out}")
  endforeach()

  add_executable(${name} ${sources} ${generated} "${gen}/leec_config.c" "${gen}/leec_messages.c")
  target_include_directories(${name} PRIVATE ${include_dirs})
  target_compile_definitions(${name} PRIVATE LEEC_VERSION="${leec_VERSION}")
  set_target_properties(${name} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                        C_EXTENSIONS ON)
  target_link_libraries(${name} PRIVATE leec_dep_cjson leec_dep_curl m)
endfunction()
