//===- Schedule.h - machine model, SMEM accounting, cost model --*- C++ -*-===//

#ifndef SM120_SCHEDULE_SCHEDULE_H
#define SM120_SCHEDULE_SCHEDULE_H

#include "sm120/Dialect/SM120/IR/SM120.h"

#include <optional>
#include <string>

namespace mlir::sm120 {

/// What the schedule selection knows of a GPU.
struct MachineModel {
  std::string name; // preset name, e.g. "rtx-pro-6000"
  std::string chip; // "sm_120a"
  unsigned smCount;
  /// Shared memory one block may use. The sm_90a twin keeps sm_120's budget
  /// so that the schedules it verifies are the ones sm_120a runs.
  unsigned smemPerBlock = 101376;
  double clockGHz;
  double dramGBps;
  /// Dense tensor-core FLOPs per SM per cycle, FP32 accumulate, by the
  /// narrower operand type of the MMA.
  double fp4Flops, fp8Flops, bf16Flops;

  /// Presets: rtx-pro-6000 (188 SMs), rtx-5090 (170), gb10 (48, sm_121a)
  /// and h100 (the sm_90a verification twin, 132).
  static std::optional<MachineModel> preset(llvm::StringRef name);
  /// The sm_90a twin, which emulates the block-scaled MMAs (DESIGN.md 3).
  bool emulatesScaledMma() const { return chip == "sm_90a"; }
  static std::string presetNames();
};

/// The K alignment a K-grouped GEMM's groups need at most unless the op
/// promises more (`k_alignment`): schedules for them take a block K that
/// divides it, and record their block K as the alignment the kernel
/// needs.
constexpr int64_t kKGroupedAlignment = 64;

/// The facts of a GEMM that the schedule depends on.
struct GemmProblem {
  enum class Data { FP8, FP4, BF16 };
  int64_t m, n, k; // m may be ShapedType::kDynamic
  Data a, b;
  unsigned outBytes;
  bool accumulate;
  BlockScaleAttr sfa, sfb; // null for BF16
  /// M-grouped: the epilogue also checks each row's group.
  bool grouped = false;
  /// Independent m x n outputs (the groups of a masked grouped GEMM, whose
  /// m is the rows of one group).
  int64_t batches = 1;
  bool masked = false;
  /// When positive, K runs over batches of this many elements (the einsum
  /// bmk,bnk->mn): BK must divide it so that no K block spans two.
  int64_t kPerBatch = 0;
  /// K-grouped: each group's K is a multiple of the block K, which must
  /// divide this (the K alignment callers are promised at most).
  int64_t kGroupAlign = 0;
  /// Operands read through views whose TMA descriptor the kernel rewrites
  /// (K-grouped 1-D blocks): each keeps 16 bytes of state in shared memory.
  unsigned viewedOperands = 0;
  /// Operands stored [MN, K] (K-major) or [K, MN] (MN-major).
  bool aKMajor = true, bKMajor = true;

