//===- SM120TileOps.td - the tile program (layer 3) --------*- tablegen -*-===//
//
// Types and ops of the tile program that sm120-lower-to-tiles produces from a
// problem op and its schedule (docs/design/tile-program.md).
//
//===----------------------------------------------------------------------===//

#ifndef SM120_TILE_OPS_TD
#define SM120_TILE_OPS_TD

include "sm120/Dialect/SM120/IR/SM120Dialect.td"
include "sm120/Dialect/SM120/IR/SM120Attrs.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def SM120_SmemTileType : TypeDef<SM120_Dialect, "SmemTile"> {
  let mnemonic = "smem";
  let summary = "A tile in shared memory";
  let description = [{
    A row-major `rows x cols` tile of `elementType` in shared memory, filled
    by a TMA load. `swizzle` (bytes: 0, 32, 64, 128) is the XOR pattern the
    tile is stored with; `sm120-assign-swizzle` sets it. Rows longer than
    128 bytes (an MN-major operand's BN or BM) take swizzle 128 and are
    stored as panels: panel p holds bytes [128p, 128p + 128) of every row,
    as a `rows x 128`-byte swizzled block, the panels one after another
    (one TMA copy each). An `unpacked` FP4
    tile holds each 16 elements in 16 bytes (8 bytes of packed data, then 8
    of padding), as TMA's unpacking load writes them for the mixed
    FP8 x FP4 MMA; its rows take one byte per element.

    ```mlir
    !sm120.smem<128x64xf8E4M3FN>
    !sm120.smem<128x64xf8E4M3FN, swizzle = 64>
    !sm120.smem<64x128xf4E2M1FN, swizzle = 128, unpacked>
    !sm120.smem<64x128xbf16, swizzle = 128>   // two 64x64 panels
    ```
  }];
  let parameters = (ins
    "int64_t":$rows, "int64_t":$cols, "::mlir::Type":$elementType,
    DefaultValuedParameter<"unsigned", "0">:$swizzle,
    DefaultValuedParameter<"bool", "false">:$unpacked);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Bytes of one row (FP4 packs two elements per byte, unless unpacked).
    int64_t getRowBytes() const;
    /// Bits one element occupies in shared memory.
    int64_t getElementBits() const;
  }];
}

def SM120_AccTileType : TypeDef<SM120_Dialect, "AccTile"> {
  let mnemonic = "acc";
  let summary = "An FP32 accumulator tile held in the math warps' registers";
  let description = [{
    `!sm120.acc<128x128>`: the BM x BN FP32 accumulators of one output tile,
    distributed over the math warps as the schedule's warp layout says.
  }];
  let parameters = (ins "int64_t":$rows, "int64_t":$cols);
  let hasCustomAssemblyFormat = 1;
}


def SM120_PipelineType : TypeDef<SM120_Dialect, "Pipeline"> {
  let mnemonic = "pipeline";
  let summary = "A ring of shared-memory stages with full/empty barriers";
  let description = [{
    `stages` copies of the listed shared-memory tiles, each copy guarded by
    a full and an empty mbarrier. A producer fills the next stage
    (`sm120.pipeline.produce`), a consumer takes stages in the same order
    (`sm120.pipeline.consume`) and hands each back
    (`sm120.pipeline.release`); the i-th consume sees the i-th produce's
    tiles. The phase bits that walk the ring are implicit.

    ```mlir
    !sm120.pipeline<3 x [!sm120.smem<128x64xf8E4M3FN, swizzle = 64>,
                         !sm120.smem<192x64xf8E4M3FN, swizzle = 64>]>
    ```
  }];
  let parameters = (ins "unsigned":$stages,
                        ArrayRefParameter<"::mlir::Type">:$tiles);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    // Shared-memory layout: tile i of every stage lives in its own ring of
    // `stages` slots, the rings one after another.
    /// Alignment of tile i: where its swizzle pattern repeats, or 128.
    int64_t getAlignment(unsigned i) const;
    /// Bytes of one slot of tile i's ring (its size, aligned).
    int64_t getSlotBytes(unsigned i) const;
    /// Byte offset of tile i's ring from the pipeline's base.
    int64_t getRingOffset(unsigned i) const;
    /// Bytes of all rings.
    int64_t getBytes() const;
  }];
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

