# Sourced by the etterminal launchers of the source tree (launcher/etterminal), of the install
# image (bin/etterminal) and of the packages (lib/etterminal): a first contact answered by the
# session host itself, the same for all (docs/TERMINAL.md, "The session host").

# On a first contact (etterminal without arguments, and no session host socket yet) runs the
# session host HOST_COMMAND with --first-contact in etterminal's place: it answers the request on
# stdin as etterminal would, so a first run waits for one JVM's start instead of two
# (et.server.FirstContact; docs/BENCHMARKS.md). The host runs as etterminal starts one
# (et.server.request.HostLauncher): in a new session, in the home directory, without the variables
# of this one ssh connection, with one malloc arena. Its stdin is ssh's, which it closes once
# answered; its stdout and stderr are a pipe to this script, where, after whatever its JVM printed,
# it sends three lines: "et-first-contact STATUS", etterminal's stdout line and its stderr line
# (each empty when there is none). This prints them where etterminal would have and exits with
# STATUS, which ends the ssh session; lines before them go to stderr. Returns, and etterminal's JVM
# runs, when it does not apply.
# Usage: et_first_contact HOST_COMMAND [ETTERMINAL_ARGUMENT...]
et_first_contact() {
  local host="$1" socket line answer=
  shift
  [ "$#" -eq 0 ] && [ -z "${ET_AOT_RECORD:-}" ] && [ -x /usr/bin/setsid ] || return 0
  # Where the host listens (et.server.request.HostPaths); anything unusual: leave it to etterminal.
  case "${XDG_RUNTIME_DIR:-}" in
    /*) socket="$XDG_RUNTIME_DIR/et/host.sock" ;;
    *) case "${HOME:-}" in
         /*) socket="$HOME/.et/run/host.sock" ;;
         *) return 0 ;;
       esac ;;
  esac
  [ ! -e "$socket" ] || return 0 # a host serves, or left its socket behind: etterminal sees which
  case "${ET_HOST_IDLE_EXIT:-}" in
    '') set -- ;;
    *[!0-9]*) return 0 ;; # etterminal reports it
    *) set -- --idle-exit "$ET_HOST_IDLE_EXIT" ;;
  esac
  exec {et_host_answer}< <(cd "${HOME:-/}" 2>/dev/null || cd /
    exec env -u SSH_CONNECTION -u SSH_CLIENT -u SSH_TTY -u SSH_AUTH_SOCK -u SSH_ORIGINAL_COMMAND \
      -u ET_HOST_IDLE_EXIT MALLOC_ARENA_MAX=1 \
      /usr/bin/setsid "$host" --first-contact "$@" 2>&1)
  # etterminal's own deadlines (request 10 s, host 10 s) and a host's start come well within this.
  while IFS= read -r -t 60 line <&"$et_host_answer"; do
    case "$line" in
      "et-first-contact "[0-9] | "et-first-contact "[0-9][0-9]) answer="${line#et-first-contact }"; break ;;
      *) printf '%s\n' "$line" >&2 ;;
    esac
  done
  if [ -z "$answer" ]; then
    [ -z "$line" ] || printf '%s\n' "$line" >&2 # its last words, without a line break
    echo "etterminal: the session host ended without answering; see ~/.et/log/host.log" >&2
    exit 1
  fi
  IFS= read -r -t 5 line <&"$et_host_answer" || line=
  [ -z "$line" ] || printf '%s\n' "$line"
  IFS= read -r -t 5 line <&"$et_host_answer" || line=
  [ -z "$line" ] || printf '%s\n' "$line" >&2
  exit "$answer"
}
