package et.core.resume;

import java.time.Instant;

/**
 * Every reconnection since {@code since} was refused without the server's proof; the client gives
 * up at {@code giveUpAt} unless one gets through.
 */
public record RefusalStreak(String reason, Instant since, Instant giveUpAt) {}
