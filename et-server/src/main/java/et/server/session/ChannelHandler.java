package et.server.session;

import et.core.Channel;

/**
 * What a session does with one kind of channel, by the label the client gave it ({@link
 * ChannelDispatcher}): it runs as a task of the session's group from the moment the channel
 * opens, and should return when the channel or the session ends.
 */
@FunctionalInterface
interface ChannelHandler {
  void serve(Channel channel) throws Exception;
}
