/**
 * The remote terminal's part above Eternal TCP (docs/TERMINAL.md), shared by client and server: the
 * one-line bootstrap exchange over ssh, the channel labels of a terminal session, resize events and
 * forwarded connections.
 */
module et.terminal {
  // Transitive: BootstrapReply.Session hands out et.core's SessionCredentials.
  requires transitive et.core;
  requires org.tinylog.api;
  requires jdk.security.auth; // UnixSystem: this process's uid, for PrivateDirectory
  requires jdk.net; // SO_PEERCRED, for PrivateSocketServer
  exports et.terminal;
  exports et.terminal.forward;
}
