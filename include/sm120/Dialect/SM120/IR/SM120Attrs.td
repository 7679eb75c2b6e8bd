//===- SM120Attrs.td - sm120 enums and attributes ----------*- tablegen -*-===//

#ifndef SM120_ATTRS_TD
#define SM120_ATTRS_TD

include "sm120/Dialect/SM120/IR/SM120Dialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def SM120_Major : I32EnumAttr<"Major", "operand majorness", [
    I32EnumAttrCase<"K", 0, "k">,
    I32EnumAttrCase<"MN", 1, "mn">
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sm120";
}
def SM120_MajorAttr : EnumAttr<SM120_Dialect, SM120_Major, "major"> {
  let summary = "Which dimension of an operand is contiguous in memory";
  let description = [{
    `k`: the reduction dimension is contiguous (a [MN, K] row-major tensor).
    `mn`: the M (or N) dimension is contiguous (a [K, MN] row-major tensor).
  }];
  let assemblyFormat = "`<` $value `>`";
}

def SM120_ScaleFormat : I32EnumAttr<"ScaleFormat", "scale-factor encoding", [
    I32EnumAttrCase<"UE8M0", 0, "ue8m0">,
    I32EnumAttrCase<"UE4M3", 1, "ue4m3">,
    I32EnumAttrCase<"F32", 2, "f32">
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sm120";
}

def SM120_GroupedKind : I32EnumAttr<"GroupedKind", "grouped GEMM kind", [
    I32EnumAttrCase<"Contiguous", 0, "contiguous">,
    I32EnumAttrCase<"Masked", 1, "masked">,
    I32EnumAttrCase<"KGrouped", 2, "k_grouped">
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sm120";
}
def SM120_GroupedKindAttr
    : EnumAttr<SM120_Dialect, SM120_GroupedKind, "grouped_kind"> {
  let summary = "How the groups of a grouped GEMM are laid out";
  let assemblyFormat = "`<` $value `>`";
}
// Printed as a bare keyword in the op syntax; stored as the attribute above.
def SM120_GroupedKindProp
    : EnumPropWithAttrForm<SM120_GroupedKind, SM120_GroupedKindAttr> {
  let storeInCustomAttribute = 1;
}

def SM120_Einsum : I32EnumAttr<"Einsum", "batched GEMM equation", [
    I32EnumAttrCase<"BHR_HDR_BHD", 0, "bhr,hdr->bhd">,
    I32EnumAttrCase<"BHD_HDR_BHR", 1, "bhd,hdr->bhr">,
    I32EnumAttrCase<"BHD_BHR_HDR", 2, "bhd,bhr->hdr">,
    I32EnumAttrCase<"BMK_BNK_MN", 3, "bmk,bnk->mn">,
    I32EnumAttrCase<"BMK_BNK_BMN", 4, "bmk,bnk->bmn">
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sm120";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def SM120_BlockScaleAttr : AttrDef<SM120_Dialect, "BlockScale"> {
  let mnemonic = "block_scale";
  let summary = "Scale-factor recipe of one GEMM operand";
  let description = [{
    Describes how the scale tensor of an operand of logical shape [MN, K]
    (problem coordinates, whatever the operand's majorness) multiplies it:
    element (i, k) of the operand is multiplied by the scale at
    (i / mn, k / k_gran), so `mn` is the granularity along M (or N) and `k`
    the granularity along K.

    Formats and the scale tensor each one expects:

    - `ue8m0`: scale = 2^(e - 127) of an 8-bit exponent e (`f8E8M0FNU`).
      Unpacked: shape [ceil(MN / mn), ceil(K / k)] of `f8E8M0FNU`.
      `packed`: four exponents per `i32`, MN-major and TMA-aligned, shape
      [ceil(K / (4 * k)), align(MN, 4)] of `i32`; byte j of element [p, i]
      is the exponent of K-group 4p + j of row i. Needs `mn = 1`.
    - `ue4m3`: NVFP4 scales (`f8E4M3FN`), shape [MN, K / 16]; needs
      `mn = 1` and `k = 16`, and FP4 data.
    - `f32`: shape [ceil(MN / mn), ceil(K / k)] of `f32`. The kernel rounds
      each scale to its UE8M0 exponent, which is exact for powers of two.

    A leading batch (group) dimension is added where the op says so.

    Examples:

    ```mlir
    #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>
    #sm120.block_scale<ue4m3, mn = 1, k = 16>
    #sm120.block_scale<f32, mn = 128, k = 128>
    ```
  }];
  let parameters = (ins
    EnumParameter<SM120_ScaleFormat>:$format,
    "unsigned":$mn,
    "unsigned":$k,
    DefaultValuedParameter<"bool", "false">:$packed
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Element type the scale tensor must have.
    ::mlir::Type getScaleElementType(::mlir::MLIRContext *ctx) const;
    /// Expected scale tensor shape for an operand of [mn, k] problem extent
    /// (ShapedType::kDynamic where either input is dynamic).
    ::llvm::SmallVector<int64_t, 2> getScaleShape(int64_t mnSize,
                                                  int64_t kSize) const;
  }];
}


