// Bundle manifests: names of enums, JSON parsing, semantic validation,
// serialization, and loading bundles from a directory or from memory.

#include "Support.hpp"
#include "sm120rt/sm120rt.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

using namespace sm120rt;
using namespace sm120rt::detail;

// ordered_json keeps the document's key order, so `problem` round-trips
// verbatim and serialized manifests read in the order the spec lists.
using Json = nlohmann::ordered_json;

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

const char *sm120rt::codeName(Code code) {
  switch (code) {
  case Code::Ok:
    return "Ok";
  case Code::InvalidManifest:
    return "InvalidManifest";
  case Code::UnsupportedSchema:
    return "UnsupportedSchema";
  case Code::MissingFile:
    return "MissingFile";
  case Code::WrongArchitecture:
    return "WrongArchitecture";
  case Code::InvalidArgument:
    return "InvalidArgument";
  case Code::DriverError:
    return "DriverError";
  case Code::NoDevice:
    return "NoDevice";
  case Code::NotSupported:
    return "NotSupported";
  case Code::Internal:
    return "Internal";
  case Code::CompileError:
    return "CompileError";
  }
  return "UnknownCode";
}

namespace {
struct DTypeInfo {
  DType dtype;
  const char *name;
  int bits;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F8E4M3, "f8e4m3", 8}, {DType::F4E2M1, "f4e2m1", 4},
    {DType::F8E8M0, "f8e8m0", 8}, {DType::BF16, "bf16", 16},
    {DType::F16, "f16", 16},      {DType::F32, "f32", 32},
    {DType::I32, "i32", 32},      {DType::U8, "u8", 8},
};

struct TmaDTypeInfo {
  TmaDType dtype;
  const char *name;
  int bits;
};
constexpr TmaDTypeInfo kTmaDTypes[] = {
    {TmaDType::U8, "u8", 8},
    {TmaDType::U16, "u16", 16},
    {TmaDType::U32, "u32", 32},
    {TmaDType::I32, "i32", 32},
    {TmaDType::F32, "f32", 32},
    {TmaDType::BF16, "bf16", 16},
    {TmaDType::F16, "f16", 16},
    {TmaDType::U4x16Align8, "u4x16_align8", 4},
    {TmaDType::U4x16Align16, "u4x16_align16", 4},
};

struct ChipInfo {
  Chip chip;
  const char *name;
  int major;
  int minor;
  uint32_t maxSharedPerBlock;
  bool family = false; // runs on major.minor and the family's later minors
};
// Opt-in shared memory per block: 99 KiB on sm_120/sm_121, 227 KiB on sm_90.
constexpr ChipInfo kChips[] = {
    {Chip::SM120a, "sm_120a", 12, 0, 101376},
    {Chip::SM121a, "sm_121a", 12, 1, 101376},
    {Chip::SM120f, "sm_120f", 12, 0, 101376, /*family=*/true},
    {Chip::SM90a, "sm_90a", 9, 0, 232448},
};

const ChipInfo &chipInfo(Chip chip) {
  for (const ChipInfo &info : kChips)
    if (info.chip == chip)
      return info;
  return kChips[0];
}

template <typename Table> std::string namesOf(const Table &table) {
  std::string names;
  for (const auto &entry : table)
    names += (names.empty() ? "" : ", ") + std::string(entry.name);
  return names;
}
} // namespace

std::string sm120rt::dtypeName(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.name;
  return cat("dtype #", static_cast<int>(dtype));
}

std::optional<DType> sm120rt::parseDType(std::string_view name) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name)
      return info.dtype;
  return std::nullopt;
}

std::string_view sm120rt::scaleFormatName(ScaleRecipe::Format format) {
  switch (format) {
  case ScaleRecipe::Format::UE8M0:
    return "ue8m0";
  case ScaleRecipe::Format::UE4M3:
    return "ue4m3";
  case ScaleRecipe::Format::F32:
    return "f32";
  }
  return "?";
}

std::optional<ScaleRecipe::Format>
sm120rt::parseScaleFormat(std::string_view name) {
  for (ScaleRecipe::Format f :
       {ScaleRecipe::Format::UE8M0, ScaleRecipe::Format::UE4M3,
        ScaleRecipe::Format::F32})
    if (name == scaleFormatName(f))
      return f;
  return std::nullopt;
}

int sm120rt::dtypeBits(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.bits;
  return 0;
}

std::string_view sm120rt::tmaDTypeName(TmaDType dtype) {
  for (const TmaDTypeInfo &info : kTmaDTypes)
    if (info.dtype == dtype)
      return info.name;
  return "unknown";
}

std::optional<TmaDType> sm120rt::parseTmaDType(std::string_view name) {
  for (const TmaDTypeInfo &info : kTmaDTypes)
    if (name == info.name)
      return info.dtype;
  return std::nullopt;
}

int sm120rt::tmaDTypeBits(TmaDType dtype) {
  for (const TmaDTypeInfo &info : kTmaDTypes)
    if (info.dtype == dtype)
      return info.bits;
  return 0;
}

std::string_view sm120rt::chipName(Chip chip) { return chipInfo(chip).name; }

std::optional<Chip> sm120rt::parseChip(std::string_view name) {
  for (const ChipInfo &info : kChips)
    if (name == info.name)
      return info.chip;
  return std::nullopt;
}

std::pair<int, int> sm120rt::chipComputeCapability(Chip chip) {
  return {chipInfo(chip).major, chipInfo(chip).minor};
}

uint32_t sm120rt::chipMaxSharedBytesPerBlock(Chip chip) {
  return chipInfo(chip).maxSharedPerBlock;
}

