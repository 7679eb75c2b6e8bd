//===- ScheduleTest.cpp - machine model, SMEM accounting, cost model ------===//

#include "sm120/Schedule/Schedule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::sm120;

namespace {

class ScheduleTest : public ::testing::Test {
protected:
  ScheduleTest() { ctx.loadDialect<SM120Dialect>(); }

  GemmProblem fp8(int64_t m, int64_t n, int64_t k) {
    GemmProblem p;
    p.m = m;
    p.n = n;
    p.k = k;
    p.a = p.b = GemmProblem::Data::FP8;
    p.outBytes = 2;
    p.accumulate = false;
    p.sfa = p.sfb =
        BlockScaleAttr::get(&ctx, ScaleFormat::UE8M0, 1u, 128u, true);
    return p;
  }

  GemmProblem bf16(int64_t m, int64_t n, int64_t k) {
    GemmProblem p = fp8(m, n, k);
    p.a = p.b = GemmProblem::Data::BF16;
    p.sfa = p.sfb = nullptr;
    return p;
  }

  ScheduleAttr schedule(int64_t bm, int64_t bn, int64_t bk, unsigned stages,
                        EpilogueKind epi = EpilogueKind::Direct) {
    return ScheduleAttr::get(&ctx, {bm, bn, bk}, stages, {4, 2}, 4, 8, epi,
                             false);
  }

  MachineModel machine() { return *MachineModel::preset("rtx-pro-6000"); }

