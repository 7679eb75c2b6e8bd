// Scale utilities on the CPU: the references' exact semantics on hand-made
// values, and every argument error of the GPU entry points (they stop
// before the device is touched).

#include "sm120rt/Scales.hpp"
#include "sm120rt/Reference.hpp"
#include "sm120rt/sm120rt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace sm120rt;

namespace {

HostTensor host(DType dtype, std::vector<int64_t> sizes) {
  TensorSpec spec{"t", dtype, sizes, static_cast<int>(sizes.size()) - 1};
  return makeHostTensor(spec, sizes).take();
}

void setF32(HostTensor &t, std::vector<int64_t> index, float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  t.setBits(t.offsetOf(index.data()), bits);
}

uint32_t bitsAt(const HostTensor &t, std::vector<int64_t> index) {
  return t.getBits(t.offsetOf(index.data()));
}

float f32At(const HostTensor &t, std::vector<int64_t> index) {
  return t.get(t.offsetOf(index.data()));
}

TEST(ReferenceQuantize, Fp8PerTokenRoundsScalesUpToPowersOfTwo) {
  HostTensor x = host(DType::F32, {2, 256});
  setF32(x, {0, 3}, -300.0f); // amax 300: 300 / 448 -> 2^0
  setF32(x, {0, 4}, 0.5f);
  setF32(x, {0, 200}, 1000.0f); // granule 1: 1000 / 448 -> 4
  setF32(x, {0, 201}, 3.0f);
  // Row 1 all zero: amax clamps to 1e-4, 1e-4 / 448 -> 2^-22.
  HostTensor q = host(DType::F8E4M3, {2, 256});
  HostTensor sf = host(DType::F32, {2, 2});
  ASSERT_TRUE(referenceQuantize(x, QuantizeSpec{}, q, sf));
  EXPECT_EQ(f32At(sf, {0, 0}), 1.0f);
  EXPECT_EQ(f32At(sf, {0, 1}), 4.0f);
  EXPECT_EQ(f32At(sf, {1, 0}), std::ldexp(1.0f, -22));
  EXPECT_EQ(f32At(q, {0, 3}), -288.0f); // -300 rounds to e4m3 -288
  EXPECT_EQ(f32At(q, {0, 4}), 0.5f);
  EXPECT_EQ(f32At(q, {0, 200}), 256.0f); // 250 -> 256
  EXPECT_EQ(f32At(q, {0, 201}), 0.75f);
  EXPECT_EQ(f32At(q, {1, 0}), 0.0f);

  QuantizeSpec exact;
  exact.roundToUe8m0 = false;
  ASSERT_TRUE(referenceQuantize(x, exact, q, sf));
  EXPECT_EQ(f32At(sf, {0, 0}), 300.0f / 448.0f);
  EXPECT_EQ(f32At(q, {0, 3}), -448.0f);
}

TEST(ReferenceQuantize, PackedScalesBroadcastBlocksAndPad) {
  // 5 rows, K = 384 (3 granules of 128), blocks of 4 rows: padded to
  // [1, 8] words; granule 3 and rows 5..7 hold 127.
  HostTensor x = host(DType::BF16, {5, 384});
  x.setBits(x.offsetOf(std::vector<int64_t>{1, 130}.data()),
            encodeBF16(896.0f)); // block (0, 1): 2
  x.setBits(x.offsetOf(std::vector<int64_t>{4, 0}.data()),
            encodeBF16(-7.0f)); // block (1, 0): 7 / 448 -> 2^-6
  HostTensor q = host(DType::F8E4M3, {5, 384});
  HostTensor sf = host(DType::I32, {1, 8});
  QuantizeSpec spec;
  spec.blockMN = 4;
  ASSERT_TRUE(referenceQuantize(x, spec, q, sf));
  uint32_t zero = 127 - 22; // clamped amax
  for (int64_t r = 0; r < 4; ++r)
    EXPECT_EQ(bitsAt(sf, {0, r}), 127u << 24 | zero << 16 | 128u << 8 | zero)
        << "row " << r;
  EXPECT_EQ(bitsAt(sf, {0, 4}), 127u << 24 | zero << 16 | zero << 8 | 121u);
  for (int64_t r = 5; r < 8; ++r)
    EXPECT_EQ(bitsAt(sf, {0, r}), 0x7f7f7f7fu);
  EXPECT_EQ(f32At(q, {4, 0}), -448.0f);
}

TEST(ReferenceQuantize, Fp4RoundsToNearestEven) {
  HostTensor x = host(DType::F32, {1, 32});
  float values[] = {6.0f, 0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, -0.1f};
  for (int i = 0; i < 9; ++i)
    setF32(x, {0, i}, values[i]);
  HostTensor q = host(DType::F4E2M1, {1, 32});
  HostTensor sf = host(DType::F32, {1, 1});
  QuantizeSpec spec;
  spec.blockK = 32;
  ASSERT_TRUE(referenceQuantize(x, spec, q, sf));
  EXPECT_EQ(f32At(sf, {0, 0}), 1.0f);
  uint32_t want[] = {0x7, 0x0, 0x2, 0x2, 0x4, 0x4, 0x6, 0x6, 0x8};
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(bitsAt(q, {0, i}), want[i]) << values[i];
}

TEST(ReferenceQuantize, Nvfp4ScalesAreE4m3WithTheGlobalScale) {
  HostTensor x = host(DType::F32, {1, 32});
  setF32(x, {0, 0}, 3.0f); // block 0: amax 3 -> 0.5 * g
  setF32(x, {0, 1}, -1.0f);
  setF32(x, {0, 16}, 0.9f); // block 1: 0.15 * g
  HostTensor q = host(DType::F4E2M1, {1, 32});
  HostTensor sf = host(DType::F8E4M3, {1, 2});
  QuantizeSpec spec;
  spec.blockK = 16;
  spec.globalScale = 4.0f;
  ASSERT_TRUE(referenceQuantize(x, spec, q, sf));
  EXPECT_EQ(f32At(sf, {0, 0}), 2.0f);
  EXPECT_EQ(f32At(sf, {0, 1}), 0.625f); // 0.6 rounds to e4m3 0.625
  EXPECT_EQ(f32At(q, {0, 0}), 6.0f);    // 3 * 4 / 2
  EXPECT_EQ(f32At(q, {0, 1}), -2.0f);
  EXPECT_EQ(f32At(q, {0, 16}), 6.0f); // 3.6 / 0.625 = 5.76
}

TEST(ReferenceTranspose, Fp4KeepsNibblePairsAlongK) {
  HostTensor src = host(DType::F4E2M1, {2, 4}); // [K, MN]
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t i = 0; i < 4; ++i)
      src.setBits(src.offsetOf(std::vector<int64_t>{k, i}.data()),
                  static_cast<uint32_t>(4 * k + i));
  HostTensor dst = host(DType::F4E2M1, {4, 2});
  ASSERT_TRUE(referenceTransposeToKMajor(src, dst));
  // Row i of dst is one byte: element (k = 0) low, (k = 1) high.
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_EQ(dst.bytes[dst.strides[0] * i / 2],
              static_cast<uint8_t>(i | (4 + i) << 4));
  HostTensor wrong = host(DType::F4E2M1, {2, 4});
  EXPECT_FALSE(referenceTransposeToKMajor(src, wrong));
}

