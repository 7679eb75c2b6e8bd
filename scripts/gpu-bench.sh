#!/usr/bin/env bash
# On a GPU machine: builds libsm120rt and the bench drivers standalone and
# measures the MMA peaks from the carried build/bench-bundles, writing the
# record to $1 (default bench/results/). SM120_COMMIT names the commit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
build="$root/build-rt"
mkdir -p "$out"
cmake -S "$root/runtime" -B "$build" -G Ninja -DSM120RT_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j "$(nproc)" --target sm120-mma-peak > /dev/null
"$build/bin/sm120-mma-peak" "$root"/build/bench-bundles/mma_peak_* \
  --commit "${SM120_COMMIT:-unknown}" \
  --json "$out/mma-peak-$(date -u +%Y%m%dT%H%M%SZ).json"
