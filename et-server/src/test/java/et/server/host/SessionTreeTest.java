package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.EternalClient;
import et.core.Session;
import et.core.task.TaskGroup;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import et.testkit.CapturedOutput;
import et.testkit.Poll;
import et.testkit.ThreadDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the session host runs each session's work, from JSON thread dumps of this JVM: during two
 * terminal sessions and one pipe session, every thread of a session sits in that session's own
 * task group (a thread container inside the host's), none outside it; once the sessions have
 * ended, none of their threads is left. The clients run in a task group of their own, so their
 * threads (named after the same sessions) are told apart.
 */
class SessionTreeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /**
   * What every terminal session of the host runs, each a thread of its tree (and "pty-type" while
   * the PTY's input is full).
   */
  private static final Set<String> TERMINAL_ROLES =
      Set.of("reconnect-listen", "socket-read", "socket-write", "keepalive", "channels", "bridge", "program", "pty-output",
          "keyboard", "resize", "session-end", "pty-read", "pty-exit");
  private static final Set<String> PIPE_ROLES =
      Set.of("reconnect-listen", "socket-read", "socket-write", "keepalive", "channels", "bridge", "program", "stdin", "stdout",
          "stderr", "session-end");

  @TempDir Path base;

  @Test
  void eachSessionsThreadsLiveInItsOwnTreeInsideTheHostAndEndWithIt() throws Exception {
    TaskGroup clients = TaskGroup.startRoot("test clients");
    try (HostFixture fixture = HostFixture.start(base)) {
      List<Session> terminals = new ArrayList<>();
      List<Channel> keyboards = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Session client = connect(fixture, clients, Optional.empty());
        Channel resize = client.openChannel(TerminalChannels.RESIZE);
        resize.output().write(new ResizeEvent(80, 24).encode());
        Channel terminal = client.openChannel(TerminalChannels.TERMINAL);
        new CapturedOutput(StandardCharsets.ISO_8859_1).readFrom(terminal.input(), "terminal").await(HostFixture.PROMPT, 0, TIMEOUT);
        terminals.add(client);
        keyboards.add(terminal);
      }
      Session pipe = connect(fixture, clients, Optional.of("cat"));
      Channel stdin = pipe.openChannel(TerminalChannels.STDIN);
      Channel stdout = pipe.openChannel(TerminalChannels.STDOUT);
      pipe.openChannel(TerminalChannels.STDERR);
      stdin.output().write("ready\n".getBytes(StandardCharsets.US_ASCII));
      new CapturedOutput(StandardCharsets.ISO_8859_1).readFrom(stdout.input(), "stdout").await("ready\n", 0, TIMEOUT);

      List<Session> all = List.of(terminals.get(0), terminals.get(1), pipe);
      for (Session session : all) {
        Set<String> expected = session == pipe ? PIPE_ROLES : TERMINAL_ROLES;
        assertTrue(
            Poll.until(TIMEOUT, () -> rolesInHostTree(dump(), session).containsAll(expected)),
            session + " runs " + expected + " in its tree:\n" + ThreadDump.ofThisJvm());
      }
      ThreadDump dump = ThreadDump.ofThisJvm();
      ThreadDump.Container host = dump.only("host").orElseThrow(() -> new AssertionError(dump.toString()));
      ThreadDump.Container clientTree = dump.only("test clients").orElseThrow(() -> new AssertionError(dump.toString()));
      for (Session session : all) {
        ThreadDump.Container tree = hostSide(dump, session);
        assertTrue(dump.isWithin(tree, host), session + " inside the host's tree:\n" + dump);
        List<String> strays = dump.threadsOutside(tree, name -> name.startsWith(session + " ")).stream()
            .filter(name -> !dump.threadsWithin(clientTree).contains(name))
            .toList();
        assertEquals(List.of(), strays, session + "'s threads outside its tree:\n" + dump);
      }
      List<String> loose = dump.containers().stream()
          .filter(c -> !dump.isWithin(c, host) && !dump.isWithin(c, clientTree))
          .flatMap(c -> c.threads().stream())
          .filter(name -> !name.equals(dump.ownerName(host)))
          .filter(name -> name.startsWith("session ") || name.startsWith("host") || name.contains("pty-"))
          .toList();
      assertEquals(List.of(), loose, "session and host threads outside the host's tree:\n" + dump);

      for (Channel keyboard : keyboards) {
        keyboard.output().write("exit\n".getBytes(StandardCharsets.US_ASCII));
      }
      stdin.shutdownOutput();
      for (Session session : all) {
        assertTrue(session.awaitEnd(TIMEOUT), session + " ended");
      }
      for (Session session : all) {
        String prefix = session + " ";
        assertTrue(
            Poll.until(TIMEOUT, () -> dump().allThreads().stream().noneMatch(name -> name.startsWith(prefix))),
            "threads of " + session + " left after its end:\n" + ThreadDump.ofThisJvm());
      }
    } finally {
      clients.cancel();
    }
  }

  private static Session connect(HostFixture fixture, TaskGroup clients, Optional<String> command) throws Exception {
    String request =
        new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, command, false, new LinkedHashMap<>())
            .toLine();
    BootstrapReply.Session reply = fixture.requestSession(request);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), reply.port());
    return EternalClient.connect(() -> address, reply.credentials(), HostFixture.OPTIONS, clients);
  }

  /** The host side's group of {@code session}: the container of its name inside the host's. */
  private static ThreadDump.Container hostSide(ThreadDump dump, Session session) {
    ThreadDump.Container host = dump.only("host").orElseThrow(() -> new AssertionError(dump.toString()));
    List<ThreadDump.Container> found =
        dump.named(session.toString()).stream().filter(c -> dump.isWithin(c, host)).toList();
    assertEquals(1, found.size(), "one group of " + session + " in the host:\n" + dump);
    return found.get(0);
  }

  /** The roles ("socket-read", "pty-read PID" as "pty-read") of the threads in the session's tree. */
  private static Set<String> rolesInHostTree(ThreadDump dump, Session session) {
    if (dump.only("host").isEmpty()) {
      return Set.of();
    }
    List<ThreadDump.Container> found = dump.named(session.toString()).stream()
        .filter(c -> dump.isWithin(c, dump.only("host").get()))
        .toList();
    Set<String> roles = new TreeSet<>();
    for (ThreadDump.Container tree : found) {
      for (String name : dump.threadsWithin(tree)) {
        String prefix = session + " ";
        if (name.startsWith(prefix)) {
          String role = name.substring(prefix.length());
          roles.add(role.startsWith("pty-") ? role.split(" ")[0] : role);
        }
      }
    }
    return roles;
  }

  private static ThreadDump dump() {
    try {
      return ThreadDump.ofThisJvm();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
