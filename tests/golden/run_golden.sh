#!/bin/sh
# Golden diagnostics test for leec.
#
#   sh run_golden.sh LEEC CASE        (run from tests/golden; CTest does this)
#
# Runs   LEEC --root ../.. [ARGS...] validate CASE.yaml   from this directory, so
# diagnostics read "CASE.yaml:line:col" and the catalog is the repository root. Then
# compares stderr byte for byte with CASE.stderr and the exit status with CASE.exit
# (a file holding just the number). On a mismatch it prints a unified diff and fails.
#
# Optional per-case files:
#   CASE.args  extra arguments placed before 'validate' (e.g. "--format github"),
#              split on white space.
#   CASE.cmd   the full argument list after LEEC instead (split on white space);
#              the word CASE stands for CASE.yaml, e.g.
#                  --root ../.. --format json validate CASE
#              With --format json or --format github the diagnostics go to stdout,
#              so when CASE.cmd or CASE.args holds one of those, stdout is compared
#              instead (the expected file keeps the name CASE.stderr).
#
# Regenerating: LEEC_GOLDEN_UPDATE=1 sh run_golden.sh LEEC CASE rewrites CASE.stderr
# and CASE.exit from the current output (e.g. for all cases, from the build dir:
#   LEEC_GOLDEN_UPDATE=1 ctest -L golden
# ). Read every rewritten file before committing it.
set -u

if [ $# -ne 2 ]; then
    echo "usage: sh run_golden.sh LEEC CASE" >&2
    exit 2
fi
leec=$1
case=$2

if [ ! -f "$case.yaml" ]; then
    echo "run_golden.sh: no $case.yaml in $(pwd)" >&2
    exit 2
fi

if [ -f "$case.cmd" ]; then
    args=$(sed "s/\\bCASE\\b/$case.yaml/g" "$case.cmd")
    stream_args=$args
else
    extra=""
    [ -f "$case.args" ] && extra=$(cat "$case.args")
    args="--root ../.. $extra validate $case.yaml"
    stream_args=$extra
fi

out=$(mktemp) || exit 2
trap 'rm -f "$out" "$out.diff"' EXIT INT TERM

# shellcheck disable=SC2086  # word splitting of the argument list is intended
case " $stream_args " in
*" --format json "* | *" --format=json "* | *" --format github "* | *" --format=github "*)
    "$leec" $args >"$out" 2>/dev/null
    code=$? ;;
*)
    "$leec" $args 2>"$out" >/dev/null
    code=$? ;;
esac

if [ "${LEEC_GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$out" "$case.stderr"
    echo "$code" >"$case.exit"
    echo "updated $case.stderr and $case.exit (exit $code)"
    exit 0
fi

fail=0
if [ ! -f "$case.stderr" ] || [ ! -f "$case.exit" ]; then
    echo "missing $case.stderr or $case.exit (generate with LEEC_GOLDEN_UPDATE=1)" >&2
    exit 1
fi
want=$(tr -d ' \n' <"$case.exit")
if [ "$code" != "$want" ]; then
    echo "FAIL $case: exit status $code, expected $want"
    fail=1
fi
if ! diff -u "$case.stderr" "$out" >"$out.diff"; then
    echo "FAIL $case: diagnostics differ (--- expected, +++ actual)"
    sed "1,2s|$out|actual|" "$out.diff"
    fail=1
fi
[ $fail -eq 0 ] && echo "ok $case (exit $code)"
exit $fail
