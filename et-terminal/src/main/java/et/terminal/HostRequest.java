package et.terminal;

/**
 * Anything the client asks the user's session host, through etterminal, in one bootstrap line
 * (docs/TERMINAL.md): a new session ({@link BootstrapRequest}, {@code ET1 REQUEST}), the list of
 * the user's sessions ({@link ListRequest}, {@code ET1 LIST}), the end of one ({@link
 * KillRequest}, {@code ET1 KILL}) or a relay grant ({@link RelayRequest}, {@code ET1 RELAY}). Each carries the client's nonce, which the answer repeats.
 */
public sealed interface HostRequest permits BootstrapRequest, ListRequest, KillRequest, RelayRequest {

  /** The nonce the answer must carry. */
  BootstrapNonce nonce();

  /** The line to write, without its line terminator. */
  String toLine();

  /** The request {@code line} (without terminator) carries, whichever kind it is. */
  static HostRequest parse(String line) throws BootstrapException {
    String kind = BootstrapLine.split(line).kind();
    return switch (kind) {
      case BootstrapRequest.KIND -> BootstrapRequest.parse(line);
      case ListRequest.KIND -> ListRequest.parse(line);
      case KillRequest.KIND -> KillRequest.parse(line);
      case RelayRequest.KIND -> RelayRequest.parse(line);
      default -> throw new BootstrapException(
          "expected an ET1 " + BootstrapRequest.KIND + ", " + ListRequest.KIND + ", " + KillRequest.KIND
              + " or " + RelayRequest.KIND
              + " line, got ET1 " + Shown.value(kind));
    };
  }
}
