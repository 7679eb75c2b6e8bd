// NVFP4 decode GEMM accumulating into an FP32 C (read transposed too).
func.func @swap_nvfp4_c(%a: memref<?x7168xf4E2M1FN>, %b: memref<4096x7168xf4E2M1FN>,
                        %sfa: memref<?x448xf8E4M3FN>, %sfb: memref<4096x448xf8E4M3FN>,
                        %c: memref<?x4096xf32>, %d: memref<?x4096xf32>) {
  sm120.gemm a(%a : memref<?x7168xf4E2M1FN>) b(%b : memref<4096x7168xf4E2M1FN>)
      scales(%sfa, %sfb : memref<?x448xf8E4M3FN>, memref<4096x448xf8E4M3FN>)
      c(%c : memref<?x4096xf32>) d(%d : memref<?x4096xf32>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}