  MLIRContext ctx;
};

TEST_F(ScheduleTest, PresetsAndNames) {
  EXPECT_EQ(machine().smCount, 188u);
  EXPECT_EQ(MachineModel::preset("rtx-5090")->smCount, 170u);
  EXPECT_EQ(MachineModel::preset("h100")->chip, "sm_90a");
  EXPECT_EQ(MachineModel::preset("h100")->smemPerBlock, 101376u);
  EXPECT_FALSE(MachineModel::preset("a100"));
  EXPECT_EQ(MachineModel::presetNames(), "rtx-pro-6000, rtx-5090, gb10, h100");
}

TEST_F(ScheduleTest, SmemCountsTheRingPaddingTheLoweringAdds) {
  // NVFP4 64x32x256 with a TMA-store BF16 tile: 13824 B of tiles per stage.
  // Seven stages are 96768 B, padded to 97280, + 4096 staged + 112 of
  // barriers = 101488 > 101376 (what the lowering lays out); six fit.
  GemmProblem p = fp8(64, 4096, 7168);
  p.a = p.b = GemmProblem::Data::FP4;
  p.sfa = p.sfb = BlockScaleAttr::get(&ctx, ScaleFormat::UE4M3, 1u, 16u, false);
  SmemUse use = smemUse(p, 64, 32, 256, EpilogueKind::TmaStore);
  EXPECT_EQ(use.perStage, 13824 + 16);
  EXPECT_EQ(use.total(7), 101488);
  EXPECT_EQ(use.maxStages(101376), 6u);
}

TEST_F(ScheduleTest, SmemAccountingOfAnFp8Stage) {
  // A 128x64 and B 128x64 bytes (8 KiB each, 1024-aligned), one packed i32
  // scale word per row (512 B each, 128-aligned), two mbarriers.
  SmemUse use =
      smemUse(fp8(4096, 4096, 7168), 128, 128, 64, EpilogueKind::Direct);
  EXPECT_EQ(use.perStage, 8192 + 8192 + 512 + 512 + 16);
  EXPECT_EQ(use.epilogue, 0);
  // The tiles of 4 stages (69568 B) padded to 1024, then 4 x 16 B barriers.
  EXPECT_EQ(use.total(4), 69632 + 64);
  // The TMA-store epilogue stages the whole BF16 output tile (every warp's).
  EXPECT_EQ(smemUse(fp8(4096, 4096, 7168), 128, 128, 64, EpilogueKind::TmaStore)
                .epilogue,
            128 * 128 * 2);
}

TEST_F(ScheduleTest, UnpackedScaleBoxesSpanSixteenBytes) {
  // NVFP4: a UE4M3 byte per 16 elements of K; BK = 128 gives 8-byte box
  // rows, which TMA cannot start at every block's offset.
  GemmProblem p = fp8(4096, 4096, 7168);
  p.a = p.b = GemmProblem::Data::FP4;
  p.sfa = p.sfb = BlockScaleAttr::get(&ctx, ScaleFormat::UE4M3, 1u, 16u, false);
  std::string why = checkSchedule(p, schedule(128, 128, 128, 2), machine());
  EXPECT_NE(why.find("BK = 128 gives 8 bytes of A's scales"), std::string::npos)
      << why;
  EXPECT_EQ(checkSchedule(p, schedule(128, 128, 256, 2), machine()), "");
}

TEST_F(ScheduleTest, TmaStoreNeedsSixteenByteRows) {
  ScheduleAttr s = schedule(128, 64, 64, 3, EpilogueKind::TmaStore);
  EXPECT_EQ(checkSchedule(bf16(4096, 4096, 512), s, machine()), "");
  std::string why = checkSchedule(bf16(4096, 250, 512), s, machine());
  EXPECT_NE(why.find("N = 250 with 2-byte elements"), std::string::npos) << why;
}

TEST_F(ScheduleTest, RingStoreStagesWholeSlicesInOneOperandSlot) {
  // 8 warps of 64x64 BF16 outputs in a 32 KiB slot: two rounds of 32 rows;
  // FP32 halves the rows; 16 rows must fit.
  EXPECT_EQ(ringStoreRows(64, 64, 2, 8, 32768), 32);
  EXPECT_EQ(ringStoreRows(64, 64, 4, 8, 32768), 16);
  EXPECT_EQ(ringStoreRows(64, 64, 4, 8, 16384), 0);
  EXPECT_EQ(ringStoreRows(32, 32, 2, 8, 16384), 32);
  // Rows divide the warp tile: 48-row tiles take 48 or 16.
  EXPECT_EQ(ringStoreRows(48, 64, 2, 8, 40960), 16);
  // No shared memory beyond the ring.
  EXPECT_EQ(
      smemUse(bf16(4096, 4096, 512), 128, 256, 64, EpilogueKind::RingStore)
          .epilogue,
      0);
  auto ring = [&](int64_t bn, int64_t bk) {
    return ScheduleAttr::get(&ctx, {128, bn, bk}, 2, {2, 4}, 4, 8,
                             EpilogueKind::RingStore, false);
  };
  EXPECT_EQ(checkSchedule(bf16(4096, 4096, 512), ring(256, 64), machine()), "");
  GemmProblem f32 = bf16(4096, 4096, 512);
  f32.outBytes = 4;
  std::string why = checkSchedule(f32, ring(256, 32), machine());
  EXPECT_NE(why.find("which holds 16384"), std::string::npos) << why;
  GemmProblem grouped = bf16(4096, 4096, 512);
  grouped.grouped = true;
  why = checkSchedule(grouped, ring(256, 64), machine());
  EXPECT_NE(why.find("one plain [M, N] output"), std::string::npos) << why;
}

TEST_F(ScheduleTest, MixedFp4IsUnpackedInSharedMemory) {
  GemmProblem p = fp8(4096, 4096, 7168);
  p.b = GemmProblem::Data::FP4;
  EXPECT_EQ(p.smemBits(GemmProblem::Data::FP4), 8u);
  p.a = GemmProblem::Data::FP4;
  EXPECT_EQ(p.smemBits(GemmProblem::Data::FP4), 4u);
  EXPECT_EQ(p.mmaK(), 64);
}

TEST_F(ScheduleTest, CheckReportsSharedMemoryOverflowWithCounts) {
  std::string why = checkSchedule(fp8(4096, 4096, 7168),
                                  schedule(128, 128, 128, 6), machine());
  EXPECT_NE(why.find("6 stages need"), std::string::npos) << why;
  EXPECT_NE(why.find("allows 101376"), std::string::npos) << why;
  EXPECT_EQ(checkSchedule(fp8(4096, 4096, 7168), schedule(128, 128, 128, 2),
                          machine()),
            "");
}

TEST_F(ScheduleTest, SelectionIsDeterministicAndValid) {
  GemmProblem p = fp8(4096, 7168, 16384);
  ScheduleCost c1, c2;
  ScheduleAttr s1 = selectSchedule(&ctx, p, machine(), 4096, &c1);
  ScheduleAttr s2 = selectSchedule(&ctx, p, machine(), 4096, &c2);
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(c1.cycles, c2.cycles);
  EXPECT_EQ(checkSchedule(p, s1, machine()), "");
  EXPECT_LE(c1.smemBytes, 101376);
  // The estimate stays below the machine's MMA peak.
  double flops = 2.0 * 4096 * 7168 * 16384;
  double peak =
      machine().fp8Flops * machine().smCount * machine().clockGHz * 1e9;
  EXPECT_GT(c1.microseconds(machine()) * 1e-6, flops / peak);
}

TEST_F(ScheduleTest, WavesFollowTheSmCount) {
  GemmProblem p = fp8(4096, 4096, 7168);
  ScheduleAttr s = schedule(128, 128, 64, 4);
  MachineModel big = machine(), small = machine();
  small.smCount = 48;
  ScheduleCost onBig = estimateCost(p, s, big, 4096);
  ScheduleCost onSmall = estimateCost(p, s, small, 4096);
  EXPECT_EQ(onBig.tiles, 32 * 32);
  EXPECT_EQ(onBig.waves, 6);    // ceil(1024 / 188)
  EXPECT_EQ(onSmall.waves, 22); // ceil(1024 / 48)
  EXPECT_GT(onSmall.cycles, onBig.cycles);
}

// Masked groups: each group's rows start a fresh tile, so 32 groups of 20
// rows cost 32 M tiles, and the short BM wastes less of each.
TEST_F(ScheduleTest, MaskedGroupsCountTilesPerGroup) {
  GemmProblem p = fp8(20, 4096, 7168);
  p.grouped = true;
  p.batches = 32;
  ScheduleCost cost = estimateCost(p, schedule(128, 128, 64, 4), machine(), 20);
  EXPECT_EQ(cost.tiles, 32 * 32);
  ScheduleAttr chosen = selectSchedule(&ctx, p, machine(), 20);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen.getBlockM(), 64);
}

