# Install layout and the .deb (included last by the top-level CMakeLists.txt).
#
#   <prefix>/bin/leec
#   <prefix>/share/leec/schemas, presets   the stock catalog (found by leec beside itself:
#                                          <exe>/../share/leec, compiler/stock.c)
#   <prefix>/share/leec/runtime            the runtime sources a bootstrap is built from
#   <prefix>/share/leec/cmake              the cmake/*.cmake helpers
#   <prefix>/lib/cmake/leec                the CMake package: find_package(leec) then
#                                          leec_add_bootstrap(NAME CONFIG leec.yaml)
#
#   cmake --install build --prefix /opt/leec
#   cd build && cpack -G DEB               # leec_<version>_<arch>.deb, prefix /usr
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LEEC_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/leec")
set(LEEC_INSTALL_CMAKEDIR "lib/cmake/leec")

if(TARGET leec)
  install(TARGETS leec RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()
foreach(dir schemas presets)
  install(DIRECTORY "${CMAKE_SOURCE_DIR}/${dir}" DESTINATION "${LEEC_INSTALL_DATADIR}"
          FILES_MATCHING PATTERN "*.yaml" PATTERN "*.md")
endforeach()
# The whole runtime/ tree, whatever its subfolders, sources only.
install(DIRECTORY "${CMAKE_SOURCE_DIR}/runtime/" DESTINATION "${LEEC_INSTALL_DATADIR}/runtime"
        FILES_MATCHING PATTERN "*.c" PATTERN "*.h" PATTERN "*.re" PATTERN "CMakeLists.txt")
file(GLOB LEEC_CMAKE_HELPERS "${CMAKE_SOURCE_DIR}/cmake/*.cmake")
install(FILES ${LEEC_CMAKE_HELPERS} DESTINATION "${LEEC_INSTALL_DATADIR}/cmake")

configure_package_config_file("${CMAKE_SOURCE_DIR}/cmake/leecConfig.cmake.in"
  "${CMAKE_BINARY_DIR}/leecConfig.cmake"
  INSTALL_DESTINATION "${LEEC_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_BINDIR LEEC_INSTALL_DATADIR)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/leecConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_BINARY_DIR}/leecConfig.cmake" "${CMAKE_BINARY_DIR}/leecConfigVersion.cmake"
              "${CMAKE_SOURCE_DIR}/cmake/leec_add_bootstrap.cmake"
        DESTINATION "${LEEC_INSTALL_CMAKEDIR}")

# ---- CPack: one Debian package ----
set(CPACK_PACKAGE_NAME leec)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "YAML-to-C configuration compiler and minimal AWS Lambda runtime for Alexa and Home Assistant")
set(CPACK_PACKAGE_CONTACT "leec maintainers <leec@users.noreply.github.com>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # leec_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# leec itself: libyaml and cJSON. Building a bootstrap (leec_add_bootstrap): a C
# compiler, CMake, pkg-config, re2c and the libcurl/cJSON headers.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libyaml-0-2, libcjson1")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "cmake (>= 3.25), gcc | c-compiler, make | ninja-build, pkg-config, re2c, libcurl4-openssl-dev | libcurl-dev, libcjson-dev")
include(CPack)
