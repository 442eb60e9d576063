#!/usr/bin/env bash
# Prints the JVM flag that chooses the garbage collector for lottery's JVMs: -XX:+UseSerialGC, or nothing.
#
# The Java heap of a lottery process is small and short-lived: tensors and data sets live off the heap (native memory,
# memory-mapped files), and what the heap holds is bookkeeping plus, while the JIT warms up, the Vector API's
# temporary vector objects. HotSpot picks G1 on any machine with two or more cores; on two cores its concurrent
# threads and heavier write barriers compete with the JIT compiler while a process warms up. On a 2-core AMD EPYC the
# serial collector made `lottery train --iterations 1` about 0.6 s faster (2.7-2.9 s against 3.4-3.5 s) and
# `--iterations 1000` about 0.7 s faster (docs/startup.md); trained units ran about as fast under either collector
# (docs/performance-cpu.md). With a GPU the heap matters even less.
#
# Usage: scripts/gc-flags.sh [JVM options already chosen...]
# Prints nothing when those options choose a collector themselves (-XX:+Use...GC) or when LOTTERY_SERIAL_GC=0.
for o in "$@"; do
  case "$o" in -XX:+Use*GC) exit 0;; esac
done
[ "${LOTTERY_SERIAL_GC:-1}" = 0 ] && exit 0
echo "-XX:+UseSerialGC"
