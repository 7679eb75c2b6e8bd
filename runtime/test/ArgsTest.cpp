// Tensor-argument validation, TMA encode parameters, grid computation, the
// parameter buffer layout, and the chip / compute-capability check.

#include "TestSupport.hpp"

#include <algorithm>
#include <cstring>

using namespace sm120rt;
using namespace sm120rt::test;

namespace {

/// A fake device address: never dereferenced, only checked and encoded.
void *address(uintptr_t value) { return reinterpret_cast<void *>(value); }

/// Arguments matching kFixtureManifest, with mutable sizes and strides.
struct FixtureArgs {
  int64_t matSizes[2] = {128, 128};
  int64_t matStrides[2] = {128, 1};
  int64_t bSizes[2] = {128, 128};
  int64_t bStrides[2] = {128, 1};
  int64_t vecSizes[1] = {128};
  int64_t vecStrides[1] = {1};
  int64_t dSizes[2] = {128, 128};
  int64_t dStrides[2] = {128, 1};
  std::vector<TensorArg> args;

  FixtureArgs() {
    args = {
        {address(0x7f0000010000), DType::F8E4M3, 2, matSizes, matStrides},
        {address(0x7f0000020000), DType::F8E4M3, 2, bSizes, bStrides},
        {address(0x7f0000030001), DType::F8E8M0, 1, vecSizes, vecStrides},
        {address(0x7f0000030103), DType::F8E8M0, 1, vecSizes, vecStrides},
        {address(0x7f0000040000), DType::F32, 2, dSizes, dStrides},
    };
  }
};

class Args : public ::testing::Test {
protected:
  Manifest fixture = parseOrDie(kFixtureManifest);
  FixtureArgs f;
  Status validate() {
    return validateTensorArgs(fixture, f.args.data(), f.args.size());
  }
};

TEST_F(Args, AcceptsMatchingTensors) {
  Status s = validate();
  EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST_F(Args, WrongArgumentCount) {
  f.args.pop_back();
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "expected 5 tensor arguments (a, b, sfa, sfb, d); "
                        "got 4"));
}

TEST_F(Args, WrongDType) {
  f.args[1].dtype = DType::BF16;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'b' (argument #1): dtype is bf16; the bundle "
                        "expects f8e4m3"));
  f.args[1].dtype = static_cast<DType>(42);
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "dtype is dtype #42; the bundle expects f8e4m3"));
}

TEST_F(Args, WrongRank) {
  f.args[4].rank = 3;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): rank is 3; the bundle "
                        "expects 2"));
}

TEST_F(Args, WrongStaticDim) {
  f.matSizes[1] = 7000;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'a' (argument #0): dim 1 is 7000; the bundle "
                        "was compiled for 128"));
}

TEST_F(Args, NonPositiveSize) {
  f.dSizes[0] = 0;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): dim 0 is 0; sizes must be "
                        "positive"));
}

TEST_F(Args, NonUnitContiguousStride) {
  f.dStrides[1] = 2;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): stride of dim 1 "
                        "(contiguous_dim) is 2 elements; it must be 1"));
}

TEST_F(Args, NegativeStride) {
  f.dStrides[0] = -128;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): stride of dim 0 is -128; "
                        "strides must be positive"));
}

TEST_F(Args, NullPointers) {
  f.args[2].data = nullptr;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'sfa' (argument #2): data pointer is null"));
  f = FixtureArgs();
  f.args[0].sizes = nullptr;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'a' (argument #0): sizes array is null"));
  EXPECT_TRUE(failsWith(validateTensorArgs(fixture, nullptr, 5),
                        Code::InvalidArgument,
                        "the tensor argument array is null"));
}

TEST_F(Args, MisalignedTmaBase) {
  f.args[1].data = address(0x7f0000020004);
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'b' (argument #1): base pointer 0x7f0000020004 "
                        "is not 16-byte aligned (TMA)"));
}

TEST_F(Args, MisalignedTmaStride) {
  f.matStrides[0] = 136; // a padded row, but not to 16 bytes
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'a' (argument #0): stride of dim 0 is 136 "
                        "elements = 136 bytes, not a multiple of 16 (TMA)"));
  f.matStrides[0] = 144;
  EXPECT_TRUE(validate().ok());
}

