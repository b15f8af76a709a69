package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The et command line, run through {@link Main#run} as the real entry point does, with a recording runner. */
class EtCommandTest {

  /** What one run of et produced. {@code options} is null when the runner was not reached. */
  record Outcome(int status, String out, String err, ClientOptions options) {}

  static Outcome et(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicReference<ClientOptions> seen = new AtomicReference<>();
    int status = Main.run(args, new PrintWriter(out), new PrintWriter(err), (options, o, e) -> {
      seen.set(options);
      return 0;
    });
    return new Outcome(status, out.toString(), err.toString(), seen.get());
  }

  @Test
  void defaults() {
    Outcome run = et("myhost");
    assertEquals(0, run.status(), run.err());
    ClientOptions o = run.options();
    assertEquals(Optional.empty(), o.user());
    assertEquals("myhost", o.host());
    assertEquals(OptionalInt.empty(), o.port());
    assertEquals(Optional.empty(), o.command());
    assertEquals(false, o.noexit());
    assertEquals(List.of("ssh"), o.sshArgv());
    assertEquals(List.of(), o.sshOptions());
    assertEquals("etterminal", o.terminalPath());
    assertEquals(Duration.ofSeconds(1), o.keepalive());
    assertEquals(Duration.ofSeconds(3), o.deadAfter());
    assertEquals(false, o.verbose());
    assertEquals("", run.out());
    assertEquals("", run.err());
  }

  static Stream<Arguments> parsedOptions() {
    return Stream.of(
        check(List.of("alice@myhost"), o -> assertEquals(Optional.of("alice"), o.user())),
        check(List.of("-u", "bob", "myhost"), o -> assertEquals(Optional.of("bob"), o.user())),
        check(List.of("--user=bob", "myhost"), o -> assertEquals(Optional.of("bob"), o.user())),
        check(List.of("-u", "alice", "alice@myhost"), o -> assertEquals(Optional.of("alice"), o.user())),
        check(List.of("myhost:2022"), o -> assertEquals(OptionalInt.of(2022), o.port())),
        check(List.of("-p", "2022", "myhost"), o -> assertEquals(OptionalInt.of(2022), o.port())),
        check(List.of("--port", "65535", "myhost"), o -> assertEquals(OptionalInt.of(65535), o.port())),
        check(List.of("-p", "2022", "myhost:2022"), o -> assertEquals(OptionalInt.of(2022), o.port())),
        check(List.of("[::1]:1"), o -> {
          assertEquals("::1", o.host());
          assertEquals(OptionalInt.of(1), o.port());
        }),
        check(List.of("-c", "tail -f log", "alice@myhost"), o -> assertEquals(Optional.of("tail -f log"), o.command())),
        check(List.of("--command=top", "-e", "myhost"), o -> {
          assertEquals(Optional.of("top"), o.command());
          assertTrue(o.noexit());
        }),
        check(List.of("-c", "top", "--noexit", "myhost"), o -> assertTrue(o.noexit())),
        check(List.of("--ssh", "ssh -J bastion", "myhost"), o -> assertEquals(List.of("ssh", "-J", "bastion"), o.sshArgv())),
        check(List.of("-J", "alice@a:2222,[fd00::1]:22,b", "myhost"), o -> assertEquals(List.of(
            new JumpHost(Optional.of("alice"), "a", OptionalInt.of(2222)), new JumpHost(Optional.empty(), "fd00::1", OptionalInt.of(22)),
            new JumpHost(Optional.empty(), "b", OptionalInt.empty())), o.route().jumps())),
        check(List.of("--jumphost=a", "myhost"), o -> assertEquals("a", JumpHost.toSpec(o.route().jumps()))),
        check(List.of("--via-ssh", "myhost"), o -> assertTrue(o.route().viaSsh())),
        check(List.of("myhost"), o -> assertTrue(o.share())),
        check(List.of("--no-share", "myhost"), o -> assertFalse(o.share())),
        check(List.of("--ssh", "/usr/bin/ssh -o 'ProxyCommand=nc %h %p'", "myhost"),
            o -> assertEquals(List.of("/usr/bin/ssh", "-o", "ProxyCommand=nc %h %p"), o.sshArgv())),
        check(List.of("--ssh-option", "Port=2222", "--ssh-option=ServerAliveInterval=5", "myhost"),
            o -> assertEquals(List.of("Port=2222", "ServerAliveInterval=5"), o.sshOptions())),
        check(List.of("--terminal-path", "/opt/et/bin/etterminal", "myhost"),
            o -> assertEquals("/opt/et/bin/etterminal", o.terminalPath())),
        check(List.of("-k", "5", "myhost"), o -> {
          assertEquals(Duration.ofSeconds(5), o.keepalive());
          assertEquals(Duration.ofSeconds(15), o.deadAfter());
        }),
        check(List.of("--keepalive=60", "myhost"), o -> assertEquals(Duration.ofSeconds(60), o.keepalive())),
        check(List.of("myhost"), o -> assertEquals(Duration.ofMinutes(10), o.refusalLimit())),
        check(List.of("--refusal-limit", "0", "myhost"), o -> assertEquals(Duration.ZERO, o.refusalLimit())),
        check(List.of("--refusal-limit=86400", "myhost"), o -> assertEquals(Duration.ofDays(1), o.refusalLimit())),
        check(List.of("-v", "myhost"), o -> assertTrue(o.verbose())),
        check(List.of("--verbose", "myhost"), o -> assertTrue(o.verbose())),
        check(List.of("-vv", "myhost"), o -> assertEquals(new LogSettings(2, Optional.empty()), o.logging())),
        check(List.of("-v", "-v", "-v", "myhost"), o -> assertEquals("trace", o.logging().level())),
        check(List.of("myhost"), o -> assertEquals("warn", o.logging().level())),
        check(List.of("--log-file", "/tmp/et.log", "myhost"), o -> {
          assertEquals(Optional.of(Path.of("/tmp/et.log")), o.logging().file());
          assertEquals("info", o.logging().level());
          assertFalse(o.verbose());
        }),
        check(List.of("-evc", "top", "myhost"), o -> { // clustered short options, as in getopt
          assertTrue(o.noexit());
          assertTrue(o.verbose());
          assertEquals(Optional.of("top"), o.command());
        }),
        check(List.of("--", "myhost"), o -> assertEquals("myhost", o.host())),
        check(List.of("-t", "8080:80,9000-9001:9000-9001", "-L", "127.0.0.1:5432:db:5432", "--tunnel=/tmp/a.sock:80", "myhost"),
            o -> assertEquals(
                List.of("127.0.0.1:8080 -> localhost:80", "127.0.0.1:9000 -> localhost:9000", "127.0.0.1:9001 -> localhost:9001",
                    "/tmp/a.sock -> localhost:80", "127.0.0.1:5432 -> db:5432"), // -t and --tunnel, then -L
                o.tunnels().stream().map(t -> t.listen() + " -> " + t.target()).toList())),
        check(List.of("-D", "1080", "--dynamic=[::1]:1081", "-D", "0.0.0.0:1082", "myhost"),
            o -> assertEquals(List.of("127.0.0.1:1080", "[::1]:1081", "0.0.0.0:1082"),
                o.socksProxies().stream().map(Object::toString).toList())),
        check(List.of("-N", "-t", "1:2", "myhost"), o -> assertTrue(o.noTerminal())),
        check(List.of("myhost"), o -> assertEquals(new HostAction.NewSession(false), o.action())),
        check(List.of("-x", "myhost"), o -> assertEquals(new HostAction.NewSession(true), o.action())),
        check(List.of("--kill-other-sessions", "-c", "top", "myhost"), o -> assertEquals(new HostAction.NewSession(true), o.action())),
        check(List.of("--list", "myhost"), o -> assertEquals(new HostAction.ListSessions(), o.action())),
        check(List.of("--kill", "3F2A9c01", "myhost"), o -> assertEquals(new HostAction.KillSession("3F2A9c01"), o.action())),
        check(List.of("--no-terminal", "myhost"), o -> assertTrue(o.noTerminal())),
        check(List.of("-r", "9000:3000", "-R", "0.0.0.0:8022:[::1]:22", "--reversetunnel=/tmp/h.sock:/tmp/l.sock", "myhost"),
            o -> assertEquals(List.of("127.0.0.1:9000 -> localhost:3000", "/tmp/h.sock -> /tmp/l.sock", "0.0.0.0:8022 -> [::1]:22"),
                o.reverseTunnels().stream().map(t -> t.listen() + " -> " + t.target()).toList())),
        check(List.of("-r", "9000:3000", "myhost"), o -> assertEquals(List.of(), o.tunnels())),
        check(List.of("-A", "myhost"), o -> assertTrue(o.forwardAgent())),
        check(List.of("-f", "myhost"), o -> assertTrue(o.forwardAgent())),
        check(List.of("--forward-ssh-agent", "myhost"), o -> assertTrue(o.forwardAgent())),
        check(List.of("myhost"), o -> assertTrue(!o.forwardAgent() && o.reverseTunnels().isEmpty())));
  }

  private static Arguments check(List<String> args, Consumer<ClientOptions> assertion) {
    return Arguments.of(args, assertion);
  }

  @ParameterizedTest(name = "[{index}] et {0}")
  @MethodSource("parsedOptions")
  void parsesEachOption(List<String> args, Consumer<ClientOptions> assertion) {
    Outcome run = et(args.toArray(String[]::new));
    assertEquals(0, run.status(), run.err());
    assertion.accept(run.options());
  }

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of(List.of(), "Missing required parameter: '[user@]host[:port]'"),
        Arguments.of(List.of(""), "host is empty: give [user@]host[:port]"),
        Arguments.of(List.of("alice@"), "host is empty: give [user@]host[:port]"),
        Arguments.of(List.of("@myhost"), "empty user before '@' in '@myhost'"),
        Arguments.of(List.of("--", "-oProxyCommand=evil"),
            "host '-oProxyCommand=evil' starts with '-': ssh would read it as an option"),
        Arguments.of(List.of("my host"), "host 'my host' contains a blank or control character"),
        Arguments.of(List.of("-u", "bad\nuser", "myhost"), "user 'bad\nuser' contains a blank or control character"),
        Arguments.of(List.of("-p", "0", "myhost"), "port must be in 1..65535, got 0"),
        Arguments.of(List.of("-p", "65536", "myhost"), "port must be in 1..65535, got 65536"),
        Arguments.of(List.of("myhost:70000"), "port must be in 1..65535, got 70000"),
        Arguments.of(List.of("myhost:abc"), "port 'abc' in 'myhost:abc' is not a number in 1..65535"),
        Arguments.of(List.of("-p", "abc", "myhost"), "Invalid value for option '--port': 'abc' is not an int"),
        Arguments.of(List.of("-u", "bob", "alice@myhost"),
            "user given twice and different: 'alice' in 'alice@myhost' and 'bob' with --user"),
        Arguments.of(List.of("-p", "2022", "myhost:2023"),
            "port given twice and different: 2023 in 'myhost:2023' and 2022 with --port"),
        Arguments.of(List.of("-k", "0", "myhost"), "keepalive must be whole seconds in 1..60, got 0 s"),
        Arguments.of(List.of("--kill", "3f2", "myhost"), "id must be 4..32 hex digits (the start of a session id): \"3f2\""),
        Arguments.of(List.of("--kill", "zzzz", "myhost"), "id must be 4..32 hex digits (the start of a session id): \"zzzz\""),
        Arguments.of(List.of("--list", "--kill", "3f2a", "myhost"), "--list and --kill: give one of them"),
        Arguments.of(List.of("--via-ssh", "-J", "bastion", "myhost"), "--via-ssh and --jumphost: give one (for ssh -W through jump hosts, --ssh 'ssh -J HOSTS' --via-ssh)"),
        Arguments.of(List.of("-J", "a,,b", "myhost"), "not a jump host: ''"),
        Arguments.of(List.of("-J", "-oProxyCommand=x", "myhost"), "not a jump host: '-oProxyCommand=x'"),
        Arguments.of(List.of("--list", "-x", "myhost"), "--kill-other-sessions goes with a new session, not with --list or --kill"),
        Arguments.of(List.of("--list", "-c", "ls", "myhost"),
            "--list starts no session: it takes no command, -N, tunnel, proxy or agent option"),
        Arguments.of(List.of("--kill", "3f2a", "-t", "1:2", "myhost"),
            "--kill starts no session: it takes no command, -N, tunnel, proxy or agent option"),
        Arguments.of(List.of("-k", "61", "myhost"), "keepalive must be whole seconds in 1..60, got 61 s"),
        Arguments.of(List.of("-k", "-3", "myhost"), "keepalive must be whole seconds in 1..60, got -3 s"),
        Arguments.of(List.of("-vvvv", "myhost"), "-v given 4 times: at most 3"),
        Arguments.of(List.of("--refusal-limit", "-1", "myhost"), "--refusal-limit must be whole seconds in 0..86400, got -1 s"),
        Arguments.of(List.of("--refusal-limit", "86401", "myhost"), "--refusal-limit must be whole seconds in 0..86400, got 86401 s"),
        Arguments.of(List.of("-e", "myhost"), "--noexit needs --command (it keeps the shell after the command ends)"),
        Arguments.of(List.of("-c", " ", "myhost"), "--command is empty"),
        Arguments.of(List.of("--ssh", "", "myhost"), "--ssh names no program"),
        Arguments.of(List.of("--ssh", "ssh 'x", "myhost"), "unterminated ' quote in: ssh 'x"),
        Arguments.of(List.of("--ssh-option", "", "myhost"), "--ssh-option is empty"),
        Arguments.of(List.of("--terminal-path", "", "myhost"), "--terminal-path is empty"),
        Arguments.of(List.of("--terminal-path", "et\rterminal", "myhost"), "--terminal-path contains a control character"),
        Arguments.of(List.of("--bogus", "myhost"), "Unknown option: '--bogus'"),
        Arguments.of(List.of("host1", "host2"), "Unmatched argument at index 1: 'host2'"),
        Arguments.of(List.of("-u", "bob", "-u", "carol", "myhost"),
            "option '--user' (USER) should be specified only once"),
        Arguments.of(List.of("-t", "8080", "myhost"),
            "bad tunnel \"8080\": expected [bind:]port:host:hostport, port:hostport or a unix socket path on either side"),
        Arguments.of(List.of("-L", "8080:web:99999", "myhost"), "bad tunnel \"8080:web:99999\": target port out of 1..65535: 99999"),
        Arguments.of(List.of("-R", "8080", "myhost"),
            "bad tunnel \"8080\": expected [bind:]port:host:hostport, port:hostport or a unix socket path on either side"),
        Arguments.of(List.of("-D", "1080:80", "myhost"),
            "bad SOCKS proxy \"1080:80\": bind address \"1080\" is a number: -D takes one port "
                + "(-t forwards a port to another)"),
        Arguments.of(List.of("-N", "-c", "ls", "myhost"), "--no-terminal runs no command: give -N or --command, not both"));
  }

  @ParameterizedTest(name = "[{index}] et {0}")
  @MethodSource("usageErrors")
  void usageErrorsExitWithTwoAndAClearMessage(List<String> args, String message) {
    Outcome run = et(args.toArray(String[]::new));
    assertEquals(ExitCodes.USAGE, run.status());
    assertNull(run.options(), "the session must not start on a usage error");
    assertEquals("", run.out());
    String firstLine = run.err().lines().findFirst().orElse("");
    assertTrue(run.err().startsWith("et: " + message + System.lineSeparator()),
        () -> "expected message: et: " + message + "\nbut stderr was:\n" + run.err() + "(first line: " + firstLine + ")");
    assertTrue(run.err().strip().endsWith("Try 'et --help' for more information."), run.err());
  }

  @Test
  void helpDescribesEveryOptionAndShowsTheExamples() {
    for (String flag : List.of("--help", "-h")) {
      Outcome run = et(flag);
      assertEquals(0, run.status());
      assertNull(run.options());
      String help = run.out();
      assertTrue(help.startsWith("Usage: et [OPTIONS] [user@]host[:port]"), help);
      assertTrue(help.contains("A remote shell that survives network changes."), help);
      for (String example : List.of(
          "et myhost", "et -c 'tail -f log' alice@myhost", "et -J bastion myhost", "et --via-ssh myhost", "et -p 2022 myhost",
          "et -D 1080 myhost", "et -t 8888:8888 myhost", "et -N -L 5432:db:5432 myhost", "et -r 9000:3000 myhost",
          "et -A myhost", "et --no-share myhost")) {
        assertTrue(help.contains("\n  " + example + " "), () -> "missing example " + example + " in\n" + help);
      }
      for (String option : List.of("-u, --user=USER", "-p, --port=PORT", "-c, --command=CMD", "-e, --noexit",
          "-D, --dynamic=SPEC", "-t, --tunnel=SPEC", "-r, --reversetunnel=SPEC", "-A, -f, --forward-ssh-agent",
          "-N, --no-terminal", "LocalForward, RemoteForward, DynamicForward and ForwardAgent", "--ssh=CMD", "--ssh-option=OPT", "--terminal-path=PATH", "-J, --jumphost=[user@]host[:port][,...]", "--via-ssh", "--no-share", "-k, --keepalive=SECONDS", "--refusal-limit=SECONDS", "-v, --verbose", "--log-file=FILE",
          "-V, --version", "Default: etterminal.", "Default: ssh.", "Default: 1.")) {
        assertTrue(help.contains(option), () -> "missing " + option + " in\n" + help);
      }
    }
  }

  @Test
  void versionNamesTheBuildsVersion() {
    for (String flag : List.of("--version", "-V")) {
      Outcome run = et(flag);
      assertEquals(0, run.status());
      assertNull(run.options());
      List<String> lines = run.out().lines().toList();
      assertTrue(lines.getFirst().matches("et \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), run.out());
      assertEquals("et " + EtVersion.version(), lines.getFirst());
      assertEquals("Java " + Runtime.version(), lines.get(1));
    }
  }

  @Test
  void theRunnersStatusIsEtsStatus() {
    int status = Main.run(new String[] {"myhost"}, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()), (options, out, err) -> 42);
    assertEquals(42, status);
  }

  @Test
  void aFailingRunnerIsReportedInOneLineWithStatusOne() {
    StringWriter err = new StringWriter();
    int status = Main.run(new String[] {"myhost"}, new PrintWriter(new StringWriter()), new PrintWriter(err),
        (options, o, e) -> {
          throw new IllegalStateException("ssh exited with 255");
        });
    assertEquals(ExitCodes.FAILURE, status);
    assertEquals("et: ssh exited with 255", err.toString().strip());
  }
}
