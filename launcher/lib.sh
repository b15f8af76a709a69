# Sourced by the et launchers: finds a JDK 25 and builds the module path of one module's build output.
# An ssh session to a server carries no JAVA_HOME, so the search does not depend on it.
# Every et start runs this: it uses bash builtins only, as each program it ran cost a few ms.

et_root="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"

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

# Prints the path of a java binary of release 25, or fails with a message saying where it looked.
et_find_java() {
  local candidate
  for candidate in "${ET_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
      /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*25*/bin/java "$(command -v java || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if et_is_java_25 "$candidate"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  echo "et: no JDK 25 found (looked at \$ET_JAVA, \$JAVA_HOME, /usr/lib/jvm/*25*, java on PATH); install one or set ET_JAVA" >&2
  return 1
}

# Prints the module path of module directory $1 (e.g. et-client): its modular jar and the
# directory of jars that `mvn package` copied to its target/lib, or fails asking for a build.
# ET_MODULE_PATH, when set, is printed instead: tests run the launchers on the module path of the
# code under test (target/classes directories are exploded modules: fresh classes, no `mvn
# package` needed), and it serves development from an IDE the same way.
et_module_path() {
  if [ -n "${ET_MODULE_PATH:-}" ]; then
    printf '%s\n' "$ET_MODULE_PATH"
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
  printf '%s:%s/target/lib\n' "$jar" "$module"
}

# Prints, one per line, the JVM options that start a launcher from its AOT cache $1 (JDK 25: the
# module graph resolved and the start-up classes loaded and linked ahead of time, so it starts
# sooner; and the method profiles of a training run, so the JIT optimises et's and the
# session host's keystroke path within their warm-up), made by et_record_aot_caches. Prints
# nothing when the cache is missing or the launcher runs other code (ET_MODULE_PATH); a cache older
# than the jars is ignored by the JVM, silently (its aot/cds log lines would go to stdout, which
# carries etterminal's answer). With ET_AOT_RECORD set, prints the option that writes the cache
# instead (a training run: launcher/et and launcher/et-host then run their AotTraining class).
et_aot_options() {
  local cache="$1"
  if [ -n "${ET_AOT_RECORD:-}" ]; then
    printf '%s\n' "-XX:AOTCacheOutput=$cache"
  elif [ -z "${ET_MODULE_PATH:-}" ] && [ -f "$cache" ]; then
    printf '%s\n' "-XX:AOTCache=$cache" "-Xlog:aot*=off" "-Xlog:cds*=off"
  fi
}

# The et agent's socket, the thin client and et-agent's controls, shared with the install image.
source "$et_root/launcher/image-files/lib/agent.sh"

# Records the launchers' AOT caches from their training runs (after a build: a cache belongs to the
# exact jars it was made from).
et_record_aot_caches() {
  "$(et_find_java)" "${et_thin_options[@]}" -XX:AOTCacheOutput="$et_root/et-client/target/et-thin.aot" \
      --module-path "$(et_module_path et-client)" -m et.client/et.client.thin.ThinTraining >/dev/null 2>&1 &&
    ET_AOT_RECORD=1 "$et_root/launcher/et" >/dev/null 2>&1 &&
    ET_AOT_RECORD=1 "$et_root/launcher/etterminal" >/dev/null 2>&1 &&
    ET_AOT_RECORD=1 "$et_root/launcher/et-host" >/dev/null 2>&1 ||
    echo "et: recording the launchers' AOT caches failed; they start without (slower)" >&2
}
