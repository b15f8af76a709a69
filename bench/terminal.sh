#!/usr/bin/env bash
# Builds et, then runs one et terminal benchmark. See docs/BENCHMARKS.md.
#   bench/terminal.sh latency [--keys N]
# ET_BENCH_SEED fixes the seed of the pauses between keys.
set -euo pipefail

JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
  echo "terminal.sh: JDK 25 not found at $JAVA_HOME (install Temurin 25 there)" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

if [[ $# -lt 1 ]]; then
  echo "usage: bench/terminal.sh latency [--keys N]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The whole build: launcher/et and launcher/etterminal run on et-client's and et-server's
# target/lib. The build's output is shown only when it fails, so stdout carries the figures alone.
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
if ! mvn -q -B -DskipTests package >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "terminal.sh: build failed" >&2
  exit 1
fi
rm -f "$build_log"

seed_opt=()
[[ -n "${ET_BENCH_SEED:-}" ]] && seed_opt=("-Det.bench.seed=$ET_BENCH_SEED")
# pty4j's libpty.so and JNA's stub come from et-bench/target, so nothing is unpacked to /tmp.
exec "$JAVA_HOME/bin/java" --enable-preview --enable-native-access=ALL-UNNAMED -Xmx512m \
  -Dpty4j.preferred.native.folder="$root/et-bench/target/native" \
  -Djna.tmpdir="$root/et-bench/target/jna" \
  -Det.bench.repo="$root" "${seed_opt[@]}" \
  -cp "et-bench/target/et-bench.jar:et-bench/target/lib/*" \
  et.bench.TerminalBenchmark "$@"
