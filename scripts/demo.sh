#!/usr/bin/env bash
# Sets up if needed, builds, then runs the compiler on every kernel spec in
# examples/: a report per kernel (GEMMs with their chosen schedule), then
# each GEMM compiled for sm_120f (the family target) into build/demo-bundles/ with its
# registers, spills, shared memory and spec-to-cubin time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
opt="$build/bin/sm120-opt"

"$root/scripts/build.sh"
for spec in "$root"/examples/*.mlir; do
  echo "== $(basename "$spec")"
  "$opt" "$spec" --sm120-select-schedule --sm120-summarize -o /dev/null
done

echo
echo "== compile to bundles (sm_120f: every sm_12x GPU)"
for spec in "$root"/examples/*.mlir; do
  grep -q "sm120.gemm " "$spec" || continue
  name="$(basename "$spec" .mlir)"
  out="$build/demo-bundles/$name"
  start=$(date +%s%N)
  if log=$("$opt" "$spec" --sm120-compile="chip=sm_120f output=$out report=true" \
             -o /dev/null 2>&1); then
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    smem=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['launch']['dynamic_smem_bytes'])" \
             "$out/manifest.json" 2>/dev/null || echo "?")
    echo "$name: $log"
    echo "  dynamic shared memory $smem bytes; spec to cubin ${ms} ms (whole sm120-opt run)"
  else
    echo "$name: not compiled: $(echo "$log" | grep -m1 error)"
  fi
done
