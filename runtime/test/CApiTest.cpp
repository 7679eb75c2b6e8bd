// The C API: status codes, the thread-local last-error message, handles and
// getters, and NULL handling.

#include "TestSupport.hpp"
#include "sm120rt/sm120rt.h"

#include <cstring>
#include <thread>

using namespace sm120rt;
using namespace sm120rt::test;

namespace {

TEST(CApi, BadDirectoryReportsMissingFile) {
  sm120rt_bundle *bundle = reinterpret_cast<sm120rt_bundle *>(0x1);
  sm120rt_status status =
      sm120rt_bundle_load_dir("/nonexistent/sm120rt-bundle", &bundle);
  EXPECT_EQ(status, SM120RT_MISSING_FILE);
  EXPECT_EQ(bundle, nullptr);
  EXPECT_STREQ(sm120rt_last_error(), "cannot read bundle manifest "
                                     "'/nonexistent/sm120rt-bundle/"
                                     "manifest.json'");
  EXPECT_STREQ(sm120rt_status_name(status), "SM120RT_MISSING_FILE");
}

TEST(CApi, InvalidManifestFromMemory) {
  std::string cubin = fakeCubin();
  sm120rt_bundle *bundle = nullptr;
  const char *json = "{\"schema\": \"sm120.bundle\", \"schema_version\": 9}";
  EXPECT_EQ(sm120rt_bundle_load_memory(json, std::strlen(json), cubin.data(),
                                       cubin.size(), &bundle),
            SM120RT_UNSUPPORTED_SCHEMA);
  EXPECT_EQ(bundle, nullptr);
  EXPECT_STREQ(sm120rt_last_error(),
               "manifest schema_version is 9; this runtime reads version 1");
}

TEST(CApi, LoadsFromMemoryAndReportsFacts) {
  std::string cubin = fakeCubin();
  sm120rt_bundle *bundle = nullptr;
  ASSERT_EQ(sm120rt_bundle_load_memory(kFixtureManifest,
                                       std::strlen(kFixtureManifest),
                                       cubin.data(), cubin.size(), &bundle),
            SM120RT_OK)
      << sm120rt_last_error();
  EXPECT_STREQ(sm120rt_bundle_chip(bundle), "sm_90a");
  EXPECT_STREQ(sm120rt_bundle_symbol(bundle), "fixture_fp8_tile");
  EXPECT_STREQ(sm120rt_bundle_family(bundle), "fixture_fp8_tile");
  EXPECT_EQ(sm120rt_bundle_num_tensors(bundle), 5u);

  // Without a GPU (this test's usual home) creating a kernel fails cleanly.
  sm120rt_kernel *kernel = nullptr;
  sm120rt_status status = sm120rt_kernel_create(bundle, 0, &kernel);
  if (deviceCount().ok()) {
    sm120rt_kernel_destroy(kernel);
  } else {
    EXPECT_TRUE(status == SM120RT_NO_DEVICE || status == SM120RT_NOT_SUPPORTED)
        << sm120rt_status_name(status);
    EXPECT_EQ(kernel, nullptr);
    EXPECT_STRNE(sm120rt_last_error(), "");
  }
  sm120rt_bundle_destroy(bundle);
}

TEST(CApi, NullArguments) {
  EXPECT_EQ(sm120rt_bundle_load_dir("x", nullptr), SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(), "sm120rt_bundle_load_dir: out is NULL");
  sm120rt_bundle *bundle = nullptr;
  EXPECT_EQ(sm120rt_bundle_load_dir(nullptr, &bundle),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_EQ(sm120rt_bundle_load_memory(nullptr, 0, nullptr, 0, &bundle),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "sm120rt_bundle_load_memory: manifest_json is NULL");
  sm120rt_kernel *kernel = nullptr;
  EXPECT_EQ(sm120rt_kernel_create(nullptr, 0, &kernel),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_EQ(sm120rt_kernel_launch(nullptr, nullptr, 0, nullptr),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(), "sm120rt_kernel_launch: kernel is NULL");
  EXPECT_STREQ(sm120rt_bundle_chip(nullptr), "");
  EXPECT_EQ(sm120rt_bundle_num_tensors(nullptr), 0u);
  sm120rt_bundle_destroy(nullptr);
  sm120rt_kernel_destroy(nullptr);
}

TEST(CApi, LastErrorIsPerThread) {
  sm120rt_bundle *bundle = nullptr;
  ASSERT_NE(sm120rt_bundle_load_dir("/nonexistent/one", &bundle), SM120RT_OK);
  std::string otherThread;
  std::thread([&] {
    sm120rt_bundle *b = nullptr;
    (void)sm120rt_bundle_load_dir("/nonexistent/two", &b);
    otherThread = sm120rt_last_error();
  }).join();
  EXPECT_NE(otherThread.find("/nonexistent/two"), std::string::npos);
  EXPECT_NE(std::string(sm120rt_last_error()).find("/nonexistent/one"),
            std::string::npos);
}

TEST(CApi, StatusNamesCoverEveryCode) {
  for (int s = SM120RT_OK; s <= SM120RT_COMPILE_ERROR; ++s) {
    std::string name = sm120rt_status_name(static_cast<sm120rt_status>(s));
    EXPECT_EQ(name.rfind("SM120RT_", 0), 0u);
    EXPECT_NE(name, "SM120RT_UNKNOWN_STATUS") << s;
    EXPECT_NE(std::string(codeName(static_cast<Code>(s))), "UnknownCode");
  }
}

} // namespace
