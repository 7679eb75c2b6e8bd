#!/usr/bin/env bash
# On the GPU machine (no MLIR needed): runs the twin bundles that
# scripts/gemm-matrix.sh compiled (carried in build/gemm-matrix) through
# libsm120rt/sm120-run for each M, against the CPU reference, and writes a
# JSON record of every case's diff to $1 (default bench/results/). Each case
# launches 3 times against one reference (--repeat 2) to catch races.
# SM120_MATRIX_DIR: another bundle folder (e.g. build/gemm-bench).
# Usage: scripts/gpu-gemm-matrix.sh [out-dir] [bundle-glob] [M ...]
#   e.g. scripts/gpu-gemm-matrix.sh "$OUT" 'fp8_*_sm_90a' 1 128 4096
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
glob="${2:-*_sm_90a}"
shift 2 2>/dev/null || shift $#
ms=("$@")
[ ${#ms[@]} -gt 0 ] || ms=(1 128 4096)
build="$root/build-rt"
mkdir -p "$out"

cmake -S "$root/runtime" -B "$build" -G Ninja > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target sm120-run > "$build.build.log" 2>&1 \
  || { tail -50 "$build.build.log"; exit 1; }

log="$build.matrix.log"
: > "$log"
for dir in "${SM120_MATRIX_DIR:-$root/build/gemm-matrix}"/$glob; do
  [ -f "$dir/manifest.json" ] || continue
  for m in "${ms[@]}"; do
    # Every dynamic dimension is M.
    sizes=$(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
print(",".join("%s=%d:%s" % (t["name"], d, sys.argv[2]) for t in m["tensors"]
               for d, s in enumerate(t["shape"]) if s < 0))' "$dir/manifest.json" "$m")
    echo "case $(basename "$dir") M=$m" | tee -a "$log"
    "$build/bin/sm120-run" "$dir" --sizes "$sizes" --iters 0 --repeat 2 \
      --show-mismatches 8 2>&1 | grep -E "^(device|output|repeat|mismatch|result)|error" \
      | tee -a "$log"
  done
done
python3 - "$log" "${SM120_COMMIT:-unknown}" > "$out/gemm-matrix-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, commit = open(sys.argv[1]).read(), sys.argv[2]
device = re.search(r"device\s+\d+: (.*)", log)
cases = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, m = re.match(r"(\S+) M=(\d+)", block).groups()
    runs = re.findall(r"^(?:output|repeat\d+) .*diff ([-0-9.e+]+);.*: "
                      r"(ok|MISMATCH) \((.*)\)", block, flags=re.M)
    cases.append({"bundle": name, "m": int(m),
                  "diff": max(float(r[0]) for r in runs) if runs else None,
                  "launches": len(runs),
                  "passed": bool(runs) and all(r[1] == "ok" for r in runs),
                  "criterion": runs[0][2] if runs else None,
                  "mismatches": re.findall(r"^mismatch .*", block, flags=re.M)[:9]})
print(json.dumps({
    "kind": "gpu-gemm-matrix", "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "passed": bool(cases) and all(c["passed"] for c in cases),
    "cases": cases}, indent=2))
PY
grep -c "result   PASS" "$log" | xargs echo "passed cases:"
! grep -q "result   FAIL\|error" "$log"
