package et.client.term;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Ends the process at once with libc's {@code _exit}, for a run that has finished its own
 * clean-up. Why: the JVM's exit first waits a while for threads that sit in native code, and the
 * JDK's poller thread (virtual threads' socket I/O) always does, so every {@code et} would end
 * noticeably later than ssh (docs/BENCHMARKS.md). The caller must have restored the terminal, ended its session and
 * flushed what it wrote; no shutdown hook runs.
 */
public final class ProcessExit {
  private ProcessExit() {}

  /**
   * Flushes System.out and System.err and ends the process with {@code status}; returns only if
   * libc cannot be reached (no native access) or the JVM is already shutting down, and the caller
   * then exits as usual. During a shutdown (a signal's: its hook may be what ended the caller's
   * session) that exit waits for the shutdown's own, so the process ends with the signal's status,
   * 128 + N, as the shell and the user expect.
   */
  @SuppressWarnings("restricted")
  public static void now(int status) {
    System.out.flush();
    System.err.flush();
    if (shuttingDown()) {
      return;
    }
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle exit = linker.downcallHandle(
          linker.defaultLookup().find("_exit").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
      exit.invokeExact(status);
    } catch (Throwable e) {
      // no native access, no such symbol: the JVM's own exit it is
    }
  }

  /** Whether the JVM's shutdown has begun: it then takes no more hooks. */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
