#!/usr/bin/env bash
# Fills a kernel cache with the kernels a deployment without the compiler
# missed: reads the "no kernel for '<key>'" errors in the given logs (or
# stdin), and compiles each distinct key once with sm120-jit --key.
# Usage: scripts/fill-cache.sh [--cache-dir DIR] [LOG ...]
# DIR defaults to $SM120_CACHE_DIR, else ~/.cache/sm120 (sm120-jit's).
# Exits non-zero when a key does not compile (its error is printed).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
cache=()
if [ "${1:-}" = --cache-dir ]; then
  cache=(--cache-dir "$2")
  shift 2
fi
keys="$(cat "$@" | grep -o "no kernel for '[^']*'" |
  sed "s/^no kernel for '//; s/'\$//" | sort -u)"
[ -n "$keys" ] || { echo "fill-cache: no missed keys found"; exit 0; }
status=0
while IFS= read -r key; do
  if out="$("$build/bin/sm120-jit" "${cache[@]}" --key "$key" 2>&1)"; then
    echo "$out" | grep -E "^(kernel|entry):" | paste -sd ' '
  else
    echo "$out" >&2
    status=1
  fi
done <<< "$keys"
exit $status
