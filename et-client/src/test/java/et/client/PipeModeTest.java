package et.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.testing.ClientJvm;
import et.client.testing.FakeSsh;
import et.client.testing.InProcessHost;
import et.core.Channel;
import et.core.SessionEnd;
import et.terminal.BootstrapRequest;
import et.terminal.TerminalChannels;
import et.testkit.TestSeed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The et client as a real process (a child JVM running et.client.Main) in pipe mode: stdin is a
 * pipe, so et opens the stdin, stdout and stderr channels; the test plays ssh (a fake script) and the
 * session host (an in-process EternalServer) and checks every byte and the exit status.
 */
class PipeModeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void bytesGoThroughBothWaysExactlyAndEtExitsWithTheRemoteStatus() throws Exception {
    Random random = new Random(TestSeed.forTest("PipeModeTest"));
    byte[] input = bytes(random, 256 * 1024 + 17);
    byte[] output = bytes(random, 200 * 1024 + 3);
    byte[] errors = concat("remote trouble: \u00e9\n".getBytes(StandardCharsets.UTF_8), bytes(random, 301));

    try (InProcessHost host = InProcessHost.start()) {
      FakeSsh fake = FakeSsh.in(dir);
      Path ssh = fake.answering(host.session().credentials(), host.port());
      Process client = new ProcessBuilder(ClientJvm.command("--ssh", ssh.toString(), "-c", "cat; echo done", "127.0.0.1"))
          .directory(dir.toFile())
          .start();
      try {
        CompletableFuture<byte[]> clientOut = drain(client.getInputStream());
        CompletableFuture<byte[]> clientErr = drain(client.getErrorStream());
        CompletableFuture.runAsync(() -> writeAndClose(client.getOutputStream(), input));

        Channel stdin = host.channel(TerminalChannels.STDIN, DEADLINE);
        Channel stdout = host.channel(TerminalChannels.STDOUT, DEADLINE);
        Channel stderr = host.channel(TerminalChannels.STDERR, DEADLINE);
        CompletableFuture<byte[]> received = drain(stdin.input());
        stdout.output().write(output);
        stdout.shutdownOutput();
        stderr.output().write(errors);
        stderr.shutdownOutput();
        assertArrayEquals(input, received.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
            "et's stdin, up to its end, on the stdin channel");

        host.session().close(42, "command exited");
        assertTrue(client.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "et did not exit");
        byte[] err = clientErr.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertArrayEquals(errors, err, () -> "et's stderr: " + new String(err, StandardCharsets.UTF_8));
        assertArrayEquals(output, clientOut.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), "et's stdout");
        assertEquals(42, client.exitValue());
        assertTrue(host.session().awaitEnd(DEADLINE));
        assertEquals(SessionEnd.Cause.CLOSED_LOCALLY, host.session().end().cause());

        BootstrapRequest request = BootstrapRequest.parse(fake.request());
        assertEquals(Optional.of("cat; echo done"), request.command());
        assertEquals("eof", fake.stdinAfterRequest());
        assertEquals(List.of("-G", "127.0.0.1"), fake.configQueryArgv(), "where ssh's configuration leads the host");
      } finally {
        client.destroyForcibly();
      }
    }
  }

  private static byte[] bytes(Random random, int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static void writeAndClose(OutputStream out, byte[] bytes) {
    try (out) {
      out.write(bytes);
    } catch (IOException e) {
      throw new RuntimeException("writing et's stdin failed", e);
    }
  }

  /** Reads {@code in} to its end on a virtual thread. */
  private static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> all = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        all.complete(in.readAllBytes());
      } catch (IOException e) {
        all.completeExceptionally(e);
      }
    });
    return all;
  }
}
