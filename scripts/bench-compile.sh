# Sourced by the benchmark compile scripts (bench-grouped.sh,
# bench-k-grouped.sh); expects build and out to be set.
# compile NAME: $out/specs/NAME.mlir into the twin's bundle (its own
# schedules) and sm_120a's, with the ptxas report (spills).
compile() {
  "$build/bin/sm120-opt" "$out/specs/$1.mlir" \
    --sm120-compile="chip=sm_90a machine=h100 output=$out/$1/sm_90a" \
    -o /dev/null
  "$build/bin/sm120-opt" "$out/specs/$1.mlir" \
    --sm120-compile="chip=sm_120a output=$out/$1/sm_120a report=true" \
    -o /dev/null
}