TEST_F(Args, PointerTensorsAlignToTheirAccesses) {
  // sfa/sfb (1-byte elements, no TMA) may sit at any address; d (an f32
  // matrix) at a multiple of 8.
  EXPECT_TRUE(validate().ok());
  f.args[4].data = address(0x7f0000040002);
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): base pointer 0x7f0000040002 "
                        "is not 4-byte aligned (f32 elements)"));
  // A matrix is stored in pieces of up to 8 bytes (f32 pairs).
  f.args[4].data = address(0x7f0000040004);
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): base pointer 0x7f0000040004 "
                        "is not 8-byte aligned (the kernel accesses this "
                        "matrix in pieces of up to 8 bytes)"));
}

TEST_F(Args, PointerTensorsArePackedRowMajor) {
  // d is addressed from its sizes alone: a padded row (a view of a wider
  // buffer) would be written at the wrong addresses.
  f.dStrides[0] = 136;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): stride of dim 0 is 136 "
                        "elements; the kernel addresses this tensor as packed "
                        "row-major, which needs 128"));
  f.dStrides[0] = 128;
  EXPECT_TRUE(validate().ok());
}

TEST_F(Args, StrideParamsFreeTheRowStride) {
  // With its row stride a launch-time param, d may be a view of a wider
  // buffer; the launch passes the stride as an i64.
  ParamSpec stride;
  stride.kind = ParamKind::Stride;
  stride.tensor = 4;
  stride.dim = 0;
  fixture.params.push_back(stride);
  f.dStrides[0] = 136;
  EXPECT_TRUE(validate().ok());
  Expected<LaunchPlan> plan =
      planLaunch(fixture, f.args.data(), f.args.size(), 132);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const ParamSlot &slot = plan->layout.slots.back();
  EXPECT_EQ(slot.size, 8u);
  int64_t value = 0;
  std::memcpy(&value, plan->paramBytes.data() + slot.offset, sizeof(value));
  EXPECT_EQ(value, 136);
  // Its pieces of up to 8 bytes stay aligned: an odd f32 row stride or a
  // base 4 bytes off is refused.
  f.dStrides[0] = 137;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'd' (argument #4): stride of dim 0 is 137 "
                        "elements; a strided output's strides must be "
                        "multiples of 8 bytes"));
  f.dStrides[0] = 136;
  // The contiguous dim keeps its unit stride.
  f.dStrides[1] = 2;
  EXPECT_FALSE(validate().ok());
}

TEST(ArgsDynamic, I32DimMustFit) {
  Manifest m = parseOrDie(kMixedManifest);
  int64_t xSizes[] = {int64_t(1) << 31, 64, 256};
  int64_t xStrides[] = {64 * 256, 256, 1};
  int64_t wSizes[] = {128, 256}, wStrides[] = {256, 1};
  int64_t ySizes[] = {int64_t(1) << 31, 128}, yStrides[] = {128, 1};
  std::vector<TensorArg> args = {
      {address(0x100000), DType::BF16, 3, xSizes, xStrides},
      {address(0x200000), DType::F4E2M1, 2, wSizes, wStrides},
      {address(0x300000), DType::F32, 2, ySizes, yStrides},
  };
  EXPECT_TRUE(failsWith(validateTensorArgs(m, args.data(), args.size()),
                        Code::InvalidArgument,
                        "tensor 'x' (argument #0): dim 0 is 2147483648, which "
                        "params[5] passes as i32 (at most 2147483647)"));
  xSizes[0] = ySizes[0] = 4096;
  EXPECT_TRUE(validateTensorArgs(m, args.data(), args.size()).ok());
}

//===----------------------------------------------------------------------===//
// TMA encode parameters
//===----------------------------------------------------------------------===//

