package et.core.resume;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import et.core.channel.Multiplexer;
import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sequenced stream frames from an authenticated peer that breaks the rules: the fuzzer picks each
 * frame's type, channel, payload (as long as the header allows) and whether it is the next one, a
 * replay or a gap; the test seals it with the session's stream key, and the frame goes the way a received one goes: {@link
 * FrameReader}, {@link BackedReader}, then SESSION_CLOSE to {@link CloseProtocol} and channel frames
 * to {@link Multiplexer}. Every violation must end in a ProtocolException or a FatalStreamException,
 * which end the session; no other throwable.
 */
class StreamFramesFuzzTest {
  private static final FrameType[] STREAM_TYPES =
      Arrays.stream(FrameType.values()).filter(type -> type.kind == FrameType.Kind.STREAM).toArray(FrameType[]::new);
  /** Counts inputs: each gets its own stream key, as the JCE refuses to seal twice with one key and nonce. */
  private static long inputs;

  @FuzzTest
  void framesFromAHostilePeerEndTheSessionCleanly(FuzzedDataProvider peer) throws Exception {
    SequenceAead streamKey = new SequenceAead(ByteBuffer.allocate(32).putLong(++inputs).array());
    BackedReader reader = new BackedReader(streamKey);
    CloseProtocol close = new CloseProtocol();
    Multiplexer channels = new Multiplexer(null, peer.consumeBoolean(), FrameType.MAX_DATA_BYTES);
    // Frames as sent, by sequence number: a replay resends one (sealing a number twice would reuse a nonce).
    List<byte[]> sent = new ArrayList<>();
    try {
      while (peer.remainingBytes() > 0) {
        byte[] wire = switch (peer.consumeInt(0, 9)) {
          case 0 -> sent.isEmpty() ? newFrame(peer, streamKey, 0) : sent.get(peer.consumeInt(0, sent.size() - 1));
          case 1 -> newFrame(peer, streamKey, sent.size() + 1 + peer.consumeLong(0, Long.MAX_VALUE - sent.size() - 1));
          default -> newFrame(peer, streamKey, sent.size());
        };
        Frame received = new FrameReader(Channels.newChannel(new ByteArrayInputStream(wire))).read();
        var opened = reader.accept(received);
        if (opened.isEmpty()) {
          continue; // a replayed frame: dropped
        }
        sent.add(wire);
        if (received.type() == FrameType.SESSION_CLOSE) {
          close.peerClosing(opened.get(), reader.received());
        } else {
          channels.deliver(received.type(), received.header().channel(), opened.get());
        }
      }
    } catch (ProtocolException | FatalStreamException sessionEnds) {
      // the peer broke the protocol: the session ends, the process goes on
    }
  }

  /** A frame of the fuzzer's type, channel and payload (as long as the type allows), sealed as {@code sequence}. */
  private static byte[] newFrame(FuzzedDataProvider peer, SequenceAead streamKey, long sequence) {
    FrameType type = peer.pickValue(STREAM_TYPES);
    int channel = peer.consumeBoolean() ? peer.consumeInt(-1, 8) : peer.consumeInt();
    int payloadBytes = peer.consumeInt(type.minBody - SequenceAead.TAG_BYTES, type.maxBody - SequenceAead.TAG_BYTES);
    return Frame.seal(streamKey, type, channel, sequence, peer.consumeBytes(payloadBytes)).wire();
  }
}
