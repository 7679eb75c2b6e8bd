// REQUIRES: cuda-toolkit
// K-grouped GEMMs assemble for sm_120a and for the twin without spills:
// the GPU test's specs (FP8 K-major with 128- and 32-element scale
// granules, BF16 MN-major and K-major) and FP8 at the acceptance shapes
// (G, M, N) of the reference system's weight-gradient tests with both
// granules, also with 1-D operands of per-group blocks. The manifest
// carries the K alignment, the K sizes as a pointer parameter and sum K as
// a runtime size, a grid factor of G, and for 1-D blocks rewritten
// descriptors and their scratch.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %S/Inputs/k_grouped/fp8_g128.mlir --sm120-compile="chip=sm_120a output=%t/g128_120 report=true" -o /dev/null | FileCheck %s --check-prefix=G128
// RUN: sm120-opt %S/Inputs/k_grouped/fp8_g128.mlir --sm120-compile="chip=sm_90a output=%t/g128_90 report=true" -o /dev/null | FileCheck %s --check-prefix=G128-90
// RUN: sm120-opt %S/Inputs/k_grouped/fp8_g32.mlir --sm120-compile="chip=sm_120a output=%t/g32_120 report=true" -o /dev/null | FileCheck %s --check-prefix=G32
// RUN: sm120-opt %S/Inputs/k_grouped/fp8_g32.mlir --sm120-compile="chip=sm_90a output=%t/g32_90 report=true" -o /dev/null | FileCheck %s --check-prefix=G32-90
// RUN: sm120-opt %S/Inputs/k_grouped/bf16_mn.mlir --sm120-compile="chip=sm_120a output=%t/mn_120 report=true" -o /dev/null | FileCheck %s --check-prefix=MN
// RUN: sm120-opt %S/Inputs/k_grouped/bf16_mn.mlir --sm120-compile="chip=sm_90a output=%t/mn_90 report=true" -o /dev/null | FileCheck %s --check-prefix=MN-90
// RUN: sm120-opt %S/Inputs/k_grouped/bf16_k.mlir --sm120-compile="chip=sm_120a output=%t/k_120 report=true" -o /dev/null | FileCheck %s --check-prefix=K
// RUN: sm120-opt %S/Inputs/k_grouped/bf16_k.mlir --sm120-compile="chip=sm_90a output=%t/k_90 report=true" -o /dev/null | FileCheck %s --check-prefix=K-90
// RUN: sm120-opt %S/Inputs/k_grouped/fp8_blocks.mlir --sm120-compile="chip=sm_120a output=%t/blocks_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BLOCKS
// RUN: sm120-opt %S/Inputs/k_grouped/fp8_blocks.mlir --sm120-compile="chip=sm_90a output=%t/blocks_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BLOCKS-90
// RUN: sm120-opt %S/Inputs/k_grouped/bf16_blocks.mlir --sm120-compile="chip=sm_120a output=%t/bblocks_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BBLOCKS
// RUN: sm120-opt %S/Inputs/k_grouped/bf16_blocks.mlir --sm120-compile="chip=sm_90a output=%t/bblocks_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BBLOCKS-90
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/g128_120/manifest.json
// RUN: FileCheck %s --check-prefix=BLOCKS-MANIFEST < %t/blocks_120/manifest.json
// RUN: FileCheck %s --check-prefix=BLOCKS-PTX < %t/blocks_120/k_grouped_fp8_blocks.sm_120a.ptx
// RUN: FileCheck %s --check-prefix=MN-PTX < %t/mn_120/k_grouped_bf16_mn.sm_120a.ptx
// G128: k_grouped_fp8 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// G128-90: k_grouped_fp8 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// G32: k_grouped_fp8_g32 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// G32-90: k_grouped_fp8_g32 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MN: k_grouped_bf16_mn for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MN-90: k_grouped_bf16_mn for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// K: k_grouped_bf16_k for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// K-90: k_grouped_bf16_k for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BLOCKS: k_grouped_fp8_blocks for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BLOCKS-90: k_grouped_fp8_blocks for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BBLOCKS: k_grouped_bf16_blocks for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BBLOCKS-90: k_grouped_bf16_blocks for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MN-PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// MANIFEST: "factors": [
// MANIFEST: "tensor": 4,
// MANIFEST-NEXT: "tile": 1
// MANIFEST: "kind": "pointer",
// MANIFEST-NEXT: "tensor": 4
// MANIFEST: "k_alignment": 64,
// MANIFEST-NEXT: "kind": "k_grouped",
// 1-D blocks: A's and B's descriptors are templates the kernel rewrites
// (2-D boxes over 1-D tensors), each with the tensor's pointer, and the
// kernel takes a descriptor slot per viewed tensor in each block's scratch.
// BLOCKS-MANIFEST: "device_rewritten": true,
// BLOCKS-MANIFEST-NEXT: "dtype": "u8",
// BLOCKS-MANIFEST: "kind": "tma",
// BLOCKS-MANIFEST-NEXT: "l2_promotion": 256,
// BLOCKS-MANIFEST-NEXT: "oob_fill": "zero",
// BLOCKS-MANIFEST-NEXT: "swizzle": 64,
// BLOCKS-MANIFEST-NEXT: "tensor": 0
// BLOCKS-MANIFEST: "kind": "pointer",
// BLOCKS-MANIFEST-NEXT: "tensor": 0
// BLOCKS-MANIFEST: "device_rewritten": true,
// BLOCKS-MANIFEST: "bytes_per_block": 256,
// BLOCKS-MANIFEST-NEXT: "kind": "scratch"
// BLOCKS-PTX-COUNT-2: tensormap.replace.tile.global_address.b1024.b64
// BLOCKS-PTX: fence.proxy.tensormap::generic.acquire.gpu

