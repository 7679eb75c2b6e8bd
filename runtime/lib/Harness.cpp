// Runs a bundle on a GPU with seeded random inputs and compares its outputs
// with the CPU reference (the engine of sm120-run and the GPU tests).

#include "sm120rt/Harness.hpp"
#include "Support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

using namespace sm120rt;
using namespace sm120rt::detail;

namespace {

bool parseInt(std::string_view text, int64_t &out) {
  if (text.empty())
    return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

/// Concrete sizes for every tensor: static dims from the manifest, dynamic
/// dims from the overrides.
Expected<std::vector<std::vector<int64_t>>>
resolveSizes(const Manifest &m, const std::vector<SizeOverride> &overrides) {
  std::vector<std::vector<int64_t>> sizes;
  for (const TensorSpec &t : m.tensors)
    sizes.push_back(t.shape);
  for (const SizeOverride &o : overrides) {
    int i = m.findTensor(o.tensor);
    if (i < 0)
      return makeError(Code::InvalidArgument,
                       cat("size given for unknown tensor '", o.tensor, "'"));
    const TensorSpec &t = m.tensors[i];
    if (o.dim < 0 || o.dim >= t.rank())
      return makeError(Code::InvalidArgument,
                       cat("size given for dim ", o.dim, " of tensor '",
                           o.tensor, "', which has rank ", t.rank()));
    if (t.shape[o.dim] != -1 && t.shape[o.dim] != o.size)
      return makeError(Code::InvalidArgument,
                       cat("tensor '", o.tensor, "' dim ", o.dim,
                           " is static (", t.shape[o.dim], "); got ", o.size));
    sizes[i][o.dim] = o.size;
  }
  for (size_t i = 0; i < sizes.size(); ++i)
    for (size_t d = 0; d < sizes[i].size(); ++d)
      if (sizes[i][d] == -1)
        return makeError(Code::InvalidArgument,
                         cat("tensor '", m.tensors[i].name, "' dim ", d,
                             " is dynamic; give its size (--sizes ",
                             m.tensors[i].name, "=", d, ":N)"));
  return sizes;
}

} // namespace

Expected<std::vector<SizeOverride>>
sm120rt::parseSizeOverrides(std::string_view text) {
  std::vector<SizeOverride> result;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view()
                                           : text.substr(comma + 1);
    size_t eq = item.find('=');
    size_t colon = item.find(':', eq == std::string_view::npos ? 0 : eq);
    int64_t dim = 0, size = 0;
    if (eq == std::string_view::npos || eq == 0 ||
        colon == std::string_view::npos ||
        !parseInt(item.substr(eq + 1, colon - eq - 1), dim) ||
        !parseInt(item.substr(colon + 1), size) || dim < 0 || dim > 64 ||
        size < 1)
      return makeError(Code::InvalidArgument,
                       cat("cannot read size '", item,
                           "'; expected name=dim:size (size >= 1)"));
    result.push_back(
        {std::string(item.substr(0, eq)), static_cast<int>(dim), size});
  }
  return result;
}

static bool allPassed(const std::vector<OutputCheck> &outputs) {
  return std::all_of(outputs.begin(), outputs.end(),
                     [](const OutputCheck &o) { return o.passed; });
}

bool RepeatCheck::passed() const { return allPassed(outputs); }

bool HarnessResult::passed() const {
  return allPassed(outputs) &&
         std::all_of(repeats.begin(), repeats.end(),
                     [](const RepeatCheck &r) { return r.passed(); });
}

namespace {

Expected<HarnessResult> runChecked(const Bundle &bundle,
                                   const HarnessOptions &options) {
  const Manifest &m = bundle.manifest();
  Expected<std::vector<std::vector<int64_t>>> sizes =
      resolveSizes(m, options.sizes);
  if (!sizes)
    return sizes.error();

  HarnessResult result;
  result.reference = findReference(m.problemFamily);
  std::vector<std::string> outputNames = m.problemOutputs;
  if (outputNames.empty() && result.reference)
    outputNames = result.reference->outputs;
  std::set<std::string> outputs(outputNames.begin(), outputNames.end());

  std::vector<HostTensor> host;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    Expected<HostTensor> t = makeHostTensor(m.tensors[i], (*sizes)[i]);
    if (!t)
      return t.error();
    if (outputs.count(t->name))
      fillPoison(*t);
    else
      fillRandom(*t, options.fill, i);
    host.push_back(t.take());
  }
  if (result.reference && result.reference->prepareInputs)
    result.reference->prepareInputs(m, host, options.fill);

  Expected<Kernel> kernel = Kernel::create(bundle, options.device);
  if (!kernel)
    return kernel.error();
  result.device = kernel->deviceInfo();