//===----------------------------------------------------------------------===//
// Argument errors of the GPU entry points
//===----------------------------------------------------------------------===//

void *fake() { return reinterpret_cast<void *>(0x100000); }

TensorView mat(DType t, int64_t rows, int64_t cols) {
  return TensorView::contiguous(fake(), t, {rows, cols});
}

#define EXPECT_INVALID(call, text)                                             \
  do {                                                                         \
    Status s_ = (call);                                                        \
    ASSERT_FALSE(s_);                                                          \
    EXPECT_EQ(s_.error().code, Code::InvalidArgument) << s_.error().message;   \
    EXPECT_NE(s_.error().message.find(text), std::string::npos)                \
        << s_.error().message;                                                 \
  } while (0)

TEST(QuantizeArgs, RejectsBadTensors) {
  TensorView x = mat(DType::BF16, 8, 256), q = mat(DType::F8E4M3, 8, 256);
  TensorView sf = mat(DType::F32, 8, 2);
  EXPECT_INVALID(quantize_fp8(mat(DType::I32, 8, 256), q, sf),
                 "x has dtype i32; expected bf16, f16 or f32");
  EXPECT_INVALID(quantize_fp8(x, mat(DType::F4E2M1, 8, 256), sf),
                 "q has dtype f4e2m1; expected f8e4m3");
  EXPECT_INVALID(quantize_fp8(x, mat(DType::F8E4M3, 8, 128), sf),
                 "q has shape [8, 128]; expected [8, 256]");
  EXPECT_INVALID(quantize_fp8(x, q, mat(DType::F32, 8, 1)),
                 "sf has shape [8, 1]; expected [8, 2]");
  EXPECT_INVALID(quantize_fp8(x, q, mat(DType::F8E4M3, 8, 2)),
                 "sf has dtype f8e4m3; expected f32, i32 (packed UE8M0)");
  EXPECT_INVALID(quantize_fp8(x, q, mat(DType::I32, 1, 8 + 4)),
                 "expected [1, 8]");
  TensorView unaligned = x;
  unaligned.data = reinterpret_cast<void *>(0x100001);
  EXPECT_INVALID(quantize_fp8(unaligned, q, sf), "not aligned to its 2-byte");
  TensorView null = x;
  null.data = nullptr;
  EXPECT_INVALID(quantize_fp8(null, q, sf), "x is a null pointer");
  TensorView negative = x;
  negative.strides[0] = -256;
  EXPECT_INVALID(quantize_fp8(negative, q, sf), "must be non-negative");
  TensorView strided = q;
  strided.strides[1] = 2;
  EXPECT_INVALID(quantize_fp8(x, strided, sf), "q has column stride 2");
  QuantizeOptions odd;
  odd.blockK = 127;
  EXPECT_INVALID(quantize_fp8(x, q, sf, odd), "an even blockK");
  QuantizeOptions perBlock;
  perBlock.blockMN = 128;
  EXPECT_INVALID(quantize_fp8(x, q, sf, perBlock), "expected [1, 2]");
  TensorView g = TensorView::contiguous(fake(), DType::F32, {1});
  QuantizeOptions global;
  global.globalScale = &g;
  EXPECT_INVALID(quantize_fp8(x, q, sf, global),
                 "globalScale applies to UE4M3");
}

