// bmk,bnk->bmn in BF16 for decode with a swap_ab schedule: each batch's
// n = 520 runs along the MMA's rows (a partial tile) and its 4 rows along
// 16 columns; the transposed store writes each batch's [4, 520] matrix.
func.func @batched_bmn_bf16_swap(%x: memref<32x4x1024xbf16>, %y: memref<32x520x1024xbf16>,
                                 %z: memref<32x4x520xbf16>) {
  sm120.batched_gemm "bmk,bnk->bmn" a(%x : memref<32x4x1024xbf16>)
      b(%y : memref<32x520x1024xbf16>) d(%z : memref<32x4x520xbf16>)
      schedule <block = [64, 16, 64], stages = 4, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
  return
}
