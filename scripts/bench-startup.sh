#!/usr/bin/env bash
# Cold-start benchmark of the lottery command line: the wall time of whole commands and of their phases, for this
# checkout (with and without the JVM's ahead-of-time cache) and, with --before REV, for another revision built beside
# it, measured in the same run with the sides alternating, so all meet the same machine. Prints the load before and
# after; compare ratios, not absolute times across runs.
#
#   scripts/bench-startup.sh [--before REV] [--runs N]      (default: 5 runs of each case)
#
# Cases (lenet-300-100 on MNIST, already in the data cache):
#   train-1000   ./lottery.sh train --iterations 1000
#   train-1      ./lottery.sh train --iterations 1
#   unit         one Slurm unit's process as its job runs it (java -jar ... experiment run-unit, a dense unit of
#                200 iterations): the process overhead is its wall time minus the unit's own training time.
# Phases of a train run, from the time each line of its output appears:
#   start        process start -> the backend line (JVM, launcher, command line, backend selection)
#   data         backend line -> "training ..." (data set loaded and made resident, network created)
#   first-it     -> the progress line of iteration 1 (the evaluation at iteration 0 and one step: JIT warm-up)
#   rest         -> the final accuracy line (the other iterations and evaluations)
#   exit         -> process end
# Reported per case: the minimum and median wall time, the minimum CPU time; phases are those of the fastest run.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
before_rev="" runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before_rev=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench-startup: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
java="$JAVA_HOME/bin/java"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

load() { echo "$1: $(uptime | sed 's/.*load/load/')$( [ -r /proc/pressure/cpu ] && printf '; cpu pressure %s' "$(head -1 /proc/pressure/cpu)")"; }

# The sides compared: this checkout with and without the JVM's start-up cache, and the --before revision. Each is
# built (and its caches made, its data prepared) by a first, untimed run.
launchers=(after after-no-aot-cache); declare -A jar
jar[after]="$root/lottery/target/lottery-cli.jar"; jar[after-no-aot-cache]=${jar[after]}
lottery() { # $1 = side, then the command line
  local side=$1; shift
  case "$side" in
    before) "$work/before/lottery.sh" "$@" ;;
    after) "$root/lottery.sh" "$@" ;;
    after-no-aot-cache) LOTTERY_AOT=0 "$root/lottery.sh" "$@" ;;
  esac
}
if [ -n "$before_rev" ]; then
  echo "building $before_rev into $work/before ..." >&2
  mkdir -p "$work/before"
  git -C "$root" archive "$before_rev" | tar -x -C "$work/before"
  (cd "$work/before" && ./mvnw -o -q -pl lottery -am package -DskipTests >"$work/before-build.log" 2>&1) \
    || { tail -20 "$work/before-build.log" >&2; exit 1; }
  launchers=(before "${launchers[@]}")
  jar[before]="$work/before/lottery/target/lottery-cli.jar"
fi
for side in "${launchers[@]}"; do
  lottery "$side" train --iterations 1 >/dev/null 2>"$work/$side-first.log" \
    || { cat "$work/$side-first.log" >&2; exit 1; }  # builds, fetches and prepares data, records caches
done

# Runs a command once; writes "<wall> <phases...> <unit seconds> <cpu>" to stdout. Lines are stamped as they arrive;
# cpu is the user+system time of the command and its children (on a shared or virtual machine, where other work
# stretches the wall time, it is the steadier figure).
stamp() {
  local t0 t1 out="$work/out" TIMEFORMAT='%U %S'
  t0=$EPOCHREALTIME
  { time "$@" 2>&1 | while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >"$out"; } 2>"$work/cpu"
  t1=$EPOCHREALTIME
  awk -v t0="$t0" -v t1="$t1" -v cpu="$(awk '{ print $1 + $2 }' "$work/cpu")" '
    !b && / backend: |^backend: / { b = $1 }
    !t && / training / { t = $1 }
    !f && / it 1\// { f = $1 }
    !e && /final test accuracy/ { e = $1 }
    / done: .*\(([0-9.]+) s\)/ { match($0, /\(([0-9.]+) s\)$/); u = substr($0, RSTART + 1, RLENGTH - 4) }
    END {
      if (!b) b = t0; if (!t) t = b; if (!f) f = t; if (!e) e = t1
      printf "%.3f %.3f %.3f %.3f %.3f %.3f %s %.2f\n", t1 - t0, b - t0, t - b, f - t, e - f, t1 - e, (u == "" ? "-" : u), cpu
    }' "$out"
}

