// Manifest parsing, validation (one test per error path), serialization
// round trips, and bundle loading from a directory and from memory.

#include "TestSupport.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace sm120rt;
using namespace sm120rt::test;

namespace {

//===----------------------------------------------------------------------===//
// Reading and round trips
//===----------------------------------------------------------------------===//

TEST(Manifest, ReadsEveryField) {
  Manifest m = parseOrDie(kFixtureManifest);
  EXPECT_EQ(m.schema, "sm120.bundle");
  EXPECT_EQ(m.schemaVersion, 1);
  EXPECT_EQ(m.compilerName, "sm120");
  EXPECT_EQ(m.compilerVersion, "0.1.0");
  EXPECT_EQ(m.chip, Chip::SM90a);
  EXPECT_EQ(m.kernelSymbol, "fixture_fp8_tile");
  EXPECT_EQ(m.kernelCubin, "fixture_fp8_tile.sm_90a.cubin");
  ASSERT_EQ(m.tensors.size(), 5u);
  EXPECT_EQ(m.tensors[2].name, "sfa");
  EXPECT_EQ(m.tensors[2].dtype, DType::F8E8M0);
  EXPECT_EQ(m.tensors[4].shape, (std::vector<int64_t>{128, 128}));
  EXPECT_EQ(m.tensors[4].contiguousDim, 1);
  ASSERT_EQ(m.params.size(), 7u);
  EXPECT_EQ(m.params[0].kind, ParamKind::Tma);
  EXPECT_EQ(m.params[0].tma.dtype, TmaDType::U8);
  EXPECT_EQ(m.params[0].tma.box, (std::vector<uint32_t>{128, 128}));
  EXPECT_EQ(m.params[0].tma.swizzleBytes, 128u);
  EXPECT_EQ(m.params[0].tma.l2PromotionBytes, 256u);
  EXPECT_EQ(m.params[0].tma.oobFill, OobFill::Zero);
  EXPECT_EQ(m.params[4].kind, ParamKind::Pointer);
  EXPECT_EQ(m.params[4].tensor, 4);
  EXPECT_EQ(m.params[6].kind, ParamKind::Dim);
  EXPECT_EQ(m.params[6].dimType, IntType::I64);
  EXPECT_EQ(m.launch.block, (std::array<uint32_t, 3>{128, 1, 1}));
  EXPECT_EQ(m.launch.dynamicSmemBytes, 34816u);
  EXPECT_EQ(m.launch.grid.kind, GridKind::Tiles);
  ASSERT_EQ(m.launch.grid.factors.size(), 2u);
  EXPECT_EQ(m.launch.grid.factors[1].dim, 1);
  EXPECT_EQ(m.launch.grid.factors[1].tile, 128);
  EXPECT_EQ(m.problemFamily, "fixture_fp8_tile");
  EXPECT_EQ(m.problemOutputs, (std::vector<std::string>{"d"}));
  EXPECT_EQ(m.assembler.tool, "ptxas 13.0");
  EXPECT_EQ(m.assembler.registers, 40);
  ASSERT_EQ(m.compileMs.size(), 3u);
  EXPECT_EQ(m.compileMs[1].first, "codegen");
  EXPECT_DOUBLE_EQ(m.compileMs[1].second, 30.25);
  EXPECT_EQ(m.findTensor("d"), 4);
  EXPECT_EQ(m.findTensor("zz"), -1);
}

void expectRoundTrip(const char *text) {
  Manifest first = parseOrDie(text);
  std::string once = serializeManifest(first);
  Manifest second = parseOrDie(once);
  EXPECT_EQ(serializeManifest(second), once);
  // Semantically the same document (nlohmann::json compares objects
  // without regard to key order).
  EXPECT_EQ(nlohmann::json::parse(text), nlohmann::json::parse(once)) << once;
}

TEST(Manifest, RoundTripsFixture) { expectRoundTrip(kFixtureManifest); }
TEST(Manifest, RoundTripsMixed) { expectRoundTrip(kMixedManifest); }

// A stride param names a tensor and a dim, like a dim param without a type.
TEST(Manifest, ReadsAndChecksStrideParams) {
  std::string text = patched(kFixtureManifest, [](Json &j) {
    j["params"].push_back({{"kind", "stride"}, {"tensor", 4}, {"dim", 0}});
  });
  Manifest m = parseOrDie(text.c_str());
  EXPECT_EQ(m.params.back().kind, ParamKind::Stride);
  EXPECT_EQ(m.params.back().tensor, 4);
  EXPECT_EQ(m.params.back().dim, 0);
  expectRoundTrip(text.c_str());
  std::string bad = patched(kFixtureManifest, [](Json &j) {
    j["params"].push_back({{"kind", "stride"}, {"tensor", 4}, {"dim", 2}});
  });
  EXPECT_FALSE(parseManifest(bad).ok());
}

TEST(Manifest, SerializesProblemVerbatimAndInSpecOrder) {
  std::string text = serializeManifest(parseOrDie(kFixtureManifest));
  EXPECT_NE(text.find(R"("layout": {)"), std::string::npos) << text;
  EXPECT_LT(text.find("\"schema\""), text.find("\"tensors\""));
  EXPECT_LT(text.find("\"params\""), text.find("\"launch\""));
}

TEST(Manifest, OmitsAbsentCompileMs) {
  Manifest m = parseOrDie(kMixedManifest);
  EXPECT_TRUE(m.compileMs.empty());
  EXPECT_EQ(serializeManifest(m).find("compile_ms"), std::string::npos);
}

TEST(Manifest, IgnoresUnknownFields) {
  std::string text = patched(kFixtureManifest, [](Json &j) {
    j["future_field"] = {1, 2};
    j["tensors"][0]["note"] = "x";
  });
  EXPECT_TRUE(parseManifest(text).ok());
}

TEST(Manifest, ValidatesManifestsBuiltInCode) {
  Manifest m = parseOrDie(kFixtureManifest);
  EXPECT_TRUE(validateManifest(m).ok());
  m.params[0].tma.box = {128};
  EXPECT_TRUE(
      failsWith(validateManifest(m), Code::InvalidManifest,
                "'params[0].box' has 1 entries; tensor 'a' has rank 2"));
  m = parseOrDie(kFixtureManifest);
  m.problemFamily = "other";
  EXPECT_TRUE(failsWith(validateManifest(m), Code::InvalidManifest,
                        "does not hold the family"));
}

//===----------------------------------------------------------------------===//
// Syntax and schema errors
//===----------------------------------------------------------------------===//

TEST(ManifestErrors, CorruptJson) {
  std::string text = kFixtureManifest;
  text.resize(text.size() / 2);
  EXPECT_TRUE(failsWith(parseManifest(text), Code::InvalidManifest,
                        "invalid manifest: not valid JSON: "));
  EXPECT_TRUE(
      failsWith(parseManifest(""), Code::InvalidManifest, "not valid JSON"));
}

TEST(ManifestErrors, DocumentNotAnObject) {
  EXPECT_TRUE(failsWith(parseManifest("[1, 2]"), Code::InvalidManifest,
                        "'(document)' must be an object; got array"));
}

TEST(ManifestErrors, TooDeeplyNested) {
  std::string deep =
      R"({"schema": )" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_TRUE(failsWith(parseManifest(deep), Code::InvalidManifest,
                        "JSON nesting deeper than 64 levels"));
}

TEST(ManifestErrors, UnknownSchema) {
  std::string text =
      patched(kFixtureManifest, [](Json &j) { j["schema"] = "other.bundle"; });
  EXPECT_TRUE(failsWith(parseManifest(text), Code::UnsupportedSchema,
                        "manifest schema is 'other.bundle'; expected "
                        "'sm120.bundle'"));
}

TEST(ManifestErrors, UnknownSchemaVersion) {
  std::string text =
      patched(kFixtureManifest, [](Json &j) { j["schema_version"] = 2; });
  EXPECT_TRUE(failsWith(parseManifest(text), Code::UnsupportedSchema,
                        "manifest schema_version is 2; this runtime reads "
                        "version 1"));
}

/// "/tensors/0/name" -> "tensors[0].name".
std::string pointerToPath(const std::string &pointer) {
  std::string path;
  size_t start = 1;
  while (start <= pointer.size()) {
    size_t end = pointer.find('/', start);
    std::string token = pointer.substr(start, end - start);
    if (!token.empty() && std::isdigit(static_cast<unsigned char>(token[0])))
      path += "[" + token + "]";
    else
      path += (path.empty() ? "" : ".") + token;
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return path;
}

class MissingField : public ::testing::TestWithParam<const char *> {};

TEST_P(MissingField, IsReported) {
  std::string pointer = GetParam();
  std::string text = patched(kFixtureManifest, [&](Json &j) {
    Json::json_pointer p(pointer);
    j.at(p.parent_pointer()).erase(p.back());
  });
  EXPECT_TRUE(
      failsWith(parseManifest(text), Code::InvalidManifest,
                "missing required field '" + pointerToPath(pointer) + "'"));
}

INSTANTIATE_TEST_SUITE_P(
    Manifest, MissingField,
    ::testing::Values(
        "/schema", "/schema_version", "/compiler", "/compiler/name",
        "/compiler/version", "/chip", "/kernel", "/kernel/symbol",
        "/kernel/cubin", "/tensors", "/tensors/0/name", "/tensors/0/dtype",
        "/tensors/1/shape", "/tensors/2/contiguous_dim", "/params",
        "/params/0/kind", "/params/0/tensor", "/params/0/dtype",
        "/params/0/box", "/params/0/element_strides", "/params/0/swizzle",
        "/params/0/interleave", "/params/0/l2_promotion", "/params/1/oob_fill",
        "/params/5/dim", "/params/6/dtype", "/launch", "/launch/block",
        "/launch/dynamic_smem_bytes", "/launch/grid", "/launch/grid/kind",
        "/launch/grid/factors", "/launch/grid/factors/0/tensor",
        "/launch/grid/factors/0/dim", "/launch/grid/factors/1/tile", "/problem",
        "/problem/family", "/assembler", "/assembler/tool",
        "/assembler/registers", "/assembler/spill_store_bytes",
        "/assembler/spill_load_bytes", "/assembler/stack_bytes",
        "/assembler/shared_bytes"));

TEST(ManifestErrors, FixedGridNeedsSize) {
  std::string text = patched(kFixtureManifest, [](Json &j) {
    j["launch"]["grid"] = {{"kind", "fixed"}};
  });
  EXPECT_TRUE(failsWith(parseManifest(text), Code::InvalidManifest,
                        "missing required field 'launch.grid.size'"));
}

struct Patch {
  const char *pointer;
  const char *valueJson;
  Code code;
  const char *message;
};

void PrintTo(const Patch &p, std::ostream *os) {
  *os << p.pointer << " = " << p.valueJson;
}

class BadValue : public ::testing::TestWithParam<Patch> {};

TEST_P(BadValue, IsReported) {
  const Patch &p = GetParam();
  std::string text = patched(kFixtureManifest, [&](Json &j) {
    j[Json::json_pointer(p.pointer)] = Json::parse(p.valueJson);
  });
  EXPECT_TRUE(failsWith(parseManifest(text), p.code, p.message));
}

// Wrong JSON types for every kind of field.
INSTANTIATE_TEST_SUITE_P(
    WrongType, BadValue,
    ::testing::Values(
        Patch{"/schema", "1", Code::InvalidManifest,
              "'schema' must be a string; got number"},
        Patch{"/schema_version", "\"1\"", Code::InvalidManifest,
              "'schema_version' must be an integer; got string"},
        Patch{"/schema_version", "1.0", Code::InvalidManifest,
              "'schema_version' must be an integer; got number"},
        Patch{"/compiler", "\"sm120\"", Code::InvalidManifest,
              "'compiler' must be an object; got string"},
        Patch{"/kernel", "[]", Code::InvalidManifest,
              "'kernel' must be an object; got array"},
        Patch{"/kernel/symbol", "null", Code::InvalidManifest,
              "'kernel.symbol' must be a string; got null"},
        Patch{"/tensors", "{}", Code::InvalidManifest,
              "'tensors' must be an array; got object"},
        Patch{"/tensors/0", "7", Code::InvalidManifest,
              "'tensors[0]' must be an object; got number"},
        Patch{"/tensors/0/name", "5", Code::InvalidManifest,
              "'tensors[0].name' must be a string; got number"},
        Patch{"/tensors/0/shape", "\"128x128\"", Code::InvalidManifest,
              "'tensors[0].shape' must be an array; got string"},
        Patch{"/tensors/0/shape/1", "1.5", Code::InvalidManifest,
              "'tensors[0].shape[1]' must be an integer; got number"},
        Patch{"/tensors/0/contiguous_dim", "true", Code::InvalidManifest,
              "'tensors[0].contiguous_dim' must be an integer; got boolean"},
        Patch{"/params/0/swizzle", "\"128\"", Code::InvalidManifest,
              "'params[0].swizzle' must be an integer; got string"},
        Patch{"/params/0/box/0", "[128]", Code::InvalidManifest,
              "'params[0].box[0]' must be an integer; got array"},
        Patch{"/launch/block", "{}", Code::InvalidManifest,
              "'launch.block' must be an array; got object"},
        Patch{"/launch/block", "[128, 1]", Code::InvalidManifest,
              "'launch.block' has 2 entries; expected 3 (x, y, z)"},
        Patch{"/launch/dynamic_smem_bytes", "1e20", Code::InvalidManifest,
              "'launch.dynamic_smem_bytes' must be an integer; got number"},
        Patch{"/launch/dynamic_smem_bytes", "-1", Code::InvalidManifest,
              "'launch.dynamic_smem_bytes' is -1; expected 0..4294967295"},
        Patch{"/launch/grid/factors/0/tile", "18446744073709551615",
              Code::InvalidManifest,
              "'launch.grid.factors[0].tile' is 18446744073709551615; "
              "expected at most"},
        Patch{"/problem", "[]", Code::InvalidManifest,
              "'problem' must be an object; got array"},
        Patch{"/problem/outputs", "\"d\"", Code::InvalidManifest,
              "'problem.outputs' must be an array; got string"},
        Patch{"/problem/outputs/0", "4", Code::InvalidManifest,
              "'problem.outputs[0]' must be a string; got number"},
        Patch{"/assembler/registers", "\"40\"", Code::InvalidManifest,
              "'assembler.registers' must be an integer; got string"},
        Patch{"/compile_ms", "[]", Code::InvalidManifest,
              "'compile_ms' must be an object; got array"},
        Patch{"/compile_ms/codegen", "\"fast\"", Code::InvalidManifest,
              "'compile_ms.codegen' must be a number; got string"}));

// Strings outside the enumerations the spec allows.
INSTANTIATE_TEST_SUITE_P(
    UnknownName, BadValue,
    ::testing::Values(
        Patch{"/chip", "\"sm_100a\"", Code::InvalidManifest,
              "'chip' is 'sm_100a'; expected one of sm_120a, sm_121a, sm_120f, "
              "sm_90a"},
        Patch{"/tensors/0/dtype", "\"fp8\"", Code::InvalidManifest,
              "'tensors[0].dtype' is 'fp8'; expected one of f8e4m3, f4e2m1, "
              "f8e8m0, bf16, f16, f32, i32, u8"},
        Patch{"/params/2/kind", "\"scalar\"", Code::InvalidManifest,
              "'params[2].kind' is 'scalar'; expected pointer, dim, stride, "
              "tma or scratch"},
        Patch{"/params/5/dtype", "\"u16\"", Code::InvalidManifest,
              "'params[5].dtype' is 'u16'; a dim parameter is i32 or i64"},
        Patch{"/params/0/dtype", "\"f8\"", Code::InvalidManifest,
              "'params[0].dtype' is 'f8'; expected one of u8, u16, u32, i32, "
              "f32, bf16, f16, u4x16_align8, u4x16_align16"},
        Patch{"/params/0/oob_fill", "\"inf\"", Code::InvalidManifest,
              "'params[0].oob_fill' is 'inf'; expected zero or nan"},
        Patch{"/launch/grid/kind", "\"dynamic\"", Code::InvalidManifest,
              "'launch.grid.kind' is 'dynamic'; expected fixed, tiles or "
              "persistent"}));

// Indices into tensors and dims out of range.
INSTANTIATE_TEST_SUITE_P(
    OutOfRange, BadValue,
    ::testing::Values(
        Patch{"/params/2/tensor", "7", Code::InvalidManifest,
              "'params[2].tensor' is 7; the manifest has 5 tensors"},
        Patch{"/params/0/tensor", "-1", Code::InvalidManifest,
              "'params[0].tensor' is -1; the manifest has 5 tensors"},
        Patch{"/params/5/dim", "2", Code::InvalidManifest,
              "'params[5].dim' is 2; tensor 'a' has rank 2"},
        Patch{"/launch/grid/factors/1/tensor", "5", Code::InvalidManifest,
              "'launch.grid.factors[1].tensor' is 5; the manifest has 5 "
              "tensors"},
        Patch{"/launch/grid/factors/0/dim", "-1", Code::InvalidManifest,
              "'launch.grid.factors[0].dim' is -1; tensor 'd' has rank 2"},
        Patch{"/tensors/0/contiguous_dim", "2", Code::InvalidManifest,
              "'tensors[0].contiguous_dim' is 2; tensor 'a' has rank 2 "
              "(dims 0..1)"},
        Patch{"/problem/outputs/0", "\"out\"", Code::InvalidManifest,
              "'problem.outputs[0]' is 'out', which names no tensor"},
        Patch{"/problem/outputs", "[\"d\", \"d\"]", Code::InvalidManifest,
              "'problem.outputs[1]' repeats 'd'"}));

// Tensor declarations.
INSTANTIATE_TEST_SUITE_P(
    Tensors, BadValue,
    ::testing::Values(
        Patch{"/tensors/0/shape/0", "0", Code::InvalidManifest,
              "'tensors[0].shape[0]' is 0; a size is positive, or -1 "
              "(dynamic)"},
        Patch{"/tensors/0/shape/0", "-2", Code::InvalidManifest,
              "'tensors[0].shape[0]' is -2"},
        Patch{"/tensors/2/shape", "[]", Code::InvalidManifest,
              "'tensors[2].shape' has 0 dimensions; expected 1..8"},
        Patch{"/tensors/2/shape", "[1,1,1,1,1,1,1,1,1]", Code::InvalidManifest,
              "'tensors[2].shape' has 9 dimensions; expected 1..8"},
        Patch{"/tensors/1/name", "\"a\"", Code::InvalidManifest,
              "'tensors[1].name' is 'a', which an earlier tensor already uses"},
        Patch{"/tensors/0/name", "\"\"", Code::InvalidManifest,
              "'tensors[0].name' is empty"},
        Patch{"/kernel/symbol", "\"\"", Code::InvalidManifest,
              "'kernel.symbol' is empty"},
        Patch{"/kernel/cubin", "\"../elsewhere.cubin\"", Code::InvalidManifest,
              "'kernel.cubin' is '../elsewhere.cubin'; expected a path inside "
              "the bundle directory"},
        Patch{"/kernel/cubin", "\"/abs/k.cubin\"", Code::InvalidManifest,
              "'kernel.cubin' is '/abs/k.cubin'"},
        Patch{"/problem/family", "\"\"", Code::InvalidManifest,
              "'problem.family' is empty"}));

// TMA descriptors: swizzle, L2 promotion, interleave, box, element strides
// and cuTensorMapEncodeTiled's rules.
INSTANTIATE_TEST_SUITE_P(
    Tma, BadValue,
    ::testing::Values(
        Patch{"/params/0/swizzle", "96", Code::InvalidManifest,
              "'params[0].swizzle' is 96; expected 0, 32, 64 or 128"},
        Patch{"/params/0/swizzle", "256", Code::InvalidManifest,
              "'params[0].swizzle' is 256; expected 0, 32, 64 or 128"},
        Patch{"/params/0/l2_promotion", "100", Code::InvalidManifest,
              "'params[0].l2_promotion' is 100; expected 0, 64, 128 or 256"},
        Patch{"/params/0/interleave", "\"16b\"", Code::InvalidManifest,
              "'params[0].interleave' is '16b'; schema version 1 allows only "
              "'none'"},
        Patch{"/params/0/box", "[128, 128, 1]", Code::InvalidManifest,
              "'params[0].box' has 3 entries; tensor 'a' has rank 2"},
        Patch{"/params/1/element_strides", "[1]", Code::InvalidManifest,
              "'params[1].element_strides' has 1 entries; tensor 'b' has "
              "rank 2"},
        Patch{"/params/0/box/0", "0", Code::InvalidManifest,
              "'params[0].box[0]' is 0; expected 1..256"},
        Patch{"/params/0/box/0", "300", Code::InvalidManifest,
              "'params[0].box[0]' is 300; expected 1..256"},
        Patch{"/params/0/element_strides/0", "9", Code::InvalidManifest,
              "'params[0].element_strides[0]' is 9; expected 1..8"},
        Patch{"/params/1/box/1", "8", Code::InvalidManifest,
              "'params[1].box[1]' is 8 u8 elements = 8 bytes; TMA needs a "
              "multiple of 16 bytes"},
        Patch{"/params/0/swizzle", "64", Code::InvalidManifest,
              "'params[0].box[1]' spans 128 bytes in shared memory; the "
              "64-byte swizzle allows at most 64"},
        Patch{"/params/0/oob_fill", "\"nan\"", Code::InvalidManifest,
              "'params[0].oob_fill' is nan but TMA type u8 is not floating "
              "point; use zero"},
        Patch{"/params/0/dtype", "\"bf16\"", Code::InvalidManifest,
              "'params[0].dtype' is bf16 (16-bit) but tensor 'a' is f8e4m3 "
              "(8-bit)"},
        Patch{"/params/0/dtype", "\"u4x16_align8\"", Code::InvalidManifest,
              "'params[0].dtype' is u4x16_align8 (4-bit) but tensor 'a' is "
              "f8e4m3 (8-bit)"},
        Patch{"/tensors/0/contiguous_dim", "0", Code::InvalidManifest,
              "'params[0]' reads tensor 'a' whose contiguous_dim is 0; TMA "
              "needs the contiguous dimension innermost (dim 1)"},
        Patch{"/tensors/0/shape", "[1, 1, 1, 1, 2, 128]", Code::InvalidManifest,
              "'params[0]' reads tensor 'a' of rank 6; TMA supports at most "
              "5 dimensions"}));

// Launch configuration.
INSTANTIATE_TEST_SUITE_P(
    Launch, BadValue,
    ::testing::Values(
        Patch{"/launch/block", "[2048, 1, 1]", Code::InvalidManifest,
              "'launch.block[0]' (x) is 2048; expected 1..1024"},
        Patch{"/launch/block", "[128, 0, 1]", Code::InvalidManifest,
              "'launch.block[1]' (y) is 0; expected 1..1024"},
        Patch{"/launch/block", "[64, 4, 8]", Code::InvalidManifest,
              "'launch.block' has 2048 threads; a block holds at most 1024"},
        Patch{"/launch/dynamic_smem_bytes", "240000", Code::InvalidManifest,
              "'launch.dynamic_smem_bytes' is 240000 (+ 0 static = 240000); "
              "sm_90a allows 232448 bytes per block"},
        Patch{"/launch/grid/factors", "[]", Code::InvalidManifest,
              "'launch.grid.factors' is empty"},
        Patch{"/launch/grid/factors/0/tile", "0", Code::InvalidManifest,
              "'launch.grid.factors[0].tile' is 0; a tile is positive"},
        Patch{"/launch/grid", R"({"kind": "fixed", "size": [0, 1, 1]})",
              Code::InvalidManifest,
              "'launch.grid.size[0]' (x) is 0; expected 1..2147483647"},
        Patch{"/launch/grid", R"({"kind": "fixed", "size": [1, 70000, 1]})",
              Code::InvalidManifest,
              "'launch.grid.size[1]' (y) is 70000; expected 1..65535"}));

// Assembler facts and stage times.
INSTANTIATE_TEST_SUITE_P(
    Assembler, BadValue,
    ::testing::Values(
        Patch{"/assembler/registers", "300", Code::InvalidManifest,
              "'assembler.registers' is 300; expected 0..255"},
        Patch{"/assembler/stack_bytes", "-8", Code::InvalidManifest,
              "'assembler.stack_bytes' is -8; expected >= 0"},
        Patch{"/compile_ms/codegen", "-1.0", Code::InvalidManifest,
              "'compile_ms.codegen' is -1; expected a time >= 0"}));

TEST(ManifestErrors, SharedMemoryLimitDependsOnChip) {
  // 110 KB fits sm_90a but not the 99 KB of sm_120a.
  auto withSmem = [](const char *chip) {
    return patched(kFixtureManifest, [&](Json &j) {
      j["chip"] = chip;
      j["launch"]["dynamic_smem_bytes"] = 100000;
      j["assembler"]["shared_bytes"] = 12000;
    });
  };
  EXPECT_TRUE(parseManifest(withSmem("sm_90a")).ok());
  EXPECT_TRUE(failsWith(parseManifest(withSmem("sm_120a")),
                        Code::InvalidManifest,
                        "'launch.dynamic_smem_bytes' is 100000 (+ 12000 static "
                        "= 112000); sm_120a allows 101376 bytes per block"));
}

TEST(ManifestErrors, OddStaticFp4ContiguousSize) {
  std::string text = patched(kMixedManifest, [](Json &j) {
    j["tensors"][1]["shape"] = {128, 255};
  });
  EXPECT_TRUE(failsWith(parseManifest(text), Code::InvalidManifest,
                        "'tensors[1].shape[1]' is 255; f4e2m1 packs two per "
                        "byte along contiguous_dim, so it must be even"));
}

TEST(ManifestErrors, Align16NeedsBox128AndSwizzle0Or128) {
  std::string box = patched(kMixedManifest, [](Json &j) {
    j["params"][3]["box"] = {16, 64};
    j["params"][3]["swizzle"] = 0;
  });
  EXPECT_TRUE(failsWith(parseManifest(box), Code::InvalidManifest,
                        "'params[3].box[1]' is 64; u4x16_align16 needs "
                        "exactly 128"));
  std::string swizzle =
      patched(kMixedManifest, [](Json &j) { j["params"][3]["swizzle"] = 64; });
  EXPECT_TRUE(failsWith(parseManifest(swizzle), Code::InvalidManifest,
                        "'params[3].swizzle' is 64; u4x16_align16 allows 0 or "
                        "128"));
}

//===----------------------------------------------------------------------===//
// Bundles
//===----------------------------------------------------------------------===//

class BundleDir : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("sm120rt-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void write(const std::string &name, const std::string &bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  }
  std::filesystem::path dir;
};

TEST_F(BundleDir, LoadsManifestAndCubin) {
  write("manifest.json", kFixtureManifest);
  write("fixture_fp8_tile.sm_90a.cubin", fakeCubin());
  Expected<Bundle> bundle = Bundle::loadFromDirectory(dir.string());
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(bundle->manifest().kernelSymbol, "fixture_fp8_tile");
  EXPECT_EQ(bundle->cubin(), fakeCubin());
  EXPECT_EQ(bundle->directory(), dir.string());
  Expected<Bundle> again = Bundle::loadFromDirectory(dir.string());
  ASSERT_TRUE(again.ok());
  EXPECT_NE(bundle->id(), again->id());
}

TEST_F(BundleDir, MissingManifest) {
  EXPECT_TRUE(failsWith(
      Bundle::loadFromDirectory(dir.string()), Code::MissingFile,
      "cannot read bundle manifest '" + dir.string() + "/manifest.json'"));
}

TEST_F(BundleDir, MissingCubinFile) {
  write("manifest.json", kFixtureManifest);
  EXPECT_TRUE(failsWith(Bundle::loadFromDirectory(dir.string()),
                        Code::MissingFile,
                        "cannot read cubin '" + dir.string() +
                            "/fixture_fp8_tile.sm_90a.cubin' named by "
                            "kernel.cubin"));
}

TEST_F(BundleDir, CubinThatIsADirectory) {
  write("manifest.json", kFixtureManifest);
  std::filesystem::create_directory(dir / "fixture_fp8_tile.sm_90a.cubin");
  EXPECT_TRUE(failsWith(Bundle::loadFromDirectory(dir.string()),
                        Code::MissingFile, "cannot read cubin"));
}

TEST_F(BundleDir, InvalidManifestNamesTheFile) {
  write("manifest.json", "{");
  EXPECT_TRUE(failsWith(Bundle::loadFromDirectory(dir.string()),
                        Code::InvalidManifest,
                        dir.string() + "/manifest.json: invalid manifest: "
                                       "not valid JSON"));
}

TEST_F(BundleDir, CubinNotElf) {
  write("manifest.json", kFixtureManifest);
  write("fixture_fp8_tile.sm_90a.cubin", "// PTX text, not a cubin\n");
  EXPECT_TRUE(failsWith(Bundle::loadFromDirectory(dir.string()),
                        Code::InvalidManifest, "is not an ELF image"));
}

TEST(Bundle, LoadsFromMemory) {
  Expected<Bundle> bundle =
      Bundle::loadFromMemory(kFixtureManifest, fakeCubin());
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(bundle->directory().empty());
  EXPECT_EQ(bundle->manifest().tensors.size(), 5u);
}

TEST(Bundle, RejectsCubinForAnotherMachine) {
  EXPECT_TRUE(failsWith(
      Bundle::loadFromMemory(kFixtureManifest, fakeCubin(/*x86-64*/ 62)),
      Code::InvalidManifest, "is an ELF image for machine 62, not CUDA (190)"));
}

TEST(Bundle, MemoryManifestErrorsPassThrough) {
  EXPECT_TRUE(failsWith(Bundle::loadFromMemory("{}", fakeCubin()),
                        Code::InvalidManifest,
                        "missing required field 'schema'"));
}

} // namespace
