package et.core;

import java.time.Instant;

/**
 * A client's reconnections have all been refused since {@code since}, by refusals that carried no
 * proof that the server knows the session; the session ends at {@code giveUpAt} unless one gets
 * through (the refusal limit, {@link SessionOptions#refusalLimit}).
 *
 * @param reason what the refusals said, for people
 */
public record UnprovenRefusals(String reason, Instant since, Instant giveUpAt) {}
