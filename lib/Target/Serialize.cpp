//===- Serialize.cpp - write a kernel bundle: cubin + manifest --*- C++ -*-===//
//
// The sm120-serialize pass: the kernel module (LLVM + NVVM dialects, one
// kernel function carrying `sm120.abi`) becomes PTX, then a cubin, then a
// bundle directory whose manifest.json follows docs/bundle-manifest.md.
//
//===----------------------------------------------------------------------===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Target/Target.h"
#include "sm120/Transforms/Passes.h"
#include "sm120rt/KernelCache.hpp"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::sm120 {
#define GEN_PASS_DEF_SERIALIZE
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;
namespace json = llvm::json;

static constexpr int kSchemaVersion = 1;

namespace {

/// Manifest name of a tensor element type.
std::optional<StringRef> dtypeName(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return StringRef("f8e4m3");
  if (isa<Float4E2M1FNType>(t))
    return StringRef("f4e2m1");
  if (isa<Float8E8M0FNUType>(t))
    return StringRef("f8e8m0");
  if (t.isBF16())
    return StringRef("bf16");
  if (t.isF16())
    return StringRef("f16");
  if (t.isF32())
    return StringRef("f32");
  if (t.isInteger(32))
    return StringRef("i32");
  if (t.isInteger(8))
    return StringRef("u8");
  return std::nullopt;
}

/// TMA element type of a tensor element type (see docs/bundle-manifest.md).
StringRef tmaDtype(Type t, bool fp4Unpack) {
  // Packed FP4 travels as bytes (u8 over f4e2m1): the same copy on every
  // chip, where the 4-bit TMA types exist on Blackwell only.
  if (isa<Float4E2M1FNType>(t))
    return fp4Unpack ? "u4x16_align16" : "u8";
  if (t.isBF16())
    return "bf16";
  if (t.isF16())
    return "f16";
  if (t.isF32())
    return "f32";
  if (t.isInteger(32))
    return "i32";
  return "u8"; // every 1-byte type
}

json::Value toJson(Attribute attr) {
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.getValue().str();
  if (auto b = dyn_cast<BoolAttr>(attr))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto a = dyn_cast<ArrayAttr>(attr)) {
    json::Array out;
    for (Attribute e : a)
      out.push_back(toJson(e));
    return out;
  }
  if (auto d = dyn_cast<DictionaryAttr>(attr)) {
    json::Object out;
    for (NamedAttribute n : d)
      out[n.getName().getValue()] = toJson(n.getValue());
    return out;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << attr;
  return text;
}

json::Array toJsonArray(ArrayRef<int64_t> values) {
  json::Array out;
  for (int64_t v : values)
    out.push_back(v);
  return out;
}

/// The dimension with unit stride (the last one when none has).
int64_t contiguousDim(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  (void)type.getStridesAndOffset(strides, offset); // verified by the attr
  int64_t contiguous = type.getRank() - 1;
  for (auto [i, s] : llvm::enumerate(strides))
    if (s == 1)
      contiguous = i;
  return contiguous;
}

FailureOr<json::Object> buildManifest(LLVM::LLVMFuncOp kernel,
                                      KernelAbiAttr abi, const ChipInfo &chip,
                                      StringRef cubinName,
                                      const AssemblerReport &report,
                                      const CompileTimes &times) {
  json::Array tensors;
  for (TensorArgAttr t : abi.getTensorArgs()) {
    MemRefType type = t.getType();
    std::optional<StringRef> dtype = dtypeName(type.getElementType());
    if (!dtype)
      return kernel.emitError()
             << "abi tensor '" << t.getName() << "' has element type "
             << type.getElementType() << ", which the runtime does not support";
    int64_t contiguous = contiguousDim(type);
    SmallVector<int64_t> shape;
    for (int64_t d : type.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    tensors.push_back(json::Object{{"name", t.getName().str()},
                                   {"dtype", dtype->str()},
                                   {"shape", toJsonArray(shape)},
                                   {"contiguous_dim", contiguous}});
  }

  json::Array params;
  for (Attribute p : abi.getParams()) {
    if (auto ptr = dyn_cast<PointerParamAttr>(p)) {
      params.push_back(
          json::Object{{"kind", "pointer"}, {"tensor", ptr.getTensor()}});
    } else if (auto dim = dyn_cast<DimParamAttr>(p)) {
      params.push_back(
          json::Object{{"kind", "dim"},
                       {"tensor", dim.getTensor()},
                       {"dim", dim.getDim()},
                       {"dtype", dim.getType().isInteger(32) ? "i32" : "i64"}});
    } else if (auto stride = dyn_cast<StrideParamAttr>(p)) {
      params.push_back(json::Object{{"kind", "stride"},
                                    {"tensor", stride.getTensor()},
                                    {"dim", stride.getDim()}});
    } else if (auto scratch = dyn_cast<ScratchParamAttr>(p)) {
      params.push_back(
          json::Object{{"kind", "scratch"},
                       {"bytes_per_block", scratch.getBytesPerBlock()}});
    } else {
      auto tma = cast<TmaParamAttr>(p);
      MemRefType type = abi.getTensorArgs()[tma.getTensor()].getType();
      Type elem = type.getElementType();
      // u8 over packed FP4 counts bytes along the contiguous dim (a
      // rewritten descriptor's views are contiguous in their last).
      SmallVector<int64_t> box(tma.getBox());
      if (isa<Float4E2M1FNType>(elem) && !tma.getFp4Unpack())
        box[tma.getDeviceRewritten() ? box.size() - 1 : contiguousDim(type)] /=
            2;
      json::Object param{{"kind", "tma"},
                         {"tensor", tma.getTensor()},
                         {"dtype", tmaDtype(elem, tma.getFp4Unpack()).str()},
                         {"box", toJsonArray(box)},
                         {"element_strides", toJsonArray(SmallVector<int64_t>(
                                                 tma.getBox().size(), 1))},
                         {"swizzle", tma.getSwizzle()},
                         {"interleave", "none"},
                         {"l2_promotion", tma.getL2Promotion()},
                         {"oob_fill", tma.getOobNan() ? "nan" : "zero"}};
      if (tma.getDeviceRewritten())
        param["device_rewritten"] = true;
      params.push_back(std::move(param));
    }
  }

  LaunchAttr launch = abi.getLaunch();
  json::Object grid;
  if (!launch.getGrid().empty()) {
    grid = json::Object{{"kind", "fixed"},
                        {"size", toJsonArray(launch.getGrid())}};
  } else {
    json::Array factors;
    for (TileFactorAttr f : launch.getTileFactors())
      factors.push_back(json::Object{{"tensor", f.getTensor()},
                                     {"dim", f.getDim()},
                                     {"tile", f.getTile()}});
    grid =
        json::Object{{"kind", launch.getPersistent() ? "persistent" : "tiles"},
                     {"factors", std::move(factors)}};
  }

  return json::Object{
      {"schema", "sm120.bundle"},
      {"schema_version", kSchemaVersion},
      {"compiler",
       json::Object{{"name", "sm120"}, {"version", compilerVersion()}}},
      {"chip", chip.name.str()},
      {"kernel", json::Object{{"symbol", kernel.getSymName().str()},
                              {"cubin", cubinName.str()}}},
      {"tensors", std::move(tensors)},
      {"params", std::move(params)},
      {"launch", json::Object{{"block", toJsonArray(launch.getBlock())},
                              {"dynamic_smem_bytes", launch.getDynamicSmem()},
                              {"grid", std::move(grid)}}},
      {"problem", toJson(abi.getProblem())},
      {"assembler", json::Object{{"tool", report.tool},
                                 {"registers", report.registers},
                                 {"spill_store_bytes", report.spillStoreBytes},
                                 {"spill_load_bytes", report.spillLoadBytes},
                                 {"stack_bytes", report.stackBytes},
                                 {"shared_bytes", report.sharedBytes}}},
      {"compile_ms", json::Object{{"translate", times.translate},
                                  {"codegen", times.codegen},
                                  {"assemble", times.assemble}}},
  };
}

/// Writes `data` to `dir/name` through a temporary file and a rename, so a
/// reader never sees a partial file.
LogicalResult writeAtomically(StringRef dir, StringRef name, StringRef data,
                              Location loc) {
  SmallString<256> path(dir), temp;
  llvm::sys::path::append(path, name);
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, temp))
    return emitError(loc) << "cannot write " << path << ": " << ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << data;
    os.close();
    if (os.has_error()) {
      llvm::sys::fs::remove(temp);
      return emitError(loc)
             << "cannot write " << path << ": " << os.error().message();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return emitError(loc) << "cannot write " << path << ": " << ec.message();
  }
  return success();
}