Status sm120rt::checkChipForDevice(Chip chip, int major, int minor,
                                   int device) {
  // Arch-specific ("a") cubins run on exactly one compute capability, a
  // family's ("f") on every later minor version of its major one too.
  const ChipInfo &info = chipInfo(chip);
  if (major == info.major &&
      (minor == info.minor || (info.family && minor > info.minor)))
    return Status::success();
  return makeError(
      Code::WrongArchitecture,
      cat("bundle built for ", chipName(chip), "; device ", device, " is sm_",
          major * 10 + minor, " (compute capability ", major, ".", minor, "; ",
          chipName(chip), " needs ", info.major, ".", info.minor,
          info.family ? cat(" or a later ", info.major, ".x") : std::string(),
          ")"));
}

int Manifest::findTensor(std::string_view name) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == name)
      return static_cast<int>(i);
  return -1;
}

//===----------------------------------------------------------------------===//
// Parsing: JSON types, presence, enum spellings
//===----------------------------------------------------------------------===//

namespace {

Error manifestError(std::string message) {
  return makeError(Code::InvalidManifest,
                   cat("invalid manifest: ", std::move(message)));
}

std::string join(const std::string &path, const char *key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

std::string indexPath(const std::string &path, size_t i) {
  return cat(path, "[", i, "]");
}

/// Reads typed fields out of JSON objects; the first failure is kept in
/// `error` and every getter then returns false.
class Reader {
public:
  std::optional<Error> error;

  bool fail(std::string message) {
    if (!error)
      error = manifestError(std::move(message));
    return false;
  }

  /// The member `key` of object `obj` (at `path`); nullptr if absent.
  const Json *find(const Json &obj, const char *key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  const Json *require(const Json &obj, const std::string &path,
                      const char *key) {
    if (error)
      return nullptr;
    const Json *value = find(obj, key);
    if (!value)
      fail(cat("missing required field '", join(path, key), "'"));
    return value;
  }

  bool expectType(const Json &value, const std::string &path, bool ok,
                  const char *what) {
    if (error)
      return false;
    if (!ok)
      return fail(
          cat("'", path, "' must be ", what, "; got ", value.type_name()));
    return true;
  }

  bool object(const Json &value, const std::string &path) {
    return expectType(value, path, value.is_object(), "an object");
  }
  bool array(const Json &value, const std::string &path) {
    return expectType(value, path, value.is_array(), "an array");
  }

  bool string(const Json &value, const std::string &path, std::string &out) {
    if (!expectType(value, path, value.is_string(), "a string"))
      return false;
    out = value.get<std::string>();
    return true;
  }

  /// An integer that fits [lo, hi]; the range guards the narrowing into the
  /// struct (the semantic limits are checked by validateManifest).
  bool integer(const Json &value, const std::string &path, int64_t lo,
               int64_t hi, int64_t &out) {
    if (!expectType(value, path, value.is_number_integer(), "an integer"))
      return false;
    if (value.is_number_unsigned() &&
        value.get<uint64_t>() >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return fail(cat("'", path, "' is ", value.get<uint64_t>(),
                      "; expected at most ", hi));
    int64_t v = value.get<int64_t>();
    if (v < lo || v > hi)
      return fail(cat("'", path, "' is ", v, "; expected ", lo, "..", hi));
    out = v;
    return true;
  }

  bool number(const Json &value, const std::string &path, double &out) {
    if (!expectType(value, path, value.is_number(), "a number"))
      return false;
    out = value.get<double>();
    return true;
  }

  // Field forms: read member `key` of `obj` at `path`.
  bool stringField(const Json &obj, const std::string &path, const char *key,
                   std::string &out) {
    const Json *v = require(obj, path, key);
    return v && string(*v, join(path, key), out);
  }
  template <typename T>
  bool intField(const Json &obj, const std::string &path, const char *key,
                T &out) {
    const Json *v = require(obj, path, key);
    int64_t wide = 0;
    if (!v ||
        !integer(*v, join(path, key),
                 static_cast<int64_t>(std::numeric_limits<T>::min()),
                 static_cast<int64_t>(std::numeric_limits<T>::max()), wide))
      return false;
    out = static_cast<T>(wide);
    return true;
  }
  template <typename T>
  bool intArrayField(const Json &obj, const std::string &path, const char *key,
                     std::vector<T> &out) {
    const Json *v = require(obj, path, key);
    std::string here = join(path, key);
    if (!v || !array(*v, here))
      return false;
    out.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      int64_t wide = 0;
      if (!integer((*v)[i], indexPath(here, i),
                   static_cast<int64_t>(std::numeric_limits<T>::min()),
                   static_cast<int64_t>(std::numeric_limits<T>::max()), wide))
        return false;
      out.push_back(static_cast<T>(wide));
    }
    return true;
  }
  bool dim3Field(const Json &obj, const std::string &path, const char *key,
                 std::array<uint32_t, 3> &out) {
    std::vector<uint32_t> values;
    if (!intArrayField(obj, path, key, values))
      return false;
    if (values.size() != 3)
      return fail(cat("'", join(path, key), "' has ", values.size(),
                      " entries; expected 3 (x, y, z)"));
    std::copy(values.begin(), values.end(), out.begin());
    return true;
  }
};

/// Rejects documents nested deeper than this while parsing, so hostile
/// input cannot exhaust the stack in later recursive walks (dump, destroy).
constexpr int kMaxJsonDepth = 64;

struct TooDeep : std::exception {
  const char *what() const noexcept override { return "too deep"; }
};

bool parseTensor(Reader &r, const Json &j, const std::string &path,
                 TensorSpec &t) {
  if (!r.object(j, path) || !r.stringField(j, path, "name", t.name))
    return false;
  std::string dtype;
  if (!r.stringField(j, path, "dtype", dtype))
    return false;
  std::optional<DType> parsed = parseDType(dtype);
  if (!parsed)
    return r.fail(cat("'", join(path, "dtype"), "' is '", dtype,
                      "'; expected one of ", namesOf(kDTypes)));
  t.dtype = *parsed;
  return r.intArrayField(j, path, "shape", t.shape) &&
         r.intField(j, path, "contiguous_dim", t.contiguousDim);
}

bool parseParam(Reader &r, const Json &j, const std::string &path,
                ParamSpec &p) {
  std::string kind;
  if (!r.object(j, path) || !r.stringField(j, path, "kind", kind))
    return false;
  if (kind == "scratch") {
    p.kind = ParamKind::Scratch;
    p.tensor = -1;
    return r.intField(j, path, "bytes_per_block", p.scratchBytesPerBlock);
  }
  if (!r.intField(j, path, "tensor", p.tensor))
    return false;
  if (kind == "pointer") {
    p.kind = ParamKind::Pointer;
    return true;
  }
  if (kind == "stride") {
    p.kind = ParamKind::Stride;
    return r.intField(j, path, "dim", p.dim);
  }
  if (kind == "dim") {
    p.kind = ParamKind::Dim;
    std::string dtype;
    if (!r.intField(j, path, "dim", p.dim) ||
        !r.stringField(j, path, "dtype", dtype))
      return false;
    if (dtype == "i32")
      p.dimType = IntType::I32;
    else if (dtype == "i64")
      p.dimType = IntType::I64;
    else
      return r.fail(cat("'", join(path, "dtype"), "' is '", dtype,
                        "'; a dim parameter is i32 or i64"));
    return true;
  }
  if (kind != "tma")
    return r.fail(cat("'", join(path, "kind"), "' is '", kind,
                      "'; expected pointer, dim, stride, tma or scratch"));
  p.kind = ParamKind::Tma;
  TmaSpec &t = p.tma;
  std::string dtype, oob;
  if (!r.stringField(j, path, "dtype", dtype))
    return false;
  std::optional<TmaDType> parsed = parseTmaDType(dtype);
  if (!parsed)
    return r.fail(cat("'", join(path, "dtype"), "' is '", dtype,
                      "'; expected one of ", namesOf(kTmaDTypes)));
  t.dtype = *parsed;
  if (!r.intArrayField(j, path, "box", t.box) ||
      !r.intArrayField(j, path, "element_strides", t.elementStrides) ||
      !r.intField(j, path, "swizzle", t.swizzleBytes) ||
      !r.stringField(j, path, "interleave", t.interleave) ||
      !r.intField(j, path, "l2_promotion", t.l2PromotionBytes) ||
      !r.stringField(j, path, "oob_fill", oob))
    return false;
  if (oob == "zero")
    t.oobFill = OobFill::Zero;
  else if (oob == "nan")
    t.oobFill = OobFill::Nan;
  else
    return r.fail(cat("'", join(path, "oob_fill"), "' is '", oob,
                      "'; expected zero or nan"));
  if (const Json *rewritten = r.find(j, "device_rewritten")) {
    if (!r.expectType(*rewritten, join(path, "device_rewritten"),
                      rewritten->is_boolean(), "a boolean"))
      return false;
    t.deviceRewritten = rewritten->get<bool>();
  }
  return true;
}

bool parseLaunch(Reader &r, const Json &j, LaunchSpec &l) {
  const std::string path = "launch";
  if (!r.object(j, path) || !r.dim3Field(j, path, "block", l.block) ||
      !r.intField(j, path, "dynamic_smem_bytes", l.dynamicSmemBytes))
    return false;
  const Json *grid = r.require(j, path, "grid");
  const std::string gpath = "launch.grid";
  std::string kind;
  if (!grid || !r.object(*grid, gpath) ||
      !r.stringField(*grid, gpath, "kind", kind))
    return false;
  if (kind == "fixed") {
    l.grid.kind = GridKind::Fixed;
    return r.dim3Field(*grid, gpath, "size", l.grid.size);
  }
  if (kind == "tiles")
    l.grid.kind = GridKind::Tiles;
  else if (kind == "persistent")
    l.grid.kind = GridKind::Persistent;
  else
    return r.fail(cat("'launch.grid.kind' is '", kind,
                      "'; expected fixed, tiles or persistent"));
  const Json *factors = r.require(*grid, gpath, "factors");
  const std::string fpath = "launch.grid.factors";
  if (!factors || !r.array(*factors, fpath))
    return false;
  for (size_t i = 0; i < factors->size(); ++i) {
    GridFactor f;
    std::string here = indexPath(fpath, i);
    const Json &fj = (*factors)[i];
    if (!r.object(fj, here) || !r.intField(fj, here, "tensor", f.tensor) ||
        !r.intField(fj, here, "dim", f.dim) ||
        !r.intField(fj, here, "tile", f.tile))
      return false;
    l.grid.factors.push_back(f);
  }
  return true;
}

bool parseProblem(Reader &r, const Json &j, Manifest &m) {
  if (!r.object(j, "problem") ||
      !r.stringField(j, "problem", "family", m.problemFamily))
    return false;
  m.problemJson = j.dump();
  m.problemOutputs.clear();
  if (const Json *outputs = r.find(j, "outputs")) {
    if (!r.array(*outputs, "problem.outputs"))
      return false;
    for (size_t i = 0; i < outputs->size(); ++i) {
      std::string name;
      if (!r.string((*outputs)[i], indexPath("problem.outputs", i), name))
        return false;
      m.problemOutputs.push_back(name);
    }
  }
  return true;
}

bool parseAssembler(Reader &r, const Json &j, AssemblerInfo &a) {
  const std::string path = "assembler";
  return r.object(j, path) && r.stringField(j, path, "tool", a.tool) &&
         r.intField(j, path, "registers", a.registers) &&
         r.intField(j, path, "spill_store_bytes", a.spillStoreBytes) &&
         r.intField(j, path, "spill_load_bytes", a.spillLoadBytes) &&
         r.intField(j, path, "stack_bytes", a.stackBytes) &&
         r.intField(j, path, "shared_bytes", a.sharedBytes);
}

Expected<Manifest> parseDocument(const Json &doc) {
  Reader r;
  Manifest m;
  if (!r.object(doc, "(document)"))
    return *r.error;

  // The schema is checked first so that a newer manifest is reported as
  // such rather than as a missing field.
  const Json *schema = r.require(doc, "", "schema");
  if (!schema || !r.string(*schema, "schema", m.schema))
    return *r.error;
  if (m.schema != kSchemaName)
    return makeError(Code::UnsupportedSchema,
                     cat("manifest schema is '", m.schema, "'; expected '",
                         kSchemaName, "'"));
  const Json *version = r.require(doc, "", "schema_version");
  int64_t v = 0;
  if (!version || !r.integer(*version, "schema_version",
                             std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max(), v))
    return *r.error;
  if (v != kSchemaVersion)
    return makeError(Code::UnsupportedSchema,
                     cat("manifest schema_version is ", v,
                         "; this runtime reads version ", kSchemaVersion));
  m.schemaVersion = static_cast<int>(v);

  const Json *compiler = r.require(doc, "", "compiler");
  if (!compiler || !r.object(*compiler, "compiler") ||
      !r.stringField(*compiler, "compiler", "name", m.compilerName) ||
      !r.stringField(*compiler, "compiler", "version", m.compilerVersion))
    return *r.error;

  std::string chip;
  if (!r.stringField(doc, "", "chip", chip))
    return *r.error;
  std::optional<Chip> parsedChip = parseChip(chip);
  if (!parsedChip)
    return manifestError(
        cat("'chip' is '", chip, "'; expected one of ", namesOf(kChips)));
  m.chip = *parsedChip;

  const Json *kernel = r.require(doc, "", "kernel");
  if (!kernel || !r.object(*kernel, "kernel") ||
      !r.stringField(*kernel, "kernel", "symbol", m.kernelSymbol) ||
      !r.stringField(*kernel, "kernel", "cubin", m.kernelCubin))
    return *r.error;

  const Json *tensors = r.require(doc, "", "tensors");
  if (!tensors || !r.array(*tensors, "tensors"))
    return *r.error;
  for (size_t i = 0; i < tensors->size(); ++i) {
    TensorSpec t;
    if (!parseTensor(r, (*tensors)[i], indexPath("tensors", i), t))
      return *r.error;
    m.tensors.push_back(std::move(t));
  }

  const Json *params = r.require(doc, "", "params");
  if (!params || !r.array(*params, "params"))
    return *r.error;
  for (size_t i = 0; i < params->size(); ++i) {
    ParamSpec p;
    if (!parseParam(r, (*params)[i], indexPath("params", i), p))
      return *r.error;
    m.params.push_back(std::move(p));
  }

  const Json *launch = r.require(doc, "", "launch");
  if (!launch || !parseLaunch(r, *launch, m.launch))
    return *r.error;
  const Json *problem = r.require(doc, "", "problem");
  if (!problem || !parseProblem(r, *problem, m))
    return *r.error;
  const Json *assembler = r.require(doc, "", "assembler");
  if (!assembler || !parseAssembler(r, *assembler, m.assembler))
    return *r.error;

  if (const Json *compileMs = r.find(doc, "compile_ms")) {
    if (!r.object(*compileMs, "compile_ms"))
      return *r.error;
    for (auto it = compileMs->begin(); it != compileMs->end(); ++it) {
      double ms = 0;
      if (!r.number(it.value(), "compile_ms." + it.key(), ms))
        return *r.error;
      m.compileMs.emplace_back(it.key(), ms);
    }
  }
  return m;
}

} // namespace

Expected<Manifest> sm120rt::parseManifest(std::string_view jsonText) {
  try {
    Json doc = Json::parse(jsonText.begin(), jsonText.end(),
                           [](int depth, Json::parse_event_t, Json &) {
                             if (depth > kMaxJsonDepth)
                               throw TooDeep();
                             return true;
                           });
    Expected<Manifest> manifest = parseDocument(doc);
    if (!manifest)
      return manifest;
    if (Status valid = validateManifest(*manifest); !valid)
      return valid.error();
    return manifest;
  } catch (const TooDeep &) {
    return manifestError(
        cat("JSON nesting deeper than ", kMaxJsonDepth, " levels"));
  } catch (const nlohmann::json::exception &e) {
    // parse_error carries the byte position; type_error covers strings that
    // are not valid UTF-8 when `problem` is dumped.
    return manifestError(cat("not valid JSON: ", e.what()));
  } catch (const std::exception &e) {
    return manifestError(cat("cannot be read: ", e.what()));
  }
}

//===----------------------------------------------------------------------===//
// Validation: ranges and cross-references
//===----------------------------------------------------------------------===//

namespace {

bool isOneOf(uint32_t value, std::initializer_list<uint32_t> allowed) {
  for (uint32_t a : allowed)
    if (value == a)
      return true;
  return false;
}

/// Whether a TMA element type may read a tensor of this dtype: equal widths,
/// or `u8` over packed f4e2m1 (then the contiguous dimension counts bytes).
bool tmaReads(TmaDType tma, DType tensor) {
  return tmaDTypeBits(tma) == dtypeBits(tensor) ||
         (tma == TmaDType::U8 && tensor == DType::F4E2M1);
}

Status validateTensor(const TensorSpec &t, size_t i) {
  std::string path = indexPath("tensors", i);
  if (t.name.empty())
    return manifestError(cat("'", path, ".name' is empty"));
  if (dtypeBits(t.dtype) == 0)
    return manifestError(cat("'", path, ".dtype' is ", dtypeName(t.dtype)));
  if (t.shape.empty() || t.rank() > kMaxTensorRank)
    return manifestError(cat("'", path, ".shape' has ", t.shape.size(),
                             " dimensions; expected 1..", kMaxTensorRank));
  for (size_t d = 0; d < t.shape.size(); ++d)
    if (t.shape[d] != -1 && t.shape[d] < 1)
      return manifestError(cat("'", path, ".shape[", d, "]' is ", t.shape[d],
                               "; a size is positive, or -1 (dynamic)"));
  if (t.contiguousDim < 0 || t.contiguousDim >= t.rank())
    return manifestError(cat("'", path, ".contiguous_dim' is ", t.contiguousDim,
                             "; tensor '", t.name, "' has rank ", t.rank(),
                             " (dims 0..", t.rank() - 1, ")"));
  int64_t inner = t.shape[t.contiguousDim];
  if (t.dtype == DType::F4E2M1 && inner != -1 && inner % 2 != 0)
    return manifestError(cat("'", path, ".shape[", t.contiguousDim, "]' is ",
                             inner,
                             "; f4e2m1 packs two per byte along "
                             "contiguous_dim, so it must be even"));
  return Status::success();
}

Status checkTensorRef(const Manifest &m, const std::string &path, int tensor,
                      int dim, bool hasDim) {
  int count = static_cast<int>(m.tensors.size());
  if (tensor < 0 || tensor >= count)
    return manifestError(cat("'", path, ".tensor' is ", tensor,
                             "; the manifest has ", count, " tensors"));
  const TensorSpec &t = m.tensors[tensor];
  if (hasDim && (dim < 0 || dim >= t.rank()))
    return manifestError(cat("'", path, ".dim' is ", dim, "; tensor '", t.name,
                             "' has rank ", t.rank()));
  return Status::success();
}

Status validateTma(const Manifest &m, const ParamSpec &p,
                   const std::string &path) {
  const TensorSpec &t = m.tensors[p.tensor];
  const TmaSpec &tma = p.tma;
  // A rewritten descriptor has its views' rank, and they are rows of the
  // contiguous tensor.
  int rank = tma.deviceRewritten ? static_cast<int>(tma.box.size()) : t.rank();
  if (tma.deviceRewritten && (rank < 2 || t.rank() != 1))
    return manifestError(
        cat("'", path, "' is device_rewritten with a ", rank,
            "-entry box over tensor '", t.name, "' of rank ", t.rank(),
            "; expected a 1-D tensor viewed with rank 2 to ", kMaxTmaRank));
  if (rank > kMaxTmaRank)
    return manifestError(cat("'", path, "' reads tensor '", t.name,
                             "' of rank ", rank, "; TMA supports at most ",
                             kMaxTmaRank, " dimensions"));
  // TMA's innermost dimension has an implicit unit stride, and the box is
  // given outermost-first and reversed, so the contiguous dim must be last.
  if (t.contiguousDim != t.rank() - 1)
    return manifestError(cat("'", path, "' reads tensor '", t.name,
                             "' whose contiguous_dim is ", t.contiguousDim,
                             "; TMA needs the contiguous dimension innermost "
                             "(dim ",
                             t.rank() - 1, ")"));
  if (!tmaReads(tma.dtype, t.dtype))
    return manifestError(
        cat("'", path, ".dtype' is ", tmaDTypeName(tma.dtype), " (",
            tmaDTypeBits(tma.dtype), "-bit) but tensor '", t.name, "' is ",
            dtypeName(t.dtype), " (", dtypeBits(t.dtype), "-bit)"));
  if (static_cast<int>(tma.box.size()) != rank)
    return manifestError(cat("'", path, ".box' has ", tma.box.size(),
                             " entries; tensor '", t.name, "' has rank ",
                             rank));
  if (static_cast<int>(tma.elementStrides.size()) != rank)
    return manifestError(cat("'", path, ".element_strides' has ",
                             tma.elementStrides.size(), " entries; tensor '",
                             t.name, "' has rank ", rank));
  for (int d = 0; d < rank; ++d) {
    if (tma.box[d] < 1 || tma.box[d] > 256)
      return manifestError(cat("'", path, ".box[", d, "]' is ", tma.box[d],
                               "; expected 1..256"));
    if (tma.elementStrides[d] < 1 || tma.elementStrides[d] > 8)
      return manifestError(cat("'", path, ".element_strides[", d, "]' is ",
                               tma.elementStrides[d], "; expected 1..8"));
  }
  if (!isOneOf(tma.swizzleBytes, {0, 32, 64, 128}))
    return manifestError(cat("'", path, ".swizzle' is ", tma.swizzleBytes,
                             "; expected 0, 32, 64 or 128"));
  if (tma.interleave != "none")
    return manifestError(cat("'", path, ".interleave' is '", tma.interleave,
                             "'; schema version 1 allows only 'none'"));
  if (!isOneOf(tma.l2PromotionBytes, {0, 64, 128, 256}))
    return manifestError(cat("'", path, ".l2_promotion' is ",
                             tma.l2PromotionBytes,
                             "; expected 0, 64, 128 or 256"));
  bool isFloat = tma.dtype == TmaDType::F16 || tma.dtype == TmaDType::BF16 ||
                 tma.dtype == TmaDType::F32;
  if (tma.oobFill == OobFill::Nan && !isFloat)
    return manifestError(cat("'", path, ".oob_fill' is nan but TMA type ",
                             tmaDTypeName(tma.dtype),
                             " is not floating point; use zero"));

  // cuTensorMapEncodeTiled's rules on the inner box (see its documentation).
  uint64_t innerBox = tma.box[rank - 1];
  uint64_t innerBits = innerBox * tmaDTypeBits(tma.dtype);
  if (innerBits % (16 * 8) != 0)
    return manifestError(cat("'", path, ".box[", rank - 1, "]' is ", innerBox,
                             " ", tmaDTypeName(tma.dtype),
                             " elements = ", innerBits / 8.0,
                             " bytes; TMA needs a multiple of 16 bytes"));
  if (tma.dtype == TmaDType::U4x16Align16) {
    if (innerBox != 128)
      return manifestError(cat("'", path, ".box[", rank - 1, "]' is ", innerBox,
                               "; u4x16_align16 needs exactly 128"));
    if (!isOneOf(tma.swizzleBytes, {0, 128}))
      return manifestError(cat("'", path, ".swizzle' is ", tma.swizzleBytes,
                               "; u4x16_align16 allows 0 or 128"));
  }
  // In shared memory align16 FP4 takes one byte per element.
  uint64_t smemInnerBytes =
      tma.dtype == TmaDType::U4x16Align16 ? innerBox : innerBits / 8;
  if (tma.swizzleBytes != 0 && smemInnerBytes > tma.swizzleBytes)
    return manifestError(cat("'", path, ".box[", rank - 1, "]' spans ",
                             smemInnerBytes, " bytes in shared memory; the ",
                             tma.swizzleBytes, "-byte swizzle allows at most ",
                             tma.swizzleBytes));
  return Status::success();
}

Status validateLaunch(const Manifest &m) {
  const LaunchSpec &l = m.launch;
  static const char *axes[] = {"x", "y", "z"};
  static const uint32_t blockMax[] = {1024, 1024, 64};
  uint64_t threads = 1;
  for (int a = 0; a < 3; ++a) {
    if (l.block[a] < 1 || l.block[a] > blockMax[a])
      return manifestError(cat("'launch.block[", a, "]' (", axes[a], ") is ",
                               l.block[a], "; expected 1..", blockMax[a]));
    threads *= l.block[a];
  }
  if (threads > 1024)
    return manifestError(cat("'launch.block' has ", threads,
                             " threads; a block holds at most 1024"));
  uint64_t smem =
      uint64_t(l.dynamicSmemBytes) +
      static_cast<uint64_t>(std::max<int64_t>(m.assembler.sharedBytes, 0));
  uint32_t limit = chipMaxSharedBytesPerBlock(m.chip);
  if (smem > limit)
    return manifestError(
        cat("'launch.dynamic_smem_bytes' is ", l.dynamicSmemBytes, " (+ ",
            m.assembler.sharedBytes, " static = ", smem, "); ",
            chipName(m.chip), " allows ", limit, " bytes per block"));
  if (l.grid.kind == GridKind::Fixed) {
    static const uint32_t gridMax[] = {0x7fffffffu, 65535, 65535};
    for (int a = 0; a < 3; ++a)
      if (l.grid.size[a] < 1 || l.grid.size[a] > gridMax[a])
        return manifestError(cat("'launch.grid.size[", a, "]' (", axes[a],
                                 ") is ", l.grid.size[a], "; expected 1..",
                                 gridMax[a]));
    return Status::success();
  }
  if (l.grid.factors.empty())
    return manifestError("'launch.grid.factors' is empty; a tiles or "
                         "persistent grid needs at least one factor");
  for (size_t i = 0; i < l.grid.factors.size(); ++i) {
    const GridFactor &f = l.grid.factors[i];
    std::string path = indexPath("launch.grid.factors", i);
    if (Status s = checkTensorRef(m, path, f.tensor, f.dim, true); !s)
      return s;
    if (f.tile < 1)
      return manifestError(
          cat("'", path, ".tile' is ", f.tile, "; a tile is positive"));
  }
  return Status::success();
}

} // namespace

Status sm120rt::validateManifest(const Manifest &m) {
  if (m.schema != kSchemaName)
    return makeError(Code::UnsupportedSchema,
                     cat("manifest schema is '", m.schema, "'; expected '",
                         kSchemaName, "'"));
  if (m.schemaVersion != kSchemaVersion)
    return makeError(Code::UnsupportedSchema,
                     cat("manifest schema_version is ", m.schemaVersion,
                         "; this runtime reads version ", kSchemaVersion));
  if (!parseChip(chipName(m.chip)))
    return manifestError("'chip' is not a known chip");
  if (m.kernelSymbol.empty())
    return manifestError("'kernel.symbol' is empty");
  // The cubin must stay inside the bundle directory.
  const std::string &cubin = m.kernelCubin;
  if (cubin.empty())
    return manifestError("'kernel.cubin' is empty");
  if (cubin.front() == '/' || cubin == ".." || cubin.rfind("../", 0) == 0 ||
      cubin.find("/../") != std::string::npos ||
      (cubin.size() >= 3 && cubin.compare(cubin.size() - 3, 3, "/..") == 0))
    return manifestError(cat("'kernel.cubin' is '", cubin,
                             "'; expected a path inside the bundle directory"));

  std::set<std::string> names;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    if (Status s = validateTensor(m.tensors[i], i); !s)
      return s;
    if (!names.insert(m.tensors[i].name).second)
      return manifestError(cat("'tensors[", i, "].name' is '",
                               m.tensors[i].name,
                               "', which an earlier tensor already uses"));
  }

  bool rewritten = false, scratch = false;
  for (size_t i = 0; i < m.params.size(); ++i) {
    const ParamSpec &p = m.params[i];
    std::string path = indexPath("params", i);
    if (p.kind == ParamKind::Scratch) {
      if (p.scratchBytesPerBlock == 0 || p.scratchBytesPerBlock % 128 != 0)
        return manifestError(cat("'", path, ".bytes_per_block' is ",
                                 p.scratchBytesPerBlock,
                                 "; expected a positive multiple of 128"));
      scratch = true;
      continue;
    }
    rewritten |= p.kind == ParamKind::Tma && p.tma.deviceRewritten;
    if (Status s = checkTensorRef(m, path, p.tensor, p.dim,
                                  p.kind == ParamKind::Dim ||
                                      p.kind == ParamKind::Stride);
        !s)
      return s;
    if (p.kind == ParamKind::Tma)
      if (Status s = validateTma(m, p, path); !s)
        return s;
  }

  if (rewritten && !scratch)
    return manifestError("a tma parameter is device_rewritten but no "
                         "scratch parameter holds the rewritten descriptors");
  if (Status s = validateLaunch(m); !s)
    return s;

  if (m.problemFamily.empty())
    return manifestError("'problem.family' is empty");
  std::set<std::string> outputs;
  for (size_t i = 0; i < m.problemOutputs.size(); ++i) {
    const std::string &name = m.problemOutputs[i];
    if (m.findTensor(name) < 0)
      return manifestError(cat("'problem.outputs[", i, "]' is '", name,
                               "', which names no tensor"));
    if (!outputs.insert(name).second)
      return manifestError(
          cat("'problem.outputs[", i, "]' repeats '", name, "'"));
  }
  // problemJson is what gets serialized; it must agree with the mirrors.
  try {
    Json problem = Json::parse(m.problemJson);
    if (!problem.is_object() || !problem.contains("family") ||
        problem["family"] != m.problemFamily)
      return manifestError("'problem' JSON does not hold the family "
                           "recorded in problemFamily");
  } catch (const std::exception &e) {
    return manifestError(cat("'problem' is not valid JSON: ", e.what()));
  }

  const AssemblerInfo &a = m.assembler;
  if (a.registers < 0 || a.registers > 255)
    return manifestError(
        cat("'assembler.registers' is ", a.registers, "; expected 0..255"));
  const std::pair<const char *, int64_t> bytes[] = {
      {"spill_store_bytes", a.spillStoreBytes},
      {"spill_load_bytes", a.spillLoadBytes},
      {"stack_bytes", a.stackBytes},
      {"shared_bytes", a.sharedBytes}};
  for (const auto &[key, value] : bytes)
    if (value < 0)
      return manifestError(
          cat("'assembler.", key, "' is ", value, "; expected >= 0"));
  for (const auto &[stage, ms] : m.compileMs)
    if (!std::isfinite(ms) || ms < 0)
      return manifestError(
          cat("'compile_ms.", stage, "' is ", ms, "; expected a time >= 0"));
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Serialization
//===----------------------------------------------------------------------===//

std::string sm120rt::serializeManifest(const Manifest &m) {
  Json doc;
  doc["schema"] = m.schema;
  doc["schema_version"] = m.schemaVersion;
  doc["compiler"] = {{"name", m.compilerName}, {"version", m.compilerVersion}};
  doc["chip"] = std::string(chipName(m.chip));
  doc["kernel"] = {{"symbol", m.kernelSymbol}, {"cubin", m.kernelCubin}};

  Json tensors = Json::array();
  for (const TensorSpec &t : m.tensors)
    tensors.push_back({{"name", t.name},
                       {"dtype", dtypeName(t.dtype)},
                       {"shape", t.shape},
                       {"contiguous_dim", t.contiguousDim}});
  doc["tensors"] = std::move(tensors);

  Json params = Json::array();
  for (const ParamSpec &p : m.params) {
    Json j;
    switch (p.kind) {
    case ParamKind::Pointer:
      j = {{"kind", "pointer"}, {"tensor", p.tensor}};
      break;
    case ParamKind::Dim:
      j = {{"kind", "dim"},
           {"tensor", p.tensor},
           {"dim", p.dim},
           {"dtype", p.dimType == IntType::I32 ? "i32" : "i64"}};
      break;
    case ParamKind::Stride:
      j = {{"kind", "stride"}, {"tensor", p.tensor}, {"dim", p.dim}};
      break;
    case ParamKind::Tma:
      j = {{"kind", "tma"},
           {"tensor", p.tensor},
           {"dtype", std::string(tmaDTypeName(p.tma.dtype))},
           {"box", p.tma.box},
           {"element_strides", p.tma.elementStrides},
           {"swizzle", p.tma.swizzleBytes},
           {"interleave", p.tma.interleave},
           {"l2_promotion", p.tma.l2PromotionBytes},
           {"oob_fill", p.tma.oobFill == OobFill::Zero ? "zero" : "nan"}};
      if (p.tma.deviceRewritten)
        j["device_rewritten"] = true;
      break;
    case ParamKind::Scratch:
      j = {{"kind", "scratch"}, {"bytes_per_block", p.scratchBytesPerBlock}};
      break;
    }
    params.push_back(std::move(j));
  }
  doc["params"] = std::move(params);

  Json grid;
  switch (m.launch.grid.kind) {
  case GridKind::Fixed:
    grid = {{"kind", "fixed"}, {"size", m.launch.grid.size}};
    break;
  case GridKind::Tiles:
  case GridKind::Persistent: {
    Json factors = Json::array();
    for (const GridFactor &f : m.launch.grid.factors)
      factors.push_back(
          {{"tensor", f.tensor}, {"dim", f.dim}, {"tile", f.tile}});
    grid = {{"kind",
             m.launch.grid.kind == GridKind::Tiles ? "tiles" : "persistent"},
            {"factors", std::move(factors)}};
    break;
  }
  }
  doc["launch"] = {{"block", m.launch.block},
                   {"dynamic_smem_bytes", m.launch.dynamicSmemBytes},
                   {"grid", std::move(grid)}};

  // problemJson is kept verbatim; if it is unreadable (only possible for a
  // manifest built in code), fall back to the mirrored fields.
  Json problem =
      Json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  if (!problem.is_object()) {
    problem = Json::object();
    problem["family"] = m.problemFamily;
    if (!m.problemOutputs.empty())
      problem["outputs"] = m.problemOutputs;
  }
  doc["problem"] = std::move(problem);

  const AssemblerInfo &a = m.assembler;
  doc["assembler"] = {{"tool", a.tool},
                      {"registers", a.registers},
                      {"spill_store_bytes", a.spillStoreBytes},
                      {"spill_load_bytes", a.spillLoadBytes},
                      {"stack_bytes", a.stackBytes},
                      {"shared_bytes", a.sharedBytes}};
  if (!m.compileMs.empty()) {
    Json ms = Json::object();
    for (const auto &[stage, value] : m.compileMs)
      ms[stage] = value;
    doc["compile_ms"] = std::move(ms);
  }
  // `replace` keeps a manifest built in code with stray bytes serializable.
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

//===----------------------------------------------------------------------===//
// Bundles
//===----------------------------------------------------------------------===//

struct Bundle::Data {
  Manifest manifest;
  std::string cubin;
  std::string directory;
  uint64_t id = 0;
};

Bundle::Bundle(std::shared_ptr<const Data> data) : data(std::move(data)) {}

const Manifest &Bundle::manifest() const { return data->manifest; }
const std::string &Bundle::cubin() const { return data->cubin; }
const std::string &Bundle::directory() const { return data->directory; }
uint64_t Bundle::id() const { return data->id; }

namespace {

/// The file's bytes; nullopt if it is missing, not a regular file (a
/// directory opens fine but reads nothing) or unreadable.
std::optional<std::string> readFile(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream os;
  os << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return os.str();
}

/// A cubin is a 64-bit ELF image for machine EM_CUDA (190). Catching a
/// truncated or wrong file here gives a clearer error than the driver's.
Status checkCubin(const std::string &bytes, const std::string &what) {
  constexpr uint16_t kMachineCuda = 190;
  if (bytes.size() < 20 || bytes.compare(0, 4,
                                         "\x7f"
                                         "ELF") != 0)
    return makeError(
        Code::InvalidManifest,
        cat("cubin ", what, " (", bytes.size(), " bytes) is not an ELF image"));
  // e_machine is a little-endian u16 at offset 18 (CUDA cubins are LE).
  uint16_t machine = static_cast<uint8_t>(bytes[18]) |
                     static_cast<uint16_t>(static_cast<uint8_t>(bytes[19]))
                         << 8;
  if (machine != kMachineCuda)
    return makeError(Code::InvalidManifest,
                     cat("cubin ", what, " is an ELF image for machine ",
                         machine, ", not CUDA (", kMachineCuda, ")"));
  return Status::success();
}

uint64_t nextBundleId() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

} // namespace

Expected<Bundle> Bundle::loadFromDirectory(const std::string &dir) {
  std::string manifestPath = dir + "/manifest.json";
  std::optional<std::string> text = readFile(manifestPath);
  if (!text)
    return makeError(Code::MissingFile,
                     cat("cannot read bundle manifest '", manifestPath, "'"));
  Expected<Manifest> manifest = parseManifest(*text);
  if (!manifest)
    return Error{manifest.error().code,
                 cat(manifestPath, ": ", manifest.error().message)};
  std::string cubinPath = dir + "/" + manifest->kernelCubin;
  std::optional<std::string> cubin = readFile(cubinPath);
  if (!cubin)
    return makeError(Code::MissingFile,
                     cat("cannot read cubin '", cubinPath,
                         "' named by kernel.cubin in ", manifestPath));
  if (Status s = checkCubin(*cubin, cat("'", cubinPath, "'")); !s)
    return s.error();
  auto data = std::make_shared<Data>();
  data->manifest = manifest.take();
  data->cubin = std::move(*cubin);
  data->directory = dir;
  data->id = nextBundleId();
  return Bundle(std::move(data));
}

Expected<Bundle> Bundle::loadFromMemory(std::string_view manifestJson,
                                        std::string cubin) {
  Expected<Manifest> manifest = parseManifest(manifestJson);
  if (!manifest)
    return manifest.error();
  if (Status s =
          checkCubin(cubin, cat("'", manifest->kernelCubin, "' (in memory)"));
      !s)
    return s.error();
  auto data = std::make_shared<Data>();
  data->manifest = manifest.take();
  data->cubin = std::move(cubin);
  data->id = nextBundleId();
  return Bundle(std::move(data));
}
