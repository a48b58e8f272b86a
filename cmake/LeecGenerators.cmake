# re2c and lemon run at build time; their output is a build product, never committed.
find_program(RE2C_EXECUTABLE re2c REQUIRED)
find_program(LEMON_EXECUTABLE lemon REQUIRED)
find_file(LEMON_TEMPLATE lempar.c PATHS /usr/share/lemon /usr/local/share/lemon REQUIRED)

# leec_re2c(<out-var> <file.re>): appends the generated .c to <out-var>.
function(leec_re2c out_var src)
  get_filename_component(name "${src}" NAME_WE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.c")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND "${RE2C_EXECUTABLE}" --no-generation-date --no-version -W -Werror
            -o "${out}" "${CMAKE_CURRENT_SOURCE_DIR}/${src}"
    DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${src}"
    COMMENT "re2c ${src}" VERBATIM)
  set(${out_var} ${${out_var}} "${out}" PARENT_SCOPE)
endfunction()

# leec_lemon(<out-var> <file.y>): lemon writes into a scratch directory (it writes
# files even when it fails); cmake/lemon.sh fails on conflicts and copies if changed.
function(leec_lemon out_var src)
  get_filename_component(name "${src}" NAME_WE)
  set(out_c "${CMAKE_CURRENT_BINARY_DIR}/${name}.c")
  set(out_h "${CMAKE_CURRENT_BINARY_DIR}/${name}.h")
  add_custom_command(
    OUTPUT "${out_c}" "${out_h}"
    COMMAND sh "${CMAKE_SOURCE_DIR}/cmake/lemon.sh" "${LEMON_EXECUTABLE}" "${LEMON_TEMPLATE}"
            "${CMAKE_CURRENT_SOURCE_DIR}/${src}" "${CMAKE_CURRENT_BINARY_DIR}"
    DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${src}" "${CMAKE_SOURCE_DIR}/cmake/lemon.sh"
    COMMENT "lemon ${src}" VERBATIM)
  set(${out_var} ${${out_var}} "${out_c}" "${out_h}" PARENT_SCOPE)
endfunction()
