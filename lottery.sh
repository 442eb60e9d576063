#!/usr/bin/env bash
# The `lottery` command line (named lottery.sh because ./lottery is the module directory).
# Builds the fat jar on first use (or when any source or pom is newer than it) and runs it on a JDK >= 22
# with the flags the project needs (FFM native access, the Vector API module).
set -eu
root=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
export JAVA_HOME
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
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  ${LOTTERY_JAVA_OPTS:--Xmx8g} -Dlottery.home="$root" -jar "$jar" "$@"
