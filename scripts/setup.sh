#!/usr/bin/env bash
# Installs (with apt-get, only what is missing) what sm120 builds against, and
# reports the CUDA toolkit it found. Idempotent; downloads nothing else.
set -euo pipefail

packages=(
  cmake ninja-build g++ python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  nlohmann-json3-dev libgtest-dev
)
# ccache speeds up rebuilds but is optional.
optional=(ccache)

missing=()
for p in "${packages[@]}" "${optional[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
else
  echo "setup: all packages present"
fi

for tool in /usr/lib/llvm-22/bin/mlir-tblgen /usr/lib/llvm-22/bin/FileCheck /usr/lib/llvm-22/bin/lit; do
  [ -x "$tool" ] || { echo "setup: $tool is missing after installation" >&2; exit 1; }
done
echo "setup: LLVM/MLIR $(/usr/lib/llvm-22/bin/llvm-config --version)"

# CUDA toolkit: CUDA_HOME, else /usr/local/cuda.
cuda="${CUDA_HOME:-/usr/local/cuda}"
if [ -x "$cuda/bin/ptxas" ]; then
  echo "setup: CUDA toolkit at $cuda"
  [ -x "$cuda/bin/nvcc" ] && echo "setup:   nvcc  $("$cuda/bin/nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')"
  echo "setup:   ptxas $("$cuda/bin/ptxas" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')"
  jit=$(ls "$cuda"/lib64/libnvJitLink.so.* 2>/dev/null | head -n 1 || true)
  if [ -n "$jit" ]; then
    echo "setup:   libnvJitLink $(basename "$jit")"
  else
    echo "setup:   libnvJitLink not found (cubins will be assembled with the ptxas executable)"
  fi
else
  echo "setup: no CUDA toolkit at $cuda (set CUDA_HOME); CUDA-dependent parts will be skipped"
fi
