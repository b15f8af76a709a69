package et.client.term;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Stops this process as Ctrl-Z stops a program in a shell: SIGSTOP to itself (nothing can catch or
 * ignore it, whatever jline or the JVM did with SIGTSTP). Its shell takes the terminal back; the
 * call returns once the process is continued (fg, bg or SIGCONT).
 */
final class StopThisProcess {
  private static final int SIGSTOP = 19; // Linux, x86-64 and arm64

  private StopThisProcess() {}

  /** Stops until continued; false if the signal could not be sent (the process went on). */
  @SuppressWarnings("restricted")
  static boolean now() {
    Linker linker = Linker.nativeLinker();
    MethodHandle kill = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    try {
      return (int) kill.invokeExact((int) ProcessHandle.current().pid(), SIGSTOP) == 0;
    } catch (Throwable e) {
      return false;
    }
  }
}
