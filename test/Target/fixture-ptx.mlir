// The backend fixture compiles to the expected PTX for both chips: the same
// TMA / mbarrier / ldmatrix code, with the block-scaled MMA on sm_120a and
// plain FP8 mma.sync on the sm_90a twin.
// RUN: cat %fixture/kernel.mlir %fixture/mma_sm120a.mlir | sm120-opt %lower-to-llvm --sm120-serialize="chip=sm_120a ptx=-" -o /dev/null | FileCheck %s --check-prefixes=CHECK,SM120
// RUN: cat %fixture/kernel.mlir %fixture/mma_sm90a.mlir | sm120-opt %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null | FileCheck %s --check-prefixes=CHECK,SM90

// SM120: .version 8.7
// SM120: .target sm_120a
// SM90: .version 8.7
// SM90: .target sm_90a
// CHECK-LABEL: .visible .entry fixture_fp8_tile(
// The TMA descriptors are 64-byte aligned by-value parameters.
// CHECK-NEXT: .param .align 64 .b8 fixture_fp8_tile_param_0[128],
// CHECK-NEXT: .param .align 64 .b8 fixture_fp8_tile_param_1[128],
// CHECK: .maxntid 128, 1, 1
// CHECK: mbarrier.init.shared.b64
// CHECK: mbarrier.arrive.expect_tx.shared.b64
// TMA in the CTA-only form: no cluster is launched on sm_120.
// CHECK: cp.async.bulk.tensor.2d.shared::cta.global.tile.mbarrier::complete_tx::bytes
// CHECK: cp.async.bulk.tensor.2d.shared::cta.global.tile.mbarrier::complete_tx::bytes
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK: ldmatrix.sync.aligned.m8n8.x2.shared.b16
// SM120: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3.f32.ue8m0
// SM120-NOT: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// SM90: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// SM90-NOT: block_scale
// CHECK: st.global.b32
