// Inline manifests and helpers shared by the runtime's unit tests (no
// compiler output is needed: every manifest is written here).

#ifndef SM120RT_TEST_TESTSUPPORT_HPP
#define SM120RT_TEST_TESTSUPPORT_HPP

#include "sm120rt/sm120rt.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace sm120rt::test {

using Json = nlohmann::ordered_json;

/// The 128x128x128 FP8 fixture tile as an sm_90a bundle: two TMA operands
/// (swizzled and not), pointer scales and output, an i32 and an i64 dim,
/// and a tiles grid.
inline constexpr const char *kFixtureManifest = R"json({
  "schema": "sm120.bundle",
  "schema_version": 1,
  "compiler": {"name": "sm120", "version": "0.1.0"},
  "chip": "sm_90a",
  "kernel": {"symbol": "fixture_fp8_tile",
             "cubin": "fixture_fp8_tile.sm_90a.cubin"},
  "tensors": [
    {"name": "a", "dtype": "f8e4m3", "shape": [128, 128], "contiguous_dim": 1},
    {"name": "b", "dtype": "f8e4m3", "shape": [128, 128], "contiguous_dim": 1},
    {"name": "sfa", "dtype": "f8e8m0", "shape": [128], "contiguous_dim": 0},
    {"name": "sfb", "dtype": "f8e8m0", "shape": [128], "contiguous_dim": 0},
    {"name": "d", "dtype": "f32", "shape": [128, 128], "contiguous_dim": 1}
  ],
  "params": [
    {"kind": "tma", "tensor": 0, "dtype": "u8", "box": [128, 128],
     "element_strides": [1, 1], "swizzle": 128, "interleave": "none",
     "l2_promotion": 256, "oob_fill": "zero"},
    {"kind": "tma", "tensor": 1, "dtype": "u8", "box": [128, 128],
     "element_strides": [1, 1], "swizzle": 0, "interleave": "none",
     "l2_promotion": 128, "oob_fill": "zero"},
    {"kind": "pointer", "tensor": 2},
    {"kind": "pointer", "tensor": 3},
    {"kind": "pointer", "tensor": 4},
    {"kind": "dim", "tensor": 0, "dim": 0, "dtype": "i32"},
    {"kind": "dim", "tensor": 1, "dim": 0, "dtype": "i64"}
  ],
  "launch": {"block": [128, 1, 1], "dynamic_smem_bytes": 34816,
             "grid": {"kind": "tiles",
                      "factors": [{"tensor": 4, "dim": 0, "tile": 128},
                                  {"tensor": 4, "dim": 1, "tile": 128}]}},
  "problem": {"family": "fixture_fp8_tile", "m": 128, "n": 128, "k": 128,
              "layout": {"a": "k-major", "b": "k-major"},
              "outputs": ["d"]},
  "assembler": {"tool": "ptxas 13.0", "registers": 40,
                "spill_store_bytes": 0, "spill_load_bytes": 0,
                "stack_bytes": 0, "shared_bytes": 0},
  "compile_ms": {"translate": 1.5, "codegen": 30.25, "assemble": 41.0}
})json";

/// A GEMM-like sm_120a bundle with dynamic M: a 3-D bf16 operand read by
/// TMA, packed FP4 read three ways, and a persistent grid.
inline constexpr const char *kMixedManifest = R"json({
  "schema": "sm120.bundle",
  "schema_version": 1,
  "compiler": {"name": "sm120", "version": "0.1.0"},
  "chip": "sm_120a",
  "kernel": {"symbol": "mixed", "cubin": "mixed.sm_120a.cubin"},
  "tensors": [
    {"name": "x", "dtype": "bf16", "shape": [-1, 64, 256], "contiguous_dim": 2},
    {"name": "w", "dtype": "f4e2m1", "shape": [128, 256], "contiguous_dim": 1},
    {"name": "y", "dtype": "f32", "shape": [-1, 128], "contiguous_dim": 1}
  ],
  "params": [
    {"kind": "tma", "tensor": 0, "dtype": "bf16", "box": [1, 32, 64],
     "element_strides": [1, 2, 1], "swizzle": 128, "interleave": "none",
     "l2_promotion": 128, "oob_fill": "nan"},
    {"kind": "tma", "tensor": 1, "dtype": "u4x16_align8", "box": [64, 128],
     "element_strides": [1, 1], "swizzle": 64, "interleave": "none",
     "l2_promotion": 0, "oob_fill": "zero"},
    {"kind": "tma", "tensor": 1, "dtype": "u8", "box": [64, 64],
     "element_strides": [1, 1], "swizzle": 64, "interleave": "none",
     "l2_promotion": 64, "oob_fill": "zero"},
    {"kind": "tma", "tensor": 1, "dtype": "u4x16_align16", "box": [16, 128],
     "element_strides": [1, 1], "swizzle": 128, "interleave": "none",
     "l2_promotion": 256, "oob_fill": "zero"},
    {"kind": "pointer", "tensor": 2},
    {"kind": "dim", "tensor": 0, "dim": 0, "dtype": "i32"}
  ],
  "launch": {"block": [384, 1, 1], "dynamic_smem_bytes": 98304,
             "grid": {"kind": "persistent",
                      "factors": [{"tensor": 2, "dim": 0, "tile": 128},
                                  {"tensor": 2, "dim": 1, "tile": 64}]}},
  "problem": {"family": "gemm", "outputs": ["y"]},
  "assembler": {"tool": "nvJitLink 13.0", "registers": 168,
                "spill_store_bytes": 0, "spill_load_bytes": 0,
                "stack_bytes": 0, "shared_bytes": 1024}
})json";

/// The manifest text after `edit` ran on its JSON.
inline std::string patched(const char *text,
                           const std::function<void(Json &)> &edit) {
  Json doc = Json::parse(text);
  edit(doc);
  return doc.dump();
}

/// A minimal cubin header: ELF magic and e_machine = EM_CUDA (190).
inline std::string fakeCubin(uint16_t machine = 190) {
  std::string bytes(64, '\0');
  bytes[0] = 0x7f;
  bytes[1] = 'E';
  bytes[2] = 'L';
  bytes[3] = 'F';
  bytes[18] = static_cast<char>(machine & 0xff);
  bytes[19] = static_cast<char>(machine >> 8);
  return bytes;
}

inline Manifest parseOrDie(const std::string &text) {
  Expected<Manifest> m = parseManifest(text);
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? *m : Manifest();
}

/// Expects `status` to fail with `code` and a message containing `needle`.
template <typename T>
::testing::AssertionResult failsWith(const Expected<T> &result, Code code,
                                     const std::string &needle) {
  if (result.ok())
    return ::testing::AssertionFailure()
           << "succeeded; expected " << codeName(code) << " with '" << needle
           << "'";
  const Error &e = result.error();
  if (e.code != code || e.message.find(needle) == std::string::npos)
    return ::testing::AssertionFailure()
           << "failed with " << codeName(e.code) << ": " << e.message
           << "\n  expected " << codeName(code) << " containing '" << needle
           << "'";
  return ::testing::AssertionSuccess();
}

} // namespace sm120rt::test

#endif // SM120RT_TEST_TESTSUPPORT_HPP
