// CUDA driver layer: libcuda.so.1 loaded with dlopen at first use, device
// queries, the module cache, kernel launches and device memory.
//
// Built without cuda.h (SM120RT_HAVE_CUDA=0) every entry point here returns
// NotSupported, so the rest of the library still builds and is tested.

#include "Support.hpp"
#include "Utility.hpp"
#include "sm120rt/sm120rt.hpp"

#if SM120RT_HAVE_CUDA

#include <cuda.h>
#include <cudaTypedefs.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

using namespace sm120rt;
using namespace sm120rt::detail;

// The plain-int enums of TmaEncodeParams mirror cuda.h; keep them in step.
// CUDA 13 declares CUtensorMap alignas(128); the driver needs 64. Descriptors
// are encoded into a CUtensorMap variable and then copied into their slot.
static_assert(sizeof(CUtensorMap) == kTmaDescriptorBytes &&
                  alignof(CUtensorMap) >= kTmaDescriptorAlign,
              "CUtensorMap layout changed");
static_assert(
    static_cast<int>(TmaDType::U8) == CU_TENSOR_MAP_DATA_TYPE_UINT8 &&
        static_cast<int>(TmaDType::U16) == CU_TENSOR_MAP_DATA_TYPE_UINT16 &&
        static_cast<int>(TmaDType::U32) == CU_TENSOR_MAP_DATA_TYPE_UINT32 &&
        static_cast<int>(TmaDType::I32) == CU_TENSOR_MAP_DATA_TYPE_INT32 &&
        static_cast<int>(TmaDType::F16) == CU_TENSOR_MAP_DATA_TYPE_FLOAT16 &&
        static_cast<int>(TmaDType::F32) == CU_TENSOR_MAP_DATA_TYPE_FLOAT32 &&
        static_cast<int>(TmaDType::BF16) == CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 &&
        static_cast<int>(TmaDType::U4x16Align8) ==
            CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B &&
        static_cast<int>(TmaDType::U4x16Align16) ==
            CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN16B,
    "TmaDType must mirror CUtensorMapDataType");
static_assert(CU_TENSOR_MAP_SWIZZLE_32B == 1 &&
                  CU_TENSOR_MAP_SWIZZLE_64B == 2 &&
                  CU_TENSOR_MAP_SWIZZLE_128B == 3 &&
                  CU_TENSOR_MAP_L2_PROMOTION_L2_64B == 1 &&
                  CU_TENSOR_MAP_L2_PROMOTION_L2_256B == 3 &&
                  CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA == 1 &&
                  CU_TENSOR_MAP_INTERLEAVE_NONE == 0,
              "computeTmaParams' enum values must mirror cuda.h");