TEST_F(Args, TmaParams2DFp8) {
  f.matStrides[0] = 144; // padded rows show up as the byte stride
  Expected<TmaEncodeParams> e = computeTmaParams(fixture, 0, f.args[0]);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->dataType, 0); // CU_TENSOR_MAP_DATA_TYPE_UINT8
  EXPECT_EQ(e->rank, 2u);
  EXPECT_EQ(e->globalAddress, f.args[0].data);
  EXPECT_EQ(e->globalDim, (std::array<uint64_t, 5>{128, 128, 0, 0, 0}));
  EXPECT_EQ(e->globalStrides, (std::array<uint64_t, 4>{144, 0, 0, 0}));
  EXPECT_EQ(e->boxDim, (std::array<uint32_t, 5>{128, 128, 0, 0, 0}));
  EXPECT_EQ(e->elementStrides, (std::array<uint32_t, 5>{1, 1, 0, 0, 0}));
  EXPECT_EQ(e->interleave, 0);
  EXPECT_EQ(e->swizzle, 3);     // CU_TENSOR_MAP_SWIZZLE_128B
  EXPECT_EQ(e->l2Promotion, 3); // CU_TENSOR_MAP_L2_PROMOTION_L2_256B
  EXPECT_EQ(e->oobFill, 0);     // CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE

  Expected<TmaEncodeParams> b = computeTmaParams(fixture, 1, f.args[1]);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->swizzle, 0);
  EXPECT_EQ(b->l2Promotion, 2); // L2_128B

  EXPECT_TRUE(failsWith(computeTmaParams(fixture, 2, f.args[2]),
                        Code::InvalidArgument,
                        "params[2] is not a tma parameter"));
}

class Mixed : public ::testing::Test {
protected:
  Manifest m = parseOrDie(kMixedManifest);
  int64_t xSizes[3] = {5, 64, 256};
  int64_t xStrides[3] = {64 * 256, 256, 1};
  int64_t wSizes[2] = {128, 256};
  int64_t wStrides[2] = {256, 1};
  int64_t ySizes[2] = {5, 128};
  int64_t yStrides[2] = {128, 1};
  std::vector<TensorArg> args = {
      {address(0x100000), DType::BF16, 3, xSizes, xStrides},
      {address(0x200000), DType::F4E2M1, 2, wSizes, wStrides},
      {address(0x300000), DType::F32, 2, ySizes, yStrides},
  };
  Status validate() { return validateTensorArgs(m, args.data(), args.size()); }
};

TEST_F(Mixed, TmaParams3DBf16) {
  ASSERT_TRUE(validate().ok()) << validate().error().message;
  Expected<TmaEncodeParams> e = computeTmaParams(m, 0, args[0]);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->dataType, 9); // CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
  EXPECT_EQ(e->rank, 3u);
  // Innermost first: [5, 64, 256] -> {256, 64, 5}; byte strides of dims 1
  // and 0: 256 * 2 and 64 * 256 * 2.
  EXPECT_EQ(e->globalDim, (std::array<uint64_t, 5>{256, 64, 5, 0, 0}));
  EXPECT_EQ(e->globalStrides, (std::array<uint64_t, 4>{512, 32768, 0, 0}));
  EXPECT_EQ(e->boxDim, (std::array<uint32_t, 5>{64, 32, 1, 0, 0}));
  EXPECT_EQ(e->elementStrides, (std::array<uint32_t, 5>{1, 2, 1, 0, 0}));
  EXPECT_EQ(e->swizzle, 3);
  EXPECT_EQ(e->l2Promotion, 2);
  EXPECT_EQ(e->oobFill, 1); // NAN_REQUEST_ZERO_FMA
}

TEST_F(Mixed, TmaParamsFp4) {
  ASSERT_TRUE(validate().ok());
  // Packed 4-bit TMA type: sizes in elements, strides in bytes.
  Expected<TmaEncodeParams> packed = computeTmaParams(m, 1, args[1]);
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(packed->dataType, 13); // CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B
  EXPECT_EQ(packed->globalDim, (std::array<uint64_t, 5>{256, 128, 0, 0, 0}));
  EXPECT_EQ(packed->globalStrides, (std::array<uint64_t, 4>{128, 0, 0, 0}));
  EXPECT_EQ(packed->boxDim, (std::array<uint32_t, 5>{128, 64, 0, 0, 0}));
  EXPECT_EQ(packed->swizzle, 2);
  // Bytes: u8 over f4e2m1 counts the contiguous dimension in bytes.
  Expected<TmaEncodeParams> bytes = computeTmaParams(m, 2, args[1]);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->dataType, 0);
  EXPECT_EQ(bytes->globalDim, (std::array<uint64_t, 5>{128, 128, 0, 0, 0}));
  EXPECT_EQ(bytes->globalStrides, (std::array<uint64_t, 4>{128, 0, 0, 0}));
  EXPECT_EQ(bytes->l2Promotion, 1);
  // Unpacked in shared memory.
  Expected<TmaEncodeParams> unpacked = computeTmaParams(m, 3, args[1]);
  ASSERT_TRUE(unpacked.ok());
  EXPECT_EQ(unpacked->dataType, 14); // CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN16B
  EXPECT_EQ(unpacked->globalDim, (std::array<uint64_t, 5>{256, 128, 0, 0, 0}));
}

