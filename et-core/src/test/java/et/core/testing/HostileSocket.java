package et.core.testing;

import et.core.wire.Frame;
import et.core.wire.FrameReader;
import java.nio.channels.Channels;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A raw TCP connection that speaks whatever bytes a test tells it to, for attacking a server. It
 * knows how the server names it in its logs ({@link #logName()}) and can wait for the server to
 * close it. One thread may write while another reads.
 */
public final class HostileSocket implements AutoCloseable {
  private final Socket socket;
  private final long openedNanos;

  private HostileSocket(Socket socket) {
    this.socket = socket;
    this.openedNanos = System.nanoTime();
  }

  /** Connects to {@code server}. */
  public static HostileSocket open(InetSocketAddress server) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(server, 5_000);
      return new HostileSocket(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** "/127.0.0.1:54321 ": how the server's log lines name this connection (with the space after). */
  public String logName() {
    return socket.getLocalSocketAddress().toString().replaceFirst("^[^/]*", "") + " ";
  }

  public void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Sends, reporting instead of throwing when the server has already dropped the connection. */
  public boolean trySend(byte[] bytes) {
    try {
      send(bytes);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Half-closes: the server reads end-of-stream, we can still read its answer. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Reads one whole frame from the server, waiting at most {@code timeout}. */
  public Frame readFrame(Duration timeout) throws IOException {
    socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
    return new FrameReader(Channels.newChannel(socket.getInputStream())).read();
  }

  /** How the server ended the connection. */
  public record Closure(boolean reset, Duration sinceOpen, long bytesBeforeClose) {}

  /**
   * Reads (and discards) until the server closes the connection: end-of-stream or a reset. Fails
   * if it is still open after {@code within}.
   */
  public Closure awaitClosedByServer(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    long bytes = 0;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(connectionName() + " still open after " + within.toMillis() + " ms");
      }
      socket.setSoTimeout(Math.toIntExact(Math.max(1, Duration.ofNanos(left).toMillis())));
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        continue; // the loop's deadline check reports it
      } catch (SocketException e) {
        return new Closure(true, sinceOpen(), bytes); // connection reset by the server
      }
      if (n < 0) {
        return new Closure(false, sinceOpen(), bytes);
      }
      bytes += n;
    }
  }

  /** Time since this connection was opened. */
  public Duration sinceOpen() {
    return Duration.ofNanos(System.nanoTime() - openedNanos);
  }

  private String connectionName() {
    return "connection " + socket.getLocalSocketAddress();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // dropping it either way
    }
  }
}