# The experiment a unit belongs to: a cluster job finds its settings in the manifest of the experiment directory,
# which the submission writes; a finished short run of each side provides one (it names that side's kernels, and a
# build refuses a manifest of other kernels), copied into a fresh folder for every timed unit.
unit_experiment=(--preset lenet-quick --trials 1 --levels 1 --iterations 200)
template_manifest() { # $1 = side
  lottery "$1" experiment run "${unit_experiment[@]}" --device cpu --no-report --results "$work/template-$1" >/dev/null 2>&1
  ls "$work/template-$1"/*/manifest.json
}

# A cluster job's java carries the launcher's vector-width flag (the manifest names the kernels' width, and a unit
# computed at another width is refused) and its choice of garbage collector, where that side's launcher makes one.
vector_flags=$("$root/scripts/vector-flags.sh")
side_dir() { if [ "$1" = before ]; then echo "$work/before"; else echo "$root"; fi; }
gc_flags() { if [ -x "$(side_dir "$1")/scripts/gc-flags.sh" ]; then "$(side_dir "$1")/scripts/gc-flags.sh"; fi; }
unit() { # $1 = side, $2 = run index: one dense unit in a fresh results folder, as a cluster job starts it
  local run=("$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector $vector_flags $(gc_flags "$1") -Xmx8g
             -jar "${jar[$1]}" experiment run-unit --trial 0 --level 0 --device cpu)
  if [ "$1" = before ] && [ "$before_takes_settings" = 1 ]; then
    "${run[@]}" "${unit_experiment[@]}" --results "$work/results-$1-$2"
  else
    mkdir -p "$work/results-$1-$2" && cp "${manifest[$1]}" "$work/results-$1-$2/"
    "${run[@]}" --results "$work/results-$1-$2"
  fi
}

# Revisions before run-unit read the manifest took the experiment's settings as options.
before_takes_settings=0
[ -n "$before_rev" ] && grep -q 'SpecOptions' "$work/before/lottery/src/main/java/dev/lottery/cli/RunUnitCommand.java" && before_takes_settings=1
declare -A manifest
for side in "${launchers[@]}"; do
  [ "$side" = after-no-aot-cache ] && continue
  [ "$side" = before ] && [ "$before_takes_settings" = 1 ] && continue
  manifest[$side]=$(template_manifest "$side") || { echo "bench-startup: could not make the experiment for the unit case" >&2; exit 1; }
done

cases=(train-1000 train-1 unit)
load "before the runs"
for i in $(seq "$runs"); do
  for c in "${cases[@]}"; do
    for side in "${launchers[@]}"; do
      case "$c" in
        train-1000) stamp lottery "$side" train --iterations 1000 ;;
        train-1) stamp lottery "$side" train --iterations 1 ;;
        unit) [ "$side" = after-no-aot-cache ] && continue; stamp unit "$side" "$i" ;;
      esac >>"$work/$c-$side"
    done
  done
done
load "after the runs"

echo
printf '| case | side | min wall s | median wall s | min cpu s | start | data | first-it | rest | exit | unit training s | overhead s |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for c in "${cases[@]}"; do
  for side in "${launchers[@]}"; do
    [ -s "$work/$c-$side" ] || continue
    sort -n "$work/$c-$side" | awk -v c="$c" -v s="$side" '
      { w[NR] = $1; if (NR == 1 || $8 < cpu) cpu = $8; if (NR == 1) best = $0 }
      END {
        split(best, p, " "); med = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
        over = (p[7] == "-") ? "-" : sprintf("%.2f", p[1] - p[7])
        if (c == "unit") printf "| %s | %s | %.2f | %.2f | %.2f | | | | | | %s | %s |\n", c, s, p[1], med, cpu, p[7], over
        else printf "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | | |\n", c, s, p[1], med, cpu, p[2], p[3], p[4], p[5], p[6]
      }'
  done
done
