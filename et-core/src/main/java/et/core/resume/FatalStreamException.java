package et.core.resume;

import java.io.IOException;

/**
 * An authenticated peer broke the protocol in a way a replay would repeat (an acknowledgement of
 * frames never sent, a flow-control violation): the session ends rather than loop reconnecting.
 */
public final class FatalStreamException extends IOException {
  public FatalStreamException(String message) {
    super(message);
  }
}
