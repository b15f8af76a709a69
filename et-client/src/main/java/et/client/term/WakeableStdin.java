package et.client.term;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * This process's standard input (a terminal, a pipe or a file), or another descriptor such as a
 * {@link TtyDevice}'s, as a stream whose blocking read {@link #close()} ends: the read waits in
 * poll(2) on the descriptor and on a pipe of its own, which close writes to. A plain read of a
 * descriptor ignores interrupts and closes, so the thread that reads the keyboard would outlive its
 * session. The descriptor itself stays open and untouched; the wake pipe is closed once close and
 * the read in progress (if any) are done.
 *
 * <p>Where the pipe cannot be made (no native access), {@link #open()} reads descriptor 0 plainly
 * and close cannot end a read in progress; {@link #open(int)} refuses instead, having no plain
 * stream on another descriptor. One reader at a time; close from any thread. {@link #warmUp} runs
 * the same code on a pipe of its own, so that the JIT has compiled the native calls (slow while
 * interpreted) before the first key.
 */
public final class WakeableStdin extends InputStream {
  private static final int CHUNK = 16 * 1024;
  /** How often a read whose input is there but may not be taken asks again ({@link #open(int, BooleanSupplier)}). */
  static final long GATE_RECHECK_MILLIS = 100;

  /** Reads where there is no wake pipe, which only {@link #open()} allows. */
  private final FileInputStream plain = new FileInputStream(FileDescriptor.in);
  /** What is read: 0, the descriptor given to {@link #open(int)}, or a warm-up's pipe. */
  private final int fd;
  /** The wake pipe's read and write ends, or -1 each where there is none (then fd is 0). */
  private final int wakeRead;
  private final int wakeWrite;
  /** Whether input that is there may be taken now; else others read it ({@link #open(int, BooleanSupplier)}). */
  private final BooleanSupplier mayRead;
  private final MemorySegment pollFds;
  private final MemorySegment incoming;
  private final MemorySegment errno;
  private volatile boolean closed;
  /**
   * A read is between {@link #startRead} and {@link #endRead}: then close wakes it, and the read
   * closes the wake pipe as it leaves. Guarded by this.
   */
  private boolean reading;

  private WakeableStdin(int fd, int[] wakePipe, BooleanSupplier mayRead) {
    this.fd = fd;
    this.wakeRead = wakePipe[0];
    this.wakeWrite = wakePipe[1];
    this.mayRead = mayRead;
    Arena arena = Arena.ofAuto();
    this.pollFds = wakeRead < 0 ? MemorySegment.NULL : arena.allocate(Native.POLLFD, 2);
    this.incoming = wakeRead < 0 ? MemorySegment.NULL : arena.allocate(CHUNK);
    this.errno = wakeRead < 0 ? MemorySegment.NULL : arena.allocate(Native.ERRNO_STATE);
  }

  /** Standard input, wakeable where the platform allows. */
  public static WakeableStdin open() {
    return new WakeableStdin(0, Native.pipe(), () -> true);
  }

  /**
   * Descriptor {@code fd} (open for reading, blocking), always wakeable. Input that is there is
   * taken only while {@code mayRead} says so; else it stays for whoever else reads the descriptor
   * (a terminal's shell while the process this reads for is stopped), and the read asks again every
   * {@value #GATE_RECHECK_MILLIS} ms while input waits.
   *
   * @throws IOException when the wake pipe cannot be made (no native access, no descriptors left)
   */
  public static WakeableStdin open(int fd, BooleanSupplier mayRead) throws IOException {
    int[] wakePipe = Native.pipe();
    if (wakePipe[0] < 0) {
      throw new IOException("no wake pipe for reading descriptor " + fd);
    }
    return new WakeableStdin(fd, wakePipe, Objects.requireNonNull(mayRead, "mayRead"));
  }

  /**
   * Reads {@code keys} single bytes through this class's native path from a pipe of its own (never
   * from standard input), then closes the pipes. For the client's warm-up while ssh makes first
   * contact; stops early when the calling thread is interrupted.
   */
  public static void warmUp(int keys) {
    OwnPipe pipe = OwnPipe.open();
    if (pipe == null) {
      return; // no native access: reads are plain ones
    }
    try {
      byte[] buffer = new byte[CHUNK];
      for (int i = 0; i < keys && !Thread.currentThread().isInterrupted(); i++) {
        pipe.type();
        pipe.in().read(buffer, 0, buffer.length);
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading a pipe of our own failed", e);
    } finally {
      pipe.close();
    }
  }

  /** A stream like standard input over a pipe of its own: what {@link #warmUp} reads. */
  record OwnPipe(WakeableStdin in, int writeEnd) implements AutoCloseable {
    /** A fresh pipe, or null without native access. */
    static OwnPipe open() {
      int[] data = Native.pipe();
      int[] wake = Native.pipe();
      if (data[0] < 0 || wake[0] < 0) {
        closeAll(data[0], data[1], wake[0], wake[1]);
        return null;
      }
      return new OwnPipe(new WakeableStdin(data[0], wake, () -> true), data[1]);
    }

    /** One byte into the pipe, as one key. */
    void type() {
      Native.wake(writeEnd);
    }

    /** Closes the stream (and so its wake pipe) and the data pipe's two ends. */
    @Override
    public void close() {
      in.close();
      closeAll(in.fd, writeEnd);
    }
  }

  private static void closeAll(int... fds) {
    for (int fd : fds) {
      if (fd >= 0) {
        Native.close(fd);
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  /** Waits until input is there (or end of file), then reads what is; -1 at end or once closed. */
  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      return 0;
    }
    if (!startRead()) {
      return -1;
    }
    try {
      return wakeRead < 0 ? plain.read(bytes, offset, length) : awaitAndRead(bytes, offset, length);
    } finally {
      endRead();
    }
  }

  private int awaitAndRead(byte[] bytes, int offset, int length) throws IOException {
    while (true) {
      int ready = Native.awaitReadable(pollFds, fd, wakeRead, errno);
      if (closed || ready == Native.WOKEN) {
        return -1;
      }
      if (ready == Native.STDIN_READY) {
        if (!mayRead.getAsBoolean()) {
          awaitGate();
          continue;
        }
        int n = Native.read(fd, incoming, Math.min(length, CHUNK), errno);
        if (n == Native.RETRY) {
          continue;
        }
        if (n <= 0) {
          return -1;
        }
        MemorySegment.copy(incoming, ValueLayout.JAVA_BYTE, 0, bytes, offset, n);
        return n;
      }
    }
  }

  /** Waits before the read asks {@code mayRead} again: a while, or until closed. */
  private synchronized void awaitGate() throws InterruptedIOException {
    if (closed) {
      return;
    }
    try {
      wait(GATE_RECHECK_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while input waited for its reader");
    }
  }

  /** False once closed; else the read may go on. */
  private synchronized boolean startRead() {
    if (closed) {
      return false;
    }
    reading = true;
    return true;
  }

  private synchronized void endRead() {
    reading = false;
    if (closed) {
      closeAll(wakeRead, wakeWrite); // close did not: this read was still polling them
    }
  }

  /** Ends a read in progress and every later one (they return -1). The descriptor stays open. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    notifyAll(); // a read waiting to ask mayRead again
    if (!reading) {
      closeAll(wakeRead, wakeWrite);
    } else if (wakeWrite >= 0) {
      Native.wake(wakeWrite);
    }
  }

  /** pipe2, poll, read, write and close from libc (restricted FFM calls, like {@link TerminalOutput}). */
  @SuppressWarnings("restricted")
  private static final class Native {
    static final int STDIN_READY = 1;
    static final int WOKEN = 2;
    static final int RETRY = -2;
    private static final int O_CLOEXEC = 02000000;
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** struct pollfd { int fd; short events; short revents; } */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("fd"), ValueLayout.JAVA_SHORT.withName("events"), ValueLayout.JAVA_SHORT.withName("revents"));
    private static final MethodHandle PIPE2 = downcall("pipe2",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle POLL = downcall("poll",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
        Linker.Option.captureCallState("errno"));
    private static final MethodHandle READ = downcall("read",
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
        Linker.Option.captureCallState("errno"));
    private static final MethodHandle WRITE = downcall("write",
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = downcall("close",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
      return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }

    /** A new close-on-exec pipe's two ends, or {-1, -1}. */
    static int[] pipe() {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
        if ((int) PIPE2.invokeExact(fds, O_CLOEXEC) != 0) {
          return new int[] {-1, -1};
        }
        return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
      } catch (Throwable e) {
        return new int[] {-1, -1}; // no native access: plain reads
      }
    }

    /** Waits until {@code fd} or the wake pipe is readable (or hung up): which one, or RETRY. */
    static int awaitReadable(MemorySegment fds, int fd, int wakeRead, MemorySegment state) throws IOException {
      fds.set(ValueLayout.JAVA_INT, 0, fd);
      fds.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
      fds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
      fds.set(ValueLayout.JAVA_INT, 8, wakeRead);
      fds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
      fds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
      try {
        int n = (int) POLL.invokeExact(state, fds, 2L, -1);
        if (n < 0) {
          int errno = (int) ERRNO.get(state, 0L);
          if (errno == EINTR) {
            return RETRY;
          }
          throw new IOException("poll of descriptor " + fd + " failed: errno " + errno);
        }
        if (fds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
          return WOKEN;
        }
        return fds.get(ValueLayout.JAVA_SHORT, 6) != 0 ? STDIN_READY : RETRY;
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("poll(2) failed to run", e);
      }
    }

    /** One read(2) of {@code fd} into {@code into}: bytes, 0 at end of file, or RETRY. */
    static int read(int fd, MemorySegment into, int length, MemorySegment state) throws IOException {
      try {
        long n = (long) READ.invokeExact(state, fd, into, (long) length);
        if (n >= 0) {
          return (int) n;
        }
        int errno = (int) ERRNO.get(state, 0L);
        if (errno == EINTR || errno == EAGAIN) {
          return RETRY;
        }
        throw new IOException("read of descriptor " + fd + " failed: errno " + errno);
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("read(2) failed to run", e);
      }
    }

    static void close(int fd) {
      try {
        int ignored = (int) CLOSE.invokeExact(fd);
      } catch (Throwable e) {
        // the descriptor is gone either way
      }
    }

    /** Writes one byte to {@code wakeWrite}, making its pipe readable. */
    static void wake(int wakeWrite) {
      try (Arena arena = Arena.ofConfined()) {
        long ignored = (long) WRITE.invokeExact(wakeWrite, arena.allocate(1), 1L);
      } catch (Throwable e) {
        // a pipe with room for 64 KiB takes its first byte; nothing else can go wrong here
      }
    }
  }
}
