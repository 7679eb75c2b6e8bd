//===- Schedule.cpp - machine model, SMEM accounting, cost model -*- C++
//-*-===//

#include "sm120/Schedule/Schedule.h"
#include "sm120/Schedule/MmaLayout.h"
#include "sm120/Schedule/Swizzle.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::sm120;

//===----------------------------------------------------------------------===//
// Machine model
//===----------------------------------------------------------------------===//

// Dense MMA rates are FLOPs per SM per cycle at FP32 accumulation: sm_120
// runs FP4 at 4x and block-scaled FP8 at 2x its BF16 rate; GeForce parts halve
// BF16 with FP32 accumulation. The H100 twin runs every type through
// mma.sync HMMA (FP8 and FP4 are widened), measured at 614 TFLOPS at 1.98
// GHz on 132 SMs.
static const MachineModel kPresets[] = {
    {"rtx-pro-6000", "sm_120a", 188, 101376, 2.6, 1792, 4096, 2048, 1024},
    {"rtx-5090", "sm_120a", 170, 101376, 2.41, 1792, 4096, 2048, 512},
    {"gb10", "sm_121a", 48, 101376, 2.5, 273, 4096, 2048, 1024},
    {"h100", "sm_90a", 132, 101376, 1.98, 3350, 2349, 2349, 2349},
};

std::optional<MachineModel> MachineModel::preset(StringRef name) {
  for (const MachineModel &m : kPresets)
    if (m.name == name)
      return m;
  return std::nullopt;
}

