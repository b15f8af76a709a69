package et.terminal;

import et.core.SessionCredentials;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * The one line etterminal writes to stdout in answer to a {@link HostRequest}
 * (docs/TERMINAL.md), carrying the request's nonce:
 *
 * <pre>
 * ET1 SESSION nonce=&lt;nonce&gt; id=&lt;32 hex&gt; secret=&lt;43 chars base64url&gt; port=&lt;n&gt;
 * ET1 SESSIONS nonce=&lt;nonce&gt; total=&lt;n&gt; [session=&lt;listed session&gt;]...
 * ET1 KILLED nonce=&lt;nonce&gt; id=&lt;32 hex&gt;
 * ET1 GRANT nonce=&lt;nonce&gt; id=&lt;32 hex&gt; secret=&lt;43 chars base64url&gt; port=&lt;n&gt;
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
      checkCredentialed(nonce, credentials, port);
    }

    @Override
    public String toLine() {
      return credentialedLine(KIND, nonce, credentials, port);
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

  /**
   * The answer to a {@link RelayRequest}: a relay grant's credentials (never a session's) and the
   * jump host's et port, where its relay listens.
   */
  record Grant(BootstrapNonce nonce, SessionCredentials credentials, int port) implements BootstrapReply {
    public static final String KIND = "GRANT";

    public Grant {
      checkCredentialed(nonce, credentials, port);
    }

    @Override
    public String toLine() {
      return credentialedLine(KIND, nonce, credentials, port);
    }

    @Override
    public String toString() {
      return "BootstrapReply.Grant[nonce=" + nonce + ", id=" + credentials.id() + ", secret hidden, port=" + port + "]";
    }
  }

  /**
   * The answer to a {@link ListRequest}: the user's sessions on the host, {@code total} of them, of
   * which at most {@value #MAX_LISTED} are listed (the earliest started first), fewer when more
   * would not fit in one line.
   */
  record Sessions(BootstrapNonce nonce, int total, List<ListedSession> listed) implements BootstrapReply {
    public static final String KIND = "SESSIONS";
    /** Sessions listed in one answer at most; fewer only with very long commands, addresses and paths. */
    public static final int MAX_LISTED = 40;
    /** More sessions than one host could hold: a larger total is refused. */
    public static final int MAX_TOTAL = 1_000_000;
    private static final String FIELD = " session=";

    public Sessions {
      Objects.requireNonNull(nonce, "nonce");
      listed = List.copyOf(listed);
      if (listed.size() > MAX_LISTED) {
        throw new IllegalArgumentException("at most " + MAX_LISTED + " sessions listed: " + listed.size());
      }
      if (total < listed.size() || total > MAX_TOTAL) {
        throw new IllegalArgumentException("total must be in " + listed.size() + ".." + MAX_TOTAL + ": " + total);
      }
      int length = line(nonce, total, listed).length();
      if (length > BootstrapLine.MAX_LINE_BYTES) {
        throw new IllegalArgumentException("the answer would be " + length + " bytes, more than " + BootstrapLine.MAX_LINE_BYTES);
      }
    }

    /**
     * The answer listing the first of {@code candidates}, as many as fit in one line and at most
     * {@value #MAX_LISTED}, out of {@code total}.
     */
    public static Sessions fitting(BootstrapNonce nonce, int total, List<ListedSession> candidates) {
      int length = head(nonce, total).length();
      int fit = 0;
      for (ListedSession session : candidates) {
        length += FIELD.length() + session.encode().length();
        if (fit == MAX_LISTED || length > BootstrapLine.MAX_LINE_BYTES) {
          break;
        }
        fit++;
      }
      return new Sessions(nonce, total, candidates.subList(0, fit));
    }

    private static String head(BootstrapNonce nonce, int total) {
      return BootstrapLine.PREFIX + KIND + " nonce=" + nonce + " total=" + total;
    }

    @Override
    public String toLine() {
      return line(nonce, total, listed);
    }

    private static String line(BootstrapNonce nonce, int total, List<ListedSession> listed) {
      StringBuilder line = new StringBuilder(head(nonce, total));
      listed.forEach(session -> line.append(FIELD).append(session.encode()));
      return line.toString();
    }
  }

  /** The answer to a {@link KillRequest}: the session with this {@code id} has ended. */
  record Killed(BootstrapNonce nonce, String id) implements BootstrapReply {
    public static final String KIND = "KILLED";

    public Killed {
      Objects.requireNonNull(nonce, "nonce");
      Objects.requireNonNull(id, "id");
      if (!id.matches("[0-9a-f]{32}")) {
        throw new IllegalArgumentException("id must be 32 lower-case hex digits: " + Shown.value(id));
      }
    }

    @Override
    public String toLine() {
      return BootstrapLine.PREFIX + KIND + " nonce=" + nonce + " id=" + id;
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

  private static void checkCredentialed(BootstrapNonce nonce, SessionCredentials credentials, int port) {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(credentials, "credentials");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535: " + port);
    }
  }

  /** The line of a SESSION or GRANT: the same fields. */
  private static String credentialedLine(String kind, BootstrapNonce nonce, SessionCredentials credentials, int port) {
    return BootstrapLine.PREFIX + kind + " nonce=" + nonce + " id=" + credentials.id()
        + " secret=" + credentials.encodedSecret() + " port=" + port;
  }

  /**
   * The reply {@code line} (without terminator) carries. Checks the line's length first, then its
   * characters and fields, then each value; a malformed secret is reported without showing it.
   */
  static BootstrapReply parse(String line) throws BootstrapException {
    return ReplyParser.parse(line);
  }
}