TEST_F(Mixed, Fp4StridesAndAlign16Rules) {
  wStrides[0] = 258; // 129 bytes: whole bytes, but not TMA-aligned
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'w' (argument #1): stride of dim 0 is 258 "
                        "elements = 129 bytes, not a multiple of 32 (TMA)"));
  wStrides[0] = 257;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'w' (argument #1): stride of dim 0 is 257 "
                        "f4e2m1 elements; it must be even"));
  wStrides[0] = 256 + 32; // 144 bytes: 16-aligned, not 32-aligned
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "= 144 bytes, not a multiple of 32 (TMA)"));
  wStrides[0] = 256;
  args[1].data = address(0x200010);
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'w' (argument #1): base pointer 0x200010 is "
                        "not 32-byte aligned (TMA)"));
}

TEST_F(Mixed, Fp4OddContiguousSize) {
  m.tensors[1].shape = {128, -1};
  wSizes[1] = 255;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'w' (argument #1): dim 1 (contiguous_dim) is "
                        "255 f4e2m1 elements; it must be even"));
  wSizes[1] = 192; // even, but not a multiple of 128 for u4x16_align16
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'w' (argument #1): dim 1 is 192; TMA type "
                        "u4x16_align16 needs a multiple of 128"));
}

TEST_F(Mixed, TmaSizeLimits) {
  m.tensors[0].shape = {-1, -1, 256};
  xSizes[1] = (int64_t(1) << 32) + 1;
  xStrides[0] = int64_t(1) << 41;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'x' (argument #0): dim 1 is 4294967297; TMA "
                        "allows at most 2^32 elements"));
  xSizes[1] = 64;
  EXPECT_TRUE(failsWith(validate(), Code::InvalidArgument,
                        "tensor 'x' (argument #0): stride of dim 0 is "
                        "2199023255552 elements; TMA allows less than 2^40 "
                        "bytes"));
}

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

TEST_F(Args, FixedGrid) {
  fixture.launch.grid = GridSpec{GridKind::Fixed, {3, 2, 1}, {}};
  Expected<std::array<uint32_t, 3>> g =
      computeGrid(fixture, f.args.data(), f.args.size(), 132);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, (std::array<uint32_t, 3>{3, 2, 1}));
}

TEST_F(Args, TilesGrid) {
  // ceil(300 / 128) * ceil(200 / 128) = 3 * 2.
  f.dSizes[0] = 300;
  f.dSizes[1] = 200;
  Expected<std::array<uint32_t, 3>> g =
      computeGrid(fixture, f.args.data(), f.args.size(), 4);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, (std::array<uint32_t, 3>{6, 1, 1})); // SM count not used
}

TEST_F(Mixed, PersistentGrid) {
  auto grid = [&](int sms) {
    return computeGrid(m, args.data(), args.size(), sms);
  };
  ySizes[0] = 1000; // ceil(1000/128) * ceil(128/64) = 8 * 2 = 16 tiles
  ASSERT_TRUE(grid(132).ok());
  EXPECT_EQ(*grid(132), (std::array<uint32_t, 3>{16, 1, 1}));
  EXPECT_EQ(*grid(10), (std::array<uint32_t, 3>{10, 1, 1}));
  EXPECT_TRUE(
      failsWith(grid(0), Code::InvalidArgument,
                "a persistent grid needs the device's SM count; got 0"));
}

TEST_F(Args, GridOverflow) {
  fixture.tensors[4].shape = {-1, -1};
  fixture.launch.grid.factors[0].tile = 1;
  fixture.launch.grid.factors[1].tile = 1;
  f.dSizes[0] = f.dSizes[1] = 1 << 16;
  EXPECT_TRUE(failsWith(computeGrid(fixture, f.args.data(), f.args.size(), 1),
                        Code::InvalidArgument,
                        "launch grid needs more than 2147483647 blocks"));
}