LogicalResult writeText(StringRef path, StringRef text, Location loc) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return emitError(loc) << "cannot write " << path << ": " << error;
  file->os() << text;
  file->keep();
  return success();
}

struct Serialize : sm120::impl::SerializeBase<Serialize> {
  using SerializeBase::SerializeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<ChipInfo> chipInfo = lookupChip(chip);
    if (!chipInfo) {
      module.emitError() << "unknown chip '" << chip << "'; expected one of "
                         << supportedChips();
      return signalPassFailure();
    }
    // Without an output directory only the PTX is wanted.
    bool assemble = !output.empty() && hasAssembler(toolkit);
    // The PTX is written as soon as it exists: a kernel the assembler
    // rejects still leaves its PTX for inspection.
    bool written = true;
    FailureOr<KernelBundle> bundle = buildBundle(
        module, *chipInfo, optLevel, toolkit, assemble,
        [&](const KernelBundle &b) { // no cubin yet: writes the PTX
          if (!ptxFile.empty())
            written &= succeeded(writeText(ptxFile, b.ptx, module.getLoc()));
          if (!output.empty())
            written &= succeeded(writeBundle(b, output, module.getLoc()));
        });
    if (failed(bundle) || !written)
      return signalPassFailure();
    if (output.empty())
      return;
    if (failed(writeBundle(*bundle, output, module.getLoc())))
      return signalPassFailure();
    if (!assemble) {
      module.emitWarning()
          << "no CUDA toolkit found (set CUDA_HOME or the 'toolkit' "
             "option): stopped at PTX, wrote "
          << output << "/" << bundle->baseName
          << ".ptx and no cubin or manifest";
      return;
    }
    if (printReport) {
      const AssemblerReport &report = bundle->report;
      const CompileTimes &times = bundle->times;
      llvm::outs() << llvm::formatv(
          "{0} for {1}: {2} registers, {3} bytes spill stores, {4} bytes "
          "spill loads, {5} bytes stack, {6} bytes static smem ({7}); "
          "translate {8:f1} ms, codegen {9:f1} ms, assemble {10:f1} ms\n",
          bundle->kernel, chipInfo->name, report.registers,
          report.spillStoreBytes, report.spillLoadBytes, report.stackBytes,
          report.sharedBytes, report.tool, times.translate, times.codegen,
          times.assemble);
    }
  }
};

} // namespace

