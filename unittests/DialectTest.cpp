//===- DialectTest.cpp - unit tests of the sm120 dialect's C++ API -------===//

#include "sm120/Dialect/SM120/IR/SM120.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::sm120;

namespace {

class SM120DialectTest : public ::testing::Test {
protected:
  SM120DialectTest() { ctx.loadDialect<SM120Dialect, func::FuncDialect>(); }

  /// Parses `src`, returning null and recording the first diagnostic on error.
  OwningOpRef<ModuleOp> parse(StringRef src) {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      if (lastError.empty())
        lastError = d.str();
      return success();
    });
    return parseSourceString<ModuleOp>(src, &ctx);
  }

  MLIRContext ctx;
  std::string lastError;
};

TEST_F(SM120DialectTest, PackedUE8M0ScaleShapeIsMNMajorAndAligned) {
  auto r = BlockScaleAttr::get(&ctx, ScaleFormat::UE8M0, 1u, 128u, true);
  // K = 7168 -> 56 K-blocks -> 14 packed words; MN = 4097 -> aligned to 4100.
  EXPECT_EQ(r.getScaleShape(4097, 7168), (SmallVector<int64_t, 2>{14, 4100}));
  // A partial word still needs storage: K = 640 -> 5 blocks -> 2 words.
  EXPECT_EQ(r.getScaleShape(128, 640), (SmallVector<int64_t, 2>{2, 128}));
  EXPECT_TRUE(r.getScaleElementType(&ctx).isInteger(32));
}

TEST_F(SM120DialectTest, UnpackedScaleShapeIsCeilDivided) {
  auto perBlock =
      BlockScaleAttr::get(&ctx, ScaleFormat::F32, 128u, 128u, false);
  EXPECT_EQ(perBlock.getScaleShape(2112, 7168),
            (SmallVector<int64_t, 2>{17, 56}));
  EXPECT_TRUE(perBlock.getScaleElementType(&ctx).isF32());
  auto nvfp4 = BlockScaleAttr::get(&ctx, ScaleFormat::UE4M3, 1u, 16u, false);
  EXPECT_EQ(nvfp4.getScaleShape(256, 512), (SmallVector<int64_t, 2>{256, 32}));
  EXPECT_TRUE(isa<Float8E4M3FNType>(nvfp4.getScaleElementType(&ctx)));
  auto mx = BlockScaleAttr::get(&ctx, ScaleFormat::UE8M0, 1u, 32u, false);
  EXPECT_TRUE(isa<Float8E8M0FNUType>(mx.getScaleElementType(&ctx)));
}

TEST_F(SM120DialectTest, DynamicExtentsGiveDynamicScaleDims) {
  auto r = BlockScaleAttr::get(&ctx, ScaleFormat::UE8M0, 1u, 128u, true);
  SmallVector<int64_t, 2> s = r.getScaleShape(ShapedType::kDynamic, 7168);
  EXPECT_EQ(s[0], 14);
  EXPECT_TRUE(ShapedType::isDynamic(s[1]));
  s = r.getScaleShape(256, ShapedType::kDynamic);
  EXPECT_TRUE(ShapedType::isDynamic(s[0]));
  EXPECT_EQ(s[1], 256);
}

TEST_F(SM120DialectTest, GetCheckedRejectsBadRecipe) {
  auto loc = UnknownLoc::get(&ctx);
  std::string msg;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    msg = d.str();
    return success();
  });
  auto bad = BlockScaleAttr::getChecked([&] { return emitError(loc); }, &ctx,
                                        ScaleFormat::F32, 1u, 128u, true);
  EXPECT_FALSE(bad);
  EXPECT_EQ(msg, "only ue8m0 scales can be packed; got f32");
}

TEST_F(SM120DialectTest, ProblemInterfaceSummarizesGemm) {
  OwningOpRef<ModuleOp> m = parse(R"mlir(
    func.func @k(%a: memref<?x256xbf16>, %b: memref<512x256xbf16>,
                 %d: memref<?x512xf32>) {
      sm120.gemm a(%a : memref<?x256xbf16>) b(%b : memref<512x256xbf16>)
                 d(%d : memref<?x512xf32>)
      return
    })mlir");
  ASSERT_TRUE(m) << lastError;
  ProblemOpInterface problem;
  m->walk([&](ProblemOpInterface p) { problem = p; });
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem.getFamilyName(), "gemm");
  std::string text;
  llvm::raw_string_ostream os(text);
  problem.printSummary(os);
  EXPECT_NE(text.find("sizes: M=? N=512 K=256"), std::string::npos) << text;
  EXPECT_NE(text.find("flops: 262144 * M"), std::string::npos) << text;
}

TEST_F(SM120DialectTest, VerifierNamesOperandAndValues) {
  OwningOpRef<ModuleOp> m = parse(R"mlir(
    func.func @k(%a: memref<128x256xbf16>, %b: memref<512x256xbf16>,
                 %d: memref<64x512xf32>) {
      sm120.gemm a(%a : memref<128x256xbf16>) b(%b : memref<512x256xbf16>)
                 d(%d : memref<64x512xf32>)
      return
    })mlir");
  EXPECT_FALSE(m);
  EXPECT_EQ(lastError, "'sm120.gemm' op operand #2 (d) has M = 64 (dim 0); "
                       "operand #0 (a) has M = 128 (dim 0)");
}

} // namespace
