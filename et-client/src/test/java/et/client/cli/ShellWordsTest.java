package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShellWordsTest {

  static Stream<Arguments> splits() {
    return Stream.of(
        Arguments.of("ssh", List.of("ssh")),
        Arguments.of("  ssh   -J\tbastion \n", List.of("ssh", "-J", "bastion")),
        Arguments.of("", List.of()),
        Arguments.of("   ", List.of()),
        Arguments.of("ssh -o 'ProxyCommand=nc %h %p'", List.of("ssh", "-o", "ProxyCommand=nc %h %p")),
        Arguments.of("ssh -o \"ProxyCommand=nc %h %p\"", List.of("ssh", "-o", "ProxyCommand=nc %h %p")),
        Arguments.of("a'b c'd", List.of("ab cd")),
        Arguments.of("'' x \"\"", List.of("", "x", "")),
        Arguments.of("'it''s'", List.of("its")),
        Arguments.of("\"say \\\"hi\\\" \\\\ \\$HOME \\x\"", List.of("say \"hi\" \\ $HOME \\x")),
        Arguments.of("'a \\ \"b\"'", List.of("a \\ \"b\"")),
        Arguments.of("my\\ ssh -p\\ 22", List.of("my ssh", "-p 22")),
        Arguments.of("$HOME/bin/ssh ~/x *", List.of("$HOME/bin/ssh", "~/x", "*")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("splits")
  void splitsLikeAShellWithoutExpansion(String line, List<String> words) {
    assertEquals(words, ShellWords.split(line));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("ssh 'x", "unterminated ' quote in: ssh 'x"),
        Arguments.of("ssh \"x", "unterminated \" quote in: ssh \"x"),
        Arguments.of("ssh \"x\\\"", "unterminated \" quote in: ssh \"x\\\""),
        Arguments.of("ssh x\\", "trailing backslash in: ssh x\\"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("errors")
  void rejectsWhatIsNotClosed(String line, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ShellWords.split(line)).getMessage());
  }
}
