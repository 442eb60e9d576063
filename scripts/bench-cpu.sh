#!/usr/bin/env bash
# CPU performance in one command: builds the benchmarks jar, runs the JMH lenet-300-100 step and GEMM benchmarks,
# runs the NumPy peer on the same machine, and prints our GEMM GFLOP/s and the step ratio (ours / NumPy).
#
# Usage: scripts/bench-cpu.sh [--quick]
#   --quick             1 warm-up + 3 measured iterations of 1 s (default: JMH 3 x 1 s warm-up, 5 x 1 s measured)
# Environment:
#   BUILD_SUFFIX=-x     build into target-x/ (parallel builds in one tree)
#   OUT=dir             where results go (default results/bench-cpu/<timestamp>)
#   GEMM_THREADS=n      threads per GEMM (default: all cores)
#   JMH_ARGS="..."      extra JMH arguments
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

jmh_iters=()
numpy_args=()
if [ "${1:-}" = "--quick" ]; then
  jmh_iters=(-wi 1 -i 3 -w 1s -r 1s)
  numpy_args=(--repeats 3)
fi
suffix=${BUILD_SUFFIX:-}
out=${OUT:-$root/results/bench-cpu/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
. "$root/scripts/bench-common.sh"
# Prepended: -jvmArgsAppend would replace the benchmarks' own flags (the Vector API module among them).
jvm_args=()
[ -n "${GEMM_THREADS:-}" ] && jvm_args=(-jvmArgsPrepend "-Dlottery.gemm.threads=$GEMM_THREADS")
[ -n "$vector_flags" ] && jvm_args+=(-jvmArgsPrepend "$vector_flags")
[ -n "$gc_flags" ] && jvm_args+=(-jvmArgsPrepend "$gc_flags")
bench_build_jar
bench_machine_header

echo "== JMH: lenet step + GEMM (ours)"
"$JAVA_HOME/bin/java" -jar "$jar" 'dev\.lottery\.bench\.cpu\.(LenetStepBenchmark|GemmBenchmark)' \
  "${jmh_iters[@]}" "${jvm_args[@]}" ${JMH_ARGS:-} -rf json -rff "$out/jmh-cpu.json" | tee "$out/jmh-cpu.txt"

echo "== NumPy peer (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this process only)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/python/lenet_step_numpy.py "${numpy_args[@]}" | tee "$out/numpy.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

echo "== summary ($out)"
python3 bench/python/summarize_cpu.py "$out/jmh-cpu.json" "$out/numpy.txt" --json "$out/summary.json" | tee "$out/summary.txt"
