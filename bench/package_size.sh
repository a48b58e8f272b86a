#!/usr/bin/env bash
# Package size per feature preset and architecture, and cold-start init time of the packaged
# bootstrap (run from the unpacked zip with Lambda's LD_LIBRARY_PATH) vs the build-tree binary
# (same build, unstripped, system libraries), median of RUNS cold starts each (the local Lambda
# emulator's init_ms: spawn -> first GET /next).
#
#   bash bench/package_size.sh                 # x86_64 + arm64 (if the cross toolchain is there)
#   ARCHS=x86_64 RUNS=10 bash bench/package_size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
RUNS=${RUNS:-10}
ARCHS=${ARCHS:-"x86_64 arm64"}
PRESETS=${PRESETS:-"minimal leec full"}
WORK=${WORK:-$(mktemp -d /tmp/leec-bench-XXXXXX)}
PY=/usr/bin/python3

# examples/minimal.yaml ships its own CA (tls.ca_bundle: certs/home-ca.pem, not in the repo):
# measure it with a one-certificate stand-in of typical size.
mkdir -p "$WORK/proj/certs"
cp examples/*.yaml "$WORK/proj/"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=home-ca -keyout "$WORK/proj/certs/home-ca.key" -out "$WORK/proj/certs/home-ca.pem" 2>/dev/null

init_median() { # $1 = command (bootstrap path), $2 = task root, $3 = ld path or ""
  $PY - "$@" <<'EOF'
import os, statistics, sys
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "peers"))
from lambda_emulator import LambdaEmulator
cmd, root, ld = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(os.environ.get("RUNS", "10"))
env = {"LEEC_HA_URL": "http://127.0.0.1:9"}
if ld:
    env["LD_LIBRARY_PATH"] = ld
times = []
for _ in range(runs):
    emu = LambdaEmulator([cmd], env=env, task_root=root, cwd=root).start()
    try:
        r = emu.invoke(b'{"health_check": true}')
        if r["status"] != "ok":
            sys.exit("init failed: %s %s" % (r["status"], r.get("logs")))
        times.append(r["init_ms"])
    finally:
        emu.stop()
print("%.1f" % statistics.median(times))
EOF
}

rows=()
for arch in $ARCHS; do
  if [ "$arch" = arm64 ] && ! command -v aarch64-linux-gnu-gcc >/dev/null; then
    rows+=("$arch|-|-|-|-|-|cross toolchain not installed"); continue
  fi
  for p in $PRESETS; do
    bd="$WORK/$arch-$p"
    make -s -f Makefile.deploy package PROJECT="$WORK/proj/$p.yaml" ARCH="$arch" BUILD_DIR="$bd" JOBS=2 >"$bd.log" 2>&1 ||
      { echo "package $arch $p failed: see $bd.log" >&2; tail -20 "$bd.log" >&2; exit 1; }
    make -s -f Makefile.deploy check-package ARCH="$arch" BUILD_DIR="$bd" >"$bd.check" 2>&1 ||
      { echo "check-package $arch $p failed:" >&2; cat "$bd.check" >&2; exit 1; }
    zipb=$(stat -c %s "$bd/function.zip")
    unp=$(find "$bd/check" -type f -printf '%s\n' | awk '{s+=$1} END{print s}')
    boot=$(stat -c %s "$bd/check/bootstrap")
    nlib=$( { ls "$bd/check/lib" 2>/dev/null || true; } | wc -l)  # lean (LEAN=ON): no lib/
    glibc=$(grep -o 'GLIBC_[0-9.]*' "$bd.check" | sort -Vu | tail -1)
    pk="-"; bt="-"
    if [ "$arch" = "$(uname -m)" ] && [ "$p" = leec ]; then
      # packaged: the unpacked zip, Lambda's LD_LIBRARY_PATH (bundled libs via rpath)
      pk=$(init_median "$bd/check/bootstrap" "$bd/check" \
        "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:$bd/check:$bd/check/lib:/opt/lib")
      # build tree: the same build before strip/packaging, host libraries from /lib
      bt=$(init_median "$bd/cmake/runtime/bootstrap" "$bd/cmake/runtime" "")
    fi
    rows+=("$arch|$p|$zipb|$unp|$boot|$nlib|$glibc|$pk|$bt")
  done
done

echo
echo "leec package sizes and init times ($(date -u +%Y-%m-%d), $(nproc) cores, RUNS=$RUNS)"
printf '%-7s %-8s %10s %12s %10s %5s %11s %14s %14s\n' arch preset zip_bytes unpacked_bytes bootstrap libs max_glibc init_pkg_ms init_build_ms
for r in "${rows[@]}"; do
  IFS='|' read -r a p z u b n g pk bt <<<"$r"
  printf '%-7s %-8s %10s %12s %10s %5s %11s %14s %14s\n' "$a" "$p" "$z" "$u" "$b" "$n" "$g" "$pk" "$bt"
done
echo "(init: median emulator init_ms over $RUNS cold starts, health check, native arch only)"
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
