package et.client.testing;

/**
 * The seed of a randomized test: the system property {@code et.seed} when set (to replay a
 * failure), otherwise a fresh one; printed on stderr either way, so every run can be reproduced.
 * (Same contract as et-core's test helper, which is not visible from this module.)
 */
public final class TestSeed {
  public static final String PROPERTY = "et.seed";

  private TestSeed() {}

  /** The seed for {@code test}, printed under that name. */
  public static long forTest(String test) {
    String given = System.getProperty(PROPERTY);
    long seed = given != null ? Long.parseLong(given) : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
    System.err.println(test + ": seed " + seed + " (rerun with -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }
}