TEST(QuantizeArgs, RejectsBadFp4Layouts) {
  TensorView x = mat(DType::F32, 4, 64), q = mat(DType::F4E2M1, 4, 64);
  EXPECT_INVALID(quantize_fp4(mat(DType::F32, 4, 63), mat(DType::F4E2M1, 4, 63),
                              mat(DType::F32, 4, 2)),
                 "even count");
  QuantizeOptions nv;
  nv.blockK = 32;
  EXPECT_INVALID(quantize_fp4(x, q, mat(DType::F8E4M3, 4, 2), nv),
                 "UE4M3 (NVFP4) scales have block (1, 16)");
  TensorView g = TensorView::contiguous(fake(), DType::F32, {2});
  QuantizeOptions global;
  global.globalScale = &g;
  EXPECT_INVALID(quantize_fp4(x, q, mat(DType::F8E4M3, 4, 4), global),
                 "globalScale has shape [2]; expected [1]");
  TensorView oddRows = q;
  oddRows.strides[0] = 65;
  EXPECT_INVALID(quantize_fp4(x, oddRows, mat(DType::F32, 4, 2)),
                 "odd stride 65");
}

TEST(PackArgs, RejectsBadLayouts) {
  TensorView scales = mat(DType::F32, 100, 56);
  TensorView packed = mat(DType::I32, 14, 100);
  EXPECT_INVALID(pack_ue8m0_scales(scales, packed, 100, 7168, 1, 0),
                 "must be positive");
  EXPECT_INVALID(
      pack_ue8m0_scales(scales, mat(DType::I32, 14, 101), 100, 7168, 1, 128),
      "packed has shape [14, 101]; expected [14, 100]");
  EXPECT_INVALID(
      pack_ue8m0_scales(mat(DType::F32, 99, 56), packed, 100, 7168, 1, 128),
      "needs at least [100, 56]");
  EXPECT_INVALID(
      pack_ue8m0_scales(mat(DType::BF16, 100, 56), packed, 100, 7168, 1, 128),
      "scales has dtype bf16");
  TensorView transposed = packed;
  transposed.strides = {1, 14};
  EXPECT_INVALID(pack_ue8m0_scales(scales, transposed, 100, 7168, 1, 128),
                 "expected a unit column stride");
}

TEST(TransposeArgs, RejectsBadLayouts) {
  TensorView src = mat(DType::BF16, 64, 96);
  EXPECT_INVALID(transpose_to_k_major(src, mat(DType::BF16, 64, 96)),
                 "dst has shape [64, 96]; expected [96, 64]");
  EXPECT_INVALID(transpose_to_k_major(src, mat(DType::F32, 96, 64)),
                 "dst has dtype f32; expected src's dtype");
  EXPECT_INVALID(transpose_to_k_major(
                     TensorView::contiguous(fake(), DType::BF16, {4}), src),
                 "src has rank 1");
  EXPECT_INVALID(transpose_to_k_major(mat(DType::F4E2M1, 63, 96),
                                      mat(DType::F4E2M1, 96, 63)),
                 "dst (f4e2m1) has 63 elements");
}

TEST(ScalesCApi, ReportsArgumentErrors) {
  int64_t sizes[2] = {8, 256}, strides[2] = {256, 1};
  int64_t sfSizes[2] = {8, 3}, sfStrides[2] = {3, 1};
  sm120rt_tensor x = {fake(), SM120RT_DTYPE_BF16, 2, sizes, strides};
  sm120rt_tensor q = {fake(), SM120RT_DTYPE_F8E4M3, 2, sizes, strides};
  sm120rt_tensor sf = {fake(), SM120RT_DTYPE_F32, 2, sfSizes, sfStrides};
  EXPECT_EQ(sm120rt_quantize_fp8(&x, &q, &sf, nullptr),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_NE(std::string(sm120rt_last_error()).find("sf has shape [8, 3]"),
            std::string::npos)
      << sm120rt_last_error();
  EXPECT_EQ(sm120rt_quantize_fp4(&x, nullptr, &sf, nullptr),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_EQ(sm120rt_transpose_to_k_major(&x, &x, 0, nullptr),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_EQ(sm120rt_pack_ue8m0_scales(&sf, &x, 8, 256, 1, 128, 0, nullptr),
            SM120RT_INVALID_ARGUMENT);
}

} // namespace
