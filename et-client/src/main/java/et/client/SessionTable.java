package et.client;

import et.terminal.JumpPath;
import et.terminal.ListedSession;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code et --list}'s table: one header line and one line per session, at most {@value #WIDTH}
 * columns. Columns are as wide as their widest cell; the command comes last and is cut (with "…")
 * to the room left. Every cell of remote text is escaped ({@link Printable}). Times are local:
 * the time of day for today, else the date too. The client's address and its last contact share a
 * column: a connected client was heard from within seconds ("now"), a disconnected one last when
 * it was lost ("disconnected since …"); one that came through jump hosts shows their path
 * ("10.0.0.2 via jump1,jump2, now").
 */
final class SessionTable {
  static final int WIDTH = 80;
  /** Hex digits of an id shown at least; more when needed to tell the listed sessions apart. */
  static final int MIN_ID_DIGITS = 8;
  private static final String GAP = " ";
  private static final String CUT = "…";
  /** The client column's widest cell ("disconnected since 12-02 03:41"); a longer address is cut. */
  static final int MAX_CLIENT_CELL = 30;
  private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter DATE_AND_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm");

  private SessionTable() {}

  /** The table's lines for {@code sessions}, as seen at {@code now} in {@code zone}. */
  static List<String> lines(List<ListedSession> sessions, Instant now, ZoneId zone) {
    int idDigits = idDigits(sessions);
    Function<Instant, String> when = time -> when(time, now, zone);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "MODE", "STARTED", "WAITING", "CLIENT, LAST CONTACT", "COMMAND"});
    for (ListedSession session : sessions) {
      String client = session.client()
          .map(address -> connected(Printable.escape(address, ListedSession.MAX_CLIENT_CHARS), session.via()))
          .orElse(session.lastContact().map(time -> "disconnected since " + when.apply(time)).orElse("not connected yet"));
      rows.add(new String[] {
        session.id().substring(0, idDigits),
        session.mode().word(),
        when.apply(session.started()),
        bytes(session.waitingBytes()),
        cut(client, MAX_CLIENT_CELL),
        session.command().map(command -> Printable.escape(command, ListedSession.MAX_COMMAND_CHARS))
            .orElse(session.mode() == ListedSession.Mode.TUNNELS ? "-" : "login shell"),
      });
    }
    int columns = rows.getFirst().length;
    int[] widths = new int[columns - 1]; // the command takes what is left
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        boolean number = i == 3;
        line.append(pad(row[i], widths[i], number)).append(GAP);
      }
      line.append(cut(row[columns - 1], WIDTH - line.length()));
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /**
   * A connected client's cell: its address, and through jump hosts the last one's address without
   * its port (which says nothing) and the path, cut to keep ", now" in the column.
   */
  private static String connected(String address, Optional<JumpPath> via) {
    String now = ", now";
    if (via.isEmpty()) {
      return address + now;
    }
    String host = address.replaceFirst(":[0-9]+$", "") + " via ";
    return host + cut(via.get().toString(), MAX_CLIENT_CELL - host.length() - now.length()) + now;
  }

  /** The fewest digits, at least {@value #MIN_ID_DIGITS}, that tell every listed id from the others. */
  static int idDigits(List<ListedSession> sessions) {
    int digits = MIN_ID_DIGITS;
    for (ListedSession a : sessions) {
      for (ListedSession b : sessions) {
        if (a != b) {
          int common = 0;
          while (common < a.id().length() && a.id().charAt(common) == b.id().charAt(common)) {
            common++;
          }
          digits = Math.max(digits, Math.min(common + 1, a.id().length()));
        }
      }
    }
    return digits;
  }

  private static String when(Instant time, Instant now, ZoneId zone) {
    ZonedDateTime local = time.atZone(zone);
    boolean today = local.toLocalDate().equals(LocalDate.ofInstant(now, zone));
    return (today ? TIME_OF_DAY : DATE_AND_TIME).format(local);
  }

  /** Bytes as {@code 512}, {@code 1.5K}, {@code 3.2M}, {@code 1.0G}. */
  static String bytes(long count) {
    if (count < 1024) {
      return Long.toString(count);
    }
    String units = "KMGTP";
    double value = count;
    int unit = -1;
    while (value >= 1024 && unit < units.length() - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f%c", value, units.charAt(unit));
  }

  /** {@code cell}, or its start and "…" in {@code room} characters. */
  private static String cut(String cell, int room) {
    return cell.length() <= room ? cell : cell.substring(0, Math.max(0, room - 1)) + CUT;
  }

  private static String pad(String cell, int width, boolean right) {
    String padding = " ".repeat(width - cell.length());
    return right ? padding + cell : cell + padding;
  }
}
