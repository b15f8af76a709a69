package et.client.term;

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
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A terminal device opened by path ({@code /dev/pts/5}): a descriptor of this process's own on a
 * terminal that another process handed over, for a session that runs on it. Linux on x86-64 and
 * arm64 only (the ioctl numbers and {@code struct termios} layout used here are theirs); elsewhere
 * {@link #open} finds nothing.
 *
 * <p>The descriptor is valid from {@link #open} until {@link #close()}. Streams and raw mode over
 * {@link #fd()} must be done before close: the number of a closed descriptor is soon another
 * file's. Thread-safe. Native calls through the FFM API, like {@link SavedTermios}.
 */
public final class TtyDevice implements AutoCloseable {
  private static final boolean SUPPORTED = System.getProperty("os.name").equals("Linux")
      && Set.of("amd64", "aarch64").contains(System.getProperty("os.arch"));

  private final int fd;
  private boolean closed; // guarded by this

  private TtyDevice(int fd) {
    this.fd = fd;
  }

  /**
   * Opens the terminal at {@code path} for reading and writing, without making it this process's
   * controlling terminal; empty when it is not a terminal (or on an unsupported platform).
   *
   * @throws IOException when the path cannot be opened (missing, no permission), with the errno
   */
  public static Optional<TtyDevice> open(Path path) throws IOException {
    if (!SUPPORTED) {
      return Optional.empty();
    }
    int fd = Native.open(path.toString());
    if (!Native.isatty(fd)) {
      Native.close(fd);
      return Optional.empty();
    }
    return Optional.of(new TtyDevice(fd));
  }

  /** The open descriptor. */
  public synchronized int fd() {
    checkOpen();
    return fd;
  }

  /** The terminal's window size (TIOCGWINSZ), {@code 0x0} when the terminal does not know it. */
  public synchronized TerminalSize size() {
    checkOpen();
    return Native.windowSize(fd);
  }

  /** Closes the descriptor; the terminal itself stays as it is. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Native.close(fd);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("terminal descriptor " + fd + " is closed");
    }
  }

  /** open, isatty, ioctl and close from libc, looked up on first use (restricted FFM calls). */
  @SuppressWarnings("restricted")
  private static final class Native {
    private static final int O_RDWR = 02;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final long TIOCGWINSZ = 0x5413;
    /** struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; } */
    private static final StructLayout WINSIZE = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("rows"), ValueLayout.JAVA_SHORT.withName("columns"),
        ValueLayout.JAVA_SHORT.withName("xpixel"), ValueLayout.JAVA_SHORT.withName("ypixel"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = downcall("open",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
        Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle ISATTY = downcall("isatty",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle IOCTL = downcall("ioctl",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
        Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
      return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }

    /** A new descriptor on {@code path}, read-write, not becoming the controlling terminal. */
    static int open(String path) throws IOException {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(ERRNO_STATE);
        int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
          throw new IOException("cannot open " + path + ": errno " + (int) ERRNO.get(state, 0L));
        }
        return fd;
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("open(2) failed to run", e);
      }
    }

    static boolean isatty(int fd) {
      try {
        return (int) ISATTY.invokeExact(fd) == 1;
      } catch (Throwable e) {
        throw new IllegalStateException("isatty(3) failed to run", e);
      }
    }

    static TerminalSize windowSize(int fd) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment winsize = arena.allocate(WINSIZE);
        if ((int) IOCTL.invokeExact(fd, TIOCGWINSZ, winsize) != 0) {
          return new TerminalSize(0, 0);
        }
        return new TerminalSize(Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 2)),
            Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 0)));
      } catch (Throwable e) {
        throw new IllegalStateException("ioctl(2) failed to run", e);
      }
    }

    static void close(int fd) {
      try {
        int ignored = (int) CLOSE.invokeExact(fd);
      } catch (Throwable e) {
        // the descriptor is gone either way
      }
    }
  }
}
