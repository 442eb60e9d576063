#!/usr/bin/env bash
# Projects the wall time of a whole lottery experiment (default: lenet-fig3, the paper's Figure 3) on this machine's
# CPU from a fixed sample of its units: the dense unit, and iterative and one-shot tickets at six levels from 51 % of
# the weights kept to 1.8 %, each trained a few thousand iterations. Every sample runs in one process with the CPU backend as
# it is and with its masked products forced dense (-Dlottery.cpu.sparse=false: the kernels before masked products),
# so the projections come from the same machine state; each both ways: as copies side by side on one-thread backends,
# one per core (how experiment run trains units by default), and one unit at a time on all cores.
#
# Usage: scripts/bench-sweep.sh [--quick] [--experiment NAME] [--iterations N] [--prep N] [--levels L1,L2,...]
#   --quick             500 iterations per sample, 200 per level for the masks (a smoke run; the projection is rough)
#   --iterations N      iterations timed per sample unit (default 2000, i.e. 20 evaluations)
#   --prep N            untimed iterations per level when making the samples' masks (default 500)
#   --levels L1,L2,...  the sampled levels (default 3,5,7,9,13,18: 51, 33, 21, 13, 5.5 and 1.8 % of lenet's fc
#                       weights, on both sides of each kernel crossover)
#   --lanes N           copies trained side by side (default: one per core, as experiment run --concurrency auto)
# Environment:
#   BUILD_SUFFIX=-x     build into target-x/ (parallel builds in one tree)
#   OUT=dir             where results go (default results/bench-sweep/<timestamp>)
#   GEMM_THREADS=n      threads per GEMM (default: all cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) args+=(--iterations 500 --prep 200); shift ;;
    --experiment|--iterations|--prep|--levels|--lanes) args+=("$1" "$2"); shift 2 ;;
    *) echo "bench-sweep: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
suffix=${BUILD_SUFFIX:-}
out=${OUT:-$root/results/bench-sweep/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
jvm=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx6g)
[ -n "${GEMM_THREADS:-}" ] && jvm+=("-Dlottery.gemm.threads=$GEMM_THREADS")

. "$root/scripts/bench-common.sh"
[ -n "$vector_flags" ] && jvm+=("$vector_flags")
[ -n "$gc_flags" ] && jvm+=("$gc_flags")
bench_build_jar
bench_machine_header

echo "== sweep sample (the data set is fetched on first use)"
"$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$jar" dev.lottery.bench.cpu.SweepBenchmark "${args[@]}" --json "$out/sweep.json" 2>&1 \
  | grep -v 'Using incubator modules' | tee "$out/sweep.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
echo "== results in $out"