//===----------------------------------------------------------------------===//
// Kernel ABI: what a compiled kernel expects from the runtime
//===----------------------------------------------------------------------===//
//
// Attached to the kernel `llvm.func` as `sm120.abi`; the serializer turns it
// into the bundle manifest (docs/bundle-manifest.md).

// A list of integers printed and parsed as `[1, 2, 3]`.
defvar SM120_IntListParser = [{
  [&]() -> ::mlir::FailureOr<::llvm::SmallVector<int64_t>> {
    ::llvm::SmallVector<int64_t> values;
    if ($_parser.parseCommaSeparatedList(::mlir::AsmParser::Delimiter::Square,
            [&] { return $_parser.parseInteger(values.emplace_back()); }))
      return ::mlir::failure();
    return values;
  }()
}];
defvar SM120_IntListPrinter = [{
  $_printer << '['; ::llvm::interleaveComma($_self, $_printer); $_printer << ']'
}];
class SM120_IntList<string desc> : ArrayRefParameter<"int64_t", desc> {
  let parser = SM120_IntListParser;
  let printer = SM120_IntListPrinter;
}
class SM120_OptionalIntList<string desc> : OptionalArrayRefParameter<"int64_t", desc> {
  let parser = SM120_IntListParser;
  let printer = SM120_IntListPrinter;
}

def SM120_TensorArgAttr : AttrDef<SM120_Dialect, "TensorArg"> {
  let mnemonic = "tensor";
  let summary = "A user-visible tensor argument of a compiled kernel";
  let description = [{
    `name` and the memref type of the argument: element type, static sizes
    (`?` for launch-time sizes) and the layout, whose unit-stride dimension
    is the contiguous one. Example: `#sm120.tensor<"a" : memref<?x7168xf8E4M3FN>>`.
  }];
  let parameters = (ins StringRefParameter<"tensor name">:$name,
                        "::mlir::MemRefType":$type);
  let assemblyFormat = "`<` $name `:` $type `>`";
}

def SM120_PointerParamAttr : AttrDef<SM120_Dialect, "PointerParam"> {
  let mnemonic = "ptr";
  let summary = "Kernel parameter: the device pointer of a tensor argument";
  let parameters = (ins "unsigned":$tensor);
  let assemblyFormat = "`<` $tensor `>`";
}

def SM120_DimParamAttr : AttrDef<SM120_Dialect, "DimParam"> {
  let mnemonic = "dim";
  let summary = "Kernel parameter: a launch-time size of a tensor argument";
  let description = [{
    `#sm120.dim<0, 1 : i32>` passes the size of dimension 1 of tensor 0 as
    an i32 (or i64).
  }];
  let parameters = (ins "unsigned":$tensor, "unsigned":$dim, "::mlir::Type":$type);
  let assemblyFormat = "`<` $tensor `,` $dim `:` $type `>`";
}

def SM120_StrideParamAttr : AttrDef<SM120_Dialect, "StrideParam"> {
  let mnemonic = "stride";
  let summary = "Kernel parameter: a launch-time stride of a tensor argument";
  let description = [{
    `#sm120.stride<0, 1>` passes the stride of dimension 1 of tensor 0, in
    elements, as an i64: the kernel addresses a tensor whose memref layout
    has dynamic strides (an output written through a strided view).
  }];
  let parameters = (ins "unsigned":$tensor, "unsigned":$dim);
  let assemblyFormat = "`<` $tensor `,` $dim `>`";
}

