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
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import org.tinylog.Logger;

/**
 * Bounds the bytes the kernel holds ahead of a session's next frame on its TCP socket, so that a
 * keystroke queues behind a bounded amount of bulk, not behind the megabytes Linux lets a send
 * buffer grow to. The rest of the queue is et's own (the backlog's bulk admission).
 *
 * <p>To another machine, what is unsent is bounded ({@code TCP_NOTSENT_LOWAT}) and what is in
 * flight is left to TCP (its window still grows to the path). Java has no option for it: the
 * descriptor comes from the JDK's socket channel (needs {@code --add-exports
 * java.base/sun.nio.ch=et.core}) and {@code setsockopt(2)} is called through FFM (needs {@code
 * --enable-native-access=et.core}); the et launchers pass both. Without them, or off Linux, sockets
 * keep the kernel's default, logged once at debug level.
 *
 * <p>To this machine there is no path to fill: the send buffer itself is fixed small ({@code
 * SO_SNDBUF}, plain Java, so a start does not pay for FFM's first use). Under a flood the
 * low-water mark left the queue where it was (docs/BENCHMARKS.md, "tunnel fair").
 */
public final class SendQueueLimit {
  /**
   * At most this much unsent in the kernel: a keystroke waits behind it on a slow link, and a
   * smaller one cost throughput on a fast one (docs/BENCHMARKS.md, "slow link").
   */
  static final int LOW_WATER_BYTES = 64 << 10;

  /** The send buffer asked for on a connection to this machine (Linux reserves twice as much). */
  static final int LOOPBACK_SEND_BUFFER_BYTES = 64 << 10;

  private static final int IPPROTO_TCP = 6;
  private static final int TCP_NOTSENT_LOWAT = 25;

  private SendQueueLimit() {}

  /**
   * Applies the limit to {@code socket}, a connected TCP socket: the send buffer's size if its peer
   * is on this machine, else the low-water mark.
   *
   * @return whether the limit is now set
   */
  public static boolean apply(SocketChannel socket) {
    try {
      if (socket.getRemoteAddress() instanceof InetSocketAddress peer && peer.getAddress().isLoopbackAddress()) {
        socket.setOption(StandardSocketOptions.SO_SNDBUF, LOOPBACK_SEND_BUFFER_BYTES);
        return true;
      }
    } catch (IOException e) {
      return false; // closed: nothing to limit
    }
    return setLowWater(socket);
  }

  /** Sets the low-water mark on any TCP socket; false if it could not. */
  static boolean setLowWater(NetworkChannel socket) {
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
