package et.core.testing;


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
    // On stderr, so the seed stands in the test report next to a failure.
    System.err.println(test + ": seed " + seed + " (rerun with -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }
}
