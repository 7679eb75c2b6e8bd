// Launch planning without a GPU: tensor-argument validation, TMA encode
// parameters, grid computation and the kernel parameter buffer layout.

#include "Support.hpp"
#include "sm120rt/sm120rt.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

using namespace sm120rt;
using namespace sm120rt::detail;

namespace {

Error argError(const Manifest &m, size_t i, std::string message) {
  return makeError(Code::InvalidArgument,
                   describeArgument(m.tensors[i], i) + ": " + message);
}

/// What the TMA params reading one tensor require of it, and whether a
/// kernel addresses it through a plain pointer.
struct TmaNeeds {
  bool read = false;
  bool pointer = false;
  uint64_t align = 16;        // base and byte strides
  bool align16Packed = false; // u4x16_align16: contiguous size % 128 == 0
  bool bytesOverFp4 = false;  // u8 over f4e2m1: TMA counts bytes
  bool rewritten = false;     // read through views of its own sizes
  bool strided = false;       // its strides are params: any row strides
};

std::vector<TmaNeeds> tmaNeeds(const Manifest &m) {
  std::vector<TmaNeeds> needs(m.tensors.size());
  for (const ParamSpec &p : m.params) {
    if (p.tensor < 0 || p.tensor >= static_cast<int>(needs.size()))
      continue;
    if (p.kind == ParamKind::Pointer)
      needs[p.tensor].pointer = true;
    if (p.kind == ParamKind::Stride)
      needs[p.tensor].strided = true;
    if (p.kind != ParamKind::Tma)
      continue;
    TmaNeeds &n = needs[p.tensor];
    n.read = true;
    n.rewritten |= p.tma.deviceRewritten;
    if (p.tma.dtype == TmaDType::U4x16Align16) {
      n.align = 32;
      n.align16Packed = true;
    }
    if (p.tma.dtype == TmaDType::U8 &&
        m.tensors[p.tensor].dtype == DType::F4E2M1)
      n.bytesOverFp4 = true;
  }
  return needs;
}

/// Byte stride of `strideElems` elements of `dtype` (f4e2m1: two per byte);
/// nullopt on overflow.
std::optional<uint64_t> byteStride(int64_t strideElems, DType dtype) {
  uint64_t bits = static_cast<uint64_t>(dtypeBits(dtype));
  uint64_t product = 0;
  if (__builtin_mul_overflow(static_cast<uint64_t>(strideElems), bits,
                             &product))
    return std::nullopt;
  return product / 8;
}

Status validateOne(const Manifest &m, size_t i, const TensorArg &arg,
                   const TmaNeeds &tma) {
  const TensorSpec &spec = m.tensors[i];
  if (arg.dtype != spec.dtype)
    return argError(m, i,
                    cat("dtype is ", dtypeName(arg.dtype),
                        "; the bundle expects ", dtypeName(spec.dtype)));
  if (arg.rank != spec.rank())
    return argError(
        m, i, cat("rank is ", arg.rank, "; the bundle expects ", spec.rank()));
  if (!arg.sizes || !arg.strides)
    return argError(m, i,
                    cat(!arg.sizes ? "sizes" : "strides", " array is null"));
  if (!arg.data)
    return argError(m, i, "data pointer is null");

  const int rank = spec.rank();
  const int inner = spec.contiguousDim;
  for (int d = 0; d < rank; ++d) {
    int64_t size = arg.sizes[d];
    if (size < 1)
      return argError(m, i,
                      cat("dim ", d, " is ", size, "; sizes must be positive"));
    if (spec.shape[d] != -1 && size != spec.shape[d])
      return argError(m, i,
                      cat("dim ", d, " is ", size,
                          "; the bundle was compiled for ", spec.shape[d]));
  }
  for (int d = 0; d < rank; ++d) {
    int64_t stride = arg.strides[d];
    if (d == inner && stride != 1)
      return argError(m, i,
                      cat("stride of dim ", d, " (contiguous_dim) is ", stride,
                          " elements; it must be 1"));
    if (stride < 1)
      return argError(m, i,
                      cat("stride of dim ", d, " is ", stride,
                          "; strides must be positive"));
  }
  if (spec.dtype == DType::F4E2M1) {
    if (arg.sizes[inner] % 2 != 0)
      return argError(m, i,
                      cat("dim ", inner, " (contiguous_dim) is ",
                          arg.sizes[inner],
                          " f4e2m1 elements; it must be even (two per byte)"));
    for (int d = 0; d < rank; ++d)
      if (d != inner && arg.strides[d] % 2 != 0)
        return argError(m, i,
                        cat("stride of dim ", d, " is ", arg.strides[d],
                            " f4e2m1 elements; it must be even so that rows "
                            "start on a byte"));
  }
  if (tma.pointer && !tma.strided && spec.contiguousDim == rank - 1) {
    // A kernel computes this tensor's addresses from its sizes alone: it
    // must be packed row-major (a dimension of size 1 has no stride).
    int64_t packed = 1;
    for (int d = rank - 1; d >= 0; --d) {
      if (arg.sizes[d] != 1 && arg.strides[d] != packed)
        return argError(m, i,
                        cat("stride of dim ", d, " is ", arg.strides[d],
                            " elements; the kernel addresses this tensor as "
                            "packed row-major, which needs ",
                            packed));
      packed *= arg.sizes[d];
    }
  }
  uintptr_t address = reinterpret_cast<uintptr_t>(arg.data);
  uint64_t elemBytes = std::max(1, dtypeBits(spec.dtype) / 8);
  if (address % elemBytes != 0)
    return argError(m, i,
                    cat("base pointer ", hexPointer(arg.data), " is not ",
                        elemBytes, "-byte aligned (", dtypeName(spec.dtype),
                        " elements)"));

  // Matrices addressed through a pointer (D, C) are stored and read in
  // pieces of up to 8 bytes: their base, and a strided one's outer
  // strides, keep 8-byte alignment.
  if (tma.pointer && rank >= 2 && address % 8 != 0)
    return argError(m, i,
                    cat("base pointer ", hexPointer(arg.data),
                        " is not 8-byte aligned (the kernel accesses this "
                        "matrix in pieces of up to 8 bytes)"));
  if (tma.strided) {
    for (int d = 0; d < rank; ++d) {
      std::optional<uint64_t> bytes = byteStride(arg.strides[d], spec.dtype);
      if (d != inner && arg.sizes[d] != 1 && (!bytes || *bytes % 8 != 0))
        return argError(m, i,
                        cat("stride of dim ", d, " is ", arg.strides[d],
                            " elements; a strided output's strides must be "
                            "multiples of 8 bytes"));
    }
  }
  if (!tma.read)
    return Status::success();
  if (address % tma.align != 0)
    return argError(m, i,
                    cat("base pointer ", hexPointer(arg.data), " is not ",
                        tma.align, "-byte aligned (TMA)"));
  constexpr uint64_t kMaxTmaDim = uint64_t(1) << 32;
  constexpr uint64_t kMaxTmaStride = uint64_t(1) << 40;
  for (int d = 0; d < rank && !tma.rewritten; ++d) {
    uint64_t tmaSize = static_cast<uint64_t>(arg.sizes[d]);
    if (d == inner && tma.bytesOverFp4)
      tmaSize /= 2;
    if (tmaSize > kMaxTmaDim)
      return argError(m, i,
                      cat("dim ", d, " is ", arg.sizes[d],
                          "; TMA allows at most 2^32 elements"));
  }
  for (int d = 0; d < rank; ++d) {
    if (d == inner)
      continue;
    std::optional<uint64_t> bytes = byteStride(arg.strides[d], spec.dtype);
    if (!bytes || *bytes >= kMaxTmaStride)
      return argError(m, i,
                      cat("stride of dim ", d, " is ", arg.strides[d],
                          " elements; TMA allows less than 2^40 bytes"));
    if (*bytes % tma.align != 0)
      return argError(m, i,
                      cat("stride of dim ", d, " is ", arg.strides[d],
                          " elements = ", *bytes, " bytes, not a multiple of ",
                          tma.align, " (TMA)"));
  }
  if (tma.align16Packed && arg.sizes[inner] % 128 != 0)
    return argError(m, i,
                    cat("dim ", inner, " is ", arg.sizes[inner],
                        "; TMA type u4x16_align16 needs a multiple of 128"));
  return Status::success();
}

std::string tensorList(const Manifest &m) {
  std::string names;
  for (const TensorSpec &t : m.tensors)
    names += (names.empty() ? "" : ", ") + t.name;
  return names;
}

} // namespace

