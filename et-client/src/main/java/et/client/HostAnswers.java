package et.client;

import et.terminal.BootstrapReply;
import et.terminal.HostRequest;

/**
 * Where the answer to a host request comes from: etterminal over ssh ({@link Bootstrap.Running}),
 * or a running et's session, with ssh as the fallback ({@link SharedFirst}). Closing it stops
 * whatever is still waiting to be asked.
 */
interface HostAnswers extends AutoCloseable {
  /**
   * Sends {@code request} and returns the host's answer, which must be of type {@code expected}.
   *
   * @throws BootstrapFailure when no such answer came, with a message for the user
   */
  <T extends BootstrapReply> T answer(HostRequest request, Class<T> expected) throws BootstrapFailure, InterruptedException;

  @Override
  void close();
}
