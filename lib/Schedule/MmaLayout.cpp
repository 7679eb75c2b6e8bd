//===- MmaLayout.cpp - register fragment layouts of mma.sync forms -------===//

#include "sm120/Schedule/MmaLayout.h"

using namespace mlir::sm120;

// For every m16n8kK form the fragments are byte-identical: a lane owns a
// 4-byte slice of a row. With g = lane / 4 and t = lane mod 4:
//   A reg r: row g + 8 * (r mod 2), bytes 4t.. of K half (r / 2);
//   B reg r: column g, bytes 4t.. of K half r;
//   C reg r: row g + 8 * (r / 2), column 2t + (r mod 2).
// K halves are 16 bytes, i.e. k() / 2 elements.

TileCoord mlir::sm120::mmaAElement(MmaForm form, unsigned lane, unsigned reg,
                                   unsigned index) {
  int64_t g = lane / 4, t = lane % 4;
  int64_t half = form.k() / 2;
  return {g + 8 * (reg % 2), (reg / 2) * half + t * form.perRegister() + index};
}

TileCoord mlir::sm120::mmaBElement(MmaForm form, unsigned lane, unsigned reg,
                                   unsigned index) {
  int64_t g = lane / 4, t = lane % 4;
  int64_t half = form.k() / 2;
  return {reg * half + t * form.perRegister() + index, g};
}

TileCoord mlir::sm120::mmaCElement(unsigned lane, unsigned reg) {
  int64_t g = lane / 4, t = lane % 4;
  return {g + 8 * (reg / 2), 2 * t + reg % 2};
}

TileCoord mlir::sm120::ldmatrixARow(unsigned lane) {
  unsigned matrix = lane / 8;
  return {int64_t(lane % 8 + 8 * (matrix % 2)), int64_t(16 * (matrix / 2))};
}

TileCoord mlir::sm120::ldmatrixBRow(unsigned lane) {
  unsigned matrix = (lane / 8) % 2;
  return {int64_t(lane % 8), int64_t(16 * matrix)};
}

int64_t mlir::sm120::scaleARowOfLane(unsigned lane) {
  return lane / 4 + 8 * (lane % 2);
}

int64_t mlir::sm120::scaleBColOfLane(unsigned lane) { return lane / 4; }

bool mlir::sm120::suppliesScaleA(unsigned lane) { return lane % 4 < 2; }

bool mlir::sm120::suppliesScaleB(unsigned lane) { return lane % 4 == 0; }

unsigned mlir::sm120::twinRowScaleLane(unsigned lane, unsigned reg) {
  // Row g (+ 8 for registers 2, 3) is held by lane 4g (+ 1).
  return (lane & ~3u) | (reg / 2);
}

unsigned mlir::sm120::twinColScaleLane(unsigned lane, unsigned reg) {
  // Column 2t + (reg mod 2) is held by lane 4 * (2t + reg mod 2).
  return 4 * (2 * (lane % 4) + reg % 2);
}

unsigned mlir::sm120::scaleByteOfK(MmaForm form, unsigned vec, int64_t k) {
  return unsigned(k / (form.k() / vec));
}

unsigned mlir::sm120::twinFp4Nibble(unsigned q, unsigned half) {
  return q + 4 * half;
}

unsigned mlir::sm120::twinFragmentRowScaleLane(unsigned lane, unsigned reg) {
  // A registers 0 and 2 hold row g (lane 4g), 1 and 3 row g + 8 (4g + 1).
  return (lane & ~3u) | (reg % 2);
}

unsigned mlir::sm120::twinFragmentColScaleLane(unsigned lane) {
  return lane & ~3u;
}

unsigned mlir::sm120::twinScaleByte(MmaForm form, unsigned vec, unsigned lane,
                                    unsigned kHalf) {
  return scaleByteOfK(form, vec,
                      kHalf * form.k() / 2 + (lane % 4) * form.perRegister());
}
