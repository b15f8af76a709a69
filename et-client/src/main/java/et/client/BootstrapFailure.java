package et.client;

import java.util.Objects;

/**
 * The ssh bootstrap did not give a session: the message says why, for the user (remote text in it
 * is already escaped), and {@link #exitStatus()} is what et exits with (ssh's own status when ssh
 * itself failed, as ssh users expect 255 there; {@link et.client.cli.ExitCodes#FAILURE} otherwise).
 */
public final class BootstrapFailure extends Exception {

  private final int exitStatus;

  BootstrapFailure(String message, int exitStatus) {
    super(Objects.requireNonNull(message, "message"));
    this.exitStatus = exitStatus;
  }

  /** The status et exits with. */
  public int exitStatus() {
    return exitStatus;
  }
}