//===----------------------------------------------------------------------===//
// Parameter buffer
//===----------------------------------------------------------------------===//

TEST(ParamLayout, AlignsEachKind) {
  Manifest m = parseOrDie(patched(kFixtureManifest, [](Json &j) {
    // pointer, i32, tma, i64, pointer, i32
    Json tma = j["params"][0];
    j["params"] = Json::array(
        {{{"kind", "pointer"}, {"tensor", 2}},
         {{"kind", "dim"}, {"tensor", 0}, {"dim", 0}, {"dtype", "i32"}},
         tma,
         {{"kind", "dim"}, {"tensor", 0}, {"dim", 1}, {"dtype", "i64"}},
         {{"kind", "pointer"}, {"tensor", 4}},
         {{"kind", "dim"}, {"tensor", 4}, {"dim", 1}, {"dtype", "i32"}}});
  }));
  ParamLayout layout = computeParamLayout(m);
  ASSERT_EQ(layout.slots.size(), 6u);
  const size_t offsets[] = {0, 8, 64, 192, 200, 208};
  const size_t sizes[] = {8, 4, 128, 8, 8, 4};
  for (size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(layout.slots[k].offset, offsets[k]) << "param " << k;
    EXPECT_EQ(layout.slots[k].size, sizes[k]) << "param " << k;
  }
  EXPECT_EQ(layout.alignment, 64u);
  EXPECT_EQ(layout.totalSize, 256u);

  FixtureArgs f;
  Expected<LaunchPlan> plan = planLaunch(m, f.args.data(), f.args.size(), 132);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->paramBytes.size(), 256u);
  uint64_t pointer = 0;
  std::memcpy(&pointer, &plan->paramBytes[0], 8);
  EXPECT_EQ(pointer, 0x7f0000030001u);
  int32_t i32 = 0;
  std::memcpy(&i32, &plan->paramBytes[8], 4);
  EXPECT_EQ(i32, 128);
  int64_t i64 = 0;
  std::memcpy(&i64, &plan->paramBytes[192], 8);
  EXPECT_EQ(i64, 128);
  std::memcpy(&pointer, &plan->paramBytes[200], 8);
  EXPECT_EQ(pointer, 0x7f0000040000u);
  // The TMA slot is left for the driver layer and described in plan.tma.
  EXPECT_TRUE(std::all_of(plan->paramBytes.begin() + 64,
                          plan->paramBytes.begin() + 192,
                          [](uint8_t b) { return b == 0; }));
  ASSERT_EQ(plan->tma.size(), 1u);
  EXPECT_EQ(plan->tma[0].first, 2u);
  EXPECT_EQ(plan->tma[0].second.globalAddress, f.args[0].data);
  EXPECT_EQ(plan->grid, (std::array<uint32_t, 3>{1, 1, 1}));
  EXPECT_EQ(plan->block, (std::array<uint32_t, 3>{128, 1, 1}));
  EXPECT_EQ(plan->dynamicSmemBytes, 34816u);
}

/// A kernel reading 1-D a through a descriptor it rewrites per view, with
/// a descriptor slot per block in its scratch.
constexpr const char *kRewrittenManifest = R"json({
  "schema": "sm120.bundle", "schema_version": 1,
  "compiler": {"name": "sm120", "version": "0.1.0"}, "chip": "sm_90a",
  "kernel": {"symbol": "views", "cubin": "views.sm_90a.cubin"},
  "tensors": [
    {"name": "a", "dtype": "bf16", "shape": [-1], "contiguous_dim": 0},
    {"name": "d", "dtype": "f32", "shape": [128, 128], "contiguous_dim": 1}
  ],
  "params": [
    {"kind": "tma", "tensor": 0, "dtype": "bf16", "box": [128, 40],
     "element_strides": [1, 1], "swizzle": 0, "interleave": "none",
     "l2_promotion": 256, "oob_fill": "zero", "device_rewritten": true},
    {"kind": "pointer", "tensor": 0},
    {"kind": "scratch", "bytes_per_block": 256},
    {"kind": "pointer", "tensor": 1}
  ],
  "launch": {"block": [128, 1, 1], "dynamic_smem_bytes": 0,
             "grid": {"kind": "fixed", "size": [3, 1, 1]}},
  "problem": {"family": "t", "outputs": ["d"]},
  "assembler": {"tool": "ptxas 13.0", "registers": 40,
                "spill_store_bytes": 0, "spill_load_bytes": 0,
                "stack_bytes": 0, "shared_bytes": 0}
})json";

