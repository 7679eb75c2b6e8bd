//===- Swizzle.cpp - shared-memory XOR swizzle math -------------*- C++ -*-===//

#include "sm120/Schedule/Swizzle.h"

#include <bitset>

using namespace mlir::sm120;

std::optional<SwizzleMode> mlir::sm120::swizzleForRowBytes(int64_t rowBytes) {
  switch (rowBytes) {
  case 32:
    return SwizzleMode::B32;
  case 64:
    return SwizzleMode::B64;
  case 128:
    return SwizzleMode::B128;
  default:
    // Longer rows are stored as 128-byte panels.
    if (rowBytes > 128 && rowBytes % 128 == 0)
      return SwizzleMode::B128;
    return std::nullopt;
  }
}

int64_t mlir::sm120::swizzleRepeatBytes(SwizzleMode mode) {
  // Eight 16-byte-chunk rows of the span: 256, 512 or 1024 bytes.
  return mode == SwizzleMode::None ? 16 : 8 * static_cast<int64_t>(mode);
}

int64_t mlir::sm120::swizzleOffset(SwizzleMode mode, int64_t offset) {
  if (mode == SwizzleMode::None)
    return offset;
  // b = log2(span / 16) chunk-index bits, XORed with the bits 3 above them.
  int64_t mask = static_cast<int64_t>(mode) / 16 - 1;
  return offset ^ (((offset >> 7) & mask) << 4);
}

bool mlir::sm120::ldmatrixPhaseConflictFree(SwizzleMode mode, int64_t rowBytes,
                                            int64_t firstRow, int64_t column) {
  std::bitset<32> banks;
  for (int64_t r = firstRow; r < firstRow + 8; ++r) {
    int64_t start = swizzleOffset(mode, r * rowBytes + column);
    for (int64_t word = 0; word < 4; ++word) {
      unsigned bank = smemBank(start + 4 * word);
      if (banks.test(bank))
        return false;
      banks.set(bank);
    }
  }
  return true;
}