namespace {

//===----------------------------------------------------------------------===//
// The function table
//===----------------------------------------------------------------------===//

// X(member, symbol, version, fallback): `symbol` is requested from
// cuGetProcAddress at the CUDA `version` whose ABI PFN_<symbol>_v<version>
// (cudaTypedefs.h) describes; `fallback` is the exported name for dlsym when
// cuGetProcAddress is missing. The version must be explicit: asking for the
// toolkit's own version returns newer ABIs for some names (with CUDA 13,
// cuCtxSynchronize takes a CUcontext and cuStreamGetCtx three arguments).
#define SM120RT_DRIVER_FUNCTIONS(X)                                            \
  X(init, cuInit, 2000, "cuInit")                                              \
  X(driverGetVersion, cuDriverGetVersion, 2020, "cuDriverGetVersion")          \
  X(deviceGetCount, cuDeviceGetCount, 2000, "cuDeviceGetCount")                \
  X(deviceGet, cuDeviceGet, 2000, "cuDeviceGet")                               \
  X(deviceGetAttribute, cuDeviceGetAttribute, 2000, "cuDeviceGetAttribute")    \
  X(deviceGetName, cuDeviceGetName, 2000, "cuDeviceGetName")                   \
  X(primaryCtxRetain, cuDevicePrimaryCtxRetain, 7000,                          \
    "cuDevicePrimaryCtxRetain")                                                \
  X(primaryCtxRelease, cuDevicePrimaryCtxRelease, 11000,                       \
    "cuDevicePrimaryCtxRelease_v2")                                            \
  X(ctxGetCurrent, cuCtxGetCurrent, 4000, "cuCtxGetCurrent")                   \
  X(ctxSetCurrent, cuCtxSetCurrent, 4000, "cuCtxSetCurrent")                   \
  X(ctxSynchronize, cuCtxSynchronize, 2000, "cuCtxSynchronize")                \
  X(moduleLoadData, cuModuleLoadData, 2000, "cuModuleLoadData")                \
  X(moduleUnload, cuModuleUnload, 2000, "cuModuleUnload")                      \
  X(moduleGetFunction, cuModuleGetFunction, 2000, "cuModuleGetFunction")       \
  X(funcSetAttribute, cuFuncSetAttribute, 9000, "cuFuncSetAttribute")          \
  X(tensorMapEncodeTiled, cuTensorMapEncodeTiled, 12000,                       \
    "cuTensorMapEncodeTiled")                                                  \
  X(launchKernelEx, cuLaunchKernelEx, 11060, "cuLaunchKernelEx")               \
  X(getErrorString, cuGetErrorString, 6000, "cuGetErrorString")                \
  X(getErrorName, cuGetErrorName, 6000, "cuGetErrorName")                      \
  X(memAlloc, cuMemAlloc, 3020, "cuMemAlloc_v2")                               \
  X(memFree, cuMemFree, 3020, "cuMemFree_v2")                                  \
  X(memAllocAsync, cuMemAllocAsync, 11020, "cuMemAllocAsync")                  \
  X(memFreeAsync, cuMemFreeAsync, 11020, "cuMemFreeAsync")                     \
  X(memcpyHtoD, cuMemcpyHtoD, 3020, "cuMemcpyHtoD_v2")                         \
  X(memcpyDtoH, cuMemcpyDtoH, 3020, "cuMemcpyDtoH_v2")                         \
  X(memsetD8, cuMemsetD8, 3020, "cuMemsetD8_v2")                               \
  X(streamGetCtx, cuStreamGetCtx, 9020, "cuStreamGetCtx")                      \
  X(eventCreate, cuEventCreate, 2000, "cuEventCreate")                         \
  X(eventRecord, cuEventRecord, 2000, "cuEventRecord")                         \
  X(eventSynchronize, cuEventSynchronize, 2000, "cuEventSynchronize")          \
  X(eventElapsedTime, cuEventElapsedTime, 2000, "cuEventElapsedTime")          \
  X(eventDestroy, cuEventDestroy, 4000, "cuEventDestroy_v2")

struct DriverApi {
#define SM120RT_DECLARE(member, symbol, version, fallback)                     \
  PFN_##symbol##_v##version member = nullptr;
  SM120RT_DRIVER_FUNCTIONS(SM120RT_DECLARE)
#undef SM120RT_DECLARE
};

struct DriverState {
  DriverApi api;
  std::optional<Error> error;
};

DriverState loadDriver() {
  DriverState state;
  // RTLD_LOCAL: libcuda's symbols stay out of the global namespace; the
  // handle is never closed (the driver cannot be unloaded safely).
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    // Report why the versioned name failed; the unversioned fallback (a
    // development symlink) is rarely present where the first is not.
    const char *why = dlerror();
    std::string reason = why ? why : "not found";
    lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      state.error = makeError(Code::NoDevice,
                              cat("cannot load the CUDA driver: ", reason));
      return state;
    }
  }
  auto getProc = reinterpret_cast<PFN_cuGetProcAddress_v12000>(
      dlsym(lib, "cuGetProcAddress_v2"));
  auto resolve = [&](const char *symbol, int version, const char *fallback,
                     void **out) {
    if (getProc) {
      CUdriverProcAddressQueryResult found = CU_GET_PROC_ADDRESS_SUCCESS;
      if (getProc(symbol, out, version, CU_GET_PROC_ADDRESS_DEFAULT, &found) ==
              CUDA_SUCCESS &&
          found == CU_GET_PROC_ADDRESS_SUCCESS && *out)
        return true;
    }
    *out = dlsym(lib, fallback);
    return *out != nullptr;
  };
#define SM120RT_RESOLVE(member, symbol, version, fallback)                     \
  if (!resolve(#symbol, version, fallback,                                     \
               reinterpret_cast<void **>(&state.api.member))) {                \
    state.error = makeError(                                                   \
        Code::NoDevice, cat("the CUDA driver lacks ", #symbol, " (CUDA ",      \
                            version / 1000, ".", version % 1000 / 10,          \
                            " ABI); it is older than this runtime needs"));    \
    return state;                                                              \
  }
  SM120RT_DRIVER_FUNCTIONS(SM120RT_RESOLVE)
#undef SM120RT_RESOLVE

  CUresult r = state.api.init(0);
  if (r != CUDA_SUCCESS) {
    const char *name = nullptr;
    const char *text = nullptr;
    state.api.getErrorName(r, &name);
    state.api.getErrorString(r, &text);
    state.error =
        makeError(Code::NoDevice, cat("cuInit failed: ", name ? name : "error",
                                      " (", text ? text : "", ")"));
  }
  return state;
}

Expected<const DriverApi *> driver() {
  static const DriverState state = loadDriver();
  if (state.error)
    return *state.error;
  return &state.api;
}

Error driverError(const DriverApi &api, CUresult result,
                  const std::string &what) {
  const char *name = nullptr;
  const char *text = nullptr;
  if (api.getErrorName(result, &name) != CUDA_SUCCESS)
    name = nullptr;
  if (api.getErrorString(result, &text) != CUDA_SUCCESS)
    text = nullptr;
  return makeError(Code::DriverError,
                   cat(what, " failed: ", name ? name : "CUDA error ",
                       name ? "" : std::to_string(result), " (",
                       text ? text : "no description", ")"));
}

//===----------------------------------------------------------------------===//
// Devices and contexts
//===----------------------------------------------------------------------===//

/// A retained primary context; released when the last user goes away.
struct DeviceContext {
  const DriverApi *api = nullptr;
  CUdevice device = 0;
  CUcontext context = nullptr;
  DeviceInfo info;

  ~DeviceContext() {
    if (context)
      api->primaryCtxRelease(device);
  }
};

