# Sourced by the bench/*.sh runners: JDK 25, the repository root, and a quiet build.

bench_name="$(basename "$0")"
JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
  echo "$bench_name: JDK 25 not found at $JAVA_HOME (install Temurin 25 there)" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Runs `mvn -q -B -DskipTests "$@" package`, showing its output only when it fails, so stdout
# carries the figures alone.
bench_build() {
  local log
  log="$(mktemp)"
  if ! mvn -q -B -DskipTests "$@" package >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "$bench_name: build failed" >&2
    exit 1
  fi
  rm -f "$log"
}
