// Scale-factor utilities: argument validation and launches of the utility
// kernels (kernels/Utilities.cu).

#include "sm120rt/Scales.hpp"

#include "Support.hpp"
#include "Utility.hpp"
#include "kernels/UtilityParams.h"

#include <algorithm>

using namespace sm120rt;
using namespace sm120rt::detail;
namespace u = sm120rt::utility;

namespace {

Error invalid(const char *entry, const std::string &message) {
  return makeError(Code::InvalidArgument, cat(entry, ": ", message));
}

/// A tensor of rank `rank` and one of `dtypes`, non-null, with non-negative
/// sizes and strides and its address aligned to its element (a byte for
/// f4e2m1).
Status checkView(const char *entry, const char *name, const TensorView &t,
                 int rank, std::initializer_list<DType> dtypes,
                 const char *allowed) {
  if (t.rank != rank)
    return invalid(entry, cat(name, " has rank ", t.rank, "; expected ", rank));
  if (std::find(dtypes.begin(), dtypes.end(), t.dtype) == dtypes.end())
    return invalid(entry, cat(name, " has dtype ", dtypeName(t.dtype),
                              "; expected ", allowed));
  for (int i = 0; i < rank; ++i)
    if (t.sizes[i] < 0 || t.strides[i] < 0)
      return invalid(entry, cat(name, " has size ", t.sizes[i], " and stride ",
                                t.strides[i], " in dim ", i,
                                "; both must be non-negative"));
  if (!t.data)
    return invalid(entry, cat(name, " is a null pointer"));
  int bytes = std::max(1, dtypeBits(t.dtype) / 8);
  if (reinterpret_cast<uintptr_t>(t.data) % bytes)
    return invalid(entry,
                   cat(name, " at ", hexPointer(t.data),
                       " is not aligned to its ", bytes, "-byte elements"));
  return Status::success();
}

Status checkSizes(const char *entry, const char *name, const TensorView &t,
                  const std::vector<int64_t> &want, const char *why) {
  for (int i = 0; i < t.rank; ++i)
    if (t.sizes[i] != want[i])
      return invalid(entry, cat(name, " has shape ", shapeOf(t), "; expected ",
                                joinList(want), " ", why));
  return Status::success();
}

/// f4e2m1 is addressed in bytes by the kernels: a unit innermost stride and
/// even outer strides keep every pair in one byte.
Status checkNibblePairs(const char *entry, const char *name,
                        const TensorView &t) {
  if (t.dtype != DType::F4E2M1)
    return Status::success();
  if (t.sizes[t.rank - 1] % 2)
    return invalid(entry, cat(name, " (f4e2m1) has ", t.sizes[t.rank - 1],
                              " elements in its contiguous dim; expected an "
                              "even count (two per byte)"));
  if (t.strides[t.rank - 1] != 1)
    return invalid(entry, cat(name, " (f4e2m1) has innermost stride ",
                              t.strides[t.rank - 1], "; expected 1"));
  for (int i = 0; i < t.rank - 1; ++i)
    if (t.strides[i] % 2)
      return invalid(entry, cat(name, " (f4e2m1) has odd stride ", t.strides[i],
                                " in dim ", i, "; rows must start on a byte"));
  return Status::success();
}

uint32_t gridFor(int64_t items, int64_t perBlock) {
  return static_cast<uint32_t>(
      std::min<int64_t>(ceilDiv(items, perBlock), int64_t(1) << 30));
}

} // namespace

Status sm120rt::pack_ue8m0_scales(const TensorView &scales,
                                  const TensorView &packed, int64_t mn,
                                  int64_t k, int64_t granMN, int64_t granK,
                                  const UtilityOptions &options) {
  const char *entry = "pack_ue8m0_scales";
  if (mn < 1 || k < 1 || granMN < 1 || granK < 1)
    return invalid(entry, cat("operand [", mn, ", ", k, "] and granularity (",
                              granMN, ", ", granK, ") must be positive"));
  if (Status s = checkView(entry, "scales", scales, 2,
                           {DType::F32, DType::F8E8M0, DType::U8},
                           "f32, f8e8m0 or u8 (UE8M0 exponents)");
      !s)
    return s;
  if (Status s = checkView(entry, "packed", packed, 2, {DType::I32}, "i32"); !s)
    return s;
  int64_t granules = ceilDiv(k, granK), rows = ceilDiv(mn, granMN);
  if (scales.sizes[0] < rows || scales.sizes[1] < granules)
    return invalid(entry, cat("scales has shape ", shapeOf(scales),
                              "; an operand of [", mn, ", ", k,
                              "] with granularity (", granMN, ", ", granK,
                              ") needs at least [", rows, ", ", granules, "]"));
  int64_t words = ceilDiv(granules, 4), columns = align4(mn);
  if (Status s = checkSizes(entry, "packed", packed, {words, columns},
                            "([ceil(K / (4 granK)), align(MN, 4)])");
      !s)
    return s;
  if (packed.strides[1] != 1 || packed.strides[0] < columns)
    return invalid(entry, cat("packed has strides [", packed.strides[0], ", ",
                              packed.strides[1],
                              "]; expected a unit column "
                              "stride and rows at least ",
                              columns, " apart"));

  u::PackUe8m0Params p = {};
  p.src = scales.data;
  p.srcStride[0] = scales.strides[0];
  p.srcStride[1] = scales.strides[1];
  p.srcKind = scales.dtype == DType::F32 ? u::kF32 : u::kU8;
  p.dst = static_cast<int32_t *>(packed.data);
  p.dstRowStride = packed.strides[0];
  p.mn = mn;
  p.granules = granules;
  p.granMN = granMN;
  p.words = words;
  p.columns = columns;
  UtilityLaunch launch;
  launch.symbol = "sm120rt_pack_ue8m0";
  launch.grid[0] = gridFor(words * columns, 256);
  launch.block[0] = 256;
  launch.params = &p;
  return launchUtility(options.device, options.stream, launch);
}