std::string MachineModel::presetNames() {
  std::string s;
  for (const MachineModel &m : kPresets)
    s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

//===----------------------------------------------------------------------===//
// Problem
//===----------------------------------------------------------------------===//

static GemmProblem::Data dataOf(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return GemmProblem::Data::FP8;
  if (isa<Float4E2M1FNType>(t))
    return GemmProblem::Data::FP4;
  return GemmProblem::Data::BF16;
}

/// The data kinds, output width, accumulation and recipes, which both
/// problem ops spell alike.
template <typename OpTy>
static void setTypesAndScales(GemmProblem &p, OpTy op) {
  p.a = dataOf(op.getA().getType().getElementType());
  p.b = dataOf(op.getB().getType().getElementType());
  p.outBytes = op.getD().getType().getElementType().isF32() ? 4 : 2;
  p.accumulate = op.getC() != nullptr;
  p.sfa = op.getSfaRecipeAttr();
  p.sfb = op.getSfbRecipeAttr();
}

GemmProblem GemmProblem::fromOp(GemmOp op) {
  MemRefType at = op.getA().getType(), bt = op.getB().getType();
  bool aK = op.getAMajor() == Major::K, bK = op.getBMajor() == Major::K;
  GemmProblem p;
  p.m = at.getDimSize(aK ? 0 : 1);
  p.k = at.getDimSize(aK ? 1 : 0);
  if (ShapedType::isDynamic(p.k))
    p.k = bt.getDimSize(bK ? 1 : 0);
  p.n = bt.getDimSize(bK ? 0 : 1);
  p.aKMajor = aK;
  p.bKMajor = bK;
  setTypesAndScales(p, op);
  return p;
}

GemmProblem GemmProblem::fromOp(GroupedGemmOp op) {
  MemRefType at = op.getA().getType(), bt = op.getB().getType();
  if (op.getKind() == GroupedKind::KGrouped) {
    // D [G, M, N]; K per group is sum K / G when sum K is static.
    MemRefType dt = op.getD().getType();
    GemmProblem p;
    p.batches = ShapedType::isDynamic(dt.getDimSize(0)) ? 1 : dt.getDimSize(0);
    p.m = dt.getDimSize(1);
    p.n = dt.getDimSize(2);
    p.aKMajor = op.getAMajor() == Major::K;
    p.bKMajor = op.getBMajor() == Major::K;
    // 1-D a: the groups' [M, K_g] blocks, M * sum K elements.
    int64_t sumK = at.getRank() == 2 ? at.getDimSize(p.aKMajor ? 1 : 0)
                   : ShapedType::isDynamic(at.getDimSize(0)) ||
                           ShapedType::isDynamic(p.m) || p.m <= 0
                       ? ShapedType::kDynamic
                       : at.getDimSize(0) / p.m;
    p.k = ShapedType::isDynamic(sumK) ? ShapedType::kDynamic
                                      : std::max<int64_t>(sumK / p.batches, 1);
    p.kGroupAlign = op.getKAlignment().value_or(kKGroupedAlignment);
    p.viewedOperands = at.getRank() == 1 ? 2 : 0;
    setTypesAndScales(p, op);
    return p;
  }
  // Contiguous: A [M, K], B [G, N, K] (or [G, K, N]). Masked: A [G, max_m,
  // K], B [G, N, K].
  bool bK = op.getBMajor() == Major::K;
  unsigned base = bt.getRank() - 2;
  GemmProblem p;
  p.m = at.getDimSize(at.getRank() - 2);
  if (op.getKind() == GroupedKind::Masked) {
    p.masked = true;
    p.batches = ShapedType::isDynamic(bt.getDimSize(0)) ? 1 : bt.getDimSize(0);
  }
  p.k = at.getDimSize(at.getRank() - 1);
  p.n = bt.getDimSize(base + (bK ? 0 : 1));
  p.aKMajor = op.getAMajor() == Major::K;
  p.bKMajor = bK;
  setTypesAndScales(p, op);
  p.grouped = true;
  return p;
}

GemmProblem GemmProblem::fromOp(BatchedGemmOp op) {
  MemRefType at = op.getA().getType(), bt = op.getB().getType();
  GemmProblem p;
  if (op.getEinsum() == Einsum::BMK_BNK_MN) {
    // (M, N, K) = (m, n, b * k); a runtime batch counts as one.
    p.m = at.getDimSize(1);
    p.n = bt.getDimSize(1);
    p.kPerBatch = at.getDimSize(2);
    int64_t batch = at.getDimSize(0);
    p.k = p.kPerBatch * (ShapedType::isDynamic(batch) ? 1 : batch);
    setTypesAndScales(p, op);
    return p;
  }
  if (op.getEinsum() == Einsum::BMK_BNK_BMN) {
    // Per batch, (M, N, K) = (m, n, k), both operands K-major.
    p.m = at.getDimSize(1);
    p.n = bt.getDimSize(1);
    p.k = at.getDimSize(2);
    p.batches = ShapedType::isDynamic(bt.getDimSize(0)) ? 1 : bt.getDimSize(0);
    setTypesAndScales(p, op);
    return p;
  }
  if (op.getEinsum() == Einsum::BHD_BHR_HDR) {
    // Per head, (M, N, K) = (d, r, b), both operands MN-major; h heads.
    p.m = at.getDimSize(2);
    p.n = bt.getDimSize(2);
    p.k = at.getDimSize(0);
    p.aKMajor = p.bKMajor = false;
    p.batches = ShapedType::isDynamic(at.getDimSize(1)) ? 1 : at.getDimSize(1);
    setTypesAndScales(p, op);
    return p;
  }
  // bhr,hdr->bhd: per head, (M, N, K) = (b, d, r) and B [h, d, r].
  // bhd,hdr->bhr: (M, N, K) = (b, r, d), B [h, d, r] MN-major.
  bool bhr = op.getEinsum() == Einsum::BHD_HDR_BHR;
  p.m = at.getDimSize(0);
  p.n = bt.getDimSize(bhr ? 2 : 1);
  p.k = bt.getDimSize(bhr ? 1 : 2);
  p.bKMajor = !bhr;
  p.batches = ShapedType::isDynamic(bt.getDimSize(0)) ? 1 : bt.getDimSize(0);
  setTypesAndScales(p, op);
  return p;
}

GemmProblem GemmProblem::swapped(int64_t rows) const {
  GemmProblem q = *this;
  std::swap(q.a, q.b);
  std::swap(q.sfa, q.sfb);
  std::swap(q.aKMajor, q.bKMajor);
  q.m = n;
  q.n = rows;
  return q;
}

int64_t GemmProblem::mmaK() const {
  // m16n8k16 for BF16, m16n8k64 (mxf4 / mxf4nvf4) for FP4 x FP4, and
  // m16n8k32 (mxf8f6f4) for FP8 and mixed FP8 x FP4.
  unsigned bits = a == Data::BF16                    ? 16
                  : a == Data::FP4 && b == Data::FP4 ? 4
                                                     : 8;
  return MmaForm{bits}.k();
}

unsigned GemmProblem::smemBits(Data d) const {
  switch (d) {
  case Data::FP8:
    return 8;
  case Data::FP4:
    return mixed() ? 8 : 4; // mixed: TMA unpacks FP4 to one byte each
  case Data::BF16:
    return 16;
  }
  llvm_unreachable("unknown data kind");
}

//===----------------------------------------------------------------------===//
// Shared memory
//===----------------------------------------------------------------------===//

static int64_t alignUp(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

/// Scale bytes one stage holds for `rows` rows over `bk` elements of K.
static int64_t scaleTileBytes(BlockScaleAttr r, int64_t rows, int64_t bk) {
  if (!r)
    return 0;
  int64_t groups = (rows + r.getMn() - 1) / r.getMn();
  int64_t kGroups = (bk + r.getK() - 1) / r.getK();
  if (r.getPacked()) // one i32 per row covers four K-granules
    return groups * 4 * ((kGroups + 3) / 4);
  int64_t bytes = r.getFormat() == ScaleFormat::F32 ? 4 : 1;
  return groups * kGroups * bytes;
}

SmemUse mlir::sm120::smemUse(const GemmProblem &p, int64_t bm, int64_t bn,
                             int64_t bk, EpilogueKind epilogue) {
  SmemUse use;
  // Swizzled operand tiles start on 1024-byte boundaries (the 128B swizzle
  // pattern repeats every 1024 bytes); scale tiles need TMA's 128.
  int64_t a = alignUp(bm * bk * p.smemBits(p.a) / 8, 1024);
  int64_t b = alignUp(bn * bk * p.smemBits(p.b) / 8, 1024);
  int64_t sa = alignUp(scaleTileBytes(p.sfa, bm, bk), 128);
  int64_t sb = alignUp(scaleTileBytes(p.sfb, bn, bk), 128);
  use.perStage = a + b + sa + sb + SmemUse::kBarrierBytes;
  // The TMA-store epilogue stages every warp's tile of the output; the ring
  // store stages it in an operand slot of the ring.
  if (epilogue == EpilogueKind::TmaStore)
    use.epilogue = alignUp(bm * bn * p.outBytes, 1024);
  // The lowering lays rings, staging and barriers back to back from the
  // 1024-byte-aligned base, then the views' state.
  use.fixed = 16 * p.viewedOperands;
  return use;
}

int64_t mlir::sm120::ringStoreRows(int64_t warpRows, int64_t warpCols,
                                   int64_t outBytes, int64_t mathWarps,
                                   int64_t slotBytes) {
  for (int64_t rows = warpRows; rows >= 16; rows -= 16)
    if (warpRows % rows == 0 &&
        mathWarps * rows * warpCols * outBytes <= slotBytes)
      return rows;
  return 0;
}

/// ring_store's staging slot for `s`: the larger operand tile of a stage
/// whose bytes keep the staged boxes on 1024-byte swizzle periods (A's
/// always do).
static int64_t ringSlotBytes(const GemmProblem &p, ScheduleAttr s) {
  int64_t bk = s.getBlockK();
  int64_t a = s.getBlockM() * bk * p.smemBits(p.a) / 8;
  int64_t b = s.getBlockN() * bk * p.smemBits(p.b) / 8;
  return b > a && b % 1024 == 0 ? b : a;
}

/// ring_store's rows per round for `s` (0: the output does not fit a slot).
static int64_t ringRowsFor(const GemmProblem &p, ScheduleAttr s) {
  return ringStoreRows(s.getBlockM() / s.getWarpLayout()[0],
                       s.getBlockN() / s.getWarpLayout()[1], p.outBytes,
                       s.getNumMathWarps(), ringSlotBytes(p, s));
}

//===----------------------------------------------------------------------===//
// Registers
//===----------------------------------------------------------------------===//

unsigned mlir::sm120::estimateMathRegisters(const GemmProblem &p,
                                            const ScheduleAttr &s) {
  int64_t mTiles = s.getBlockM() / s.getWarpLayout()[0] / 16;
  int64_t nTiles = s.getBlockN() / s.getWarpLayout()[1] / 8;
  int64_t acc = mTiles * nTiles * 4;
  // A: 4 registers per m16 tile, B: 2 per n8 tile, double-buffered.
  int64_t frags = 2 * (mTiles * 4 + nTiles * 2);
  // Grouped stores keep the tile's group and its bounds, and test every
  // row (measured: 128x256 BF16 tiles that fit dense spill grouped).
  int64_t overhead = p.grouped ? 48 : 40;
  int64_t native = acc + frags + overhead;
  if (p.a == GemmProblem::Data::BF16)
    return static_cast<unsigned>(native);
  // The sm_90a twin runs the same schedule: it keeps the widened A
  // fragments (8 registers per m16 tile) of every K step of a scale granule
  // within the block, one partial per fragment of an N tile, a widened B
  // fragment, the decoded row and column scales, and more addressing.
  int64_t granule =
      std::min<int64_t>(s.getBlockK(), std::min(p.sfa.getK(), p.sfb.getK()));
  int64_t steps = std::max<int64_t>(1, granule / p.mmaK());
  // ptxas interleaves the widening of later K steps with the MMAs of
  // earlier ones, so at most 64 registers of widened A are live at once
  // (ptxas 13.0: 64x32 warp tiles over four K steps fit, 32x96 do not).
  int64_t twin = acc + std::min<int64_t>(steps * mTiles * 8, 64) + mTiles * 4 +
                 6 + 2 * (mTiles + nTiles) + 56 + (overhead - 40);
  return static_cast<unsigned>(std::max(native, twin));
}

unsigned mlir::sm120::mathRegisterBudget(const ScheduleAttr &s) {
  // setmaxnreg: producers drop to kProducerRegisters and the math warps take
  // the rest of the 65536 registers.
  unsigned producerThreads = 32 * s.getTmaWarps();
  unsigned mathThreads = s.getNumMathWarps() * 32;
  unsigned budget =
      (65536 - producerThreads * kProducerRegisters) / mathThreads;
  return std::min(budget, kMaxThreadRegisters) / 8 * 8;
}

//===----------------------------------------------------------------------===//
// Validity
//===----------------------------------------------------------------------===//

std::string mlir::sm120::checkSchedule(const GemmProblem &given, ScheduleAttr s,
                                       const MachineModel &machine) {
  // swap_ab: dense GEMMs of one operand type; the checks below see the
  // swapped problem (its M is N, its N the rows, for which 64 stands in).
  if (s.getSwapAb()) {
    if (given.grouped && !given.masked)
      return "swap_ab applies to dense and masked GEMMs, not contiguous "
             "grouped ones";
    if (given.kGroupAlign > 0)
      return "swap_ab applies to dense and masked GEMMs, not K-grouped ones";
    if (given.mixed())
      return "swap_ab needs both operands of one type";
  }
  GemmProblem p = s.getSwapAb() ? given.swapped(64) : given;
  int64_t bm = s.getBlockM(), bn = s.getBlockN(), bk = s.getBlockK();
  if (p.kGroupAlign > 0 && p.kGroupAlign % bk != 0)
    return llvm::formatv("block K {0} does not divide {1}, the K alignment "
                         "of a K-grouped GEMM's groups",
                         bk, p.kGroupAlign)
        .str();
  if (p.kPerBatch > 0 && p.kPerBatch % bk != 0)
    return llvm::formatv("block K {0} does not divide the batch's K = {1} "
                         "(each K block must lie in one batch)",
                         bk, p.kPerBatch)
        .str();
  if (bk % p.mmaK() != 0)
    return llvm::formatv("BK = {0} is not a multiple of the MMA's K step {1}",
                         bk, p.mmaK());
  // Operand tiles are swizzled: K-major rows of BK are one swizzle span
  // (32, 64 or 128 bytes); MN-major rows of BM or BN may also be a multiple
  // of 128 bytes, stored as 128-byte panels. ldmatrix.trans, which reads
  // MN-major fragments, moves 16-bit elements only.
  struct Side {
    const char *name, *blockName;
    GemmProblem::Data data;
    bool kMajor;
    int64_t block;
  };
  for (Side side : {Side{"A", "BM", p.a, p.aKMajor, bm},
                    Side{"B", "BN", p.b, p.bKMajor, bn}}) {
    if (!side.kMajor && side.data != GemmProblem::Data::BF16)
      return llvm::formatv("MN-major {0} is lowered for BF16 only "
                           "(ldmatrix.trans reads 16-bit elements); "
                           "transpose FP8 and FP4 operands to K-major",
                           side.name)
          .str();
    int64_t rowBytes =
        (side.kMajor ? bk : side.block) * p.smemBits(side.data) / 8;
    if (side.kMajor && rowBytes != 32 && rowBytes != 64 && rowBytes != 128)
      return llvm::formatv("BK = {0} gives {1}-byte rows of {2}; one "
                           "swizzled TMA box needs 32, 64 or 128",
                           bk, rowBytes, side.name);
    if (!side.kMajor && !swizzleForRowBytes(rowBytes))
      return llvm::formatv("{0} = {1} gives {2}-byte rows of MN-major {3}; "
                           "a swizzled tile needs 32, 64 or a multiple of "
                           "128",
                           side.blockName, side.block, rowBytes, side.name);
  }
  // Unpacked scales are K-major: a K block's scales of a row are one TMA box
  // row, which must span a multiple of 16 bytes so that every block's box
  // starts on a 16-byte boundary (one at an 8-byte offset faults as an
  // illegal instruction on the H100).
  for (auto [name, r] :
       {std::pair<const char *, BlockScaleAttr>{"A", p.sfa}, {"B", p.sfb}}) {
    if (!r || r.getPacked())
      continue;
    int64_t bytes = bk / r.getK() * (r.getFormat() == ScaleFormat::F32 ? 4 : 1);
    if (bytes % 16 != 0)
      return llvm::formatv("BK = {0} gives {1} bytes of {2}'s scales per "
                           "row and K block; a TMA box row needs a multiple "
                           "of 16",
                           bk, bytes, name);
  }
  // Scale granularities (16, 32, 128) and BK (32-byte to 128-byte rows) are
  // powers of two, so a K block always nests with a scale granule.
  SmemUse use = smemUse(p, bm, bn, bk, s.getEpilogue());
  int64_t total = use.total(s.getStages());
  if (total > machine.smemPerBlock)
    return llvm::formatv(
        "{0} stages need {1} bytes of shared memory ({0} x {2} per stage, "
        "the tiles padded to 1024, + {3} epilogue + {4} fixed); {5} allows "
        "{6}",
        s.getStages(), total, use.perStage, use.epilogue, use.fixed,
        machine.chip, machine.smemPerBlock);
  if (s.getStages() < 2)
    return "a pipeline needs at least 2 stages";
  if (s.getEpilogue() == EpilogueKind::RingStore) {
    // The last K block's stage is the staging area: every tile has one,
    // and the output is one plain [M, N].
    if (p.grouped || p.batches > 1 || p.kPerBatch > 0 || p.kGroupAlign > 0 ||
        ShapedType::isDynamic(p.k) || s.getSwapAb())
      return "ring_store needs one plain [M, N] output and a static K (the "
             "last K block's stage holds the output); grouped, batched, "
             "swap_ab and runtime-K GEMMs do not qualify";
    if (ringRowsFor(p, s) == 0)
      return llvm::formatv(
                 "ring_store stages at least 16 rows of every warp's tile "
                 "({0} warps x 16 x {1} x {2} bytes) in one operand slot of "
                 "a stage, which holds {3}",
                 s.getNumMathWarps(), bn / s.getWarpLayout()[1], p.outBytes,
                 ringSlotBytes(p, s))
          .str();
  }
  // The staged boxes are one swizzle span (32, 64 or 128 bytes) of a warp
  // tile's row wide.
  int64_t warpRowBytes = bn / s.getWarpLayout()[1] * p.outBytes;
  if (s.getEpilogue() != EpilogueKind::Direct && warpRowBytes % 32 != 0)
    return llvm::formatv("the {0} epilogue stages boxes of 32, 64 or 128 "
                         "bytes of a warp tile's row, which has {1}",
                         stringifyEpilogueKind(s.getEpilogue()), warpRowBytes)
        .str();
  // A TMA copy's rows start on 16-byte boundaries of D.
  if (s.getEpilogue() != EpilogueKind::Direct &&
      (ShapedType::isDynamic(p.n) || p.n * p.outBytes % 16 != 0))
    return llvm::formatv("the TMA-store epilogue needs rows of D that are a "
                         "multiple of 16 bytes; N = {0} with {1}-byte "
                         "elements is not",
                         ShapedType::isDynamic(p.n) ? "?" : std::to_string(p.n),
                         p.outBytes);
  unsigned regs = estimateMathRegisters(p, s), budget = mathRegisterBudget(s);
  if (regs > budget)
    return llvm::formatv("math threads need about {0} registers ({1}x{2} "
                         "tile per warp); the budget with {3} math warps is "
                         "{4}",
                         regs, bm / s.getWarpLayout()[0],
                         bn / s.getWarpLayout()[1], s.getNumMathWarps(),
                         budget);
  return {};
}

//===----------------------------------------------------------------------===//
// Cost
//===----------------------------------------------------------------------===//

// Constants of the cost model, in cycles.
static constexpr double kMemoryLatency = 1500; // loaded TMA round trip
static constexpr double kTileOverhead = 600;   // scheduler, fill, drain
// Barrier wait, proxy fence and release per K block and warp, not hidden
// by the tensor pipe.
static constexpr double kBlockOverhead = 64;
static constexpr double kDirectStoreBytesPerCycle = 32;
static constexpr double kTmaStoreBytesPerCycle = 96;
static constexpr double kRingStoreRound = 400;
static constexpr double kSmemBytesPerCycle = 128; // ldmatrix, per SM

// The twin's math warps issue about 1.8 instructions per cycle per SM in
// the FP8 emulation's k-loop (H100: TFLOPS ~ 1950 / instructions per f16
// MMA over warp tiles from 32x32 to 64x64, BK 64 and 128), far from the
// four schedulers' four: the widening, promotion and MMA chains are
// latency-bound at two math warps per scheduler.
static constexpr double kTwinInstructionsPerCycle = 1.8;

/// Cycles per K block that the sm_90a twin's emulation of FP8 and mixed
/// MMAs needs to issue: per warp, f16 MMAs, the widening of each A and B
/// fragment (once per K step, reused over the warp tile), ldmatrix, and per
/// promotion (once per K block, or per scale granule when that is shorter)
/// an FMUL and an FFMA per accumulator plus the scale decodes.
static double twinIssueCycles(const GemmProblem &p, ScheduleAttr s) {
  if (p.a == GemmProblem::Data::BF16 ||
      (p.a == GemmProblem::Data::FP4 && p.b == GemmProblem::Data::FP4))
    return 0;
  double mTiles = double(s.getBlockM()) / s.getWarpLayout()[0] / 16;
  double nTiles = double(s.getBlockN()) / s.getWarpLayout()[1] / 8;
  double steps = double(s.getBlockK()) / 32;
  int64_t granule = std::min(p.sfa.getK(), p.sfb.getK());
  double promotions = std::max<double>(1, double(s.getBlockK()) /
                                              std::max<int64_t>(granule, 32));
  double perWarp = steps * (2 * mTiles * nTiles + 8 * mTiles + 4 * nTiles +
                            mTiles + nTiles) +
                   promotions * (8 * mTiles * nTiles + 6 * (mTiles + nTiles));
  return perWarp * s.getNumMathWarps() / kTwinInstructionsPerCycle;
}

static double mmaRate(const GemmProblem &p, const MachineModel &m) {
  if (p.a == GemmProblem::Data::BF16)
    return m.bf16Flops;
  if (p.a == GemmProblem::Data::FP4 && p.b == GemmProblem::Data::FP4)
    return m.fp4Flops;
  return m.fp8Flops;
}

ScheduleCost mlir::sm120::estimateCost(const GemmProblem &given, ScheduleAttr s,
                                       const MachineModel &machine,
                                       int64_t rows) {
  // swap_ab: the MMA's rows run along N, its columns along the M rows.
  GemmProblem p = s.getSwapAb() ? given.swapped(rows) : given;
  int64_t m = rows;
  if (s.getSwapAb())
    m = ShapedType::isDynamic(given.n) ? 4096 : given.n;
  int64_t bm = s.getBlockM(), bn = s.getBlockN(), bk = s.getBlockK();
  int64_t n = ShapedType::isDynamic(p.n) ? 4096 : p.n;
  int64_t k = ShapedType::isDynamic(p.k) ? 4096 : p.k;
  ScheduleCost cost;
  int64_t tilesM = (m + bm - 1) / bm, tilesN = (n + bn - 1) / bn;
  cost.tiles = p.batches * tilesM * tilesN;
  cost.waves = (cost.tiles + machine.smCount - 1) / machine.smCount;
  cost.smemBytes = smemUse(p, bm, bn, bk, s.getEpilogue()).total(s.getStages());

  // Tensor-core time per K block, inflated by fragment-load issue overhead:
  // each warp loads its A and B fragments once per K step and reuses them
  // over its (mTiles x nTiles) MMAs.
  double mTiles = double(bm) / s.getWarpLayout()[0] / 16;
  double nTiles = double(bn) / s.getWarpLayout()[1] / 8;
  double issue = 1.0 + 0.5 * (mTiles + nTiles / 2) / (mTiles * nTiles);
  double mma = 2.0 * bm * bn * bk / mmaRate(p, machine) * issue;
  // Fragment traffic per K block: every math warp reads its rows of A and
  // its columns of B once. The tensor and shared-memory pipes overlap, but
  // not perfectly when both are busy.
  double warpRows = double(bm) / s.getWarpLayout()[0];
  double warpCols = double(bn) / s.getWarpLayout()[1];
  double fragments = s.getNumMathWarps() * bk *
                     (warpRows * p.smemBits(p.a) + warpCols * p.smemBits(p.b)) /
                     8 / kSmemBytesPerCycle;
  double compute = std::max(mma, fragments) + 0.3 * std::min(mma, fragments);
  if (machine.emulatesScaledMma())
    compute = std::max(compute, twinIssueCycles(p, s));

  // DRAM traffic per K block: a tile's A block is shared by the N-tiles in
  // flight, its B block by the raster group's M-tiles (L2 reuse).
  double aBytes =
      bm * bk * (p.a == GemmProblem::Data::FP4 ? 0.5 : p.smemBits(p.a) / 8.0);
  double bBytes =
      bn * bk * (p.b == GemmProblem::Data::FP4 ? 0.5 : p.smemBits(p.b) / 8.0);
  int64_t concurrent = std::min<int64_t>(cost.tiles, machine.smCount);
  double reuseB = std::clamp<double>(s.getRasterGroup(), 1, tilesM);
  double reuseA =
      std::clamp<double>(double(concurrent) / s.getRasterGroup(), 1, tilesN);
  double dramPerCycle = machine.dramGBps / machine.clockGHz / concurrent;
  double load = (aBytes / reuseA + bBytes / reuseB) / dramPerCycle;

  // A ring of `stages` keeps stages - 1 loads in flight across the latency.
  double latencyBound = kMemoryLatency / std::max(1u, s.getStages() - 1);
  double perBlock = std::max({compute, load, latencyBound}) + kBlockOverhead;
  int64_t kBlocks = (k + bk - 1) / bk;

  double outBytes = double(bm) * bn * p.outBytes * (p.accumulate ? 2 : 1);
  double epilogue = outBytes / (s.getEpilogue() == EpilogueKind::Direct
                                    ? kDirectStoreBytesPerCycle
                                    : kTmaStoreBytesPerCycle);
  // ring_store: per round, a barrier of the math warps or the wait for the
  // copies to read the slot, which the producer then refills late.
  if (s.getEpilogue() == EpilogueKind::RingStore)
    epilogue += kRingStoreRound * (double(bm) / s.getWarpLayout()[0]) /
                double(ringRowsFor(p, s));
  double tile = kBlocks * perBlock + epilogue + kTileOverhead;
  cost.cycles = cost.waves * tile;
  return cost;
}

//===----------------------------------------------------------------------===//
// Selection
//===----------------------------------------------------------------------===//

/// Raster group that balances the A and B tiles resident in L2 for one wave.
static unsigned rasterGroup(int64_t bm, int64_t bn, unsigned sms) {
  unsigned best = 1;
  int64_t bestFootprint = INT64_MAX;
  for (unsigned g : {4u, 8u, 16u}) {
    int64_t footprint = g * bm + (sms + g - 1) / g * bn;
    if (footprint < bestFootprint) {
      bestFootprint = footprint;
      best = g;
    }
  }
  return best;
}

static SmallVector<int64_t> blockKCandidates(const GemmProblem &p) {
  switch (p.a) {
  case GemmProblem::Data::BF16:
    return {32, 64};
  case GemmProblem::Data::FP4:
    return p.mixed() ? SmallVector<int64_t>{128}
                     : SmallVector<int64_t>{128, 256};
  case GemmProblem::Data::FP8:
    return p.mixed() ? SmallVector<int64_t>{128}
                     : SmallVector<int64_t>{64, 128};
  }
  llvm_unreachable("unknown data kind");
}

ScheduleAttr mlir::sm120::selectSchedule(MLIRContext *ctx, const GemmProblem &p,
                                         const MachineModel &machine, int64_t m,
                                         ScheduleCost *costOut,
                                         std::optional<EpilogueKind> only) {
  ScheduleAttr best;
  ScheduleCost bestCost;
  // Within 1% the tie-break prefers larger BN (fewer A re-reads), then
  // larger BM, then smaller BK, then more stages (latency the model does
  // not see), then the TMA-store epilogues.
  auto better = [&](ScheduleAttr s, const ScheduleCost &c) {
    if (!best)
      return true;
    if (c.cycles < bestCost.cycles * 0.99)
      return true;
    if (c.cycles > bestCost.cycles * 1.01)
      return false;
    // Epilogues: tma_store, then ring_store, then direct.
    auto rank = [](EpilogueKind e) {
      return e == EpilogueKind::TmaStore ? 2 : e == EpilogueKind::RingStore;
    };
    auto key = [&](ScheduleAttr x) {
      return std::make_tuple(x.getBlockN(), x.getBlockM(), -x.getBlockK(),
                             x.getStages(), rank(x.getEpilogue()));
    };
    return key(s) > key(best);
  };
  // Decode-sized M also tries swap_ab: N along the MMA's rows, M along
  // narrow columns (one operand type, dense, the direct epilogue).
  bool trySwap = m <= 32 && (!p.grouped || p.masked) && !p.kGroupAlign &&
                 !p.mixed() && (!only || *only == EpilogueKind::Direct);
  for (bool swap : {false, true})
    for (int64_t bm : {64, 128})
      for (int64_t bn : {16, 32, 48, 64, 96, 128, 160, 192, 256})
        for (int64_t bk : blockKCandidates(p))
          for (EpilogueKind epi : {EpilogueKind::Direct, EpilogueKind::TmaStore,
                                   EpilogueKind::RingStore}) {
            if (only && epi != *only)
              continue;
            if (swap && (!trySwap || epi != EpilogueKind::Direct || bn > 32))
              continue;
            SmemUse use = smemUse(swap ? p.swapped(64) : p, bm, bn, bk, epi);
            unsigned stages = use.maxStages(machine.smemPerBlock);
            if (stages < 2)
              continue;
            // Two math warpgroups with 32x(BN/2) warp tiles, as the reference
            // kernels; BF16 may also take 64x(BN/4), which halves ldmatrix
            // traffic per MMA (BF16 moves twice the bytes per FLOP of FP8,
            // and on the twin shared memory, not the tensor cores, bounds
            // 32x64 warp tiles). Warp tiles span whole n16 pairs.
            // Swapped tiles are a few columns wide: every warp takes all of
            // them.
            static constexpr int64_t kLayouts[][2] = {{4, 2}, {2, 4}};
            static constexpr int64_t kSwapLayouts[][2] = {{8, 1}, {4, 1}};
            for (const int64_t(&layout)[2] : swap ? kSwapLayouts : kLayouts) {
              if (bm / layout[0] < 16 || bn % (16 * layout[1]) != 0 ||
                  (swap && bm / layout[0] != 16))
                continue;
              // The twin also takes 64x(BN/4) for FP8 operands: it widens
              // each fragment once per K step, and a squarer warp tile
              // widens fewer per MMA.
              bool fp8 = p.a == GemmProblem::Data::FP8 ||
                         p.b == GemmProblem::Data::FP8;
              if (!swap && layout[0] == 2 && p.a != GemmProblem::Data::BF16 &&
                  !(fp8 && machine.emulatesScaledMma()))
                continue;
              ScheduleAttr s = ScheduleAttr::get(
                  ctx, {bm, bn, bk}, stages, ArrayRef<int64_t>(layout),
                  /*tmaWarps=*/4, rasterGroup(bm, bn, machine.smCount), epi,
                  swap);
              if (!checkSchedule(p, s, machine).empty())
                continue;
              ScheduleCost c = estimateCost(p, s, machine, m);
              if (better(s, c)) {
                best = s;
                bestCost = c;
              }
            }
          }
  if (best && costOut)
    *costOut = bestCost;
  return best;
}
