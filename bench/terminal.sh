#!/usr/bin/env bash
# Builds et, then runs one et terminal benchmark. See docs/BENCHMARKS.md.
#   bench/terminal.sh latency [--keys N] [--rounds R] [--shared] [--agent] [--pause MS]
#   bench/terminal.sh start [--rounds R] [--sessions N]
#   bench/terminal.sh tunnel [--mib N] [--rounds R]
#   bench/terminal.sh tunnel-fair [--seconds S] [--connections N]
# ET_BENCH_SEED fixes the seed of the pauses between keys; BENCH_JAVA_OPTS replaces -Xmx512m.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

if [[ $# -lt 1 ]]; then
  echo "usage: bench/terminal.sh latency [--keys N] [--rounds R] [--shared] [--agent] [--pause MS] | start [--rounds R] [--sessions N]" \
    "| tunnel [--mib N] [--rounds R]" \
    "| tunnel-fair [--seconds S] [--connections N]" >&2
  exit 2
fi

# The whole build: launcher/et and launcher/etterminal run on et-client's and et-server's target/lib.
bench_build
# As launcher/build does: the launchers start from AOT caches made for these very jars.
source "$root/launcher/lib.sh"
et_record_aot_caches

seed_opt=()
[[ -n "${ET_BENCH_SEED:-}" ]] && seed_opt=("-Det.bench.seed=$ET_BENCH_SEED")
# pty4j's libpty.so and JNA's stub come from et-bench/target, so nothing is unpacked to /tmp.
read -r -a java_opts <<<"${BENCH_JAVA_OPTS:--Xmx512m}"
exec "$JAVA_HOME/bin/java" --enable-preview --enable-native-access=ALL-UNNAMED "${java_opts[@]}" \
  -Dpty4j.preferred.native.folder="$root/et-bench/target/native" \
  -Djna.tmpdir="$root/et-bench/target/jna" \
  -Det.bench.repo="$root" "${seed_opt[@]}" \
  -cp "et-bench/target/et-bench.jar:et-bench/target/lib/*" \
  et.bench.TerminalBenchmark "$@"