Status sm120rt::transpose_to_k_major(const TensorView &src,
                                     const TensorView &dst,
                                     const UtilityOptions &options) {
  const char *entry = "transpose_to_k_major";
  if (src.rank != 2 && src.rank != 3)
    return invalid(entry, cat("src has rank ", src.rank,
                              "; expected 2 ([K, MN]) or 3 ([B, K, MN])"));
  std::initializer_list<DType> all = {
      DType::F8E4M3, DType::F4E2M1, DType::F8E8M0, DType::BF16,
      DType::F16,    DType::F32,    DType::I32,    DType::U8};
  if (Status s = checkView(entry, "src", src, src.rank, all, "any dtype"); !s)
    return s;
  if (Status s =
          checkView(entry, "dst", dst, src.rank, {src.dtype}, "src's dtype");
      !s)
    return s;
  int r = src.rank;
  int64_t batch = r == 3 ? src.sizes[0] : 1;
  int64_t rows = src.sizes[r - 2], cols = src.sizes[r - 1];
  std::vector<int64_t> want = {cols, rows};
  if (r == 3)
    want.insert(want.begin(), batch);
  if (Status s = checkSizes(entry, "dst", dst, want,
                            "(src's last two "
                            "dims swapped)");
      !s)
    return s;
  if (Status s = checkNibblePairs(entry, "src", src); !s)
    return s;
  if (Status s = checkNibblePairs(entry, "dst", dst); !s)
    return s;
  bool fp4 = src.dtype == DType::F4E2M1;
  int64_t tile = fp4 ? 64 : 32;
  if (ceilDiv(rows, tile) > 65535 || batch > 65535)
    return invalid(entry, cat("src has shape ", shapeOf(src),
                              "; at most 65535 batches and ", 65535 * tile,
                              " rows are supported"));
  if (batch * rows * cols == 0)
    return Status::success();

  u::TransposeParams p = {};
  p.src = src.data;
  p.dst = dst.data;
  p.batch = batch;
  p.rows = rows;
  p.cols = cols;
  for (int i = 0; i < 3; ++i) {
    p.srcStride[i] = i < 3 - r ? 0 : src.strides[i - (3 - r)];
    p.dstStride[i] = i < 3 - r ? 0 : dst.strides[i - (3 - r)];
  }
  UtilityLaunch launch;
  switch (fp4 ? 0 : dtypeBits(src.dtype)) {
  case 0:
    launch.symbol = "sm120rt_transpose_f4";
    break;
  case 8:
    launch.symbol = "sm120rt_transpose_b1";
    break;
  case 16:
    launch.symbol = "sm120rt_transpose_b2";
    break;
  default:
    launch.symbol = "sm120rt_transpose_b4";
    break;
  }
  launch.grid[0] = static_cast<uint32_t>(ceilDiv(cols, tile));
  launch.grid[1] = static_cast<uint32_t>(ceilDiv(rows, tile));
  launch.grid[2] = static_cast<uint32_t>(batch);
  launch.block[0] = 32;
  launch.block[1] = 8;
  launch.params = &p;
  return launchUtility(options.device, options.stream, launch);
}

