#!/usr/bin/env bash
# Populations on the CPU in one command: network-iterations per second (training with an evaluation on 10,000 test
# images every 100 iterations) for populations of N networks, and the speed-up over N = 1, measured in one run.
#
# Usage: scripts/bench-population.sh [--quick]
#   --quick               one measured operation per point (default: 1 warm-up + 3 measured)
# Environment:
#   LENET_MEMBERS="1,2,4,6,8,16,32"   population sizes for lenet-300-100
#   CONV_MEMBERS="1,2,4,8"            population sizes for conv2 on 28x28 images (an operation is slow on 2 cores);
#                                     "none" skips conv2
#   CONCURRENCY="1,auto,alone,lane"   1: one population on every thread; auto: one lane per thread, side by side,
#                                     each training its members one at a time on one thread (experiment run's default);
#                                     alone: the same members one after another, each alone on every thread; lane: the
#                                     same on one thread (the "lanes at most" column: threads x lane / alone)
#   DATA="random"                     random: random pixels (no background value); mnist: MNIST from the data cache
#   BATCHES="shared"                  shared: one mini-batch for all members (units of one trial); own: each member
#                                     its own seed and batch (units of several trials); "shared,own" runs both
#   OUT=dir                           where results go (default results/bench-population/<timestamp>)
#   BUILD_SUFFIX=-x                   build into target-x/ (parallel builds in one tree)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
iters=()
[ "${1:-}" = "--quick" ] && iters=(-wi 0 -i 1)
suffix=${BUILD_SUFFIX:-}
out=${OUT:-$root/results/bench-population/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2

echo "== building benchmarks jar"
./mvnw -q -Dbuild.suffix="$suffix" package -DskipTests -pl bench -am
jar="bench/target$suffix/benchmarks.jar"
avx=$("$root/scripts/vector-flags.sh")
gc=$("$root/scripts/gc-flags.sh")
jvm=()
[ -n "$avx" ] && jvm=(-jvmArgsPrepend "$avx")
[ -n "$gc" ] && jvm+=(-jvmArgsPrepend "$gc")
{
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores${avx:+; java with $avx}${gc:+ $gc}"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

run() { # model members-list
  "$JAVA_HOME/bin/java" -jar "$jar" 'dev\.lottery\.bench\.population\.PopulationBenchmark' -p model="$1" -p members="$2" \
    -p batches="${BATCHES:-shared}" -p concurrency="${CONCURRENCY:-1,auto,alone,lane}" -p data="${DATA:-random}" \
    "${iters[@]}" ${jvm[@]+"${jvm[@]}"} -rf json -rff "$out/jmh-$1.json" | tee "$out/jmh-$1.txt"
}
run lenet-300-100 "${LENET_MEMBERS:-1,2,4,6,8,16,32}"
[ "${CONV_MEMBERS:-}" = none ] || run conv2 "${CONV_MEMBERS:-1,2,4,8}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

echo "== network-iterations per second ($out)"
python3 - "$out" <<'PY' | tee "$out/summary.txt"
import glob, json, os, sys
ITERATIONS = 500  # PopulationBenchmark.ITERATIONS
THREADS = os.cpu_count()
rows = {}
for f in sorted(glob.glob(sys.argv[1] + "/jmh-*.json")):
    for r in json.load(open(f)):
        p = r["params"]
        n = int(p["members"])
        key = (p["model"], p.get("batches", "shared"), p.get("data", "random"))
        rows.setdefault(key, {})[(p.get("concurrency", "1"), n)] = r["primaryMetric"]["score"] * ITERATIONS * n
# Two baselines measured in the same run: one network on every thread (concurrency 1, N = 1), and the same N members
# trained one after another, each alone on every thread (concurrency alone), which is what populations replace. One
# lane trains them one after another on one thread (concurrency lane), and THREADS lanes side by side train at most
# THREADS times as fast (at most one lane per member): the bound on what lanes can gain over the members alone.
print(f"{'model':<15} {'batches':<7} {'data':<7} {'concurrency':<11} {'N':>3} {'network-it/s':>13} {'vs N=1':>7} {'vs alone':>8} {'lanes at most':>13}")
for (model, batches, data), by in rows.items():
    base = by.get(("1", 1))
    for (conc, n) in sorted(by, key=lambda k: (k[0], k[1])):
        ratio = f"{by[(conc, n)] / base:6.2f}x" if base else "     -"
        alone = by.get(("alone", n))
        vs_alone = f"{by[(conc, n)] / alone:7.2f}x" if alone and conc != "alone" else "      -"
        lane = by.get(("lane", n))
        bound = f"{min(n, THREADS) * lane / alone:12.2f}x" if conc == "auto" and lane and alone else "            -"
        print(f"{model:<15} {batches:<7} {data:<7} {conc:<11} {n:>3} {by[(conc, n)]:>13,.0f} {ratio} {vs_alone} {bound}")
PY
