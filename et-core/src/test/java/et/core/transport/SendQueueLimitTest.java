package et.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.Commands;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel's own settings read back, on both ends of a loopback connection: the low-water mark
 * (set, as on a connection to another machine) and the send buffer that apply fixes instead on a
 * connection to this machine; and a JVM without the flags, or with the export alone: no low-water
 * mark, no warning.
 */
class SendQueueLimitTest {
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_NOTSENT_LOWAT = 25;

  @Test
  void boundsTheUnsentBytesOfADialedAndOfAnAcceptedSocket() throws Throwable {
    try (ServerSocketChannel listener =
            ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel dialed = SocketChannel.open(listener.getLocalAddress());
        SocketChannel accepted = listener.accept()) {
      assertNotEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(dialed), "the kernel's default");
      assertTrue(SendQueueLimit.setLowWater(dialed));
      assertTrue(SendQueueLimit.setLowWater(accepted));
      assertEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(dialed));
      assertEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(accepted));
    }
  }

  @Test
  void fixesTheSendBufferOfAConnectionToThisMachineAndNotItsLowWaterMark() throws Throwable {
    try (ServerSocketChannel listener =
            ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel dialed = SocketChannel.open(listener.getLocalAddress());
        SocketChannel accepted = listener.accept()) {
      int lowWaterBefore = lowWater(dialed);
      // Linux reserves twice the size asked for (socket(7)); the JDK reports half of that.
      int fixed = SendQueueLimit.LOOPBACK_SEND_BUFFER_BYTES;
      assertNotEquals(fixed, dialed.getOption(StandardSocketOptions.SO_SNDBUF), "the kernel's default");
      assertTrue(SendQueueLimit.apply(dialed));
      assertTrue(SendQueueLimit.apply(accepted));
      assertEquals(fixed, dialed.getOption(StandardSocketOptions.SO_SNDBUF));
      assertEquals(fixed, accepted.getOption(StandardSocketOptions.SO_SNDBUF));
      assertEquals(lowWaterBefore, lowWater(dialed));
      assertEquals(lowWaterBefore, lowWater(accepted));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--enable-preview", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
  void aJvmWithoutTheFlagsLeavesTheSocketAsItIsAndSaysNothing(String flag) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    CommandResult run = Commands.run(List.of(java.toString(), "--enable-preview", flag,
        "-cp", System.getProperty("java.class.path"), WithoutFlags.class.getName()), Duration.ofSeconds(60));
    assertEquals("applied: false\n", run.stdout());
    assertEquals("", run.stderr(), "no warning about native access");
    assertEquals(0, run.status());
  }

  /** Run in a JVM of its own, without --enable-native-access (and with or without the export). */
  static final class WithoutFlags {
    public static void main(String[] args) throws Exception {
      try (SocketChannel socket = SocketChannel.open()) {
        System.out.println("applied: " + SendQueueLimit.setLowWater(socket));
      }
    }
  }

  private static int lowWater(NetworkChannel socket) throws Throwable {
    int fd = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(socket);
    Linker linker = Linker.nativeLinker();
    MethodHandle getsockopt = linker.downcallHandle(
        linker.defaultLookup().findOrThrow("getsockopt"),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, Integer.BYTES);
      assertEquals(0, (int) getsockopt.invokeExact(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, value, length));
      return value.get(ValueLayout.JAVA_INT, 0);
    }
  }
}
