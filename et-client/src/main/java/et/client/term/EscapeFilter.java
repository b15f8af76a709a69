package et.client.term;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ssh-like escapes in the bytes the user types, before they are sent to the remote terminal.
 *
 * <p>{@code ~} is special only at the start of a line: at the very start of input, or right after
 * a CR or LF byte. Then the byte after it decides:
 * <ul>
 *   <li>{@code ~.} &rarr; {@link Action#DISCONNECT}. Everything after it is dropped, in this chunk
 *       and in later ones: a pasted "~.rm -rf x" must not run the rest remotely.</li>
 *   <li>{@code ~~} &rarr; one {@code ~} is sent (the line is then no longer at its start).</li>
 *   <li>{@code ~?} &rarr; {@link Action#HELP}: the caller shows {@link #HELP}; nothing is sent and
 *       the line is still at its start, so {@code ~?~.} works.</li>
 *   <li>{@code ~^Z} (Ctrl-Z) &rarr; {@link Action#SUSPEND}, as ssh's: nothing is sent and the line
 *       is still at its start.</li>
 *   <li>{@code ~} and any other byte &rarr; both bytes are sent, and that byte decides whether the
 *       line is at its start again ({@code ~} then CR is just "~\r").</li>
 * </ul>
 * A {@code ~} at the end of a chunk is held back until the next chunk says what it is, so how the
 * input is split into chunks never changes what is sent (no timeout flushes it, as in ssh).
 *
 * <p>Pure state machine, no I/O. Not thread-safe: one reader thread feeds it.
 */
public final class EscapeFilter {

  /** What the caller must do besides sending {@link Result#output()}. */
  public enum Action {
    /** Close the session from this side ({@code ~.}). */
    DISCONNECT,
    /** Show the list of escapes ({@code ~?}), e.g. {@link #HELP}. */
    HELP,
    /** Suspend et ({@code ~^Z}): give the terminal back to the shell until {@code fg}. */
    SUSPEND
  }

  /**
   * The bytes to send and the actions found in one chunk, in input order. All bytes of a chunk
   * come before a {@link Action#DISCONNECT} in it (nothing is sent after one).
   */
  public record Result(byte[] output, List<Action> actions) {
    public Result {
      output = output.clone();
      actions = List.copyOf(actions);
    }

    @Override
    public byte[] output() {
      return output.clone();
    }
  }

  /** The list of escapes, with CR LF line ends because the local terminal is in raw mode. */
  public static final String HELP = """
      Supported escape sequences (at the start of a line):\r
       ~.  - disconnect\r
       ~^Z - suspend et (fg brings it back; the session goes on meanwhile)\r
       ~?  - this message\r
       ~~  - send the escape character by typing it twice\r
      """;

  private static final byte ESCAPE = '~';
  private static final byte CTRL_Z = 0x1a;

  private boolean atLineStart = true;
  private boolean escapePending;
  private boolean disconnected;

  /** Filters {@code len} bytes of {@code buf} from {@code off}. */
  public Result filter(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 1);
    List<Action> actions = new ArrayList<>(1);
    for (int i = off; i < off + len && !disconnected; i++) {
      byte b = buf[i];
      if (escapePending) {
        escapePending = false;
        switch (b) {
          case '.' -> {
            disconnected = true;
            actions.add(Action.DISCONNECT);
          }
          case '?' -> actions.add(Action.HELP); // still at the line start
          case CTRL_Z -> actions.add(Action.SUSPEND); // likewise
          case ESCAPE -> {
            out.write(ESCAPE);
            atLineStart = false;
          }
          default -> {
            out.write(ESCAPE);
            send(out, b);
          }
        }
      } else if (atLineStart && b == ESCAPE) {
        escapePending = true;
      } else {
        send(out, b);
      }
    }
    return new Result(out.toByteArray(), actions);
  }

  /** Filters a whole array. */
  public Result filter(byte[] buf) {
    return filter(buf, 0, buf.length);
  }

  /** True once {@code ~.} was seen: all further input is dropped. */
  public boolean disconnected() {
    return disconnected;
  }

  /** True while a {@code ~} at a line start waits for the next byte (it has not been sent). */
  public boolean escapePending() {
    return escapePending;
  }

  private void send(ByteArrayOutputStream out, byte b) {
    out.write(b);
    atLineStart = b == '\r' || b == '\n';
  }
}
