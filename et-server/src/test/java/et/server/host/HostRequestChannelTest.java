package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.Session;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.BoundedLine;
import et.terminal.ListRequest;
import et.terminal.ListedSession;
import et.terminal.TerminalChannels;
import et.testkit.CapturedOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host requests over a session's {@code host-request} channels (session sharing): a real session
 * host, asked first over its unix socket, then over the channels of a real et.core client session
 * connected with the credentials it gave; the same answers as over the socket, at most four
 * requests of one session at a time, and the session goes on whatever a request did.
 */
class HostRequestChannelTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path base;

  private static BootstrapRequest request(Optional<String> command, boolean noProgram) {
    return BootstrapRequest.create("xterm", 80, 24, command, false, new LinkedHashMap<>(), noProgram, false);
  }

  /** The three channels of a session in pipe mode, its stdout captured. */
  private record Pipes(Channel stdin, CapturedOutput stdout) {
    static Pipes open(Session client) throws IOException {
      Channel stdin = client.openChannel(TerminalChannels.STDIN);
      Channel stdout = client.openChannel(TerminalChannels.STDOUT);
      client.openChannel(TerminalChannels.STDERR);
      return new Pipes(stdin, new CapturedOutput().readFrom(stdout.input(), "test-read stdout"));
    }

    /** Writes {@code text} and ends the program's stdin; returns everything it printed. */
    String feed(String text) throws IOException, InterruptedException {
      stdin.output().write(text.getBytes(StandardCharsets.US_ASCII));
      stdin.shutdownOutput();
      return stdout.awaitEnd(TIMEOUT);
    }
  }

  /** Sends {@code line} on {@code channel}; the reply line, or empty when the host closed it without one. */
  private static Optional<String> ask(Channel channel, String line) throws IOException {
    channel.output().write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
    return replyOn(channel);
  }

  private static Optional<String> replyOn(Channel channel) throws IOException {
    String reply = new String(channel.input().readAllBytes(), StandardCharsets.US_ASCII);
    if (reply.isEmpty()) {
      return Optional.empty();
    }
    assertTrue(reply.endsWith("\n") && reply.indexOf('\n') == reply.length() - 1, "one line: " + reply);
    return Optional.of(reply.substring(0, reply.length() - 1));
  }

  private static BootstrapReply askOver(Session client, String line) throws Exception {
    String reply = ask(client.openChannel(TerminalChannels.HOST_REQUEST), line)
        .orElseThrow(() -> new AssertionError("no reply over the session"));
    return BootstrapReply.parse(reply);
  }

  private static List<String> listedIds(Session client) throws Exception {
    BootstrapReply.Sessions sessions = assertInstanceOf(BootstrapReply.Sessions.class, askOver(client, ListRequest.create().toLine()));
    return sessions.listed().stream().map(ListedSession::id).toList();
  }

  @Test
  void aSessionAskedForOverASessionLetsASecondClientInAndTheFirstGoesOn() throws Exception {
    try (HostFixture fixture = HostFixture.start(base);
        Session first = fixture.connect(fixture.requestSession(request(Optional.of("tr a-z A-Z"), false).toLine()))) {
      Pipes firstPipes = Pipes.open(first);

      BootstrapRequest asked = request(Optional.of("echo second; exit 5"), false);
      BootstrapReply.Session reply = assertInstanceOf(BootstrapReply.Session.class, askOver(first, asked.toLine()));
      assertEquals(asked.nonce(), reply.nonce());
      assertEquals(fixture.host.port(), reply.port());
      assertEquals(2, fixture.host.sessionCount());

      try (Session second = fixture.connect(reply)) {
        assertEquals("second\n", Pipes.open(second).feed(""));
        assertTrue(second.awaitEnd(TIMEOUT));
        assertEquals(5, second.end().exitStatus());
      }

      assertEquals("HELLO\n", firstPipes.feed("hello\n"), "the first session still runs its program");
      assertTrue(first.awaitEnd(TIMEOUT));
      assertEquals(0, first.end().exitStatus());
    }
  }

  @Test
  void aListOverASessionListsBothSessions() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapReply.Session firstReply = fixture.requestSession(request(Optional.empty(), true).toLine());
      try (Session first = fixture.connect(firstReply)) {
        BootstrapReply.Session secondReply =
            assertInstanceOf(BootstrapReply.Session.class, askOver(first, request(Optional.empty(), true).toLine()));

        assertEquals(
            List.of(firstReply.credentials().id().toString(), secondReply.credentials().id().toString()), listedIds(first));
      }
    }
  }

  @Test
  void brokenAndOverlongLinesAreRefusedAndTheSessionGoesOn() throws Exception {
    try (HostFixture fixture = HostFixture.start(base);
        Session client = fixture.connect(fixture.requestSession(request(Optional.of("tr a-z A-Z"), false).toLine()))) {
      Pipes pipes = Pipes.open(client);

      BootstrapNonce nonce = BootstrapNonce.random();
      BootstrapReply.Error error = assertInstanceOf(
          BootstrapReply.Error.class, askOver(client, "ET1 REQUEST nonce=" + nonce + " term=xterm cols=0 rows=24"));
      assertEquals(nonce, error.nonce());
      assertTrue(error.reason().contains("cols must be in 1..10000"), error.reason());

      // With its nonce in front: read whole, it would get an error reply.
      String overlongLine = ListRequest.create().toLine() + " pad=" + "x".repeat(BoundedLine.MAX_BYTES);
      Channel overlong = client.openChannel(TerminalChannels.HOST_REQUEST);
      assertEquals(Optional.empty(), ask(overlong, overlongLine), "a line over the cap");
      Channel garbage = client.openChannel(TerminalChannels.HOST_REQUEST);
      assertEquals(Optional.empty(), ask(garbage, "hello, is anybody there?"), "a line without a nonce");

      assertEquals(List.of(client.id().toString()), listedIds(client), "another request of the session is answered");
      assertNull(client.end());
      assertEquals("GOES ON\n", pipes.feed("goes on\n"), "the session's program still runs");
    }
  }

  @Test
  void atMostFourRequestsOfASessionAreServedAtATime() throws Exception {
    try (HostFixture fixture = HostFixture.start(base);
        Session client = fixture.connect(fixture.requestSession(request(Optional.empty(), true).toLine()))) {
      List<Channel> silent = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        silent.add(client.openChannel(TerminalChannels.HOST_REQUEST));
      }

      Channel fifth = client.openChannel(TerminalChannels.HOST_REQUEST);
      assertEquals(Optional.empty(), askOrNothing(fifth, ListRequest.create().toLine()), "a fifth is closed unanswered");

      for (Channel channel : silent) {
        channel.shutdownOutput(); // no line: the host closes it without a reply
        assertEquals(Optional.empty(), replyOn(channel));
      }
      assertEquals(List.of(client.id().toString()), listedIds(client), "with those gone, a new one is answered");
    }
  }

  /** As {@link #ask}, where the host may have closed the channel before the line is written. */
  private static Optional<String> askOrNothing(Channel channel, String line) throws IOException {
    try {
      channel.output().write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
    } catch (IOException closedByHost) {
      // the reply below is empty then
    }
    return replyOn(channel);
  }
}
