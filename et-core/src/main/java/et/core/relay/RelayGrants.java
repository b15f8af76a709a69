package et.core.relay;

import et.core.SessionCredentials;
import et.core.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The relay grants one host has made, by id (docs/PROTOCOL.md section 10, "Grants"). A grant is
 * dropped once it has gone {@link #IDLE_LIMIT} without use: no client proved it and no path it
 * opened was open. At most {@link #MAX_GRANTS} are kept: a new one pushes out the least recently
 * used grant that carries no open path. A client whose grant went renews it over ssh, as after a
 * restart of the host (which forgets every grant). Thread-safe.
 *
 * <p>Invariants: {@code 0 ≤ openPaths} of every entry; {@code grants} is ordered by last use, the
 * least recently used first; {@code grants.size() ≤ MAX_GRANTS}.
 */
public final class RelayGrants {
  static final int MAX_GRANTS = 1024;
  /** How long a grant may go unused before it is dropped. */
  public static final Duration IDLE_LIMIT = Duration.ofHours(24);

  /** A grant, when it was last used, and how many relayed paths it carries now. */
  private static final class Entry {
    final RelayGrant grant;
    Instant lastUsed;
    int openPaths;

    Entry(RelayGrant grant, Instant lastUsed) {
      this.grant = grant;
      this.lastUsed = lastUsed;
    }
  }

  private final InstantSource clock;
  private final Duration idleLimit;
  /** Least recently used first; guarded by this. */
  private final Map<SessionId, Entry> grants = new LinkedHashMap<>();

  public RelayGrants() {
    this(InstantSource.system(), IDLE_LIMIT);
  }

  /** Grants timed by {@code clock}, dropped after {@code idleLimit} without use. */
  RelayGrants(InstantSource clock, Duration idleLimit) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idleLimit = Objects.requireNonNull(idleLimit, "idleLimit");
  }

  /** Makes a grant with fresh credentials for {@code destinationHost}. */
  public synchronized RelayGrant create(String destinationHost) {
    dropExpired();
    if (grants.size() >= MAX_GRANTS) {
      dropLeastRecentlyUsed();
    }
    RelayGrant grant = new RelayGrant(SessionCredentials.generate(), destinationHost);
    grants.put(grant.credentials().id(), new Entry(grant, clock.instant()));
    return grant;
  }

  /** The grant with {@code id}, if this host made it and still keeps it; looking does not count as use. */
  public synchronized Optional<RelayGrant> find(SessionId id) {
    dropExpired();
    return Optional.ofNullable(grants.get(id)).map(entry -> entry.grant);
  }

  /** A client proved {@code grant}: it is used now. */
  synchronized void used(RelayGrant grant) {
    touch(grant.credentials().id());
  }

  /** A path of {@code grant} opened: the grant stays while it is open. */
  synchronized void pathOpened(RelayGrant grant) {
    touch(grant.credentials().id()).ifPresent(entry -> entry.openPaths++);
  }

  /** A path of {@code grant} closed: the grant is idle from now if it carries no other. */
  synchronized void pathClosed(RelayGrant grant) {
    touch(grant.credentials().id()).ifPresent(entry -> {
      if (entry.openPaths == 0) {
        throw new IllegalStateException("closed a path " + grant + " never opened");
      }
      entry.openPaths--;
    });
  }

  public synchronized int size() {
    return grants.size();
  }

  /** Marks the grant with {@code id} used now and moves it to the most recently used end. */
  private Optional<Entry> touch(SessionId id) {
    Entry entry = grants.remove(id);
    if (entry == null) {
      return Optional.empty(); // pushed out between the client's hello and its proof: the path goes on untracked
    }
    entry.lastUsed = clock.instant();
    grants.put(id, entry);
    return Optional.of(entry);
  }

  private void dropExpired() {
    Instant oldestKept = clock.instant().minus(idleLimit);
    grants.values().removeIf(entry -> entry.openPaths == 0 && !entry.lastUsed.isAfter(oldestKept));
  }

  private void dropLeastRecentlyUsed() {
    for (Iterator<Entry> entries = grants.values().iterator(); entries.hasNext(); ) {
      if (entries.next().openPaths == 0) {
        entries.remove();
        return;
      }
    }
    throw new IllegalStateException("all " + grants.size() + " grants carry open paths");
  }
}
