package et.server.pty;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Reads and writes the master side of a PTY with plain {@code poll(2)}, {@code read(2)} and {@code
 * write(2)} instead of pty4j's streams, which marshal a JNA structure array for a poll before every
 * read: a key's write and its echo's read take a fraction of the time this way
 * (docs/BENCHMARKS.md).
 *
 * <p>The master is non-blocking, so {@link #offer} can type without waiting; {@link #read} and
 * {@link #write} wait in {@code poll(2)} on the master and on a wake pipe, so {@link #shutDown}
 * ends them. The master's descriptor belongs to pty4j, which closes it with the process: {@link
 * #shutDown} returns only once no read or write is inside a system call and none can start, so a
 * closed and reused descriptor number never gets bytes meant for the terminal. Threads: any number
 * of readers and writers; each call blocks its (platform) thread.
 */
final class PtyMaster {
  private static final int EINTR = 4;
  private static final int EIO = 5;
  private static final int EAGAIN = 11;
  private static final short POLLIN = 0x1;
  private static final short POLLOUT = 0x4;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_NONBLOCK = 04000;
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;

  /**
   * libc's calls through JNA's direct mapping, which pty4j has loaded by the time a terminal
   * starts. Binding them is less interpreted work than linking FFM downcall handles in a new host,
   * where the first session's shell waits for it; each call copies its array arguments in and out,
   * and the echo pays a little for it (docs/BENCHMARKS.md, both measured). errno comes from {@link
   * Native#getLastError()}, which JNA keeps per thread after each call.
   */
  private static final class Calls {
    static {
      Native.register(Calls.class, NativeLibrary.getInstance("c"));
    }

    static native long read(int fd, byte[] buffer, long count);

    static native long write(int fd, byte[] buffer, long count);

    /**
     * {@code fds} holds struct pollfd's as pairs of ints: the descriptor, then {@code events} in the
     * low 16 bits and {@code revents} in the high 16 (shorts in that order, little-endian).
     */
    static native int poll(int[] fds, long count, int timeout);

    static native int pipe2(int[] fds, int flags);

    /** fcntl(fd, cmd, int), for F_GETFL (which ignores the int) and F_SETFL. */
    static native int fcntl(int fd, int command, int argument);

    static native int close(int fd);
  }

  private final int master;
  private final int wakeRead;
  private final int wakeWrite;
  /** Read side: a system call on the master in progress; write side: shut down. */
  private final ReentrantReadWriteLock inCall = new ReentrantReadWriteLock();
  private volatile boolean shutDown;

  PtyMaster(int master) throws IOException {
    this.master = master;
    int[] fds = new int[2];
    if (Calls.pipe2(fds, O_CLOEXEC) != 0) {
      throw new IOException("pipe2 failed: errno " + Native.getLastError());
    }
    this.wakeRead = fds[0];
    this.wakeWrite = fds[1];
    int flags = Calls.fcntl(master, F_GETFL, 0);
    if (flags < 0 || Calls.fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0) {
      Calls.close(wakeRead);
      Calls.close(wakeWrite);
      throw new IOException("cannot make the terminal non-blocking");
    }
  }

  /**
   * Reads what the terminal's programs wrote, blocking until some is there; -1 at the end: no
   * program holds the terminal any more ({@code EIO}), or {@link #shutDown} was called.
   */
  int read(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (!inCall.readLock().tryLock() || shutDown) {
      unlockIfHeld();
      return -1;
    }
    try {
      byte[] bytes = offset == 0 ? buffer : new byte[length];
      while (true) {
        if (!await(POLLIN)) {
          return -1;
        }
        long n = Calls.read(master, bytes, length);
        if (n > 0) {
          if (bytes != buffer) {
            System.arraycopy(bytes, 0, buffer, offset, (int) n);
          }
          return (int) n;
        }
        int errno = Native.getLastError();
        if (n == 0 || errno == EIO) {
          return -1;
        }
        if (errno != EINTR && errno != EAGAIN) {
          throw new IOException("read from the terminal failed: errno " + errno);
        }
      }
    } finally {
      inCall.readLock().unlock();
    }
  }

  /**
   * Waits in poll(2) until the master is ready for {@code events} (true) or the wake pipe says stop
   * (false).
   */
  private boolean await(short events) throws IOException {
    int[] polled = new int[4];
    while (true) {
      polled[0] = master;
      polled[1] = events;
      polled[2] = wakeRead;
      polled[3] = POLLIN;
      int ready = Calls.poll(polled, 2, -1);
      if (ready < 0) {
        int errno = Native.getLastError();
        if (errno == EINTR) {
          continue;
        }
        throw new IOException("poll on the terminal failed: errno " + errno);
      }
      if (shutDown || polled[3] >>> 16 != 0) {
        return false;
      }
      if (polled[1] >>> 16 != 0) {
        return true; // ready, hung up or in error: read(2) or write(2) says which
      }
    }
  }

  /**
   * Writes all of the bytes, as if typed; blocks while the terminal's input is full, until {@link
   * #shutDown} (then it throws).
   */
  void write(byte[] bytes, int offset, int length) throws IOException {
    type(bytes, offset, length, true);
  }

  /**
   * Writes as many of the bytes as the terminal takes now, without waiting; returns how many (0
   * while its input is full).
   */
  int offer(byte[] bytes, int offset, int length) throws IOException {
    return type(bytes, offset, length, false);
  }

  /** Writes the bytes until they are all in, or, unless {@code wait}, the terminal is full. */
  private int type(byte[] bytes, int offset, int length, boolean wait) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (!inCall.readLock().tryLock() || shutDown) {
      unlockIfHeld();
      throw new IOException("terminal closed");
    }
    try {
      int done = 0;
      while (done < length) {
        byte[] outgoing = offset + done == 0 ? bytes : Arrays.copyOfRange(bytes, offset + done, offset + length);
        int n = writeOnce(outgoing, length - done);
        done += n;
        if (n == 0) {
          if (!wait) {
            break; // full: the rest is the caller's
          }
          if (!await(POLLOUT)) {
            throw new IOException("terminal closed");
          }
        }
      }
      return done;
    } finally {
      inCall.readLock().unlock();
    }
  }

  /**
   * Ends reads (they return -1) and blocked writes (they throw), refuses new reads and writes, then
   * waits up to {@code patience} for calls in progress to leave their system call. Returns true
   * once none is in a call: the master may then be closed. False if one still is: the caller must
   * then leave the descriptor open.
   */
  boolean shutDown(Duration patience) throws InterruptedException {
    shutDown = true;
    wake();
    if (!inCall.writeLock().tryLock(patience.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    Calls.close(wakeRead);
    Calls.close(wakeWrite);
    return true; // the write lock stays held: no call ever starts again
  }

  /** One write(2): the bytes written, 0 if the terminal takes none now (or a signal came first). */
  private int writeOnce(byte[] outgoing, int length) throws IOException {
    long n = Calls.write(master, outgoing, length);
    if (n >= 0) {
      return (int) n;
    }
    int errno = Native.getLastError();
    if (errno == EAGAIN || errno == EINTR) {
      return 0;
    }
    throw new IOException("write to the terminal failed: errno " + errno);
  }

  private void wake() {
    long ignored = Calls.write(wakeWrite, new byte[1], 1);
  }

  private void unlockIfHeld() {
    if (inCall.getReadHoldCount() > 0) {
      inCall.readLock().unlock();
    }
  }
}
