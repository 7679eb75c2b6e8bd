#!/usr/bin/env bash
# Compiles the K-grouped GEMM benchmark configurations (the acceptance
# shapes (G, M, N, expected K per group) in {(4, 4096, 7168, 8192),
# (4, 7168, 2048, 8192), (8, 4096, 7168, 4096), (8, 7168, 2048, 4096),
# (16, 4096, 7168, 2048), (16, 7168, 2048, 2048)}) into
# build/k-grouped-bench/: FP8 with K-major [MN, sum K] operands and packed
# UE8M0 scales of granularity 128 (fp8_*) and 32 (fp8g32_*), FP8 with 1-D
# operands of per-group K-major blocks and granularity 128 (fp8blk_*: the
# kernel rewrites its descriptors per group), both FP8 granularities with
# groups promised to be multiples of 128 (fp8k128_*, fp8g32k128_*: the
# schedule may take BK 128), and BF16 with MN-major [sum K, MN] operands
# (bf16mn_*); f32 C and D. The twin's bundles
# with its own schedules, and every configuration for sm_120a with the
# ptxas report (spills). Run scripts/gpu-bench-k-grouped.sh on the GPU
# machine after it (with build/bench-bundles from scripts/bench-mma-peak.sh
# for the peak).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/k-grouped-bench}"
rm -rf "$out"
mkdir -p "$out/specs"
source "$root/scripts/bench-compile.sh"
for shape in 4x4096x7168x8192 4x7168x2048x8192 8x4096x7168x4096 \
  8x7168x2048x4096 16x4096x7168x2048 16x7168x2048x2048; do
  IFS=x read -r g m n ek <<<"$shape"
  io="${g}x${m}x${n}xf32"
  for variant in 128 32 128k128 32k128; do
    gran="${variant%%k*}"
    align=""
    case "$variant" in *k128) align="k_alignment = 128 : i64, " ;; esac
    name="fp8_${shape}"
    case "$variant" in
    32) name="fp8g32_${shape}" ;;
    128k128) name="fp8k128_${shape}" ;;
    32k128) name="fp8g32k128_${shape}" ;;
    esac
    cat > "$out/specs/$name.mlir" <<SPEC
func.func @k_grouped_${name}(%a: memref<${m}x?xf8E4M3FN>, %b: memref<${n}x?xf8E4M3FN>,
    %sfa: memref<?x${m}xi32>, %sfb: memref<?x${n}xi32>, %ks: memref<${g}xi32>,
    %c: memref<${io}>, %d: memref<${io}>) {
  sm120.grouped_gemm k_grouped a(%a : memref<${m}x?xf8E4M3FN>)
      b(%b : memref<${n}x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x${m}xi32>, memref<?x${n}xi32>)
      layout(%ks : memref<${g}xi32>) c(%c : memref<${io}>) d(%d : memref<${io}>)
      {${align}sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = ${gran}, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = ${gran}, packed>}
  return
}
SPEC
    compile "$name"
  done
  name="fp8blk_${shape}"
  cat > "$out/specs/$name.mlir" <<SPEC
func.func @k_grouped_${name}(%a: memref<?xf8E4M3FN>, %b: memref<?xf8E4M3FN>,
    %sfa: memref<?x${m}xi32>, %sfb: memref<?x${n}xi32>, %ks: memref<${g}xi32>,
    %c: memref<${io}>, %d: memref<${io}>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?xf8E4M3FN>)
      b(%b : memref<?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x${m}xi32>, memref<?x${n}xi32>)
      layout(%ks : memref<${g}xi32>) c(%c : memref<${io}>) d(%d : memref<${io}>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}
SPEC
  compile "$name"
  name="bf16mn_${shape}"
  cat > "$out/specs/$name.mlir" <<SPEC
func.func @k_grouped_${name}(%a: memref<?x${m}xbf16>, %b: memref<?x${n}xbf16>,
    %ks: memref<${g}xi32>, %c: memref<${io}>, %d: memref<${io}>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?x${m}xbf16>)
      b(%b : memref<?x${n}xbf16>)
      layout(%ks : memref<${g}xi32>) c(%c : memref<${io}>) d(%d : memref<${io}>)
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
  return
}
SPEC
  compile "$name"
done
