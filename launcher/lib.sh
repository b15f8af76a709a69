# Sourced by the et launchers: finds a JDK 25 and builds the module path of one module's build output.
# An ssh session to a server carries no JAVA_HOME, so the search does not depend on it.
# Every et start runs this: it uses bash builtins only and its functions set variables rather
# than print, as each program or subshell ($(...), <(...)) it ran cost a few ms (docs/BENCHMARKS.md).

# The source tree's root, from this file's location: launcher/ in it.
et_root="${BASH_SOURCE[0]%/*}"
[[ $et_root == /* ]] || et_root="$PWD/$et_root"
case "$et_root" in
  */launcher) et_root="${et_root%/launcher}" ;;
  *) et_root="$(cd "$et_root/.." && pwd)" ;; # ./lib.sh and the like
esac

# Whether java binary $1 is of release 25: from its JDK's release file where there is one (no JVM
# start, which every launch would pay for), else from what `java -version` prints.
et_is_java_25() {
  local java="$1" release line
  [ ! -L "$java" ] || java="$(readlink -f "$java")"
  release="${java%/*}/../release"
  if [ -f "$release" ]; then
    while IFS= read -r line; do
      [[ $line == 'JAVA_VERSION="25"'* || $line == 'JAVA_VERSION="25.'* ]] && return 0
    done <"$release"
    return 1
  else
    "$1" -version 2>&1 | head -n 1 | grep -q '"25[".]'
  fi
}

# Sets et_java to the path of a java binary of release 25, or fails with a message saying where
# it looked.
et_find_java() {
  local candidate
  for candidate in "${ET_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
      /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*25*/bin/java PATH; do
    [ "$candidate" != PATH ] || candidate="$(command -v java || true)" # looked up only if needed
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if et_is_java_25 "$candidate"; then
      et_java="$candidate"
      return 0
    fi
  done
  echo "et: no JDK 25 found (looked at \$ET_JAVA, \$JAVA_HOME, /usr/lib/jvm/*25*, java on PATH); install one or set ET_JAVA" >&2
  return 1
}

# Sets et_modules to the module path of module directory $1 (e.g. et-client): its modular jar and
# the directory of jars that `mvn package` copied to its target/lib, or fails asking for a build.
# ET_MODULE_PATH, when set, is used instead: tests run the launchers on the module path of the
# code under test (target/classes directories are exploded modules: fresh classes, no `mvn
# package` needed), and it serves development from an IDE the same way.
et_module_path() {
  if [ -n "${ET_MODULE_PATH:-}" ]; then
    et_modules="$ET_MODULE_PATH"
    return 0
  fi
  local module="$et_root/$1" jar="" candidate
  for candidate in "$module"/target/"$1"-*.jar; do
    case "$candidate" in
      *-sources.jar | *-tests.jar) ;;
      *) [ ! -f "$candidate" ] || { jar="$candidate"; break; } ;;
    esac
  done
  if [ -z "$jar" ] || [ ! -d "$module/target/lib" ]; then
    echo "et: $1 is not built; run: mvn -B -DskipTests package (in $et_root)" >&2
    return 1
  fi
  et_modules="$jar:$module/target/lib"
}

# Sets the array et_aot to the JVM options that start a launcher from its AOT cache $1 (JDK 25: the
# module graph resolved and the start-up classes loaded and linked ahead of time, so it starts
# sooner; and the method profiles of a training run, so the JIT optimises et's and the
# session host's keystroke path within their warm-up), made by et_record_aot_caches. Sets none
# when the cache is missing or the launcher runs other code (ET_MODULE_PATH); a cache older
# than the jars is ignored by the JVM, silently (its aot/cds log lines would go to stdout, which
# carries etterminal's answer). With ET_AOT_RECORD set, the option that writes the cache
# instead (a training run: launcher/et and launcher/et-host then run their AotTraining class).
et_aot_options() {
  local cache="$1"
  et_aot=()
  if [ -n "${ET_AOT_RECORD:-}" ]; then
    et_aot=("-XX:AOTCacheOutput=$cache")
  elif [ -z "${ET_MODULE_PATH:-}" ] && [ -f "$cache" ]; then
    et_aot=("-XX:AOTCache=$cache" "-Xlog:aot*=off" "-Xlog:cds*=off")
  fi
}

# The et agent's socket, the thin client and et-agent's controls, shared with the install image.
source "$et_root/launcher/image-files/lib/agent.sh"

# Records the launchers' AOT caches from their training runs (after a build: a cache belongs to the
# exact jars it was made from).
et_record_aot_caches() {
  et_find_java && et_module_path et-client &&
    "$et_java" "${et_thin_options[@]}" -XX:AOTCacheOutput="$et_root/et-client/target/et-thin.aot" \
      --module-path "$et_modules" -m et.client/et.client.thin.ThinTraining >/dev/null 2>&1 &&
    ET_AOT_RECORD=1 "$et_root/launcher/et" >/dev/null 2>&1 &&
    ET_AOT_RECORD=1 "$et_root/launcher/etterminal" >/dev/null 2>&1 &&
    ET_AOT_RECORD=1 "$et_root/launcher/et-host" >/dev/null 2>&1 ||
    echo "et: recording the launchers' AOT caches failed; they start without (slower)" >&2
}
