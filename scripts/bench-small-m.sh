#!/usr/bin/env bash
# Compiles the decode-size (small M) GEMM benchmark into build/small-m-bench/:
# FP8 (packed UE8M0 scales) and BF16 GEMMs with (N, K) in {(2112, 7168),
# (7168, 2048), (4096, 7168), (24576, 1536)}, each as three twin bundles
# whose schedules are chosen for 16, 32 and 64 rows: swap_ab with 16 and 32
# columns, and the plain BM = 64 schedule the cost model picks at 64 rows.
# The swap_ab kernels are compiled for sm_120a too (ptxas report, SASS).
# Run scripts/gpu-bench-small-m.sh on the GPU machine after it (with
# build/bench-bundles from scripts/bench-mma-peak.sh for the peak).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/small-m-bench}"
rm -rf "$out"
mkdir -p "$out/specs"
for dtype in fp8 bf16; do
  for nk in 2112x7168 7168x2048 4096x7168 24576x1536; do
    n=${nk%x*} k=${nk#*x} words=$(( (k + 511) / 512 ))
    name="${dtype}_${nk}"
    if [ "$dtype" = fp8 ]; then
      cat > "$out/specs/$name.mlir" <<SPEC
func.func @${name}(%a: memref<?x${k}xf8E4M3FN>, %b: memref<${n}x${k}xf8E4M3FN>,
    %sfa: memref<${words}x?xi32>, %sfb: memref<${words}x${n}xi32>,
    %d: memref<?x${n}xbf16>) {
  sm120.gemm a(%a : memref<?x${k}xf8E4M3FN>) b(%b : memref<${n}x${k}xf8E4M3FN>)
      scales(%sfa, %sfb : memref<${words}x?xi32>, memref<${words}x${n}xi32>)
      d(%d : memref<?x${n}xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}
SPEC
    else
      cat > "$out/specs/$name.mlir" <<SPEC
func.func @${name}(%a: memref<?x${k}xbf16>, %b: memref<${n}x${k}xbf16>,
    %d: memref<?x${n}xbf16>) {
  sm120.gemm a(%a : memref<?x${k}xbf16>) b(%b : memref<${n}x${k}xbf16>)
      d(%d : memref<?x${n}xbf16>)
  return
}
SPEC
    fi
    for rows in 16 32 64; do
      "$build/bin/sm120-opt" "$out/specs/$name.mlir" \
        --sm120-compile="chip=sm_90a machine=h100 expected-m=$rows output=$out/${name}_m$rows/sm_90a" \
        -o /dev/null
      [ "$rows" = 64 ] && continue
      "$build/bin/sm120-opt" "$out/specs/$name.mlir" \
        --sm120-compile="chip=sm_120a expected-m=$rows output=$out/${name}_m$rows/sm_120a report=true" \
        -o /dev/null
    done
  done
done
