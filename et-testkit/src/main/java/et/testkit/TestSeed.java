package et.testkit;

/**
 * The seed of a randomized test: the system property {@code et.seed} when set (to replay a
 * failure), otherwise a fresh one. Either way it is printed on stderr, which the test report keeps
 * next to a failure, so every run can be reproduced.
 */
public final class TestSeed {
  /** The system property that replays a run: {@code -Det.seed=N}. */
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
