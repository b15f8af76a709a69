package et.client;

/**
 * Thrown in the et agent when a run cannot be served there and nothing of it happened yet (ssh
 * would have to ask for something, or the command line needs a process of its own): the user's et
 * then runs the whole client itself.
 */
final class NeedsWholeClient extends RuntimeException {
  NeedsWholeClient(String why) {
    super(why, null, false, false);
  }
}
