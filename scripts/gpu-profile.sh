#!/usr/bin/env bash
# On the GPU machine (needs ncu): profiles one launch of a bundle through
# sm120-run under Nsight Compute and writes, to OUT, NAME.txt (speed of
# light, warp states, scheduler and pipe figures), NAME.source.csv (SASS
# with its stall samples) and NAME.stalls.json (scripts/ncu-stalls.py: the
# samples per region and the hottest instructions). NAME is the bundle
# directory's name; SM120_COMMIT names the commit in the JSON. The
# launch's inputs come from the sm120-run options after the bundle (e.g.
# --sizes a=0:4096,d=0:4096).
# Usage: scripts/gpu-profile.sh OUT BUNDLE [sm120-run options]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,10p' "$0"; exit 2; }
out="$1"
bundle="$2"
shift 2
name="$(basename "$bundle")"
mkdir -p "$out"
build="$root/build-rt"
cmake -S "$root/runtime" -B "$build" -G Ninja -DSM120RT_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j "$(nproc)" --target sm120-run > /dev/null
rep="$(mktemp -d)/$name"
ncu --section SpeedOfLight --section WarpStateStats --section SchedulerStats \
  --section SourceCounters \
  --metrics regex:sm__inst_executed_pipe_.*\.avg\.pct_of_peak_sustained_active \
  -c 1 -o "$rep" "$build/bin/sm120-run" "$bundle" --no-check --iters 1 "$@" \
  > /dev/null
ncu --import "$rep.ncu-rep" > "$out/$name.txt"
ncu --import "$rep.ncu-rep" --page source --print-source sass --csv \
  > "$out/$name.source.csv"
rm -rf "$(dirname "$rep")"
device="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
python3 "$root/scripts/ncu-stalls.py" "$out/$name.source.csv" \
  --device "$device" --commit "${SM120_COMMIT:-unknown}" \
  > "$out/$name.stalls.json"
grep -E "Duration|Issue Slots Busy|Eligible Warps|pipe_(tensor|alu|fma)\.avg" \
  "$out/$name.txt" || true
