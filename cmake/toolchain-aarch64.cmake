# Cross build for AWS Lambda arm64 (Graviton) on a Debian 12 amd64 host.
#
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install gcc-aarch64-linux-gnu libcurl4-openssl-dev:arm64 libcjson-dev:arm64 qemu-user
#   cmake -S . -B build-host -DLEEC_BUILD_TESTS=OFF && cmake --build build-host --target leec
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
#         -DLEEC_HOST_TOOL=$PWD/build-host/compiler/leec -DLEEC_BUILD_COMPILER=OFF -DLEEC_BUILD_TESTS=OFF
#
# leec stays a host tool (LEEC_HOST_TOOL); only the runtime is built for aarch64. The
# arm64 libraries and .pc files come from Debian multiarch (/usr/lib/aarch64-linux-gnu),
# which co-installs with the amd64 -dev packages.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LEEC_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${LEEC_CROSS_TRIPLE}-gcc)
find_program(CMAKE_AR NAMES ${LEEC_CROSS_TRIPLE}-gcc-ar ${LEEC_CROSS_TRIPLE}-ar)
find_program(CMAKE_RANLIB NAMES ${LEEC_CROSS_TRIPLE}-gcc-ranlib ${LEEC_CROSS_TRIPLE}-ranlib)
find_program(CMAKE_STRIP NAMES ${LEEC_CROSS_TRIPLE}-strip)
set(CMAKE_C_COMPILER_AR ${CMAKE_AR})
set(CMAKE_C_COMPILER_RANLIB ${CMAKE_RANLIB})

# Debian multiarch: headers in /usr/include (+ /usr/include/aarch64-linux-gnu),
# libraries in /usr/lib/aarch64-linux-gnu. Never pick up amd64 libraries.
set(CMAKE_LIBRARY_ARCHITECTURE ${LEEC_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${LEEC_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config: only the arm64 .pc files.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${LEEC_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Run target programs (try_run, tests) through qemu-user with the cross sysroot.
find_program(LEEC_QEMU qemu-aarch64)
if(LEEC_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LEEC_QEMU} -L /usr/${LEEC_CROSS_TRIPLE})
endif()
