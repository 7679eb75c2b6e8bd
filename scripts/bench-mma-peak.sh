#!/usr/bin/env bash
# Compiles the MMA peak microbenchmarks and the twin's FP8 emulation bounds
# (bench/mma_peak/) for sm_90a into
# build/bench-bundles/. Run bench/ drivers on the GPU machine with
# scripts/gpu-bench.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/bench-bundles}"
lower=(--sm120-lower-kernel-to-llvm)
for src in "$root"/bench/mma_peak/mma_peak_*.mlir; do
  form="$(basename "$src" .mlir)"
  "$build/bin/sm120-opt" "$src" "${lower[@]}" \
    --sm120-serialize="chip=sm_90a output=$out/$form.sm_90a report=true" -o /dev/null
done
