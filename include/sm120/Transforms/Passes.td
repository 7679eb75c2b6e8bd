//===- Passes.td - sm120 passes ----------------------------*- tablegen -*-===//

#ifndef SM120_TRANSFORMS_PASSES_TD
#define SM120_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Summarize : Pass<"sm120-summarize", "mlir::ModuleOp"> {
  let summary = "Print a report of every kernel spec in the module";
  let description = [{
    For every function that holds sm120 problem ops, prints one report per
    op: the kernel family, problem sizes (`?` for runtime sizes), each
    operand's shape, element type and majorness, scale recipes, and the
    FLOP count (symbolic where a size is only known at runtime). The IR is
    left unchanged. Functions with more than one problem op are reported as
    an error: a kernel spec is one problem per function.
  }];
  let options = [
    Option<"outputFile", "output", "std::string", /*default=*/"\"-\"",
           "Where to write the report ('-' for stdout)">
  ];
}

#endif // SM120_TRANSFORMS_PASSES_TD
