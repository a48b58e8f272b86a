#!/usr/bin/env bash
# The leec demo (README quick start): build, validate every preset and example,
# explain and compile the default example, then run the real bootstrap under the
# local Lambda emulator against the Home Assistant simulator and print the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps demo
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== leec validate presets/ examples/"
build/compiler/leec validate presets/ examples/
echo
echo "== leec explain examples/leec.yaml"
build/compiler/leec explain examples/leec.yaml
echo
echo "== leec compile examples/leec.yaml -o build/demo-tables"
build/compiler/leec compile examples/leec.yaml -o build/demo-tables
ls -l build/demo-tables
echo
echo "== the bootstrap, through the Lambda emulator, against the Home Assistant simulator"
/usr/bin/python3 -B tests/peers/demo.py build/runtime/bootstrap
