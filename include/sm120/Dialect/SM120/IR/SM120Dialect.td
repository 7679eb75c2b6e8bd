//===- SM120Dialect.td - sm120 dialect definition ----------*- tablegen -*-===//

#ifndef SM120_DIALECT_TD
#define SM120_DIALECT_TD

include "mlir/IR/OpBase.td"

def SM120_Dialect : Dialect {
  let name = "sm120";
  let cppNamespace = "::mlir::sm120";
  let summary = "Block-scaled GEMM and attention-logit kernels for sm_12x GPUs";
  let description = [{
    The `sm120` dialect describes the kernels the sm120 compiler builds for
    NVIDIA Blackwell workstation GPUs (sm_120a / sm_121a).

    Its first layer, documented here, holds the *problem ops*: one op per
    kernel family that says what to compute and nothing about how. Every
    operand is a kernel parameter given as a memref: static dimensions are
    compile-time constants of the kernel, dynamic (`?`) dimensions are runtime
    sizes read at launch. Operands must have a unit stride in their innermost
    dimension; outer strides may be anything (a row-strided view of a larger
    tensor is fine). Problem ops have no results: outputs are written through
    their output memref.

    Element types are MLIR builtins:

    | role          | type        | notes                                         |
    |---------------|-------------|-----------------------------------------------|
    | FP8 data      | `f8E4M3FN`  | one per byte                                  |
    | FP4 data      | `f4E2M1FN`  | two per byte, packed along the contiguous dim; element 2i in the low nibble |
    | BF16 data     | `bf16`      |                                               |
    | UE8M0 scales  | `f8E8M0FNU` | one exponent per byte; or `i32` holding four  |
    | UE4M3 scales  | `f8E4M3FN`  | NVFP4 block-16 scales                         |
    | FP32 scales   | `f32`       | converted to UE8M0 by the kernel (exact for powers of two) |
    | outputs       | `bf16`, `f32` |                                             |

    How scale factors map onto data is described by the
    `#sm120.block_scale` recipe attribute attached to each scaled operand.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  // `sm120.abi` on a kernel function is checked against its signature.
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral kAbiAttrName = "sm120.abi";
  }];
}

#endif // SM120_DIALECT_TD
