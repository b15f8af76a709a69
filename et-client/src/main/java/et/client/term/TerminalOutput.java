package et.client.term;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * A terminal's output (this process's standard output, or a descriptor such as a {@link
 * TtyDevice}'s): a plain blocking stream, plus {@link #offer}, a write that never blocks. The
 * session's socket reader shows remote output with it straight away, without waking the screen
 * thread (docs/BENCHMARKS.md).
 *
 * <p>{@link #offer} writes through a second, non-blocking open file description of the same
 * terminal ({@code /proc/self/fd/1} opened anew): setting {@code O_NONBLOCK} on descriptor 1 itself
 * would reach the shell that shares it, and leave it set if et died. Where that cannot be opened
 * (no {@code /proc}, no native access), {@link #offer} takes nothing and the blocking stream does
 * all the work. {@link #close()} closes that second description; the descriptor written stays
 * open. Native calls through the FFM API, like {@link SavedTermios}.
 */
public final class TerminalOutput extends OutputStream {
  /** Writes that wait until the terminal takes them, to {@link #fd}. */
  private final OutputStream blocking;
  /** The descriptor written: 1, or the one given to {@link #of(int)}. */
  private final int fd;
  private volatile boolean closed;
  /** At most this much per offer: its native buffer is allocated once, not per call. */
  private static final int OFFER_BYTES = 16 * 1024;

  private static final int NOT_YET_OPENED = -2;

  /**
   * The non-blocking description, -1 where there is none (or after close), or {@link
   * #NOT_YET_OPENED}: opened by the first offer (the native set-up is costly, and et starts ssh
   * before it), then open until {@link #close()}. Guarded by this, as are the two buffers.
   */
  private int nonBlocking = NOT_YET_OPENED;
  /** Offers copy into these: no allocation on the way of every echo. */
  private MemorySegment outgoing;
  private MemorySegment errno;

  private TerminalOutput(OutputStream blocking, int fd) {
    this.blocking = blocking;
    this.fd = fd;
  }

  /** Standard output; {@link #offer} works if it is a terminal that can be opened again. */
  public static TerminalOutput ofStdout() {
    return new TerminalOutput(new FileOutputStream(FileDescriptor.out), 1);
  }

  /** Descriptor {@code fd}, a terminal open for writing in blocking mode; written with write(2). */
  public static TerminalOutput of(int fd) {
    return new TerminalOutput(new DescriptorWrites(fd), fd);
  }

  @Override
  public void write(int b) throws IOException {
    checkOpen();
    blocking.write(b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    checkOpen();
    blocking.write(bytes, offset, length);
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("terminal output to descriptor " + fd + " is closed");
    }
  }

  /**
   * Writes as many of the bytes as the terminal takes now (at most 16 KiB) and returns how many: 0
   * when it takes none without blocking, or when there is no non-blocking description.
   */
  public synchronized int offer(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (nonBlocking == NOT_YET_OPENED) {
      openTwin();
    }
    if (nonBlocking < 0) {
      return 0;
    }
    int n = Math.min(length, OFFER_BYTES);
    MemorySegment.copy(bytes, offset, outgoing, ValueLayout.JAVA_BYTE, 0, n);
    return Native.writeNow(nonBlocking, outgoing, n, errno);
  }

  /** Closes the non-blocking description; later writes fail and offers take nothing. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (nonBlocking >= 0) {
      Native.close(nonBlocking);
    }
    nonBlocking = -1;
  }

  private void openTwin() {
    nonBlocking = Native.openNonBlockingTwin(fd);
    if (nonBlocking >= 0) {
      Arena arena = Arena.ofAuto();
      outgoing = arena.allocate(OFFER_BYTES);
      errno = arena.allocate(Native.ERRNO_STATE);
    }
  }

  /** Blocking writes to a descriptor that has no {@link FileDescriptor} object. */
  private static final class DescriptorWrites extends OutputStream {
    private final int fd;

    DescriptorWrites(int fd) {
      this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment outgoing = arena.allocate(Math.max(1, length));
        MemorySegment.copy(bytes, offset, outgoing, ValueLayout.JAVA_BYTE, 0, length);
        MemorySegment errno = arena.allocate(Native.ERRNO_STATE);
        int written = 0;
        while (written < length) {
          // 0 after an interrupt (EINTR): write(2) on a blocking descriptor otherwise waits.
          written += Native.writeNow(fd, outgoing.asSlice(written), length - written, errno);
        }
      }
    }
  }

  /** open, isatty, write and close from libc (restricted FFM calls: see the class comment). */
  @SuppressWarnings("restricted")
  private static final class Native {
    private static final int O_WRONLY = 01;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
        LINKER.defaultLookup().find("open").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
        Linker.Option.firstVariadicArg(2));
    private static final MethodHandle ISATTY = LINKER.downcallHandle(
        LINKER.defaultLookup().find("isatty").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
        LINKER.defaultLookup().find("close").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = LINKER.downcallHandle(
        LINKER.defaultLookup().find("write").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
        Linker.Option.captureCallState("errno"));

    /** A new non-blocking description of the terminal on {@code fd}, or -1. */
    static int openNonBlockingTwin(int fd) {
      try (Arena arena = Arena.ofConfined()) {
        if ((int) ISATTY.invokeExact(fd) != 1) {
          return -1; // a file or a pipe: opening it again could even write from its start
        }
        MemorySegment path = arena.allocateFrom("/proc/self/fd/" + fd);
        return (int) OPEN.invokeExact(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      } catch (Throwable e) {
        return -1; // no native access, no such symbol: offers take nothing
      }
    }

    static void close(int fd) {
      try {
        int ignored = (int) CLOSE.invokeExact(fd);
      } catch (Throwable e) {
        // the descriptor is gone either way
      }
    }

    /** One write(2) of the first {@code length} bytes of {@code outgoing}; 0 if it would block. */
    static int writeNow(int fd, MemorySegment outgoing, int length, MemorySegment state) throws IOException {
      try {
        long n = (long) WRITE.invokeExact(state, fd, outgoing, (long) length);
        if (n >= 0) {
          return (int) n;
        }
        int errno = (int) ERRNO.get(state, 0L);
        if (errno == EAGAIN || errno == EINTR) {
          return 0;
        }
        throw new IOException("write to the terminal failed: errno " + errno);
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("write(2) failed to run", e);
      }
    }
  }
}