namespace {

Status quantize(const char *entry, bool fp4, const TensorView &x,
                const TensorView &q, const TensorView &sf,
                const QuantizeOptions &options) {
  if (Status s =
          checkView(entry, "x", x, 2, {DType::BF16, DType::F16, DType::F32},
                    "bf16, f16 or f32");
      !s)
    return s;
  DType qType = fp4 ? DType::F4E2M1 : DType::F8E4M3;
  if (Status s = checkView(entry, "q", q, 2, {qType}, dtypeName(qType).c_str());
      !s)
    return s;
  int64_t m = x.sizes[0], k = x.sizes[1];
  if (Status s = checkSizes(entry, "q", q, {m, k}, "(x's shape)"); !s)
    return s;
  if (q.strides[1] != 1)
    return invalid(entry,
                   cat("q has column stride ", q.strides[1], "; expected 1"));
  if (Status s = checkNibblePairs(entry, "q", q); !s)
    return s;
  if (fp4 && k % 2)
    return invalid(entry, cat("x has K = ", k, "; FP4 needs an even K"));

  int32_t kind;
  const char *layout;
  if (sf.dtype == DType::F32) {
    kind = u::kScaleF32;
    layout = "f32";
  } else if (sf.dtype == DType::I32) {
    kind = u::kScalePackedUe8m0;
    layout = "packed UE8M0";
  } else if (sf.dtype == DType::F8E4M3 && fp4) {
    kind = u::kScaleUe4m3;
    layout = "UE4M3";
  } else {
    return invalid(entry, cat("sf has dtype ", dtypeName(sf.dtype),
                              "; expected f32, i32 (packed UE8M0)",
                              fp4 ? " or f8e4m3 (UE4M3, NVFP4)" : ""));
  }
  if (Status s = checkView(entry, "sf", sf, 2, {sf.dtype}, layout); !s)
    return s;
  int64_t blockM = options.blockMN;
  int64_t blockK = options.blockK           ? options.blockK
                   : !fp4                   ? 128
                   : kind == u::kScaleUe4m3 ? 16
                                            : 32;
  if (blockM < 1 || blockK < 2 || blockK % 2)
    return invalid(entry, cat("block (", blockM, ", ", blockK,
                              ") must have blockMN >= 1 and an even blockK"));
  if (kind == u::kScaleUe4m3 && (blockM != 1 || blockK != 16))
    return invalid(entry, cat("UE4M3 (NVFP4) scales have block (1, 16); got (",
                              blockM, ", ", blockK, ")"));
  int64_t granules = ceilDiv(k, blockK), rowBlocks = ceilDiv(m, blockM);
  if (kind == u::kScalePackedUe8m0) {
    if (Status s =
            checkSizes(entry, "sf", sf, {ceilDiv(granules, 4), align4(m)},
                       "(packed UE8M0: [ceil(K / (4 blockK)), "
                       "align(M, 4)])");
        !s)
      return s;
    if (sf.strides[1] != 1 || sf.strides[0] < align4(m))
      return invalid(entry, cat("sf (packed UE8M0) has strides [",
                                sf.strides[0], ", ", sf.strides[1],
                                "]; expected a unit column stride and rows "
                                "at least ",
                                align4(m), " apart"));
  } else if (Status s = checkSizes(entry, "sf", sf, {rowBlocks, granules},
                                   "([ceil(M / blockMN), ceil(K / blockK)])");
             !s) {
    return s;
  }
  if (options.globalScale) {
    if (kind != u::kScaleUe4m3)
      return invalid(entry, "globalScale applies to UE4M3 (NVFP4) scales "
                            "only");
    const TensorView &g = *options.globalScale;
    if (Status s = checkView(entry, "globalScale", g, 1, {DType::F32}, "f32");
        !s)
      return s;
    if (g.sizes[0] != 1)
      return invalid(
          entry, cat("globalScale has shape ", shapeOf(g), "; expected [1]"));
  }
  if (m == 0 || k == 0)
    return Status::success();

  u::QuantizeParams p = {};
  p.x = x.data;
  p.xStride[0] = x.strides[0];
  p.xStride[1] = x.strides[1];
  p.xKind = x.dtype == DType::BF16  ? u::kBF16
            : x.dtype == DType::F16 ? u::kF16
                                    : u::kF32;
  p.fp4 = fp4;
  p.q = q.data;
  p.qRowStride = q.strides[0];
  p.sf = sf.data;
  p.sfStride[0] = sf.strides[0];
  p.sfStride[1] = sf.strides[1];
  p.sfKind = kind;
  p.roundUe8m0 = options.roundToUe8m0;
  p.globalScale = options.globalScale
                      ? static_cast<const float *>(options.globalScale->data)
                      : nullptr;
  p.m = m;
  p.k = k;
  p.blockM = blockM;
  p.blockK = blockK;
  p.granules = granules;
  p.rowBlocks = rowBlocks;
  p.maxCode = fp4 ? 6.0f : 448.0f;
  int64_t warps = rowBlocks * granules;
  if (ceilDiv(warps, 8) > 0x7fffffff)
    return invalid(entry, cat("x has shape ", shapeOf(x), "; too many blocks"));
  UtilityLaunch launch;
  launch.symbol = "sm120rt_quantize";
  launch.grid[0] = static_cast<uint32_t>(ceilDiv(warps, 8));
  launch.block[0] = 256;
  launch.params = &p;
  return launchUtility(options.device, options.stream, launch);
}

} // namespace

Status sm120rt::quantize_fp8(const TensorView &x, const TensorView &q,
                             const TensorView &sf,
                             const QuantizeOptions &options) {
  return quantize("quantize_fp8", false, x, q, sf, options);
}

Status sm120rt::quantize_fp4(const TensorView &x, const TensorView &q,
                             const TensorView &sf,
                             const QuantizeOptions &options) {
  return quantize("quantize_fp4", true, x, q, sf, options);
}
