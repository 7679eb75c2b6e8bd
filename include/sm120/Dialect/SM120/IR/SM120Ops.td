//===- SM120Ops.td - sm120 problem ops ---------------------*- tablegen -*-===//

#ifndef SM120_OPS_TD
#define SM120_OPS_TD

include "sm120/Dialect/SM120/IR/SM120Dialect.td"
include "sm120/Dialect/SM120/IR/SM120Attrs.td"
include "sm120/Dialect/SM120/IR/SM120Interfaces.td"
include "sm120/Dialect/SM120/IR/SM120TileOps.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

class SM120_ProblemOp<string mnemonic, list<Trait> traits = []>
    : Op<SM120_Dialect, mnemonic, !listconcat(traits, [
        DeclareOpInterfaceMethods<SM120_ProblemOpInterface>])> {
  let hasVerifier = 1;
}

// Any ranked memref: element types and ranks are checked by the verifiers,
// which name the operand and say what is allowed.
defvar SM120_Buffer = AnyMemRef;

//===----------------------------------------------------------------------===//
// sm120.gemm
//===----------------------------------------------------------------------===//

def SM120_GemmOp : SM120_ProblemOp<"gemm", [AttrSizedOperandSegments]> {
  let summary = "Dense block-scaled GEMM: D = A * B^T (+ C)";
  let description = [{
    Computes, for every row m < M and column n < N,

    ```
    D[m, n] = alpha * sum_k (A[m, k] * sa(m, k)) * (B[n, k] * sb(n, k))
              (+ C[m, n])
    ```

    accumulating in FP32 and rounding once to D's element type. `sa` and
    `sb` are the scale factors of the recipes `sfa_recipe` / `sfb_recipe`
    (see `#sm120.block_scale`), applied per block of the operand.

    Operands (M, N, K may be static or runtime sizes):

    | operand | shape | element type |
    |---------|-------|--------------|
    | `a` | [M, K] if `a_major = k` (default), [K, M] if `mn` | `f8E4M3FN`, `f4E2M1FN`, `bf16` |
    | `b` | [N, K] if `b_major = k` (default), [K, N] if `mn` | same family as `a` |
    | `sfa`, `sfb` | given by the recipe for extents (M, K) / (N, K) | given by the recipe |
    | `c` (optional) | [M, N] | `f32` |
    | `alpha` (optional) | [1], read on the device at run time | `f32` |
    | `d` | [M, N], row-major | `bf16` or `f32` |

    Supported operand pairs: FP8 x FP8, FP4 x FP4, FP8 x FP4, FP4 x FP8 (all
    with scales), BF16 x BF16 (no scales). FP4 data is packed two per byte
    along the operand's contiguous dimension, which must have even extent.
    Recipes: FP8 operands take UE8M0 or FP32 scales with K granularity 32 or
    128; FP4 operands take UE8M0 / FP32 scales with K granularity 32 or 128,
    or UE4M3 scales with granularity 16 (NVFP4, then on both operands). Mixed
    FP8 x FP4 needs K divisible by 128.

    `alpha` (optional) is a one-element FP32 tensor the kernel reads when it
    runs (so a CUDA graph replays with its current value): NVFP4 checkpoints
    carry a per-tensor global scale per operand, and alpha is their product.

    `schedule` (optional) says how to compute it; `sm120-select-schedule`
    chooses one when it is absent and checks a given one against the
    problem and the machine.

    `head_splits = array<i64: l, m, r>` selects the head-split epilogue:
    output column n is written to column n + floor((n + r) / (l + r)) * m
    of a D with N / (l + r) * (l + m + r) columns: every head of l + r
    computed columns leaves a gap of m untouched columns after its first l.
    Needs FP8 data with K granularity 128 and N divisible by l + r.

    Example (DeepSeek-style FP8 projection, runtime M):

    ```mlir
    sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf8E4M3FN>)
        scales(%sfa, %sfb : memref<14x?xi32>, memref<14x2112xi32>)
        d(%d : memref<?x2112xbf16>)
        {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
         sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
    ```
  }];
  let arguments = (ins
    Arg<SM120_Buffer, "A operand", [MemRead]>:$a,
    Arg<SM120_Buffer, "B operand", [MemRead]>:$b,
    Arg<Optional<SM120_Buffer>, "scales of A", [MemRead]>:$sfa,
    Arg<Optional<SM120_Buffer>, "scales of B", [MemRead]>:$sfb,
    Arg<Optional<SM120_Buffer>, "FP32 addend", [MemRead]>:$c,
    Arg<Optional<SM120_Buffer>, "FP32 factor of A * B^T", [MemRead]>:$alpha,
    Arg<SM120_Buffer, "output", [MemWrite]>:$d,
    DefaultValuedAttr<SM120_MajorAttr, "::mlir::sm120::Major::K">:$a_major,
    DefaultValuedAttr<SM120_MajorAttr, "::mlir::sm120::Major::K">:$b_major,
    OptionalAttr<SM120_BlockScaleAttr>:$sfa_recipe,
    OptionalAttr<SM120_BlockScaleAttr>:$sfb_recipe,
    OptionalAttr<DenseI64ArrayAttr>:$head_splits,
    OptionalAttr<SM120_ScheduleAttr>:$schedule
  );
  let assemblyFormat = [{
    `a` `(` $a `:` type($a) `)` `b` `(` $b `:` type($b) `)`
    (`scales` `(` $sfa^ `,` $sfb `:` type($sfa) `,` type($sfb) `)`)?
    (`c` `(` $c^ `:` type($c) `)`)?
    (`alpha` `(` $alpha^ `:` type($alpha) `)`)?
    `d` `(` $d `:` type($d) `)`
    (`schedule` $schedule^)? attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// sm120.grouped_gemm
//===----------------------------------------------------------------------===//

def SM120_GroupedGemmOp : SM120_ProblemOp<"grouped_gemm", [AttrSizedOperandSegments]> {
  let summary = "Grouped GEMM for mixture-of-experts: one GEMM per group";
  let description = [{
    G GEMMs that share N (contiguous, masked) or M and N (k_grouped), with
    the same scale semantics as `sm120.gemm`. The `layout` operand is an
    `i32` device tensor whose meaning depends on `kind`:

    - `contiguous`: the groups' rows are concatenated along M.
      `a` [M, K] (K-major), `b` [G, N, K] (or [G, K, N] with `b_major = mn`),
      `d` [M, N], optional `c` [M, N] f32. Without `prefix_sum`, `layout` is
      [M]: the group of each row, or -1 for a padding row whose output is
      not written. With `prefix_sum`, `layout` is [G]: the exclusive end row
      of each group (a prefix sum of the group sizes).
      `D[m] = A[m] * B[g(m)]^T`.
    - `masked`: `a` [G, max_m, K], `b` [G, N, K], `d` [G, max_m, N],
      `layout` [G] = valid rows per group; only rows m < layout[g] of group
      g are computed and written. Both operands K-major.
      `expected_m` is an optional hint of the typical valid M per group.
    - `k_grouped` (weight gradients): per-group K sizes `layout` [G],
      `D[g] = C[g] + A_g * B_g^T` where A_g [M, K_g] and B_g [N, K_g] are
      group g's slices of the concatenated K dimension.
      With `a_major = b_major = mn`: `a` [sum K, M], `b` [sum K, N].
      With both `k`: `a` [M, sum K] and `b` [N, sum K] (group g's K columns
      follow group g - 1's), or `a` / `b` 1-D concatenations of the groups'
      K-major [M, K_g] / [N, K_g] blocks. `c` and `d` are [G, M, N] f32 and
      `c` is required. Scales are packed UE8M0 with one K granularity `k`
      for both operands: [rows, align(MN, 4)] where group g takes the next
      ceil(K_g / (4 * k)) rows. Each K_g must be a multiple of the
      schedule's block K (recorded as `k_alignment` in the kernel's
      problem summary) and the K sizes must fit in sum K; only the device
      sees them, and a kernel given others traps. The optional
      `k_alignment` attribute (a multiple of 64, default 64) is the caller's
      promise of a multiple every K_g is: the schedule's block K divides
      it, so 128 lets FP8 schedules take BK 128.

    Scale tensors follow `#sm120.block_scale` with a leading [G] dimension
    on the per-group operands (`b` for contiguous, both for masked).

    `schedule` (optional, as for `sm120.gemm`): for kind contiguous, each
    group's rows must start on a multiple of its BM (pad each group to BM
    rows with -1 entries, or give prefix sums of padded sizes); the lowered
    kernel records that alignment as `m_alignment` in its problem summary.
    Supported pairs are those of `sm120.gemm`; `k_grouped` supports FP8 and
    BF16 data.

    ```mlir
    sm120.grouped_gemm masked a(%a : memref<6x4096x7168xf8E4M3FN>)
        b(%b : memref<6x4096x7168xf8E4M3FN>)
        scales(%sfa, %sfb : memref<6x14x4096xi32>, memref<6x14x4096xi32>)
        layout(%masked_m : memref<6xi32>) d(%d : memref<6x4096x4096xbf16>)
        {expected_m = 1024 : i64,
         sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
         sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
    ```
  }];
  let arguments = (ins
    SM120_GroupedKindProp:$kind,
    Arg<SM120_Buffer, "A operand", [MemRead]>:$a,
    Arg<SM120_Buffer, "B operand", [MemRead]>:$b,
    Arg<Optional<SM120_Buffer>, "scales of A", [MemRead]>:$sfa,
    Arg<Optional<SM120_Buffer>, "scales of B", [MemRead]>:$sfb,
    Arg<Optional<SM120_Buffer>, "group layout / counts / K sizes", [MemRead]>:$layout,
    Arg<Optional<SM120_Buffer>, "FP32 addend", [MemRead]>:$c,
    Arg<SM120_Buffer, "output", [MemWrite]>:$d,
    DefaultValuedAttr<SM120_MajorAttr, "::mlir::sm120::Major::K">:$a_major,
    DefaultValuedAttr<SM120_MajorAttr, "::mlir::sm120::Major::K">:$b_major,
    OptionalAttr<SM120_BlockScaleAttr>:$sfa_recipe,
    OptionalAttr<SM120_BlockScaleAttr>:$sfb_recipe,
    UnitAttr:$prefix_sum,
    OptionalAttr<I64Attr>:$expected_m,
    OptionalAttr<I64Attr>:$k_alignment,
    OptionalAttr<SM120_ScheduleAttr>:$schedule
  );
  let assemblyFormat = [{
    $kind `a` `(` $a `:` type($a) `)` `b` `(` $b `:` type($b) `)`
    (`scales` `(` $sfa^ `,` $sfb `:` type($sfa) `,` type($sfb) `)`)?
    (`layout` `(` $layout^ `:` type($layout) `)`)?
    (`c` `(` $c^ `:` type($c) `)`)?
    `d` `(` $d `:` type($d) `)` (`schedule` $schedule^)? attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// sm120.batched_gemm
//===----------------------------------------------------------------------===//

def SM120_BatchedGemmOp : SM120_ProblemOp<"batched_gemm", [AttrSizedOperandSegments]> {
  let summary = "Batched GEMM in einsum form";
  let description = [{
    One of five einsum equations, each a batch of GEMMs (per head h or
    batch b):

    | equation | a | b | d | per-batch GEMM (M, N, K) |
    |----------|---|---|---|--------------------------|
    | `bhr,hdr->bhd` | [b, h, r] | [h, d, r] | [b, h, d] | (b, d, r), B K-major |
    | `bhd,hdr->bhr` | [b, h, d] | [h, d, r] | [b, h, r] | (b, r, d), B MN-major |
    | `bhd,bhr->hdr` | [b, h, d] | [b, h, r] | [h, d, r] | (d, r, b), both MN-major |
    | `bmk,bnk->mn`  | [b, m, k] | [b, n, k] | [m, n]    | (m, n, b*k): the batch is reduced too |
    | `bmk,bnk->bmn` | [b, m, k] | [b, n, k] | [b, m, n] | (m, n, k), both K-major |

    Data is FP8 with scales (all but `bmk,bnk->mn`) or BF16. Scale tensors
    have a leading [h] (or [b]) dimension, then the `#sm120.block_scale`
    shape for the per-batch GEMM's (M, K) / (N, K) extents. Optional `c`
    (f32, shaped like `d`) is added to the result. `bmk,bnk->mn` is BF16
    only. `bmk,bnk->bmn` is the plain batched GEMM; K may be a runtime
    size (FP8 `bhd,bhr->hdr` is this form once its operands are copied to
    [h, d, b] and [h, r, b]).

    `schedule` (optional, as for `sm120.gemm`) applies to each head's GEMM;
    the direct epilogue writes the strided output. The compiler lowers
    every equation, one persistent kernel over every head's tiles:
    `bhr,hdr->bhd` and `bmk,bnk->bmn` (FP8 or BF16), `bhd,hdr->bhr` and
    `bhd,bhr->hdr` (BF16: their MN-major operands are read with
    ldmatrix.trans) and `bmk,bnk->mn` (one output, the batches summed in
    its K loop).

    ```mlir
    sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x4096xbf16>)
        b(%y : memref<8x1024x4096xbf16>) d(%z : memref<?x8x1024xbf16>)
    ```
  }];
  let arguments = (ins
    StrAttr:$equation,
    Arg<SM120_Buffer, "A operand", [MemRead]>:$a,
    Arg<SM120_Buffer, "B operand", [MemRead]>:$b,
    Arg<Optional<SM120_Buffer>, "scales of A", [MemRead]>:$sfa,
    Arg<Optional<SM120_Buffer>, "scales of B", [MemRead]>:$sfb,
    Arg<Optional<SM120_Buffer>, "FP32 addend", [MemRead]>:$c,
    Arg<SM120_Buffer, "output", [MemWrite]>:$d,
    OptionalAttr<SM120_BlockScaleAttr>:$sfa_recipe,
    OptionalAttr<SM120_BlockScaleAttr>:$sfb_recipe,
    OptionalAttr<SM120_ScheduleAttr>:$schedule
  );
  let assemblyFormat = [{
    $equation `a` `(` $a `:` type($a) `)` `b` `(` $b `:` type($b) `)`
    (`scales` `(` $sfa^ `,` $sfb `:` type($sfa) `,` type($sfb) `)`)?
    (`c` `(` $c^ `:` type($c) `)`)?
    `d` `(` $d `:` type($d) `)` (`schedule` $schedule^)? attr-dict
  }];
  let extraClassDeclaration = [{
    /// The parsed equation, or nullopt if it is not one of the supported ones.
    std::optional<::mlir::sm120::Einsum> getEinsum();
  }];
}

//===----------------------------------------------------------------------===//
// sm120.mqa_logits
//===----------------------------------------------------------------------===//

def SM120_MqaLogitsOp : SM120_ProblemOp<"mqa_logits"> {
  let summary = "Multi-query attention logits over ragged KV ranges";
  let description = [{
    For every query token s < S and KV token t in [ks[s], ke[s]):

    ```
    logits[s, t] = sum_h  w[s, h] * ReLU( dot(Q[s, h, :], KV[t, :]) )
    ```

    where the dot product uses the dequantized operands. FP8: `q` carries no
    scale and `kv_scale` is an f32 per KV row applied after the product.
    FP4: both `q_scale` [S, H] and `kv_scale` [SKV] are `i32` holding the
    UE8M0 exponents of the row's four 32-element K-blocks (byte j = block j),
    applied inside the block-scaled product.

    | operand | shape | type |
    |---------|-------|------|
    | `q` | [S, H, D] | `f8E4M3FN` or `f4E2M1FN` |
    | `q_scale` | [S, H] (FP4 only) | `i32` |
    | `kv` | [SKV, D] | same as `q` |
    | `kv_scale` | [SKV] | `f32` (FP8) or `i32` (FP4) |
    | `weights` | [S, H] | `f32` |
    | `ks`, `ke` | [S] | `i32` |
    | `logits` | [S, SKV], or [S, W] with `compressed` | `f32` or `bf16` |

    H (16, 32 or 64) and D (32, 64 or 128; 64 or 128 for FP4) are static;
    S, SKV and W may be runtime sizes. With `compressed`, column j of row s
    holds the logit of KV token ks[s] + j, for j < ke[s] - ks[s].
    With `clean_logits`, every entry outside the valid range is set to
    -inf; otherwise it is left unwritten.

    ```mlir
    sm120.mqa_logits q(%q : memref<?x64x128xf8E4M3FN>)
        kv(%kv : memref<?x128xf8E4M3FN>) kv_scale(%kvs : memref<?xf32>)
        weights(%w : memref<?x64xf32>) ranges(%ks, %ke : memref<?xi32>, memref<?xi32>)
        logits(%out : memref<?x?xf32>) {clean_logits}
    ```
  }];
  let arguments = (ins
    Arg<SM120_Buffer, "queries", [MemRead]>:$q,
    Arg<Optional<SM120_Buffer>, "query scales (FP4)", [MemRead]>:$q_scale,
    Arg<SM120_Buffer, "keys", [MemRead]>:$kv,
    Arg<SM120_Buffer, "key scales", [MemRead]>:$kv_scale,
    Arg<SM120_Buffer, "per-head weights", [MemRead]>:$weights,
    Arg<SM120_Buffer, "first KV token per query", [MemRead]>:$ks,
    Arg<SM120_Buffer, "end KV token per query", [MemRead]>:$ke,
    Arg<SM120_Buffer, "output logits", [MemWrite]>:$logits,
    UnitAttr:$compressed,
    UnitAttr:$clean_logits
  );
  let assemblyFormat = [{
    `q` `(` $q `:` type($q) `)`
    (`q_scale` `(` $q_scale^ `:` type($q_scale) `)`)?
    `kv` `(` $kv `:` type($kv) `)`
    `kv_scale` `(` $kv_scale `:` type($kv_scale) `)`
    `weights` `(` $weights `:` type($weights) `)`
    `ranges` `(` $ks `,` $ke `:` type($ks) `,` type($ke) `)`
    `logits` `(` $logits `:` type($logits) `)` attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// sm120.paged_mqa_logits
//===----------------------------------------------------------------------===//

def SM120_PagedMqaLogitsOp : SM120_ProblemOp<"paged_mqa_logits", [AttrSizedOperandSegments]> {
  let summary = "Multi-query attention logits over a paged KV cache";
  let description = [{
    Decode-time variant of `sm120.mqa_logits`. Query row r = b * next_n + j
    (sequence b, draft token j) attends to KV tokens t < context_lens[b, j];
    token t lives in row t mod BKV of cache block block_table[b, t / BKV]:

    ```
    logits[r, t] = sum_h  w[r, h] * ReLU( dot(Q[b, j, h, :], KV(t)) )
    ```

    | operand | shape | type |
    |---------|-------|------|
    | `q` | [B, next_n, H, D] | `f8E4M3FN` or `f4E2M1FN` |
    | `q_scale` | [B, next_n, H] (FP4 only) | `i32` |
    | `kv` | [num_blocks, BKV, D] | same as `q` |
    | `kv_scale` | [num_blocks, BKV] | `f32` (FP8) or `i32` (FP4) |
    | `weights` | [B * next_n, H] | `f32` |
    | `context_lens` | [B, next_n] | `i32` |
    | `block_table` | [B, max_blocks] | `i32` |
    | `indices` (optional) | [B] | `i32` |
    | `logits` | [B * next_n, max_context_len] | `f32` or `bf16` |

    Scales are as in `sm120.mqa_logits`. `kv` and `kv_scale` may be strided
    views into one fused cache buffer (values of a block followed by its
    scales). H, D, next_n and BKV (32 or 64) are static.
    `indices` (varlen decode, needs next_n = 1) gives the sequence of each
    query row; adjacent rows of one sequence share their KV traffic.
    With `clean_logits`, entries at t >= context length are set to -inf;
    otherwise they are left unwritten.
  }];
  let arguments = (ins
    Arg<SM120_Buffer, "queries", [MemRead]>:$q,
    Arg<Optional<SM120_Buffer>, "query scales (FP4)", [MemRead]>:$q_scale,
    Arg<SM120_Buffer, "KV cache values", [MemRead]>:$kv,
    Arg<SM120_Buffer, "KV cache scales", [MemRead]>:$kv_scale,
    Arg<SM120_Buffer, "per-head weights", [MemRead]>:$weights,
    Arg<SM120_Buffer, "context length per query token", [MemRead]>:$context_lens,
    Arg<SM120_Buffer, "block table", [MemRead]>:$block_table,
    Arg<Optional<SM120_Buffer>, "sequence of each query row (varlen)", [MemRead]>:$indices,
    Arg<SM120_Buffer, "output logits", [MemWrite]>:$logits,
    UnitAttr:$clean_logits
  );
  let assemblyFormat = [{
    `q` `(` $q `:` type($q) `)`
    (`q_scale` `(` $q_scale^ `:` type($q_scale) `)`)?
    `kv` `(` $kv `:` type($kv) `)`
    `kv_scale` `(` $kv_scale `:` type($kv_scale) `)`
    `weights` `(` $weights `:` type($weights) `)`
    `context_lens` `(` $context_lens `:` type($context_lens) `)`
    `block_table` `(` $block_table `:` type($block_table) `)`
    (`indices` `(` $indices^ `:` type($indices) `)`)?
    `logits` `(` $logits `:` type($logits) `)` attr-dict
  }];
}

#endif // SM120_OPS_TD