class SM120_TileOp<string mnemonic, list<Trait> traits = []>
    : Op<SM120_Dialect, "tile." # mnemonic, traits>;

def SM120_TileLoopOp : SM120_TileOp<"loop", [
    AttrSizedOperandSegments,
    SingleBlockImplicitTerminator<"::mlir::sm120::TileYieldOp">,
    RecursiveMemoryEffects]> {
  let summary = "Loop over the output tiles of a GEMM-like kernel";
  let description = [{
    Visits every (tile_m, tile_n) of a `m x n` output in `block` tiles, in
    the order the schedule's rasterization gives (`raster_group` M tiles per
    sweep along N). The body runs once per tile with the tile's first row
    and column as index block arguments. How tiles map to CTAs (persistent
    over the SM count) is decided when the loop is lowered.

    ```mlir
    sm120.tile.loop (%m0, %n0) in (%m, %c2112) schedule <block = [...], ...> {
      ...
    }
    ```

    With `counts` (masked grouped GEMMs), the loop runs over G = size of
    `counts` outputs of `m x n` each: group g has `counts[g]` valid rows, and
    only the tiles that hold valid rows are visited (a group with 0 rows has
    none). The body takes the group as a third argument. A count outside
    [0, m] traps the kernel: only the device sees the values.

    ```mlir
    sm120.tile.loop (%m0, %n0, %g) in (%max_m, %c4096) counts %masked_m : memref<6xi32> schedule <...> {
      ...
    }
    ```

    With `batches` (batched GEMMs), the loop runs over that many `m x n`
    outputs, every tile of each; the body takes the batch as a third
    argument.

    ```mlir
    sm120.tile.loop (%m0, %n0, %h) in (%b, %c1024) batches %c8 schedule <...> {
      ...
    }
    ```
  }];
  let arguments = (ins Index:$m, Index:$n,
                       Optional<MemRefRankOf<[I32], [1]>>:$counts,
                       Optional<Index>:$batches,
                       SM120_ScheduleAttr:$schedule);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::mlir::Value":$m, "::mlir::Value":$n,
                                 "ScheduleAttr":$schedule,
                                 CArg<"::mlir::Value", "{}">:$counts,
                                 CArg<"::mlir::Value", "{}">:$batches)>];
}

def SM120_TileYieldOp : SM120_TileOp<"yield", [
    Pure, Terminator, HasParent<"::mlir::sm120::TileLoopOp">]> {
  let summary = "Terminator of sm120.tile.loop";
  let assemblyFormat = "attr-dict";
}

def SM120_TileLoadOp : SM120_TileOp<"load", [
    MemoryEffects<[MemRead]>]> {
  let summary = "TMA load of one tile of a 2-D tensor into shared memory";
  let description = [{
    Loads the `rows x cols` box of `source` whose first element is at
    (`row`, `col`) into a shared-memory tile. Elements outside `source` read
    as zero (TMA out-of-bounds fill), so partial tiles need no masking.
    A rank-3 `source` is a stack of matrices (one per group of a grouped
    GEMM, or per batch of a batched one); `group` selects the matrix, and a
    group outside the stack reads as zero too. `group_dim` (default 0) is
    the dimension the group indexes: with 1, `source` is [rows, G, cols]
    (the `bhr` operand of an einsum, whose batch is its middle dimension).

    ```mlir
    %t = sm120.tile.load %a[%m0, %k0] : memref<?x7168xf8E4M3FN> -> !sm120.smem<128x64xf8E4M3FN>
    %u = sm120.tile.load %b[%n0, %k0] group %g : memref<8x4096x7168xf8E4M3FN> -> !sm120.smem<128x64xf8E4M3FN>
    %v = sm120.tile.load %x[%m0, %k0] group %h {group_dim = 1 : i64} : memref<?x8x4096xbf16> -> !sm120.smem<64x64xbf16>
    ```
  }];
  let arguments = (ins AnyMemRef:$source, Index:$row, Index:$col,
                       Optional<Index>:$group,
                       OptionalAttr<I64Attr>:$group_dim);
  let results = (outs SM120_SmemTileType:$result);
  let assemblyFormat = [{
    $source `[` $row `,` $col `]` (`group` $group^)? attr-dict `:`
    type($source) `->` type($result)
  }];
  let hasVerifier = 1;
}

