#!/usr/bin/env bash
# Builds the lean static libraries the bootstrap links (see deps/README.md):
#   <out>/lib/libcurl.a   Debian's curl source package (Debian patches applied), HTTP/1.1 + HTTPS only
#   <out>/lib/libcjson.a  cJSON.c of Debian's cjson source package
#   <out>/include/{curl,cjson}/...
# The sources are fetched with `apt-get source` (needs a deb-src entry: bash .ci/deps lean) into
# <out>/src once; the build is skipped when <out>/stamp matches this configuration, and only
# the CA object is replaced when the CA bundle changed.
#
#   deps/build-lean.sh --out DIR [--tls wolfssl|openssl|mbedtls] [--triple aarch64-linux-gnu]
#                      [--toolchain FILE] [--ca-bundle FILE|none] [--jobs N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="" tls=wolfssl triple="" toolchain="" ca=/etc/ssl/certs/ca-certificates.crt jobs=2
while (($#)); do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --tls) tls=$2; shift 2 ;;
    --triple) triple=$2; shift 2 ;;
    --toolchain) toolchain=$2; shift 2 ;;
    --ca-bundle) ca=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "build-lean.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "build-lean.sh: --out DIR is required" >&2; exit 2; }
triple=${triple:-$(gcc -dumpmachine)}
case "$triple" in
  x86_64-linux-gnu) cc=gcc ;;
  *) cc=$triple-gcc ;;
esac
command -v "$cc" >/dev/null || { echo "build-lean.sh: $cc not found (bash .ci/deps cross)" >&2; exit 1; }
ar=$cc-ar; command -v "$ar" >/dev/null || ar=${cc%gcc}ar
mkdir -p "$out"
out=$(cd "$out" && pwd)

# One builder per output directory (parallel CTest variant builds share it).
exec 9>"$out/.lock"
flock 9

# -Os, position independent, sections for --gc-sections; fat LTO objects: an -flto link uses
# the IR, a plain link the machine code.
# (-ffile-prefix-map: no path of the build machine in the objects leec installs)
cflags="-Os -fPIC -ffunction-sections -fdata-sections -flto=auto -ffat-lto-objects -DNDEBUG -ffile-prefix-map=$out/="
case "$triple" in
  x86_64-linux-gnu) deb_arch=amd64 ;;
  aarch64-linux-gnu) deb_arch=arm64 ;;
  *) echo "build-lean.sh: unsupported triple $triple" >&2; exit 2 ;;
esac
libdir=/usr/lib/$triple
case "$tls" in
  # libwolfssl-dev is not Multi-Arch: same (amd64 and arm64 cannot be installed together), so
  # its .deb for the target architecture is downloaded and unpacked here (apt-get download).
  wolfssl) libdir=$out/sysroot/usr/lib/$triple
           tls_args=(-DCURL_USE_WOLFSSL=ON -DCURL_USE_OPENSSL=OFF
                     -DWolfSSL_INCLUDE_DIR="$out/sysroot/usr/include" -DWolfSSL_LIBRARY="$libdir/libwolfssl.a")
           tls_libs="$libdir/libwolfssl.a"; tls_pkg=libwolfssl-dev ;;
  openssl) tls_args=(-DCURL_USE_OPENSSL=ON -DOPENSSL_USE_STATIC_LIBS=ON
                     -DOPENSSL_SSL_LIBRARY="$libdir/libssl.a" -DOPENSSL_CRYPTO_LIBRARY="$libdir/libcrypto.a"
                     -DOPENSSL_INCLUDE_DIR=/usr/include)
           tls_libs="$libdir/libssl.a $libdir/libcrypto.a"; tls_pkg=libssl-dev ;;
  mbedtls) tls_args=(-DCURL_USE_MBEDTLS=ON -DCURL_USE_OPENSSL=OFF -DMBEDTLS_INCLUDE_DIRS=/usr/include
                     -DMBEDTLS_LIBRARY="$libdir/libmbedtls.a" -DMBEDX509_LIBRARY="$libdir/libmbedx509.a"
                     -DMBEDCRYPTO_LIBRARY="$libdir/libmbedcrypto.a")
           tls_libs="$libdir/libmbedtls.a $libdir/libmbedx509.a $libdir/libmbedcrypto.a"; tls_pkg=libmbedtls-dev ;;
  *) echo "build-lean.sh: --tls must be wolfssl, openssl or mbedtls" >&2; exit 2 ;;