Status sm120rt::validateTensorArgs(const Manifest &m, const TensorArg *args,
                                   size_t numArgs) {
  if (numArgs != m.tensors.size())
    return makeError(Code::InvalidArgument,
                     cat("expected ", m.tensors.size(), " tensor arguments (",
                         tensorList(m), "); got ", numArgs));
  if (numArgs != 0 && !args)
    return makeError(Code::InvalidArgument,
                     "the tensor argument array is null");
  std::vector<TmaNeeds> needs = tmaNeeds(m);
  for (size_t i = 0; i < numArgs; ++i)
    if (Status s = validateOne(m, i, args[i], needs[i]); !s)
      return s;
  // A dim param passed as i32 must hold the size.
  for (size_t k = 0; k < m.params.size(); ++k) {
    const ParamSpec &p = m.params[k];
    if (p.kind != ParamKind::Dim || p.dimType != IntType::I32)
      continue;
    int64_t size = args[p.tensor].sizes[p.dim];
    if (size > std::numeric_limits<int32_t>::max())
      return makeError(Code::InvalidArgument,
                       cat(describeArgument(m.tensors[p.tensor], p.tensor),
                           ": dim ", p.dim, " is ", size, ", which params[", k,
                           "] passes as i32 (at most 2147483647)"));
  }
  return Status::success();
}