def SM120_TileGroupOp : SM120_TileOp<"group", [
    MemoryEffects<[MemRead]>]> {
  let summary = "The group of an M-grouped tile's first row";
  let description = [{
    For a contiguous M-grouped GEMM: the group whose B the tile starting at
    `row` multiplies. `layout` [M] holds each row's group (-1 for padding
    rows), or with `prefix_sum`, `layout` [G] holds each group's exclusive
    end row and the result is the number of groups that end at or before
    `row` (G past the last group). `num_groups` is G: a row entry outside
    [-1, G) traps the kernel (the runtime cannot see device values).

    ```mlir
    %g = sm120.tile.group %layout[%m0] {num_groups = 8 : i64} : memref<?xi32>
    ```
  }];
  let arguments = (ins MemRefRankOf<[I32], [1]>:$layout, Index:$row,
                       I64Attr:$num_groups, UnitAttr:$prefix_sum);
  let results = (outs Index:$group);
  let assemblyFormat = [{
    $layout `[` $row `]` attr-dict `:` type($layout)
  }];
}

def SM120_TileKRangeOp : SM120_TileOp<"k_range", [
    MemoryEffects<[MemRead]>]> {
  let summary = "The K columns of one group of a K-grouped GEMM";
  let description = [{
    `sizes` [G] holds the K size of each group of a `k_grouped` GEMM, whose
    groups lie one after another along a K dimension of `total` elements.
    For `group`: `begin` is the sum of the sizes before it, `size` its own,
    and `scale_begin` the same sum with each size rounded up to
    `scale_span` (the K of one packed scale word: each group's scales start
    on a word), or `begin` without a `scale_span`. A size that is negative
    or not a multiple of `alignment` (the schedule's block K: a K block
    never spans two groups), a group that ends past `total`, or one whose
    scale words end past `scale_rows` (the rows of the packed scale
    tensors), traps the kernel: only the device sees the sizes.
    ```mlir
    %k0, %kg, %s0 = sm120.tile.k_range %ks[%g] within %sum_k scales %rows {alignment = 64 : i64, scale_span = 512 : i64} : memref<8xi32>
    ```
  }];
  let arguments = (ins MemRefRankOf<[I32], [1]>:$sizes, Index:$group,
                       Index:$total, Optional<Index>:$scale_rows,
                       I64Attr:$alignment, OptionalAttr<I64Attr>:$scale_span);
  let results = (outs Index:$begin, Index:$size, Index:$scale_begin);
  let assemblyFormat = [{
    $sizes `[` $group `]` `within` $total (`scales` $scale_rows^)? attr-dict
    `:` type($sizes)
  }];
  let hasVerifier = 1;
}

