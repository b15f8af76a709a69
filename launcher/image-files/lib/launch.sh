# Sourced by the install image's bin scripts (launcher/image made the image): where the image is,
# its own Java runtime, and the options of an AOT cache. Nothing here looks outside the image:
# no JAVA_HOME, no java on PATH, no source tree.

# The image's root, from this file's location (the bin script that sources it resolved its own link;
# bash builtins only, and functions that set variables rather than print: every start pays for each
# program or subshell run here).
et_image="${BASH_SOURCE[0]%/*}"
[[ $et_image == /* ]] || et_image="$PWD/$et_image"
case "$et_image" in
  */lib) et_image="${et_image%/lib}" ;;
  *) et_image="$(cd "$et_image/.." && pwd)" ;;
esac
et_java="$et_image/runtime/bin/java"

# Sets the array et_aot to the JVM options that start from the image's AOT cache $1
# (aot/<name>.aot), to none when it is missing; with ET_AOT_RECORD set (launcher/image's training
# runs), to the option that writes it. A cache that does not match the runtime and jars is ignored
# by the JVM; its aot/cds log lines are turned off, as they would go to stdout (etterminal's answer).
et_aot_options() {
  local cache="$et_image/aot/$1.aot"
  et_aot=()
  if [ -n "${ET_AOT_RECORD:-}" ]; then
    et_aot=("-XX:AOTCacheOutput=$cache")
  elif [ -f "$cache" ]; then
    et_aot=("-XX:AOTCache=$cache" "-Xlog:aot*=off" "-Xlog:cds*=off")
  fi
}

# The et agent's socket, the thin client and et-agent's controls, as in the source tree.
source "$et_image/lib/agent.sh"
