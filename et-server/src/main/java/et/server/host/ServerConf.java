package et.server.host;

import et.server.session.AcceptedEnvironment;
import et.server.session.ForwardPolicy;
import et.server.session.ForwardPolicy.Permit;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The optional file {@code ~/.config/et/server.conf}: {@code key=value} lines, blank lines and
 * {@code #} comments. Keys:
 *
 * <ul>
 *   <li>{@code port}: the first TCP port the session host tries (1..65535, default {@value
 *       #DEFAULT_PORT}); if it is taken, the next ones up.
 *   <li>{@code bind}: the IP address to listen on (a literal such as {@code 127.0.0.1}); default
 *       all addresses.
 *   <li>{@code permit-open}: where the clients' forwarded connections ({@code et -t}) may go:
 *       {@code any} (the default), {@code none}, or entries separated by blanks, each {@code
 *       host:port}, {@code host:*}, {@code [v6]:port} or a unix socket path (as sshd's PermitOpen).
 *   <li>{@code gateway-ports}: {@code yes} lets a reverse tunnel ({@code et -r}) listen on an
 *       address other than loopback when the client names one; {@code no} (the default) refuses it.
 *   <li>{@code permit-relay}: where this host relays the user's clients ({@code et -J}): by default
 *       only to the host each client named when it got its relay grant (any port; also {@code
 *       any}); {@code none}
 *       turns relaying off; entries {@code host:port} or {@code host:*} separated by blanks narrow
 *       it ({@link RelayPermits}).
 *   <li>{@code accept-env}: variables of the client's request the program gets besides LANG, LC_*
 *       and COLORTERM: names or prefixes ending in {@code *}, separated by blanks (as sshd's
 *       AcceptEnv); see {@link AcceptedEnvironment} for what may not be added.
 * </ul>
 *
 * Unknown keys and bad values are refused with the line number, so a typo does not pass silently.
 */
public record ServerConf(
    int port, Optional<InetAddress> bind, ForwardPolicy forwarding, RelayPermits relaying, AcceptedEnvironment acceptEnv) {
  public static final int DEFAULT_PORT = 2022;
  private static final int MAX_BYTES = 64 * 1024;
  // Literals only: a host name would mean a DNS lookup at every start.

  public static ServerConf defaults() {
    return new ServerConf(
        DEFAULT_PORT, Optional.empty(), ForwardPolicy.defaults(), RelayPermits.DEFAULT, AcceptedEnvironment.defaults());
  }

  /** The configuration in {@code file}, or the defaults when it does not exist. */
  public static ServerConf read(Path file) throws IOException {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return defaults();
    }
    return parse(file.toString(), lines);
  }

  static ServerConf parse(String name, List<String> lines) throws IOException {
    int port = DEFAULT_PORT;
    Optional<InetAddress> bind = Optional.empty();
    Optional<List<Permit>> permitOpen = Optional.empty();
    Optional<List<Permit>> permitRelay = Optional.empty();
    boolean gatewayPorts = false;
    AcceptedEnvironment acceptEnv = AcceptedEnvironment.defaults();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = name + " line " + (i + 1);
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IOException(where + ": expected key=value");
      }
      String key = line.substring(0, equals).strip();
      String value = line.substring(equals + 1).strip();
      switch (key) {
        case "port" -> port = port(where, value);
        case "bind" -> bind = Optional.of(address(where, value));
        case "permit-open" -> permitOpen = permits(where, "permit-open", value);
        case "permit-relay" -> permitRelay = permits(where, "permit-relay", value);
        case "gateway-ports" -> gatewayPorts = yesOrNo(where, key, value);
        case "accept-env" -> acceptEnv = acceptEnv(where, value);
        default -> throw new IOException(
            where + ": unknown key \"" + key + "\" (known: port, bind, permit-open, permit-relay, gateway-ports, accept-env)");
      }
    }
    return new ServerConf(port, bind, new ForwardPolicy(permitOpen, gatewayPorts), new RelayPermits(permitRelay), acceptEnv);
  }

  private static int port(String where, String value) throws IOException {
    if (!value.matches("[1-9][0-9]{0,4}") || Integer.parseInt(value) > 65535) {
      throw new IOException(where + ": port must be a number in 1..65535");
    }
    return Integer.parseInt(value);
  }

  /** {@code any} (permit-open only), {@code none}, or entries; IOException naming {@code key} when one is bad. */
  private static Optional<List<Permit>> permits(String where, String key, String value) throws IOException {
    switch (value) {
      case "any" -> {
        return Optional.empty();
      }
      case "none" -> {
        return Optional.of(List.of());
      }
      default -> {
        List<Permit> permits = new ArrayList<>();
        for (String entry : value.split("\\s+")) {
          try {
            permits.add(Permit.parse(entry));
          } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + key + ": " + e.getMessage());
          }
        }
        return Optional.of(permits);
      }
    }
  }

  private static AcceptedEnvironment acceptEnv(String where, String value) throws IOException {
    try {
      return AcceptedEnvironment.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": accept-env: " + e.getMessage());
    }
  }

  private static boolean yesOrNo(String where, String key, String value) throws IOException {
    return switch (value) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw new IOException(where + ": " + key + " must be yes or no");
    };
  }

  private static InetAddress address(String where, String value) throws IOException {
    try {
      return InetAddress.ofLiteral(value); // unlike getByName, never a lookup of what only looks like one
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": bind must be an IP address literal", e);
    }
  }

}
