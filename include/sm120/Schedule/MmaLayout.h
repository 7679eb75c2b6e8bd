//===- MmaLayout.h - fragment layouts of mma.sync forms ---------*- C++ -*-===//
//
// Which element of the A, B and C/D tiles each lane's registers hold for the
// warp-level MMA forms the compiler emits (PTX ISA "matrix fragments for
// mma.m16n8k*"), and which lane addresses which row in ldmatrix. The
// lowering builds its address and register arithmetic from these tables and
// the sm_90a twin's emulation of the block-scaled forms is checked against
// them, so both read one definition.
//
//===----------------------------------------------------------------------===//

#ifndef SM120_SCHEDULE_MMALAYOUT_H
#define SM120_SCHEDULE_MMALAYOUT_H

#include <cstdint>

namespace mlir::sm120 {

/// An m16n8kK MMA form by operand element width: K = 256 / bits.
///   16 bits: m16n8k16 (bf16, f16);  8 bits: m16n8k32 (e4m3, mxf8f6f4);
///   4 bits: m16n8k64 (e2m1, mxf4 / mxf4nvf4).
struct MmaForm {
  unsigned elementBits;
  int64_t m() const { return 16; }
  int64_t n() const { return 8; }
  int64_t k() const { return 256 / elementBits; }
  /// Elements of A or B one 32-bit register holds.
  int64_t perRegister() const { return 32 / elementBits; }
  int64_t aRegisters() const { return 4; }
  int64_t bRegisters() const { return 2; }
  int64_t cRegisters() const { return 4; }
};

struct TileCoord {
  int64_t row, col;
  bool operator==(const TileCoord &o) const {
    return row == o.row && col == o.col;
  }
};

/// Element `index` (< perRegister) of A register `reg` of `lane`: (m, k).
TileCoord mmaAElement(MmaForm form, unsigned lane, unsigned reg,
                      unsigned index);
/// Element `index` of B register `reg` of `lane`: (k, n).
TileCoord mmaBElement(MmaForm form, unsigned lane, unsigned reg,
                      unsigned index);
/// Accumulator register `reg` (< 4) of `lane`: (m, n).
TileCoord mmaCElement(unsigned lane, unsigned reg);

/// ldmatrix .m8n8 (b16): lane `lane` supplies the address of row
/// (lane mod 8) of matrix (lane / 8); with `.x4` the four 8x8 matrices of an
/// A fragment are [rows 0-7 | 8-15] x [bytes 0-15 | 16-31], which is the
/// order a0..a3 need. Returns the (row, byte column) of the A tile whose
/// 16 bytes `lane` addresses.
TileCoord ldmatrixARow(unsigned lane);
/// The same for B (`.x2`, rows are N, columns bytes of K): lanes 0-15.
TileCoord ldmatrixBRow(unsigned lane);

/// Block-scaled forms with scale_vec::1X and thread-id selector 0: the row
/// of the 16-row A tile whose scale `lane` supplies (lanes 4g and 4g + 1
/// hold rows g and g + 8), and the column of B (lane 4g holds column g).
/// Other lanes' scale registers are not read.
int64_t scaleARowOfLane(unsigned lane);
int64_t scaleBColOfLane(unsigned lane);
/// Lanes with a scale under selector 0.
bool suppliesScaleA(unsigned lane);
bool suppliesScaleB(unsigned lane);

/// The sm_90a twin's emulation of those forms: the lane whose scale
/// register holds the scale of the row (column) of accumulator register
/// `reg` of `lane`; the lowering fetches them with shfl.idx.
unsigned twinRowScaleLane(unsigned lane, unsigned reg);
unsigned twinColScaleLane(unsigned lane, unsigned reg);

/// The byte of a block-scaled form's scale register that scales K element
/// `k` of the MMA: scale_vec::`vec` splits K into `vec` equal chunks.
unsigned scaleByteOfK(MmaForm form, unsigned vec, int64_t k);

/// The sm_90a twin's FP4 emulation. A register of eight e2m1 (K order
/// 0..7, low nibble first) widens into four f16x2 registers; half `half` of
/// widened register `q` holds nibble twinFp4Nibble(q, half) = q + 4 * half,
/// so that one shift per register moves both nibbles into place. The
/// mxf4nvf4 m16n8k64 MMA over K half `h` then runs as two f16 m16n8k16
/// MMAs p = 0, 1 on the widened registers 2p (K pair slot of f16 columns
/// 2t, 2t+1) and 2p + 1 (columns 8 + 2t, 9 + 2t) of the A registers of K
/// half h (rows g, g + 8) and of B register h.
unsigned twinFp4Nibble(unsigned q, unsigned half);
/// NVFP4 on the twin scales the widened fragments before the MMA: the lane
/// whose scale register holds the scale of the row of A register `reg` of
/// `lane` (selector 0), and of the column of `lane`'s B fragment.
unsigned twinFragmentRowScaleLane(unsigned lane, unsigned reg);
unsigned twinFragmentColScaleLane(unsigned lane);
/// The scale byte of the K elements `lane` holds in its A or B registers of
/// K half `kHalf` (all of them share it when a register's elements lie in
/// one scale chunk, which holds for the 4-bit form up to 4X).
unsigned twinScaleByte(MmaForm form, unsigned vec, unsigned lane,
                       unsigned kHalf);

} // namespace mlir::sm120

#endif // SM120_SCHEDULE_MMALAYOUT_H
