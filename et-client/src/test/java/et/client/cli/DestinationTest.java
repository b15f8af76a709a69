package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DestinationTest {

  private static Arguments parsed(String text, String user, String host, Integer port) {
    return Arguments.of(
        text,
        new Destination(Optional.ofNullable(user), host, port == null ? OptionalInt.empty() : OptionalInt.of(port)));
  }

  static Stream<Arguments> destinations() {
    return Stream.of(
        parsed("myhost", null, "myhost", null),
        parsed("alice@myhost", "alice", "myhost", null),
        parsed("myhost:2022", null, "myhost", 2022),
        parsed("alice@myhost:2022", "alice", "myhost", 2022),
        parsed("a@corp@myhost", "a@corp", "myhost", null), // the last '@' splits, as in ssh
        parsed("10.0.0.1:7", null, "10.0.0.1", 7),
        parsed("::1", null, "::1", null),
        parsed("fe80::1%eth0", null, "fe80::1%eth0", null),
        parsed("[::1]", null, "::1", null),
        parsed("[::1]:2022", null, "::1", 2022),
        parsed("bob@[2001:db8::5]:443", "bob", "2001:db8::5", 443),
        parsed("myhost:70000", null, "myhost", 70000), // range is checked by ClientOptions
        parsed("", null, "", null), // emptiness too
        parsed("alice@", "alice", "", null));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("destinations")
  void parses(String text, Destination expected) {
    assertEquals(expected, Destination.parse(text));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("@myhost", "empty user before '@' in '@myhost'"),
        Arguments.of("myhost:", "empty port after ':' in 'myhost:'"),
        Arguments.of("myhost:abc", "port 'abc' in 'myhost:abc' is not a number in 1..65535"),
        Arguments.of("myhost:-1", "port '-1' in 'myhost:-1' is not a number in 1..65535"),
        Arguments.of("myhost:99999999999", "port '99999999999' in 'myhost:99999999999' is not a number in 1..65535"),
        Arguments.of("[::1", "missing ']' after the IPv6 address in '[::1'"),
        Arguments.of("[::1]x", "unexpected 'x' after ']' in '[::1]x'"),
        Arguments.of("[::1]:", "empty port after ':' in '[::1]:'"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("errors")
  void rejects(String text, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Destination.parse(text)).getMessage());
  }
}
