package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.cli.ClientOptions;
import et.client.cli.HostAction;
import et.client.cli.LogSettings;
import et.client.cli.Route;
import et.client.testing.InProcessHost;
import et.core.Channel;
import et.core.EternalClient;
import et.core.Session;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import et.core.SessionState;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.BoundedLine;
import et.terminal.KillRequest;
import et.terminal.ListRequest;
import et.terminal.PrivateDirectory;
import et.terminal.TerminalChannels;
import et.testkit.Await;
import et.testkit.FaultRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShareServer} on a real session over loopback, the test playing the session host, and
 * {@link SharedHost} as the later et that asks through it: what passes, what is refused without
 * reaching the host, and the share socket's life (private directory, one server per socket, a dead
 * et's socket replaced, removed when the session ends).
 */
class SessionSharingTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path base;
  private InProcessHost host;
  private Session client;
  private Path socket;
  private final List<String> notes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void connect() throws IOException {
    host = InProcessHost.start();
    client = EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), host.port()), host.session().credentials(), SessionOptions.defaults());
    socket = base.resolve("run").resolve("et").resolve("share").resolve("0123456789abcdef.sock");
  }

  @AfterEach
  void close() {
    client.close();
    host.close();
  }

  private static BootstrapRequest newSession() {
    return BootstrapRequest.create("xterm", 80, 24, Optional.of("true"), false, new LinkedHashMap<>(), false, false);
  }

  /** Answers the next host-request channel with the answer {@code answerFor} gives to its line; returns the line. */
  private CompletableFuture<String> hostAnswers(Function<String, String> answerFor) {
    return hostAnswers(host.session(), answerFor);
  }

  /** As {@link #hostAnswers(Function)}, on {@code hostSide}, a session of another host. */
  private static CompletableFuture<String> hostAnswers(Session hostSide, Function<String, String> answerFor) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Channel channel = hostSide.acceptChannel(DEADLINE);
        assertEquals(TerminalChannels.HOST_REQUEST, channel.label());
        String line = BoundedLine.read(channel.input(), BoundedLine.MAX_BYTES);
        channel.output().write((answerFor.apply(line) + "\n").getBytes(StandardCharsets.US_ASCII));
        channel.close();
        return line;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void aNewSessionRequestReachesTheHostAsSentAndItsAnswerComesBack() throws Exception {
    ShareServer.start(client, socket, notes::add);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    BootstrapRequest request = newSession();
    SessionCredentials made = host.session().credentials(); // any well-formed credentials do
    CompletableFuture<String> asked = hostAnswers(line -> new BootstrapReply.Session(request.nonce(), made, 2022).toLine());

    BootstrapReply.Session reply = SharedHost.connect(socket, notes::add).orElseThrow().answer(request, BootstrapReply.Session.class);

    assertEquals(request.toLine(), asked.get());
    assertEquals(made.id(), reply.credentials().id());
    assertEquals(2022, reply.port());
  }

  @Test
  void anErrorAnswerOrNoneIsUnavailableSoTheAskerFallsBackToSsh() throws Exception {
    ShareServer.start(client, socket, notes::add);
    ListRequest list = ListRequest.create();
    hostAnswers(line -> new BootstrapReply.Error(list.nonce(), "the session host is exiting; try again").toLine());
    SharedHost.Unavailable refused = assertThrows(SharedHost.Unavailable.class,
        () -> SharedHost.connect(socket, notes::add).orElseThrow().answer(list, BootstrapReply.Sessions.class));
    assertTrue(refused.getMessage().contains("exiting"), refused.getMessage());
  }

  @Test
  void aHostThatDoesNotAnswerLeavesTheAskerToSshWithinItsDeadline() throws Exception {
    ShareServer.start(client, socket, notes::add);
    ListRequest list = ListRequest.create();
    SharedHost asker = SharedHost.connect(socket, notes::add).orElseThrow();
    long start = System.nanoTime();
    SharedHost.Unavailable late = assertThrows(SharedHost.Unavailable.class, () -> asker.answer(list, BootstrapReply.Sessions.class));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(late.getMessage().contains("no answer within"), late.getMessage());
    assertTrue(waited.compareTo(SharedHost.ANSWER_DEADLINE) >= 0 && waited.compareTo(DEADLINE) < 0, "waited " + waited);
    assertEquals(TerminalChannels.HOST_REQUEST, host.session().acceptChannel(DEADLINE).label(), "the request reached the host");
  }

  /**
   * An et whose connection is down (its host restarted, say) would pass a request on to be heard
   * after a reconnection, if ever: it answers nothing at once, so the asker logs in with ssh
   * instead of waiting out its deadline.
   */
  @Test
  void aDisconnectedSessionLeavesTheAskerToSshAtOnceWithoutAskingItsHost() throws Exception {
    try (InProcessHost other = InProcessHost.start();
        FaultRelay relay = new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), other.port()))) {
      Session relayed = EternalClient.connect(relay.address(), other.session().credentials(), SessionOptions.defaults());
      try {
        ShareServer.start(relayed, socket, notes::add);
        relay.close();
        Await.until("the session to lose its connection", DEADLINE, () -> relayed.state() == SessionState.DISCONNECTED);

        SharedHost.Unavailable unanswered = assertThrows(SharedHost.Unavailable.class,
            () -> SharedHost.connect(socket, notes::add).orElseThrow().answer(ListRequest.create(), BootstrapReply.Sessions.class));
        assertEquals("no answer", unanswered.getMessage(), "not a deadline's end");
        assertNull(other.session().acceptChannel(Duration.ZERO), "a request reached the host");
      } finally {
        relayed.terminate("test over");
      }
    }
  }

  @Test
  void requestsThatEndSessionsAreClosedWithoutReachingTheHost() throws Exception {
    ShareServer.start(client, socket, notes::add);
    for (String line : List.of(KillRequest.create("abcd").toLine(), newSession().withKillOthers().toLine(), "ET1 NONSENSE x")) {
      try (SocketChannel asker = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        asker.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(-1, asker.read(ByteBuffer.allocate(64)), "an answer to " + line);
      }
    }
    assertNull(host.session().acceptChannel(Duration.ZERO), "a refused request reached the host");
    // The server goes on.
    ListRequest list = ListRequest.create();
    hostAnswers(line -> BootstrapReply.Sessions.fitting(list.nonce(), 0, List.of()).toLine());
    assertEquals(0, SharedHost.connect(socket, notes::add).orElseThrow().answer(list, BootstrapReply.Sessions.class).total());
  }

  @Test
  void aSecondServerLeavesALiveOneItsSocketButReplacesADeadOnesAndBothGoWithTheSession() throws Exception {
    ShareServer.start(client, socket, notes::add);
    Object first = Files.getAttribute(socket, "unix:ino");
    ShareServer.start(client, socket, notes::add);
    assertEquals(first, Files.getAttribute(socket, "unix:ino"));
    assertTrue(notes.stream().anyMatch(note -> note.contains("another et offers its session")), notes.toString());

    Path deadOnes = socket.resolveSibling("fedcba9876543210.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(deadOnes)); // an et that died leaves its file; nobody accepts
    }
    assertTrue(Files.exists(deadOnes));
    ShareServer.start(client, deadOnes, notes::add);
    ListRequest list = ListRequest.create();
    hostAnswers(line -> BootstrapReply.Sessions.fitting(list.nonce(), 0, List.of()).toLine());
    assertEquals(0, SharedHost.connect(deadOnes, notes::add).orElseThrow().answer(list, BootstrapReply.Sessions.class).total());

    client.close();
    Await.until("the ended session's sockets to go", DEADLINE,
        () -> !Files.exists(socket) && !Files.exists(deadOnes), () -> "still there");
  }

  @Test
  void whenTheOfferingSessionEndsAnotherEtsSessionIsOfferedInItsPlace() throws Exception {
    try (InProcessHost other = InProcessHost.start();
        Session second = EternalClient.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), other.port()), other.session().credentials(), SessionOptions.defaults())) {
      ShareServer.start(client, socket, notes::add);
      ShareServer.start(second, socket, notes::add);
      assertTrue(notes.getLast().contains("this one will once that one is gone"), notes.toString());

      client.close();
      Await.until("the second session to be offered", DEADLINE,
          () -> notes.stream().filter(note -> note.startsWith("offering")).count() == 2, notes::toString);
      ListRequest list = ListRequest.create();
      CompletableFuture<String> asked = hostAnswers(other.session(), line -> BootstrapReply.Sessions.fitting(list.nonce(), 0, List.of()).toLine());
      assertEquals(0, SharedHost.connect(socket, notes::add).orElseThrow().answer(list, BootstrapReply.Sessions.class).total());
      assertEquals(list.toLine(), asked.get(), "the request went to the second session's host");
    }
  }

  @Test
  void noSocketMeansSshQuietlyAndADirectoryOpenToOthersIsNeitherServedNorUsed() throws Exception {
    assertTrue(SharedHost.connect(socket, notes::add).isEmpty());
    assertEquals(List.of(), notes);

    Files.createDirectories(socket.getParent());
    Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    ShareServer.start(client, socket, notes::add);
    assertFalse(Files.exists(socket));
    assertTrue(notes.getLast().contains("open to others"), notes.toString());

    try (ServerSocketChannel planted = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      planted.bind(UnixDomainSocketAddress.of(socket));
      assertTrue(SharedHost.connect(socket, notes::add).isEmpty());
      assertTrue(notes.getLast().contains("open to others"), notes.toString());
    }
  }

  @Test
  void theSocketsDirectoryFollowsXdgRuntimeDirElseHome() {
    assertEquals(Path.of("/run/user/1000/et/share"), SessionSharing.directory(Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "HOME", "/home/a")));
    assertEquals(Path.of("/home/a/.et/share"), SessionSharing.directory(Map.of("XDG_RUNTIME_DIR", "relative", "HOME", "/home/a")));
    assertEquals(Path.of("/home/a/.et/share"), SessionSharing.directory(Map.of("HOME", "/home/a")));
  }

  @Test
  void aSocketPathTooLongForTheKernelGoesToAPrivateDirectoryInTmp() throws Exception {
    ClientOptions options = new ClientOptions(Optional.empty(), "127.0.0.1", OptionalInt.empty(), Optional.empty(), false,
        List.of("ssh"), List.of(), "etterminal", Duration.ofSeconds(1), Duration.ofMinutes(10), LogSettings.QUIET,
        List.of(), List.of(), List.of(), false, false, Route.DIRECT, true, new HostAction.NewSession(false));
    Path shallow = SessionSharing.socket(options, Map.of("HOME", "/home/a")).orElseThrow();
    assertEquals(Path.of("/home/a/.et/share"), shallow.getParent());
    String deepHome = "/home/" + "d".repeat(80);
    Path deep = SessionSharing.socket(options, Map.of("HOME", deepHome)).orElseThrow();
    assertEquals(Path.of("/tmp/et-share-" + PrivateDirectory.currentUid()), deep.getParent());
    assertEquals(shallow.getFileName(), deep.getFileName());
    assertTrue(SessionSharing.fits(deep));
    assertFalse(SessionSharing.fits(Path.of(deepHome, ".et", "share").resolve(shallow.getFileName())));
  }
}
