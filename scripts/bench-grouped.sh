#!/usr/bin/env bash
# Compiles the M-grouped GEMM benchmark configurations (issue shapes, FP8
# with packed UE8M0 scales, (N, K) in {(6144, 7168), (7168, 3072),
# (4096, 4096), (4096, 2048)}): contiguous with G x expected rows per group
# in {4 x 8192, 8 x 4096}, row and prefix-sum layouts (fp8_*), and masked
# with max_m 4096 and (G, expected M) in {(32, 192), (6, 1024), (32, 20),
# (6, 20)} (masked_*; the 20-row ones also with a swap_ab schedule,
# masked_swap_*) into build/grouped-bench/: the
# twin's bundles with its own schedules, and every configuration for
# sm_120a with the ptxas report (spills). Run scripts/gpu-bench-grouped.sh
# on the GPU machine after it (with build/bench-bundles from
# scripts/bench-mma-peak.sh for the peak).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/grouped-bench}"
rm -rf "$out"
mkdir -p "$out/specs"
source "$root/scripts/bench-compile.sh"
for g in 4 8; do
  for nk in 6144x7168 7168x3072 4096x4096 4096x2048; do
    n=${nk%x*} k=${nk#*x} words=$(( (k + 511) / 512 ))
    for layout in rows prefix; do
      name="fp8_g${g}_${nk}_${layout}"
      if [ "$layout" = rows ]; then lt="memref<?xi32>" attr=""
      else lt="memref<${g}xi32>" attr="prefix_sum, "; fi
      cat > "$out/specs/$name.mlir" <<SPEC
func.func @grouped_${name}(%a: memref<?x${k}xf8E4M3FN>, %b: memref<${g}x${n}x${k}xf8E4M3FN>,
    %sfa: memref<${words}x?xi32>, %sfb: memref<${g}x${words}x${n}xi32>,
    %layout: ${lt}, %d: memref<?x${n}xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x${k}xf8E4M3FN>)
      b(%b : memref<${g}x${n}x${k}xf8E4M3FN>)
      scales(%sfa, %sfb : memref<${words}x?xi32>, memref<${g}x${words}x${n}xi32>)
      layout(%layout : ${lt}) d(%d : memref<?x${n}xbf16>)
      {${attr}expected_m = $(( 32768 / g )) : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}
SPEC
      compile "$name"
    done
  done
done
# The 20-row configurations again with a swap_ab schedule (masked_swap_*).
for gm in 32x192 6x1024 32x20 6x20 swap32x20 swap6x20; do
  g=${gm%x*} em=${gm#*x} swap="" schedule=""
  if [[ "$g" == swap* ]]; then
    g=${g#swap} swap="swap_"
    schedule="schedule <block = [64, 16, 128], stages = 8, warp_layout = [4, 1], epilogue = direct, swap_ab = true>"
  fi
  for nk in 6144x7168 7168x3072 4096x4096 4096x2048; do
    n=${nk%x*} k=${nk#*x} words=$(( (k + 511) / 512 ))
    name="masked_${swap}fp8_g${g}_m${em}_${nk}"
    a="${g}x4096x${k}xf8E4M3FN" sa="${g}x${words}x4096xi32"
    cat > "$out/specs/$name.mlir" <<SPEC
func.func @${name}(%a: memref<${a}>, %b: memref<${g}x${n}x${k}xf8E4M3FN>,
    %sfa: memref<${sa}>, %sfb: memref<${g}x${words}x${n}xi32>,
    %masked_m: memref<${g}xi32>, %d: memref<${g}x4096x${n}xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<${a}>)
      b(%b : memref<${g}x${n}x${k}xf8E4M3FN>)
      scales(%sfa, %sfb : memref<${sa}>, memref<${g}x${words}x${n}xi32>)
      layout(%masked_m : memref<${g}xi32>) d(%d : memref<${g}x4096x${n}xbf16>)
      ${schedule} {expected_m = ${em} : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}
SPEC
    compile "$name"
  done
done
