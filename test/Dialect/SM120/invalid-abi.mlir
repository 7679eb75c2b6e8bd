// RUN: sm120-opt %s -split-input-file -verify-diagnostics --allow-unregistered-dialect

// The abi lists one parameter per kernel parameter.
// expected-error @+1 {{kernel has 2 parameters but its abi lists 1}}
llvm.func @k(%a: !llvm.ptr, %b: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<16xf32>>], params = [#sm120.ptr<0>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// A dim parameter's type matches the kernel parameter.
// expected-error @+1 {{kernel parameter #0 has type 'i64'; its abi entry passes a 'i32'}}
llvm.func @k(%n: i64) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<?xf32>>], params = [#sm120.dim<0, 0 : i32>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// Pointer and TMA parameters are !llvm.ptr.
// expected-error @+1 {{kernel parameter #0 has type 'i32'; a pointer or TMA parameter needs !llvm.ptr}}
llvm.func @k(%a: i32) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<16xf32>>], params = [#sm120.ptr<0>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{'sm120.abi' must be a #sm120.abi attribute}}
llvm.func @k() attributes {sm120.abi = 1 : i32} {
  llvm.return
}

// -----

// expected-error @+1 {{unknown sm120 attribute 'sm120.other'}}
llvm.func @k() attributes {sm120.other = 1 : i32} {
  llvm.return
}

// -----

// expected-error @+1 {{'sm120.abi' belongs on a kernel function}}
"test.op"() {sm120.abi = #sm120.abi<tensors = [], params = [],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} : () -> ()

// -----

// expected-error @+1 {{abi refers to tensor #1 but has 1 tensors}}
llvm.func @k(%a: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<16xf32>>], params = [#sm120.ptr<1>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi tensors entry 1 : i32 is not a #sm120.tensor attribute}}
llvm.func @k() attributes {sm120.abi = #sm120.abi<tensors = [1 : i32], params = [],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi tensor 'a' has no unit-stride dimension}}
llvm.func @k() attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<16x16xf32, strided<[32, 2]>>>], params = [],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0 reads dim 1 of a rank-1 tensor}}
llvm.func @k(%n: i32) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<?xf32>>], params = [#sm120.dim<0, 1 : i32>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0 has type 'i16'; expected i32 or i64}}
llvm.func @k(%n: i16) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<?xf32>>], params = [#sm120.dim<0, 0 : i16>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0 has a rank-1 box over a rank-2 tensor}}
llvm.func @k(%t: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<64x64xbf16>>], params = [#sm120.tma<tensor = 0, box = [64]>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0: TMA cannot move 'i1' elements}}
llvm.func @k(%t: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<64x64xi1>>], params = [#sm120.tma<tensor = 0, box = [64, 64]>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// The inner box row must fit the swizzle span.
// expected-error @+1 {{abi param #0 has a 256-byte inner box; swizzle 128 allows at most 128}}
llvm.func @k(%t: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<64x256xf8E4M3FN>>], params = [#sm120.tma<tensor = 0, box = [64, 256], swizzle = 128>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0 has a 24-byte inner box; TMA needs a multiple of 16}}
llvm.func @k(%t: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<64x64xbf16>>], params = [#sm120.tma<tensor = 0, box = [64, 12]>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0 is 3 : i32; expected #sm120.ptr, #sm120.dim, #sm120.stride, #sm120.tma or #sm120.scratch}}
llvm.func @k(%t: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<64xf32>>], params = [3 : i32],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch tiles read dim 2 of a rank-2 tensor}}
llvm.func @k() attributes {sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<?x64xf32>>], params = [],
    launch = #sm120.launch<block = [32, 1, 1], tiles = [#sm120.tiles<tensor = 0, dim = 2, tile = 128>]>,
    problem = {family = "t"}>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi problem needs a string 'family'}}
llvm.func @k() attributes {sm120.abi = #sm120.abi<tensors = [], params = [],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {}>} {
  llvm.return
}

// -----

// expected-error @+1 {{tma box has rank 0; TMA supports 1 to 5}}
llvm.func @k() attributes {p = #sm120.tma<tensor = 0, box = []>} {
  llvm.return
}

// -----

// expected-error @+1 {{tma box extent 512 is outside [1, 256]}}
llvm.func @k() attributes {p = #sm120.tma<tensor = 0, box = [512]>} {
  llvm.return
}

// -----

// expected-error @+1 {{tma swizzle is 16 bytes; expected 0, 32, 64 or 128}}
llvm.func @k() attributes {p = #sm120.tma<tensor = 0, box = [64], swizzle = 16>} {
  llvm.return
}

// -----

// expected-error @+1 {{tma l2_promotion is 32 bytes; expected 0, 64, 128 or 256}}
llvm.func @k() attributes {p = #sm120.tma<tensor = 0, box = [64], l2_promotion = 32>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch block must have 3 extents from 1 to 1024}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1], grid = [1, 1, 1]>} {
  llvm.return
}

// -----

// Extents whose product wraps around are refused one by one.
// expected-error @+1 {{launch block must have 3 extents from 1 to 1024}}
llvm.func @k() attributes {p = #sm120.launch<block = [4611686018427387904, 4, 1], grid = [1, 1, 1]>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch block has 2048 threads; at most 1024}}
llvm.func @k() attributes {p = #sm120.launch<block = [1024, 2, 1], grid = [1, 1, 1]>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch needs either a fixed 'grid' or grid 'tiles', not both or neither}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1, 1]>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch grid must have 3 positive extents}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1, 1], grid = [0, 1, 1]>} {
  llvm.return
}

// -----

// expected-error @+1 {{a persistent launch needs grid 'tiles'}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1], persistent = true>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch tile size must be positive}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1, 1], tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = 0>]>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch tiles entry 1 : i32 is not a #sm120.tiles attribute}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1, 1], tiles = [1 : i32]>} {
  llvm.return
}

// -----

// expected-error @+1 {{launch tiles must not be empty}}
llvm.func @k() attributes {p = #sm120.launch<block = [32, 1, 1], tiles = []>} {
  llvm.return
}

// -----

// expected-error @+1 {{abi param #0 asks for 100 scratch bytes per block; expected a positive multiple of 128}}
llvm.func @k(%s: !llvm.ptr) attributes {sm120.abi = #sm120.abi<
    tensors = [], params = [#sm120.scratch<bytes_per_block = 100>],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.return
}
