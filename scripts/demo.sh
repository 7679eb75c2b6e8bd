#!/usr/bin/env bash
# Sets up if needed, builds, then runs the compiler on every kernel spec in
# examples/ and prints a report per kernel (GEMMs with their chosen schedule).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh"
for spec in "$root"/examples/*.mlir; do
  echo "== $(basename "$spec")"
  "$build/bin/sm120-opt" "$spec" --sm120-select-schedule --sm120-summarize -o /dev/null
done
