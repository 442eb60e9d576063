#!/usr/bin/env bash
# Prints the home of a JDK >= 22 (FFM is final from 22; the project targets 25).
# Looks at $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*, /usr/local/*jdk*, ~/.sdkman, ~/.jdks.
# With none found: one line naming what to install on stderr, exit 2.
# Usage: JAVA_HOME=$(scripts/find-jdk.sh) || exit 2
set -u
MIN=${LOTTERY_MIN_JAVA:-22}

feature_version() { # $1 = java home; prints the feature release number or nothing
  local java="$1/bin/java"
  # A JDK (javac beside java): the launchers build the project before running it.
  [ -x "$java" ] && [ -x "$1/bin/javac" ] || return 1
  local v
  # The JDK's release file says it without starting a JVM (which would cost a good part of a short command's start).
  [ -r "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$1/release" | head -n1)
  [ -n "${v:-}" ] || v=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  case "$v" in 1.*) v=${v#1.}; v=${v%%.*};; esac
  printf '%s' "${v%%.*}"
}

ok() { local v; v=$(feature_version "$1") && [ -n "$v" ] && [ "$v" -ge "$MIN" ] 2>/dev/null; }

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v java >/dev/null 2>&1; then
  j=$(readlink -f "$(command -v java)"); candidates+=("${j%/bin/java}")
fi
# Newest first, so a machine with several JDKs gets the latest.
for d in $(ls -d /usr/lib/jvm/* /usr/local/*jdk* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* 2>/dev/null | sort -rV); do
  [ -L "$d" ] && continue
  candidates+=("$d")
done
for c in "${candidates[@]}"; do
  if ok "$c"; then printf '%s\n' "$c"; exit 0; fi
done
echo "lottery: no JDK >= $MIN found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. 'apt-get install temurin-25-jdk' or a JDK 25 from adoptium.net, and set JAVA_HOME." >&2
exit 2