def SM120_TmaParamAttr : AttrDef<SM120_Dialect, "TmaParam"> {
  let mnemonic = "tma";
  let summary = "Kernel parameter: a TMA descriptor over a tensor argument";
  let description = [{
    A 128-byte `CUtensorMap` passed by value, encoded by the runtime at
    launch over the whole tensor. `box` has one entry per tensor dimension,
    outermost first. `swizzle` is in bytes (0, 32, 64, 128), `l2_promotion`
    in bytes (0, 64, 128, 256); `oob_nan` fills out-of-bounds elements with
    NaN instead of zero; `fp4_unpack` loads packed FP4 data unpacked to one
    byte per element in shared memory.

    With `device_rewritten` the kernel points the descriptor at views of
    the tensor it picks on the device (a group's block of a concatenation)
    with `tensormap.replace`: the runtime encodes a template whose rank is
    the box's, over the tensor's base, with sizes equal to the box; the
    kernel keeps the type, box, swizzle and fills and rewrites the address,
    sizes and strides in a `#sm120.scratch` copy.

    ```mlir
    #sm120.tma<tensor = 0, box = [128, 128], swizzle = 128>
    ```
  }];
  let parameters = (ins
    "unsigned":$tensor,
    SM120_IntList<"box extents">:$box,
    DefaultValuedParameter<"unsigned", "0">:$swizzle,
    DefaultValuedParameter<"unsigned", "256">:$l2_promotion,
    DefaultValuedParameter<"bool", "false">:$oob_nan,
    DefaultValuedParameter<"bool", "false">:$fp4_unpack,
    DefaultValuedParameter<"bool", "false">:$device_rewritten
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def SM120_ScratchParamAttr : AttrDef<SM120_Dialect, "ScratchParam"> {
  let mnemonic = "scratch";
  let summary = "Kernel parameter: device scratch memory the runtime provides";
  let description = [{
    A pointer to `bytes_per_block` bytes of global memory per block of the
    launch grid (block i's at byte i * bytes_per_block), 128-byte aligned and
    uninitialized, owned by the launch until the kernel completes. Kernels
    keep the TMA descriptors they rewrite there.

    ```mlir
    #sm120.scratch<bytes_per_block = 256>
    ```
  }];
  let parameters = (ins "unsigned":$bytes_per_block);
  let assemblyFormat = "`<` struct(params) `>`";
}

def SM120_TileFactorAttr : AttrDef<SM120_Dialect, "TileFactor"> {
  let mnemonic = "tiles";
  let summary = "Grid factor ceil(size(tensor, dim) / tile)";
  let parameters = (ins "unsigned":$tensor, "unsigned":$dim, "unsigned":$tile);
  let assemblyFormat = "`<` struct(params) `>`";
}

def SM120_LaunchAttr : AttrDef<SM120_Dialect, "Launch"> {
  let mnemonic = "launch";
  let summary = "Launch rule of a compiled kernel";
  let description = [{
    Block size, dynamic shared memory and the grid: `grid` (fixed), or the
    product of the `tiles` factors (grid.x), capped at the SM count when
    `persistent`.

    ```mlir
    #sm120.launch<block = [128, 1, 1], dynamic_smem = 35840, grid = [1, 1, 1]>
    #sm120.launch<block = [384, 1, 1], dynamic_smem = 98304,
                  tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = 128>], persistent = true>
    ```
  }];
  let parameters = (ins
    SM120_IntList<"block size">:$block,
    DefaultValuedParameter<"uint64_t", "0">:$dynamic_smem,
    SM120_OptionalIntList<"fixed grid">:$grid,
    OptionalParameter<"::mlir::ArrayAttr", "grid factors">:$tiles,
    DefaultValuedParameter<"bool", "false">:$persistent
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The grid factors (empty for a fixed grid).
    ::llvm::SmallVector<::mlir::sm120::TileFactorAttr> getTileFactors() const;
  }];
}

def SM120_KernelAbiAttr : AttrDef<SM120_Dialect, "KernelAbi"> {
  let mnemonic = "abi";
  let summary = "Contract between a compiled kernel and the runtime";
  let description = [{
    Attached to the kernel function as `sm120.abi`. `tensors` are the
    caller's arguments in order; `params` has one entry per kernel
    parameter (`#sm120.ptr`, `#sm120.dim`, `#sm120.tma` or
    `#sm120.scratch`); `launch` is the launch rule; `problem` describes what the kernel computes (`family`,
    `outputs` = names of the tensors it writes, and free-form fields). The
    serializer writes all of it into the bundle manifest.
  }];
  let parameters = (ins
    "::mlir::ArrayAttr":$tensors,
    "::mlir::ArrayAttr":$params,
    "::mlir::sm120::LaunchAttr":$launch,
    "::mlir::DictionaryAttr":$problem
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The tensor arguments, in order.
    ::llvm::SmallVector<::mlir::sm120::TensorArgAttr> getTensorArgs() const;
  }];
}


//===----------------------------------------------------------------------===//
// Schedule: how a problem op is computed
//===----------------------------------------------------------------------===//

def SM120_EpilogueKind : I32EnumAttr<"EpilogueKind", "GEMM epilogue", [
    I32EnumAttrCase<"Direct", 0, "direct">,
    I32EnumAttrCase<"TmaStore", 1, "tma_store">,
    I32EnumAttrCase<"RingStore", 2, "ring_store">
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sm120";
}

def SM120_ScheduleAttr : AttrDef<SM120_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "How a GEMM-like problem op is computed";
  let description = [{
    Chosen by `sm120-select-schedule` or written by the user:

    - `block = [BM, BN, BK]`: the CTA tile (BM 64 or 128; BN a multiple of
      16 up to 256; BK a multiple of 32 up to 256, in elements);
    - `stages`: depth of the TMA -> MMA shared-memory ring;
    - `warp_layout = [WM, WN]`: math warps along M and N (WM * WN math
      warps, each owning a (BM / WM) x (BN / WN) sub-tile);
    - `tma_warps`: producer warps (one warpgroup issues the TMA loads);
    - `raster_group`: M tiles visited together by the persistent tile
      scheduler before moving along N (L2 reuse of B), 1 to 1024;
    - `epilogue`: `direct` register stores, `tma_store` through shared
      memory of its own, or `ring_store`: TMA stores staged in the stage
      that held the tile's last K block, which the math warps release only
      once the copies have read it (for tiles whose output does not fit
      beside the ring), in rounds of whole 16-row slices of every warp's
      tile;
    - `swap_ab` (decode-sized M): the kernel computes D^T = B A^T, so
      that the MMA's rows run along N and its (narrow) columns along M:
      `block` then reads [BN of D's columns, BM of D's rows, BK], and the
      direct epilogue writes the accumulator transposed (no temporary).

    ```mlir
    #sm120.schedule<block = [128, 128, 128], stages = 4, warp_layout = [4, 2],
                    tma_warps = 4, raster_group = 16, epilogue = tma_store>
    #sm120.schedule<block = [64, 16, 128], stages = 8, warp_layout = [4, 1],
                    epilogue = direct, swap_ab = true>
    ```
  }];
  let parameters = (ins
    SM120_IntList<"CTA tile [BM, BN, BK]">:$block,
    "unsigned":$stages,
    SM120_IntList<"math warps [WM, WN]">:$warp_layout,
    DefaultValuedParameter<"unsigned", "4">:$tma_warps,
    DefaultValuedParameter<"unsigned", "1">:$raster_group,
    EnumParameter<SM120_EpilogueKind>:$epilogue,
    DefaultValuedParameter<"bool", "false">:$swap_ab
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getBlockM() const { return getBlock()[0]; }
    int64_t getBlockN() const { return getBlock()[1]; }
    int64_t getBlockK() const { return getBlock()[2]; }
    unsigned getNumMathWarps() const {
      return getWarpLayout()[0] * getWarpLayout()[1];
    }
  }];
}

#endif // SM120_ATTRS_TD
