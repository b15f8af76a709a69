package et.client.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell does for simple quoting, so that
 * {@code --ssh 'ssh -J bastion -o "ProxyCommand=nc %h %p"'} becomes an argv without running a shell.
 *
 * <p>Rules: blanks (space, tab, newline) separate words; {@code '...'} keeps everything literally;
 * {@code "..."} keeps everything except that a backslash escapes {@code "}, {@code \}, {@code $} and
 * {@code `}; outside quotes a backslash keeps the next character literally. Quotes that touch make
 * one word ({@code a'b c'd} is {@code ab cd}); {@code ''} is an empty word. There is NO expansion of
 * any kind: {@code $HOME}, {@code *} and {@code ~} stay as they are. An unterminated quote or a
 * trailing backslash is an error, never guessed.
 */
public final class ShellWords {

  private ShellWords() {
  }

  /**
   * Returns the words of {@code line}, in order.
   *
   * @throws IllegalArgumentException on an unterminated quote or a trailing backslash
   */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false; // true once a word has started, even if it is still empty ('' or "")
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      switch (c) {
        case ' ', '\t', '\n' -> {
          if (inWord) {
            words.add(word.toString());
            word.setLength(0);
            inWord = false;
          }
          i++;
        }
        case '\'' -> {
          int close = line.indexOf('\'', i + 1);
          if (close < 0) {
            throw new IllegalArgumentException("unterminated ' quote in: " + line);
          }
          word.append(line, i + 1, close);
          inWord = true;
          i = close + 1;
        }
        case '"' -> {
          i = appendDoubleQuoted(line, i + 1, word);
          inWord = true;
        }
        case '\\' -> {
          if (i + 1 >= line.length()) {
            throw new IllegalArgumentException("trailing backslash in: " + line);
          }
          word.append(line.charAt(i + 1));
          inWord = true;
          i += 2;
        }
        default -> {
          word.append(c);
          inWord = true;
          i++;
        }
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return List.copyOf(words);
  }

  /** Appends the body of a double-quoted string starting at {@code from}; returns the index after the closing quote. */
  private static int appendDoubleQuoted(String line, int from, StringBuilder word) {
    int i = from;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated \" quote in: " + line);
  }
}
