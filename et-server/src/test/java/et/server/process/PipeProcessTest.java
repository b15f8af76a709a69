package et.server.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.KernelThreadState;
import et.testkit.LocalAccounts;
import et.testkit.TestSeed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands without a terminal: three separate pipes, exit status, own session, closing. */
class PipeProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path directory;

  @Test
  void theChildsEnvironmentIsBuiltAfreshNotTheServersOwn() throws Exception {
    CommandSpec command = CommandSpec.of(directory, "/usr/bin/env").withEnvironment(Map.of("LANG", "C.UTF-8"));
    try (var env = PipeProcess.start(command)) {
      env.input().close();
      CompletableFuture<byte[]> stdout = readAll(env.stdout());
      assertEquals(Optional.of(0), env.waitFor(TIMEOUT));
      Map<String, String> seen = new HashMap<>();
      for (String line : new String(stdout.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8).split("\n")) {
        int equals = line.indexOf('=');
        if (equals > 0) {
          seen.put(line.substring(0, equals), line.substring(equals + 1));
        }
      }
      assertEquals(CommandSpec.DEFAULT_PATH, seen.get("PATH"));
      assertEquals(System.getProperty("user.name"), seen.get("USER"));
      assertEquals("C.UTF-8", seen.get("LANG"));
      assertEquals(directory.toString(), seen.get("PWD"));
      Set<String> allowed = Set.of("USER", "LOGNAME", "HOME", "SHELL", "PATH", "PWD", "XDG_RUNTIME_DIR", "LANG");
      assertTrue(allowed.containsAll(seen.keySet()), "nothing of the server's own environment: " + seen.keySet());
      assertTrue(System.getenv().keySet().stream().anyMatch(name -> !allowed.contains(name)),
          "the test JVM has variables a leak would show (JAVA_HOME, MAVEN_*, ...)");
    }
  }

  @Test
  void stdoutAndStderrStaySeparateByteForByte() throws Exception {
    // Two writers at once, binary data, 64 KiB each (more than a pipe holds): each stream must
    // carry exactly the bytes its writer also saved to a file.
    String script =
        "head -c 65536 /dev/urandom | tee out.bin & "
            + "head -c 65536 /dev/urandom | tee err.bin >&2 & "
            + "wait; exit 3";
    try (var command = PipeProcess.start(CommandSpec.shellCommand(script, directory))) {
      command.input().close();
      CompletableFuture<byte[]> stdout = readAll(command.stdout());
      CompletableFuture<byte[]> stderr = readAll(command.stderr());
      assertEquals(Optional.of(3), command.waitFor(TIMEOUT));
      byte[] out = stdout.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      byte[] err = stderr.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertArrayEquals(Files.readAllBytes(directory.resolve("out.bin")), out, "stdout");
      assertArrayEquals(Files.readAllBytes(directory.resolve("err.bin")), err, "stderr");
      assertEquals(65536, out.length);
      assertEquals(65536, err.length);
    }
  }

  @Test
  void stdinReachesTheCommandAndTheExitStatusIsKept() throws Exception {
    byte[] sent = new byte[1 << 20];
    new Random(TestSeed.forTest("stdinReachesTheCommandAndTheExitStatusIsKept")).nextBytes(sent);
    try (var command = PipeProcess.start(CommandSpec.of(directory, "/bin/sh", "-c", "cat && exit 42"))) {
      CompletableFuture<byte[]> stdout = readAll(command.stdout());
      try (var stdin = command.input()) {
        stdin.write(sent); // while stdout is drained: more than both pipes hold
      }
      assertArrayEquals(sent, stdout.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      assertEquals(Optional.of(42), command.waitFor(TIMEOUT));
      assertEquals(42, command.exited().get(0, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void runsAsLeaderOfItsOwnSessionWithoutATerminal() throws Exception {
    // /proc/PID/stat: pid (comm) state ppid pgrp session tty_nr ...
    String script = "read -r pid comm state ppid pgrp session tty rest < /proc/$$/stat; echo \"$pid $pgrp $session $tty\"";
    try (var command = PipeProcess.start(CommandSpec.of(directory, "/bin/sh", "-c", script))) {
      String line = new String(readAll(command.stdout()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.US_ASCII).trim();
      long pid = command.pid();
      assertEquals(pid + " " + pid + " " + pid + " 0", line, "pid, process group, session, controlling terminal");
      assertEquals(Optional.of(0), command.waitFor(TIMEOUT));
    }
  }

  @Test
  @SuppressWarnings("try") // close() inside try-with-resources: closing is what is tested
  void closeEndsACommandOnHangup() throws Exception {
    try (var command = PipeProcess.start(CommandSpec.of(directory, "/bin/sh", "-c", "echo ready; exec sleep 1000"))) {
      // Read before close(): close() closes the pipes, racing any reader still draining them.
      assertEquals("ready\n", new String(command.stdout().readNBytes(6), StandardCharsets.US_ASCII));
      Await.until("the command runs sleep", TIMEOUT, () -> childIsSleeping(command.pid()));
      long started = System.nanoTime();
      command.close();
      long closeMillis = (System.nanoTime() - started) / 1_000_000;
      System.err.printf("PipeProcess.close() of a command ending on SIGHUP took %d ms%n", closeMillis);
      assertEquals(Optional.of(128 + 1), command.waitFor(Duration.ZERO), "ended by SIGHUP");
      assertTrue(closeMillis < PipeProcess.CLOSE_GRACE.toMillis(), "no need to wait out the grace");
    }
  }

  @Test
  @SuppressWarnings("try") // close() inside try-with-resources: closing is what is tested
  void closeKillsACommandThatIgnoresHangupAfterTheGrace() throws Exception {
    var spec = CommandSpec.of(directory, "/bin/sh", "-c", "trap '' HUP; exec sleep 1000");
    try (var command = PipeProcess.start(spec)) {
      Await.until("the command runs sleep", TIMEOUT, () -> childIsSleeping(command.pid()));
      Duration grace = Duration.ofMillis(300);
      long started = System.nanoTime();
      command.close(grace);
      long closeMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(Optional.of(128 + 9), command.waitFor(Duration.ZERO), "ended by SIGKILL");
      assertTrue(closeMillis >= grace.toMillis() && closeMillis < grace.toMillis() + 2_000, "took " + closeMillis + " ms");
    }
  }

  @Test
  @SuppressWarnings("try") // close() inside try-with-resources: closing is what is tested
  void closeReleasesAWriteBlockedOnStdinOfACommandThatDoesNotRead() throws Exception {
    var spec = CommandSpec.of(directory, "/bin/sh", "-c", "trap '' HUP; exec sleep 1000");
    try (var command = PipeProcess.start(spec)) {
      Await.until("the command runs sleep", TIMEOUT, () -> childIsSleeping(command.pid()));
      CompletableFuture<Void> write = new CompletableFuture<>();
      Thread writer = Thread.ofPlatform().daemon().name("test stdin writer").start(() -> {
        try {
          command.input().write(new byte[1 << 20]); // a pipe holds 64 KiB
          command.input().flush();
          write.complete(null);
        } catch (Throwable e) {
          write.completeExceptionally(e);
        }
      });
      Await.until("the write to stdin blocks", TIMEOUT,
          () -> inNativeWrite(writer) && KernelThreadState.sleeping(writer.getName()));

      command.close(Duration.ofMillis(300));
      ExecutionException failed = assertThrows(ExecutionException.class, () -> write.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(failed.getCause() instanceof IOException, "the write failed: " + failed.getCause());
    }
  }

  @Test
  @SuppressWarnings("try") // close() inside try-with-resources: closing is what is tested
  void closeEndsLeftoverProcessesSoThatReadersOfTheOutputSeeItsEnd() throws Exception {
    // The command leaves a background process that ignores SIGHUP and holds stdout open, then
    // exits. A reader already blocked on stdout would wait for the leftover forever (the JDK only
    // cuts the stream short at exit when no read is in progress); close() kills the rest of the group.
    String script = "(trap '' HUP; exec sleep 1000) & echo $!; read -r line; exit 0";
    try (var command = PipeProcess.start(CommandSpec.of(directory, "/bin/sh", "-c", script))) {
      InputStream stdout = command.stdout();
      long leftover = Long.parseLong(readLine(stdout));
      CompletableFuture<byte[]> rest = new CompletableFuture<>();
      Thread reader = Thread.ofPlatform().daemon().name("test stdout reader").start(() -> {
        try {
          rest.complete(stdout.readAllBytes());
        } catch (Throwable e) {
          rest.completeExceptionally(e);
        }
      });
      Await.until("the reader blocks on stdout", TIMEOUT, () -> inNativeRead(reader));
      command.input().close(); // the command reads end of file and exits
      assertEquals(Optional.of(0), command.waitFor(TIMEOUT));
      assertTrue(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false), "the leftover runs");
      assertFalse(rest.isDone(), "the leftover holds stdout open");

      long started = System.nanoTime();
      command.close(Duration.ofMillis(300));
      assertEquals(0, rest.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).length, "end of stdout");
      System.err.printf("PipeProcess.close() with a leftover holding stdout: reader done after %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      Await.until("the leftover " + leftover + " is gone", TIMEOUT,
          () -> !ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false));
    }
  }

  /**
   * A session closed long after its command exited: the system may have given the command's pid
   * to a newcomer leading a group of its own (a user's login shell, say), which close() must leave
   * alone. The newcomer gets that pid for real, through the kernel's next-pid setting (root only).
   */
  @Test
  void closeLeavesAloneANewcomerThatGotTheCommandsPid() throws Exception {
    Assumptions.assumeTrue(LocalAccounts.isRoot(), "choosing the next pid needs root (CI runs as root)");
    try (var command = PipeProcess.start(CommandSpec.of(directory, "/bin/sh", "-c", "exit 0"))) {
      assertEquals(Optional.of(0), command.waitFor(TIMEOUT));
      Process newcomer = groupLeaderWithPid(command.pid());
      try {
        command.close(Duration.ofMillis(300));
        assertFalse(newcomer.waitFor(1, TimeUnit.SECONDS), "the newcomer " + command.pid() + " survives the close");
      } finally {
        newcomer.destroyForcibly();
      }
    }
  }

  /** Starts {@code sleep} as the leader of a new session and group, with pid {@code pid}. */
  private static Process groupLeaderWithPid(long pid) throws IOException, InterruptedException {
    Path lastPid = Path.of("/proc/sys/kernel/ns_last_pid");
    for (int attempt = 0; attempt < 100; attempt++) {
      Files.writeString(lastPid, Long.toString(pid - 1));
      // setsid execs sleep in place: our child is no group leader, so it does not fork.
      Process started = new ProcessBuilder("setsid", "sleep", "1000").start();
      if (started.pid() == pid) {
        return started;
      }
      started.destroyForcibly().waitFor(); // another fork on the machine took the pid first
    }
    throw new AssertionError("no process got pid " + pid + " in 100 attempts");
  }

  private static boolean inNativeWrite(Thread writer) {
    return Stream.of(writer.getStackTrace())
        .anyMatch(frame -> frame.getClassName().equals("java.io.FileOutputStream") && frame.getMethodName().startsWith("write"));
  }

  private static boolean inNativeRead(Thread reader) {
    return Stream.of(reader.getStackTrace())
        .anyMatch(frame -> frame.getClassName().equals("java.io.FileInputStream") && frame.getMethodName().startsWith("read"));
  }

  private static boolean childIsSleeping(long pid) {
    // The command has exec'd sleep: the signal disposition we test is then in place.
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().command())
        .map(c -> c.endsWith("/sleep"))
        .orElse(false);
  }

  private static CompletableFuture<byte[]> readAll(InputStream stream) {
    CompletableFuture<byte[]> all = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        all.complete(stream.readAllBytes());
      } catch (Throwable e) {
        all.completeExceptionally(e);
      }
    });
    return all;
  }

  private static String readLine(InputStream stream) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int c = stream.read(); c >= 0 && c != '\n'; c = stream.read()) {
      line.append((char) c);
    }
    return line.toString();
  }
}
