#!/usr/bin/env bash
# Compiles the batched GEMM benchmark configurations (einsum bhr,hdr->bhd,
# FP8 with packed UE8M0 scales and BF16, and BF16 with B MN-major: the
# same GEMMs as bhd,hdr->bhr, B [h, r, d] with K = r and N = d) into
# build/batched-bench/: (h, r, d)
# in {(8, 4096, 1024), (32, 512, 128)}, each for batch rows b in
# {1, 4, 16, 32, 4096} (the schedule is chosen for b: decode rows get
# swap_ab), as the twin's bundles and for sm_120a with the ptxas report.
# Run scripts/gpu-bench-batched.sh on the GPU machine after it (with
# build/bench-bundles from scripts/bench-mma-peak.sh for the peak).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/batched-bench}"
rm -rf "$out"
mkdir -p "$out/specs"
for dtype in fp8 bf16 bf16mn; do
  for hrd in 8x4096x1024 32x512x128; do
    IFS=x read -r h r d <<<"$hrd"
    words=$(( (r + 511) / 512 ))
    if [ "$dtype" = fp8 ]; then
      e=f8E4M3FN
      scales="scales(%sfx, %sfy : memref<${h}x${words}x?xi32>, memref<${h}x${words}x${d}xi32>)"
      sargs="%sfx: memref<${h}x${words}x?xi32>, %sfy: memref<${h}x${words}x${d}xi32>,"
      recipes="{sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>, sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}"
    else
      e=bf16 scales="" sargs="" recipes=""
    fi
    eq="bhr,hdr->bhd" bshape="${h}x${d}x${r}"
    [ "$dtype" = bf16mn ] && eq="bhd,hdr->bhr" bshape="${h}x${r}x${d}"
    spec="$out/specs/${dtype}_h${hrd}.mlir"
    cat > "$spec" <<SPEC
func.func @batched_${dtype}_h${h}_r${r}_d${d}(%x: memref<?x${h}x${r}x${e}>,
    %y: memref<${bshape}x${e}>, ${sargs} %z: memref<?x${h}x${d}xbf16>) {
  sm120.batched_gemm "${eq}" a(%x : memref<?x${h}x${r}x${e}>)
      b(%y : memref<${bshape}x${e}>) ${scales}
      d(%z : memref<?x${h}x${d}xbf16>) ${recipes}
  return
}
SPEC
    for b in 1 4 16 32 4096; do
      name="${dtype}_h${hrd}_b${b}"
      "$build/bin/sm120-opt" "$spec" \
        --sm120-compile="chip=sm_90a machine=h100 expected-m=$b output=$out/$name/sm_90a" \
        -o /dev/null
      "$build/bin/sm120-opt" "$spec" \
        --sm120-compile="chip=sm_120a expected-m=$b output=$out/$name/sm_120a report=true" \
        -o /dev/null
    done
  done
done
