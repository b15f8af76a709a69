package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.TestSeed;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SequencedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BootstrapRequestTest {
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final String BASE = "ET1 REQUEST nonce=" + NONCE + " term=xterm-256color cols=80 rows=24";
  private static final String TERM_CHARS = "ABCXYZabcxyz0189._+-";

  @Test
  void randomRequestsRoundTrip() throws Exception {
    Random random = new Random(TestSeed.forTest("BootstrapRequestTest.randomRequests"));
    for (int i = 0; i < 500; i++) {
      BootstrapRequest request = randomRequest(random);
      String line = request.toLine();
      BootstrapRequest parsed = BootstrapRequest.parse(line);
      assertEquals(request, parsed, line);
      assertEquals(List.copyOf(request.env().entrySet()), List.copyOf(parsed.env().entrySet()), "env order");
      assertEquals(line, parsed.toLine());
    }
  }

  @Test
  void spacesEqualsPercentNewlinesAndNonAsciiRoundTripWithoutBreakingTheLine() throws Exception {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "fr_FR.UTF-8");
    env.put("WEIRD", "a=b c%20d\nnew line\ttab é 日本 🎉 ET1 SESSION nonce=x");
    env.put("EMPTY", "");
    env.put("_under_score9", "=");
    String command = "printf '%s\\n' \"a b\" = 100% && echo naïve 日本語 🎉\nsecond line";
    BootstrapRequest request = BootstrapRequest.create("xterm+256.color-x_y", 10000, 1, Optional.of(command), true, env, false, false);

    String line = request.toLine();
    assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\t"), line);
    assertEquals(6 + 2 + env.size(), line.split(" ").length, "one space between fields, none inside: " + line);
    assertTrue(line.contains(" env=WEIRD=a%3Db%20c%2520d%0Anew"), line);

    BootstrapRequest parsed = BootstrapRequest.parse(line);
    assertEquals(request, parsed);
    assertEquals(Optional.of(command), parsed.command());
    assertEquals(List.copyOf(env.keySet()), List.copyOf(parsed.env().keySet()));
    assertTrue(parsed.noexit());
  }

  @Test
  void fieldsMayComeInAnyOrder() throws Exception {
    BootstrapRequest parsed =
        BootstrapRequest.parse("ET1 REQUEST env=A=1 rows=2 noexit=1 cols=3 term=vt100 env=B=%3D nonce=" + NONCE);
    assertEquals(3, parsed.cols());
    assertEquals(2, parsed.rows());
    assertEquals(List.of("A", "B"), List.copyOf(parsed.env().keySet()));
    assertEquals("1", parsed.env().get("A"));
    assertEquals("=", parsed.env().get("B"));
    assertEquals(Optional.empty(), parsed.command());
  }

  static Stream<Arguments> refused() {
    StringBuilder many = new StringBuilder(BASE);
    for (int i = 0; i < 65; i++) {
      many.append(" env=V").append(i).append("=x");
    }
    return Stream.of(
        // line-level caps and grammar
        Arguments.of("line over 64 KiB", BASE + " command=" + "x".repeat(65536), "line is 65"),
        Arguments.of("length is checked before anything else", "garbage\u00e9 " + "\n".repeat(70000), "line is 70009"),
        Arguments.of("non-ASCII character", BASE + " command=é", "non-ASCII character \"\\u00e9\""),
        Arguments.of("newline inside", BASE + "\n", "control or non-ASCII character \"\\n\""),
        Arguments.of("tab inside", BASE.replace(' ', '\t'), "control or non-ASCII"),
        Arguments.of("wrong version", BASE.replace("ET1", "ET2"), "does not start with \"ET1 \""),
        Arguments.of("reply kind", BASE.replace("REQUEST", "SESSION"), "expected an ET1 REQUEST line, got ET1 \"SESSION\""),
        Arguments.of("lower-case kind", BASE.replace("REQUEST", "request"), "line kind"),
        Arguments.of("two spaces", BASE.replace(" cols", "  cols"), "empty field"),
        Arguments.of("trailing space", BASE + " ", "empty field"),
        Arguments.of("field without =", BASE + " noexit", "is not key=value"),
        Arguments.of("field with empty key", BASE + " =1", "is not key=value"),
        Arguments.of("unknown field", BASE + " color=1", "unknown field \"color\""),
        Arguments.of("duplicate nonce", BASE + " nonce=" + NONCE, "nonce appears more than once"),
        Arguments.of("duplicate cols", BASE + " cols=80", "cols appears more than once"),
        Arguments.of("missing nonce", BASE.replace("nonce=" + NONCE + " ", ""), "missing field nonce"),
        Arguments.of("missing rows", BASE.replace(" rows=24", ""), "missing field rows"),
        Arguments.of("65 env fields", many.toString(), "more than 64 env fields"),
        // nonce
        Arguments.of("short nonce", BASE.replace(NONCE, NONCE.substring(2)), "nonce must be 32 hex digits"),
        Arguments.of("non-hex nonce", BASE.replace(NONCE, "zz" + NONCE.substring(2)), "nonce must be 32 hex digits"),
        Arguments.of("bad escape in nonce", BASE.replace(NONCE, "%z" + NONCE.substring(2)), "nonce has a malformed percent escape"),
        // term
        Arguments.of("empty term", BASE.replace("xterm-256color", ""), "term must be 1..64"),
        Arguments.of("65-byte term", BASE.replace("xterm-256color", "x".repeat(65)), "term must be 1..64"),
        Arguments.of("term with /", BASE.replace("xterm-256color", "a%2Fb"), "term must be 1..64 characters of [A-Za-z0-9._+-]: \"a/b\""),
        Arguments.of("term with encoded space", BASE.replace("xterm-256color", "a%20b"), "term must be"),
        // sizes
        Arguments.of("cols 0", BASE.replace("cols=80", "cols=0"), "cols must be in 1..10000: 0"),
        Arguments.of("cols 10001", BASE.replace("cols=80", "cols=10001"), "cols must be in 1..10000: 10001"),
        Arguments.of("cols leading zero", BASE.replace("cols=80", "cols=080"), "cols must be a decimal number"),
        Arguments.of("cols negative", BASE.replace("cols=80", "cols=-1"), "cols must be a decimal number"),
        Arguments.of("cols empty", BASE.replace("cols=80", "cols="), "cols must be a decimal number"),
        Arguments.of("cols overflowing int", BASE.replace("cols=80", "cols=99999999999999"), "cols must be a decimal number"),
        Arguments.of("rows 0", BASE.replace("rows=24", "rows=0"), "rows must be in 1..10000: 0"),
        Arguments.of("rows not a number", BASE.replace("rows=24", "rows=2x"), "rows must be a decimal number"),
        // command
        Arguments.of("empty command", BASE + " command=", "command is empty"),
        Arguments.of("NUL in command", BASE + " command=ls%00rm", "command contains a NUL character"),
        Arguments.of("bad escape in command", BASE + " command=ls%zz", "command has a malformed percent escape"),
        Arguments.of("raw + in command", BASE + " command=a+b", "command has a character that must be percent-encoded"),
        Arguments.of("invalid UTF-8 in command", BASE + " command=%FF", "command is not valid UTF-8"),
        Arguments.of("duplicate command", BASE + " command=a command=b", "command appears more than once"),
        // noexit
        Arguments.of("noexit=0", BASE + " noexit=0", "noexit must be 1 when present: \"0\""),
        Arguments.of("noexit=true", BASE + " noexit=true", "noexit must be 1"),
        // env
        Arguments.of("env without =", BASE + " env=FOO", "env must be NAME=VALUE: \"FOO\""),
        Arguments.of("env name starting with a digit", BASE + " env=1A=x", "env name must match [A-Za-z_][A-Za-z0-9_]*: \"1A\""),
        Arguments.of("empty env name", BASE + " env==x", "env name must match"),
        Arguments.of("env name with -", BASE + " env=A-B=x", "env name must match"),
        Arguments.of("env name with encoded space", BASE + " env=A%20B=x", "env name must match"),
        Arguments.of("duplicate env name", BASE + " env=A=1 env=A=2", "env A appears more than once"),
        Arguments.of("NUL in env value", BASE + " env=A=x%00y", "env A contains a NUL character"),
        Arguments.of("bad escape in env", BASE + " env=A=%", "env A has a malformed percent escape"),
        Arguments.of("raw = in env value", BASE + " env=A=b=c", "env A has a character that must be percent-encoded"),
        Arguments.of("encoded env separator", BASE + " env=A%3Db", "env must be NAME=VALUE: \"A%3Db\""),
        Arguments.of("invalid UTF-8 in env", BASE + " env=A=%C3", "env A is not valid UTF-8"),
        // via: the jump hosts, [user@]host[:port] joined by encoded commas
        Arguments.of("empty via", BASE + " via=", "via hop must be [user@]host[:port]"),
        Arguments.of("via with an empty hop", BASE + " via=jump1%2C%2Cjump2", "via hop must be"),
        Arguments.of("via ending in a comma", BASE + " via=jump1%2C", "via hop must be"),
        Arguments.of("via with a blank", BASE + " via=jump%201", "via hop must be [user@]host[:port] of 1..100 characters of [A-Za-z0-9._-@:[]]: \"jump 1\""),
        Arguments.of("via with a control character", BASE + " via=jump%1B1", "via hop must be"),
        Arguments.of("via with non-ASCII", BASE + " via=j%C3%A9", "via hop must be"),
        Arguments.of("via with a slash", BASE + " via=a%2Fb", "via hop must be"),
        Arguments.of("via hop that is an option", BASE + " via=-oProxyCommand%3Dx", "via hop must be"),
        Arguments.of("via user that is an option", BASE + " via=-l%40host", "via hop must be"),
        Arguments.of("via with two @", BASE + " via=a%40b%40c", "via hop must be"),
        Arguments.of("via with a letter port", BASE + " via=host%3Assh", "via hop must be"),
        Arguments.of("via port of six digits", BASE + " via=host%3A222222", "via hop must be"),
        Arguments.of("via hop of 101 characters", BASE + " via=" + "h".repeat(101), "via hop must be"),
        Arguments.of("via of 9 hops", BASE + " via=" + "j%2C".repeat(8) + "j", "via must name 1..8 jump hosts, not 9"),
        Arguments.of("via of 256 characters", BASE + " via=" + ("h".repeat(99) + "%2C").repeat(2) + "h".repeat(56),
            "via must be at most 255 characters: 256"),
        Arguments.of("via with a raw comma", BASE + " via=a,b", "via has a character that must be percent-encoded"),
        Arguments.of("via bad escape", BASE + " via=a%2", "via has a malformed percent escape"),
        Arguments.of("duplicate via", BASE + " via=a via=b", "via appears more than once"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void capsAndMalformedLinesAreRefusedNamingTheField(String what, String line, String message) {
    BootstrapException e = assertThrows(BootstrapException.class, () -> BootstrapRequest.parse(line), what);
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    assertTrue(e.getMessage().length() < 300, "messages stay short: " + e.getMessage().length());
  }

  @Test
  void valuesInMessagesAreEscapedAndCut() {
    String term = "%1B%5B31m" + "a".repeat(100);
    BootstrapException e =
        assertThrows(BootstrapException.class, () -> BootstrapRequest.parse(BASE.replace("xterm-256color", term)));
    assertTrue(e.getMessage().contains("\"\\u001b[31maaa"), e.getMessage());
    assertTrue(e.getMessage().endsWith("... (105 chars)"), e.getMessage());
    assertFalse(e.getMessage().contains("\u001b"), "no raw escape character");
  }

  @Test
  void capsAreInclusive() throws Exception {
    String head = BASE.replace("xterm-256color", "x".repeat(64)).replace("cols=80", "cols=10000").replace("rows=24", "rows=1");
    StringBuilder envs = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      envs.append(" env=V").append(i).append("=x");
    }
    int commandLength = BootstrapLine.MAX_LINE_BYTES - head.length() - " command=".length() - envs.length();
    String line = head + " command=" + "c".repeat(commandLength) + envs;
    assertEquals(65536, line.length());
    BootstrapRequest parsed = BootstrapRequest.parse(line);
    assertEquals(64, parsed.env().size());
    assertEquals(64, parsed.term().length());
    assertEquals(10000, parsed.cols());
    assertTrue(line.equals(parsed.toLine()), "toLine gives the same line back");

    BootstrapException e = assertThrows(BootstrapException.class, () -> BootstrapRequest.parse(line + "c"));
    assertTrue(e.getMessage().contains("line is 65537 characters long, more than 65536"), e.getMessage());
  }

  @Test
  void theConstructorRefusesWhatParseWouldRefuse() {
    BootstrapNonce nonce = BootstrapNonce.random();
    SequencedMap<String, String> none = new LinkedHashMap<>();
    assertRefused("cols must be in 1..10000: 0", () -> new BootstrapRequest(nonce, "xterm", 0, 24, Optional.empty(), false, none));
    assertRefused("rows must be in 1..10000: 10001", () -> new BootstrapRequest(nonce, "xterm", 80, 10001, Optional.empty(), false, none));
    assertRefused("term must be", () -> new BootstrapRequest(nonce, "x y", 80, 24, Optional.empty(), false, none));
    assertRefused("command is empty", () -> new BootstrapRequest(nonce, "xterm", 80, 24, Optional.of(""), false, none));
    assertRefused("command has an unpaired surrogate", () -> new BootstrapRequest(nonce, "xterm", 80, 24, Optional.of("a\ud800"), false, none));
    SequencedMap<String, String> badName = new LinkedHashMap<>();
    badName.put("A=B", "x");
    assertRefused("env name must match", () -> new BootstrapRequest(nonce, "xterm", 80, 24, Optional.empty(), false, badName));
    SequencedMap<String, String> huge = new LinkedHashMap<>();
    huge.put("BIG", " ".repeat(30_000)); // 90,000 bytes once encoded
    assertRefused("line would be 90", () -> new BootstrapRequest(nonce, "xterm", 80, 24, Optional.empty(), false, huge));
    SequencedMap<String, String> tooMany = new LinkedHashMap<>();
    for (int i = 0; i < 65; i++) {
      tooMany.put("V" + i, "");
    }
    assertRefused("more than 64 env fields: 65", () -> new BootstrapRequest(nonce, "xterm", 80, 24, Optional.empty(), false, tooMany));
  }

  @Test
  void createPicksAFreshNonceAndKeepsAReadOnlyCopyOfEnv() {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    env.put("Z", "1");
    env.put("A", "2");
    BootstrapRequest first = BootstrapRequest.create("xterm", 80, 24, Optional.empty(), false, env, false, false);
    BootstrapRequest second = BootstrapRequest.create("xterm", 80, 24, Optional.empty(), false, env, false, false);
    assertNotEquals(first.nonce(), second.nonce());
    assertEquals(BootstrapNonce.BYTES, first.nonce().bytes().length);
    env.put("LATER", "3");
    assertEquals(List.of("Z", "A"), List.copyOf(first.env().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> first.env().put("X", "y"));
    assertTrue(first.toLine().endsWith(" env=Z=1 env=A=2"), first.toLine());
  }

  @Test
  void aRequestWithoutProgramRoundTripsAndTakesNoCommand() throws Exception {
    BootstrapRequest tunnelsOnly = BootstrapRequest.create("xterm", 80, 24, Optional.empty(), false, new LinkedHashMap<>(), true, false);
    assertTrue(tunnelsOnly.toLine().contains(" noprogram=1"), tunnelsOnly.toLine());
    assertEquals(tunnelsOnly, BootstrapRequest.parse(tunnelsOnly.toLine()));
    assertTrue(!BootstrapRequest.parse("ET1 REQUEST nonce=" + NONCE + " term=x cols=1 rows=1").noProgram());

    assertRefused("noprogram takes no command",
        () -> BootstrapRequest.create("xterm", 80, 24, Optional.of("ls"), false, new LinkedHashMap<>(), true, false));
    BootstrapException both = assertThrows(BootstrapException.class,
        () -> BootstrapRequest.parse("ET1 REQUEST nonce=" + NONCE + " term=x cols=1 rows=1 command=ls noprogram=1"));
    assertTrue(both.getMessage().contains("noprogram takes no command"), both.getMessage());
    BootstrapException notOne = assertThrows(BootstrapException.class,
        () -> BootstrapRequest.parse("ET1 REQUEST nonce=" + NONCE + " term=x cols=1 rows=1 noprogram=yes"));
    assertTrue(notOne.getMessage().contains("noprogram must be 1"), notOne.getMessage());
  }

  @Test
  void anAgentForwardingRequestRoundTripsAndTheFlagTakesOnlyOne() throws Exception {
    BootstrapRequest withAgent = BootstrapRequest.create("xterm", 80, 24, Optional.empty(), false, new LinkedHashMap<>(), false, true);
    assertTrue(withAgent.toLine().contains(" agent=1"), withAgent.toLine());
    assertEquals(withAgent, BootstrapRequest.parse(withAgent.toLine()));
    assertTrue(BootstrapRequest.parse(withAgent.toLine()).forwardAgent());
    assertTrue(!BootstrapRequest.parse("ET1 REQUEST nonce=" + NONCE + " term=x cols=1 rows=1").forwardAgent());
    BootstrapException notOne = assertThrows(BootstrapException.class,
        () -> BootstrapRequest.parse("ET1 REQUEST nonce=" + NONCE + " term=x cols=1 rows=1 agent=0"));
    assertTrue(notOne.getMessage().contains("agent must be 1"), notOne.getMessage());
    BootstrapException twice = assertThrows(BootstrapException.class,
        () -> BootstrapRequest.parse("ET1 REQUEST nonce=" + NONCE + " term=x cols=1 rows=1 agent=1 agent=1"));
    assertTrue(twice.getMessage().contains("agent"), twice.getMessage());
  }

  static Stream<Arguments> jumpPaths() {
    return Stream.of(
        Arguments.of("jump1", List.of("jump1")),
        Arguments.of("jump1,jump2", List.of("jump1", "jump2")),
        Arguments.of("me@bastion.example.com:2222,_svc.x-y@10.0.0.7", List.of("me@bastion.example.com:2222", "_svc.x-y@10.0.0.7")),
        Arguments.of("[2001:db8::1]:22,admin@::1", List.of("[2001:db8::1]:22", "admin@::1")),
        Arguments.of("j,j,j,j,j,j,j,j", Collections.nCopies(JumpPath.MAX_HOPS, "j")),
        Arguments.of("255 characters", List.of("h".repeat(100), "h".repeat(100), "h".repeat(53))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jumpPaths")
  void aJumpPathRoundTripsThroughTheRequest(String what, List<String> hops) throws Exception {
    JumpPath via = new JumpPath(hops);
    assertEquals(via, JumpPath.parse(String.join(",", hops)), what);
    BootstrapRequest request = BootstrapRequest.parse(BASE).withVia(via);
    assertTrue(request.toLine().contains(" via=" + PercentCodec.encode(String.join(",", hops))), request.toLine());
    BootstrapRequest parsed = BootstrapRequest.parse(request.toLine());
    assertEquals(Optional.of(via), parsed.via());
    assertEquals(request, parsed);
    assertEquals(Optional.empty(), BootstrapRequest.parse(BASE).via());
  }

  private static void assertRefused(String message, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  static BootstrapRequest randomRequest(Random random) {
    byte[] nonce = new byte[BootstrapNonce.BYTES];
    random.nextBytes(nonce);
    StringBuilder term = new StringBuilder();
    int termLength = 1 + random.nextInt(BootstrapRequest.MAX_TERM_BYTES);
    for (int i = 0; i < termLength; i++) {
      term.append(TERM_CHARS.charAt(random.nextInt(TERM_CHARS.length())));
    }
    Optional<String> command = random.nextBoolean() ? Optional.of(RandomText.nonEmpty(random, 40)) : Optional.empty();
    SequencedMap<String, String> env = new LinkedHashMap<>();
    int envCount = random.nextInt(4) == 0 ? BootstrapRequest.MAX_ENV : random.nextInt(8);
    for (int i = 0; i < envCount; i++) {
      String name = (random.nextBoolean() ? "_" : "V") + i + (random.nextBoolean() ? "_x" : "");
      env.put(name, RandomText.text(random, 20));
    }
    return new BootstrapRequest(
        BootstrapNonce.of(nonce),
        term.toString(),
        1 + random.nextInt(BootstrapRequest.MAX_SIZE),
        1 + random.nextInt(BootstrapRequest.MAX_SIZE),
        command,
        random.nextBoolean(),
        env);
  }
}
