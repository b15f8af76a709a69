package et.client.thin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of the thin client's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}):
 * one hand-over to a stand-in agent on a socket of its own, which answers at once that the session
 * ran and exited with 0. The cache then holds the classes a real hand-over loads. Prints nothing.
 */
public final class ThinTraining {
  private ThinTraining() {
  }

  public static void main(String[] args) throws Exception {
    Path directory = Files.createTempDirectory("et-thin-training");
    Path socket = directory.resolve("agent.sock");
    try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      agent.bind(UnixDomainSocketAddress.of(socket));
      Thread answering = Thread.ofPlatform().start(() -> answer(agent));
      Foreground.isThisProcess(); // as every start asks
      int status = ThinClient.runThroughAgent(socket, Path.of("/dev/null"), new String[] {"-c", "true"});
      answering.join();
      if (status != 0) {
        throw new IllegalStateException("the training hand-over ended with " + status);
      }
    } finally {
      Files.deleteIfExists(socket);
      Files.delete(directory);
    }
  }

  /** Takes one request and answers: running, exited 0. */
  private static void answer(ServerSocketChannel agent) {
    try (SocketChannel et = agent.accept()) {
      et.read(ByteBuffer.allocate(64 * 1024));
      ByteBuffer reply = ByteBuffer.allocate(6).put(ThinClient.RUNNING).put(ThinClient.EXITED).putInt(0).flip();
      while (reply.hasRemaining()) {
        et.write(reply);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the stand-in agent failed", e);
    }
  }
}