TEST(ParamLayout, RewrittenDescriptorAndScratch) {
  Manifest m = parseOrDie(kRewrittenManifest);
  ASSERT_EQ(m.params.size(), 4u);
  EXPECT_TRUE(m.params[0].tma.deviceRewritten);
  EXPECT_EQ(m.params[2].kind, ParamKind::Scratch);
  EXPECT_EQ(m.params[2].scratchBytesPerBlock, 256u);
  // Both round-trip.
  Expected<Manifest> again = parseManifest(serializeManifest(m));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->params[0].tma.deviceRewritten);
  EXPECT_EQ(again->params[2].scratchBytesPerBlock, 256u);

  int64_t aSizes[1] = {1000}, aStrides[1] = {1};
  int64_t dSizes[2] = {128, 128}, dStrides[2] = {128, 1};
  std::vector<TensorArg> args = {
      {address(0x7f0000010000), DType::BF16, 1, aSizes, aStrides},
      {address(0x7f0000020000), DType::F32, 2, dSizes, dStrides}};
  Expected<LaunchPlan> plan = planLaunch(m, args.data(), args.size(), 132);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  // The template: the box's rank and sizes over the tensor's base, packed
  // rows of 40 bf16 (80 bytes).
  ASSERT_EQ(plan->tma.size(), 1u);
  const TmaEncodeParams &e = plan->tma[0].second;
  EXPECT_EQ(e.rank, 2u);
  EXPECT_EQ(e.globalAddress, args[0].data);
  EXPECT_EQ(e.globalDim[0], 40u);
  EXPECT_EQ(e.globalDim[1], 128u);
  EXPECT_EQ(e.boxDim[0], 40u);
  EXPECT_EQ(e.boxDim[1], 128u);
  EXPECT_EQ(e.globalStrides[0], 80u);
  // Scratch: 256 bytes for each of the 3 blocks, its slot left to the
  // driver layer.
  ASSERT_EQ(plan->scratch.size(), 1u);
  EXPECT_EQ(plan->scratch[0].first, 2u);
  EXPECT_EQ(plan->scratch[0].second, 768u);
  uint64_t slot = 1;
  std::memcpy(&slot, &plan->paramBytes[plan->layout.slots[2].offset], 8);
  EXPECT_EQ(slot, 0u);
}

TEST(ParamLayout, RewrittenDescriptorRules) {
  EXPECT_TRUE(failsWith(
      parseManifest(
          patched(kRewrittenManifest, [](Json &j) { j["params"].erase(2); })),
      Code::InvalidManifest,
      "a tma parameter is device_rewritten but no scratch parameter holds "
      "the rewritten descriptors"));
  EXPECT_TRUE(failsWith(
      parseManifest(
          patched(kRewrittenManifest,
                  [](Json &j) { j["params"][2]["bytes_per_block"] = 100; })),
      Code::InvalidManifest,
      "'params[2].bytes_per_block' is 100; expected a positive multiple of "
      "128"));
  EXPECT_TRUE(failsWith(
      parseManifest(patched(kRewrittenManifest,
                            [](Json &j) {
                              j["params"][0]["tensor"] = 1;
                              j["params"][0]["dtype"] = "f32";
                              j["params"][0]["box"] = {128, 1, 4};
                              j["params"][0]["element_strides"] = {1, 1, 1};
                            })),
      Code::InvalidManifest,
      "'params[0]' is device_rewritten with a 3-entry box over tensor 'd' of "
      "rank 2; expected a 1-D tensor viewed with rank 2 to 5"));
  EXPECT_TRUE(failsWith(
      parseManifest(
          patched(kRewrittenManifest,
                  [](Json &j) { j["params"][0]["device_rewritten"] = "yes"; })),
      Code::InvalidManifest,
      "'params[0].device_rewritten' must be a boolean; got string"));
}

