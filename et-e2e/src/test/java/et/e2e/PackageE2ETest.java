package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CapturedOutput;
import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.EtHostSandbox;
import et.testkit.Escaped;
import et.testkit.LocalAccounts;
import et.testkit.SshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages of launcher/package, made once for this class from the packaged jars. The .deb is
 * installed on this machine with apt-get, used as a user would (et and etterminal found on the
 * PATH of both ends, man pages, completion, the runtime's {@code java -m et.client}), and removed
 * again, leaving nothing of it behind; the .rpm holds the same files and runs the same scripts.
 * Installing needs root (as CI runs): elsewhere the class is skipped.
 */
@EnabledOnOs(OS.LINUX)
class PackageE2ETest {
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Path PACKAGES = RemoteHost.REPO.resolve("target/packages");
  private static final Path INSTALLED = Path.of("/opt/et");
  /** What the package's scripts link outside /opt/et (lib/package-setup), besides the AOT caches. */
  private static final List<Path> LINKS = Stream.of(
      "/usr/bin/et", "/usr/bin/et-agent", "/usr/bin/etterminal", "/usr/bin/et-host",
      "/usr/share/man/man1/et.1.gz", "/usr/share/man/man1/etterminal.1.gz", "/usr/share/man/man1/et-host.1.gz",
      "/usr/share/bash-completion/completions/et", "/usr/share/zsh/vendor-completions/_et").map(Path::of).toList();
  /** The account the session runs as on the "server": its own HOME, so its session host is its own. */
  private static final String USER = "et-pkg-e2e";
  /** A PATH without a JDK, as on a machine that has only the package. */
  private static final String PLAIN_PATH = "/usr/bin:/bin";
  private static final Pattern ROW = Pattern.compile("(?m)^([0-9a-f]{8,32}) +terminal +.*$");

  @TempDir static Path base;
  private static boolean userCreated;

  @BeforeAll
  static void makePackages() {
    Assumptions.assumeTrue(LocalAccounts.isRoot(), "installing a package and adding an account need root (CI runs as root)");
    Assumptions.assumeTrue(Commands.run(List.of("sh", "-c", "for t in apt-get dpkg-deb rpmbuild; do command -v $t || exit 1; done"), TIMEOUT).succeeded(),
        "needs apt-get, dpkg-deb and rpmbuild (.ci/run installs rpm)");
    Assumptions.assumeFalse(Commands.run(List.of("dpkg", "-s", "et"), TIMEOUT).succeeded(),
        "a package named et is installed here already; this test installs and removes its own");
    // gzip instead of dpkg-deb's xz: the same files, a .deb a few MB larger, a minute less of CI.
    CommandResult made = Commands.check(
        List.of("/usr/bin/env", "DPKG_DEB_COMPRESSOR_TYPE=gzip", RemoteHost.REPO.resolve("launcher/package").toString(), "deb", "rpm"),
        BUILD_TIMEOUT);
    System.err.println("launcher/package took " + made.elapsed().toMillis() + " ms: " + made.stdout().strip());
  }

  @AfterAll
  static void leaveTheMachineAsItWas() throws Exception {
    if (!LocalAccounts.isRoot()) {
      return;
    }
    if (LocalAccounts.exists(USER)) {
      EtHostSandbox.stopSessionHost(LocalAccounts.home(USER).resolve("xdg"));
      if (userCreated) {
        LocalAccounts.deleteUser(USER);
      }
    }
    // Only after a failure midway is it still installed.
    if (Commands.run(List.of("dpkg", "-s", "et"), TIMEOUT).succeeded()) {
      Commands.check(List.of("apt-get", "purge", "-y", "et"), INSTALL_TIMEOUT);
    }
  }

  private static Path onlyPackage(String glob) throws IOException {
    try (var found = Files.newDirectoryStream(PACKAGES, glob)) {
      List<Path> packages = new ArrayList<>();
      found.forEach(packages::add);
      assertEquals(1, packages.size(), glob + " in " + PACKAGES + ": " + packages);
      return packages.getFirst();
    }
  }

  @Test
  void theDebInstallsCommandsThatRunASessionWithoutAJdkAndRemovesEverythingItInstalled() throws Exception {
    Path deb = onlyPackage("et_*.deb");
    CommandResult install = Commands.run(List.of("apt-get", "install", "-y", deb.toString()), INSTALL_TIMEOUT);
    assertEquals(0, install.status(), install.toString());
    assertFalse(install.toString().contains("AOT caches failed"), install.toString());
    Set<Path> installed = new TreeSet<>(Commands.check(List.of("dpkg", "-L", "et"), TIMEOUT).stdout().lines()
        .map(Path::of).filter(path -> path.startsWith(INSTALLED)).toList());
    assertTrue(installed.contains(INSTALLED.resolve("lib/runtime/bin/java")), installed.toString());

    for (Path link : LINKS) {
      assertTrue(Files.isSymbolicLink(link) && Files.exists(link), link + " is not a link into the package");
    }
    assertCommandsAreOnThePathAndStartFromTheirCaches();
    assertManPagesAndCompletionAreFound();
    runASessionThroughTheInstalledEt();

    CommandResult purge = Commands.run(List.of("apt-get", "purge", "-y", "et"), INSTALL_TIMEOUT);
    assertEquals(0, purge.status(), purge.toString());
    List<Path> left = new ArrayList<>();
    for (Path path : Stream.concat(installed.stream(), Stream.concat(LINKS.stream(), Stream.of(INSTALLED))).toList()) {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        left.add(path);
      }
    }
    assertEquals(List.of(), left, "left behind by apt-get purge");
    assertTrue(Files.isDirectory(LocalAccounts.home(USER).resolve(".et/log")), "the user's ~/.et went with the package");
  }

  @Test
  void theRpmHoldsTheDebsFilesAndRunsTheSameSetup() throws Exception {
    Path rpm = onlyPackage("et-*.rpm");
    Set<String> inRpm = underInstalled(Commands.check(List.of("rpm", "-qlp", rpm.toString()), TIMEOUT).stdout().lines());
    // dpkg-deb -c: permissions, owner, size, date, time, then ./path (directories end in /, links
    // go on with " -> target"). Only the .deb has a copyright file (share/doc), as Debian wants.
    Set<String> inDeb = underInstalled(Commands.check(List.of("dpkg-deb", "-c", onlyPackage("et_*.deb").toString()), TIMEOUT)
        .stdout().lines().map(line -> line.split(" +", 6)[5].replaceFirst(" -> .*", "").replaceFirst("^\\.", "").replaceFirst("/$", ""))
        .filter(path -> !path.startsWith(INSTALLED + "/share")));
    assertTrue(inRpm.containsAll(List.of("/opt/et/bin/et", "/opt/et/bin/etterminal", "/opt/et/bin/et-host",
        "/opt/et/lib/runtime/bin/java", "/opt/et/lib/package-setup", "/opt/et/lib/man/et-host.1.gz",
        "/opt/et/lib/bash-completion/et", "/opt/et/lib/zsh/_et")), inRpm.toString());
    assertEquals(Set.of(), difference(inDeb, inRpm), "in the .deb, not in the .rpm");
    assertEquals(Set.of(), difference(inRpm, inDeb), "in the .rpm, not in the .deb");
    String scripts = Commands.check(List.of("rpm", "-qp", "--scripts", rpm.toString()), TIMEOUT).stdout();
    assertTrue(scripts.contains("/opt/et/lib/package-setup install"), scripts);
    assertTrue(scripts.contains("/opt/et/lib/package-setup remove"), scripts);
  }

  private static Set<String> difference(Set<String> these, Set<String> those) {
    Set<String> only = new TreeSet<>(these);
    only.removeAll(those);
    return only;
  }

  private static Set<String> underInstalled(Stream<String> paths) {
    return new TreeSet<>(paths.filter(path -> path.startsWith(INSTALLED + "/")).toList());
  }

  private static void assertCommandsAreOnThePathAndStartFromTheirCaches() throws IOException {
    String expected = Commands.check(List.of(RemoteHost.ET.toString(), "--version"), TIMEOUT).stdout();
    CommandResult fromRuntime = Commands.run(
        List.of("/usr/bin/env", "-i", "PATH=" + PLAIN_PATH, INSTALLED.resolve("lib/runtime/bin/java").toString(), "-m", "et.client", "--version"),
        TIMEOUT);
    assertEquals(0, fromRuntime.status(), fromRuntime.toString());
    assertEquals(expected, fromRuntime.stdout(), "java -m et.client --version of the package's runtime");
    assertEquals("", fromRuntime.stderr());
    for (String command : List.of("et", "etterminal", "et-host")) {
      // AOTMode=on: the JVM refuses to start unless the cache recorded at install fits it.
      CommandResult version = Commands.run(
          List.of("/usr/bin/env", "-i", "PATH=" + PLAIN_PATH, "JAVA_TOOL_OPTIONS=-XX:AOTMode=on", command, "--version"), TIMEOUT);
      assertEquals(0, version.status(), version.toString());
      assertTrue(version.stdout().startsWith(command + " "), version.toString());
    }
    // Recorded from what a first run does: the host's start and its first sessions, etterminal's
    // request for a new session.
    assertCacheHolds("et-host", "et.server.host.SessionHost", "et.server.session.TerminalBridge", "et.server.session.PipeBridge");
    Set<String> etterminalCache = assertCacheHolds("etterminal", "et.server.Etterminal", "et.core.SessionCredentials");
    // etterminal loads every class of its cache at each start: none of the host's belongs there.
    assertFalse(etterminalCache.contains("et.server.host.SessionHost"), "etterminal's cache holds the session host");
    // Without the caches (their recording failed) the commands start all the same, and say nothing
    // about it: etterminal's stdout carries its answer to the client.
    Path caches = INSTALLED.resolve("lib/aot");
    Path aside = INSTALLED.resolve("lib/aot-aside");
    Files.move(caches, aside);
    try {
      CommandResult uncached = Commands.run(List.of("/usr/bin/env", "-i", "PATH=" + PLAIN_PATH, "etterminal", "--version"), TIMEOUT);
      assertEquals(0, uncached.status(), uncached.toString());
      assertTrue(uncached.stdout().startsWith("etterminal "), uncached.toString());
      assertEquals("", uncached.stderr(), uncached.toString());
    } finally {
      Files.move(aside, caches);
    }
  }

  /**
   * The classes in {@code command}'s AOT cache, as the JVM lists them, include {@code classes};
   * returns them all.
   */
  private static Set<String> assertCacheHolds(String command, String... classes) throws IOException {
    CommandResult listed = Commands.run(List.of("/usr/bin/env", "-i", "PATH=" + PLAIN_PATH,
        "JAVA_TOOL_OPTIONS=-XX:+PrintSharedArchiveAndExit", command, "--version"), TIMEOUT);
    assertEquals(0, listed.status(), listed.toString());
    Set<String> cached = listed.stdout().lines()
        .map(line -> line.strip().split(" "))
        .filter(fields -> fields.length == 3 && fields[0].endsWith(":"))
        .map(fields -> fields[1])
        .collect(Collectors.toSet());
    for (String name : classes) {
      assertTrue(cached.contains(name), command + "'s cache lacks " + name + " (" + cached.size() + " classes listed)");
    }
    return cached;
  }

  private static void assertManPagesAndCompletionAreFound() throws IOException {
    for (String page : List.of("et", "etterminal", "et-host")) {
      // man -w names the page's file, through the link.
      CommandResult where = Commands.run(List.of("man", "-w", page), TIMEOUT);
      assertEquals(0, where.status(), where.toString());
      assertEquals(INSTALLED.resolve("lib/man/" + page + ".1.gz"), Path.of(where.stdout().strip()).toRealPath(), where.toString());
    }
    CommandResult etHostPage = Commands.check(List.of("sh", "-c", "MANWIDTH=100 man et-host | cat"), TIMEOUT);
    assertTrue(etHostPage.stdout().contains("~/.config/et/server.conf"), etHostPage.stdout());

    // What bash does on Tab after "et --li": the completion function fills COMPREPLY.
    CommandResult bash = Commands.run(List.of("bash", "-c", String.join("; ",
        "source /usr/share/bash-completion/completions/et",
        "complete -p et",
        "COMP_WORDS=(et --li); COMP_CWORD=1; COMP_LINE='et --li'; COMP_POINT=7",
        "_complete_et et --li et",
        "printf '%s\\n' \"${COMPREPLY[@]}\"")), TIMEOUT);
    assertEquals(0, bash.status(), bash.toString());
    assertTrue(bash.stdout().lines().anyMatch(line -> line.startsWith("complete ") && line.endsWith(" -F _complete_et et")), bash.toString());
    assertTrue(bash.stdout().lines().anyMatch(line -> line.strip().equals("--list")), bash.toString());

    // zsh as a user has it: Tab after "et --li" in an interactive zsh (in a zpty) completes --list,
    // through _et from the vendor completions and the bash function it loads.
    CommandResult zsh = Commands.run(List.of("zsh", "-fc", String.join("\n",
        "zmodload zsh/zpty",
        "zpty z 'zsh -f -i'",
        "zpty -w z 'fpath=(/usr/share/zsh/vendor-completions $fpath); autoload -Uz compinit; compinit -u -D; echo READY'",
        "zpty -r z line '*READY*'",
        "zpty -w -n z $'et --li\\t'",
        "screen=''",
        "for i in {1..100}; do zpty -r -t z chunk && screen+=$chunk; [[ $screen == *'et --list'* ]] && break; sleep 0.1; done",
        "zpty -d z",
        "print -r -- \"$screen\"")), TIMEOUT);
    assertEquals(0, zsh.status(), zsh.toString());
    assertTrue(zsh.stdout().contains("et --list"), Escaped.of(zsh.stdout()));
    assertFalse(zsh.stdout().contains("not found"), Escaped.of(zsh.stdout()));
  }

  /** A terminal session through /usr/bin/et to the sshd fixture, no --terminal-path: ssh finds etterminal on the PATH. */
  private static void runASessionThroughTheInstalledEt() throws Exception {
    try (SshServer sshd = SshServer.start()) {
      userCreated |= sshd.addLoginUser(USER);
      Path home = LocalAccounts.home(USER);
      UserPrincipal owner = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
      // The account's own dotfiles: its prompt, a runtime directory and idle exit of its own.
      writeOwned(home.resolve(".bash_profile"), "PS1='" + PROMPT + "'\nunset PROMPT_COMMAND\n", owner);
      writeOwned(home.resolve(".bashrc"),
          "export XDG_RUNTIME_DIR=\"$HOME/xdg\"\nmkdir -p -m 700 \"$XDG_RUNTIME_DIR\"\nexport ET_HOST_IDLE_EXIT=120\n", owner);
      Path conf = home.resolve(".config/et/server.conf");
      Files.createDirectories(conf.getParent());
      writeOwned(conf, "port=" + SshServer.freePort() + "\nbind=127.0.0.1\n", owner);
      Commands.check(List.of("chown", "-R", USER, home.resolve(".config").toString()), TIMEOUT);

      List<String> et = List.of("/usr/bin/env", "-u", "JAVA_HOME", "-u", "ET_JAVA", "PATH=" + PLAIN_PATH,
          "et", "--ssh", "ssh -F " + sshd.clientConfig());
      String destination = USER + "@127.0.0.1";
      try (PtyEt pty = PtyEt.start(with(et, destination), base, 100, 30)) {
        CapturedOutput screen = pty.screen();
        int at = screen.await(PROMPT, 0, DEADLINE);
        pty.type("echo PKG$((40+2))\r");
        screen.await(PROMPT, screen.await("PKG42\r\n", at, DEADLINE), DEADLINE);
        ProcessHandle host = EtHostSandbox.sessionHostOf(home.resolve("xdg")).orElseThrow();
        assertEquals(INSTALLED.resolve("bin/et-host").toString(), host.info().command().orElse("?"), "the session host's executable");

        CommandResult list = Commands.run(with(et, "--list", destination), TIMEOUT);
        assertEquals(0, list.status(), list.toString());
        Matcher row = ROW.matcher(list.stdout());
        assertTrue(row.find(), list.toString());
        CommandResult kill = Commands.run(with(et, "--kill", row.group(1), destination), TIMEOUT);
        assertEquals(0, kill.status(), kill.toString());
        assertEquals(129, pty.awaitEnding(DEADLINE).status(),
            Escaped.of(screen.since(0)) + "\nhost log:\n" + EtHostSandbox.hostLog(home));
        assertFalse(screen.since(0).contains("WARNING:"), Escaped.of(screen.since(0)));
        assertEquals("no sessions of yours on 127.0.0.1\n", Commands.check(with(et, "--list", destination), TIMEOUT).stdout());
      }
      runASessionThroughTheInstalledAgent(with(et, destination));
      // The package goes next: its session host with it.
      EtHostSandbox.stopSessionHost(home.resolve("xdg"));
    }
  }

  /**
   * The package's et-agent started from the PATH, then {@code et} on a terminal: the thin client,
   * on the package's runtime, hands the terminal to the agent, which runs the session; then the
   * agent stops.
   */
  private static void runASessionThroughTheInstalledAgent(List<String> et) throws Exception {
    // As PtyEt's environment: HOME is base and there is no XDG_RUNTIME_DIR, so the socket is in ~/.et.
    List<String> agent = List.of("/usr/bin/env", "-u", "XDG_RUNTIME_DIR", "-u", "JAVA_HOME", "-u", "ET_JAVA",
        "HOME=" + base, "PATH=" + PLAIN_PATH, "et-agent");
    try {
      CommandResult started = Commands.run(agent, DEADLINE);
      assertEquals("et-agent: serving on " + base.resolve(".et/agent.sock") + "\n", started.stdout(), started.toString());
      try (PtyEt pty = PtyEt.start(et, base, 100, 30)) {
        CapturedOutput screen = pty.screen();
        int at = screen.await(PROMPT, 0, DEADLINE);
        List<ProcessHandle> thin = pty.processesWith("et.client.thin.ThinClient");
        assertEquals(1, thin.size(), "one thin client under the terminal's shell");
        assertEquals(INSTALLED.resolve("lib/runtime/bin/java").toString(), thin.getFirst().info().command().orElse("?"));
        assertTrue(Files.exists(INSTALLED.resolve("lib/aot/et-thin.aot")), "the thin client's AOT cache, recorded at install");
        pty.type("echo AGENT$((40+2))\r");
        screen.await(PROMPT, screen.await("AGENT42\r\n", at, DEADLINE), DEADLINE);
        pty.type("exit 7\r");
        assertEquals(7, pty.awaitEnding(DEADLINE).status(), Escaped.of(screen.since(0)));
        assertFalse(screen.since(0).contains("WARNING:"), Escaped.of(screen.since(0)));
      }
    } finally {
      Commands.run(with(agent, "--stop"), DEADLINE);
    }
    CommandResult status = Commands.run(with(agent, "--status"), DEADLINE);
    assertEquals("et-agent: not running\n", status.stdout(), status.toString());
  }

  private static List<String> with(List<String> command, String... more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(more));
    return all;
  }

  private static void writeOwned(Path file, String text, UserPrincipal owner) throws IOException {
    Files.writeString(file, text);
    Files.setOwner(file, owner);
  }
}
