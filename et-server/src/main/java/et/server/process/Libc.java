package et.server.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc call that neither the JDK nor pty4j offers, through the FFM API: signalling a process
 * group.
 *
 * <p>Process groups: Java's {@link ProcessHandle} only sends SIGTERM and SIGKILL, to one process;
 * closing a command the way a terminal hangs up needs SIGHUP, sent to the whole group so the
 * command's children get it too. {@link TerminalProcess} (pty4j makes the shell a session leader)
 * and {@link PipeProcess} (started under {@code setsid}) both run their command as the leader of its
 * own group, whose id is the leader's pid, so {@code kill(-pid, sig)} reaches the group.
 *
 * <p>Restricted methods: the JVM wants {@code --enable-native-access=et.server} (it warns once
 * without it), as it does for JNA under pty4j ({@code com.sun.jna}); the launchers pass both, tests
 * on the class path {@code ALL-UNNAMED}.
 */
@SuppressWarnings("restricted") // on purpose, see above
public final class Libc {
  public static final int SIGHUP = 1;
  public static final int SIGKILL = 9;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle KILL =
      function("kill", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

  private Libc() {}

  /**
   * Sends {@code signal} to every process in the group led by {@code leaderPid}.
   *
   * @return true if at least one process got it; false if the group is empty (all gone)
   */
  public static boolean killGroup(long leaderPid, int signal) {
    if (leaderPid <= 1 || leaderPid > Integer.MAX_VALUE) {
      // kill(0 or -1, sig) would hit our own group or every process we may signal.
      throw new IllegalArgumentException("not a process group leader's pid: " + leaderPid);
    }
    try {
      return (int) KILL.invokeExact(-(int) leaderPid, signal) == 0;
    } catch (Throwable e) {
      throw new IllegalStateException("kill(2) failed to run", e);
    }
  }

  private static MethodHandle function(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
  }
}
