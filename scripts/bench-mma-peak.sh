#!/usr/bin/env bash
# Compiles the MMA peak microbenchmarks (bench/mma_peak/) for sm_90a into
# build/bench-bundles/. Run bench/ drivers on the GPU machine with
# scripts/gpu-bench.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/bench-bundles}"
lower=(--sm120-lower-kernel-to-llvm)
for form in bf16 fp8; do
  for chip in sm_90a; do
    "$build/bin/sm120-opt" "$root/bench/mma_peak/mma_peak_$form.mlir" "${lower[@]}" \
      --sm120-serialize="chip=$chip output=$out/mma_peak_$form.$chip report=true" -o /dev/null
  done
done
