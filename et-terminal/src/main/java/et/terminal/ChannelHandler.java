package et.terminal;

import et.core.Channel;

/**
 * What a session does with one kind of channel, by the label its opener gave it ({@link
 * ChannelDispatcher}): it runs as a task of the session's group from the moment the channel
 * opens, and should return when the channel or the session ends.
 */
@FunctionalInterface
public interface ChannelHandler {
  void serve(Channel channel) throws Exception;

  /**
   * A handler that only takes note of its channel: it runs on the dispatcher's own thread, in the
   * order the channels opened (the program's setup, where the first channel chooses the mode), and
   * must not block.
   */
  @FunctionalInterface
  public interface InOrder extends ChannelHandler {}
}
