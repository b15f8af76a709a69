package et.terminal;

import et.core.SessionId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One session as {@code et --list} shows it: one {@code session=} field of a {@link
 * BootstrapReply.Sessions} line (docs/TERMINAL.md), eight parts separated by commas, each
 * percent-encoded (so none holds a comma), the optional ones empty when absent:
 *
 * <pre>&lt;id: 32 hex&gt;,&lt;mode&gt;,&lt;started: epoch ms&gt;,&lt;last contact: epoch ms | empty&gt;,&lt;client address | empty&gt;,&lt;waiting bytes&gt;,&lt;command | empty&gt;,&lt;jump hosts | empty&gt;</pre>
 *
 * Every instance satisfies the caps (the constructor throws IllegalArgumentException otherwise):
 * times and byte counts in 0..{@value #MAX_NUMBER}, the client address at most {@value
 * #MAX_CLIENT_CHARS} characters, the command at most {@value #MAX_COMMAND_CHARS} (the host cuts a
 * longer one with {@link #shownCommand}), the jump hosts within {@link JumpPath}'s caps.
 *
 * @param id          the session id, 32 lower-case hex digits
 * @param started     when the host made the session
 * @param lastContact when the host last heard from the session's client; empty if it never connected
 * @param client      the connected client's address and port; empty while disconnected
 * @param waitingBytes sealed bytes the client has not acknowledged yet
 * @param command     the command the session runs; empty for the login shell (or no program)
 * @param via         the jump hosts the session's client came through, as its request named them
 */
public record ListedSession(
    String id,
    Mode mode,
    Instant started,
    Optional<Instant> lastContact,
    Optional<String> client,
    long waitingBytes,
    Optional<String> command,
    Optional<JumpPath> via) {

  public static final int MAX_COMMAND_CHARS = 100;
  public static final int MAX_CLIENT_CHARS = 64;
  /** Cap of every time (epoch milliseconds, year 33658) and byte count. */
  public static final long MAX_NUMBER = 999_999_999_999_999L;
  private static final int PARTS = 8;

  /** What a session runs, as its bootstrap request asked. */
  public enum Mode {
    /** The login shell. */
    TERMINAL,
    /** A command ({@code et -c}). */
    COMMAND,
    /** No program: tunnels and proxies only ({@code et -N}). */
    TUNNELS;

    /** The word on the wire and in the table. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ListedSession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(lastContact, "lastContact");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(via, "via");
    started = started.truncatedTo(ChronoUnit.MILLIS); // the wire's unit
    lastContact = lastContact.map(time -> time.truncatedTo(ChronoUnit.MILLIS));
    try {
      BootstrapLine.hexDigits("id", id, SessionId.BYTES);
      checkTime("started", started);
      if (lastContact.isPresent()) {
        checkTime("last contact", lastContact.get());
      }
      if (client.isPresent()) {
        checkText("client", client.get(), MAX_CLIENT_CHARS);
      }
      if (waitingBytes < 0 || waitingBytes > MAX_NUMBER) {
        throw new BootstrapException("waiting bytes must be in 0.." + MAX_NUMBER + ": " + waitingBytes);
      }
      if (command.isPresent()) {
        checkText("command", command.get(), MAX_COMMAND_CHARS);
      }
    } catch (BootstrapException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!id.equals(id.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("id must be lower-case hex: " + Shown.value(id));
    }
  }

  /** {@code command} as the list carries it: cut to {@value #MAX_COMMAND_CHARS} characters, ending in "…". */
  public static String shownCommand(String command) {
    if (command.length() <= MAX_COMMAND_CHARS) {
      return command;
    }
    int end = MAX_COMMAND_CHARS - 1;
    if (Character.isHighSurrogate(command.charAt(end - 1))) {
      end--; // never split a pair
    }
    return command.substring(0, end) + "…";
  }

  /** The field's value, still to be put after {@code session=}. */
  String encode() {
    return String.join(",",
        id,
        mode.word(),
        Long.toString(started.toEpochMilli()),
        lastContact.map(time -> Long.toString(time.toEpochMilli())).orElse(""),
        client.map(PercentCodec::encode).orElse(""),
        Long.toString(waitingBytes),
        command.map(PercentCodec::encode).orElse(""),
        via.map(path -> PercentCodec.encode(path.toString())).orElse(""));
  }

  /** The session one {@code session=} field's {@code value} describes. */
  static ListedSession decode(String value) throws BootstrapException {
    String[] parts = value.split(",", -1);
    if (parts.length != PARTS) {
      throw new BootstrapException("session must have " + PARTS + " comma-separated parts, not " + parts.length);
    }
    String id = BootstrapLine.hexDigits("session id", parts[0], SessionId.BYTES);
    Mode mode = switch (parts[1]) {
      case "terminal" -> Mode.TERMINAL;
      case "command" -> Mode.COMMAND;
      case "tunnels" -> Mode.TUNNELS;
      default -> throw new BootstrapException("session mode must be terminal, command or tunnels: " + Shown.value(parts[1]));
    };
    Instant started = Instant.ofEpochMilli(BootstrapLine.longNumber("session start", parts[2], MAX_NUMBER));
    Optional<Instant> lastContact = parts[3].isEmpty()
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(BootstrapLine.longNumber("session last contact", parts[3], MAX_NUMBER)));
    Optional<String> client = optionalText("session client", parts[4], MAX_CLIENT_CHARS);
    long waiting = BootstrapLine.longNumber("session waiting bytes", parts[5], MAX_NUMBER);
    Optional<String> command = optionalText("session command", parts[6], MAX_COMMAND_CHARS);
    Optional<JumpPath> via = parts[7].isEmpty()
        ? Optional.empty()
        : Optional.of(JumpPath.parse(PercentCodec.decode(parts[7], "session via")));
    return new ListedSession(id, mode, started, lastContact, client, waiting, command, via);
  }

  private static Optional<String> optionalText(String field, String encoded, int maxChars) throws BootstrapException {
    if (encoded.isEmpty()) {
      return Optional.empty();
    }
    // Before decoding: an encoded character takes at most 12 characters (4 UTF-8 bytes as %XX).
    if (encoded.length() > 12 * maxChars) {
      throw new BootstrapException(field + " is longer than " + maxChars + " characters");
    }
    String text = PercentCodec.decode(encoded, field);
    checkText(field, text, maxChars);
    return Optional.of(text);
  }

  private static void checkText(String field, String text, int maxChars) throws BootstrapException {
    if (text.isEmpty() || text.length() > maxChars) {
      throw new BootstrapException(field + " must be 1.." + maxChars + " characters: " + Shown.value(text));
    }
    if (!PercentCodec.isWellFormed(text)) {
      throw new BootstrapException(field + " has an unpaired surrogate: " + Shown.value(text));
    }
  }

  private static void checkTime(String field, Instant time) throws BootstrapException {
    if (time.isBefore(Instant.EPOCH) || time.isAfter(Instant.ofEpochMilli(MAX_NUMBER))) {
      throw new BootstrapException(field + " must be in 0.." + MAX_NUMBER + " ms after the epoch: " + time);
    }
  }
}
