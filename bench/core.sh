#!/usr/bin/env bash
# Builds et-core and et-bench, then runs one et.core benchmark. See docs/BENCHMARKS.md.
#   bench/core.sh throughput [--mib N] [--rounds R]
#   bench/core.sh idle-heap [--sessions N] [--channel]
# BENCH_JAVA_OPTS adds JVM options (default -Xmx2g), e.g. for JFR.
set -euo pipefail

JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
  echo "core.sh: JDK 25 not found at $JAVA_HOME (install Temurin 25 there)" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

if [[ $# -lt 1 ]]; then
  echo "usage: bench/core.sh throughput|idle-heap [options]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Package only what the benchmark needs; copy-dependencies puts the jars in et-bench/target/lib.
# The build's output is shown only when it fails, so stdout carries the figures alone.
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
if ! mvn -q -B -DskipTests -pl et-bench -am package >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "core.sh: build failed" >&2
  exit 1
fi

# 2,000 idle sessions hold 2,000 sockets in each process (plus the listener): raise the soft limit.
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt 16384 ]]; then
  ulimit -n "$(ulimit -Hn)" || echo "core.sh: could not raise the open-file limit ($(ulimit -n))" >&2
fi

rm -f "$build_log"
read -r -a java_opts <<<"${BENCH_JAVA_OPTS:--Xmx2g}"
exec "$JAVA_HOME/bin/java" --enable-preview "${java_opts[@]}" \
  -cp "et-bench/target/et-bench.jar:et-bench/target/lib/*" \
  et.bench.CoreBenchmark "$@"