// Decode-sized M swaps A and B: the MMA's rows run along N, 16 columns
// along M. From 64 rows on the plain schedule stays; mixed operand types
// and grouped GEMMs never swap, and a given swap_ab schedule is checked
// against the swapped problem.
TEST_F(ScheduleTest, SmallMSwapsAAndB) {
  GemmProblem p = fp8(ShapedType::kDynamic, 7168, 7168);
  MachineModel h100 = *MachineModel::preset("h100");
  ScheduleAttr decode = selectSchedule(&ctx, p, h100, 8);
  ASSERT_TRUE(decode);
  EXPECT_TRUE(decode.getSwapAb());
  EXPECT_EQ(decode.getBlockN(), 16);
  EXPECT_EQ(decode.getWarpLayout()[1], 1);
  EXPECT_EQ(decode.getEpilogue(), EpilogueKind::Direct);
  EXPECT_EQ(estimateCost(p, decode, h100, 8).tiles, 7168 / decode.getBlockM());
  ScheduleAttr prefill = selectSchedule(&ctx, p, h100, 64);
  ASSERT_TRUE(prefill);
  EXPECT_FALSE(prefill.getSwapAb());
  GemmProblem mixed = p;
  mixed.b = GemmProblem::Data::FP4;
  EXPECT_FALSE(selectSchedule(&ctx, mixed, h100, 8).getSwapAb());
  EXPECT_EQ(checkSchedule(mixed, decode, h100),
            "swap_ab needs both operands of one type");
  GemmProblem grouped = p;
  grouped.grouped = true;
  EXPECT_FALSE(selectSchedule(&ctx, grouped, h100, 8).getSwapAb());
  EXPECT_EQ(checkSchedule(grouped, decode, h100),
            "swap_ab applies to dense and masked GEMMs, not contiguous "
            "grouped ones");
  // Masked groups may swap (each group's few rows along the columns).
  GemmProblem masked = grouped;
  masked.masked = true;
  masked.batches = 6;
  EXPECT_EQ(checkSchedule(masked, decode, h100), "");
  EXPECT_EQ(estimateCost(masked, decode, h100, 8).tiles,
            6 * (7168 / decode.getBlockM()));
  GemmProblem swapped = p.swapped(8);
  EXPECT_EQ(swapped.m, 7168);
  EXPECT_EQ(swapped.n, 8);
}

