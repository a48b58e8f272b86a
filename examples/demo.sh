#!/usr/bin/env bash
# The leec demo (README quick start): build, validate every preset and example,
# explain and compile the default example, then run the real bootstrap under the
# local Lambda emulator against the Home Assistant simulator: discovery with the project's
# rules, a TurnOn, then Home Assistant answering garbage and Home Assistant down, each
# answered with a schema-valid Alexa message, with its time and Home Assistant POST count.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps demo
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== leec validate presets/ examples/"
build/compiler/leec validate presets/ examples/
echo
echo "== leec explain examples/leec.yaml (excerpt: lambda, budgets; run it for every value and its origin)"
build/compiler/leec explain examples/leec.yaml >build/demo-explain.txt
sed -n '1p; /^lambda:/,/^$/p; /^memory budget/p; /^metrics: [0-9]/p; /^free tier/,$p' build/demo-explain.txt
echo
echo "== leec compile examples/leec.yaml -o build/demo-tables"
build/compiler/leec compile examples/leec.yaml -o build/demo-tables
wc -c build/demo-tables/*
echo
echo "== the bootstrap, through the Lambda emulator, against the Home Assistant simulator"
/usr/bin/python3 -B tests/peers/demo.py build/runtime/bootstrap