/// Makes a context current for a scope and restores the caller's after.
class ScopedContext {
public:
  Status enter(const DriverApi &driverApi, CUcontext context) {
    api = &driverApi;
    if (CUresult r = api->ctxGetCurrent(&previous); r != CUDA_SUCCESS)
      return driverError(*api, r, "cuCtxGetCurrent");
    if (previous == context)
      return Status::success();
    if (CUresult r = api->ctxSetCurrent(context); r != CUDA_SUCCESS)
      return driverError(*api, r, "cuCtxSetCurrent");
    switched = true;
    return Status::success();
  }
  ~ScopedContext() {
    if (switched)
      api->ctxSetCurrent(previous);
  }

private:
  const DriverApi *api = nullptr;
  CUcontext previous = nullptr;
  bool switched = false;
};

Expected<DeviceInfo> queryDeviceWith(const DriverApi &api, int ordinal,
                                     CUdevice *deviceOut) {
  int count = 0;
  if (CUresult r = api.deviceGetCount(&count); r != CUDA_SUCCESS)
    return driverError(api, r, "cuDeviceGetCount");
  if (ordinal < 0 || ordinal >= count)
    return makeError(Code::NoDevice,
                     cat("device ", ordinal, " does not exist; ", count,
                         " CUDA device(s) found"));
  CUdevice device = 0;
  if (CUresult r = api.deviceGet(&device, ordinal); r != CUDA_SUCCESS)
    return driverError(api, r, cat("cuDeviceGet(", ordinal, ")"));
  DeviceInfo info;
  info.ordinal = ordinal;
  char name[256] = {};
  if (CUresult r = api.deviceGetName(name, sizeof(name) - 1, device);
      r != CUDA_SUCCESS)
    return driverError(api, r, "cuDeviceGetName");
  info.name = name;
  struct {
    CUdevice_attribute attribute;
    const char *what;
    int *out;
  } attributes[] = {
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "compute capability",
       &info.ccMajor},
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "compute capability",
       &info.ccMinor},
      {CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "SM count", &info.smCount},
  };
  for (auto &a : attributes)
    if (CUresult r = api.deviceGetAttribute(a.out, a.attribute, device);
        r != CUDA_SUCCESS)
      return driverError(api, r, cat("cuDeviceGetAttribute (", a.what, ")"));
  int smem = 0;
  if (CUresult r = api.deviceGetAttribute(
          &smem, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
      r != CUDA_SUCCESS)
    return driverError(api, r, "cuDeviceGetAttribute (shared memory)");
  info.maxSharedBytesPerBlockOptin = static_cast<size_t>(smem);
  api.driverGetVersion(&info.driverVersion);
  if (deviceOut)
    *deviceOut = device;
  return info;
}

/// The device's primary context, retained while any returned pointer lives.
Expected<std::shared_ptr<DeviceContext>> acquireDevice(int ordinal) {
  Expected<const DriverApi *> api = driver();
  if (!api)
    return api.error();
  static std::mutex mutex;
  static auto *devices = new std::map<int, std::weak_ptr<DeviceContext>>();
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = devices->find(ordinal); it != devices->end())
    if (std::shared_ptr<DeviceContext> live = it->second.lock())
      return live;
  auto dev = std::make_shared<DeviceContext>();
  dev->api = *api;
  Expected<DeviceInfo> info = queryDeviceWith(**api, ordinal, &dev->device);
  if (!info)
    return info.error();
  dev->info = info.take();
  if (CUresult r = (*api)->primaryCtxRetain(&dev->context, dev->device);
      r != CUDA_SUCCESS) {
    dev->context = nullptr;
    return driverError(**api, r,
                       cat("cuDevicePrimaryCtxRetain(device ", ordinal, ")"));
  }
  (*devices)[ordinal] = dev;
  return dev;
}

//===----------------------------------------------------------------------===//
// Modules
//===----------------------------------------------------------------------===//

/// A loaded module and its kernel function; unloaded on destruction.
struct LoadedModule {
  std::shared_ptr<DeviceContext> device;
  CUmodule module = nullptr;
  CUfunction function = nullptr;

  ~LoadedModule() {
    if (!module)
      return;
    ScopedContext scope;
    if (scope.enter(*device->api, device->context))
      device->api->moduleUnload(module);
  }
};

/// Modules keyed by (bundle id, device). Entries are weak: a module is
/// unloaded when the last Kernel using it is destroyed, not at exit, where
/// the driver may already be shut down.
struct ModuleCache {
  std::mutex mutex;
  std::map<std::pair<uint64_t, int>, std::weak_ptr<LoadedModule>> entries;
};

ModuleCache &moduleCache() {
  static auto *cache = new ModuleCache(); // never destroyed, see above
  return *cache;
}

