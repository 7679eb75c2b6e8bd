// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-select-schedule -o /dev/null
// RUN: not sm120-opt %s --sm120-select-schedule=machine=a100 -o /dev/null 2>&1 | FileCheck %s --check-prefix=MACHINE
// RUN: not sm120-opt %s --sm120-select-schedule=expected-m=0 -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXPECTED
// RUN: not sm120-opt %s --sm120-select-schedule=expected-m=4294967296 -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXPECTED-HUGE

// MACHINE: error: unknown machine 'a100'; expected one of rtx-pro-6000, rtx-5090, gb10, h100
// EXPECTED: error: expected-m must be 1 to 2^31 - 1; got 0
// EXPECTED-HUGE: error: expected-m must be 1 to 2^31 - 1; got 4294967296

// A user schedule whose stages overflow shared memory is refused with the
// byte counts.
func.func @smem(%a: memref<4096x7168xbf16>, %b: memref<4096x7168xbf16>, %d: memref<4096x4096xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: 4 stages need 131136 bytes of shared memory (4 x 32784 per stage, the tiles padded to 1024, + 0 epilogue + 0 fixed); sm_120a allows 101376}}
  sm120.gemm a(%a : memref<4096x7168xbf16>) b(%b : memref<4096x7168xbf16>) d(%d : memref<4096x4096xbf16>)
      schedule <block = [128, 128, 64], stages = 4, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
  return
}

// -----

// FP4 x FP4 MMAs step K by 64.
func.func @mma_k(%a: memref<128x512xf4E2M1FN>, %b: memref<128x512xf4E2M1FN>,
                 %sa: memref<4x128xi32>, %sb: memref<4x128xi32>, %d: memref<128x128xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: BK = 96 is not a multiple of the MMA's K step 64}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<128x512xf4E2M1FN>)
      scales(%sa, %sb : memref<4x128xi32>, memref<4x128xi32>) d(%d : memref<128x128xbf16>)
      schedule <block = [128, 128, 96], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// One swizzled TMA box per row holds at most 128 bytes.
func.func @row_bytes(%a: memref<128x512xf8E4M3FN>, %b: memref<128x512xf8E4M3FN>,
                     %sa: memref<1x128xi32>, %sb: memref<1x128xi32>, %d: memref<128x128xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: BK = 256 gives 256-byte rows of A; one swizzled TMA box needs 32, 64 or 128}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<128x512xf8E4M3FN>)
      scales(%sa, %sb : memref<1x128xi32>, memref<1x128xi32>) d(%d : memref<128x128xbf16>)
      schedule <block = [128, 128, 256], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

func.func @one_stage(%a: memref<128x512xbf16>, %b: memref<128x512xbf16>, %d: memref<128x128xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: a pipeline needs at least 2 stages}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<128x512xbf16>) d(%d : memref<128x128xbf16>)
      schedule <block = [128, 128, 64], stages = 1, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
  return
}

// -----

// Four math warps on a 128 x 256 tile hold 256 accumulators per thread.
func.func @registers(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: math threads need about 392 registers (64x128 tile per warp); the budget with 4 math warps is 248}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>) d(%d : memref<128x256xbf16>)
      schedule <block = [128, 256, 32], stages = 2, warp_layout = [2, 2], raster_group = 8, epilogue = direct>
  return
}

// -----

// Grouped rows are checked one by one in registers: no TMA store.
func.func @grouped_tma_store(%a: memref<?x512xbf16>, %b: memref<4x256x512xbf16>,
                             %rows: memref<?xi32>, %d: memref<?x256xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: grouped rows and batched outputs are written by the direct epilogue; the schedule asks for tma_store}}
  sm120.grouped_gemm contiguous a(%a : memref<?x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x256xbf16>)
      schedule <block = [128, 128, 64], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = tma_store>
  return
}

// -----

// ring_store stages 16-row slices of every warp's tile in one operand slot:
// 8 x 16 x 64 FP32 outputs (32 KiB) do not fit the 16 KiB B slot of BK 32.
func.func @ring_store_small_slot(%a: memref<4096x512xbf16>, %b: memref<256x512xbf16>, %d: memref<4096x256xf32>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: ring_store stages at least 16 rows of every warp's tile (8 warps x 16 x 64 x 4 bytes) in one operand slot of a stage, which holds 16384}}
  sm120.gemm a(%a : memref<4096x512xbf16>) b(%b : memref<256x512xbf16>) d(%d : memref<4096x256xf32>)
      schedule <block = [128, 256, 32], stages = 2, warp_layout = [2, 4], raster_group = 8, epilogue = ring_store>
  return
}

// -----

// A K known only at run time may be zero: no stage is left to stage in.
func.func @ring_store_runtime_k(%a: memref<4096x?xbf16>, %b: memref<256x?xbf16>, %d: memref<4096x256xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: ring_store needs one plain [M, N] output and a static K (the last K block's stage holds the output); grouped, batched, swap_ab and runtime-K GEMMs do not qualify}}
  sm120.gemm a(%a : memref<4096x?xbf16>) b(%b : memref<256x?xbf16>) d(%d : memref<4096x256xbf16>)
      schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4], raster_group = 8, epilogue = ring_store>
  return
}

// -----

