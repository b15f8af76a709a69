# Sourced by the et launchers of the source tree (launcher/lib.sh), of the install image
# (lib/launch.sh) and of the packages (lib/et, lib/et-agent): the user's et agent, the same for all
# (docs/TERMINAL.md, "The et agent").
# Each caller has defined et_aot_options, which sets the array et_aot from the AOT cache argument,
# read its own way. Functions here set variables rather than print: every et start runs them, and
# each subshell would cost it a few ms.

# Sets et_socket to the path of the user's et agent socket (et-agent serves it, et uses it): in
# $XDG_RUNTIME_DIR/et when that is an absolute path, else in ~/.et; in /tmp/et-agent-UID when
# that path is too long for a unix socket (107 bytes). Fails when neither is set.
et_agent_socket() {
  local dir socket
  case "${XDG_RUNTIME_DIR:-}" in
    /*) dir="$XDG_RUNTIME_DIR/et" ;;
    *) [ -n "${HOME:-}" ] || return 1
      dir="$HOME/.et" ;;
  esac
  socket="$dir/agent.sock"
  [ "${#socket}" -le 107 ] || socket="/tmp/et-agent-$EUID/agent.sock"
  et_socket="$socket"
}

# The thin client's JVM options (et, while an et agent runs): the interpreter only, the serial
# collector, no perf data. It starts, hands over, waits and exits: no code worth compiling, and an
# idle thin client is smaller without the compilers' threads and code cache.
et_thin_options=(-Xint -XX:+UseSerialGC -XX:-UsePerfData)

# With the user's et agent serving and stdin, stdout and stderr on a terminal, execs the thin
# client, a small JVM that hands the terminal to the agent, which runs the session
# (et.client.thin.ThinClient; it runs LAUNCHER again with ET_NO_AGENT=1 where the agent cannot
# serve). Returns otherwise, for the caller to run the whole client. MODULE_PATH is empty for a
# runtime that holds et's modules (the packages').
# Usage: et_thin_client_if_agent JAVA MODULE_PATH THIN_AOT_CACHE LAUNCHER [ET_ARGUMENT...]
et_thin_client_if_agent() {
  local java="$1" module_path=() cache="$3" launcher="$4" socket
  [ -z "$2" ] || module_path=(--module-path "$2")
  shift 4
  et_agent_socket || return 0 # no home, no agent
  socket="$et_socket"
  if [ -z "${ET_NO_AGENT:-}" ] && [ -z "${ET_AOT_RECORD:-}" ] && [ -S "$socket" ] && [ -t 0 ] && [ -t 1 ] && [ -t 2 ]; then
    et_aot_options "$cache"
    exec "$java" "${et_thin_options[@]}" "${et_aot[@]}" -Det.agent.socket="$socket" -Det.launcher="$launcher" \
      "${module_path[@]}" -m et.client/et.client.thin.ThinClient "$@"
  fi
}

# The agent's memory options, for its three launchers: long-lived and holding every terminal's
# session, it keeps at most 20 % free heap after a collection that may shrink it, and HotSpot's stack
# shadow zone at its Linux x64 least, as the session host does (docs/BENCHMARKS.md).
et_agent_memory_options=(-XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10 -XX:StackShadowPages=10)

# What et-agent does with its option $1 (--foreground, --stop, --status, --help, or none: start
# in the background and return once it serves, like ssh-agent); the agent's JVM command (without
# its socket) follows. --help prints lines 2-5 of the calling script.
# Usage: et_agent_control OPTION JAVA [JVM_ARGUMENT...]
et_agent_control() {
  local option="$1" socket lock pid
  shift
  et_agent_socket || { echo "et-agent: neither XDG_RUNTIME_DIR nor HOME is set" >&2; return 1; }
  socket="$et_socket"
  lock="$socket.lock"
  case "$option" in
    --stop)
      # Back once it has gone: its sessions ended and their ets told (a few seconds at most).
      if pid="$(et_agent_pid "$lock")"; then
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        echo "et-agent: stopped $pid"
      else
        echo "et-agent: not running"
      fi
      return 0 ;;
    --status)
      if pid="$(et_agent_pid "$lock")"; then echo "et-agent: $pid serving on $socket"; else echo "et-agent: not running"; return 1; fi
      return 0 ;;
    --foreground | "") ;;
    -h | --help)
      sed -n '2,5p' "$0" | cut -c3-
      return 0 ;;
    *)
      echo "et-agent: unknown option $option (try --help)" >&2
      return 2 ;;
  esac
  if [ "$option" = --foreground ]; then
    exec "$@" "$socket"
  fi
  if pid="$(et_agent_pid "$lock")"; then
    echo "et-agent: already running ($pid, $socket)"
    return 0
  fi
  # In a session of its own, away from this terminal; back once the socket is there (after the warm-up).
  setsid "$@" "$socket" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 300); do
    [ -S "$socket" ] && { echo "et-agent: serving on $socket"; return 0; }
    kill -0 $! 2>/dev/null || { echo "et-agent: the agent exited; see $(dirname "$socket")/agent.log" >&2; return 1; }
    sleep 0.1
  done
  echo "et-agent: no socket after 30 s; see $(dirname "$socket")/agent.log" >&2
  return 1
}

# The running agent's pid: the one its lock file $1 holds, if that process is an et agent.
et_agent_pid() {
  local pid
  pid="$(head -n 1 "$1" 2>/dev/null)" && [ -n "$pid" ] &&
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q 'et.client.AgentMain' && printf '%s\n' "$pid"
}
