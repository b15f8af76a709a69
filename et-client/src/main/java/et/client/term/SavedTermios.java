package et.client.term;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A terminal's settings exactly as the kernel had them ({@code tcgetattr}), put back byte for byte
 * ({@code tcsetattr}). Needed because jline (3.30, FFM provider) rebuilds a {@code struct termios}
 * from its {@link org.jline.terminal.Attributes}, which have no line speed: every jline
 * {@code setAttributes}, its own restore at close included, leaves the terminal at "speed 0 baud"
 * (the CBAUD bits and the separate speeds are zeroed), which {@code stty -a} shows and programs that
 * look at the baud rate (curses padding) see. Restoring these bytes after jline is done makes the
 * terminal exactly what it was.
 *
 * <p>The struct is kept as opaque bytes in a buffer larger than any platform's {@code struct
 * termios} (60 bytes on Linux/glibc, 72 on macOS), so no layout is assumed here: whoever edits a
 * copy ({@link TtyRawTerminal}) knows its platform's. Calls libc through the FFM API: the JVM
 * needs {@code --enable-native-access=et.client} (launcher/et passes it; tests on the class path
 * pass {@code ALL-UNNAMED}).
 */
public final class SavedTermios {

  private static final int BUFFER_BYTES = 256;
  private static final int TCSADRAIN = 1; // the same on Linux and macOS: apply after pending output

  private final int fd;
  private final MemorySegment saved;

  private SavedTermios(int fd, MemorySegment saved) {
    this.fd = fd;
    this.saved = saved;
  }

  /** The settings of the terminal on {@code fd}; empty when it is not a terminal or libc is not reachable. */
  public static Optional<SavedTermios> capture(int fd) {
    try {
      MemorySegment buffer = Arena.ofAuto().allocate(BUFFER_BYTES, 8); // freed with this object
      int result = (int) Libc.TCGETATTR.invokeExact(fd, buffer);
      return result == 0 ? Optional.of(new SavedTermios(fd, buffer)) : Optional.empty();
    } catch (Throwable e) {
      return Optional.empty(); // no FFM access, no libc symbol: jline's restore is all there is
    }
  }

  /** Puts the captured settings back; false if the terminal refused (or is gone). */
  public boolean restore() {
    return apply(saved);
  }

  /**
   * Sets a copy of the captured settings that {@code edit} changed (the copy's bytes as the
   * platform's {@code struct termios}); false if the terminal refused. The captured ones stay as they were.
   */
  boolean applyEdited(Consumer<MemorySegment> edit) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment edited = arena.allocate(BUFFER_BYTES, 8).copyFrom(saved);
      edit.accept(edited);
      return apply(edited);
    }
  }

  private boolean apply(MemorySegment termios) {
    try {
      return (int) Libc.TCSETATTR.invokeExact(fd, TCSADRAIN, termios) == 0;
    } catch (Throwable e) {
      return false;
    }
  }

  /** The two libc functions, looked up on first use (restricted FFM calls: see the class comment). */
  @SuppressWarnings("restricted")
  private static final class Libc {
    static final MethodHandle TCGETATTR;
    static final MethodHandle TCSETATTR;

    static {
      Linker linker = Linker.nativeLinker();
      TCGETATTR = linker.downcallHandle(linker.defaultLookup().find("tcgetattr").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
      TCSETATTR = linker.downcallHandle(linker.defaultLookup().find("tcsetattr").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }
  }
}
