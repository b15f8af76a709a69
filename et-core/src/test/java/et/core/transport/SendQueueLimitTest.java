package et.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel's own settings read back, on both ends of a loopback connection: the low-water mark
 * (set, as on a connection to another machine, and following the rate the kernel measures) and the
 * send buffer that apply fixes instead on a connection to this machine; and a JVM without the
 * flags, or with the export alone: no low-water mark, no warning.
 */
class SendQueueLimitTest {
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_NOTSENT_LOWAT = 25;

  @Test
  void boundsTheUnsentBytesOfADialedAndOfAnAcceptedSocket() throws Throwable {
    try (LoopbackPair pair = LoopbackPair.open()) {
      SocketChannel dialed = pair.dialed();
      SocketChannel accepted = pair.accepted();
      assertNotEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(dialed), "the kernel's default");
      assertTrue(SendQueueLimit.lowWater(dialed).follows());
      assertTrue(SendQueueLimit.lowWater(accepted).follows());
      assertEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(dialed));
      assertEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(accepted));
    }
  }

  @Test
  void followsTheRateTheKernelMeasuresAtMostEveryInterval() throws Throwable {
    try (LoopbackPair pair = LoopbackPair.open()) {
      SocketChannel dialed = pair.dialed();
      SocketChannel accepted = pair.accepted();
      SendQueueLimit limit = SendQueueLimit.lowWater(dialed);
      long now = System.nanoTime();
      limit.follow(now); // nothing delivered yet: the least
      assertEquals(SendQueueLimit.MIN_LOW_WATER_BYTES, lowWater(dialed));

      Thread reader = Thread.ofVirtual().start(() -> drain(accepted));
      ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
      for (int i = 0; i < 256; i++) { // 16 MiB, at loopback's rate
        chunk.clear();
        while (chunk.hasRemaining()) {
          dialed.write(chunk);
        }
      }
      limit.follow(now + 1); // too soon: unchanged
      assertEquals(SendQueueLimit.MIN_LOW_WATER_BYTES, lowWater(dialed));
      limit.follow(now + SendQueueLimit.FOLLOW_EVERY.toNanos());
      assertEquals(SendQueueLimit.LOW_WATER_BYTES, lowWater(dialed), "gigabytes a second: the most");
      dialed.shutdownOutput();
      reader.join();
    }
  }

  @ParameterizedTest
  @CsvSource({"-1, 16384", "0, 16384", "2500000, 16384", "6500000, 32500", "12500000, 62500", "125000000, 65536"})
  void leavesWhatThePathDeliversInFiveMilliseconds(long bytesPerSecond, int lowWater) {
    assertEquals(lowWater, SendQueueLimit.lowWaterFor(bytesPerSecond));
  }

  @Test
  void fixesTheSendBufferOfAConnectionToThisMachineAndNotItsLowWaterMark() throws Throwable {
    try (LoopbackPair pair = LoopbackPair.open()) {
      SocketChannel dialed = pair.dialed();
      SocketChannel accepted = pair.accepted();
      int lowWaterBefore = lowWater(dialed);
      // Linux reserves twice the size asked for (socket(7)); the JDK reports half of that.
      int fixed = SendQueueLimit.LOOPBACK_SEND_BUFFER_BYTES;
      assertNotEquals(fixed, dialed.getOption(StandardSocketOptions.SO_SNDBUF), "the kernel's default");
      assertFalse(SendQueueLimit.apply(dialed).follows(), "nothing to follow");
      assertFalse(SendQueueLimit.apply(accepted).follows());
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
        System.out.println("applied: " + SendQueueLimit.lowWater(socket).follows());
      }
    }
  }

  /** Both ends of a connection on loopback. */
  private record LoopbackPair(SocketChannel dialed, SocketChannel accepted) implements AutoCloseable {
    static LoopbackPair open() throws IOException {
      try (ServerSocketChannel listener =
          ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        SocketChannel dialed = SocketChannel.open(listener.getLocalAddress());
        return new LoopbackPair(dialed, listener.accept());
      }
    }

    @Override
    public void close() throws IOException {
      try (dialed; accepted) {
        // both closed
      }
    }
  }

  private static void drain(SocketChannel socket) {
    ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    try {
      while (socket.read(buffer.clear()) >= 0) {
        // discard
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