  static GemmProblem fromOp(GemmOp op);
  /// A contiguous grouped GEMM (M is the total rows), a masked one (M is
  /// one group's max_m, `batches` its G) or a K-grouped one (`batches` G
  /// outputs of M x N, K one group's share of sum K).
  static GemmProblem fromOp(GroupedGemmOp op);
  /// A batched GEMM: bhr,hdr->bhd, bhd,hdr->bhr (B MN-major), bhd,bhr->hdr
  /// and bmk,bnk->bmn are one head's (batch's) GEMM, `batches` of them;
  /// bmk,bnk->mn one GEMM whose K runs over every batch.
  static GemmProblem fromOp(BatchedGemmOp op);
  bool mixed() const { return a != b; }
  /// The problem a swap_ab schedule's MMA sees: D^T = B A^T, its rows N
  /// and its columns `m` (the rows the schedule is costed for).
  GemmProblem swapped(int64_t m) const;
  /// Elements per MMA instruction along K.
  int64_t mmaK() const;
  /// Bits one element occupies in shared memory (mixed FP4 is unpacked).
  unsigned smemBits(Data d) const;
};

/// Shared memory a schedule needs, in bytes.
struct SmemUse {
  int64_t perStage = 0; // A, B, scale tiles and the stage's two mbarriers
  int64_t epilogue = 0; // the output staged for tma_store (ring_store: 0)
  int64_t fixed = 0;    // alignment slack and bookkeeping
  /// The lowering's layout: the ring of tiles padded to 1024 bytes (what
  /// follows starts on a swizzle period), the staged output, then the
  /// barriers.
  int64_t total(unsigned stages) const {
    int64_t tiles = stages * (perStage - kBarrierBytes);
    return (tiles + 1023) / 1024 * 1024 + stages * kBarrierBytes + epilogue +
           fixed;
  }
  /// The most stages (up to `cap`) that fit in `capacity` bytes; 0 if none.
  unsigned maxStages(int64_t capacity, unsigned cap = 16) const {
    unsigned s = 0;
    while (s < cap && total(s + 1) <= capacity)
      ++s;
    return s;
  }
  static constexpr int64_t kBarrierBytes = 16; // full + empty mbarrier
};
SmemUse smemUse(const GemmProblem &p, int64_t bm, int64_t bn, int64_t bk,
                EpilogueKind epilogue);

/// ring_store: the rows of each math warp's `warpRows` x `warpCols` tile of
/// `outBytes` elements staged per round in one `slotBytes` operand slot of a
/// stage: the most rows (a multiple of 16 dividing `warpRows`) for which
/// all `mathWarps` tiles fit; 0 when 16 do not.
int64_t ringStoreRows(int64_t warpRows, int64_t warpCols, int64_t outBytes,
                      int64_t mathWarps, int64_t slotBytes);

/// Registers a math thread needs for its accumulators and double-buffered
/// fragments, plus addressing overhead; for FP8/FP4 at least what the sm_90a
/// twin needs to run the same schedule (widened fragments of a scale
/// granule, partials, decoded scales).
unsigned estimateMathRegisters(const GemmProblem &p, const ScheduleAttr &s);
/// Registers per thread the TMA producer warps keep (setmaxnreg.dec).
constexpr unsigned kProducerRegisters = 40;
/// The most registers a thread holds (255) rounded down to setmaxnreg's
/// multiple of 8.
constexpr unsigned kMaxThreadRegisters = 248;
/// The registers a math thread may use for the schedule's warp count: the
/// setmaxnreg split of the 65536 registers (whole-program ptxas honours it).
unsigned mathRegisterBudget(const ScheduleAttr &s);

/// Checks `s` against the problem and the machine. Returns an empty string
/// when it fits, else why not, with the numbers.
std::string checkSchedule(const GemmProblem &p, ScheduleAttr s,
                          const MachineModel &machine);

/// The cost model's estimate for one schedule.
struct ScheduleCost {
  double cycles = 0; // whole kernel
  int64_t tiles = 0;
  int64_t waves = 0;
  int64_t smemBytes = 0;
  double microseconds(const MachineModel &machine) const {
    return cycles / (machine.clockGHz * 1e3);
  }
};
/// `m` is the row count to cost for (the static M, or the expected M).
ScheduleCost estimateCost(const GemmProblem &p, ScheduleAttr s,
                          const MachineModel &machine, int64_t m);

/// Chooses the cheapest valid schedule, deterministically, among those with
/// the epilogue `only` when given. Fails (null) only when no candidate fits
/// the machine.
ScheduleAttr selectSchedule(MLIRContext *ctx, const GemmProblem &p,
                            const MachineModel &machine, int64_t m,
                            ScheduleCost *cost = nullptr,
                            std::optional<EpilogueKind> only = std::nullopt);

} // namespace mlir::sm120

#endif // SM120_SCHEDULE_SCHEDULE_H
