package et.terminal.forward;

/**
 * A forwarded connection that will not be made: the target is not allowed, cannot be reached, or
 * the peer refused it. The message is the reason, as shown to the other end.
 */
public final class ForwardRefusedException extends Exception {
  public ForwardRefusedException(String reason) {
    super(reason);
  }
}
