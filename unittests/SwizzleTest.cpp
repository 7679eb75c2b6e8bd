//===- SwizzleTest.cpp - shared-memory swizzle math -----------------------===//

#include "sm120/Schedule/Swizzle.h"

#include <gtest/gtest.h>

#include <set>

using namespace mlir::sm120;

namespace {

constexpr SwizzleMode kModes[] = {SwizzleMode::B32, SwizzleMode::B64,
                                  SwizzleMode::B128};

TEST(Swizzle, ModeForRowBytes) {
  EXPECT_EQ(swizzleForRowBytes(128), SwizzleMode::B128);
  EXPECT_EQ(swizzleForRowBytes(64), SwizzleMode::B64);
  EXPECT_EQ(swizzleForRowBytes(32), SwizzleMode::B32);
  EXPECT_FALSE(swizzleForRowBytes(96));
  EXPECT_EQ(swizzleForRowBytes(256), SwizzleMode::B128); // two panels
  EXPECT_EQ(swizzleForRowBytes(384), SwizzleMode::B128);
  EXPECT_FALSE(swizzleForRowBytes(192));
  EXPECT_FALSE(swizzleForRowBytes(16));
  EXPECT_EQ(swizzleRepeatBytes(SwizzleMode::B128), 1024);
  EXPECT_EQ(swizzleRepeatBytes(SwizzleMode::B64), 512);
  EXPECT_EQ(swizzleRepeatBytes(SwizzleMode::B32), 256);
}

// The 128B pattern is the one the backend fixture hand-codes:
// chunk' = chunk ^ (row mod 8) for 128-byte rows.
TEST(Swizzle, Mode128MatchesChunkXorRow) {
  for (int64_t row = 0; row < 16; ++row)
    for (int64_t chunk = 0; chunk < 8; ++chunk)
      for (int64_t byte : {0, 5, 15})
        EXPECT_EQ(
            swizzleOffset(SwizzleMode::B128, row * 128 + chunk * 16 + byte),
            row * 128 + ((chunk ^ (row % 8)) * 16) + byte);
}

// 64B rows: pairs of rows share a 128-byte line; the chunk (2 bits) XORs
// with bits 7-8, i.e. (row / 2) mod 4.
TEST(Swizzle, Mode64XorsWithRowPairs) {
  for (int64_t row = 0; row < 16; ++row)
    for (int64_t chunk = 0; chunk < 4; ++chunk)
      EXPECT_EQ(swizzleOffset(SwizzleMode::B64, row * 64 + chunk * 16),
                row * 64 + ((chunk ^ ((row / 2) % 4)) * 16));
}

TEST(Swizzle, IsAnInvolutionAndABijectionPerRepeat) {
  for (SwizzleMode mode : kModes) {
    int64_t repeat = swizzleRepeatBytes(mode);
    std::set<int64_t> seen;
    for (int64_t offset = 0; offset < 4 * repeat; ++offset) {
      int64_t s = swizzleOffset(mode, offset);
      EXPECT_EQ(swizzleOffset(mode, s), offset);
      // Stays inside its repeat block, so tiles can be placed independently.
      EXPECT_EQ(s / repeat, offset / repeat);
      seen.insert(s);
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), 4 * repeat);
  }
}

// Every ldmatrix phase (8 consecutive rows, one 16-byte column) of a
// swizzled tile reads 32 distinct banks, for every row offset and column.
TEST(Swizzle, LdmatrixPhasesAreConflictFree) {
  for (SwizzleMode mode : kModes) {
    int64_t rowBytes = static_cast<int64_t>(mode);
    for (int64_t firstRow = 0; firstRow < 64; firstRow += 8)
      for (int64_t column = 0; column < rowBytes; column += 16)
        EXPECT_TRUE(ldmatrixPhaseConflictFree(mode, rowBytes, firstRow, column))
            << "mode " << rowBytes << " row " << firstRow << " col " << column;
  }
}

// Without swizzling, 128-byte rows put a column's 8 reads in the same banks.
TEST(Swizzle, UnswizzledRowsConflict) {
  EXPECT_FALSE(ldmatrixPhaseConflictFree(SwizzleMode::None, 128, 0, 0));
  EXPECT_FALSE(ldmatrixPhaseConflictFree(SwizzleMode::None, 64, 0, 16));
}

} // namespace
