// Public C++ API of libsm120rt: bundle manifests, argument checks, launches.
//
// Everything above the "Driver layer" section is pure host code: it needs no
// GPU, no CUDA driver and no cuda.h, so it is unit-tested on any machine. The
// driver layer loads libcuda.so.1 with dlopen at first use.
//
// No function here throws. Failures come back as an `Error` inside
// `Expected<T>` (or `Status` for functions without a result), with a message
// that names the tensor or field, the value seen and the value expected.

#ifndef SM120RT_SM120RT_HPP
#define SM120RT_SM120RT_HPP

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(_WIN32)
#define SM120RT_API
#else
#define SM120RT_API __attribute__((visibility("default")))
#endif

namespace sm120rt {

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// Error codes. The numeric values are the C API's `sm120rt_status` values.
enum class Code : int {
  Ok = 0,
  /// Malformed JSON, or a missing, mistyped or out-of-range field.
  InvalidManifest = 1,
  /// A `schema` or `schema_version` this runtime does not read.
  UnsupportedSchema = 2,
  /// manifest.json or the cubin cannot be read.
  MissingFile = 3,
  /// The device's compute capability is not the one the chip needs.
  WrongArchitecture = 4,
  /// A caller's tensor, device index or option is wrong.
  InvalidArgument = 5,
  /// A CUDA driver call failed.
  DriverError = 6,
  /// No CUDA driver library, or no such GPU.
  NoDevice = 7,
  /// Built without the driver layer (no cuda.h).
  NotSupported = 8,
  /// Out of host memory or another unexpected failure.
  Internal = 9,
  /// The JIT could not compile the problem (its diagnostics are the message).
  CompileError = 10,
};

/// "InvalidManifest", "WrongArchitecture", ...
SM120RT_API const char *codeName(Code code);

struct Error {
  Code code = Code::Ok;
  std::string message;
};

/// A value or an Error. Check with `if (!result)` before dereferencing.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : storage(std::move(value)) {}
  Expected(Error error) : err(std::move(error)) {
    assert(err.code != Code::Ok && "an Error must carry a failure code");
  }

  bool ok() const { return storage.has_value(); }
  explicit operator bool() const { return ok(); }

  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  T &value() & {
    assert(ok() && "dereferencing an Expected that holds an Error");
    return *storage;
  }
  const T &value() const & {
    assert(ok() && "dereferencing an Expected that holds an Error");
    return *storage;
  }
  /// Moves the value out (the Expected must hold one).
  T take() {
    assert(ok() && "taking from an Expected that holds an Error");
    return std::move(*storage);
  }

  const Error &error() const { return err; }

private:
  std::optional<T> storage;
  Error err;
};

/// Success or an Error.
template <> class [[nodiscard]] Expected<void> {
public:
  Expected() = default;
  Expected(Error error) : err(std::move(error)) {
    assert(err.code != Code::Ok && "an Error must carry a failure code");
  }
  static Expected success() { return Expected(); }

  bool ok() const { return err.code == Code::Ok; }
  explicit operator bool() const { return ok(); }
  const Error &error() const { return err; }

private:
  Error err;
};

using Status = Expected<void>;

//===----------------------------------------------------------------------===//
// Element types and chips
//===----------------------------------------------------------------------===//

/// Tensor element types. The numeric values are the C API's `sm120rt_dtype`
/// values; 0 is deliberately unused so a zero-filled argument is rejected.
enum class DType : int {
  F8E4M3 = 1,
  F4E2M1 = 2, // two per byte along contiguous_dim; element 2i in the low nibble
  F8E8M0 = 3,
  BF16 = 4,
  F16 = 5,
  F32 = 6,
  I32 = 7,
  U8 = 8,
};

