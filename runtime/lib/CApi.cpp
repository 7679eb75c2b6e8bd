// The C API (sm120rt.h): opaque handles over the C++ API and a thread-local
// last-error message.

#include "Support.hpp"
#include "sm120rt/sm120rt.h"
#include "sm120rt/sm120rt.hpp"

#include <exception>
#include <new>
#include <string>
#include <vector>

using namespace sm120rt;
using namespace sm120rt::detail;

static_assert(
    SM120RT_OK == static_cast<int>(Code::Ok) &&
        SM120RT_INVALID_MANIFEST == static_cast<int>(Code::InvalidManifest) &&
        SM120RT_UNSUPPORTED_SCHEMA ==
            static_cast<int>(Code::UnsupportedSchema) &&
        SM120RT_MISSING_FILE == static_cast<int>(Code::MissingFile) &&
        SM120RT_WRONG_ARCHITECTURE ==
            static_cast<int>(Code::WrongArchitecture) &&
        SM120RT_INVALID_ARGUMENT == static_cast<int>(Code::InvalidArgument) &&
        SM120RT_DRIVER_ERROR == static_cast<int>(Code::DriverError) &&
        SM120RT_NO_DEVICE == static_cast<int>(Code::NoDevice) &&
        SM120RT_NOT_SUPPORTED == static_cast<int>(Code::NotSupported) &&
        SM120RT_INTERNAL == static_cast<int>(Code::Internal) &&
        SM120RT_COMPILE_ERROR == static_cast<int>(Code::CompileError),
    "sm120rt_status must mirror sm120rt::Code");
static_assert(SM120RT_DTYPE_F8E4M3 == static_cast<int>(DType::F8E4M3) &&
                  SM120RT_DTYPE_F4E2M1 == static_cast<int>(DType::F4E2M1) &&
                  SM120RT_DTYPE_F8E8M0 == static_cast<int>(DType::F8E8M0) &&
                  SM120RT_DTYPE_BF16 == static_cast<int>(DType::BF16) &&
                  SM120RT_DTYPE_F16 == static_cast<int>(DType::F16) &&
                  SM120RT_DTYPE_F32 == static_cast<int>(DType::F32) &&
                  SM120RT_DTYPE_I32 == static_cast<int>(DType::I32) &&
                  SM120RT_DTYPE_U8 == static_cast<int>(DType::U8),
              "sm120rt_dtype must mirror sm120rt::DType");

struct sm120rt_bundle {
  Bundle bundle;
  std::string chip; // NUL-terminated copies for the getters
};

struct sm120rt_kernel {
  Kernel kernel;
};

namespace {

thread_local std::string lastError;

sm120rt_status fail(const Error &error) {
  lastError = error.message;
  return static_cast<sm120rt_status>(error.code);
}

sm120rt_status fail(Code code, std::string message) {
  return fail(Error{code, std::move(message)});
}

/// Runs a C entry point's body; no C++ exception (only std::bad_alloc is
/// expected) may cross into C.
template <typename Body> sm120rt_status guarded(Body &&body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(Code::Internal, "out of host memory");
  } catch (const std::exception &e) {
    return fail(Code::Internal, cat("internal error: ", e.what()));
  } catch (...) {
    return fail(Code::Internal, "internal error");
  }
}

sm120rt_status wrapBundle(Expected<Bundle> bundle, sm120rt_bundle **out) {
  if (!bundle)
    return fail(bundle.error());
  auto *handle = new sm120rt_bundle{bundle.take(), std::string()};
  handle->chip = std::string(chipName(handle->bundle.manifest().chip));
  *out = handle;
  return SM120RT_OK;
}

} // namespace

