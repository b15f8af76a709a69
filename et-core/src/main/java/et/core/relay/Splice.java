package et.core.relay;

import et.core.task.TaskGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tinylog.Logger;

/**
 * Copies bytes both ways between a relay's two sockets, blindly: they are sealed frames it can
 * neither read nor alter undetected. Stateless: when either side ends (closed, reset, failed), both
 * sockets close, so a cut on either hop ends the whole relayed path and the client redials it.
 *
 * <p>Tasks: "relay PEER up" (client to destination) and "relay PEER down", each with its own
 * buffer; {@link #close()} may be called from anywhere, any number of times.
 */
final class Splice implements AutoCloseable {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final SocketChannel client;
  private final SocketChannel destination;
  private final String name;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Splice(SocketChannel client, SocketChannel destination, String name, Runnable onClose) {
    this.client = client;
    this.destination = destination;
    this.name = name;
    this.onClose = onClose;
  }

  /** Starts copying in {@code tasks}; {@code onClose} runs once, when both sockets have closed. */
  static Splice start(SocketChannel client, SocketChannel destination, String name, TaskGroup tasks, Runnable onClose) {
    Splice splice = new Splice(client, destination, name, onClose);
    boolean up = tasks.tryFork(name + " up", () -> splice.copy(client, destination));
    boolean down = up && tasks.tryFork(name + " down", () -> splice.copy(destination, client));
    if (!down) { // the group is closing
      splice.close();
    }
    return splice;
  }

  private void copy(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      Logger.debug("{}: {}", name, e.getMessage());
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (SocketChannel socket : new SocketChannel[] {client, destination}) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // the path is over either way
      }
    }
    Logger.debug("{} closed", name);
    onClose.run();
  }
}