FailureOr<KernelBundle> mlir::sm120::buildBundle(
    ModuleOp module, const ChipInfo &chip, unsigned optLevel, StringRef toolkit,
    bool assemble, llvm::function_ref<void(const KernelBundle &)> translated) {
  SmallVector<LLVM::LLVMFuncOp> kernels;
  module.walk([&](LLVM::LLVMFuncOp fn) {
    if (fn->hasAttr(SM120Dialect::kAbiAttrName))
      kernels.push_back(fn);
  });
  if (kernels.size() != 1)
    return module.emitError()
           << "expected exactly one kernel function with '"
           << SM120Dialect::kAbiAttrName << "'; found " << kernels.size()
           << " (a bundle holds one kernel: compile each problem op, "
              "sm120.gemm or another, from a module of its own)";
  LLVM::LLVMFuncOp kernel = kernels.front();
  auto abi = cast<KernelAbiAttr>(kernel->getAttr(SM120Dialect::kAbiAttrName));
  uint64_t smem = abi.getLaunch().getDynamicSmem();
  if (smem > chip.maxDynamicSmem)
    return kernel.emitError()
           << "kernel needs " << smem << " bytes of dynamic shared memory; "
           << chip.name << " allows " << chip.maxDynamicSmem;

  KernelBundle bundle;
  bundle.kernel = kernel.getSymName().str();
  bundle.baseName = llvm::formatv("{0}.{1}", bundle.kernel, chip.name).str();
  FailureOr<std::string> ptx =
      translateToPTX(module, chip, optLevel, bundle.times);
  if (failed(ptx))
    return failure();
  bundle.ptx = std::move(*ptx);
  if (translated)
    translated(bundle);
  if (!assemble)
    return bundle;

  FailureOr<std::vector<char>> cubin =
      assemblePTX(bundle.ptx, chip, bundle.kernel, toolkit, kernel.getLoc(),
                  bundle.report, bundle.times);
  if (failed(cubin))
    return failure();
  bundle.cubin.assign(cubin->begin(), cubin->end());
  FailureOr<json::Object> manifest =
      buildManifest(kernel, abi, chip, bundle.baseName + ".cubin",
                    bundle.report, bundle.times);
  if (failed(manifest))
    return failure();
  llvm::raw_string_ostream os(bundle.manifest);
  os << llvm::formatv("{0:2}", json::Value(std::move(*manifest))) << "\n";
  return bundle;
}

LogicalResult mlir::sm120::writeBundle(const KernelBundle &bundle,
                                       StringRef dir, Location loc) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return emitError(loc) << "cannot create bundle directory '" << dir
                          << "': " << ec.message();
  if (failed(writeAtomically(dir, bundle.baseName + ".ptx", bundle.ptx, loc)))
    return failure();
  if (bundle.cubin.empty())
    return success();
  // The manifest goes last: a directory with a manifest is a whole bundle.
  if (failed(writeAtomically(dir, bundle.baseName + ".cubin", bundle.cubin,
                             loc)) ||
      failed(writeAtomically(dir, "manifest.json", bundle.manifest, loc)))
    return failure();
  return success();
}

StringRef mlir::sm120::compilerVersion() {
  return StringRef(sm120rt::kVersion.data(), sm120rt::kVersion.size());
}
