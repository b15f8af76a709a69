package et.core.testing;

import org.tinylog.Logger;

/**
 * The seed of a randomized test: the system property {@code et.seed} when set (to replay a
 * failure), otherwise a fresh one. Either way it is logged, so every run can be reproduced.
 */
public final class TestSeed {
  public static final String PROPERTY = "et.seed";

  private TestSeed() {}

  /** The seed for {@code test}, logged under that name. */
  public static long forTest(String test) {
    String given = System.getProperty(PROPERTY);
    long seed = given != null ? Long.parseLong(given) : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
    Logger.info("{}: seed {} (rerun with -D{}={})", test, seed, PROPERTY, seed);
    return seed;
  }
}
