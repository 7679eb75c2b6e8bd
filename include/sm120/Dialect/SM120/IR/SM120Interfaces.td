//===- SM120Interfaces.td - sm120 op interfaces ------------*- tablegen -*-===//

#ifndef SM120_INTERFACES_TD
#define SM120_INTERFACES_TD

include "mlir/IR/OpBase.td"

def SM120_ProblemOpInterface : OpInterface<"ProblemOpInterface"> {
  let cppNamespace = "::mlir::sm120";
  let description = [{
    Implemented by every problem op (one per kernel family). Gives the
    passes and tools a family-independent view of the problem.
  }];
  let methods = [
    InterfaceMethod<"Kernel family name, e.g. 'gemm' or 'grouped_gemm/masked'.",
      "std::string", "getFamilyName">,
    InterfaceMethod<[{
        Prints the problem as `key: value` lines (dtypes, sizes with `?` for
        runtime sizes, layouts, recipes, FLOP count when static).
      }],
      "void", "printSummary", (ins "::llvm::raw_ostream &":$os)>,
  ];
}

#endif // SM120_INTERFACES_TD
