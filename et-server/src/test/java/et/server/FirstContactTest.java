package et.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.server.host.HostConfig;
import et.server.host.ServerConf;
import et.server.host.SessionHost;
import et.server.request.HostConnector;
import et.server.request.HostPaths;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frame a session host hands the etterminal launcher for a first contact ({@link FirstContact}),
 * answered through a real session host in this JVM or through none, with stdin and the launcher's
 * pipe in memory. (The launcher's side: {@code FirstContactScriptTest}; both over ssh:
 * et.server.host.EtterminalOverSshTest.)
 */
class FirstContactTest {
  @TempDir Path base;

  /** stdin, recording whether the host let go of it. */
  private static final class Stdin extends ByteArrayInputStream {
    boolean closed;

    Stdin(String line) {
      super(line.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private HostPaths paths() {
    return HostPaths.fromEnvironment(Map.of("HOME", base.resolve("home").toString(), "XDG_RUNTIME_DIR", base.resolve("xdg").toString()));
  }

  private static HostConnector refusingStarts(HostPaths paths) {
    return new HostConnector(paths, () -> {
      throw new IOException("the session host could not start: no room");
    });
  }

  private static String answer(Stdin stdin, HostConnector host) {
    ByteArrayOutputStream launcher = new ByteArrayOutputStream();
    FirstContact.answer(stdin, new PrintStream(launcher, true, StandardCharsets.UTF_8), host);
    return launcher.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSessionFromTheHostComesWithStatusZeroAndStdinIsLetGo() throws Exception {
    BootstrapNonce nonce = BootstrapNonce.random();
    Stdin stdin = new Stdin("ET1 REQUEST nonce=" + nonce + " term=xterm cols=80 rows=24\n");
    HostConfig config = HostConfig.of(paths(), ServerConf.defaults()).withBind(InetAddress.getLoopbackAddress()).withPort(0);

    String frame;
    try (SessionHost host = SessionHost.start(config)) {
      frame = answer(stdin, refusingStarts(paths()));
    }

    String[] lines = frame.split("\n", -1);
    assertEquals(4, lines.length, frame);
    assertEquals("et-first-contact 0", lines[0], frame);
    assertTrue(lines[1].startsWith("ET1 SESSION nonce=" + nonce + " "), frame);
    assertEquals("", lines[2]);
    assertTrue(stdin.closed, "stdin, ssh's, is still held");
  }

  @Test
  void aFailureComesAsTheErrorLineWithStatusOneAndItsReasonOnTheStderrLine() {
    BootstrapNonce nonce = BootstrapNonce.random();
    Stdin stdin = new Stdin("ET1 REQUEST nonce=" + nonce + " term=xterm cols=80 rows=24\n");

    String frame = answer(stdin, refusingStarts(paths()));

    String error = new BootstrapReply.Error(nonce, "the session host could not start: no room").toLine();
    assertEquals("et-first-contact 1\n" + error + "\netterminal: the session host could not start: no room\n", frame);
    assertTrue(stdin.closed, "stdin, ssh's, is still held");
  }
}