// The acceptance shapes, FP8 on sm_120a (K per group is a runtime size).
// RUN: sed -e 's/@GK@/128/g; s/@G@/4/g; s/@M@/4096/g; s/@N@/7168/g' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/a1.mlir
// RUN: sm120-opt %t/a1.mlir --sm120-compile="chip=sm_120a output=%t/a1 report=true" -o /dev/null | FileCheck %s --check-prefix=ACC
// RUN: sed -e 's/@GK@/32/g; s/@G@/4/g; s/@M@/7168/g; s/@N@/2048/g' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/a2.mlir
// RUN: sm120-opt %t/a2.mlir --sm120-compile="chip=sm_120a output=%t/a2 report=true" -o /dev/null | FileCheck %s --check-prefix=ACC
// RUN: sed -e 's/@GK@/32/g; s/@G@/8/g; s/@M@/4096/g; s/@N@/7168/g' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/a3.mlir
// RUN: sm120-opt %t/a3.mlir --sm120-compile="chip=sm_120a output=%t/a3 report=true" -o /dev/null | FileCheck %s --check-prefix=ACC
// RUN: sed -e 's/@GK@/128/g; s/@G@/8/g; s/@M@/7168/g; s/@N@/2048/g' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/a4.mlir
// RUN: sm120-opt %t/a4.mlir --sm120-compile="chip=sm_120a output=%t/a4 report=true" -o /dev/null | FileCheck %s --check-prefix=ACC
// RUN: sed -e 's/@GK@/128/g; s/@G@/16/g; s/@M@/4096/g; s/@N@/7168/g' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/a5.mlir
// RUN: sm120-opt %t/a5.mlir --sm120-compile="chip=sm_120a output=%t/a5 report=true" -o /dev/null | FileCheck %s --check-prefix=ACC
// RUN: sed -e 's/@GK@/32/g; s/@G@/16/g; s/@M@/7168/g; s/@N@/2048/g' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/a6.mlir
// RUN: sm120-opt %t/a6.mlir --sm120-compile="chip=sm_120a output=%t/a6 report=true" -o /dev/null | FileCheck %s --check-prefix=ACC
// ACC: k_grouped_fp8_{{[0-9]+}}_{{[0-9]+}}_{{[0-9]+}}_{{32|128}} for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads

// The same shapes with 1-D blocks, on both chips.
// RUN: sed -e 's/@GK@/128/g; s/@G@/4/g; s/@M@/4096/g; s/@N@/7168/g' %S/Inputs/k_grouped/templates/fp8_blocks.mlir.in > %t/b1.mlir
// RUN: sed -e 's/@GK@/32/g; s/@G@/4/g; s/@M@/7168/g; s/@N@/2048/g' %S/Inputs/k_grouped/templates/fp8_blocks.mlir.in > %t/b2.mlir
// RUN: sed -e 's/@GK@/32/g; s/@G@/8/g; s/@M@/4096/g; s/@N@/7168/g' %S/Inputs/k_grouped/templates/fp8_blocks.mlir.in > %t/b3.mlir
// RUN: sed -e 's/@GK@/128/g; s/@G@/8/g; s/@M@/7168/g; s/@N@/2048/g' %S/Inputs/k_grouped/templates/fp8_blocks.mlir.in > %t/b4.mlir
// RUN: sed -e 's/@GK@/128/g; s/@G@/16/g; s/@M@/4096/g; s/@N@/7168/g' %S/Inputs/k_grouped/templates/fp8_blocks.mlir.in > %t/b5.mlir
// RUN: sed -e 's/@GK@/32/g; s/@G@/16/g; s/@M@/7168/g; s/@N@/2048/g' %S/Inputs/k_grouped/templates/fp8_blocks.mlir.in > %t/b6.mlir
// RUN: for i in 1 2 3 4 5 6; do for chip in sm_120a sm_90a; do sm120-opt %t/b$i.mlir --sm120-compile="chip=$chip output=%t/b$i-$chip report=true" -o /dev/null; done; done | FileCheck %s --check-prefix=BACC
// BACC-COUNT-12: k_grouped_fp8_blocks_{{[0-9]+}}_{{[0-9]+}}_{{[0-9]+}}_{{32|128}} for sm_{{120a|90a}}: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads

// Groups promised to be multiples of 128 (k_alignment): schedules may take
// BK 128, still without spills.
// RUN: sed -e 's/@GK@/32/g; s/@G@/8/g; s/@M@/4096/g; s/@N@/7168/g; s/{sfa_recipe/{k_alignment = 128 : i64, sfa_recipe/' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/k1.mlir
// RUN: sed -e 's/@GK@/128/g; s/@G@/16/g; s/@M@/7168/g; s/@N@/2048/g; s/{sfa_recipe/{k_alignment = 128 : i64, sfa_recipe/' %S/Inputs/k_grouped/templates/fp8.mlir.in > %t/k2.mlir
// RUN: for i in 1 2; do for chip in sm_120a sm_90a; do sm120-opt %t/k$i.mlir --sm120-compile="chip=$chip output=%t/k$i-$chip report=true" -o /dev/null; done; done | FileCheck %s --check-prefix=KALIGN
// KALIGN-COUNT-4: k_grouped_fp8_{{[0-9]+}}_{{[0-9]+}}_{{[0-9]+}}_{{32|128}} for sm_{{120a|90a}}: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
