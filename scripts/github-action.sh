#!/usr/bin/env bash
# The steps of action.yml: install leec, then `leec --format github validate PATHS`.
#
# Environment (set by action.yml from its inputs; tests set them directly):
#   INPUT_PATHS    files/directories to validate, white-space separated (default ".")
#   INPUT_INSTALL  source | deb | path (default source)
#   INPUT_DEB      .deb path or https URL (install=deb)
#   INPUT_LEEC     leec executable (install=path; default: leec on PATH)
#   INPUT_FORMAT   github | text | json (default github)
#   LEEC_ACTION_SOURCE  leec's source tree (install=source; default: this script's ../)
#   LEEC_ACTION_SKIP_DEPS=1  do not apt-get the build dependencies (install=source)
#   LEEC_ACTION_JOBS    parallel build jobs (install=source; default nproc)
#   RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT  as on a GitHub runner (optional here)
# Exit status: leec's (0 valid, 1 invalid, 2 usage/I-O), or 2 when installing fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${LEEC_ACTION_SOURCE:-$here/..}
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
install=${INPUT_INSTALL:-source}
format=${INPUT_FORMAT:-github}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

fail() {
    echo "::error title=leec action::$*"
    exit 2
}

case "$install" in
source)
    if [ "${LEEC_ACTION_SKIP_DEPS:-}" != 1 ]; then
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            cmake gcc make pkg-config re2c lemon libyaml-dev libcjson-dev libcurl4-openssl-dev \
            >/dev/null || fail "apt-get install of the build dependencies failed"
    fi
    build="$tmp/leec-action-build"
    prefix="$tmp/leec-action-prefix"
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLEEC_WERROR=OFF \
        -DLEEC_BUILD_TESTS=OFF -DLEEC_BUILD_BENCH=OFF >/dev/null || fail "cmake configure failed"
    cmake --build "$build" --target leec -j "${LEEC_ACTION_JOBS:-$(nproc)}" >/dev/null || fail "building leec failed"
    cmake --install "$build" --prefix "$prefix" >/dev/null || fail "installing leec failed"
    leec="$prefix/bin/leec"
    ;;
deb)
    [ -n "${INPUT_DEB:-}" ] || fail "install: deb needs the 'deb' input (a path or https URL)"
    deb=$INPUT_DEB
    case "$deb" in
    https://*)
        curl -fsSL -o "$tmp/leec.deb" "$deb" || fail "cannot download $deb"
        deb="$tmp/leec.deb"
        ;;
    esac
    [ -f "$deb" ] || fail "no such .deb: $deb"
    case "$deb" in /*) ;; *) deb="./$deb" ;; esac
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null ||
        fail "apt-get install $deb failed"
    leec=/usr/bin/leec
    ;;
path)
    leec=${INPUT_LEEC:-$(command -v leec || true)}
    if [ -z "$leec" ] || [ ! -x "$leec" ]; then
        fail "no leec executable (set the 'leec' input)"
    fi
    ;;
*)
    fail "unknown install '$install' (source, deb or path)"
    ;;
esac

if [ -n "${GITHUB_PATH:-}" ]; then
    dirname "$leec" >>"$GITHUB_PATH"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "leec=$leec" >>"$GITHUB_OUTPUT"
fi
"$leec" --version

# shellcheck disable=SC2086  # paths are white-space separated on purpose
set -- ${INPUT_PATHS:-.}
set +e
"$leec" --format "$format" validate "$@"
rc=$?
set -e
if [ "$rc" = 0 ]; then
    echo "leec: $* valid"
fi
exit "$rc"
