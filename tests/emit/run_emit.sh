#!/bin/sh
# Golden test of the emitter (nanopb tests/options model).
#
#   sh run_emit.sh LEEC CASE          (run from tests/emit; CTest does this)
#
# Runs   LEEC --root ../.. compile CASE/leec.yaml -o TMP   and then
#   1. compares TMP/leec_config.h and TMP/leec_config.c byte for byte with
#      CASE/leec_config.h and CASE/leec_config.c;
#   2. checks CASE/checks, one extended regex per line (grep -E, each line of both
#      generated files): a plain line must match somewhere, a line starting with '!'
#      must match nowhere; blank lines and lines starting with '#' are skipped;
#   3. compiles the generated C with  cc -std=c11 -Wall -Wextra -Werror -pedantic
#      -Wtrigraphs -I ../../runtime  (the bootstrap compiles it with -Werror), and consumer.c,
#      which expands every X-macro list with its own X and checks them.
#
# Regenerating: LEEC_EMIT_UPDATE=1 sh run_emit.sh LEEC CASE rewrites the expected
# files (for all cases, from the build dir: LEEC_EMIT_UPDATE=1 ctest -L emit). Read
# every rewritten file before committing it; checks is never rewritten.
set -u

if [ $# -ne 2 ]; then
    echo "usage: sh run_emit.sh LEEC CASE" >&2
    exit 2
fi
leec=$1
case=$2
if [ ! -f "$case/leec.yaml" ]; then
    echo "run_emit.sh: no $case/leec.yaml in $(pwd)" >&2
    exit 2
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$leec" --root ../.. compile "$case/leec.yaml" -o "$tmp" >"$tmp/out" 2>&1; then
    echo "FAIL $case: leec compile failed"
    cat "$tmp/out"
    exit 1
fi

if [ "${LEEC_EMIT_UPDATE:-}" = 1 ]; then
    cp "$tmp/leec_config.h" "$tmp/leec_config.c" "$case/"
    echo "updated $case/leec_config.h and $case/leec_config.c"
    exit 0
fi

fail=0
for f in leec_config.h leec_config.c; do
    if [ ! -f "$case/$f" ]; then
        echo "FAIL $case: missing $case/$f (generate with LEEC_EMIT_UPDATE=1)"
        fail=1
    elif ! diff -u "$case/$f" "$tmp/$f" >"$tmp/diff"; then
        echo "FAIL $case: $f differs (--- expected, +++ generated)"
        cat "$tmp/diff"
        fail=1
    fi
done

if [ -f "$case/checks" ]; then
    cat "$tmp/leec_config.h" "$tmp/leec_config.c" >"$tmp/both"
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        '' | '#'*) continue ;;
        '!'*)
            re=${line#!}
            if grep -Eq -e "$re" "$tmp/both"; then
                echo "FAIL $case: must not match: $re"
                grep -En -e "$re" "$tmp/both" | head -3
                fail=1
            fi ;;
        *)
            if ! grep -Eq -e "$line" "$tmp/both"; then
                echo "FAIL $case: must match: $line"
                fail=1
            fi ;;
        esac
    done <"$case/checks"
fi

if ! cc -std=c11 -Wall -Wextra -Werror -pedantic -Wtrigraphs -I ../../runtime -I "$tmp" \
    -c "$tmp/leec_config.c" -o "$tmp/leec_config.o" 2>"$tmp/cc"; then
    echo "FAIL $case: the generated C does not compile cleanly"
    cat "$tmp/cc"
    fail=1
fi

if ! cc -std=c11 -Wall -Wextra -Werror -pedantic -Wtrigraphs -I ../../runtime -I "$tmp" \
    -c consumer.c -o "$tmp/consumer.o" 2>"$tmp/cc"; then
    echo "FAIL $case: consumer.c does not compile against the generated header"
    cat "$tmp/cc"
    fail=1
fi

[ $fail -eq 0 ] && echo "ok $case"
exit $fail