extern "C" {

const char *sm120rt_last_error(void) { return lastError.c_str(); }

const char *sm120rt_status_name(sm120rt_status status) {
  switch (status) {
  case SM120RT_OK:
    return "SM120RT_OK";
  case SM120RT_INVALID_MANIFEST:
    return "SM120RT_INVALID_MANIFEST";
  case SM120RT_UNSUPPORTED_SCHEMA:
    return "SM120RT_UNSUPPORTED_SCHEMA";
  case SM120RT_MISSING_FILE:
    return "SM120RT_MISSING_FILE";
  case SM120RT_WRONG_ARCHITECTURE:
    return "SM120RT_WRONG_ARCHITECTURE";
  case SM120RT_INVALID_ARGUMENT:
    return "SM120RT_INVALID_ARGUMENT";
  case SM120RT_DRIVER_ERROR:
    return "SM120RT_DRIVER_ERROR";
  case SM120RT_NO_DEVICE:
    return "SM120RT_NO_DEVICE";
  case SM120RT_NOT_SUPPORTED:
    return "SM120RT_NOT_SUPPORTED";
  case SM120RT_INTERNAL:
    return "SM120RT_INTERNAL";
  case SM120RT_COMPILE_ERROR:
    return "SM120RT_COMPILE_ERROR";
  }
  return "SM120RT_UNKNOWN_STATUS";
}

sm120rt_status sm120rt_bundle_load_dir(const char *dir, sm120rt_bundle **out) {
  if (!out)
    return fail(Code::InvalidArgument, "sm120rt_bundle_load_dir: out is NULL");
  *out = nullptr;
  if (!dir)
    return fail(Code::InvalidArgument, "sm120rt_bundle_load_dir: dir is NULL");
  return guarded(
      [&] { return wrapBundle(Bundle::loadFromDirectory(dir), out); });
}

sm120rt_status sm120rt_bundle_load_memory(const char *manifest_json,
                                          size_t manifest_len,
                                          const void *cubin, size_t cubin_len,
                                          sm120rt_bundle **out) {
  if (!out)
    return fail(Code::InvalidArgument,
                "sm120rt_bundle_load_memory: out is NULL");
  *out = nullptr;
  if (!manifest_json || (!cubin && cubin_len))
    return fail(Code::InvalidArgument,
                cat("sm120rt_bundle_load_memory: ",
                    manifest_json ? "cubin" : "manifest_json", " is NULL"));
  return guarded([&] {
    std::string bytes(static_cast<const char *>(cubin), cubin ? cubin_len : 0);
    return wrapBundle(
        Bundle::loadFromMemory(std::string_view(manifest_json, manifest_len),
                               std::move(bytes)),
        out);
  });
}

void sm120rt_bundle_destroy(sm120rt_bundle *bundle) { delete bundle; }

const char *sm120rt_bundle_chip(const sm120rt_bundle *bundle) {
  return bundle ? bundle->chip.c_str() : "";
}

const char *sm120rt_bundle_symbol(const sm120rt_bundle *bundle) {
  return bundle ? bundle->bundle.manifest().kernelSymbol.c_str() : "";
}

const char *sm120rt_bundle_family(const sm120rt_bundle *bundle) {
  return bundle ? bundle->bundle.manifest().problemFamily.c_str() : "";
}

size_t sm120rt_bundle_num_tensors(const sm120rt_bundle *bundle) {
  return bundle ? bundle->bundle.manifest().tensors.size() : 0;
}

sm120rt_status sm120rt_kernel_create(const sm120rt_bundle *bundle, int device,
                                     sm120rt_kernel **out) {
  if (!out)
    return fail(Code::InvalidArgument, "sm120rt_kernel_create: out is NULL");
  *out = nullptr;
  if (!bundle)
    return fail(Code::InvalidArgument, "sm120rt_kernel_create: bundle is NULL");
  return guarded([&] {
    Expected<Kernel> kernel = Kernel::create(bundle->bundle, device);
    if (!kernel)
      return fail(kernel.error());
    *out = new sm120rt_kernel{kernel.take()};
    return SM120RT_OK;
  });
}

sm120rt_status sm120rt_kernel_launch(const sm120rt_kernel *kernel,
                                     const sm120rt_tensor *args,
                                     size_t num_args, void *stream) {
  if (!kernel)
    return fail(Code::InvalidArgument, "sm120rt_kernel_launch: kernel is NULL");
  if (!args && num_args)
    return fail(Code::InvalidArgument, "sm120rt_kernel_launch: args is NULL");
  return guarded([&] {
    std::vector<TensorArg> converted(num_args);
    for (size_t i = 0; i < num_args; ++i)
      converted[i] = TensorArg{args[i].data, static_cast<DType>(args[i].dtype),
                               args[i].rank, args[i].sizes, args[i].strides};
    Status status = kernel->kernel.launch(converted, stream);
    if (!status)
      return fail(status.error());
    return SM120RT_OK;
  });
}

void sm120rt_kernel_destroy(sm120rt_kernel *kernel) { delete kernel; }

} // extern "C"
