# Sourced by the etterminal launchers of the source tree (launcher/etterminal), of the install
# image (bin/etterminal) and of the packages (lib/etterminal): the session host's start on a first
# contact, the same for all (docs/TERMINAL.md, "The session host").

# On a first contact (etterminal without arguments, and no session host socket yet), starts the
# session host HOST_COMMAND now, beside etterminal's JVM, instead of after etterminal has read its
# request and found no host: a first run then waits for one JVM's start less (docs/BENCHMARKS.md).
# The request is not known yet (a list, a kill or a bad request needs no host), so the host's stdin
# is a pipe whose other end etterminal holds until it exits (the fd in et_host_link, kept through
# exec); with --exit-unless-asked the host exits at that pipe's end unless it was asked for a
# session or a relay. etterminal learns the host's pid from ET_HOST_EARLY and waits for it; should
# that host fail, etterminal starts one as it would have.
# Started as etterminal starts it (et.server.request.HostLauncher): in a new session, in the home
# directory, without the variables of this one ssh connection, with one malloc arena; but its
# output goes nowhere (a host logs to ~/.et/log/host.log; one that etterminal starts writes its
# output to host.out beside it).
# Usage: et_start_host_early HOST_COMMAND [ETTERMINAL_ARGUMENT...]
et_start_host_early() {
  local host="$1" socket
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
  exec {et_host_link}> >(cd "${HOME:-/}" 2>/dev/null || cd /
    exec env -u SSH_CONNECTION -u SSH_CLIENT -u SSH_TTY -u SSH_AUTH_SOCK -u SSH_ORIGINAL_COMMAND \
      -u ET_HOST_IDLE_EXIT MALLOC_ARENA_MAX=1 \
      /usr/bin/setsid "$host" --exit-unless-asked "$@" >/dev/null 2>&1)
  export ET_HOST_EARLY="$!"
}
