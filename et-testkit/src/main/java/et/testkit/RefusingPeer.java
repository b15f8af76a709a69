package et.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Stands where an et server should be and answers each handshake as anyone on the path could:
 * it reads the client's HELLO and sends REFUSE 1 "no such session" with 32 random bytes where the
 * server's proof would be (docs/PROTOCOL.md, section 4). Written from the document, byte by byte,
 * as a hostile peer would be. A program of its own ({@link #main}) so it can run inside a {@link
 * NetLab} namespace ({@link LabProgram}); it prints "ready" once bound and "refused" after each
 * answer.
 */
public final class RefusingPeer {
  private static final int HEADER_BYTES = 17;
  private static final int HELLO_BODY_BYTES = 49;
  private static final byte REFUSE = 0x05;
  private static final byte NO_SESSION = 1;
  private static final int PROOF_BYTES = 32;

  private RefusingPeer() {}

  /** {@code RefusingPeer PORT}: listens on 127.0.0.1:PORT until killed. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    try (ServerSocket listener = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getLoopbackAddress())) {
      out.println("ready");
      out.flush();
      SecureRandom random = new SecureRandom();
      while (true) {
        try (Socket socket = listener.accept()) {
          InputStream in = socket.getInputStream();
          if (in.readNBytes(HEADER_BYTES + HELLO_BODY_BYTES).length < HEADER_BYTES + HELLO_BODY_BYTES) {
            continue; // the client gave up before its HELLO was whole
          }
          socket.getOutputStream().write(refusal(random));
          out.println("refused");
          out.flush();
        } catch (IOException e) {
          // that client's connection failed; answer the next
        }
      }
    }
  }

  private static byte[] refusal(SecureRandom random) {
    byte[] proof = new byte[PROOF_BYTES];
    random.nextBytes(proof);
    byte[] text = "no such session".getBytes(StandardCharsets.UTF_8);
    int bodyLength = 1 + PROOF_BYTES + text.length;
    return ByteBuffer.allocate(HEADER_BYTES + bodyLength)
        .put(REFUSE).putInt(0).putLong(0).putInt(bodyLength) // header: type, channel 0, seq 0, length
        .put(NO_SESSION).put(proof).put(text)
        .array();
  }
}
