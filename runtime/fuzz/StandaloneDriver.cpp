// A libFuzzer stand-in for compilers without -fsanitize=fuzzer: runs
// LLVMFuzzerTestOneInput on every seed (each must be a valid manifest), then
// on seeded random mutations (byte-level and JSON-aware) for a bounded number
// of iterations or seconds.
//
// usage: manifest-fuzz-standalone [--iterations N] [--seconds S] [--seed S]
//                                 <corpus file or dir>...

#include "../lib/Support.hpp"
#include "sm120rt/sm120rt.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

using Json = nlohmann::ordered_json;

class Rng : public sm120rt::detail::SplitMix64 {
public:
  using SplitMix64::SplitMix64;
  size_t below(size_t n) { return n ? next() % n : 0; }
};

// Tokens that reach the parser's type, range and name checks.
const char *const kTokens[] = {"-1",
                               "0",
                               "1",
                               "2",
                               "5",
                               "6",
                               "8",
                               "9",
                               "16",
                               "32",
                               "64",
                               "128",
                               "255",
                               "256",
                               "257",
                               "1024",
                               "1025",
                               "65535",
                               "101376",
                               "232448",
                               "2147483647",
                               "2147483648",
                               "4294967295",
                               "4294967296",
                               "9223372036854775807",
                               "18446744073709551615",
                               "-9223372036854775808",
                               "1.5",
                               "1e999",
                               "-0",
                               "null",
                               "true",
                               "false",
                               "[]",
                               "{}",
                               "\"\"",
                               "\"none\"",
                               "\"16b\"",
                               "\"zero\"",
                               "\"nan\"",
                               "\"tma\"",
                               "\"dim\"",
                               "\"pointer\"",
                               "\"i32\"",
                               "\"i64\"",
                               "\"u8\"",
                               "\"bf16\"",
                               "\"f4e2m1\"",
                               "\"u4x16_align8\"",
                               "\"u4x16_align16\"",
                               "\"fixed\"",
                               "\"tiles\"",
                               "\"persistent\"",
                               "\"sm_90a\"",
                               "\"sm_120a\"",
                               "\"sm_121a\"",
                               "\"sm_120f\"",
                               "\"../x\"",
                               "\"\\u0000\"",
                               "[1,1,1]",
                               "[128,128]",
                               "[-1,128]",
                               ",",
                               ":",
                               "\"",
                               "[",
                               "]",
                               "{",
                               "}"};

/// Replaces one random value in the JSON tree with a token, or removes or
/// duplicates an array element / object member.
std::string mutateJson(Json doc, Rng &rng) {
  std::vector<Json *> nodes;
  std::vector<Json *> stack = {&doc};
  while (!stack.empty()) {
    Json *node = stack.back();
    stack.pop_back();
    nodes.push_back(node);
    if (node->is_structured())
      for (Json &child : *node)
        stack.push_back(&child);
  }
  Json *target = nodes[rng.below(nodes.size())];
  switch (rng.below(4)) {
  case 0:
  case 1: {
    const char *token = kTokens[rng.below(std::size(kTokens))];
    Json value = Json::parse(token, nullptr, false);
    if (!value.is_discarded())
      *target = value;
    break;
  }
  case 2:
    if (target->is_object() && !target->empty()) {
      auto it = target->begin();
      std::advance(it, rng.below(target->size()));
      target->erase(it.key());
    } else if (target->is_array() && !target->empty()) {
      target->erase(target->begin() + rng.below(target->size()));
    }
    break;
  default:
    if (target->is_array() && !target->empty())
      target->push_back((*target)[rng.below(target->size())]);
    break;
  }
  return doc.dump();
}

std::string mutateBytes(std::string input, Rng &rng) {
  int rounds = 1 + static_cast<int>(rng.below(4));
  for (int r = 0; r < rounds; ++r) {
    size_t pos = rng.below(input.size() + 1);
    switch (rng.below(5)) {
    case 0:
      if (!input.empty())
        input[rng.below(input.size())] ^= static_cast<char>(1 << rng.below(8));
      break;
    case 1:
      if (!input.empty())
        input[rng.below(input.size())] = static_cast<char>(rng.next());
      break;
    case 2:
      input.erase(pos, rng.below(16));
      break;
    case 3:
      input.insert(pos, kTokens[rng.below(std::size(kTokens))]);
      break;
    default:
      if (!input.empty()) {
        size_t from = rng.below(input.size());
        input.insert(pos, input.substr(from, rng.below(32)));
      }
      break;
    }
  }
  return input;
}

bool readFile(const std::filesystem::path &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  out = os.str();
  return static_cast<bool>(in);
}

int run(const std::string &input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(input.data()),
                                input.size());
}

} // namespace

int main(int argc, char **argv) {
  long iterations = 20000;
  double seconds = 10;
  uint64_t seed = 1;
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc)
      iterations = std::atol(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (arg == "--seed" && i + 1 < argc)
      seed = std::strtoull(argv[++i], nullptr, 10);
    else if (std::filesystem::is_directory(arg))
      for (const auto &entry : std::filesystem::directory_iterator(arg))
        inputs.push_back(entry.path());
    else
      inputs.push_back(arg);
  }

  // Seeds are valid manifests: each must parse.
  std::vector<std::string> seeds;
  for (const auto &path : inputs) {
    std::string text;
    if (!readFile(path, text)) {
      std::fprintf(stderr, "cannot read seed %s\n", path.c_str());
      return 1;
    }
    sm120rt::Expected<sm120rt::Manifest> m = sm120rt::parseManifest(text);
    if (!m) {
      std::fprintf(stderr, "seed %s is not a valid manifest: %s\n",
                   path.c_str(), m.error().message.c_str());
      return 1;
    }
    run(text);
    seeds.push_back(text);
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seeds given\n");
    return 1;
  }

  Rng rng(seed);
  auto start = std::chrono::steady_clock::now();
  std::map<std::string, long> outcomes;
  long executed = 0;
  for (; executed < iterations; ++executed) {
    if (executed % 256 == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                .count() > seconds)
      break;
    const std::string &base = seeds[rng.below(seeds.size())];
    std::string input = rng.below(2) ? mutateJson(Json::parse(base), rng)
                                     : mutateBytes(base, rng);
    sm120rt::Expected<sm120rt::Manifest> m = sm120rt::parseManifest(input);
    ++outcomes[m ? "accepted" : sm120rt::codeName(m.error().code)];
    run(input);
  }
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("%zu seeds, %ld mutated inputs in %.1f s:", seeds.size(),
              executed, elapsed);
  for (const auto &[outcome, count] : outcomes)
    std::printf(" %s %ld", outcome.c_str(), count);
  std::printf("\n");
  // Both sides of the parser must have been reached.
  if (outcomes["accepted"] == 0 || outcomes["InvalidManifest"] == 0) {
    std::fprintf(stderr, "mutations never reached both acceptance and "
                         "rejection\n");
    return 1;
  }
  return 0;
}