Expected<TmaEncodeParams> sm120rt::computeTmaParams(const Manifest &m,
                                                    size_t paramIndex,
                                                    const TensorArg &arg) {
  if (paramIndex >= m.params.size() ||
      m.params[paramIndex].kind != ParamKind::Tma)
    return makeError(Code::InvalidArgument,
                     cat("params[", paramIndex, "] is not a tma parameter"));
  const ParamSpec &p = m.params[paramIndex];
  const TensorSpec &spec = m.tensors[p.tensor];
  const TmaSpec &tma = p.tma;
  const int rank = spec.rank();
  if (arg.rank != rank || !arg.sizes || !arg.strides)
    return makeError(Code::InvalidArgument,
                     cat("params[", paramIndex, "]: tensor '", spec.name,
                         "' argument does not match the manifest (rank ",
                         arg.rank, ", expected ", rank, ")"));

  TmaEncodeParams e;
  e.dataType = static_cast<int>(tma.dtype);
  e.rank = static_cast<uint32_t>(rank);
  e.globalAddress = arg.data;
  bool bytesOverFp4 = tma.dtype == TmaDType::U8 && spec.dtype == DType::F4E2M1;
  // A rewritten descriptor is a template the kernel points at its views:
  // the box's rank, sizes equal to the box, rows packed at the inner box's
  // bytes rounded up to TMA's 16.
  if (tma.deviceRewritten)
    e.rank = static_cast<uint32_t>(tma.box.size());
  uint64_t templateRow =
      tma.deviceRewritten
          ? (uint64_t(tma.box.back()) * tmaDTypeBits(tma.dtype) / 8 + 15) / 16 *
                16
          : 0;
  // TMA lists dimensions innermost first; the manifest outermost first.
  for (int j = 0; j < static_cast<int>(e.rank); ++j) {
    int d = static_cast<int>(e.rank) - 1 - j;
    e.boxDim[j] = tma.box[d];
    e.elementStrides[j] = tma.elementStrides[d];
    if (tma.deviceRewritten) {
      e.globalDim[j] = tma.box[d];
      if (j > 0)
        e.globalStrides[j - 1] =
            j == 1 ? templateRow : e.globalStrides[j - 2] * e.globalDim[j - 1];
      continue;
    }
    uint64_t size = static_cast<uint64_t>(arg.sizes[d]);
    if (d == spec.contiguousDim && bytesOverFp4)
      size /= 2;
    e.globalDim[j] = size;
    if (j > 0)
      e.globalStrides[j - 1] =
          byteStride(arg.strides[d], spec.dtype).value_or(0);
  }
  e.interleave = 0; // CU_TENSOR_MAP_INTERLEAVE_NONE
  switch (tma.swizzleBytes) {
  case 32:
    e.swizzle = 1; // CU_TENSOR_MAP_SWIZZLE_32B
    break;
  case 64:
    e.swizzle = 2; // CU_TENSOR_MAP_SWIZZLE_64B
    break;
  case 128:
    e.swizzle = 3; // CU_TENSOR_MAP_SWIZZLE_128B
    break;
  default:
    e.swizzle = 0;
  }
  switch (tma.l2PromotionBytes) {
  case 64:
    e.l2Promotion = 1;
    break;
  case 128:
    e.l2Promotion = 2;
    break;
  case 256:
    e.l2Promotion = 3;
    break;
  default:
    e.l2Promotion = 0;
  }
  // CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE fills zeros.
  e.oobFill = tma.oobFill == OobFill::Nan ? 1 : 0;
  return e;
}

