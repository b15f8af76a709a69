package et.terminal.forward;

/**
 * Where the requests of a {@link ForwardService} may lead: the host's rules for the client's
 * forwards ({@code permit-open} in server.conf), or the client's own map from a reverse tunnel's
 * listener to its target (the host never names a target on the client).
 */
@FunctionalInterface
public interface ForwardTargets {
  /**
   * The endpoint to connect to for the peer's {@code request}.
   *
   * @throws ForwardRefusedException with the reason the peer is told, when it may not be made
   */
  Endpoint resolve(Endpoint request) throws ForwardRefusedException;
}
