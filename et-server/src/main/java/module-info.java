/**
 * The server side of the remote terminal: {@link et.server.Etterminal} (the command ssh runs) and
 * {@link et.server.EtHost} (the user's session host, shells in PTYs via pty4j). Exports nothing:
 * both are run with {@code java -m et.server/<main class>}.
 */
module et.server {
  requires et.terminal; // and, transitively, et.core
  requires org.tinylog.api;
  requires jdk.net; // SO_PEERCRED on the host's unix socket
  requires jdk.security.auth; // UnixSystem: this process's uid

  // pty4j has no module descriptor nor Automatic-Module-Name: its automatic module is named
  // after the jar file. As an automatic module it reads everything, but the explicit modules it
  // uses at run time are resolved only when some module requires them, hence the next two.
  requires pty4j;
  requires kotlin.stdlib;
  requires org.slf4j; // pty4j logs through slf4j; slf4j-tinylog provides its binding (a service)
  requires com.sun.jna; // PtyMaster's libc calls, through the JNA that pty4j brings
}
