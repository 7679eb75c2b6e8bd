#!/usr/bin/env bash
# Compiles the dense GEMM acceptance matrix: every lowered dtype
# configuration x the seven (N, K) shapes (plus FP32 output and accumulation
# into C on one shape), for each chip, into
# build/gemm-matrix/<dtype>_<N>x<K>_<chip>/ (bundles the GPU run takes),
# prints each kernel's assembler report and fails if any kernel spills.
# Usage: scripts/gemm-matrix.sh [chip ...]   (default: sm_120a sm_90a)
# SM120_MACHINE picks the machine model the schedules are chosen for (default:
# the compiler's, rtx-pro-6000, so that the twin runs sm_120a's schedules);
# SM120_DTYPES restricts the configurations (e.g. "fp8 bf16").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
opt="${SM120_OPT:-$build/bin/sm120-opt}"
out="${SM120_MATRIX_DIR:-$build/gemm-matrix}"
chips=("$@")
[ ${#chips[@]} -gt 0 ] || chips=(sm_120a sm_90a)
shapes=(2112x7168 576x7168 24576x1536 32768x512 7168x16384 4096x7168 7168x2048)

mkdir -p "$out/specs"
spec() { # dtype N K -> spec file
  local dtype=$1 n=$2 k=$3 f="$out/specs/$1_$2x$3.mlir"
  # fp8c: C accumulated in FP32; bf16f32: FP32 output.
  local out_t=bf16 c_arg="" c_use=""
  [ "$dtype" = bf16f32 ] && out_t=f32
  if [ "$dtype" = fp8c ]; then
    c_arg="%c: memref<?x${n}xf32>, "
    c_use="c(%c : memref<?x${n}xf32>) "
  fi
  case $dtype in
  fp8 | fp8c)
    local w=$((k / 512)) t=f8E4M3FN
    cat > "$f" <<SPEC
func.func @${dtype}_gemm_${n}x${k}(%a: memref<?x${k}x$t>, %b: memref<${n}x${k}x$t>,
    %sfa: memref<${w}x?xi32>, %sfb: memref<${w}x${n}xi32>, ${c_arg}%d: memref<?x${n}xbf16>) {
  sm120.gemm a(%a : memref<?x${k}x$t>) b(%b : memref<${n}x${k}x$t>)
      scales(%sfa, %sfb : memref<${w}x?xi32>, memref<${w}x${n}xi32>)
      ${c_use}d(%d : memref<?x${n}xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}
SPEC
    ;;
  fp4) # UE8M0 per 32 elements, packed per row
    local w=$((k / 128)) t=f4E2M1FN
    cat > "$f" <<SPEC
func.func @fp4_gemm_${n}x${k}(%a: memref<?x${k}x$t>, %b: memref<${n}x${k}x$t>,
    %sfa: memref<${w}x?xi32>, %sfb: memref<${w}x${n}xi32>, %d: memref<?x${n}xbf16>) {
  sm120.gemm a(%a : memref<?x${k}x$t>) b(%b : memref<${n}x${k}x$t>)
      scales(%sfa, %sfb : memref<${w}x?xi32>, memref<${w}x${n}xi32>)
      d(%d : memref<?x${n}xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}
SPEC
    ;;
  fp8fp4 | fp4fp8) # mxf8f6f4: UE8M0 per 128 (FP8) and per 32 (FP4), packed
    local ta=f8E4M3FN tb=f4E2M1FN ga=128 gb=32
    [ "$dtype" = fp4fp8 ] && { ta=f4E2M1FN tb=f8E4M3FN ga=32 gb=128; }
    local wa=$((k / (4 * ga))) wb=$((k / (4 * gb)))
    cat > "$f" <<SPEC
func.func @${dtype}_gemm_${n}x${k}(%a: memref<?x${k}x$ta>, %b: memref<${n}x${k}x$tb>,
    %sfa: memref<${wa}x?xi32>, %sfb: memref<${wb}x${n}xi32>, %d: memref<?x${n}xbf16>) {
  sm120.gemm a(%a : memref<?x${k}x$ta>) b(%b : memref<${n}x${k}x$tb>)
      scales(%sfa, %sfb : memref<${wa}x?xi32>, memref<${wb}x${n}xi32>)
      d(%d : memref<?x${n}xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = $ga, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = $gb, packed>}
  return
}
SPEC
    ;;
  nvfp4) # UE4M3 per 16 elements
    local g=$((k / 16)) t=f4E2M1FN s=f8E4M3FN
    cat > "$f" <<SPEC
func.func @nvfp4_gemm_${n}x${k}(%a: memref<?x${k}x$t>, %b: memref<${n}x${k}x$t>,
    %sfa: memref<?x${g}x$s>, %sfb: memref<${n}x${g}x$s>, %d: memref<?x${n}xbf16>) {
  sm120.gemm a(%a : memref<?x${k}x$t>) b(%b : memref<${n}x${k}x$t>)
      scales(%sfa, %sfb : memref<?x${g}x$s>, memref<${n}x${g}x$s>)
      d(%d : memref<?x${n}xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}
SPEC
    ;;
  bf16 | bf16f32)
    cat > "$f" <<SPEC
func.func @${dtype}_gemm_${n}x${k}(%a: memref<?x${k}xbf16>, %b: memref<${n}x${k}xbf16>,
    %d: memref<?x${n}x${out_t}>) {
  sm120.gemm a(%a : memref<?x${k}xbf16>) b(%b : memref<${n}x${k}xbf16>)
      d(%d : memref<?x${n}x${out_t}>)
  return
}
SPEC
    ;;
  esac
  echo "$f"
}

spills=0
# Every shape for the BF16-output configurations; one shape each for FP32
# output and accumulation into C.
machine=""
[ -n "${SM120_MACHINE:-}" ] && machine=" machine=$SM120_MACHINE"
for dtype in ${SM120_DTYPES:-fp8 bf16 fp8c bf16f32 fp4 nvfp4 fp8fp4 fp4fp8}; do
  list=("${shapes[@]}")
  case $dtype in fp8c | bf16f32) list=(2112x7168) ;; esac
  for shape in "${list[@]}"; do
    f=$(spec "$dtype" "${shape%x*}" "${shape#*x}")
    for chip in "${chips[@]}"; do
      report=$("$opt" "$f" \
        --sm120-compile="chip=$chip$machine output=$out/${dtype}_${shape}_$chip report=true" \
        -o /dev/null)
      echo "$report"
      if ! grep -q " 0 bytes spill stores, 0 bytes spill loads" <<<"$report"; then
        spills=$((spills + 1))
      fi
    done
  done
done
if [ "$spills" -ne 0 ]; then
  echo "gemm-matrix: $spills kernels spill" >&2
  exit 1
fi
echo "gemm-matrix: every kernel assembles without spills"
