package et.core.relay;

/** Where a host's relay may connect, beyond the grant's own destination (a host's server.conf). */
@FunctionalInterface
public interface RelayPolicy {
  /** Any destination the grant covers. */
  RelayPolicy GRANT_ONLY = (host, port) -> true;

  /** Whether the relay may connect to {@code host}:{@code port}. */
  boolean permits(String host, int port);
}