  std::vector<DeviceBuffer> buffers;
  std::vector<TensorArg> args;
  for (const HostTensor &t : host) {
    Expected<DeviceBuffer> buffer =
        DeviceBuffer::allocate(options.device, t.bytes.size());
    if (!buffer)
      return buffer.error();
    // Outputs get their poison before every checked launch.
    if (!outputs.count(t.name))
      if (Status s = buffer->upload(t.bytes.data(), t.bytes.size()); !s)
        return s.error();
    args.push_back(t.arg(buffer->data()));
    buffers.push_back(buffer.take());
  }
  Expected<std::array<uint32_t, 3>> grid =
      computeGrid(m, args.data(), args.size(), result.device.smCount);
  if (grid)
    result.grid = *grid;

  // One checked launch: poisoned outputs uploaded, launched, every tensor
  // read back into `readBack`.
  auto launchAndRead = [&](std::vector<HostTensor> &readBack) -> Status {
    for (size_t i = 0; i < host.size(); ++i)
      if (outputs.count(host[i].name))
        if (Status s =
                buffers[i].upload(host[i].bytes.data(), host[i].bytes.size());
            !s)
          return s;
    if (Status s = kernel->launch(args, nullptr); !s)
      return s;
    if (Status s = synchronizeDevice(options.device); !s)
      return s;
    readBack = host;
    for (size_t i = 0; i < host.size(); ++i)
      if (Status s = buffers[i].download(readBack[i].bytes.data(),
                                         readBack[i].bytes.size());
          !s)
        return s;
    return Status::success();
  };
  if (Status s = launchAndRead(result.results); !s)
    return s.error();

  if (result.reference)
    result.flops = result.reference->flops(m, host);
  if (result.reference && options.check) {
    std::vector<HostTensor> expected = host;
    if (Status s = result.reference->compute(m, expected); !s)
      return s.error();
    auto checkOutputs = [&](const std::vector<HostTensor> &got)
        -> Expected<std::vector<OutputCheck>> {
      std::vector<OutputCheck> checks;
      for (const std::string &name : outputNames) {
        int i = m.findTensor(name);
        Expected<Comparison> c = compareTensors(got[i], expected[i]);
        if (!c)
          return c.error();
        OutputCheck check;
        check.name = name;
        check.comparison = *c;
        if (options.fill.smallInt) {
          check.passed = c->exact();
          check.criterion = "exact (small-integer inputs)";
        } else {
          double tolerance = result.reference->maxRelError;
          check.passed = c->nonFinite == 0 && c->maxRelError <= tolerance;
          check.criterion = cat("finite, max |err| / max |ref| <= ", tolerance);
          if (result.reference->maxDiff) {
            double maxDiff = result.reference->maxDiff(m);
            check.passed = check.passed && c->diff <= maxDiff;
            check.criterion += cat(", diff <= ", maxDiff);
          }
        }
        checks.push_back(check);
      }
      return checks;
    };
    Expected<std::vector<OutputCheck>> first = checkOutputs(result.results);
    if (!first)
      return first.error();
    result.outputs = *first;
    for (int r = 0; r < options.repeats; ++r) {
      RepeatCheck repeat;
      if (Status s = launchAndRead(repeat.results); !s)
        return s.error();
      Expected<std::vector<OutputCheck>> checks = checkOutputs(repeat.results);
      if (!checks)
        return checks.error();
      repeat.outputs = *checks;
      if (repeat.passed())
        repeat.results.clear(); // only failures keep their tensors
      result.repeats.push_back(std::move(repeat));
    }
    result.expected = std::move(expected);
  }

  if (options.iterations > 0) {
    Expected<std::vector<float>> times = kernel->timeLaunches(
        args.data(), args.size(), options.iterations, nullptr);
    if (!times)
      return times.error();
    result.timesMs = *times;
    std::vector<float> sorted = *times;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    result.medianMs =
        n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }
  return result;
}

} // namespace

Expected<HarnessResult> sm120rt::runBundle(const Bundle &bundle,
                                           const HarnessOptions &options) {
  // The reference reads the bundle's free-form problem description and
  // indexes tensors whose runtime sizes the caller gives one by one: a
  // mistyped field, sizes that disagree or tensors too large for this host
  // end here as errors.
  try {
    return runChecked(bundle, options);
  } catch (const nlohmann::json::exception &e) {
    return makeError(Code::InvalidManifest,
                     cat("the bundle's problem description: ", e.what()));
  } catch (const std::out_of_range &e) {
    return makeError(Code::InvalidArgument,
                     cat(e.what(), "; do the tensor sizes agree?"));
  } catch (const std::bad_alloc &) {
    return makeError(Code::Internal,
                     "out of host memory for the bundle's tensors");
  }
}
