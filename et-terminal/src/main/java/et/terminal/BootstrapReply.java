package et.terminal;

import et.core.SessionCredentials;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The one line etterminal writes to stdout in answer to a {@link BootstrapRequest}
 * (docs/TERMINAL.md), carrying the request's nonce:
 *
 * <pre>
 * ET1 SESSION nonce=&lt;nonce&gt; id=&lt;32 hex&gt; secret=&lt;43 chars base64url&gt; port=&lt;n&gt;
 * ET1 ERROR nonce=&lt;nonce&gt; reason=&lt;percent-encoded text&gt;</pre>
 *
 * Use {@link ReplyScanner} to find it among what the remote shell prints. No message, toString or
 * exception built here shows the session secret.
 */
public sealed interface BootstrapReply {

  /** The nonce of the request this answers. */
  BootstrapNonce nonce();

  /** The line to write to stdout, without its line terminator. */
  String toLine();

  /** The session host started: where to connect ({@code port} on the ssh host) and with what. */
  record Session(BootstrapNonce nonce, SessionCredentials credentials, int port) implements BootstrapReply {
    public static final String KIND = "SESSION";
    /** Unpadded base64url of {@link SessionCredentials#SECRET_BYTES} bytes. */
    public static final int SECRET_CHARS = 43;

    public Session {
      Objects.requireNonNull(nonce, "nonce");
      Objects.requireNonNull(credentials, "credentials");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be in 1..65535: " + port);
      }
    }

    @Override
    public String toLine() {
      return BootstrapLine.PREFIX + KIND + " nonce=" + nonce + " id=" + credentials.id()
          + " secret=" + credentials.encodedSecret() + " port=" + port;
    }

    /** Equal nonce, port, id and secret (SessionCredentials itself compares by identity). */
    @Override
    public boolean equals(Object other) {
      return other instanceof Session that
          && nonce.equals(that.nonce)
          && port == that.port
          && credentials.id().equals(that.credentials.id())
          && MessageDigest.isEqual(credentials.secret(), that.credentials.secret());
    }

    @Override
    public int hashCode() {
      return Objects.hash(nonce, credentials.id(), port);
    }

    @Override
    public String toString() {
      return "BootstrapReply.Session[nonce=" + nonce + ", id=" + credentials.id() + ", secret hidden, port=" + port + "]";
    }
  }

  /** etterminal refused: {@code reason} is its text, to show the user (escaped: it is remote text). */
  record Error(BootstrapNonce nonce, String reason) implements BootstrapReply {
    public static final String KIND = "ERROR";

    public Error {
      Objects.requireNonNull(nonce, "nonce");
      Objects.requireNonNull(reason, "reason");
      if (!PercentCodec.isWellFormed(reason)) {
        throw new IllegalArgumentException("reason has an unpaired surrogate: " + Shown.value(reason));
      }
      int length = line(nonce, reason).length();
      if (length > BootstrapLine.MAX_LINE_BYTES) {
        throw new IllegalArgumentException(
            "line would be " + length + " bytes long, more than " + BootstrapLine.MAX_LINE_BYTES);
      }
    }

    @Override
    public String toLine() {
      return line(nonce, reason);
    }

    private static String line(BootstrapNonce nonce, String reason) {
      return BootstrapLine.PREFIX + KIND + " nonce=" + nonce + " reason=" + PercentCodec.encode(reason);
    }
  }

  /**
   * The reply {@code line} (without terminator) carries. Checks the line's length first, then its
   * characters and fields, then each value; a malformed secret is reported without showing it.
   */
  static BootstrapReply parse(String line) throws BootstrapException {
    return ReplyParser.parse(line);
  }
}