TEST(ParamLayout, PlanRejectsInvalidArguments) {
  Manifest m = parseOrDie(kFixtureManifest);
  FixtureArgs f;
  f.args[0].dtype = DType::U8;
  EXPECT_TRUE(failsWith(planLaunch(m, f.args.data(), f.args.size(), 132),
                        Code::InvalidArgument,
                        "tensor 'a' (argument #0): dtype is u8"));
}

//===----------------------------------------------------------------------===//
// Chips
//===----------------------------------------------------------------------===//

TEST(Chip, MatchesItsComputeCapabilities) {
  EXPECT_TRUE(checkChipForDevice(Chip::SM120a, 12, 0, 0).ok());
  EXPECT_TRUE(checkChipForDevice(Chip::SM121a, 12, 1, 0).ok());
  EXPECT_TRUE(checkChipForDevice(Chip::SM90a, 9, 0, 3).ok());
  EXPECT_TRUE(failsWith(checkChipForDevice(Chip::SM120a, 9, 0, 0),
                        Code::WrongArchitecture,
                        "bundle built for sm_120a; device 0 is sm_90"));
  EXPECT_TRUE(failsWith(checkChipForDevice(Chip::SM120a, 12, 1, 2),
                        Code::WrongArchitecture,
                        "bundle built for sm_120a; device 2 is sm_121 "
                        "(compute capability 12.1; sm_120a needs 12.0)"));
  EXPECT_TRUE(failsWith(checkChipForDevice(Chip::SM90a, 12, 0, 1),
                        Code::WrongArchitecture,
                        "bundle built for sm_90a; device 1 is sm_120"));
  EXPECT_TRUE(failsWith(checkChipForDevice(Chip::SM121a, 10, 0, 0),
                        Code::WrongArchitecture, "device 0 is sm_100"));
}

TEST(Chip, NamesAndLimits) {
  // A family cubin runs on the family's compute capabilities only.
  EXPECT_TRUE(checkChipForDevice(Chip::SM120f, 12, 0, 0).ok());
  EXPECT_TRUE(checkChipForDevice(Chip::SM120f, 12, 1, 0).ok());
  EXPECT_TRUE(failsWith(checkChipForDevice(Chip::SM120f, 9, 0, 0),
                        Code::WrongArchitecture,
                        "bundle built for sm_120f; device 0 is sm_90 (compute "
                        "capability 9.0; sm_120f needs 12.0 or a later 12.x)"));
  EXPECT_TRUE(failsWith(checkChipForDevice(Chip::SM120f, 10, 0, 0),
                        Code::WrongArchitecture, "sm_120f needs 12.0"));
  EXPECT_EQ(parseChip("sm_120f"), Chip::SM120f);
  EXPECT_EQ(parseChip("sm_121a"), Chip::SM121a);
  EXPECT_FALSE(parseChip("sm_120").has_value());
  EXPECT_EQ(chipComputeCapability(Chip::SM90a), (std::pair<int, int>{9, 0}));
  EXPECT_EQ(chipMaxSharedBytesPerBlock(Chip::SM120a), 101376u);
  EXPECT_EQ(chipName(Chip::SM120a), "sm_120a");
}

//===----------------------------------------------------------------------===//
// Driver layer without a GPU
//===----------------------------------------------------------------------===//

TEST(Driver, FailsCleanlyWithoutDeviceOrReportsOne) {
  Expected<Bundle> bundle =
      Bundle::loadFromMemory(kFixtureManifest, fakeCubin());
  ASSERT_TRUE(bundle.ok());
  Expected<int> count = deviceCount();
  if (count.ok()) {
    EXPECT_GT(*count, 0);
    GTEST_SKIP() << "a CUDA device is present; the GPU tests cover it";
  }
  Code expected = hasDriverLayer() ? Code::NoDevice : Code::NotSupported;
  EXPECT_EQ(count.error().code, expected) << count.error().message;
  EXPECT_FALSE(count.error().message.empty());
  EXPECT_TRUE(
      failsWith(Kernel::create(*bundle, 0), expected, count.error().message));
  EXPECT_TRUE(failsWith(DeviceBuffer::allocate(0, 16), expected,
                        count.error().message));
  EXPECT_TRUE(failsWith(synchronizeDevice(0), expected, ""));
}

} // namespace
