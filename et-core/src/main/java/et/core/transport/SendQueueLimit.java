package et.core.transport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import org.tinylog.Logger;

/**
 * Bounds the bytes the kernel holds unsent on a session's TCP socket ({@code TCP_NOTSENT_LOWAT}),
 * so that on a slow link a keystroke queues behind a bounded amount of bulk, not behind the
 * megabytes Linux lets a send buffer grow to. What is in flight is left to TCP (its window still
 * grows to the path). The rest of the queue is et's own (the backlog's bulk admission).
 *
 * <p>Java has no option for it: the descriptor comes from the JDK's socket channel (needs {@code
 * --add-exports java.base/sun.nio.ch=et.core}) and {@code setsockopt(2)} is called through FFM
 * (needs {@code --enable-native-access=et.core}); the et launchers pass both. Without them, or off
 * Linux, sockets keep the kernel's default, logged once at debug level; so do connections to this
 * machine.
 */
public final class SendQueueLimit {
  /**
   * At most this much unsent in the kernel: a keystroke waits behind it on a slow link, and a
   * smaller one cost throughput on a fast one (docs/BENCHMARKS.md, "slow link").
   */
  static final int LOW_WATER_BYTES = 64 << 10;

  private static final int IPPROTO_TCP = 6;
  private static final int TCP_NOTSENT_LOWAT = 25;

  private SendQueueLimit() {}

  /**
   * Applies the limit to {@code socket}, a connected TCP socket, unless its peer is on this machine
   * (no slow link to queue for: the first use of FFM, slow, is then not paid on a start's path).
   *
   * @return whether the limit is now set
   */
  public static boolean apply(SocketChannel socket) {
    try {
      if (socket.getRemoteAddress() instanceof InetSocketAddress peer && peer.getAddress().isLoopbackAddress()) {
        return false;
      }
    } catch (IOException e) {
      return false; // closed: nothing to limit
    }
    return set(socket);
  }

  /** Sets the limit on any TCP socket; false if it could not. */
  static boolean set(NetworkChannel socket) {
    Native calls = Native.CALLS;
    if (calls == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      int fd = (int) calls.fdVal.invoke(socket);
      MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, LOW_WATER_BYTES);
      int result = (int) calls.setsockopt.invokeExact(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, value, Integer.BYTES);
      return result == 0;
    } catch (Throwable e) {
      Logger.debug("TCP_NOTSENT_LOWAT not set: {}", e.toString());
      return false;
    }
  }

  /** The descriptor of a JDK socket channel and {@code setsockopt}, or null where either is out of reach. */
  private record Native(MethodHandle fdVal, MethodHandle setsockopt) {
    static final Native CALLS = find();

    private static Native find() {
      Module self = SendQueueLimit.class.getModule();
      if (!System.getProperty("os.name", "").equals("Linux")) {
        return null;
      }
      if (!Object.class.getModule().isExported("sun.nio.ch", self) || !self.isNativeAccessEnabled()) {
        Logger.debug("TCP_NOTSENT_LOWAT left to the kernel: the JVM needs --add-exports java.base/sun.nio.ch={}"
            + " and --enable-native-access={}", name(self), name(self));
        return null;
      }
      try {
        MethodHandle fdVal = MethodHandles.lookup()
            .findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal", MethodType.methodType(int.class));
        Linker linker = Linker.nativeLinker();
        MethodHandle setsockopt = linker.downcallHandle(
            linker.defaultLookup().findOrThrow("setsockopt"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        return new Native(fdVal, setsockopt);
      } catch (ReflectiveOperationException | RuntimeException e) {
        Logger.debug("TCP_NOTSENT_LOWAT left to the kernel: {}", e.toString());
        return null;
      }
    }

    private static String name(Module module) {
      return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }
  }
}
