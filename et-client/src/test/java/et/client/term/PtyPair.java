package et.client.term;

import et.testkit.Escaped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fresh pseudo-terminal for a test (Linux): the test holds the master side, where it types keys,
 * sets the window size and reads what the terminal shows; the code under test opens the slave by
 * {@link #slavePath()}, as the agent opens a terminal handed over to it. Settings calls on the
 * master act on the slave's line discipline, so the test sees them apart from the code under test.
 */
final class PtyPair implements AutoCloseable {
  private final int master;
  private final Path slavePath;
  private final ByteArrayOutputStream shown = new ByteArrayOutputStream();

  private PtyPair(int master, Path slavePath) {
    this.master = master;
    this.slavePath = slavePath;
  }

  static PtyPair open() {
    int master = check("posix_openpt", Libc.call(Libc.POSIX_OPENPT, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC));
    check("grantpt", Libc.call(Libc.GRANTPT, master));
    check("unlockpt", Libc.call(Libc.UNLOCKPT, master));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocate(128);
      check("ptsname_r", (int) Libc.PTSNAME_R.invokeExact(master, name, name.byteSize()));
      return new PtyPair(master, Path.of(name.getString(0)));
    } catch (Throwable e) {
      throw new AssertionError("no slave path for master " + master, e);
    }
  }

  /** The slave device, {@code /dev/pts/N}. */
  Path slavePath() {
    return slavePath;
  }

  /** Types {@code keys} (ISO-8859-1) on the terminal's keyboard. */
  void type(String keys) {
    byte[] bytes = keys.getBytes(StandardCharsets.ISO_8859_1);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment typed = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
      long n = (long) Libc.WRITE.invokeExact(master, typed, (long) bytes.length);
      if (n != bytes.length) {
        throw new AssertionError("typed " + n + " of " + bytes.length + " bytes");
      }
    } catch (Throwable e) {
      throw new AssertionError("write(2) on the master failed", e);
    }
  }

  /** Resizes the terminal's window as a terminal emulator does (TIOCSWINSZ on the master). */
  void resize(TerminalSize size) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment winsize = arena.allocate(8);
      winsize.set(ValueLayout.JAVA_SHORT, 0, (short) size.rows());
      winsize.set(ValueLayout.JAVA_SHORT, 2, (short) size.columns());
      check("ioctl(TIOCSWINSZ)", (int) Libc.IOCTL.invokeExact(master, Libc.TIOCSWINSZ, winsize));
    } catch (Throwable e) {
      throw new AssertionError("TIOCSWINSZ failed", e);
    }
  }

  /** The slave's settings as the kernel has them: its {@code struct termios}, byte for byte. */
  byte[] termios() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment termios = arena.allocate(Libc.TERMIOS_BYTES, 8);
      check("tcgetattr", (int) Libc.TCGETATTR.invokeExact(master, termios));
      return termios.toArray(ValueLayout.JAVA_BYTE);
    } catch (Throwable e) {
      throw new AssertionError("tcgetattr failed", e);
    }
  }

  /** The output line speed that {@code termios} holds (a {@code B...} constant; B38400 is 017). */
  static int outputSpeed(byte[] termios) {
    try (Arena arena = Arena.ofConfined()) {
      return (int) Libc.CFGETOSPEED.invokeExact(arena.allocateFrom(ValueLayout.JAVA_BYTE, termios));
    } catch (Throwable e) {
      throw new AssertionError("cfgetospeed failed", e);
    }
  }

  /** What the terminal has shown so far, once it contains {@code expected}; AssertionError after {@code timeout}. */
  String awaitShown(String expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!shownText().contains(expected)) {
      long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
      if (left == 0) {
        throw new AssertionError("timed out waiting for " + Escaped.of(expected) + " on the terminal, shown: "
            + Escaped.of(shownText()));
      }
      readShown((int) Math.min(left, 100));
    }
    return shownText();
  }

  private String shownText() {
    return shown.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads what the master has within {@code timeoutMillis} into {@link #shown}. */
  private void readShown(int timeoutMillis) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pollFd = arena.allocate(8, 4);
      pollFd.set(ValueLayout.JAVA_INT, 0, master);
      pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
      if ((int) Libc.POLL.invokeExact(pollFd, 1L, timeoutMillis) <= 0) {
        return;
      }
      MemorySegment buffer = arena.allocate(4096);
      long n = (long) Libc.READ.invokeExact(master, buffer, buffer.byteSize());
      if (n > 0) {
        shown.writeBytes(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
      }
    } catch (Throwable e) {
      throw new AssertionError("reading the master failed", e);
    }
  }

  /**
   * Reads exactly {@code n} bytes of what the slave delivered from {@code keys} (ISO-8859-1), on a
   * thread of its own; AssertionError after {@code timeout}, when {@code keys} is closed to end the read.
   */
  static String receive(InputStream keys, int n, Duration timeout) {
    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
      byte[] bytes = new byte[n];
      int got = 0;
      try {
        while (got < n) {
          int r = keys.read(bytes, got, n - got);
          if (r < 0) {
            break; // closed, or end of input: what came so far
          }
          got += r;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String(bytes, 0, got, StandardCharsets.ISO_8859_1);
    }, runnable -> Thread.ofPlatform().name("pty-receive").start(runnable));
    try {
      return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      closeQuietly(keys);
      throw new AssertionError("timed out reading " + n + " bytes; got " + Escaped.of(read.join()));
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError("reading " + n + " bytes failed", e);
    }
  }

  private static void closeQuietly(InputStream keys) {
    try {
      keys.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    Libc.call(Libc.CLOSE, master);
  }

  private static int check(String what, int result) {
    if (result < 0) {
      throw new AssertionError(what + " failed: " + result);
    }
    return result;
  }

  /** The libc calls a terminal emulator makes on its side of a PTY. */
  @SuppressWarnings("restricted")
  private static final class Libc {
    static final int O_RDWR = 02;
    static final int O_NOCTTY = 0400;
    static final int O_CLOEXEC = 02000000;
    static final long TIOCSWINSZ = 0x5414;
    static final short POLLIN = 0x1;
    static final int TERMIOS_BYTES = 60; // Linux/glibc struct termios

    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor INT_OF_INT =
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    static final MethodHandle POSIX_OPENPT = downcall("posix_openpt", INT_OF_INT);
    static final MethodHandle GRANTPT = downcall("grantpt", INT_OF_INT);
    static final MethodHandle UNLOCKPT = downcall("unlockpt", INT_OF_INT);
    static final MethodHandle CLOSE = downcall("close", INT_OF_INT);
    static final MethodHandle PTSNAME_R = downcall("ptsname_r",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    static final MethodHandle IOCTL = downcall("ioctl",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
        Linker.Option.firstVariadicArg(2));
    static final MethodHandle TCGETATTR = downcall("tcgetattr",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    static final MethodHandle CFGETOSPEED = downcall("cfgetospeed",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    static final MethodHandle POLL = downcall("poll",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    static final MethodHandle READ = downcall("read",
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    static final MethodHandle WRITE = downcall("write",
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
      return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }

    /** {@code function(argument)} for the int-of-int functions. */
    static int call(MethodHandle function, int argument) {
      try {
        return (int) function.invokeExact(argument);
      } catch (Throwable e) {
        throw new AssertionError(e);
      }
    }
  }
}
