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
    I32EnumAttrCase<"BMK_BNK_MN", 3, "bmk,bnk->mn">
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

#endif // SM120_ATTRS_TD
