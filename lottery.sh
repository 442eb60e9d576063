#!/usr/bin/env bash
# The `lottery` command line (named lottery.sh because ./lottery is the module directory).
# Builds the fat jar on first use (or when any source or pom is newer than it) and runs it on a JDK >= 22
# with the flags the project needs (FFM native access, the Vector API module).
#
# On a JDK >= 25 it also keeps the JVM's ahead-of-time cache for the jar (JEP 514: the classes a short representative
# run loads; with the Vector API's incubator module in the boot layer, JDK 25 keeps neither linked classes nor method
# profiles in it, see docs/startup.md), which spares every command parsing those classes.
# The cache is made once per build, in $LOTTERY_AOT_DIR (default ~/.cache/lottery/aot), and named by the jar's
# checksum and the JVM options, so a rebuilt jar or other options never meet an old cache. If it cannot be made, the
# command runs without it (the log says why, and the next build tries again). LOTTERY_AOT=0 turns it off.
set -eu
root=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
export JAVA_HOME
java="$JAVA_HOME/bin/java"
jar="$root/lottery/target/lottery-cli.jar"
stale=1
if [ -f "$jar" ]; then
  stale=0
  newer=$(find "$root/pom.xml" "$root/native-bindings" "$root/gpu-runtime" "$root/nn" "$root/lottery" \
      \( -name target -o -name 'target-*' \) -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit 2>/dev/null)
  [ -n "$newer" ] && stale=1
fi
if [ "$stale" = 1 ]; then
  echo "lottery: building (first use or sources changed)..." >&2
  if ! "$root/mvnw" -q -pl lottery -am package -DskipTests >"$root/.lottery-build.log" 2>&1; then
    tail -n 40 "$root/.lottery-build.log" >&2
    echo "lottery: build failed; full log in $root/.lottery-build.log" >&2
    exit 1
  fi
fi
# shellcheck disable=SC2206 # LOTTERY_JAVA_OPTS is a list of JVM options, split on spaces like JAVA_OPTS
opts=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector ${LOTTERY_JAVA_OPTS:--Xmx8g})
# AVX-512 for the Vector API where the CPU has it and the options do not choose (LOTTERY_AVX512=0 keeps the JVM's pick),
# and the serial garbage collector unless the options choose one (LOTTERY_SERIAL_GC=0 keeps the JVM's pick).
# shellcheck disable=SC2207
opts+=($("$root/scripts/vector-flags.sh" "${opts[@]}") $("$root/scripts/gc-flags.sh" "${opts[@]}"))

aot=()
version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
if [ "${LOTTERY_AOT:-1}" != 0 ] && [ "${version:-0}" -ge 25 ] 2>/dev/null; then
  dir=${LOTTERY_AOT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lottery/aot}
  key="$(cksum <"$jar" | cut -d' ' -f1)-$({ cat "$JAVA_HOME/release"; printf '%s\n' "$JAVA_HOME" "${opts[@]}"; } | cksum | cut -d' ' -f1)"
  cache="$dir/lottery-cli-$key.aot"
  if [ ! -f "$cache" ] && [ ! -f "$cache.failed" ] && mkdir -p "$dir" 2>/dev/null; then
    echo "lottery: recording the JVM's start-up cache for this build (once, a few seconds)..." >&2
    tmp="$cache.$$.part"
    if "$java" "${opts[@]}" -XX:AOTCacheOutput="$tmp" -jar "$jar" warm-up >"$cache.log" 2>&1 && [ -s "$tmp" ]; then
      mv -f "$tmp" "$cache"
      # Caches of earlier builds: keep the newest few (several checkouts may share the folder).
      ls -t "$dir"/lottery-cli-*.aot 2>/dev/null | tail -n +5 | while IFS= read -r old; do rm -f "$old" "$old.log"; done
    else
      rm -f "$tmp" "$tmp.config"
      touch "$cache.failed" 2>/dev/null || true
      echo "lottery: no start-up cache (see $cache.log); running without it" >&2
    fi
  fi
  # A cache the JVM cannot use (another JVM build, changed options) is skipped quietly; the run goes on without it.
  [ -f "$cache" ] && aot=(-XX:AOTCache="$cache" -Xlog:aot=off -Xlog:cds=off)
fi
exec "$java" "${opts[@]}" ${aot[@]+"${aot[@]}"} -Dlottery.home="$root" -jar "$jar" "$@"
