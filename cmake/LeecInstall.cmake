# Install layout and the .deb (included last by the top-level CMakeLists.txt).
#
#   <prefix>/bin/leec
#   <prefix>/share/leec/schemas, presets   the stock catalog (found by leec beside itself:
#                                          <exe>/../share/leec, compiler/stock.c)
#   <prefix>/lib/leec/runtime              the runtime sources and headers (cmake/LeecKit.cmake)
#   <prefix>/lib/leec/<arch>               the prebuilt lean runtime per architecture (x86_64;
#                                          arm64 when aarch64-linux-gnu-gcc was present): what
#                                          `leec package` and leec_add_bootstrap() link
#   <prefix>/share/leec/tools              the Lambda Runtime API emulator (leec invoke) and
#                                          the Home Assistant simulator, from tests/peers
#   <prefix>/share/leec/events             sample events (examples/events)
#   <prefix>/share/leec/cmake              the cmake/*.cmake helpers
#   <prefix>/lib/cmake/leec                the CMake package: find_package(leec) then
#                                          leec_add_bootstrap(NAME CONFIG leec.yaml); found
#                                          without CMAKE_PREFIX_PATH when <prefix>/bin is on
#                                          PATH (or <prefix> is /usr, /usr/local)
#
#   cmake --install build --prefix /opt/leec
#   cd build && cpack -G DEB               # leec_<version>_<arch>.deb, prefix /usr
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LEEC_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/leec")
set(LEEC_INSTALL_CMAKEDIR "lib/cmake/leec")
# Not CMAKE_INSTALL_LIBDIR (lib/<multiarch> for /usr): leec finds it at <exe>/../lib/leec.
set(LEEC_INSTALL_KITDIR "lib/leec")

if(TARGET leec)
  install(TARGETS leec RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()
foreach(dir schemas presets)
  install(DIRECTORY "${CMAKE_SOURCE_DIR}/${dir}" DESTINATION "${LEEC_INSTALL_DATADIR}"
          FILES_MATCHING PATTERN "*.yaml" PATTERN "*.md" PATTERN "*.json")
endforeach()
# The runtime kit (cmake/LeecKit.cmake) as the build made it: runtime/ and one folder per
# architecture. Without LEEC_LEAN there is no kit, and package/leec_add_bootstrap say so.
if(LEEC_LEAN AND DEFINED LEEC_KIT_DIR)
  install(DIRECTORY "${LEEC_KIT_DIR}/" DESTINATION "${LEEC_INSTALL_KITDIR}"
          PATTERN "*.cmake" EXCLUDE PATTERN "CMakeLists.txt" EXCLUDE)
endif()
# leec invoke's emulator and the HA simulator stay in tests/peers, where every e2e test
# uses them (one copy); the install carries them and what they import.
install(PROGRAMS "${CMAKE_SOURCE_DIR}/tests/peers/leec_invoke.py"
                 "${CMAKE_SOURCE_DIR}/tests/peers/lambda_emulator.py"
                 "${CMAKE_SOURCE_DIR}/tests/peers/ha_simulator.py"
        DESTINATION "${LEEC_INSTALL_DATADIR}/tools")
install(FILES "${CMAKE_SOURCE_DIR}/tests/peers/loopback_service.py"
        DESTINATION "${LEEC_INSTALL_DATADIR}/tools")
install(DIRECTORY "${CMAKE_SOURCE_DIR}/examples/events/" DESTINATION "${LEEC_INSTALL_DATADIR}/events"
        FILES_MATCHING PATTERN "*.json")
file(GLOB LEEC_CMAKE_HELPERS "${CMAKE_SOURCE_DIR}/cmake/*.cmake")
install(FILES ${LEEC_CMAKE_HELPERS} DESTINATION "${LEEC_INSTALL_DATADIR}/cmake")

configure_package_config_file("${CMAKE_SOURCE_DIR}/cmake/leecConfig.cmake.in"
  "${CMAKE_BINARY_DIR}/leecConfig.cmake"
  INSTALL_DESTINATION "${LEEC_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_BINDIR LEEC_INSTALL_KITDIR LEEC_INSTALL_DATADIR)
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
# leec itself: libyaml (cJSON is linked in statically in the lean build). leec package: gcc
# and libc6-dev (it compiles the tables and links the prebuilt runtime), zip. leec invoke:
# python3 (the Lambda emulator). leec_add_bootstrap(): cmake. An arm64 zip: the cross
# compiler. qemu-user runs an arm64 bootstrap on amd64.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libyaml-0-2, gcc, libc6-dev, zip")
if(NOT LEEC_LEAN)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libcjson1")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, cmake (>= 3.25), make | ninja-build")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gcc-aarch64-linux-gnu, qemu-user")
include(CPack)