Expected<std::shared_ptr<LoadedModule>> loadModule(const Bundle &bundle,
                                                   int ordinal) {
  ModuleCache &cache = moduleCache();
  // Held across the load so two threads never load the same module twice.
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto key = std::make_pair(bundle.id(), ordinal);
  if (auto it = cache.entries.find(key); it != cache.entries.end())
    if (std::shared_ptr<LoadedModule> live = it->second.lock())
      return live;
  for (auto it = cache.entries.begin(); it != cache.entries.end();)
    it = it->second.expired() ? cache.entries.erase(it) : std::next(it);

  Expected<std::shared_ptr<DeviceContext>> device = acquireDevice(ordinal);
  if (!device)
    return device.error();
  const DriverApi &api = *(*device)->api;
  const Manifest &m = bundle.manifest();
  auto loaded = std::make_shared<LoadedModule>();
  loaded->device = *device;
  ScopedContext scope;
  if (Status s = scope.enter(api, loaded->device->context); !s)
    return s.error();
  if (CUresult r = api.moduleLoadData(&loaded->module, bundle.cubin().data());
      r != CUDA_SUCCESS) {
    loaded->module = nullptr;
    return driverError(api, r,
                       cat("cuModuleLoadData (cubin '", m.kernelCubin, "', ",
                           chipName(m.chip), ")"));
  }
  if (CUresult r = api.moduleGetFunction(&loaded->function, loaded->module,
                                         m.kernelSymbol.c_str());
      r != CUDA_SUCCESS)
    return driverError(api, r,
                       cat("cuModuleGetFunction('", m.kernelSymbol,
                           "') in cubin '", m.kernelCubin, "'"));
  // Raised once per loaded function; every launch then uses up to this.
  if (CUresult r = api.funcSetAttribute(
          loaded->function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
          static_cast<int>(m.launch.dynamicSmemBytes));
      r != CUDA_SUCCESS)
    return driverError(api, r,
                       cat("cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, ",
                           m.launch.dynamicSmemBytes, ") for '", m.kernelSymbol,
                           "' (device allows ",
                           loaded->device->info.maxSharedBytesPerBlockOptin,
                           " bytes per block)"));
  cache.entries[key] = loaded;
  return loaded;
}

