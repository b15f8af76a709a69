package et.terminal;

/**
 * A bootstrap line (request or reply) that breaks the grammar or a cap of docs/TERMINAL.md. The
 * message names the offending field and shows its value escaped and truncated, never a secret.
 */
public final class BootstrapException extends Exception {
  public BootstrapException(String message) {
    super(message);
  }

  public BootstrapException(String message, Throwable cause) {
    super(message, cause);
  }
}