def SM120_AccZeroOp : SM120_TileOp<"zero", [Pure]> {
  let summary = "A zero accumulator tile";
  let results = (outs SM120_AccTileType:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def SM120_TileMmaOp : SM120_TileOp<"mma", [
    Pure, AttrSizedOperandSegments, AllTypesMatch<["acc", "result"]>]> {
  let summary = "acc += A-tile x B-tile^T with block scales";
  let description = [{
    Multiplies the shared-memory tiles `a` (BM x BK, or BK x BM with
    `a_major = mn`) and `b` (BN x BK, or BK x BN) and adds the product to
    `acc`, the output tile whose first row and column are (`m0`, `n0`).
    With scales, `sfa` / `sfb` are the scale tiles loaded for the same K
    block and `sfa_recipe` / `sfb_recipe` say how they apply; `k_offset` is
    the K element where this block starts.

    Scale tiles start at the granule of the tile's first row (column) and
    of `k_offset`: row 0 of `sfa` holds the scales of rows from
    floor(m0 / mn) * mn on, column 0 those of K from
    floor(k_offset / k) * k on. Packed UE8M0 tiles hold one i32 per row
    (transposed: [words, rows]); the word and byte of a granule follow from
    `k_offset`.
  }];
  let arguments = (ins
    SM120_AccTileType:$acc, SM120_SmemTileType:$a, SM120_SmemTileType:$b,
    Optional<SM120_SmemTileType>:$sfa, Optional<SM120_SmemTileType>:$sfb,
    Index:$m0, Index:$n0, Index:$k_offset,
    DefaultValuedAttr<SM120_MajorAttr, "::mlir::sm120::Major::K">:$a_major,
    DefaultValuedAttr<SM120_MajorAttr, "::mlir::sm120::Major::K">:$b_major,
    OptionalAttr<SM120_BlockScaleAttr>:$sfa_recipe,
    OptionalAttr<SM120_BlockScaleAttr>:$sfb_recipe);
  let results = (outs SM120_AccTileType:$result);
  let assemblyFormat = [{
    $acc `,` $a `,` $b (`scales` `(` $sfa^ `,` $sfb `)`)?
    `at` ` ` `[` $m0 `,` $n0 `]` `k_offset` $k_offset
    attr-dict `:` type($a) `,` type($b) (`,` type($sfa)^ `,` type($sfb))?
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def SM120_EpilogueOp : SM120_TileOp<"store", [AttrSizedOperandSegments,
    MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Write an accumulator tile (+ C) to the output";
  let description = [{
    Converts the accumulator tile to `d`'s element type and writes it at
    (`row`, `col`), multiplying it by the scalar in `alpha` and adding the
    matching tile of `c` first when given. Rows
    and columns outside `d` are not written. With `head_splits = array<i64:
    l, m, r>` (see `sm120.gemm`), computed column n goes to column
    n + floor((n + r) / (l + r)) * m of `d`.

    With `rows %layout group %g` (M-grouped contiguous GEMMs, the tile
    computed with group `%g`'s B), only the rows of group `%g` are written:
    rows whose `layout` entry is `%g` (`layout` [M] holds each row's group,
    -1 for padding), or with `prefix_sum` (`layout` [G] holds each group's
    exclusive end row) rows below group `%g`'s end. A row that belongs to
    another group means the groups are not aligned to the tile: the kernel
    traps rather than write a wrong result.

    A rank-3 `d` [G, max_m, N] (masked grouped GEMMs) is written in its
    matrix `%g`, and `layout` [G] holds each group's valid row count: rows
    at or past it are not written. A `c` is then [G, max_m, N] too.
    Without `rows`, a rank-3 `d` is a batched GEMM's output, written in
    matrix `group %g` (every row); `group_dim` = 1 makes it [M, G, N].

    With `transposed` (swap_ab schedules), the accumulator holds the tile
    of D^T: its element (i, j) goes to D[row + j][col + i].
  }];
  let arguments = (ins SM120_AccTileType:$acc, Optional<AnyMemRef>:$c,
                       Optional<AnyMemRef>:$alpha,
                       AnyMemRef:$d, Index:$row, Index:$col,
                       Optional<AnyMemRef>:$row_layout,
                       Optional<Index>:$group,
                       OptionalAttr<DenseI64ArrayAttr>:$head_splits,
                       UnitAttr:$prefix_sum, UnitAttr:$transposed,
                       OptionalAttr<I64Attr>:$group_dim);
  let assemblyFormat = [{
    $acc (`scale` $alpha^ `:` type($alpha))? (`add` $c^ `:` type($c))?
    `into` $d `[` $row `,` $col `]`
    (`rows` $row_layout^ `:` type($row_layout))? (`group` $group^)?
    attr-dict `:` type($acc) `,` type($d)
  }];
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Pipeline and warp roles (sm120-pipeline, sm120-warp-specialize)
//===----------------------------------------------------------------------===//

class SM120_PipelineOp<string mnemonic, list<Trait> traits = []>
    : Op<SM120_Dialect, "pipeline." # mnemonic, traits>;

def SM120_PipelineCreateOp : SM120_PipelineOp<"create"> {
  let summary = "Allocate a pipeline's stages and barriers";
  let description = [{
    Reserves shared memory for every stage of the pipeline and initializes
    its barriers; all stages start empty. Created once per kernel, before
    the tile loop.

    ```mlir
    %p = sm120.pipeline.create : !sm120.pipeline<3 x [!sm120.smem<...>]>
    ```
  }];
  let results = (outs SM120_PipelineType:$pipeline);
  let assemblyFormat = "attr-dict `:` type($pipeline)";
}

def SM120_PipelineProduceOp : SM120_PipelineOp<"produce", [
    SingleBlockImplicitTerminator<"::mlir::sm120::PipelineYieldOp">]> {
  let summary = "Fill the next stage of a pipeline";
  let description = [{
    Waits until the next stage is empty, then runs the body, whose
    `sm120.tile.load`s fill that stage's tiles (in the order of the
    pipeline type) and complete its full barrier with their byte count.

    ```mlir
    sm120.pipeline.produce %p : !sm120.pipeline<...> {
      %a = sm120.tile.load %src[%m0, %k0] : memref<...> -> <128x64xf8E4M3FN>
      sm120.pipeline.yield %a : !sm120.smem<128x64xf8E4M3FN>
    }
    ```
  }];
  let arguments = (ins SM120_PipelineType:$pipeline);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$pipeline attr-dict `:` type($pipeline) $body";
  let hasVerifier = 1;
}

def SM120_PipelineYieldOp : SM120_PipelineOp<"yield", [
    Pure, Terminator, HasParent<"::mlir::sm120::PipelineProduceOp">]> {
  let summary = "The tiles a stage is filled with";
  let arguments = (ins Variadic<SM120_SmemTileType>:$tiles);
  let assemblyFormat = "($tiles^ `:` type($tiles))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, ValueRange{}); }]>];
}

def SM120_PipelineConsumeOp : SM120_PipelineOp<"consume"> {
  let summary = "Wait for the oldest filled stage and use its tiles";
  let description = [{
    Waits until the stage after the last consumed one is full and returns
    its tiles. They stay valid until the matching `sm120.pipeline.release`.

    ```mlir
    %a, %b = sm120.pipeline.consume %p : !sm120.pipeline<...> -> !sm120.smem<...>, !sm120.smem<...>
    ```
  }];
  let arguments = (ins SM120_PipelineType:$pipeline);
  let results = (outs Variadic<SM120_SmemTileType>:$tiles);
  let assemblyFormat = "$pipeline attr-dict `:` type($pipeline) `->` type($tiles)";
  let hasVerifier = 1;
}

def SM120_PipelineReleaseOp : SM120_PipelineOp<"release"> {
  let summary = "Hand the oldest consumed stage back to the producer";
  let arguments = (ins SM120_PipelineType:$pipeline);
  let assemblyFormat = "$pipeline attr-dict `:` type($pipeline)";
}

def SM120_WarpSpecializeOp : Op<SM120_Dialect, "warp_specialize", [
    NoTerminator, RecursiveMemoryEffects]> {
  let summary = "Producer and math warp roles of a kernel";
  let description = [{
    The CTA is `producer_warps + math_warps` warps. The producer warps run
    the `producer` region (only one elected lane issues the TMA loads) and
    lower their register file to `producer_registers` per thread; the math
    warps run the `math` region with `math_registers` (setmaxnreg). Both
    walk the same tiles; they meet only through pipelines.

    ```mlir
    sm120.warp_specialize producer(warps = 4, registers = 40) {
      ...
    } math(warps = 8, registers = 232) {
      ...
    }
    ```
  }];
  let arguments = (ins I32Attr:$producer_warps, I32Attr:$producer_registers,
                       I32Attr:$math_warps, I32Attr:$math_registers);
  let regions = (region SizedRegion<1>:$producer, SizedRegion<1>:$math);
  let assemblyFormat = [{
    `producer` `(` `warps` `=` $producer_warps `,` `registers` `=`
    $producer_registers `)` $producer
    `math` `(` `warps` `=` $math_warps `,` `registers` `=` $math_registers `)`
    $math attr-dict
  }];
  let hasVerifier = 1;
}

#endif // SM120_TILE_OPS_TD
