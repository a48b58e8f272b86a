#!/bin/sh
# Times `leec validate presets/ examples/` (catalog load + every preset resolved +
# the example projects checked) next to python3-yaml merely parsing the same YAML
# (presets, examples, schemas) with yaml.safe_load. Prints both medians in ms.
# Not a test. Uses hyperfine when installed (LEEC_BENCH_NO_HYPERFINE=1: never), else
# 20 timed runs with date +%s%N.
#
#   bench/validate_speed.sh [path/to/leec]      (default: build/compiler/leec)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
leec=${1:-$root/build/compiler/leec}
runs=20
[ -x "$leec" ] || { echo "no leec at $leec (build first or pass its path)" >&2; exit 2; }
cd "$root"

leec_cmd="$leec --root . validate presets/ examples/"
py_cmd="/usr/bin/python3 -c 'import yaml,glob; [yaml.safe_load(open(f)) for f in glob.glob(\"presets/**/*.yaml\", recursive=True)+glob.glob(\"examples/*.yaml\")+glob.glob(\"schemas/*.yaml\")]'"

# Both must succeed before they are timed.
sh -c "$leec_cmd" 2>/dev/null || { echo "leec validate failed" >&2; exit 1; }
sh -c "$py_cmd" || { echo "python3-yaml run failed" >&2; exit 1; }

median_ms() { # $1: command; prints the median wall time of $runs runs in ms
    i=0
    : >"$tmp"
    while [ $i -lt $runs ]; do
        t0=$(date +%s%N)
        sh -c "$1" >/dev/null 2>&1
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000)) >>"$tmp"
        i=$((i + 1))
    done
    sort -n "$tmp" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f\n", m / 1000 }'
}

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.json"' EXIT INT TERM

if [ -z "${LEEC_BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs $runs --style none --export-json "$tmp.json" \
        "$leec_cmd" "$py_cmd" >/dev/null 2>&1 ||
        hyperfine --warmup 3 --runs $runs --style none --export-json "$tmp.json" \
            "$leec_cmd" "$py_cmd" >/dev/null
    /usr/bin/python3 - "$tmp.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
names = ["leec validate presets/ examples/", "python3 yaml.safe_load of the same YAML"]
for name, x in zip(names, r):
    print("%-42s median %8.2f ms  (mean %.2f, min %.2f, max %.2f; %d runs, hyperfine)"
          % (name, x["median"] * 1000, x["mean"] * 1000, x["min"] * 1000, x["max"] * 1000,
             len(x["times"])))
EOF
else
    a=$(median_ms "$leec_cmd")
    b=$(median_ms "$py_cmd")
    printf '%-42s median %8s ms  (%d runs, date +%%s%%N)\n' "leec validate presets/ examples/" "$a" $runs
    printf '%-42s median %8s ms  (%d runs, date +%%s%%N)\n' "python3 yaml.safe_load of the same YAML" "$b" $runs
fi
