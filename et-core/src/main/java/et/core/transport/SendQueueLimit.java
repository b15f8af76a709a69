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
import java.time.Duration;
import org.tinylog.Logger;

/**
 * Bounds the bytes the kernel holds ahead of a session's next frame on its TCP socket, so that a
 * keystroke queues behind a bounded amount of bulk, not behind the megabytes Linux lets a send
 * buffer grow to. The rest of the queue is et's own (the backlog's bulk admission).
 *
 * <p>To another machine, what is unsent is bounded ({@code TCP_NOTSENT_LOWAT}) to what the path
 * delivers in {@link #LOW_WATER_TIME}, within {@link #MIN_LOW_WATER_BYTES} and {@link
 * #LOW_WATER_BYTES}, as the kernel measures its delivery rate ({@code TCP_INFO}); what is in
 * flight is left to TCP (its window still grows to the path). Java has no option for either: the descriptor comes from the JDK's socket channel (needs {@code
 * --add-exports java.base/sun.nio.ch=et.core}) and the socket options are reached through FFM
 * (needs {@code --enable-native-access=et.core}); the et launchers pass both. Without them, or off
 * Linux, sockets keep the kernel's default, logged once at debug level.
 *
 * <p>To this machine there is no path to fill: the send buffer itself is fixed small ({@code
 * SO_SNDBUF}, plain Java, so a start does not pay for FFM's first use). Under a flood the
 * low-water mark left the queue where it was (docs/BENCHMARKS.md, "tunnel fair").
 *
 * <p>Threads: {@link #follow} is called by whoever writes to the socket, one at a time.
 */
public final class SendQueueLimit {
  /** The most left unsent in the kernel: a smaller one cost throughput on a fast path. */
  static final int LOW_WATER_BYTES = 64 << 10;
  /** The least: below it the writer wakes for every few packets. */
  static final int MIN_LOW_WATER_BYTES = 16 << 10;
  /** A keystroke waits in the kernel behind at most what the path delivers in this time. */
  static final Duration LOW_WATER_TIME = Duration.ofMillis(5);
  /** How often the low-water mark follows the delivery rate, while frames are written. */
  static final Duration FOLLOW_EVERY = Duration.ofMillis(100);

  /** The send buffer asked for on a connection to this machine (Linux reserves twice as much). */
  static final int LOOPBACK_SEND_BUFFER_BYTES = 64 << 10;

  private static final int IPPROTO_TCP = 6;
  private static final int TCP_INFO = 11;
  private static final int TCP_NOTSENT_LOWAT = 25;
  /** Where {@code tcpi_delivery_rate} (bytes a second) lies in {@code struct tcp_info} (Linux 4.9+). */
  private static final long DELIVERY_RATE_OFFSET = 160;
  private static final int TCP_INFO_BYTES = 168;

  /** Nothing to follow: a connection to this machine, or no native access. */
  private static final SendQueueLimit NONE = new SendQueueLimit(-1, 0);

  private final int fd;
  private int lowWater;
  private long nextFollow;
  /** The path's delivery rate as last read, bytes a second; -1 before (and where nothing follows). */
  private volatile long deliveryRate = -1;

  private SendQueueLimit(int fd, int lowWater) {
    this.fd = fd;
    this.lowWater = lowWater;
    this.nextFollow = System.nanoTime();
  }

  /**
   * Applies the limit to {@code socket}, a connected TCP socket: the send buffer's size if its peer
   * is on this machine, else the low-water mark (at its most until {@link #follow} measures the path).
   *
   * @return what follows the path's rate ({@link #follow} does nothing where there is none)
   */
  public static SendQueueLimit apply(SocketChannel socket) {
    try {
      if (socket.getRemoteAddress() instanceof InetSocketAddress peer && peer.getAddress().isLoopbackAddress()) {
        socket.setOption(StandardSocketOptions.SO_SNDBUF, LOOPBACK_SEND_BUFFER_BYTES);
        return NONE;
      }
    } catch (IOException e) {
      return NONE; // closed: nothing to limit
    }
    return lowWater(socket);
  }

  /** The low-water mark on any TCP socket, set at its most; {@link #NONE} if it could not be. */
  static SendQueueLimit lowWater(NetworkChannel socket) {
    Native calls = Native.CALLS;
    if (calls == null) {
      return NONE;
    }
    try {
      int fd = (int) calls.fdVal.invoke(socket);
      return setLowWater(calls, fd, LOW_WATER_BYTES) ? new SendQueueLimit(fd, LOW_WATER_BYTES) : NONE;
    } catch (Throwable e) {
      Logger.debug("TCP_NOTSENT_LOWAT not set: {}", e.toString());
      return NONE;
    }
  }

  /** Whether a low-water mark is set and followed. */
  boolean follows() {
    return fd >= 0;
  }

  /** The path's delivery rate in bytes a second, as {@link #follow} last read it; -1 if unknown. */
  public long deliveryRate() {
    return deliveryRate;
  }

  /** At most every {@link #FOLLOW_EVERY}: sets the low-water mark to the path's present rate. */
  public void follow() {
    if (fd >= 0) { // called for every frame written: a connection that follows nothing reads no clock
      follow(System.nanoTime());
    }
  }

  void follow(long now) {
    if (fd < 0 || now - nextFollow < 0) {
      return;
    }
    nextFollow = now + FOLLOW_EVERY.toNanos();
    Native calls = Native.CALLS;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = arena.allocate(TCP_INFO_BYTES);
      MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, TCP_INFO_BYTES);
      if ((int) calls.getsockopt.invokeExact(fd, IPPROTO_TCP, TCP_INFO, info, length) != 0
          || length.get(ValueLayout.JAVA_INT, 0) < TCP_INFO_BYTES) {
        return; // closed, or a kernel without the rate: the mark stays
      }
      deliveryRate = info.get(ValueLayout.JAVA_LONG_UNALIGNED, DELIVERY_RATE_OFFSET);
      int wanted = lowWaterFor(deliveryRate);
      if (wanted != lowWater && setLowWater(calls, fd, wanted)) {
        lowWater = wanted;
      }
    } catch (Throwable e) {
      Logger.debug("TCP_NOTSENT_LOWAT not followed: {}", e.toString());
    }
  }

  /** What the path delivers in {@link #LOW_WATER_TIME} at {@code bytesPerSecond}, within the bounds. */
  static int lowWaterFor(long bytesPerSecond) {
    long bytes = Math.max(0, bytesPerSecond) / 1_000 * LOW_WATER_TIME.toMillis();
    return (int) Math.clamp(bytes, MIN_LOW_WATER_BYTES, LOW_WATER_BYTES);
  }

  private static boolean setLowWater(Native calls, int fd, int bytes) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, bytes);
      return (int) calls.setsockopt.invokeExact(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, value, Integer.BYTES) == 0;
    }
  }

  /** The descriptor of a JDK socket channel, {@code setsockopt} and {@code getsockopt}, or null where either is out of reach. */
  private record Native(MethodHandle fdVal, MethodHandle setsockopt, MethodHandle getsockopt) {
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
        MethodHandle getsockopt = linker.downcallHandle(
            linker.defaultLookup().findOrThrow("getsockopt"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        return new Native(fdVal, setsockopt, getsockopt);
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
