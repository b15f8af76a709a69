package et.core.wire;

import java.io.IOException;

/** The peer sent something the protocol does not allow. Ends that connection, never the process. */
public class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }
}
