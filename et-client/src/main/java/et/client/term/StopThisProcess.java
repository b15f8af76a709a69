package et.client.term;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Stops this process as Ctrl-Z stops a program in a shell: SIGSTOP (nothing can catch or ignore
 * it, whatever jline or the JVM did with SIGTSTP), raised on the calling thread, which stops before
 * the call returns; sent to the process with kill(2), it went on for a while, long enough to set
 * raw mode again before the stop. Its shell takes the terminal back; the call returns once the
 * process is continued (fg, bg or SIGCONT).
 */
final class StopThisProcess {
  private static final int SIGSTOP = 19; // Linux, x86-64 and arm64

  private StopThisProcess() {}

  /** Stops until continued; false if the signal could not be sent (the process went on). */
  @SuppressWarnings("restricted")
  static boolean now() {
    Linker linker = Linker.nativeLinker();
    MethodHandle raise = linker.downcallHandle(linker.defaultLookup().find("raise").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    try {
      return (int) raise.invokeExact(SIGSTOP) == 0;
    } catch (Throwable e) {
      return false;
    }
  }
}
