#!/usr/bin/env bash
# Fuzzes the parsers longer than the build does (README, "Layout": the fuzz tests).
#   bench/fuzz.sh [--minutes N]                     every *FuzzTest, N minutes each (default 10)
#   bench/fuzz.sh FrameReaderFuzzTest [--minutes N] one of them
# An input that breaks a fuzz test is written to its inputs directory,
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-*, and replayed by every build
# from then on; what the fuzzer learned stays in <module>/.cifuzz-corpus for the next run.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

modules=et-core,et-terminal,et-client,et-server
target=""
minutes=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a number}"; shift 2 ;;
    -*) echo "usage: bench/fuzz.sh [FuzzTestClass] [--minutes N]" >&2; exit 2 ;;
    *) target="$1"; shift ;;
  esac
done
if ! [[ "$minutes" =~ ^[1-9][0-9]*$ ]]; then
  echo "$bench_name: --minutes takes a whole number of minutes, not $minutes" >&2
  exit 2
fi

if [[ -z "$target" ]]; then
  # The fuzz profile gives each fuzz test a JVM of its own (Jazzer fuzzes one per JVM).
  exec mvn -B -pl "$modules" -am test-compile surefire:test@fuzz -Dfuzz.duration="${minutes}m"
fi

class="${target%%#*}"
source_file="$(find et-*/src/test/java -name "$class.java" | head -n 1)"
if [[ -z "$source_file" ]]; then
  echo "$bench_name: no test class $class under et-*/src/test/java" >&2
  exit 2
fi
module="${source_file%%/*}"
# -Pfuzz: the fuzz profile's execution, although -Dtest would turn the profile off.
exec mvn -B -Pfuzz -pl "$module" -am test-compile surefire:test@fuzz -Dfuzz.duration="${minutes}m" \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false
