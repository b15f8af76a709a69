package et.server.host;

import et.core.Session;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.KillRequest;
import et.terminal.ListedSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * The host's live sessions as {@code et --list}, {@code et --kill} and {@code et -x} see them
 * (docs/TERMINAL.md): each with the request that made it and when. A session leaves when it ends.
 * The host is the user's own, so these are only ever the user's sessions.
 *
 * <p>Thread-safe: requests come on their own threads, sessions end on theirs.
 */
final class HostSessions {
  /**
   * How long a kill waits for the clients to acknowledge the close (each then ends with the kill's
   * status and message), all at once, well within the request's deadline. A client heard from
   * within this time is waited for even while disconnected, since it may be reconnecting; one
   * silent for longer (or never connected) is ended without waiting.
   */
  static final Duration KILL_ACK_WAIT = Duration.ofSeconds(5);

  /** One live session and what the list shows of its making. */
  private record Entry(Session session, BootstrapRequest request, Instant started) {}

  /** Keyed by the session id's 32 hex digits. */
  private final Map<String, Entry> live = new ConcurrentHashMap<>();

  /** Adds {@code session}, made for {@code request}, until it ends. */
  void add(Session session, BootstrapRequest request) {
    String id = session.id().toString();
    live.put(id, new Entry(session, request, Instant.now()));
    session.whenEnded().whenComplete((end, failure) -> live.remove(id));
  }

  /**
   * What the live sessions have moved ({@link Session#framesMoved}, summed): changes with every
   * stream frame and every session's end.
   */
  long framesMoved() {
    long sum = 0;
    for (Entry entry : live.values()) {
      sum += entry.session().framesMoved();
    }
    return sum;
  }

  /** The answer to a list request: the earliest started sessions first, as many as the reply holds. */
  BootstrapReply.Sessions list(BootstrapNonce nonce) {
    List<Entry> entries = byStart();
    List<ListedSession> candidates =
        entries.stream().limit(BootstrapReply.Sessions.MAX_LISTED).map(HostSessions::describe).toList();
    return BootstrapReply.Sessions.fitting(nonce, entries.size(), candidates);
  }

  /** Ends the one session {@code kill} names; an error that says why when none or several match. */
  BootstrapReply kill(KillRequest kill) throws InterruptedException {
    IdPrefixMatch match = IdPrefixMatch.of(kill.idPrefix(), live.keySet());
    if (!match.unique()) {
      Logger.info("refused to kill {}: {}", kill.idPrefix(), match.refusal());
      return new BootstrapReply.Error(kill.nonce(), match.refusal());
    }
    String id = match.matching().getFirst();
    Entry entry = live.get(id);
    if (entry != null) {
      end(List.of(entry.session()), KillRequest.REASON);
    }
    return new BootstrapReply.Killed(kill.nonce(), id);
  }

  /**
   * Ends every live session with {@code reason} ({@code et -x} before its own is made, or the host
   * stopping); returns how many.
   */
  int endAll(String reason) throws InterruptedException {
    List<Session> sessions = byStart().stream().map(Entry::session).toList();
    end(sessions, reason);
    return sessions.size();
  }

  private List<Entry> byStart() {
    return live.values().stream().sorted(Comparator.comparing(Entry::started)).toList();
  }

  /**
   * Closes {@code sessions} with the kill's status and {@code reason}, so their clients end with a
   * message rather than a network error, and their programs are ended as after any close. Returns
   * once every one has ended: those with a client in reach when it acknowledged, or when {@link
   * #KILL_ACK_WAIT} has passed.
   */
  private static void end(List<Session> sessions, String reason) throws InterruptedException {
    List<Session> awaited = new ArrayList<>();
    Instant recently = Instant.now().minus(KILL_ACK_WAIT);
    for (Session session : sessions) {
      Logger.info("{}: {}", session, reason);
      boolean inReach = session.lastContact().filter(contact -> contact.isAfter(recently)).isPresent();
      try {
        session.close(KillRequest.EXIT_STATUS, reason);
      } catch (IOException e) {
        inReach = false; // the close could not be sent: nothing to wait for
      }
      if (inReach) {
        awaited.add(session);
      } else {
        session.terminate(reason + " (the client was away)");
      }
    }
    long deadline = System.nanoTime() + KILL_ACK_WAIT.toNanos();
    for (Session session : awaited) {
      if (!session.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        session.terminate(reason + " (not acknowledged within " + KILL_ACK_WAIT.toSeconds() + " s)");
      }
    }
  }

  private static ListedSession describe(Entry entry) {
    Session session = entry.session();
    BootstrapRequest request = entry.request();
    ListedSession.Mode mode = request.noProgram()
        ? ListedSession.Mode.TUNNELS
        : request.command().isPresent() ? ListedSession.Mode.COMMAND : ListedSession.Mode.TERMINAL;
    return new ListedSession(
        session.id().toString(),
        mode,
        entry.started(),
        session.lastContact(),
        session.peerAddress().map(HostSessions::shown),
        session.backlogBytes(),
        request.command().map(ListedSession::shownCommand),
        request.via());
  }

  /** {@code 192.0.2.1:52144} or {@code [2001:db8::1]:52144}, never a reverse lookup. */
  private static String shown(InetSocketAddress address) {
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    String shown = (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    // Only an IPv6 address with a long zone name is longer than the list carries.
    return shown.length() <= ListedSession.MAX_CLIENT_CHARS ? shown : shown.substring(0, ListedSession.MAX_CLIENT_CHARS - 1) + "…";
  }
}
