package et.client.cli;

/** How et's own connection reaches the session host once ssh has bootstrapped it. */
public enum Route {
  /** A TCP connection to the host's et port. */
  DIRECT,
  /** Through the user's ssh, {@code ssh -W host:port}, run again for every connection ({@code --via-ssh}). */
  VIA_SSH
}
