package et.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import et.core.Channel;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.core.SessionState;
import et.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A healthy session kept busy for a whole test: the client writes a numbered line every few
 * milliseconds on one channel, the server echoes it back, and the client checks that every line
 * comes back once, in order. It records anything that would show the session was disturbed: a
 * wrong or missing line, a second dial by the client (a reconnect), or either end seen in a state
 * other than CONNECTED.
 *
 * <p>Threads (virtual): the client's line writer, the client's echo reader, the server's echo pump
 * and a state sampler. {@link #finishAndVerify} stops the writer and waits for the last echo.
 */
public final class EchoSession implements AutoCloseable {
  private static final Duration PACE = Duration.ofMillis(5);
  private static final long MAX_LINES = 1_000_000;
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(2);
  private static final int MAX_SAMPLES = 600_000;

  private final Session serverSide;
  private final Session clientSide;
  private final AtomicInteger dials;
  private final Channel clientChannel;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong echoed = new AtomicLong();
  private final AtomicReference<String> fault = new AtomicReference<>();
  private volatile boolean stopWriting;
  private volatile boolean stopSampling;
  private final Thread writer;
  private final Thread reader;
  private final Thread pump;
  private final Thread sampler;

  private EchoSession(
      Session serverSide, Session clientSide, AtomicInteger dials, Channel clientChannel, Channel serverChannel) {
    this.serverSide = serverSide;
    this.clientSide = clientSide;
    this.dials = dials;
    this.clientChannel = clientChannel;
    this.writer = Thread.ofVirtual().name("echo writer").start(this::writeLines);
    this.reader = Thread.ofVirtual().name("echo reader").start(this::readEchoes);
    this.pump = Thread.ofVirtual().name("echo pump").start(() -> pump(serverChannel));
    this.sampler = Thread.ofVirtual().name("echo state sampler").start(this::sampleStates);
  }

  /**
   * Makes a session on {@code server}, connects its client by dialing {@code dialAddress} (the
   * server, or a proxy in front of it), and starts the echo.
   */
  public static EchoSession start(
      EternalServer server, InetSocketAddress dialAddress, SessionOptions options)
      throws IOException, InterruptedException {
    Session serverSide = server.newSession();
    AtomicInteger dials = new AtomicInteger();
    Session clientSide =
        EternalClient.connect(
            () -> {
              dials.incrementAndGet();
              return dialAddress;
            },
            serverSide.credentials(),
            options);
    Channel clientChannel = clientSide.openChannel("echo");
    Channel serverChannel = serverSide.acceptChannel(Duration.ofSeconds(5));
    if (serverChannel == null) {
      throw new AssertionError("the server never saw the echo channel");
    }
    return new EchoSession(serverSide, clientSide, dials, clientChannel, serverChannel);
  }

  public Session serverSide() {
    return serverSide;
  }

  public Session clientSide() {
    return clientSide;
  }

  /** Lines that came back so far. */
  public long echoed() {
    return echoed.get();
  }

  /**
   * Asserts the session was not disturbed so far and that the echo still flows: at least
   * {@code lines} more lines come back within {@code timeout}.
   */
  public void assertUndisturbedAndFlowing(int lines, Duration timeout) {
    assertNoFault();
    long target = echoed.get() + lines;
    Await.until(
        lines + " more echoed lines", timeout, () -> echoed.get() >= target || fault.get() != null,
        () -> "(echoed " + echoed.get() + ", sent " + sent.get() + ")");
    assertNoFault();
  }

  /** Stops writing, waits for every line to come back, and checks none was lost or disturbed. */
  public void finishAndVerify(Duration timeout) throws InterruptedException {
    stopWriting = true;
    join(writer, timeout);
    join(reader, timeout);
    stopSampling = true;
    join(sampler, timeout);
    assertNoFault();
    assertEquals(sent.get(), echoed.get(), "lines sent vs. lines echoed back");
  }

  private void assertNoFault() {
    String seen = fault.get();
    if (seen != null) {
      throw new AssertionError("healthy session disturbed: " + seen);
    }
    if (dials.get() != 1) {
      throw new AssertionError("healthy client dialed " + dials.get() + " times: it reconnected");
    }
  }

  private static void join(Thread thread, Duration timeout) throws InterruptedException {
    if (!thread.join(timeout)) {
      throw new AssertionError(thread.getName() + " still running after " + timeout.toMillis() + " ms");
    }
  }

  private void writeLines() {
    try {
      OutputStream out = clientChannel.output();
      for (long n = 0; n < MAX_LINES && !stopWriting; n++) {
        out.write((n + "\n").getBytes(StandardCharsets.US_ASCII));
        sent.set(n + 1);
        Thread.sleep(PACE); // the pace of the traffic, not a wait for anything
      }
      clientChannel.shutdownOutput();
    } catch (IOException | InterruptedException e) {
      fault.compareAndSet(null, "echo writer failed after " + sent.get() + " lines: " + e);
    }
  }

  private void readEchoes() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(clientChannel.input(), StandardCharsets.US_ASCII))) {
      long expected = 0;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.equals(Long.toString(expected))) {
          fault.compareAndSet(null, "expected echo line " + expected + ", got '" + line + "'");
          return;
        }
        expected++;
        echoed.set(expected);
      }
    } catch (IOException e) {
      fault.compareAndSet(null, "echo reader failed after " + echoed.get() + " lines: " + e);
    }
  }

  private void pump(Channel channel) {
    try {
      channel.input().transferTo(channel.output());
      channel.shutdownOutput();
    } catch (IOException e) {
      fault.compareAndSet(null, "server echo pump failed: " + e);
    }
  }

  private void sampleStates() {
    for (int i = 0; i < MAX_SAMPLES && !stopSampling; i++) {
      SessionState server = serverSide.state();
      SessionState client = clientSide.state();
      if (server != SessionState.CONNECTED || client != SessionState.CONNECTED) {
        fault.compareAndSet(null, "state sampled as server " + server + ", client " + client);
        return;
      }
      try {
        Thread.sleep(SAMPLE_EVERY);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Closes the session in order (the client asks, the server acknowledges). */
  @Override
  public void close() {
    stopWriting = true;
    stopSampling = true;
    clientSide.close();
    try {
      serverSide.awaitEnd(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
