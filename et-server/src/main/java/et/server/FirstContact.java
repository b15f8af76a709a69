package et.server;

import et.server.request.HostConnector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.tinylog.Logger;

/**
 * A first contact answered by the session host itself (docs/TERMINAL.md, "The session host"). When
 * no host socket exists yet, the etterminal launcher (first-contact.sh) runs {@code et-host
 * --first-contact} instead of etterminal's JVM: one JVM start on the first run's path instead of
 * two. The host gets ssh's stdin, and a pipe back to the launcher as its stdout and stderr; once it
 * serves, it reads the request and answers it as etterminal would ({@link Etterminal#answer},
 * through its own socket, or through that of a host that won the start), then hands the launcher
 * what etterminal would have printed, in a frame after whatever the JVM printed before:
 *
 * <pre>
 * et-first-contact STATUS
 * STDOUT-LINE
 * STDERR-LINE
 * </pre>
 *
 * Each line is empty when etterminal had nothing to print there; line breaks within are spaces.
 * The launcher prints the two lines and exits with STATUS. stdin is closed once answered, so the
 * host keeps none of the ssh session's descriptors and that session ends with the launcher.
 */
final class FirstContact {
  static final String TAG = "et-first-contact";

  private FirstContact() {}

  /** Answers the request on {@code stdin} through {@code host}, writing the frame to {@code launcher}. */
  static int answer(InputStream stdin, PrintStream launcher, HostConnector host) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Etterminal.answer(stdin, utf8(out), utf8(err), host);
    try {
      stdin.close();
    } catch (IOException e) {
      Logger.debug("closing stdin: {}", e.getMessage());
    }
    launcher.print(TAG + " " + status + "\n" + oneLine(out) + "\n" + oneLine(err) + "\n");
    launcher.flush();
    Logger.info("answered a first contact: status {}", status);
    return status;
  }

  private static PrintStream utf8(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String oneLine(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8).strip().replaceAll("[\r\n]+", " ");
  }
}
