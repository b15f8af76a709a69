#!/usr/bin/env bash
# Builds et, then measures keystroke echo while a forwarded connection floods a slow link: et -t
# against ssh -L, in turns, through a network namespace lab (root; iproute2, nftables, python3).
# See docs/BENCHMARKS.md.
#   bench/slow-link.sh [--rate RATE] [--queue LATENCY] [--rounds R]   # defaults: 20mbit 10ms 2
set -euo pipefail

source "$(dirname "$0")/lib.sh"

usage() {
  echo "usage: bench/slow-link.sh [--rate RATE] [--queue LATENCY] [--rounds R]" \
    "(tc tbf's units, e.g. --rate 20mbit --queue 10ms)" >&2
  exit 2
}
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case "$1" in
    --rate) export SLOW_LINK_RATE="$2" ;;
    --queue) export SLOW_LINK_QUEUE="$2" ;;
    --rounds) [[ $2 =~ ^[1-9][0-9]*$ ]] || usage; export SLOW_LINK_ROUNDS="$2" ;;
    *) usage ;;
  esac
  shift 2
done
[[ $(id -u) == 0 ]] || { echo "$bench_name: needs root, for the network namespaces" >&2; exit 1; }

# The launchers run on et-client's and et-server's target/lib, from AOT caches made for these
# jars; et-e2e, built alone below, finds the same jars installed.
log="$(mktemp)"
if ! mvn -q -B -DskipTests install >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "$bench_name: build failed" >&2
  exit 1
fi
rm -f "$log"
source "$root/launcher/lib.sh"
et_record_aot_caches

# SlowLinkBench lives with the end-to-end tests (their sshd, namespaces and PTY), named so that
# no test run picks it up.
log="$(mktemp)"
if ! mvn -B -pl et-e2e verify -Dtest=SlowLinkBench -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "$bench_name: the benchmark failed" >&2
  exit 1
fi
grep '^slow-link:' "$log"
rm -f "$log"
