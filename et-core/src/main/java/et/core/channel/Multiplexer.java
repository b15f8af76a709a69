package et.core.channel;

import et.core.resume.FatalStreamException;
import et.core.resume.ResumableStream;
import et.core.wire.FrameType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many independent byte channels over one resumable stream. The client numbers its channels odd
 * and the server even, so both may open at once without agreeing first. Channel frames are
 * sequenced stream frames: opens, data, window credit and closes survive reconnects like any byte.
 *
 * <p>Threads: {@link #deliver} runs on the socket-reader and never blocks; everything else on
 * application threads.
 */
public final class Multiplexer {
  /** Most channels one side may have open in a session. */
  public static final int MAX_OPEN_CHANNELS = 1024;
  /** Queued to wake every acceptor once the session has ended. */
  private static final ChannelEnd END_OF_ACCEPTS =
      new ChannelEnd(0, "", FrameType.MAX_DATA_BYTES, null);

  private final ResumableStream stream;
  private final int window;
  private final boolean clientSide;
  private final ConcurrentHashMap<Integer, ChannelEnd> channels = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<ChannelEnd> accepted = new LinkedBlockingQueue<>();
  private final AtomicInteger nextId;
  /** Channels the peer opened and has not sent CHANNEL_CLOSE for. */
  private final AtomicInteger peerOpened = new AtomicInteger();
  /** Channels we opened and have not sent CHANNEL_CLOSE for; the peer enforces the same cap. */
  private final AtomicInteger ownOpen = new AtomicInteger();
  private volatile boolean ended;

  public Multiplexer(ResumableStream stream, boolean clientSide, int window) {
    if (window < FrameType.MAX_DATA_BYTES) {
      throw new IllegalArgumentException("window must be at least one frame: " + window);
    }
    this.stream = stream;
    this.clientSide = clientSide;
    this.window = window;
    this.nextId = new AtomicInteger(clientSide ? 1 : 2);
  }

  /** Opens a channel; the peer receives it from {@link #accept}. */
  public ChannelEnd open(String label) throws IOException, InterruptedException {
    byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
    if (labelBytes.length > FrameType.MAX_LABEL_BYTES) {
      throw new IllegalArgumentException("label longer than " + FrameType.MAX_LABEL_BYTES + " bytes: " + label);
    }
    if (ended) {
      throw new IOException("session ended");
    }
    if (ownOpen.incrementAndGet() > MAX_OPEN_CHANNELS) {
      ownOpen.decrementAndGet();
      throw new IOException("already " + MAX_OPEN_CHANNELS + " channels open in this session");
    }
    int id = nextId.getAndAdd(2);
    if (id <= 0) {
      throw new IOException("channel ids exhausted in this session");
    }
    ChannelEnd channel = new ChannelEnd(id, label, window, this);
    channels.put(id, channel);
    send(FrameType.CHANNEL_OPEN, id, labelBytes);
    return channel;
  }

  /** The next channel the peer opened, waiting up to {@code timeout}; null on timeout or end. */
  public ChannelEnd accept(Duration timeout) throws InterruptedException {
    ChannelEnd channel = accepted.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (channel == END_OF_ACCEPTS) {
      accepted.add(END_OF_ACCEPTS); // for the next acceptor
      return null;
    }
    return channel;
  }

  /** Routes one channel frame from the peer. Socket-reader thread; never blocks. */
  public void deliver(FrameType type, int id, byte[] payload) throws FatalStreamException {
    if (type == FrameType.CHANNEL_OPEN) {
      onOpen(id, payload);
      return;
    }
    ChannelEnd channel = channels.get(id);
    if (channel == null) {
      return; // in flight when both sides closed it (ids are never reused)
    }
    switch (type) {
      case CHANNEL_DATA -> channel.onData(payload);
      case CHANNEL_WINDOW -> channel.onWindow(payload);
      case CHANNEL_EOF -> channel.onEof();
      case CHANNEL_CLOSE -> {
        channel.onClose();
        peerOpenedDone(id);
        forgetIfDone(channel);
      }
      default -> throw new FatalStreamException("not a channel frame: " + type);
    }
  }

  private void onOpen(int id, byte[] labelBytes) throws FatalStreamException {
    if (id <= 0 || isOurs(id) || channels.containsKey(id)) {
      throw new FatalStreamException("peer opened channel " + id + " which is not its to open");
    }
    if (peerOpened.incrementAndGet() > MAX_OPEN_CHANNELS) {
      throw new FatalStreamException("peer opened more than " + MAX_OPEN_CHANNELS + " channels");
    }
    ChannelEnd channel =
        new ChannelEnd(id, new String(labelBytes, StandardCharsets.UTF_8), window, this);
    channels.put(id, channel);
    accepted.add(channel);
  }

  private void peerOpenedDone(int id) {
    if (!isOurs(id)) {
      peerOpened.decrementAndGet();
    }
  }

  /** We sent CHANNEL_CLOSE for {@code channel}: one of ours no longer counts against the cap. */
  void closedLocally(ChannelEnd channel) {
    if (isOurs(channel.id())) {
      ownOpen.decrementAndGet();
    }
    forgetIfDone(channel);
  }

  private boolean isOurs(int id) {
    return (id & 1) == (clientSide ? 1 : 0);
  }

  void forgetIfDone(ChannelEnd channel) {
    if (channel.bothClosed()) {
      channels.remove(channel.id(), channel);
    }
  }

  /** How much data a frame should carry now (the stream's {@link ResumableStream#dataFrameBytes}). */
  int dataFrameBytes() {
    return stream.dataFrameBytes();
  }

  void send(FrameType type, int id, byte[] payload) throws IOException, InterruptedException {
    stream.send(type, id, payload);
  }

  /** The session ended: every channel's readers drain and then see EOF or {@code failure}. */
  public void endAll(IOException failureOrNull) {
    ended = true;
    for (ChannelEnd channel : channels.values()) {
      channel.onSessionEnd(failureOrNull);
    }
    channels.clear();
    accepted.add(END_OF_ACCEPTS);
  }
}
