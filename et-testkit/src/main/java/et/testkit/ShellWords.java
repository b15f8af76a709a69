package et.testkit;

import java.nio.file.Path;

/** Pieces of the bash scripts tests run programs under (on a PTY, say). */
public final class ShellWords {
  private ShellWords() {}

  /** {@code word} as one shell word, whatever it holds: in single quotes. */
  public static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** Words that wait until the file {@code go} exists: the test says when the script goes on. */
  public static String awaitFile(Path go) {
    return "while [ ! -e " + quote(go.toString()) + " ]; do sleep 0.05; done";
  }
}