/// RAII CUevent.
struct Event {
  const DriverApi *api = nullptr;
  CUevent event = nullptr;
  Event() = default;
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;
  Event(Event &&other) noexcept : api(other.api), event(other.event) {
    other.event = nullptr;
  }
  ~Event() {
    if (event)
      api->eventDestroy(event);
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

bool sm120rt::hasDriverLayer() { return true; }

Expected<int> sm120rt::deviceCount() {
  Expected<const DriverApi *> api = driver();
  if (!api)
    return api.error();
  int count = 0;
  if (CUresult r = (*api)->deviceGetCount(&count); r != CUDA_SUCCESS)
    return driverError(**api, r, "cuDeviceGetCount");
  if (count == 0)
    return makeError(Code::NoDevice, "the CUDA driver reports no devices");
  return count;
}

Expected<DeviceInfo> sm120rt::queryDevice(int device) {
  Expected<const DriverApi *> api = driver();
  if (!api)
    return api.error();
  return queryDeviceWith(**api, device, nullptr);
}

struct Kernel::Impl {
  Bundle bundle;
  std::shared_ptr<LoadedModule> module;
};

Kernel::Kernel(std::shared_ptr<const Impl> impl) : impl(std::move(impl)) {}

const Bundle &Kernel::bundle() const { return impl->bundle; }
const DeviceInfo &Kernel::deviceInfo() const {
  return impl->module->device->info;
}

Expected<Kernel> Kernel::create(const Bundle &bundle, int device) {
  Expected<DeviceInfo> info = queryDevice(device);
  if (!info)
    return info.error();
  // Before cuModuleLoadData: a cubin for another architecture fails there
  // with an unhelpful "no kernel image" error.
  if (Status s = checkChipForDevice(bundle.manifest().chip, info->ccMajor,
                                    info->ccMinor, device);
      !s)
    return s.error();
  Expected<std::shared_ptr<LoadedModule>> module = loadModule(bundle, device);
  if (!module)
    return module.error();
  return Kernel(std::make_shared<const Impl>(Impl{bundle, module.take()}));
}

namespace {

/// A launch with its parameter buffer built and TMA descriptors encoded;
/// enqueueing it again repeats the same launch (for timing).
struct EncodedLaunch {
  LaunchPlan plan;
  std::vector<void *> params; // into plan.paramBytes
  CUlaunchConfig config = {};
  /// The scratch of a launch that may be enqueued again, freed with it;
  /// a single launch's is stream-ordered, freed on its stream after the
  /// enqueue when the launch goes.
  std::vector<DeviceBuffer> scratch;
  std::vector<StreamMemory> streamScratch;
};

/// How a launch gets its scratch parameters' memory.
enum class ScratchUse { Owned, StreamOrdered };

Status checkStream(const DeviceContext &device, CUstream stream) {
  if (!stream || stream == CU_STREAM_LEGACY || stream == CU_STREAM_PER_THREAD)
    return Status::success();
  const DriverApi &api = *device.api;
  CUcontext streamContext = nullptr;
  if (CUresult r = api.streamGetCtx(stream, &streamContext); r != CUDA_SUCCESS)
    return driverError(api, r, "cuStreamGetCtx (checking the stream)");
  if (streamContext != device.context)
    return makeError(Code::InvalidArgument,
                     cat("stream ", hexPointer(stream),
                         " belongs to another CUDA context; kernels run in "
                         "the primary context of device ",
                         device.info.ordinal));
  return Status::success();
}

CUlaunchConfig launchConfig(const std::array<uint32_t, 3> &grid,
                            const std::array<uint32_t, 3> &block,
                            uint32_t sharedBytes, CUstream stream) {
  CUlaunchConfig config = {};
  config.gridDimX = grid[0];
  config.gridDimY = grid[1];
  config.gridDimZ = grid[2];
  config.blockDimX = block[0];
  config.blockDimY = block[1];
  config.blockDimZ = block[2];
  config.sharedMemBytes = sharedBytes;
  config.hStream = stream;
  return config;
}

/// Validates the arguments, lays out the parameters and encodes the TMA
/// descriptors. The module's context must be current.
Expected<EncodedLaunch> prepareLaunch(const Manifest &m,
                                      const LoadedModule &module,
                                      const TensorArg *args, size_t numArgs,
                                      CUstream stream, ScratchUse scratch) {
  const DriverApi &api = *module.device->api;
  Expected<LaunchPlan> plan =
      planLaunch(m, args, numArgs, module.device->info.smCount);
  if (!plan)
    return plan.error();
  if (Status s = checkStream(*module.device, stream); !s)
    return s.error();
  EncodedLaunch launch;
  launch.plan = plan.take();
  LaunchPlan &p = launch.plan;
  // The driver copies each parameter from its pointer, so the buffer needs
  // no particular alignment; each descriptor is encoded in an aligned
  // CUtensorMap first.
  uint8_t *base = p.paramBytes.data();
  for (const auto &[index, e] : p.tma) {
    CUtensorMap map;
    CUresult r = api.tensorMapEncodeTiled(
        &map, static_cast<CUtensorMapDataType>(e.dataType), e.rank,
        e.globalAddress, e.globalDim.data(), e.globalStrides.data(),
        e.boxDim.data(), e.elementStrides.data(),
        static_cast<CUtensorMapInterleave>(e.interleave),
        static_cast<CUtensorMapSwizzle>(e.swizzle),
        static_cast<CUtensorMapL2promotion>(e.l2Promotion),
        static_cast<CUtensorMapFloatOOBfill>(e.oobFill));
    if (r != CUDA_SUCCESS) {
      auto list = [&](const auto &values, uint32_t n) {
        std::vector<uint64_t> v(values.begin(), values.begin() + n);
        return joinList(v);
      };
      const ParamSpec &param = m.params[index];
      return driverError(
          api, r,
          cat("cuTensorMapEncodeTiled for params[", index, "] (tensor '",
              m.tensors[param.tensor].name, "'; type ", e.dataType, ", rank ",
              e.rank, ", address ", hexPointer(e.globalAddress), ", globalDim ",
              list(e.globalDim, e.rank), ", globalStrides ",
              list(e.globalStrides, e.rank ? e.rank - 1 : 0), ", box ",
              list(e.boxDim, e.rank), ", swizzle ", e.swizzle, ")"));
    }
    std::memcpy(base + p.layout.slots[index].offset, &map, sizeof(map));
  }
  launch.config = launchConfig(p.grid, p.block, p.dynamicSmemBytes, stream);
  // Scratch: allocated on the launch's stream when the launch runs once
  // (freed there after the enqueue), else owned by the launch.
  for (const auto &[index, bytes] : p.scratch) {
    CUdeviceptr address = 0;
    if (scratch == ScratchUse::StreamOrdered) {
      Expected<StreamMemory> memory =
          StreamMemory::allocate(module.device->info.ordinal, stream, bytes);
      if (!memory)
        return makeError(memory.error().code,
                         cat(memory.error().message, " for the kernel's ",
                             "scratch (params[", index, "])"));
      address = reinterpret_cast<CUdeviceptr>(memory->data());
      launch.streamScratch.push_back(memory.take());
    } else {
      Expected<DeviceBuffer> buffer =
          DeviceBuffer::allocate(module.device->info.ordinal, bytes);
      if (!buffer)
        return buffer.error();
      address = reinterpret_cast<CUdeviceptr>(buffer->data());
      launch.scratch.push_back(buffer.take());
    }
    uint64_t value = address;
    std::memcpy(base + p.layout.slots[index].offset, &value, sizeof(value));
  }
  for (const ParamSlot &slot : p.layout.slots)
    launch.params.push_back(base + slot.offset);
  return launch;
}

Status enqueueLaunch(const Manifest &m, const LoadedModule &module,
                     EncodedLaunch &launch) {
  const DriverApi &api = *module.device->api;
  const LaunchPlan &p = launch.plan;
  if (CUresult r = api.launchKernelEx(
          &launch.config, module.function,
          launch.params.empty() ? nullptr : launch.params.data(), nullptr);
      r != CUDA_SUCCESS)
    return driverError(api, r,
                       cat("cuLaunchKernelEx('", m.kernelSymbol, "', grid [",
                           p.grid[0], ", ", p.grid[1], ", ", p.grid[2],
                           "], block [", p.block[0], ", ", p.block[1], ", ",
                           p.block[2], "], ", p.dynamicSmemBytes,
                           " bytes dynamic smem)"));
  return Status::success();
}

} // namespace

Status Kernel::launch(const TensorArg *args, size_t numArgs,
                      void *stream) const {
  const LoadedModule &module = *impl->module;
  const Manifest &m = impl->bundle.manifest();
  ScopedContext scope;
  if (Status s = scope.enter(*module.device->api, module.device->context); !s)
    return s;
  Expected<EncodedLaunch> launch =
      prepareLaunch(m, module, args, numArgs, static_cast<CUstream>(stream),
                    ScratchUse::StreamOrdered);
  if (!launch)
    return launch.error();
  return enqueueLaunch(m, module, *launch);
}

struct PreparedLaunch::Impl {
  Kernel kernel;
  std::shared_ptr<LoadedModule> module;
  EncodedLaunch launch;
};

Expected<PreparedLaunch> Kernel::prepare(const TensorArg *args, size_t numArgs,
                                         void *stream) const {
  const LoadedModule &module = *impl->module;
  ScopedContext scope;
  if (Status s = scope.enter(*module.device->api, module.device->context); !s)
    return s.error();
  Expected<EncodedLaunch> launch =
      prepareLaunch(impl->bundle.manifest(), module, args, numArgs,
                    static_cast<CUstream>(stream), ScratchUse::Owned);
  if (!launch)
    return launch.error();
  auto prepared = std::make_shared<PreparedLaunch::Impl>(
      PreparedLaunch::Impl{*this, impl->module, launch.take()});
  return PreparedLaunch(std::move(prepared));
}

PreparedLaunch::PreparedLaunch(std::shared_ptr<Impl> impl)
    : impl(std::move(impl)) {}

Status PreparedLaunch::enqueue() const {
  const LoadedModule &module = *impl->module;
  ScopedContext scope;
  if (Status s = scope.enter(*module.device->api, module.device->context); !s)
    return s;
  return enqueueLaunch(impl->kernel.bundle().manifest(), module, impl->launch);
}

Expected<std::vector<float>> Kernel::timeLaunches(const TensorArg *args,
                                                  size_t numArgs,
                                                  int iterations,
                                                  void *stream) const {
  if (iterations < 1)
    return makeError(
        Code::InvalidArgument,
        cat("timeLaunches needs at least 1 iteration; got ", iterations));
  const LoadedModule &module = *impl->module;
  const DriverApi &api = *module.device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, module.device->context); !s)
    return s.error();
  std::vector<Event> events(2 * static_cast<size_t>(iterations));
  for (Event &e : events) {
    e.api = &api;
    if (CUresult r = api.eventCreate(&e.event, CU_EVENT_DEFAULT);
        r != CUDA_SUCCESS) {
      e.event = nullptr;
      return driverError(api, r, "cuEventCreate");
    }
  }
  // Prepared once, so that only the launch itself sits between each pair
  // of events (host work there shows up as time when the GPU is idle).
  CUstream hStream = static_cast<CUstream>(stream);
  const Manifest &m = impl->bundle.manifest();
  Expected<EncodedLaunch> prepared =
      prepareLaunch(m, module, args, numArgs, hStream, ScratchUse::Owned);
  if (!prepared)
    return prepared.error();
  for (int i = 0; i < iterations; ++i) {
    if (CUresult r = api.eventRecord(events[2 * i].event, hStream);
        r != CUDA_SUCCESS)
      return driverError(api, r, "cuEventRecord");
    if (Status s = enqueueLaunch(m, module, *prepared); !s)
      return s.error();
    if (CUresult r = api.eventRecord(events[2 * i + 1].event, hStream);
        r != CUDA_SUCCESS)
      return driverError(api, r, "cuEventRecord");
  }
  if (CUresult r = api.eventSynchronize(events.back().event); r != CUDA_SUCCESS)
    return driverError(api, r, "cuEventSynchronize (after the timed launches)");
  std::vector<float> times(static_cast<size_t>(iterations));
  for (int i = 0; i < iterations; ++i)
    if (CUresult r = api.eventElapsedTime(&times[i], events[2 * i].event,
                                          events[2 * i + 1].event);
        r != CUDA_SUCCESS)
      return driverError(api, r, "cuEventElapsedTime");
  return times;
}