esac
# Debian's current versions (after apt-get update): a security update of curl, cJSON or
# wolfSSL changes them, and then the sources are fetched and everything is rebuilt.
wolf_pkg=""; [ "$tls" = wolfssl ] && wolf_pkg="libwolfssl-dev:$deb_arch"
# (apt-cache is asked again only when apt's lists changed since the last answer.)
if [ ! -s "$out/.versions" ] ||
   [ -n "$(find /var/lib/apt/lists -maxdepth 1 -newer "$out/.versions" 2>/dev/null | head -1)" ]; then
  apt-cache policy curl libcjson-dev $wolf_pkg 2>/dev/null |
    awk '/^[^ ]/{p=$1} /Candidate:/{printf "%s%s ", p, $2}' >"$out/.versions"
fi
versions=$(cat "$out/.versions")
if [ "$tls" = wolfssl ] && [ "$(cat "$out/sysroot/.fetched" 2>/dev/null)" != "$versions" ]; then
  rm -rf "$out/sysroot" "$out/debs"; mkdir -p "$out/debs"
  if ! (cd "$out/debs" && apt-get download -qq "libwolfssl-dev:$deb_arch" >download.log 2>&1); then
    cat "$out/debs/download.log" >&2
    echo "build-lean.sh: apt-get download libwolfssl-dev:$deb_arch failed (bash .ci/deps lean|cross)" >&2
    exit 1
  fi
  dpkg-deb -x "$out"/debs/libwolfssl-dev_*.deb "$out/sysroot"
  dpkg-deb -f "$out"/debs/libwolfssl-dev_*.deb Version >"$out/sysroot/.version"
  echo "$versions" >"$out/sysroot/.fetched"
fi
for f in $tls_libs; do
  [[ "$f" == -* ]] || [ -f "$f" ] ||
    { echo "build-lean.sh: $f missing: install $tls_pkg for $triple (bash .ci/deps lean|cross)" >&2; exit 1; }
done
embed=0
if [ "$tls" = wolfssl ] && [ "$ca" != none ]; then
  [ -f "$ca" ] || { echo "build-lean.sh: CA bundle $ca not found (ca-certificates)" >&2; exit 1; }
  embed=1
fi

config="v3 versions=$versions tls=$tls triple=$triple cc=$($cc -dumpfullversion) cflags=$cflags embed=$embed"
config+=" script=$(cat "$0" "$here"/patches/*.patch | sha256sum | cut -c1-16)"