Expected<std::array<uint32_t, 3>> sm120rt::computeGrid(const Manifest &m,
                                                       const TensorArg *args,
                                                       size_t numArgs,
                                                       int smCount) {
  const GridSpec &grid = m.launch.grid;
  if (grid.kind == GridKind::Fixed)
    return grid.size;
  uint64_t tiles = 1;
  constexpr uint64_t kMaxGridX = 0x7fffffff;
  for (size_t i = 0; i < grid.factors.size(); ++i) {
    const GridFactor &f = grid.factors[i];
    if (f.tensor < 0 || static_cast<size_t>(f.tensor) >= numArgs || !args ||
        !args[f.tensor].sizes || f.dim < 0 || f.dim >= args[f.tensor].rank)
      return makeError(Code::InvalidArgument,
                       cat("launch.grid.factors[", i,
                           "] refers to a missing tensor argument or dim"));
    int64_t size = args[f.tensor].sizes[f.dim];
    if (size < 1 || f.tile < 1)
      return makeError(Code::InvalidArgument,
                       cat("launch.grid.factors[", i, "]: size ", size,
                           " and tile ", f.tile, " must be positive"));
    uint64_t count = (static_cast<uint64_t>(size) + f.tile - 1) / f.tile;
    if (__builtin_mul_overflow(tiles, count, &tiles) || tiles > kMaxGridX)
      return makeError(Code::InvalidArgument,
                       cat("launch grid needs more than ", kMaxGridX,
                           " blocks (factor ", i, ": tensor '",
                           m.tensors[f.tensor].name, "' dim ", f.dim, " = ",
                           size, ", tile ", f.tile, ")"));
  }
  uint32_t x = static_cast<uint32_t>(tiles);
  if (grid.kind == GridKind::Persistent) {
    if (smCount < 1)
      return makeError(Code::InvalidArgument,
                       cat("a persistent grid needs the device's SM count; "
                           "got ",
                           smCount));
    x = std::min<uint32_t>(x, static_cast<uint32_t>(smCount));
  }
  return std::array<uint32_t, 3>{x, 1, 1};
}

ParamLayout sm120rt::computeParamLayout(const Manifest &m) {
  ParamLayout layout;
  size_t offset = 0;
  for (const ParamSpec &p : m.params) {
    size_t size = 8, align = 8;
    if (p.kind == ParamKind::Dim && p.dimType == IntType::I32)
      size = align = 4;
    else if (p.kind == ParamKind::Tma) {
      size = kTmaDescriptorBytes;
      align = kTmaDescriptorAlign;
    }
    offset = (offset + align - 1) / align * align;
    layout.slots.push_back({offset, size});
    offset += size;
    layout.alignment = std::max(layout.alignment, align);
  }
  // Padded like a struct, so buffers can be laid end to end.
  layout.totalSize =
      (offset + layout.alignment - 1) / layout.alignment * layout.alignment;
  return layout;
}

Expected<LaunchPlan> sm120rt::planLaunch(const Manifest &m,
                                         const TensorArg *args, size_t numArgs,
                                         int smCount) {
  if (Status s = validateTensorArgs(m, args, numArgs); !s)
    return s.error();
  Expected<std::array<uint32_t, 3>> grid =
      computeGrid(m, args, numArgs, smCount);
  if (!grid)
    return grid.error();

  LaunchPlan plan;
  plan.grid = *grid;
  plan.block = m.launch.block;
  plan.dynamicSmemBytes = m.launch.dynamicSmemBytes;
  plan.layout = computeParamLayout(m);
  plan.paramBytes.assign(plan.layout.totalSize, 0);
  for (size_t k = 0; k < m.params.size(); ++k) {
    const ParamSpec &p = m.params[k];
    uint8_t *slot = plan.paramBytes.data() + plan.layout.slots[k].offset;
    // Scratch refers to no tensor.
    const TensorArg *arg = p.tensor >= 0 ? &args[p.tensor] : nullptr;
    switch (p.kind) {
    case ParamKind::Pointer: {
      uint64_t address = reinterpret_cast<uintptr_t>(arg->data);
      std::memcpy(slot, &address, sizeof(address));
      break;
    }
    case ParamKind::Dim:
      if (p.dimType == IntType::I32) {
        int32_t value = static_cast<int32_t>(arg->sizes[p.dim]);
        std::memcpy(slot, &value, sizeof(value));
      } else {
        int64_t value = arg->sizes[p.dim];
        std::memcpy(slot, &value, sizeof(value));
      }
      break;
    case ParamKind::Stride: {
      int64_t value = arg->strides[p.dim];
      std::memcpy(slot, &value, sizeof(value));
      break;
    }
    case ParamKind::Tma: {
      Expected<TmaEncodeParams> tma = computeTmaParams(m, k, *arg);
      if (!tma)
        return tma.error();
      plan.tma.emplace_back(k, *tma);
      break;
    }
    case ParamKind::Scratch:
      plan.scratch.emplace_back(k, uint64_t(plan.grid[0]) * plan.grid[1] *
                                       plan.grid[2] * p.scratchBytesPerBlock);
      break;
    }
  }
  return plan;
}