struct DeviceBuffer::Impl {
  std::shared_ptr<DeviceContext> device;
  CUdeviceptr pointer = 0;
  size_t size = 0;

  ~Impl() {
    if (!pointer)
      return;
    ScopedContext scope;
    if (scope.enter(*device->api, device->context))
      device->api->memFree(pointer);
  }
};

DeviceBuffer::DeviceBuffer(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept = default;
DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept = default;
DeviceBuffer::~DeviceBuffer() = default;

void *DeviceBuffer::data() const {
  return impl ? reinterpret_cast<void *>(impl->pointer) : nullptr;
}
size_t DeviceBuffer::size() const { return impl ? impl->size : 0; }

Expected<DeviceBuffer> DeviceBuffer::allocate(int device, size_t bytes) {
  Expected<std::shared_ptr<DeviceContext>> dev = acquireDevice(device);
  if (!dev)
    return dev.error();
  auto impl = std::make_unique<Impl>();
  impl->device = *dev;
  const DriverApi &api = *impl->device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, impl->device->context); !s)
    return s.error();
  if (CUresult r = api.memAlloc(&impl->pointer, std::max<size_t>(bytes, 1));
      r != CUDA_SUCCESS) {
    impl->pointer = 0;
    return driverError(api, r, cat("cuMemAlloc(", bytes, " bytes)"));
  }
  impl->size = bytes;
  return DeviceBuffer(std::move(impl));
}

