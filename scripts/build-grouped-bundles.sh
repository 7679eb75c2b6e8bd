#!/usr/bin/env bash
# Compiles the M-grouped GEMM specs (examples/, test/Target/Inputs/grouped
# for kind contiguous, test/Target/Inputs/masked for kind masked, named
# masked_<spec>), the batched GEMM specs (test/Target/Inputs/batched,
# named batched_<spec>), the K-grouped specs (test/Target/Inputs/k_grouped,
# named kgrouped_<spec>) and the dense MN-major specs
# (test/Target/Inputs/mn_major, named mn_<spec>) into sm_90a bundles under $1 (default
# build/grouped-bundles), for the runtime's GPU test on the twin
# (runtime/test/gpu/grouped-bundles.sh) on a machine without the compiler.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/grouped-bundles}"
for spec in "$root/examples/moe_grouped_contiguous.mlir" \
            "$root"/test/Target/Inputs/grouped/*.mlir \
            "$root"/test/Target/Inputs/masked/*.mlir \
            "$root"/test/Target/Inputs/batched/*.mlir \
            "$root"/test/Target/Inputs/k_grouped/*.mlir \
            "$root"/test/Target/Inputs/mn_major/*.mlir; do
  name="$(basename "$spec" .mlir)"
  case "$spec" in
  */masked/*) name="masked_$name" ;;
  */batched/*) name="batched_$name" ;;
  */k_grouped/*) name="kgrouped_$name" ;;
  */mn_major/*) name="mn_$name" ;;
  esac
  rm -rf "$out/$name"
  "$build/bin/sm120-opt" "$spec" \
    --sm120-compile="chip=sm_90a machine=h100 output=$out/$name/sm_90a" \
    -o /dev/null
done
