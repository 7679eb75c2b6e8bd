#!/usr/bin/env bash
# On a GPU machine (no MLIR needed): builds libsm120rt standalone, runs the
# GPU tests against the compiler's fixture bundles (carried in
# build/fixture-bundles) and writes a result record to $1 (default
# bench/results/). SM120_COMMIT names the commit the bundles came from.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
build="$root/build-rt"
mkdir -p "$out"

cmake -S "$root/runtime" -B "$build" -G Ninja \
  ${SM120RT_JSON_INCLUDE_DIR:+-DSM120RT_JSON_INCLUDE_DIR=$SM120RT_JSON_INCLUDE_DIR} \
  -DSM120RT_FIXTURE_SM90A="$root/build/fixture-bundles/sm_90a" \
  -DSM120RT_FIXTURE_SM120A="$root/build/fixture-bundles/sm_120a" > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" > "$build.build.log" 2>&1 \
  || { tail -50 "$build.build.log"; exit 1; }
(cd "$build" && ctest -L gpu -V --timeout 300) > "$build.gpu.log" 2>&1
rc=$?
cat "$build.gpu.log"
python3 "$root/scripts/gpu-result.py" "$build.gpu.log" "${SM120_COMMIT:-unknown}" \
  > "$out/gpu-fixture-$(date -u +%Y%m%dT%H%M%SZ).json"
exit $rc