namespace {
Status checkCopy(bool allocated, size_t bytes, size_t size, const char *what) {
  if (!allocated)
    return makeError(Code::InvalidArgument,
                     cat(what, " on an empty (moved-from) DeviceBuffer"));
  if (bytes > size)
    return makeError(
        Code::InvalidArgument,
        cat(what, " of ", bytes, " bytes exceeds the buffer's ", size));
  return Status::success();
}
} // namespace

Status DeviceBuffer::upload(const void *src, size_t bytes) {
  if (Status s = checkCopy(impl != nullptr, bytes, size(), "upload"); !s)
    return s;
  const DriverApi &api = *impl->device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, impl->device->context); !s)
    return s;
  if (CUresult r = api.memcpyHtoD(impl->pointer, src, bytes); r != CUDA_SUCCESS)
    return driverError(api, r, "cuMemcpyHtoD");
  return Status::success();
}

Status DeviceBuffer::download(void *dst, size_t bytes) const {
  if (Status s = checkCopy(impl != nullptr, bytes, size(), "download"); !s)
    return s;
  const DriverApi &api = *impl->device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, impl->device->context); !s)
    return s;
  if (CUresult r = api.memcpyDtoH(dst, impl->pointer, bytes); r != CUDA_SUCCESS)
    return driverError(api, r, "cuMemcpyDtoH");
  return Status::success();
}

Status DeviceBuffer::fill(uint8_t byte) {
  if (!impl)
    return makeError(Code::InvalidArgument, "fill on an empty DeviceBuffer");
  const DriverApi &api = *impl->device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, impl->device->context); !s)
    return s;
  if (CUresult r = api.memsetD8(impl->pointer, byte, impl->size);
      r != CUDA_SUCCESS)
    return driverError(api, r, "cuMemsetD8");
  return Status::success();
}

Status sm120rt::synchronizeDevice(int device) {
  Expected<std::shared_ptr<DeviceContext>> dev = acquireDevice(device);
  if (!dev)
    return dev.error();
  const DriverApi &api = *(*dev)->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, (*dev)->context); !s)
    return s;
  if (CUresult r = api.ctxSynchronize(); r != CUDA_SUCCESS)
    return driverError(api, r,
                       cat("cuCtxSynchronize (device ", device,
                           "; a kernel fault surfaces here)"));
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Utility kernels
//===----------------------------------------------------------------------===//

namespace {

/// The embedded utility kernels loaded on one device. Kept for the
/// process's lifetime (never unloaded, like the module cache's map).
struct UtilityModule {
  std::shared_ptr<DeviceContext> device;
  CUmodule module = nullptr;
  std::mutex mutex;
  std::map<std::string, CUfunction> functions;
};

Expected<UtilityModule *> utilityModule(int ordinal) {
  if (utilityImage_size == 0)
    return makeError(Code::NotSupported,
                     "libsm120rt was built without nvcc, so it has no "
                     "utility kernels (scale packing, transposes, "
                     "quantizers); rebuild it with the CUDA toolkit's nvcc");
  static std::mutex mutex;
  static auto *modules = new std::map<int, UtilityModule *>();
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = modules->find(ordinal); it != modules->end())
    return it->second;
  Expected<std::shared_ptr<DeviceContext>> device = acquireDevice(ordinal);
  if (!device)
    return device.error();
  const DeviceInfo &info = (*device)->info;
  // Below sm_89 there is no cvt to e4m3, and the image has no code for it.
  if (info.ccMajor * 10 + info.ccMinor < 89)
    return makeError(Code::WrongArchitecture,
                     cat("device ", ordinal, " (", info.name, ") is sm_",
                         info.ccMajor, info.ccMinor,
                         "; the utility kernels need sm_89 or later"));
  const DriverApi &api = *(*device)->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, (*device)->context); !s)
    return s.error();
  CUmodule module = nullptr;
  if (CUresult r = api.moduleLoadData(&module, utilityImage); r != CUDA_SUCCESS)
    return driverError(api, r, "cuModuleLoadData (utility kernels)");
  auto *loaded = new UtilityModule();
  loaded->device = *device;
  loaded->module = module;
  modules->emplace(ordinal, loaded);
  return loaded;
}

} // namespace

Status sm120rt::detail::launchUtility(int device, void *stream,
                                      const UtilityLaunch &launch) {
  Expected<UtilityModule *> module = utilityModule(device);
  if (!module)
    return module.error();
  UtilityModule &m = **module;
  const DriverApi &api = *m.device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, m.device->context); !s)
    return s;
  CUstream hStream = static_cast<CUstream>(stream);
  if (Status s = checkStream(*m.device, hStream); !s)
    return s;
  CUfunction function = nullptr;
  {
    std::lock_guard<std::mutex> lock(m.mutex);
    CUfunction &slot = m.functions[launch.symbol];
    if (!slot)
      if (CUresult r = api.moduleGetFunction(&slot, m.module, launch.symbol);
          r != CUDA_SUCCESS) {
        slot = nullptr;
        return driverError(api, r,
                           cat("cuModuleGetFunction('", launch.symbol,
                               "') in the utility kernels"));
      }
    function = slot;
  }
  CUlaunchConfig config = launchConfig(launch.grid, launch.block, 0, hStream);
  void *params[] = {const_cast<void *>(launch.params)};
  if (CUresult r = api.launchKernelEx(&config, function, params, nullptr);
      r != CUDA_SUCCESS)
    return driverError(api, r,
                       cat("cuLaunchKernelEx('", launch.symbol, "', grid [",
                           launch.grid[0], ", ", launch.grid[1], ", ",
                           launch.grid[2], "])"));
  return Status::success();
}