/// "f8e4m3", ...; "dtype #<n>" for a value outside the enum.
SM120RT_API std::string dtypeName(DType dtype);
SM120RT_API std::optional<DType> parseDType(std::string_view name);
/// Bits per element (4 for f4e2m1); 0 for a value outside the enum.
SM120RT_API int dtypeBits(DType dtype);

/// TMA element types. The numeric values are CUtensorMapDataType's.
enum class TmaDType : int {
  U8 = 0,
  U16 = 1,
  U32 = 2,
  I32 = 3,
  F16 = 6,
  F32 = 7,
  BF16 = 9,
  U4x16Align8 = 13,  // CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B (FP4 kept packed)
  U4x16Align16 = 14, // CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN16B (FP4 unpacked)
};

SM120RT_API std::string_view tmaDTypeName(TmaDType dtype);
SM120RT_API std::optional<TmaDType> parseTmaDType(std::string_view name);
/// Bits per element in global memory (4 for the u4x16 types).
SM120RT_API int tmaDTypeBits(TmaDType dtype);

enum class Chip { SM90a, SM120a, SM121a, SM120f };

SM120RT_API std::string_view chipName(Chip chip);
SM120RT_API std::optional<Chip> parseChip(std::string_view name);
/// The one compute capability an arch-specific ("a") cubin runs on; for a
/// family cubin ("f": sm_120f runs on 12.0 and 12.1) the family's first.
SM120RT_API std::pair<int, int> chipComputeCapability(Chip chip);
/// Largest static + dynamic shared memory per block the chip allows.
SM120RT_API uint32_t chipMaxSharedBytesPerBlock(Chip chip);
/// WrongArchitecture unless device `device` (compute capability
/// `major`.`minor`) runs `chip` cubins, e.g.
/// "bundle built for sm_120a; device 0 is sm_90".
SM120RT_API Status checkChipForDevice(Chip chip, int major, int minor,
                                      int device);

/// Scale-factor recipe of one GEMM operand, as `#sm120.block_scale` says it
/// (docs/reference/SM120Dialect.md): element (i, k) of the operand, in
/// [MN, K] problem coordinates, is multiplied by the scale of (i / mn, k / k).
struct ScaleRecipe {
  enum class Format { UE8M0, UE4M3, F32 };
  Format format = Format::UE8M0;
  int64_t mn = 1;
  int64_t k = 128;
  /// UE8M0 only: i32 [ceil(K / (4k)), align(MN, 4)], byte j of element
  /// [p, i] = exponent of K-granule 4p + j of row i. Otherwise the scale
  /// tensor is [ceil(MN / mn), ceil(K / k)] (UE4M3: [MN, K / 16]).
  bool packed = false;
};

/// "ue8m0", "ue4m3" or "f32"; parseScaleFormat is its inverse.
SM120RT_API std::string_view scaleFormatName(ScaleRecipe::Format format);
SM120RT_API std::optional<ScaleRecipe::Format>
parseScaleFormat(std::string_view name);

//===----------------------------------------------------------------------===//
// Manifest (docs/bundle-manifest.md, schema version 1)
//===----------------------------------------------------------------------===//

inline constexpr std::string_view kSchemaName = "sm120.bundle";
inline constexpr int kSchemaVersion = 1;
/// Highest tensor rank a manifest may declare (TMA itself stops at 5).
inline constexpr int kMaxTensorRank = 8;
inline constexpr int kMaxTmaRank = 5;

struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape; // -1: size known only at launch
  int contiguousDim = 0;

  int rank() const { return static_cast<int>(shape.size()); }
};

/// Stride: the element stride of one dimension of a tensor, as an i64.
enum class ParamKind { Pointer, Dim, Stride, Tma, Scratch };
enum class IntType { I32, I64 };
enum class OobFill { Zero, Nan };

