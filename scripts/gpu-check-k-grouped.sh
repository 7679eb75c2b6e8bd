#!/usr/bin/env bash
# On the GPU machine: checks the K-grouped benchmark bundles
# (build/k-grouped-bench from scripts/bench-k-grouped.sh, the acceptance
# shapes) at their full size against the CPU reference with sm120-run:
# sum K = 1.3 x G x the expected K, each group's K drawn from 0.7 to 1.3
# times its share, one group empty, random inputs. Each check takes tens
# of seconds (the reference's double GEMM), so $2 (default *) picks
# bundles by glob and SM120_CHECK_SECONDS (default 540) stops starting new
# ones after that long. Writes one JSON record to $1 (default
# bench/results/). SM120_COMMIT names the commit.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
glob="${2:-*}"
deadline=$(( SECONDS + ${SM120_CHECK_SECONDS:-540} ))
mkdir -p "$out"
source "$root/scripts/k-grouped-sizes.sh"
build="$root/build-rt"
cmake -S "$root/runtime" -B "$build" -G Ninja -DSM120RT_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j "$(nproc)" --target sm120-run > /dev/null
log="$build.check-k-grouped.log"
: > "$log"
for dir in "$root"/build/k-grouped-bench/$glob; do
  [ -f "$dir/sm_90a/manifest.json" ] || continue
  if [ $SECONDS -ge $deadline ]; then
    echo "stopped before $(basename "$dir"): time is up" | tee -a "$log"
    break
  fi
  name="$(basename "$dir")"
  k_grouped_sizes "$name"
  start=$SECONDS
  echo "case $name SUMK=$sumk" | tee -a "$log"
  "$build/bin/sm120-run" "$dir/sm_90a" --sizes "$sizes" --iters 1 2>&1 \
    | grep -E "^(device|output|result)" | tee -a "$log"
  echo "seconds $(( SECONDS - start ))" | tee -a "$log"
done
python3 - "$log" "${SM120_COMMIT:-unknown}" \
  > "$out/k-grouped-check-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, commit = open(sys.argv[1]).read(), sys.argv[2]
device = re.search(r"device\s+\d+: (.*)", log)
rows = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, sumk = re.match(r"(\S+) SUMK=(\d+)", block).groups()
    diff = re.search(r"diff ([0-9.e+-]+)", block)
    rel = re.search(r"max rel err ([0-9.e+-]+)", block)
    result = re.search(r"^result\s+(\S+)", block, re.M)
    secs = re.search(r"^seconds (\d+)", block, re.M)
    rows.append({"config": name, "sum_k": int(sumk),
                 "diff": float(diff.group(1)) if diff else None,
                 "max_rel_err": float(rel.group(1)) if rel else None,
                 "result": result.group(1) if result else "no result",
                 "seconds": int(secs.group(1)) if secs else None})
print(json.dumps({
    "kind": "k-grouped-check",
    "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "inputs": "random, seed 1; sum K = 1.3 G x expected K; CPU reference in double",
    "results": rows,
    "stopped_early": "time is up" in log}, indent=2))
PY
! grep -q "^result\s*FAIL" "$log"