build_libs() {
rm -f "$out/stamp" "$out/ca.stamp"
echo "-- lean deps: building libcurl ($tls) and cJSON for $triple in $out"

# ---- sources: Debian's source packages --------------------------------------------------
src=$out/src
if [ "$(cat "$src/.fetched" 2>/dev/null)" != "$versions" ]; then
  rm -rf "$src"; mkdir -p "$src"
  if ! (cd "$src" && apt-get source -qq curl cjson >fetch.log 2>&1); then
    cat "$src/fetch.log" >&2
    echo "build-lean.sh: apt-get source curl cjson failed: needs a deb-src entry (bash .ci/deps lean)" >&2
    exit 1
  fi
  curl_src=$(find "$src" -maxdepth 1 -type d -name 'curl-*' | head -1)
  # Debian's last two patches only rename the library for its GnuTLS and NSS flavours
  # (debian/rules pops them for the OpenSSL flavour); build files only, undone the same way.
  for p in 99_nss 90_gnutls; do
    patch -d "$curl_src" -p1 -R -s <"$curl_src/debian/patches/$p.patch"
  done
  # leec's own patches (deps/patches/*.patch, README.md says why)
  for p in "$here"/patches/*.patch; do
    patch -d "$curl_src" -p1 -s <"$p"
  done
  echo "$versions" >"$src/.fetched"
fi
curl_src=$(find "$src" -maxdepth 1 -type d -name 'curl-*' | head -1)
cjson_src=$(find "$src" -maxdepth 1 -type d -name 'cjson-*' | head -1)
[ -n "$curl_src" ] && [ -n "$cjson_src" ] || { echo "build-lean.sh: sources missing in $src" >&2; exit 1; }

rm -rf "$out/lib" "$out/include" "$out/curl-build"
mkdir -p "$out/lib" "$out/include/cjson"

extra_cflags=""
((embed)) && extra_cflags=" -DLEEC_EMBEDDED_CA"

# ---- libcurl: curl's CMake build, static, HTTP(S) only -------------------------------------
cmake -S "$curl_src" -B "$out/curl-build" ${toolchain:+-DCMAKE_TOOLCHAIN_FILE="$toolchain"} \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_C_COMPILER="$cc" -DCMAKE_AR="$(command -v "$ar")" \
  -DCMAKE_C_FLAGS_MINSIZEREL="$cflags$extra_cflags" -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_INSTALL_PREFIX="$out" -DCMAKE_INSTALL_LIBDIR=lib \
  -DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DCURL_ENABLE_EXPORT_TARGET=OFF \
  -DENABLE_MANUAL=OFF -DPICKY_COMPILER=OFF \
  "${tls_args[@]}" \
  -DHTTP_ONLY=ON -DCURL_DISABLE_PROXY=ON -DCURL_DISABLE_COOKIES=ON -DCURL_DISABLE_ALTSVC=ON \
  -DCURL_DISABLE_HSTS=ON -DCURL_DISABLE_NETRC=ON -DCURL_DISABLE_DOH=ON -DCURL_DISABLE_MIME=ON \
  -DCURL_DISABLE_NTLM=ON -DCURL_DISABLE_GETOPTIONS=ON -DCURL_DISABLE_PROGRESS_METER=ON \
  -DCURL_DISABLE_LIBCURL_OPTION=ON -DCURL_DISABLE_SOCKETPAIR=ON -DCURL_DISABLE_SHUFFLE_DNS=ON \
  -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON \
  -DENABLE_UNIX_SOCKETS=OFF -DENABLE_WEBSOCKETS=OFF -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF \
  -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF \
  -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DENABLE_ARES=OFF -DENABLE_THREADED_RESOLVER=ON \
  -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_CA_FALLBACK=OFF \
  >"$out/curl-configure.log" 2>&1 || { tail -40 "$out/curl-configure.log" >&2; exit 1; }
cmake --build "$out/curl-build" -j"$jobs" --target libcurl >"$out/curl-build.log" 2>&1 ||
  { tail -40 "$out/curl-build.log" >&2; exit 1; }
# headers only (the install rules of 7.88 skip the library without the export target)
cmake --install "$out/curl-build" >"$out/curl-install.log"
cp "$out/curl-build/lib/libcurl.a" "$out/lib/libcurl.a"

# ---- cJSON: one file ---------------------------------------------------------------------
$cc $cflags -std=c89 -c "$cjson_src/cJSON.c" -o "$out/cJSON.o"
rm -f "$out/lib/libcjson.a"
$ar rcs "$out/lib/libcjson.a" "$out/cJSON.o"
cp "$cjson_src/cJSON.h" "$out/include/cjson/"

# The static TLS libraries next to libcurl.a (cmake/LeecDeps.cmake links lib/*.a from here).
for f in $tls_libs; do cp "$f" "$out/lib/"; done
{
  echo "curl $(basename "$curl_src") $(head -1 "$curl_src/debian/changelog" | sed -E 's/.*\((.*)\).*/\1/')"
  echo "cjson $(basename "$cjson_src") $(head -1 "$cjson_src/debian/changelog" | sed -E 's/.*\((.*)\).*/\1/')"
  if [ "$tls" = wolfssl ]; then echo "tls $tls_pkg:$deb_arch $(cat "$out/sysroot/.version")"
  else echo "tls $tls_pkg:$deb_arch $(dpkg-query -W -f='${Version}' "$tls_pkg:$deb_arch" 2>/dev/null)"; fi
} >"$out/versions.txt"
rm -rf "$out/curl-build" "$out"/*.o
echo "$config" >"$out/stamp"
echo "-- lean deps: done ($(cat "$out/versions.txt" | tr '\n' ';'))"
}

# ---- embedded CA bundle (wolfSSL: deps/patches/leec-wolfssl-embedded-ca.patch) ------------
# Its own object in libcurl.a, replaced when the bundle changes (no curl rebuild).
embed_ca() {
  local h
  h=$(sha256sum <"$ca" | cut -c1-16)
  [ "$(cat "$out/ca.stamp" 2>/dev/null)" = "$h" ] && return 0
  {
    echo '/* generated by deps/build-lean.sh from '"$ca"' */'
    echo 'const unsigned char leec_embedded_ca[] = {'
    od -An -v -tx1 <"$ca" | sed -E 's/ ([0-9a-f]{2})/0x\1,/g'
    echo '0x00};'
    echo "const unsigned long leec_embedded_ca_len = $(stat -c %s "$ca");"
  } >"$out/leec_embedded_ca.c"
  $cc $cflags -c "$out/leec_embedded_ca.c" -o "$out/leec_embedded_ca.o"
  $ar rs "$out/lib/libcurl.a" "$out/leec_embedded_ca.o" 2>/dev/null
  rm -f "$out/leec_embedded_ca.o"
  echo "$h" >"$out/ca.stamp"
  echo "-- lean deps: CA bundle $ca compiled in ($(grep -c 'BEGIN CERTIFICATE' "$ca") certificates)"
}

if ! { [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$config" ] && [ -f "$out/lib/libcurl.a" ]; }; then
  build_libs
fi
if ((embed)); then embed_ca; fi