struct TmaSpec {
  TmaDType dtype = TmaDType::U8;
  std::vector<uint32_t> box;            // tensor order, outermost first
  std::vector<uint32_t> elementStrides; // tensor order, outermost first
  uint32_t swizzleBytes = 0;            // 0, 32, 64 or 128
  std::string interleave = "none";      // schema version 1: "none" only
  uint32_t l2PromotionBytes = 0;        // 0, 64, 128 or 256
  OobFill oobFill = OobFill::Zero;
  /// The kernel rewrites this descriptor on the device (tensormap.replace)
  /// for views of the tensor: the runtime encodes a template whose rank is
  /// the box's, over the tensor's base, with sizes equal to the box.
  bool deviceRewritten = false;
};

struct ParamSpec {
  ParamKind kind = ParamKind::Pointer;
  int tensor = 0;                    // index into Manifest::tensors
  int dim = 0;                       // Dim and Stride only
  IntType dimType = IntType::I32;    // Dim only
  TmaSpec tma;                       // Tma only
  uint32_t scratchBytesPerBlock = 0; // Scratch only (tensor is -1)
};

enum class GridKind { Fixed, Tiles, Persistent };

struct GridFactor {
  int tensor = 0;
  int dim = 0;
  int64_t tile = 1;
};

struct GridSpec {
  GridKind kind = GridKind::Fixed;
  std::array<uint32_t, 3> size = {1, 1, 1}; // Fixed only
  std::vector<GridFactor> factors;          // Tiles and Persistent
};

struct LaunchSpec {
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t dynamicSmemBytes = 0;
  GridSpec grid;
};

struct AssemblerInfo {
  std::string tool;
  int64_t registers = 0;
  int64_t spillStoreBytes = 0;
  int64_t spillLoadBytes = 0;
  int64_t stackBytes = 0;
  int64_t sharedBytes = 0; // static shared memory
};

struct SM120RT_API Manifest {
  std::string schema = std::string(kSchemaName);
  int schemaVersion = kSchemaVersion;
  std::string compilerName;
  std::string compilerVersion;
  Chip chip = Chip::SM120a;
  std::string kernelSymbol;
  std::string kernelCubin; // relative to the bundle directory
  std::vector<TensorSpec> tensors;
  std::vector<ParamSpec> params;
  LaunchSpec launch;
  /// The whole `problem` object as compact JSON, kept verbatim (the runtime
  /// interprets only `family` and `outputs`, mirrored below).
  std::string problemJson = "{}";
  std::string problemFamily;
  /// `problem.outputs` (optional): names of the tensors the kernel writes.
  std::vector<std::string> problemOutputs;
  AssemblerInfo assembler;
  /// `compile_ms` (optional; empty when absent), in document order.
  std::vector<std::pair<std::string, double>> compileMs;

  /// Index of the tensor named `name`, or -1.
  int findTensor(std::string_view name) const;
};

/// Parses and validates a manifest (JSON text). Unknown fields are ignored.
SM120RT_API Expected<Manifest> parseManifest(std::string_view jsonText);
/// The semantic checks parseManifest runs after reading the fields: index
/// ranges, box rank = tensor rank, TMA box and swizzle limits, launch limits.
/// Also useful for manifests built in code.
SM120RT_API Status validateManifest(const Manifest &manifest);
/// Pretty-printed JSON; parseManifest(serializeManifest(m)) gives m back.
SM120RT_API std::string serializeManifest(const Manifest &manifest);

//===----------------------------------------------------------------------===//
// Bundles
//===----------------------------------------------------------------------===//

/// A manifest plus its cubin. Copies share the same immutable data.
class SM120RT_API Bundle {
public:
  /// Reads `<dir>/manifest.json` and the cubin it names.
  static Expected<Bundle> loadFromDirectory(const std::string &dir);
  /// For bundles kept in memory (e.g. embedded in a binary).
  static Expected<Bundle> loadFromMemory(std::string_view manifestJson,
                                         std::string cubin);

