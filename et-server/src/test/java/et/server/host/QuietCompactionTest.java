package et.server.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuietCompactionTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void aQuietSpellIsCompactedOnceWhenItHasLastedItsTime() {
    QuietCompaction compaction = new QuietCompaction(Duration.ofSeconds(20), 7, 0);
    assertFalse(compaction.due(7, 19 * SECOND), "not before the quiet time");
    assertTrue(compaction.due(7, 20 * SECOND));
    assertFalse(compaction.due(7, 40 * SECOND), "once a spell");
    assertFalse(compaction.due(7, 400 * SECOND), "once a spell");
  }

  @Test
  void anythingMovingStartsTheQuietTimeAgain() {
    QuietCompaction compaction = new QuietCompaction(Duration.ofSeconds(20), 7, 0);
    assertFalse(compaction.due(8, 15 * SECOND), "it moved");
    assertFalse(compaction.due(8, 30 * SECOND), "quiet only since 15 s");
    assertTrue(compaction.due(8, 35 * SECOND));
    assertFalse(compaction.due(3, 40 * SECOND), "a session ended: it moved");
    assertFalse(compaction.due(3, 55 * SECOND));
    assertTrue(compaction.due(3, 60 * SECOND), "a new spell is compacted again");
  }
}
