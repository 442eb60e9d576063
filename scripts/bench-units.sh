#!/usr/bin/env bash
# Compares the CPU training speed of this checkout with another revision's, in one process: both builds train the
# same lenet-fig3 units (random masks at the experiment's layer-wise rates, evaluation every 100 iterations) in
# alternation, and the median ratio per level is printed. On a shared machine two separate runs of one build differ by
# up to 2x; taking turns in one process, both builds meet the same load (dev.lottery.bench.cpu.UnitComparison).
#
# Usage: scripts/bench-units.sh --before REV [--levels 0,9,18] [--iterations N] [--rounds N] [--eval-every N]
#                               [--conv conv4,resnet20] [--steps N]
#   --before REV        the revision compared against (built beside the checkout, offline)
#   --levels L,...      pruning levels (default 0,9,18: 100 %, 13 % and 1.8 % of the hidden layers' weights)
#   --iterations N      iterations per unit and round (default 1500)
#   --rounds N          rounds per level (or model) after two warm-up rounds (default 8)
#   --conv M,...        compare these convolutional presets' training steps (as JMH ConvStepBenchmark times them)
#                       instead of lenet units; --steps N steps per round (default 6)
# Environment: OUT=dir (default results/bench-units/<time>), BUILD_SUFFIX=-x (this checkout's build folder suffix).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

before_rev="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before_rev=$2; shift 2 ;;
    --levels|--iterations|--rounds|--eval-every|--conv|--steps) args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench-units: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$before_rev" ] || { echo "bench-units: --before REV is required (see --help)" >&2; exit 2; }
git rev-parse -q --verify "$before_rev^{commit}" >/dev/null || { echo "bench-units: no revision $before_rev" >&2; exit 2; }
suffix=${BUILD_SUFFIX:-}
out=${OUT:-$root/results/bench-units/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-units.XXXXXX")
trap 'rm -rf "$work"' EXIT

. "$root/scripts/bench-common.sh"
bench_build_jar
echo "== building $before_rev"
mkdir -p "$work/before"
git archive "$before_rev" | tar -x -C "$work/before"
(cd "$work/before" && ./mvnw -o -q -pl bench -am package -DskipTests >"$work/before-build.log" 2>&1) \
  || { tail -20 "$work/before-build.log" >&2; exit 1; }
# The probe class, for a revision whose benchmarks jar predates it.
mkdir -p "$work/probe"
(cd "$work/probe" && "$JAVA_HOME/bin/jar" -xf "$jar" dev/lottery/bench/cpu/UnitProbe.class dev/lottery/bench/cpu/ConvStepProbe.class)
bench_machine_header
{ echo "before: $(git rev-parse --short "$before_rev")"; echo "after: $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"; } | tee -a "$out/machine.txt"

jvm=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx8g)
[ -n "$vector_flags" ] && jvm+=("$vector_flags")
[ -n "$gc_flags" ] && jvm+=("$gc_flags")
echo "== units, before and after taking turns"
"$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$jar" dev.lottery.bench.cpu.UnitComparison \
  "$work/before/bench/target/benchmarks.jar" "$jar" "$work/probe" "${args[@]}" 2>&1 \
  | grep --line-buffered -v 'Using incubator modules' | tee "$out/units.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
echo "== results in $out"