  const Manifest &manifest() const;
  /// The cubin's bytes.
  const std::string &cubin() const;
  /// The directory it was loaded from; empty for loadFromMemory.
  const std::string &directory() const;
  /// Unique for each load; keys the module cache.
  uint64_t id() const;

private:
  struct Data;
  explicit Bundle(std::shared_ptr<const Data> data);
  std::shared_ptr<const Data> data;
};

//===----------------------------------------------------------------------===//
// Launch planning (pure host code)
//===----------------------------------------------------------------------===//

/// A caller's tensor: device pointer, dtype, rank, sizes and strides in
/// elements (f4e2m1 too: byte stride = element stride / 2).
struct TensorArg {
  void *data = nullptr;
  DType dtype = DType::F32;
  int rank = 0;
  const int64_t *sizes = nullptr;
  const int64_t *strides = nullptr;
};

/// Checks every argument against the manifest: count, dtype, rank, static
/// sizes, positive sizes and strides, unit stride along contiguous_dim,
/// element alignment, and for tensors that a `tma` param reads the TMA rules
/// (16-byte aligned base and byte strides, 32 for u4x16_align16, size limits).
SM120RT_API Status validateTensorArgs(const Manifest &manifest,
                                      const TensorArg *args, size_t numArgs);

/// The arguments of one cuTensorMapEncodeTiled call. Enum fields hold the
/// numeric values of CUtensorMapDataType, CUtensorMapInterleave,
/// CUtensorMapSwizzle, CUtensorMapL2promotion and CUtensorMapFloatOOBfill.
/// Arrays are innermost-first (TMA's order); only the first `rank` entries
/// (`rank - 1` for globalStrides) are meaningful, the rest are zero.
struct TmaEncodeParams {
  int dataType = 0;
  uint32_t rank = 0;
  void *globalAddress = nullptr;
  std::array<uint64_t, kMaxTmaRank> globalDim = {};
  std::array<uint64_t, kMaxTmaRank - 1> globalStrides = {}; // bytes
  std::array<uint32_t, kMaxTmaRank> boxDim = {};
  std::array<uint32_t, kMaxTmaRank> elementStrides = {};
  int interleave = 0;
  int swizzle = 0;
  int l2Promotion = 0;
  int oobFill = 0;
};

/// Encode parameters for `tma` param `paramIndex` on `arg` (which must have
/// passed validateTensorArgs). Sizes are in TMA elements: for an f4e2m1
/// tensor read as `u8`, the contiguous dimension counts bytes.
SM120RT_API Expected<TmaEncodeParams> computeTmaParams(const Manifest &manifest,
                                                       size_t paramIndex,
                                                       const TensorArg &arg);

/// The launch grid for these (validated) arguments; `smCount` is used by
/// persistent grids only.
SM120RT_API Expected<std::array<uint32_t, 3>>
computeGrid(const Manifest &manifest, const TensorArg *args, size_t numArgs,
            int smCount);

/// Where each kernel parameter lives in the parameter buffer: pointer 8
/// bytes (align 8), dim 4 or 8 bytes (natural alignment), tma a 128-byte
/// CUtensorMap aligned to 64.
struct ParamSlot {
  size_t offset = 0;
  size_t size = 0;
};
struct ParamLayout {
  std::vector<ParamSlot> slots;
  size_t totalSize = 0;
  size_t alignment = 1; // of the whole buffer
};
inline constexpr size_t kTmaDescriptorBytes = 128;
inline constexpr size_t kTmaDescriptorAlign = 64;
SM120RT_API ParamLayout computeParamLayout(const Manifest &manifest);

/// Everything a launch needs except the encoded TMA descriptors.
struct LaunchPlan {
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t dynamicSmemBytes = 0;
  ParamLayout layout;
  /// layout.totalSize bytes: pointer and dim values filled in, tma slots
  /// zero (the driver layer encodes them in place).
  std::vector<uint8_t> paramBytes;
  /// (param index, encode parameters) for every tma param.
  std::vector<std::pair<size_t, TmaEncodeParams>> tma;
  /// (param index, bytes) for every scratch param: the driver layer
  /// allocates the bytes and writes their address into the slot.
  std::vector<std::pair<size_t, uint64_t>> scratch;
};

