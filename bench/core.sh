#!/usr/bin/env bash
# Builds et-core and et-bench, then runs one et.core benchmark. See docs/BENCHMARKS.md.
#   bench/core.sh throughput [--mib N] [--rounds R]
#   bench/core.sh relay [--mib N] [--rounds R]
#   bench/core.sh idle-heap [--sessions N] [--channel]
#   bench/core.sh soak [--sessions N] [--streaming M] [--minutes T] [--seed S]
# BENCH_JAVA_OPTS adds JVM options (default -Xmx2g), e.g. for JFR.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

if [[ $# -lt 1 ]]; then
  echo "usage: bench/core.sh throughput|relay|idle-heap|soak [options]" >&2
  exit 2
fi

# Package only what the benchmark needs; copy-dependencies puts the jars in et-bench/target/lib.
bench_build -pl et-bench -am

# 2,000 idle sessions hold 2,000 sockets in each process (plus the listener), and a soak's clients
# three per session (their own and both ends at the relay): raise the soft limit.
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt 16384 ]]; then
  ulimit -n "$(ulimit -Hn)" || echo "core.sh: could not raise the open-file limit ($(ulimit -n))" >&2
fi

read -r -a java_opts <<<"${BENCH_JAVA_OPTS:--Xmx2g}"
exec "$JAVA_HOME/bin/java" --enable-preview "${java_opts[@]}" \
  -cp "et-bench/target/et-bench.jar:et-bench/target/lib/*" \
  et.bench.CoreBenchmark "$@"