// TMA-store boxes span 32, 64 or 128 bytes of a warp tile's row: 24 BF16
// columns (48 bytes) are none of them.
func.func @tma_store_narrow_warp_rows(%a: memref<4096x512xbf16>, %b: memref<480x512xbf16>, %d: memref<4096x480xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: the tma_store epilogue stages boxes of 32, 64 or 128 bytes of a warp tile's row, which has 48}}
  sm120.gemm a(%a : memref<4096x512xbf16>) b(%b : memref<480x512xbf16>) d(%d : memref<4096x480xbf16>)
      schedule <block = [128, 48, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = tma_store>
  return
}

// -----

// Grouped outputs are written row by row: no ring_store either.
func.func @grouped_ring_store(%a: memref<?x512xbf16>, %b: memref<4x256x512xbf16>,
                              %rows: memref<?xi32>, %d: memref<?x256xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: ring_store needs one plain [M, N] output and a static K (the last K block's stage holds the output); grouped, batched, swap_ab and runtime-K GEMMs do not qualify}}
  sm120.grouped_gemm contiguous a(%a : memref<?x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x256xbf16>)
      schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4], raster_group = 8, epilogue = ring_store>
  return
}

// -----

// swap_ab is for dense GEMMs of one operand type.
func.func @swap_mixed(%a: memref<?x7168xf8E4M3FN>, %b: memref<576x7168xf4E2M1FN>,
                      %sa: memref<14x?xi32>, %sb: memref<56x576xi32>, %d: memref<?x576xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: swap_ab needs both operands of one type}}
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<576x7168xf4E2M1FN>)
      scales(%sa, %sb : memref<14x?xi32>, memref<56x576xi32>) d(%d : memref<?x576xbf16>)
      schedule <block = [64, 16, 128], stages = 2, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

func.func @swap_grouped(%a: memref<?x512xbf16>, %b: memref<4x256x512xbf16>,
                        %rows: memref<?xi32>, %d: memref<?x256xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: swap_ab applies to dense and masked GEMMs, not contiguous grouped ones}}
  sm120.grouped_gemm contiguous a(%a : memref<?x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x256xbf16>)
      schedule <block = [64, 16, 64], stages = 2, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
  return
}

// -----

// ldmatrix.trans moves 16-bit elements: an MN-major FP8 operand must be
// transposed to K-major first.
func.func @mn_major_fp8(%a: memref<128x512xf8E4M3FN>, %b: memref<512x256xf8E4M3FN>,
                        %sa: memref<1x128xi32>, %sb: memref<1x256xi32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: MN-major B is lowered for BF16 only (ldmatrix.trans reads 16-bit elements); transpose FP8 and FP4 operands to K-major}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<512x256xf8E4M3FN>)
      scales(%sa, %sb : memref<1x128xi32>, memref<1x256xi32>) d(%d : memref<128x256xbf16>)
      schedule <block = [128, 128, 128], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {b_major = #sm120.major<mn>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// An MN-major tile's rows are BN elements: 96 BF16 are 192 bytes, neither
// one swizzle span nor whole 128-byte panels.
func.func @mn_major_row_bytes(%a: memref<128x512xbf16>, %b: memref<512x192xbf16>, %d: memref<128x192xbf16>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: BN = 96 gives 192-byte rows of MN-major B; a swizzled tile needs 32, 64 or a multiple of 128}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<512x192xbf16>) d(%d : memref<128x192xbf16>)
      schedule <block = [128, 96, 64], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {b_major = #sm120.major<mn>}
  return
}

// -----

// With no schedule given, an MN-major FP8 operand is named.
func.func @mn_major_fp8_select(%a: memref<512x128xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                               %sa: memref<1x128xi32>, %sb: memref<1x256xi32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{'sm120.gemm' op has an MN-major FP8 A; MN-major operands are lowered for BF16 only (ldmatrix.trans reads 16-bit elements): transpose it to K-major}}
  sm120.gemm a(%a : memref<512x128xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sa, %sb : memref<1x128xi32>, memref<1x256xi32>) d(%d : memref<128x256xbf16>)
      {a_major = #sm120.major<mn>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// A K-grouped GEMM's K blocks must not span two groups: block K divides the
// K alignment its groups are promised.
func.func @k_grouped_bk(%a: memref<256x?xf8E4M3FN>, %b: memref<256x?xf8E4M3FN>,
                        %sfa: memref<?x256xi32>, %sfb: memref<?x256xi32>,
                        %ks: memref<4xi32>, %c: memref<4x256x256xf32>,
                        %d: memref<4x256x256xf32>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: block K 128 does not divide 64, the K alignment of a K-grouped GEMM's groups}}
  sm120.grouped_gemm k_grouped a(%a : memref<256x?xf8E4M3FN>) b(%b : memref<256x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x256xi32>, memref<?x256xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x256x256xf32>) d(%d : memref<4x256x256xf32>)
      schedule <block = [128, 128, 128], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ... and runs no swap_ab: its rows are a whole [M, N] per group.
func.func @k_grouped_swap(%a: memref<?x16xbf16>, %b: memref<?x256xbf16>,
                          %ks: memref<4xi32>, %c: memref<4x16x256xf32>,
                          %d: memref<4x16x256xf32>) {
  // expected-error @+1 {{schedule does not fit rtx-pro-6000: swap_ab applies to dense and masked GEMMs, not K-grouped ones}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x16xbf16>) b(%b : memref<?x256xbf16>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x16x256xf32>) d(%d : memref<4x16x256xf32>)
      schedule <block = [128, 16, 64], stages = 2, warp_layout = [8, 1], raster_group = 8, epilogue = direct, swap_ab = true>
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
  return
}