/// validateTensorArgs + computeGrid + computeParamLayout + values.
SM120RT_API Expected<LaunchPlan> planLaunch(const Manifest &manifest,
                                            const TensorArg *args,
                                            size_t numArgs, int smCount);

//===----------------------------------------------------------------------===//
// Driver layer (needs libcuda.so.1 at run time)
//===----------------------------------------------------------------------===//

/// True when the library was built with cuda.h (the driver layer exists).
SM120RT_API bool hasDriverLayer();

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  int ccMajor = 0;
  int ccMinor = 0;
  int smCount = 0;
  size_t maxSharedBytesPerBlockOptin = 0;
  int driverVersion = 0; // e.g. 13000
};

/// NoDevice when libcuda cannot be loaded or cuInit finds no GPU.
SM120RT_API Expected<int> deviceCount();
SM120RT_API Expected<DeviceInfo> queryDevice(int device);

class PreparedLaunch;

/// A bundle's kernel loaded on one device. Copies share the loaded module,
/// which stays loaded (in the device's primary context) while any copy or
/// any other Kernel for the same bundle and device lives. Launching from
/// several threads at once is safe.
class SM120RT_API Kernel {
public:
  /// Checks the device's compute capability against the bundle's chip
  /// before loading anything, then loads (or reuses) the module.
  static Expected<Kernel> create(const Bundle &bundle, int device);

  /// Launches on `stream` (a CUstream of the device's primary context;
  /// nullptr is the legacy default stream). Asynchronous like any launch.
  Status launch(const TensorArg *args, size_t numArgs, void *stream) const;
  Status launch(const std::vector<TensorArg> &args, void *stream) const {
    return launch(args.data(), args.size(), stream);
  }

  /// Validates the arguments, lays out the parameters and encodes the TMA
  /// descriptors once; PreparedLaunch::enqueue then repeats this launch
  /// with a single cuLaunchKernelEx. For callers whose tensors stay put.
  /// A kernel with scratch parameters gets its scratch allocated here and
  /// held by the PreparedLaunch: its enqueues share it (they run in order
  /// on its stream), and it must outlive the launches it enqueued.
  Expected<PreparedLaunch> prepare(const TensorArg *args, size_t numArgs,
                                   void *stream) const;

  /// Launches `iterations` times on `stream`, timing each launch with CUDA
  /// events; returns the milliseconds of each launch.
  Expected<std::vector<float>> timeLaunches(const TensorArg *args,
                                            size_t numArgs, int iterations,
                                            void *stream) const;

  const Bundle &bundle() const;
  const DeviceInfo &deviceInfo() const;

private:
  struct Impl;
  explicit Kernel(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl;
};

/// A launch with everything but the enqueue done (Kernel::prepare): the
/// same tensors, grid and stream each time. Keeps the kernel loaded.
class SM120RT_API PreparedLaunch {
public:
  Status enqueue() const;

private:
  friend class Kernel;
  struct Impl;
  explicit PreparedLaunch(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl;
};

/// Device memory (cuMemAlloc) owned by this object; for tools and tests.
class SM120RT_API DeviceBuffer {
public:
  static Expected<DeviceBuffer> allocate(int device, size_t bytes);
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer();

  void *data() const;
  size_t size() const;
  Status upload(const void *src, size_t bytes);
  Status download(void *dst, size_t bytes) const;
  Status fill(uint8_t byte);

private:
  struct Impl;
  explicit DeviceBuffer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// Waits for all work on `device` (its primary context) to finish.
SM120RT_API Status synchronizeDevice(int device);

} // namespace sm120rt

#endif // SM120RT_SM120RT_HPP
