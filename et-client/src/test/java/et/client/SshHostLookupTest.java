package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.cli.ClientOptions;
import et.client.cli.LogSettings;
import et.client.cli.HostAction;
import et.client.cli.Route;
import et.client.cli.ShellWords;
import et.core.task.TaskGroup;
import et.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where et's connection goes for a destination, asked of a real OpenSSH client ({@code ssh -G}
 * connects nowhere, so no server is needed) and of scripts that fail in the ways ssh or a wrapper
 * could: the host as given is the fallback, and the note says why.
 */
class SshHostLookupTest {
  /** The group the readers of ssh's output run in, as the client run's would. */
  private static final TaskGroup TASKS = TaskGroup.startRoot("test");


  @TempDir
  Path dir;

  private final List<String> notes = new CopyOnWriteArrayList<>();

  private static ClientOptions options(String ssh, Optional<String> user, String host, List<String> sshOptions) {
    return new ClientOptions(user, host, OptionalInt.empty(), Optional.empty(), false, ShellWords.split(ssh),
        sshOptions, "etterminal", Duration.ofSeconds(1), Duration.ofMinutes(10), new LogSettings(1, Optional.empty()), List.of(), List.of(), List.of(), false, false, Route.DIRECT, true, new HostAction.NewSession(false));
  }

  private String lookUp(String ssh, Optional<String> user, String host, String... sshOptions) throws InterruptedException {
    return new SshHostLookup(options(ssh, user, host, List.of(sshOptions)), LocalProcesses.OF_THIS_PROCESS, notes::add, TASKS).lookUp().hostName();
  }

  private Path sshConfig() throws IOException {
    return Files.writeString(dir.resolve("ssh_config"), """
        Match user bob
          HostName 10.0.0.2
        Host work
          HostName 10.1.2.3
        """);
  }

  @Test
  void anAliasLeadsWhereItsHostNameSays() throws Exception {
    assertEquals("10.1.2.3", lookUp("ssh -F " + sshConfig(), Optional.empty(), "work"));
    assertTrue(notes.contains("ssh's configuration leads work to 10.1.2.3"), notes.toString());
  }

  @Test
  void theUserAndTheSshOptionsAreThoseOfTheBootstrap() throws Exception {
    String ssh = "ssh -F " + sshConfig();
    assertEquals("10.0.0.2", lookUp(ssh, Optional.of("bob"), "work"), "Match user bob, as -l bob");
    assertEquals("10.9.8.7", lookUp(ssh, Optional.empty(), "work", "HostName=10.9.8.7"), "-o HostName=...");
  }

  @Test
  void aHostTheConfigurationDoesNotNameIsItself() throws Exception {
    assertEquals("elsewhere.example", lookUp("ssh -F " + sshConfig(), Optional.empty(), "elsewhere.example"));
    assertEquals(List.of(), notes);
  }

  @Test
  void aFailingSshLeavesTheHostAsGivenAndSaysWhy() throws Exception {
    assertEquals("work", lookUp("ssh -F " + sshConfig(), Optional.empty(), "work", "NoSuchOption=1"));
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.getFirst().startsWith("using work as given: ssh -G exited with status 255: "), notes.getFirst());
    assertTrue(notes.getFirst().contains("NoSuchOption") || notes.getFirst().toLowerCase().contains("nosuchoption"),
        notes.getFirst());
  }

  @Test
  void aMissingProgramLeavesTheHostAsGiven() throws Exception {
    assertEquals("work", lookUp(dir.resolve("no-such-ssh").toString(), Optional.empty(), "work"));
    assertTrue(notes.getFirst().startsWith("using work as given: cannot run "), notes.toString());
  }

  @Test
  void aWrapperThatPrintsNoHostnameLeavesTheHostAsGiven() throws Exception {
    Path ssh = script("no-dump", "echo 'usage: no-dump [options]'");
    assertEquals("work", lookUp(ssh.toString(), Optional.empty(), "work"));
    assertEquals(List.of("using work as given: " + ssh + " -G printed no usable hostname line"), notes);
  }

  @Test
  void hugeOutputIsCutAtTheCapAndNotReadToItsEnd() throws Exception {
    // 16 MiB of dump-like lines, the hostname line last: far past the cap, so never seen.
    Path ssh = script("flood", "yes 'identityfile ~/.ssh/id_ed25519' | head -c 16777216; echo 'hostname 10.6.6.6'");
    long start = System.nanoTime();
    assertEquals("work", lookUp(ssh.toString(), Optional.empty(), "work"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(List.of("using work as given: " + ssh + " -G printed more than " + SshHostLookup.MAX_OUTPUT_BYTES
        + " bytes"), notes);
    assertTrue(took.compareTo(SshHostLookup.TIMEOUT) < 0, "took " + took.toMillis() + " ms");
  }

  @Test
  void anSshThatHangsIsStoppedAtTheTimeoutWithWhatItStarted() throws Exception {
    Path pidFile = dir.resolve("sleep.pid");
    Path ssh = script("hangs", "sleep 30 & echo $! > '" + pidFile + "'; wait");
    List<String> argv = new ArrayList<>(List.of(ssh.toString(), "-G", "work"));
    long start = System.nanoTime();
    String host = new SshHostLookup(argv, LocalProcesses.OF_THIS_PROCESS, "work", Duration.ofMillis(300), notes::add, TASKS).lookUp().hostName();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals("work", host);
    assertEquals(List.of("using work as given: " + ssh + " -G did not finish within 300 ms"), notes);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took.toMillis() + " ms");
    Await.until(pidFile + " to exist", Duration.ofSeconds(5), () -> Files.exists(pidFile));
    long sleeper = Long.parseLong(Files.readString(pidFile).strip());
    Await.until("sleep " + sleeper + " to end", Duration.ofSeconds(5),
        () -> ProcessHandle.of(sleeper).map(p -> !p.isAlive()).orElse(true));
  }

  private Path script(String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/bash\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
