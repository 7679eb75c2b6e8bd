#!/usr/bin/env bash
# On the GPU machine: runs the batched acceptance bundles of
# scripts/check-batched.sh (carried in build/batched-check) against the CPU
# reference with sm120-run, random and small-integer inputs: the row
# bucket 16 with 1, 2, 4, 8 and 16 rows, bucket 32 with 32, bucket 256
# with 200; bhd,bhr->hdr with 1 to 32 and 300 batch rows (its K) and
# d = 192; bmk,bnk->mn with 8 and 32 batches. Writes one JSON record to $1
# (default bench/results/). SM120_COMMIT names the commit.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
mkdir -p "$out"
build="$root/build-rt"
cmake -S "$root/runtime" -B "$build" -G Ninja -DSM120RT_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j "$(nproc)" --target sm120-run > /dev/null
log="$build.check-batched.log"
: > "$log"
align4() { echo $(( ($1 + 3) / 4 * 4 )); }
sizes() { # name rows [batches] -> --sizes
  local m="$2"
  case "$1" in
  bhr_fp8_*) echo "a=0:$m,sfa=2:$(align4 "$m"),d=0:$m" ;;
  bhr_bf16_*) echo "a=0:$m,c=0:$m,d=0:$m" ;;
  bhd_bf16_*) echo "a=0:$m,d=0:$m" ;;
  bmn_fp8_*) echo "a=1:$m,sfa=2:$(align4 "$m"),d=1:$m" ;;
  bmn_bf16_*) echo "a=1:$m,d=1:$m" ;;
  hdr_bf16_*) echo "a=0:$m,a=2:192,b=0:$m,c=1:192,d=1:192" ;;
  bmk_bf16_*) echo "a=0:$3,a=1:$m,b=0:$3,c=0:$m,d=0:$m" ;;
  esac
}
for dir in "$root"/build/batched-check/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/sm_90a/manifest.json" ] || continue
  case "$name" in
  hdr_*) rows="1 2 4 8 16 32 300" ;;
  *_e16) rows="1 2 4 8 16" ;;
  *_e32) rows="32" ;;
  *) rows="200" ;;
  esac
  batches=0
  case "$name" in bmk_*) batches="8 32" ;; esac
  for m in $rows; do
    for s in $batches; do
      for mode in random small-int; do
        args=(--sizes "$(sizes "$name" "$m" "$s")" --iters 1)
        [ "$mode" = small-int ] && args+=(--small-int)
        echo "case $name rows=$m batches=$s $mode" | tee -a "$log"
        "$build/bin/sm120-run" "$dir/sm_90a" "${args[@]}" 2>&1 |
          grep -E "^(device|output|result|error)|rror" | tee -a "$log"
      done
    done
  done
done
python3 - "$log" "${SM120_COMMIT:-unknown}" \
  > "$out/batched-check-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, commit = open(sys.argv[1]).read(), sys.argv[2]
device = re.search(r"device\s+\d+: (.*)", log)
rows = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, m, s, mode = re.match(r"(\S+) rows=(\d+) batches=(\d+) (\S+)",
                                block).groups()
    diff = re.search(r"diff ([0-9.e+-]+)", block)
    result = re.search(r"^result\s+(\S+)", block, re.M)
    rows.append({"config": name, "rows": int(m), "batches": int(s) or None,
                 "inputs": mode,
                 "diff": float(diff.group(1)) if diff else None,
                 "result": result.group(1) if result else "no result"})
print(json.dumps({
    "kind": "batched-check",
    "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "results": rows,
    "passed": sum(r["result"] == "PASS" for r in rows),
    "failed": sum(r["result"] != "PASS" for r in rows)}, indent=2))
PY
! grep -q "^result\s*FAIL\|rror" "$log"
