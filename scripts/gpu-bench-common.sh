# Sourced by the GPU machine's GEMM benchmarks (gpu-bench-gemm.sh,
# gpu-bench-grouped.sh): builds the runtime's tools standalone in
# $root/build-rt and measures the BF16 HMMA peak that their records divide
# by. Expects root to be set.

build="$root/build-rt"
cmake -S "$root/runtime" -B "$build" -G Ninja -DSM120RT_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j "$(nproc)" --target sm120-mma-peak sm120-run > /dev/null

# bench_peak LOG PEAK_JSON: the BF16 peak (build/bench-bundles) into
# PEAK_JSON, its output starting LOG.
bench_peak() {
  "$build/bin/sm120-mma-peak" "$root"/build/bench-bundles/mma_peak_bf16* \
    --commit "${SM120_COMMIT:-unknown}" --json "$2" | tee "$1"
}
