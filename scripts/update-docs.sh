#!/usr/bin/env bash
# Regenerates the dialect and pass references from ODS into docs/reference/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
cmake --build "$build" --target mlir-doc
mkdir -p "$root/docs/reference"
cp "$build/docs/Dialects/SM120Dialect.md" "$build/docs/SM120Passes.md" "$root/docs/reference/"
echo "updated docs/reference/"
