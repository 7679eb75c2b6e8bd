// FP8 experts, masked, decode-sized groups with a swap_ab schedule: N runs
// along the MMA's rows and each group's few valid rows along 16 columns.
func.func @masked_fp8_swap(%a: memref<6x?x7168xf8E4M3FN>, %b: memref<6x2112x7168xf8E4M3FN>,
                           %sfa: memref<6x14x?xi32>, %sfb: memref<6x14x2112xi32>,
                           %masked_m: memref<6xi32>, %d: memref<6x?x2112xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<6x?x7168xf8E4M3FN>)
      b(%b : memref<6x2112x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<6x14x?xi32>, memref<6x14x2112xi32>)
      layout(%masked_m : memref<6xi32>) d(%d : memref<6x?x2112xbf16>)
      schedule <block = [64, 16, 128], stages = 8, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
      {expected_m = 20 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}
