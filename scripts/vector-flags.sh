#!/usr/bin/env bash
# Prints the JVM flag that lets the Vector API use AVX-512 where the CPU has it: -XX:UseAVX=3, or nothing.
#
# HotSpot keeps some AVX-512 CPUs (early Skylake-SP server parts) at UseAVX=2, because 512-bit instructions lower the
# core clock and that costs general-purpose programs more than they gain. The CPU backend is the opposite case: its
# time goes to vector loops (GEMM micro-kernels, convolutions), which run 1.4-1.9x faster with 16-float vectors on
# such a CPU (docs/performance-cpu.md, "Vector width"), and the NumPy and PyTorch peers use AVX-512 there too.
# Where HotSpot already picks UseAVX=3 the flag changes nothing.
#
# Usage: scripts/vector-flags.sh [JVM options already chosen...]
# Prints nothing when those options set -XX:UseAVX themselves, when LOTTERY_AVX512=0, or when the CPU has no
# AVX-512 (or no /proc/cpuinfo to say so).
for o in "$@"; do
  case "$o" in -XX:UseAVX=*) exit 0;; esac
done
[ "${LOTTERY_AVX512:-1}" = 0 ] && exit 0
grep -q -m1 -w avx512f /proc/cpuinfo 2>/dev/null && echo "-XX:UseAVX=3"
exit 0
