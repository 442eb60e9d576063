#!/usr/bin/env bash
# Builds jextract from its source with javac (no Gradle) against an installed libclang, into
# native-bindings/jextract/target/jextract (bin/jextract is the launcher that generate.sh and the tests use).
#
# Usage: build-jextract.sh [JEXTRACT_SOURCE]
#   JEXTRACT_SOURCE  a git checkout (or bare clone) of openjdk/jextract; the pinned commit below is taken from
#                    it with `git archive`, so the checkout itself is left as it is. A directory that is not a
#                    git repository is built as it stands (and the build says its commit is unknown).
#                    Without one, the repository is cloned with git into target/jextract-src.git.
# Environment:
#   JEXTRACT_COMMIT  the commit to build (default: the one the committed bindings were generated with)
#   LLVM_HOME        an LLVM install with lib/libclang.so* and lib/clang/<version>/include
#                    (default: the newest /usr/lib/llvm-*; Debian: apt-get install libclang1-14 libclang-common-14-dev)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
commit=${JEXTRACT_COMMIT:-f9866df3a178baa2e4a3746a7a6e458d783ace92}
out="$here/target/jextract"
fail() { echo "build-jextract: $*" >&2; exit 2; }

# --- libclang and clang's builtin headers (stddef.h, stdint.h, ...), which jextract passes to the parser
if [ -z "${LLVM_HOME:-}" ]; then
  for d in $(ls -d /usr/lib/llvm-* 2>/dev/null | sort -rV); do
    if ls "$d"/lib/libclang.so* >/dev/null 2>&1 && ls -d "$d"/lib/clang/*/include >/dev/null 2>&1; then LLVM_HOME=$d; break; fi
  done
fi
[ -n "${LLVM_HOME:-}" ] || fail "no libclang found: apt-get install libclang1-14 libclang-common-14-dev, or set LLVM_HOME"
libclang=
for f in "$LLVM_HOME"/lib/libclang.so "$LLVM_HOME"/lib/libclang.so.[0-9]*; do [ -e "$f" ] && { libclang=$f; break; }; done
[ -n "$libclang" ] || fail "no libclang.so* in $LLVM_HOME/lib"
builtin_include=$(ls -d "$LLVM_HOME"/lib/clang/*/include 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$builtin_include" ] || fail "no clang builtin headers in $LLVM_HOME/lib/clang/*/include (Debian: libclang-common-14-dev)"

# --- the source, at the pinned commit
src_arg=${1:-}
if [ -z "$src_arg" ]; then
  src_arg="$here/target/jextract-src.git"
  [ -d "$src_arg" ] || git clone --bare --quiet https://github.com/openjdk/jextract "$src_arg" \
    || fail "cannot clone openjdk/jextract; pass a checkout: build-jextract.sh PATH"
fi
[ -d "$src_arg" ] || fail "$src_arg is not a directory"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if git -C "$src_arg" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$src_arg" cat-file -e "$commit^{commit}" 2>/dev/null \
    || fail "commit $commit is not in $src_arg (fetch it, or set JEXTRACT_COMMIT)"
  git -C "$src_arg" archive "$commit" src build.gradle | tar -x -C "$work"
  built_from="openjdk/jextract $commit"
else
  cp -r "$src_arg/src" "$src_arg/build.gradle" "$work/"
  built_from="a jextract source tree that is not a git checkout ($src_arg): commit unknown"
  echo "build-jextract: warning: $built_from" >&2
fi

# --- compile with the release and module version the Gradle build would use
release=$(sed -n 's/^ *options\.release *= *\([0-9][0-9]*\).*/\1/p' "$work/build.gradle" | head -n1)
version=$(sed -n 's/^def jextract_version *= *"\(.*\)"/\1/p' "$work/build.gradle" | head -n1)
[ -n "$release" ] && [ -n "$version" ] || fail "cannot read the Java release / jextract version from build.gradle"
JAVA_HOME=$(LOTTERY_MIN_JAVA=$release "$repo/scripts/find-jdk.sh") || exit 2
mkdir -p "$work/classes"
"$JAVA_HOME/bin/javac" --release "$release" -nowarn -d "$work/classes" $(find "$work/src/main/java" -name '*.java')
cp -r "$work/src/main/resources/." "$work/classes/"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
"$JAVA_HOME/bin/jar" --create --file "$out/jextract.jar" --module-version "$version" -C "$work/classes" .
# jextract loads libclang with System.loadLibrary("clang"), so it must be reachable as libclang.so.
ln -s "$(readlink -f "$libclang")" "$out/lib/libclang.so"
cat > "$out/bin/jextract" <<EOF
#!/bin/sh
# jextract built by build-jextract.sh from $built_from
exec "$JAVA_HOME/bin/java" --enable-native-access=org.openjdk.jextract -Djava.library.path="$out/lib" \\
  -Djextract.header.path="$builtin_include" \$JEXTRACT_JAVA_OPTIONS \\
  -p "$out/jextract.jar" -m org.openjdk.jextract/org.openjdk.jextract.JextractTool "\$@"
EOF
chmod +x "$out/bin/jextract"
{ echo "built from: $built_from"; echo "libclang: $(readlink -f "$libclang")"; "$out/bin/jextract" --version 2>&1; } | tee "$out/VERSION"
echo "jextract: $out/bin/jextract"
