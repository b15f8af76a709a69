package et.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Typing into the terminal benchmarks' remote shell, a bash whose prompt is {@code READY>}: waiting
 * for that prompt, and timing the echo of one printable key from its write on the PTY master to
 * the arrival of the echoed char.
 */
final class ShellKeys {
  static final String REMOTE_SHELL = "env PS1='READY> ' bash --norc -i";
  /** Keys between two Ctrl-U, so that the line stays short. */
  static final int CLEAR_EVERY = 25;
  private static final String PROMPT = "READY>";
  private static final String CHARS = "qwertyuiopasdfgzxcvbnjk"; // none of them ends an escape sequence
  private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(5);

  private ShellKeys() {}

  /** Waits for the prompt and for the shell to finish its start; returns the time to prompt in ms. */
  static double awaitPrompt(PtySession pty) throws Exception {
    long prompt = pty.await(pty.expect(PROMPT, 0), PROMPT_TIMEOUT);
    // Let the shell finish its start (bracketed paste mode and the like) before typing.
    pty.awaitQuiet(Duration.ofMillis(200), Duration.ofSeconds(2));
    return (prompt - pty.startNanos()) / 1e6;
  }

  /** Types the {@code index}-th key of the cycle and returns its echo latency in ms. */
  static double echo(PtySession pty, int index) throws Exception {
    String key = String.valueOf(CHARS.charAt(index % CHARS.length()));
    CompletableFuture<Long> echo = pty.expectNext(key);
    long written = System.nanoTime();
    pty.type(key.getBytes(StandardCharsets.US_ASCII));
    return (pty.await(echo, ECHO_TIMEOUT) - written) / 1e6;
  }

  /** Clears the shell's line (Ctrl-U) and waits for its redraw to end. */
  static void clearLine(PtySession pty) throws Exception {
    pty.type(new byte[] {0x15});
    pty.awaitQuiet(Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  /**
   * Sleeps a random {@code minMillis}..{@code maxMillis} ms (both included), so that keys do not
   * lock onto a sender's timer.
   */
  static void pause(Random random, int minMillis, int maxMillis) throws InterruptedException {
    Thread.sleep(Duration.ofMillis(minMillis + random.nextInt(maxMillis - minMillis + 1)));
  }
}
