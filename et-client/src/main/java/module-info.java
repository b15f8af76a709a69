/**
 * The {@code et} command (main class {@link et.client.Main}): command line, ssh bootstrap, the
 * local terminal (raw mode, escape keys, status line) and pipe mode. Exports nothing: it is an
 * application, run with {@code java -m et.client}.
 */
module et.client {
  requires et.terminal; // and, transitively, et.core
  requires info.picocli;
  requires org.jline; // automatic module (Automatic-Module-Name in jline's manifest)
  // jline handles SIGWINCH, SIGINT... with sun.misc.Signal, found by reflection: as an automatic
  // module it cannot require jdk.unsupported, and without it window changes go unnoticed.
  requires jdk.unsupported;
  requires org.tinylog.api;
  requires jdk.net; // SO_PEERCRED on the share socket (SessionSharing)

  // picocli reads the annotated fields of EtCommand and creates EtVersion by reflection.
  opens et.client.cli to info.picocli;
}
