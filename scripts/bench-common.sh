# Shared by the CPU benchmark scripts (sourced, not run): finds PyTorch, builds the benchmarks jar and writes the
# machine header.
# Expects $root (the repository), $suffix (BUILD_SUFFIX), $out (the results folder) and $JAVA_HOME.

# The JVM flag for AVX-512 where the CPU has it (scripts/vector-flags.sh), as lottery.sh passes it: empty or one flag.
vector_flags=$("$root/scripts/vector-flags.sh" ${JAVA_OPTS:-})
# The garbage collector lottery.sh chooses (scripts/gc-flags.sh): empty or one flag.
gc_flags=$("$root/scripts/gc-flags.sh" ${JAVA_OPTS:-})

# Sets $python to the first of $PYTHON (default: python3, then /usr/bin/python3) that imports torch; exits 3 if none does.
bench_find_torch() {
  python=""
  for p in ${PYTHON:-python3 /usr/bin/python3}; do
    if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then python=$p; return; fi
  done
  echo "no Python with PyTorch found (tried ${PYTHON:-python3 /usr/bin/python3}); on Debian: apt-get install python3-torch" >&2
  exit 3
}

# Builds bench/target$suffix/benchmarks.jar and sets $jar to it.
bench_build_jar() {
  echo "== building benchmarks jar"
  (cd "$root" && ./mvnw -q -Dbuild.suffix="$suffix" package -DskipTests -pl bench -am)
  jar="$root/bench/target$suffix/benchmarks.jar"
}

# The CPU's model, its core count and the widest vector instruction set it reports (avx512f, avx2 or none).
bench_machine() {
  local isa=none
  if grep -q -w avx512f /proc/cpuinfo; then isa=avx512f; elif grep -q -w avx2 /proc/cpuinfo; then isa=avx2; fi
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $isa"
}

# Machine, Java, commit and load average into $out/machine.txt, with a warning when other work is running: on a
# 2-core box other processes change every number by large factors, so say so rather than report noise.
bench_machine_header() {
  {
    echo "machine: $(bench_machine)"
    echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)${vector_flags:+ with $vector_flags}${gc_flags:+ $gc_flags}"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/machine.txt"
  if awk -v n="$(nproc)" '{ exit !($1 > n / 2) }' /proc/loadavg; then
    echo "WARNING: load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores: other work is running, results will be unreliable" | tee -a "$out/machine.txt"
  fi
}
