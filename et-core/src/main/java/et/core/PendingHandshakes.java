package et.core;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The handshakes an {@link EternalServer} has in progress, capped in all and per source address so
 * that a flood of idle connections cannot lock others out: when a cap is reached, the oldest
 * pending handshake gives way (the source's own oldest when its share is full, else the oldest of
 * all), never the newcomer. An honest handshake takes a round trip or two; an idle one holds its
 * place until the first-frame deadline closes it, or until newer ones push it out.
 *
 * <p>Invariants: {@code pending.size() ≤ max}; for each source, its count in {@code perSource}
 * equals its entries in {@code pending} and is at most {@code share}. Thread-safe: the accept loop
 * admits, handshake tasks finish.
 */
final class PendingHandshakes {
  private final int max;
  private final int share;
  /** Each pending handshake's socket and source, oldest first. */
  private final LinkedHashMap<SocketChannel, InetAddress> pending = new LinkedHashMap<>();
  private final Map<InetAddress, Integer> perSource = new HashMap<>();

  PendingHandshakes(int max, int share) {
    if (max < 1 || share < 1 || share > max) {
      throw new IllegalArgumentException("need 1 <= share <= max: share " + share + ", max " + max);
    }
    this.max = max;
    this.share = share;
  }

  /**
   * Takes {@code socket} from {@code source} in; returns the pending handshake it displaces, for
   * the caller to close (outside this object's lock), if a cap was reached.
   */
  synchronized Optional<SocketChannel> admit(SocketChannel socket, InetAddress source) {
    Optional<SocketChannel> evicted = Optional.empty();
    if (perSource.getOrDefault(source, 0) >= share) {
      evicted = Optional.of(oldestFrom(source));
    } else if (pending.size() >= max) {
      evicted = Optional.of(pending.keySet().iterator().next());
    }
    evicted.ifPresent(this::remove);
    pending.put(socket, source);
    perSource.merge(source, 1, Integer::sum);
    return evicted;
  }

  /** The handshake on {@code socket} has ended, one way or another (also after an eviction). */
  synchronized void finished(SocketChannel socket) {
    remove(socket);
  }

  synchronized int size() {
    return pending.size();
  }

  /** Whether {@code socket}'s handshake is still in, not finished nor displaced. */
  synchronized boolean isPending(SocketChannel socket) {
    return pending.containsKey(socket);
  }

  private SocketChannel oldestFrom(InetAddress source) {
    for (Iterator<Map.Entry<SocketChannel, InetAddress>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<SocketChannel, InetAddress> entry = it.next();
      if (entry.getValue().equals(source)) {
        return entry.getKey();
      }
    }
    throw new IllegalStateException("source " + source + " counted but not pending");
  }

  private void remove(SocketChannel socket) {
    InetAddress source = pending.remove(socket);
    if (source != null) {
      perSource.computeIfPresent(source, (address, count) -> count == 1 ? null : count - 1);
    }
  }
}