struct StreamMemory::Impl {
  std::shared_ptr<DeviceContext> device;
  CUstream stream = nullptr;
  CUdeviceptr pointer = 0;
  ~Impl() {
    ScopedContext scope;
    if (pointer && scope.enter(*device->api, device->context))
      (void)device->api->memFreeAsync(pointer, stream);
  }
};

StreamMemory::StreamMemory(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
StreamMemory::StreamMemory(StreamMemory &&) noexcept = default;
StreamMemory &StreamMemory::operator=(StreamMemory &&) noexcept = default;
StreamMemory::~StreamMemory() = default;
void *StreamMemory::data() const {
  return impl ? reinterpret_cast<void *>(impl->pointer) : nullptr;
}

Expected<StreamMemory> StreamMemory::allocate(int device, void *stream,
                                              size_t bytes) {
  Expected<std::shared_ptr<DeviceContext>> dev = acquireDevice(device);
  if (!dev)
    return dev.error();
  auto impl = std::make_unique<Impl>();
  impl->device = *dev;
  impl->stream = static_cast<CUstream>(stream);
  const DriverApi &api = *impl->device->api;
  ScopedContext scope;
  if (Status s = scope.enter(api, impl->device->context); !s)
    return s.error();
  if (Status s = checkStream(*impl->device, impl->stream); !s)
    return s.error();
  if (CUresult r = api.memAllocAsync(&impl->pointer, std::max<size_t>(bytes, 1),
                                     impl->stream);
      r != CUDA_SUCCESS) {
    impl->pointer = 0;
    return driverError(api, r, cat("cuMemAllocAsync(", bytes, " bytes)"));
  }
  return StreamMemory(std::move(impl));
}

#else // !SM120RT_HAVE_CUDA

using namespace sm120rt;
using namespace sm120rt::detail;

namespace {
Error noDriverLayer() {
  return makeError(Code::NotSupported,
                   "libsm120rt was built without cuda.h, so it has no CUDA "
                   "driver layer; rebuild with the CUDA toolkit (CUDA_HOME)");
}
} // namespace

bool sm120rt::hasDriverLayer() { return false; }
Expected<int> sm120rt::deviceCount() { return noDriverLayer(); }
Expected<DeviceInfo> sm120rt::queryDevice(int) { return noDriverLayer(); }

struct Kernel::Impl {
  Bundle bundle;
  DeviceInfo info;
};
Kernel::Kernel(std::shared_ptr<const Impl> impl) : impl(std::move(impl)) {}
const Bundle &Kernel::bundle() const { return impl->bundle; }
const DeviceInfo &Kernel::deviceInfo() const { return impl->info; }
Expected<Kernel> Kernel::create(const Bundle &, int) { return noDriverLayer(); }
Status Kernel::launch(const TensorArg *, size_t, void *) const {
  return noDriverLayer();
}
Expected<std::vector<float>> Kernel::timeLaunches(const TensorArg *, size_t,
                                                  int, void *) const {
  return noDriverLayer();
}
struct PreparedLaunch::Impl {};
PreparedLaunch::PreparedLaunch(std::shared_ptr<Impl> impl)
    : impl(std::move(impl)) {}
Expected<PreparedLaunch> Kernel::prepare(const TensorArg *, size_t,
                                         void *) const {
  return noDriverLayer();
}
Status PreparedLaunch::enqueue() const { return noDriverLayer(); }

struct DeviceBuffer::Impl {};
DeviceBuffer::DeviceBuffer(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept = default;
DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept = default;
DeviceBuffer::~DeviceBuffer() = default;
void *DeviceBuffer::data() const { return nullptr; }
size_t DeviceBuffer::size() const { return 0; }
Expected<DeviceBuffer> DeviceBuffer::allocate(int, size_t) {
  return noDriverLayer();
}
Status DeviceBuffer::upload(const void *, size_t) { return noDriverLayer(); }
Status DeviceBuffer::download(void *, size_t) const { return noDriverLayer(); }
Status DeviceBuffer::fill(uint8_t) { return noDriverLayer(); }
Status sm120rt::synchronizeDevice(int) { return noDriverLayer(); }
Status sm120rt::detail::launchUtility(int, void *, const UtilityLaunch &) {
  return noDriverLayer();
}
struct StreamMemory::Impl {};
StreamMemory::StreamMemory(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
StreamMemory::StreamMemory(StreamMemory &&) noexcept = default;
StreamMemory &StreamMemory::operator=(StreamMemory &&) noexcept = default;
StreamMemory::~StreamMemory() = default;
void *StreamMemory::data() const { return nullptr; }
Expected<StreamMemory> StreamMemory::allocate(int, void *, size_t) {
  return noDriverLayer();
}

#endif // SM120RT_HAVE_CUDA
