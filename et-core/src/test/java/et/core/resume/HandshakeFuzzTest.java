package et.core.resume;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.core.wire.FrameReader;
import et.core.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Both sides of {@link Handshake} against a peer that sends arbitrary bytes and then closes: the
 * first input byte chooses the side (even: the server reading HELLO and PROOF; odd: the client
 * reading CHALLENGE, REFUSE and RESUME), the rest is what the peer sends. A handshake may only end
 * in a ProtocolException, a RefusedException or an EOFException; a forged PROOF or RESUME never
 * authenticates.
 */
class HandshakeFuzzTest {
  private static final byte[] SECRET = new byte[32];
  private static final byte[] SESSION_ID = new byte[Handshake.SESSION_ID_BYTES];
  private static final byte[] CLIENT_INSTANCE = new byte[Handshake.CLIENT_INSTANCE_BYTES];

  @FuzzTest
  void peerBytesEndTheHandshakeWithAProtocolError(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    byte[] peerSends = Arrays.copyOfRange(input, 1, input.length);
    Path dir = Files.createTempDirectory("handshake-fuzz");
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
        SocketChannel ours = SocketChannel.open(address);
        SocketChannel peer = listener.accept()) {
      // Far below a socket buffer, so the peer's whole message is in before the handshake starts.
      peer.write(ByteBuffer.wrap(peerSends));
      peer.shutdownOutput();
      if ((input[0] & 1) == 0) {
        FrameReader reader = new FrameReader(ours);
        Handshake.Hello hello = Handshake.readHello(ours, reader);
        Handshake.challenge(ours, reader, hello, SECRET, "fuzz");
      } else {
        Handshake.client(ours, SESSION_ID, SECRET, CLIENT_INSTANCE, 0, "fuzz");
      }
      throw new AssertionError("the fuzzer forged a proof of the secret");
    } catch (ProtocolException | RefusedException | EOFException expected) {
      // the connection ends; the server and the session go on
    } finally {
      Files.deleteIfExists(address.getPath());
      Files.delete(dir);
    }
  }
}
