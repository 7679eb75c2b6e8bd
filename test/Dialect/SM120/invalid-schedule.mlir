// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{schedule block must be [BM, BN, BK]; got 2 entries}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128], stages = 2, warp_layout = [4, 2], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule BM is 256; expected 64 or 128}}
func.func @f() attributes {s = #sm120.schedule<block = [256, 128, 64], stages = 2, warp_layout = [4, 2], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule BN is 24; expected a multiple of 16 in [16, 256]}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 24, 64], stages = 2, warp_layout = [4, 2], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule BK is 48; expected a multiple of 32 in [32, 256]}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 48], stages = 2, warp_layout = [4, 2], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule stages is 17; expected 1 to 16}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 17, warp_layout = [4, 2], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule warp_layout must be [WM, WN] with positive entries}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 2, warp_layout = [8], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule has 6 math warps; expected 4 or 8 (one or two warpgroups)}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 2, warp_layout = [2, 3], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule BM = 64 does not split into 8 warps of whole 16-row MMA tiles}}
func.func @f() attributes {s = #sm120.schedule<block = [64, 128, 64], stages = 2, warp_layout = [8, 1], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule BN = 16 does not split into 4 warps of whole 8-column MMA tiles}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 16, 64], stages = 2, warp_layout = [2, 4], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule tma_warps is 5; expected 1 to 4 (one warpgroup)}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 2, warp_layout = [4, 2], tma_warps = 5, epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule raster_group is 0; expected 1 to 1024}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 2, warp_layout = [4, 2], raster_group = 0, epilogue = direct>} { return }

// -----

// A group this large would overflow the kernel's 32-bit tile arithmetic.
// expected-error @+1 {{schedule raster_group is 1073741824; expected 1 to 1024}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 2, warp_layout = [4, 2], raster_group = 1073741824, epilogue = direct>} { return }

// -----

// A warp layout whose product wraps around to 8 is still refused.
// expected-error @+1 {{schedule warp_layout is [4611686018427387905, 4]; a CTA has 4 or 8 math warps}}
func.func @f() attributes {s = #sm120.schedule<block = [128, 128, 64], stages = 2, warp_layout = [4611686018427387905, 4], epilogue = direct>} { return }

// -----

// expected-error @+1 {{schedule swap_ab writes the accumulator transposed, which needs epilogue = direct}}
func.func @f() attributes {s = #sm120.schedule<block = [64, 16, 128], stages = 2, warp_layout = [4, 1], epilogue = tma_store, swap_ab = true>} { return }
