#!/usr/bin/env bash
# Sets up if needed, builds, and runs every test (lit suite and unit tests),
# ending with the ctest summary.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"

"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
