#!/usr/bin/env bash
# Uses lottery as a library the way a user's project does, and fails on the first thing that does not work:
#   1. installs the modules (./mvnw install -DskipTests) into a Maven repository of its own, which reads everything
#      else from ~/.m2/repository and leaves it untouched;
#   2. fetches the build plugins of scripts/library-check/ (a separate project that depends on dev.lottery:lottery), then
#      builds it offline against the installed modules;
#   3. checks that its runtime dependencies hold no picocli, XChart, pdfbox, commons-logging or JUnit;
#   4. runs it on the module path and on the class path, each with the Vector API and once without it (the scalar
#      kernels after a one-line notice): it trains a small custom model on in-memory arrays, saves, loads and predicts,
#      and runs a one-level lottery experiment (LibraryCheck.java).
# Takes about a minute and a half on 2 cores once the modules are compiled.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=$("$root/scripts/find-jdk.sh") || exit 2
export JAVA_HOME
java="$JAVA_HOME/bin/java"
work=$(mktemp -d "${TMPDIR:-/tmp}/library-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=(-Dmaven.repo.local="$work/repo" -Dmaven.repo.local.tail="${LIBRARY_CHECK_M2:-$HOME/.m2/repository}")
check="$root/scripts/library-check"

echo "library-check: installing the modules" >&2
"$root/mvnw" -q "${repo[@]}" install -DskipTests

# The user's project's build plugins (the dependency plugin among them) come from Maven Central first, the one thing
# fetched: the offline build below then proves that the installed modules are all it needs of this project.
echo "library-check: fetching the user's project's build plugins" >&2
"$root/mvnw" -q -B -f "$check/pom.xml" "${repo[@]}" dependency:resolve-plugins >/dev/null

echo "library-check: building the user's project offline" >&2
"$root/mvnw" -q -B -o -f "$check/pom.xml" "${repo[@]}" package \
  dependency:list -DincludeScope=runtime -DoutputFile="$work/dependencies.txt" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/lib"
if grep -Ei 'picocli|xchart|pdfbox|commons-logging|junit' "$work/dependencies.txt"; then
  echo "library-check: the experiment API brings the libraries above onto a user's path" >&2
  exit 1
fi
echo "library-check: runtime dependencies: $(grep -c ':jar:' "$work/dependencies.txt") jars, none for the CLI, plots or tests" >&2

classes="$check/target/classes"
run() {  # run <label> <java arguments...>: fails on a non-zero exit or a warning about restricted (native) methods
  local label=$1 log="$work/$1.log"
  shift
  if ! "$java" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "library-check: the $label run failed" >&2
    exit 1
  fi
  if grep -q 'restricted method' "$log"; then
    cat "$log" >&2
    echo "library-check: the $label run warns about native access: a flag is missing" >&2
    exit 1
  fi
  grep '^library-check' "$log"
}
# The modules require jdk.incubator.vector statically: --add-modules resolves it on either path.
run module-path --add-modules jdk.incubator.vector --enable-native-access=dev.lottery.bindings,dev.lottery.gpu \
  --module-path "$classes:$work/lib" --module dev.lottery.check/dev.lottery.check.LibraryCheck "$work/module-path" vector
run class-path --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$classes:$work/lib/*" dev.lottery.check.LibraryCheck "$work/class-path" vector
# Without the Vector API flag: the scalar kernels, after a one-line notice that names the flag.
run module-path-scalar --enable-native-access=dev.lottery.bindings,dev.lottery.gpu \
  --module-path "$classes:$work/lib" --module dev.lottery.check/dev.lottery.check.LibraryCheck "$work/module-path-scalar" scalar
run class-path-scalar --enable-native-access=ALL-UNNAMED \
  -cp "$classes:$work/lib/*" dev.lottery.check.LibraryCheck "$work/class-path-scalar" scalar
for label in module-path-scalar class-path-scalar; do
  if ! grep -q 'add-modules jdk.incubator.vector' "$work/$label.log"; then
    cat "$work/$label.log" >&2
    echo "library-check: no notice naming --add-modules jdk.incubator.vector when the Vector API is missing ($label)" >&2
    exit 1
  fi
done
echo "library-check: ok"
