//===- Swizzle.h - shared-memory XOR swizzle math ---------------*- C++ -*-===//
//
// The one definition of the 32B/64B/128B swizzle patterns that TMA writes
// and ldmatrix/stmatrix addressing must read back. TMA's SWIZZLE_xB modes
// XOR the 16-byte chunk index (address bits [4, 4 + b)) with address bits
// [7, 7 + b), b = log2(x / 16), on an x*8-byte aligned tile.
//
//===----------------------------------------------------------------------===//

#ifndef SM120_SCHEDULE_SWIZZLE_H
#define SM120_SCHEDULE_SWIZZLE_H

#include <cstdint>
#include <optional>

namespace mlir::sm120 {

/// Swizzle span in bytes: 0 (none), 32, 64 or 128. Values match the
/// `swizzle` of #sm120.tma and the manifest.
enum class SwizzleMode : unsigned { None = 0, B32 = 32, B64 = 64, B128 = 128 };

/// The swizzle a tile with `rowBytes`-byte rows uses: the span its rows
/// fill (32, 64 or 128 bytes), or 128 for rows of a multiple of 128 bytes,
/// which the tile stores as 128-byte panels (see !sm120.smem); nullopt
/// when no mode fits.
std::optional<SwizzleMode> swizzleForRowBytes(int64_t rowBytes);

/// Bytes after which the pattern repeats; tiles start on this alignment.
int64_t swizzleRepeatBytes(SwizzleMode mode);

/// The shared-memory byte offset where TMA puts the byte that an unswizzled
/// row-major tile would hold at `offset`. An involution: applying it twice
/// gives `offset` back.
int64_t swizzleOffset(SwizzleMode mode, int64_t offset);

/// The 4-byte bank (0-31) of a shared-memory byte offset.
inline unsigned smemBank(int64_t offset) {
  return static_cast<unsigned>((offset / 4) % 32);
}

/// Whether the eight 16-byte row reads of one ldmatrix 8x8 phase (rows
/// firstRow..firstRow+7 of a tile with `rowBytes`-byte rows, at byte column
/// `column`, through `mode`) hit 32 distinct banks.
bool ldmatrixPhaseConflictFree(SwizzleMode mode, int64_t rowBytes,
                               int64_t firstRow, int64_t column);

} // namespace mlir::sm120

#endif // SM120_SCHEDULE_SWIZZLE_H
