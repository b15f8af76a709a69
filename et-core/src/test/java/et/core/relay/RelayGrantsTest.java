package et.core.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.SessionId;
import et.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a host drops its relay grants: after a day unused, and the least recently used at the cap. */
class RelayGrantsTest {
  private static final Duration JUST_UNDER = RelayGrants.IDLE_LIMIT.minusMillis(1);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T09:00:00Z"));
  private final RelayGrants grants = new RelayGrants(clock, RelayGrants.IDLE_LIMIT);

  private boolean kept(RelayGrant grant) {
    return grants.find(id(grant)).isPresent();
  }

  private static SessionId id(RelayGrant grant) {
    return grant.credentials().id();
  }

  @Test
  void aGrantNeverUsedIsDroppedOnceTheIdleLimitHasPassed() {
    RelayGrant grant = grants.create("target");
    clock.advance(JUST_UNDER);
    assertTrue(kept(grant), "kept until the limit");
    clock.advance(Duration.ofMillis(1));
    assertEquals(Optional.empty(), grants.find(id(grant)));
    assertEquals(0, grants.size());
  }

  @Test
  void useRestartsTheIdleTimeAndLookingDoesNot() {
    RelayGrant grant = grants.create("target");
    clock.advance(JUST_UNDER);
    grants.used(grant);
    clock.advance(JUST_UNDER);
    assertTrue(kept(grant), "a proof restarted the idle time");
    clock.advance(Duration.ofMillis(1));
    assertTrue(!kept(grant), "finding it (any stranger's hello does) is no use");
  }

  @Test
  void anOpenPathKeepsItsGrantAndTheIdleTimeStartsWhenTheLastOneCloses() {
    RelayGrant grant = grants.create("target");
    grants.pathOpened(grant);
    grants.pathOpened(grant);
    clock.advance(RelayGrants.IDLE_LIMIT.multipliedBy(3));
    assertTrue(kept(grant), "kept while its paths are open");
    grants.pathClosed(grant);
    clock.advance(RelayGrants.IDLE_LIMIT);
    assertTrue(kept(grant), "one path still open");
    grants.pathClosed(grant);
    clock.advance(JUST_UNDER);
    assertTrue(kept(grant), "idle only since its last path closed");
    clock.advance(Duration.ofMillis(1));
    assertTrue(!kept(grant));
    assertThrows(IllegalStateException.class, () -> {
      RelayGrant other = grants.create("target");
      grants.pathClosed(other);
    });
  }

  @Test
  void atTheCapTheLeastRecentlyUsedIdleGrantGivesWayToTheNewOne() {
    List<RelayGrant> made = new ArrayList<>();
    for (int i = 0; i < RelayGrants.MAX_GRANTS; i++) {
      made.add(grants.create("target"));
      clock.advance(Duration.ofSeconds(1));
    }
    RelayGrant oldestButUsed = made.get(0);
    RelayGrant oldestButOpen = made.get(1);
    RelayGrant leastRecentlyUsed = made.get(2);
    grants.used(oldestButUsed);
    grants.pathOpened(oldestButOpen);

    RelayGrant fresh = grants.create("target");

    assertEquals(RelayGrants.MAX_GRANTS, grants.size());
    assertTrue(kept(fresh), "the new grant is made, not refused");
    assertTrue(!kept(leastRecentlyUsed), "the least recently used idle grant went");
    assertTrue(kept(oldestButUsed), "used since it was made");
    assertTrue(kept(oldestButOpen), "carries an open path");
    assertTrue(kept(made.get(3)));
  }

  @Test
  void expiredGrantsMakeRoomBeforeAnyInUseWouldGo() {
    RelayGrant stale = grants.create("target");
    clock.advance(RelayGrants.IDLE_LIMIT);
    RelayGrant fresh = grants.create("target");
    assertEquals(1, grants.size());
    assertTrue(kept(fresh) && !kept(stale));
  }
}
