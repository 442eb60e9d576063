#!/usr/bin/env bash
# Builds everything a GPU machine (no JVM, no Maven, no network) needs to run the `gpu` tests and the GPU
# benchmarks, into device-pack/ (git-ignored), under 64 MiB:
#   device-pack/runtime/     jlink'ed Java runtime (only the modules the code uses)
#   device-pack/lib/         module jars and their runtime dependencies
#   device-pack/tests/       test classes of every module, one jar each (gpu-runtime's holds RequiresGpu, which
#                            every module's `gpu` tests use)
#   device-pack/tools/       junit-platform-console-standalone (runs the `gpu`-tagged tests without Maven)
#   device-pack/benchmarks.jar  the JMH uber-jar (includes JCuda for the JNI baseline) and the timed GPU harnesses
#                            device-check.sh runs (lenet and conv steps, populations)
#   device-pack/device-check.sh copy of scripts/device-check.sh
#   device-pack/*_step_torch.py the PyTorch references device-check.sh compares with (lenet, conv4/resnet20)
# Environment: BUILD_SUFFIX (default -pack) keeps this build apart from others in the same tree;
# PACK_MODULES overrides the jlink module list; PACK_LIMIT_MIB (default 64).
# PACK_MNIST=1 also writes device-data/mnist.tar.gz (the MNIST cache, 11 MiB) for device-check.sh's lenet-fig3 run:
# carry it in a call of its own (carry ["device-data"]); it stays on the machine for the next call's pack.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
suffix=${BUILD_SUFFIX:--pack}
limit_mib=${PACK_LIMIT_MIB:-64}
out="$root/device-pack"
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
export JAVA_HOME

# java.desktop (~12 MiB, for XChart plots) is left out: nothing on the device draws charts.
# java.management: JMH reads JVM arguments through it. jdk.unsupported: sun.misc.Unsafe users (JMH).
# jdk.zipfs: the JUnit console launcher scans test jars through the jar file system.
modules=${PACK_MODULES:-java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector,jdk.management,jdk.zipfs}
junit_console_version=$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' pom.xml)

echo "device-pack: building (suffix $suffix)" >&2
./mvnw -q -Dbuild.suffix="$suffix" package -DskipTests
rm -rf "$out"
mkdir -p "$out/lib" "$out/tests" "$out/tools"

echo "device-pack: collecting jars" >&2
version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n1)
for m in native-bindings gpu-runtime nn lottery; do
  cp "$m/target$suffix/$m-$version.jar" "$out/lib/"
  if [ -d "$m/target$suffix/test-classes" ] && [ -n "$(ls -A "$m/target$suffix/test-classes")" ]; then
    "$JAVA_HOME/bin/jar" --create --file "$out/tests/$m-tests.jar" -C "$m/target$suffix/test-classes" .
  fi
done
# Third-party runtime dependencies (picocli, xchart, JCuda, JMH...) are not copied again: benchmarks.jar
# already holds them, and device-check.sh puts it on the test class path after the module jars.
./mvnw -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_console_version" \
  -DoutputDirectory="$out/tools"
cp bench/target$suffix/benchmarks.jar "$out/"
cp scripts/device-check.sh "$out/"
cp bench/python/lenet_step_torch.py "$out/"  # the CUDA backend block of device-check.sh compares with it
cp bench/python/conv_step_torch.py "$out/"   # and the cuDNN conv block with this one

echo "device-pack: jlink ($modules)" >&2
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$out/runtime"
# libjvm.so ships with its full symbol table (~5 MiB); the dynamic symbols the loader needs stay.
if command -v strip >/dev/null 2>&1; then
  strip --strip-unneeded "$out/runtime/lib/server/libjvm.so"
fi
"$out/runtime/bin/java" -version >/dev/null 2>&1 || { echo "device-pack: the jlink runtime does not start" >&2; exit 1; }

size_kib=$(du -sk "$out" | cut -f1)
echo "device-pack: $out is $((size_kib / 1024)) MiB ($size_kib KiB); limit $limit_mib MiB"
du -sk "$out"/* | sort -rn | awk '{printf "  %6d KiB  %s\n", $1, $2}'
if [ "$size_kib" -gt $((limit_mib * 1024)) ]; then
  echo "device-pack: over the $limit_mib MiB limit" >&2
  exit 1
fi
if [ "${PACK_MNIST:-0}" = 1 ]; then
  cache="${LOTTERY_DATA:-$HOME/.cache/lottery/data}/mnist"
  files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
  for f in "${files[@]}"; do
    [ -f "$cache/$f" ] || { echo "device-pack: $cache/$f missing: run ./lottery.sh train --iterations 1 once to fetch MNIST" >&2; exit 2; }
  done
  mkdir -p "$root/device-data"
  tar -czf "$root/device-data/mnist.tar.gz" -C "$(dirname "$cache")" "${files[@]/#/mnist/}"
  echo "device-pack: device-data/mnist.tar.gz $(du -m "$root/device-data/mnist.tar.gz" | cut -f1) MiB" >&2
fi