TEST_F(ScheduleTest, MoreStagesNeverCostMore) {
  GemmProblem p = fp8(4096, 4096, 7168);
  double previous = 1e300;
  for (unsigned stages = 2; stages <= 5; ++stages) {
    double c =
        estimateCost(p, schedule(128, 128, 64, stages), machine(), 4096).cycles;
    EXPECT_LE(c, previous) << stages << " stages";
    previous = c;
  }
}

TEST_F(ScheduleTest, RegisterBudgetOfTheWarpLayouts) {
  // setmaxnreg: 4 producer warps keep 40 registers, the math warps share the
  // rest of the 65536: (65536 - 128 * 40) / 256 = 236 -> 232 for 8 math
  // warps; 4 math warps are capped at the 248 a thread can hold.
  EXPECT_EQ(mathRegisterBudget(schedule(128, 128, 64, 4)), 232u);
  // 2 M-tiles x 8 N-tiles x 4 accumulators + double-buffered fragments.
  EXPECT_EQ(
      estimateMathRegisters(bf16(4096, 4096, 7168), schedule(128, 128, 64, 4)),
      64u + 2 * (2 * 4 + 8 * 2) + 40);
  // FP8 with BK = 128: the twin widens the A fragments of the granule's 4
  // K steps and needs more than the native MMA.
  EXPECT_EQ(
      estimateMathRegisters(fp8(4096, 4096, 7168), schedule(128, 128, 128, 2)),
      64u + 4 * 2 * 8 + 2 * 4 + 6 + 2 * (2 + 8) + 56);
  // 64x32 warp tiles: at most 64 registers of widened A are live.
  ScheduleAttr square = ScheduleAttr::get(&ctx, {128, 128, 128}, 2, {2, 4}, 4,
                                          8, EpilogueKind::Direct, false);
  EXPECT_EQ(estimateMathRegisters(fp8(4096, 4096, 7168), square),
            64u + 64 + 4 * 4 + 6 + 2 * (4 + 4) + 56);
}

TEST_F(ScheduleTest, TwinChoosesItsOwnFp8Schedule) {
  // The twin's emulation cost favours 64x32 warp tiles over a K block of a
  // whole scale granule (one promotion per block, A widened once per step);
  // sm_120a keeps 32-row warp tiles (its MMA takes the scales itself).
  GemmProblem p = fp8(4096, 4096, 7168);
  ScheduleAttr twin = selectSchedule(&ctx, p, *MachineModel::preset("h100"),
                                     4096, nullptr, EpilogueKind::Direct);
  ASSERT_TRUE(twin);
  EXPECT_EQ(twin.getBlockK(), 128);
  EXPECT_EQ(twin.getWarpLayout()[0], 2);
  ScheduleAttr native =
      selectSchedule(&ctx, p, machine(), 4096, nullptr, EpilogueKind::Direct);
  ASSERT_TRUE(native);
  EXPECT_EQ(native.getWarpLayout()[0], 4);
  // The twin's issue model makes a 64-wide K block cost more there than on
  // the native MMA, relative to the same tile with BK = 128.
  auto ratio = [&](const MachineModel &m) {
    ScheduleAttr k64 = ScheduleAttr::get(&ctx, {128, 128, 64}, 4, {2, 4}, 4, 8,
                                         EpilogueKind::Direct, false);
    ScheduleAttr k128 = ScheduleAttr::get(&ctx, {128, 128, 128}, 2, {2, 4}, 4,
                                          8, EpilogueKind::Direct, false);
    return estimateCost(p, k64, m, 4096).cycles /
           estimateCost(p, k128, m, 4096).cycles;
  };
  EXPECT_GT(ratio(*MachineModel::preset("h100")), ratio(machine()));
}

} // namespace
