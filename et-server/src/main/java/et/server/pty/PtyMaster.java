package et.server.pty;

import et.server.process.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Reads and writes the master side of a PTY with plain {@code poll(2)}, {@code read(2)} and {@code
 * write(2)} through the FFM API instead of pty4j's streams, which marshal a JNA structure array for
 * a poll before every read: a key's write and its echo's read take a fraction of the time this way
 * (docs/BENCHMARKS.md).
 *
 * <p>The master is non-blocking, so {@link #offer} can type without waiting; {@link #read} and
 * {@link #write} wait in {@code poll(2)} on the master and on a wake pipe, so {@link #shutDown}
 * ends them. The master's descriptor belongs to pty4j, which closes it with the process: {@link
 * #shutDown} returns only once no read or write is inside a system call and none can start, so a
 * closed and reused descriptor number never gets bytes meant for the terminal. Threads: any number
 * of readers and writers; each call blocks its (platform) thread.
 */
@SuppressWarnings("restricted") // native access on purpose, as in Libc
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

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  private static final MethodHandle READ = function(
      "read", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final MethodHandle WRITE = function(
      "write", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final MethodHandle POLL = function(
      "poll", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  private static final MethodHandle PIPE2 = function(
      "pipe2", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  /**
   * fcntl(fd, cmd, int) for both F_GETFL (which ignores the int) and F_SETFL: linking a handle is
   * interpreted work on a new host's first terminal start, one per handle (docs/BENCHMARKS.md).
   */
  private static final MethodHandle FCNTL = LINKER.downcallHandle(
      LINKER.defaultLookup().find("fcntl").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
      Linker.Option.firstVariadicArg(2));
  /** struct pollfd: int fd; short events; short revents. */
  private static final long POLLFD_BYTES = 8;

  private final int master;
  private final int wakeRead;
  private final int wakeWrite;
  /** Read side: a system call on the master in progress; write side: shut down. */
  private final ReentrantReadWriteLock inCall = new ReentrantReadWriteLock();
  private volatile boolean shutDown;

  PtyMaster(int master) throws IOException {
    this.master = master;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
      MemorySegment state = arena.allocate(ERRNO_STATE);
      if ((int) PIPE2.invokeExact(state, fds, O_CLOEXEC) != 0) {
        throw new IOException("pipe2 failed: errno " + errno(state));
      }
      this.wakeRead = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
      this.wakeWrite = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
      int flags = (int) FCNTL.invokeExact(master, F_GETFL, 0);
      if (flags < 0 || (int) FCNTL.invokeExact(master, F_SETFL, flags | O_NONBLOCK) < 0) {
        Libc.close(wakeRead);
        Libc.close(wakeWrite);
        throw new IOException("cannot make the terminal non-blocking");
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("pipe2(2) failed to run", e);
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(ERRNO_STATE);
      MemorySegment polled = arena.allocate(POLLFD_BYTES * 2);
      MemorySegment bytes = arena.allocate(length);
      while (true) {
        if (!await(POLLIN, polled, state)) {
          return -1;
        }
        long n = (long) READ.invokeExact(state, master, bytes, (long) length);
        if (n > 0) {
          MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
          return (int) n;
        }
        int errno = errno(state);
        if (n == 0 || errno == EIO) {
          return -1;
        }
        if (errno != EINTR && errno != EAGAIN) {
          throw new IOException("read from the terminal failed: errno " + errno);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("read(2) failed to run", e);
    } finally {
      inCall.readLock().unlock();
    }
  }

  /**
   * Waits in poll(2) until the master is ready for {@code events} (true) or the wake pipe says stop
   * (false).
   */
  private boolean await(short events, MemorySegment polled, MemorySegment state) throws Throwable {
    while (true) {
      polled.set(ValueLayout.JAVA_INT, 0, master);
      polled.set(ValueLayout.JAVA_SHORT, 4, events);
      polled.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
      polled.set(ValueLayout.JAVA_INT, 8, wakeRead);
      polled.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
      polled.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
      int ready = (int) POLL.invokeExact(state, polled, 2L, -1);
      if (ready < 0) {
        int errno = errno(state);
        if (errno == EINTR) {
          continue;
        }
        throw new IOException("poll on the terminal failed: errno " + errno);
      }
      if (shutDown || polled.get(ValueLayout.JAVA_SHORT, 14) != 0) {
        return false;
      }
      if (polled.get(ValueLayout.JAVA_SHORT, 6) != 0) {
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(ERRNO_STATE);
      MemorySegment polled = arena.allocate(POLLFD_BYTES * 2);
      MemorySegment outgoing = arena.allocate(Math.max(1, length));
      MemorySegment.copy(bytes, offset, outgoing, ValueLayout.JAVA_BYTE, 0, length);
      int done = 0;
      while (done < length) {
        int n = (int) writeOnce(state, outgoing.asSlice(done), length - done);
        done += n;
        if (n == 0) {
          if (!wait) {
            break; // full: the rest is the caller's
          }
          if (!await(POLLOUT, polled, state)) {
            throw new IOException("terminal closed");
          }
        }
      }
      return done;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("write(2) failed to run", e);
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
    Libc.close(wakeRead);
    Libc.close(wakeWrite);
    return true; // the write lock stays held: no call ever starts again
  }

  /** One write(2): the bytes written, 0 if the terminal takes none now (or a signal came first). */
  private long writeOnce(MemorySegment state, MemorySegment outgoing, long length) throws Throwable {
    long n = (long) WRITE.invokeExact(state, master, outgoing, length);
    if (n >= 0) {
      return n;
    }
    int errno = errno(state);
    if (errno == EAGAIN || errno == EINTR) {
      return 0;
    }
    throw new IOException("write to the terminal failed: errno " + errno);
  }

  private void wake() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(ERRNO_STATE);
      long ignored = (long) WRITE.invokeExact(state, wakeWrite, arena.allocate(1), 1L);
    } catch (Throwable e) {
      throw new IllegalStateException("write(2) failed to run", e);
    }
  }

  private void unlockIfHeld() {
    if (inCall.getReadHoldCount() > 0) {
      inCall.readLock().unlock();
    }
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static MethodHandle function(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, CAPTURE_ERRNO);
  }
}
