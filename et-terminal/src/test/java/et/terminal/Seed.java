package et.terminal;

/** The seed of a randomized test: {@code -Det.seed=N} to replay one, else fresh; printed either way. */
final class Seed {
  private Seed() {}

  static long forTest(String test) {
    String given = System.getProperty("et.seed");
    long seed = given != null ? Long.parseLong(given) : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
    System.err.println(test + ": seed " + seed + " (rerun with -Det.seed=" + seed + ")");
    return seed;
  }
}
