//===- JIT.h - compile problems for concrete shapes in-process --*- C++ -*-===//
//
// The compiler side of the kernel cache (sm120rt/KernelCache.hpp): a
// problem description becomes an sm120 module built in memory, runs the
// sm120-compile pipeline in-process and comes back as manifest + cubin.
// This header needs neither MLIR nor LLVM headers.
//
//===----------------------------------------------------------------------===//

#ifndef SM120_JIT_JIT_H
#define SM120_JIT_JIT_H

#include "sm120rt/KernelCache.hpp"

namespace sm120jit {

/// Compiles without any cache. InvalidArgument when the problem is not
/// supported (with the verifier's message), NotSupported without a CUDA
/// toolkit, CompileError when a later stage fails.
sm120rt::Expected<sm120rt::CompiledKernel>
compileGemm(const sm120rt::GemmProblem &problem,
            const sm120rt::CompileOptions &options);

/// Registers compileGemm as the compiler of every sm120rt::KernelCache
/// that names none (sm120rt::registerGemmCompiler).
void registerCompiler();

} // namespace sm120jit

/// C entry of registerCompiler() for callers that load libsm120jit.so at
/// run time (dlopen, ctypes).
extern "C" void sm120jit_register_compiler(void);

#endif // SM120_JIT_JIT_H
