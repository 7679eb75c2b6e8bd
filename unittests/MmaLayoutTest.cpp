//===- MmaLayoutTest.cpp - register fragment layouts ----------------------===//

#include "sm120/Schedule/MmaLayout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

using namespace mlir::sm120;

namespace {

constexpr MmaForm kForms[] = {{16}, {8}, {4}};

// Each fragment covers its tile exactly once across the warp.
TEST(MmaLayout, FragmentsCoverTheirTilesOnce) {
  for (MmaForm form : kForms) {
    std::set<std::pair<int64_t, int64_t>> a, b, c;
    for (unsigned lane = 0; lane < 32; ++lane) {
      for (unsigned reg = 0; reg < 4; ++reg)
        for (unsigned i = 0; i < form.perRegister(); ++i) {
          TileCoord e = mmaAElement(form, lane, reg, i);
          EXPECT_LT(e.row, form.m());
          EXPECT_LT(e.col, form.k());
          a.insert({e.row, e.col});
        }
      for (unsigned reg = 0; reg < 2; ++reg)
        for (unsigned i = 0; i < form.perRegister(); ++i) {
          TileCoord e = mmaBElement(form, lane, reg, i);
          EXPECT_LT(e.row, form.k());
          EXPECT_LT(e.col, form.n());
          b.insert({e.row, e.col});
        }
      for (unsigned reg = 0; reg < 4; ++reg) {
        TileCoord e = mmaCElement(lane, reg);
        c.insert({e.row, e.col});
      }
    }
    EXPECT_EQ(int64_t(a.size()), form.m() * form.k()) << form.elementBits;
    EXPECT_EQ(int64_t(b.size()), form.k() * form.n()) << form.elementBits;
    EXPECT_EQ(int64_t(c.size()), form.m() * form.n());
  }
}

// The PTX ISA's m16n8k32 8-bit A layout: a0 (g, 4t..4t+3), a1 (g+8, same),
// a2 (g, 16 + 4t..), a3 (g+8, 16 + 4t..).
TEST(MmaLayout, Fp8AFragmentMatchesTheIsa) {
  MmaForm fp8{8};
  EXPECT_EQ(mmaAElement(fp8, 5, 0, 0), (TileCoord{1, 4}));
  EXPECT_EQ(mmaAElement(fp8, 5, 1, 3), (TileCoord{9, 7}));
  EXPECT_EQ(mmaAElement(fp8, 5, 2, 0), (TileCoord{1, 20}));
  EXPECT_EQ(mmaAElement(fp8, 31, 3, 3), (TileCoord{15, 31}));
  EXPECT_EQ(mmaBElement(fp8, 6, 1, 2), (TileCoord{16 + 8 + 2, 1}));
  // BF16 m16n8k16: a2 holds columns 8 + 2t, 8 + 2t + 1.
  EXPECT_EQ(mmaAElement(MmaForm{16}, 3, 2, 1), (TileCoord{0, 8 + 6 + 1}));
  // FP4 m16n8k64: 8 elements per register, K halves of 32.
  EXPECT_EQ(mmaAElement(MmaForm{4}, 2, 3, 7), (TileCoord{8, 32 + 16 + 7}));
  EXPECT_EQ(mmaCElement(7, 3), (TileCoord{9, 7}));
}

// What ldmatrix.x4 delivers to lane L's register r is row (L / 4) of matrix
// r at bytes 4 (L mod 4)..: that must be the A fragment's register r. The
// matrix a lane addresses is ldmatrixARow's.
TEST(MmaLayout, LdmatrixX4FeedsTheAFragment) {
  for (MmaForm form : kForms) {
    for (unsigned reg = 0; reg < 4; ++reg) {
      // Lane L reads row L / 4 of matrix `reg`, addressed by lane 8 reg + L
      // / 4.
      for (unsigned lane = 0; lane < 32; ++lane) {
        TileCoord rowStart = ldmatrixARow(8 * reg + (lane / 4));
        TileCoord e = mmaAElement(form, lane, reg, 0);
        EXPECT_EQ(e.row, rowStart.row);
        // Byte column of the element = matrix byte offset + 4 (lane mod 4).
        int64_t byteCol = e.col * form.elementBits / 8;
        EXPECT_EQ(byteCol, rowStart.col + 4 * (lane % 4))
            << "bits " << form.elementBits << " lane " << lane;
      }
    }
  }
}

TEST(MmaLayout, LdmatrixX2FeedsTheBFragment) {
  for (MmaForm form : kForms)
    for (unsigned reg = 0; reg < 2; ++reg)
      for (unsigned lane = 0; lane < 32; ++lane) {
        TileCoord rowStart = ldmatrixBRow(8 * reg + (lane / 4));
        TileCoord e = mmaBElement(form, lane, reg, 0); // (k, n)
        EXPECT_EQ(e.col, rowStart.row);
        EXPECT_EQ(e.row * form.elementBits / 8, rowStart.col + 4 * (lane % 4));
      }
}

// The twin emulates a block-scaled MMA from the scale registers of the
// sm_120a instruction: for every accumulator element, the lanes it fetches
// from must be lanes the instruction reads (selector 0) and hold the scales
// of exactly that element's row and column.
TEST(MmaLayout, TwinScaleLanesMatchTheSelectorZeroTables) {
  for (unsigned lane = 0; lane < 32; ++lane)
    for (unsigned reg = 0; reg < 4; ++reg) {
      TileCoord c = mmaCElement(lane, reg);
      unsigned ra = twinRowScaleLane(lane, reg);
      unsigned rb = twinColScaleLane(lane, reg);
      ASSERT_LT(ra, 32u);
      ASSERT_LT(rb, 32u);
      EXPECT_TRUE(suppliesScaleA(ra)) << lane << " " << reg;
      EXPECT_TRUE(suppliesScaleB(rb)) << lane << " " << reg;
      EXPECT_EQ(scaleARowOfLane(ra), c.row) << lane << " " << reg;
      EXPECT_EQ(scaleBColOfLane(rb), c.col) << lane << " " << reg;
    }
}

// Selector 0 covers each of the 16 A rows and 8 B columns exactly once.
TEST(MmaLayout, SelectorZeroCoversEveryRowAndColumnOnce) {
  int rows[16] = {}, cols[8] = {};
  for (unsigned lane = 0; lane < 32; ++lane) {
    if (suppliesScaleA(lane))
      ++rows[scaleARowOfLane(lane)];
    if (suppliesScaleB(lane))
      ++cols[scaleBColOfLane(lane)];
  }
  for (int r : rows)
    EXPECT_EQ(r, 1);
  for (int c : cols)
    EXPECT_EQ(c, 1);
}

// The twin runs an m16n8k64 e2m1 MMA as four f16 m16n8k16 MMAs on widened
// registers. Each f16 MMA must pair, at every f16 K column, the A and B
// elements of one FP4 K index (the same for every row and column), and the
// four MMAs must cover the 64 K indices once.
TEST(MmaLayout, TwinFp4WideningKeepsAAndBOnOneKPermutation) {
  MmaForm fp4{4}, f16{16};
  std::set<int64_t> covered;
  for (unsigned h = 0; h < 2; ++h)
    for (unsigned p = 0; p < 2; ++p) {
      int64_t kOfA[16] = {}, kOfB[16] = {};
      std::fill(std::begin(kOfA), std::end(kOfA), -1);
      std::fill(std::begin(kOfB), std::end(kOfB), -1);
      for (unsigned lane = 0; lane < 32; ++lane)
        for (unsigned half = 0; half < 2; ++half) {
          for (unsigned r = 0; r < 4; ++r) {
            TileCoord e = mmaAElement(f16, lane, r, half);
            TileCoord src = mmaAElement(fp4, lane, 2 * h + r % 2,
                                        twinFp4Nibble(2 * p + r / 2, half));
            EXPECT_EQ(src.row, e.row);
            if (kOfA[e.col] < 0)
              kOfA[e.col] = src.col;
            EXPECT_EQ(kOfA[e.col], src.col) << "A rows disagree at " << e.col;
          }
          for (unsigned r = 0; r < 2; ++r) {
            TileCoord e = mmaBElement(f16, lane, r, half);
            TileCoord src =
                mmaBElement(fp4, lane, h, twinFp4Nibble(2 * p + r, half));
            EXPECT_EQ(src.col, e.col);
            if (kOfB[e.row] < 0)
              kOfB[e.row] = src.row;
            EXPECT_EQ(kOfB[e.row], src.row) << "B columns disagree";
          }
        }
      for (int k = 0; k < 16; ++k) {
        EXPECT_EQ(kOfA[k], kOfB[k]) << "h " << h << " p " << p << " k " << k;
        covered.insert(kOfA[k]);
      }
    }
  EXPECT_EQ(covered.size(), 64u);
  EXPECT_EQ(*covered.begin(), 0);
  EXPECT_EQ(*covered.rbegin(), 63);
}

// NVFP4 (4X) and MXFP4 (2X) on the twin: the lane a fragment register's
// scale is fetched from supplies exactly that row (column) under selector
// 0, and the byte taken scales every K element of the register.
TEST(MmaLayout, TwinFragmentScalesMatchTheSelectorZeroTables) {
  MmaForm fp4{4};
  for (unsigned vec : {2u, 4u})
    for (unsigned lane = 0; lane < 32; ++lane) {
      for (unsigned reg = 0; reg < 4; ++reg) {
        unsigned src = twinFragmentRowScaleLane(lane, reg);
        ASSERT_TRUE(suppliesScaleA(src));
        for (unsigned i = 0; i < fp4.perRegister(); ++i) {
          TileCoord e = mmaAElement(fp4, lane, reg, i);
          EXPECT_EQ(scaleARowOfLane(src), e.row);
          EXPECT_EQ(scaleByteOfK(fp4, vec, e.col),
                    twinScaleByte(fp4, vec, lane, reg / 2));
        }
      }
      unsigned src = twinFragmentColScaleLane(lane);
      ASSERT_TRUE(suppliesScaleB(src));
      for (unsigned reg = 0; reg < 2; ++reg)
        for (unsigned i = 0; i < fp4.perRegister(); ++i) {
          TileCoord e = mmaBElement(fp4, lane, reg, i);
          EXPECT_EQ(scaleBColOfLane(src), e.col);
          EXPECT_EQ(scaleByteOfK(fp4, vec, e.row),
                    twinScaleByte(fp4, vec, lane, reg));
        }
    }
  // 4X: K chunks of 16; lane t of K half 1 reads byte 2 + t / 2.
  EXPECT_EQ(twinScaleByte(fp4, 4, 3, 1), 3u);
  EXPECT_EQ(twinScaleByte(fp4, 2, 3, 1), 1u);
}

} // namespace
