package et.server.pty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.task.TaskGroup;
import et.server.process.CommandSpec;
import et.testkit.Await;
import et.testkit.KernelThreadState;
import et.testkit.CapturedOutput;
import et.testkit.TestSeed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real pseudo-terminals running real shells (bash): what is typed reaches the program, what it
 * prints comes back, window size, exit status, signals from the terminal (Ctrl-C) and closing.
 */
class TerminalProcessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path directory;

  @Test
  void echoThroughTheUsersLoginShellComesBack() throws Exception {
    // The default command: $SHELL -l with the user's own profile, so no known prompt; the typed
    // line is buffered by the terminal until the shell reads it. $((..)) keeps the echo of the
    // typed line from matching what we wait for.
    try (var shell = RunningTerminal.start(CommandSpec.loginShell(directory), "xterm-256color", 80, 24)) {
      shell.type("echo ET_$((40+2))_OK\n");
      shell.output.await("ET_42_OK", 0, TIMEOUT);
      shell.type("exit\n");
      assertEquals(Optional.of(0), shell.terminal.waitFor(TIMEOUT));
      assertTrue(shell.pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) > 0);
    }
  }

  @Test
  void charactersTypedOneAtATimeArriveInOrder() throws Exception {
    Random random = new Random(TestSeed.forTest("charactersTypedOneAtATimeArriveInOrder"));
    byte[] typed = new byte[1000];
    for (int i = 0; i < typed.length; i++) {
      typed[i] = (byte) (0x20 + random.nextInt(0x7f - 0x20)); // printable ASCII
    }
    try (var shell = RunningTerminal.plainBash(directory)) {
      int from = startRawCat(shell);
      OutputStream keyboard = shell.keyboard();
      for (byte key : typed) {
        keyboard.write(key);
      }
      shell.output.awaitBytes(from, typed.length, TIMEOUT);
      assertEquals(new String(typed, US_ASCII), new String(shell.output.bytesFrom(from), US_ASCII));
    }
  }

  @Test
  void pumpedInputReachesTheProgramAndThePumpEndsWithItsSource() throws Exception {
    Random random = new Random(TestSeed.forTest("pumpedInputReachesTheProgramAndThePumpEndsWithItsSource"));
    byte[] typed = new byte[20_000]; // several times what the PTY buffers: the pump must wait for cat
    for (int i = 0; i < typed.length; i++) {
      typed[i] = (byte) (0x20 + random.nextInt(0x7f - 0x20));
    }
    try (var shell = RunningTerminal.plainBash(directory)) {
      int from = startRawCat(shell);
      assertEquals(typed.length, shell.terminal.pumpInputFrom(keysFrom(new ByteArrayInputStream(typed))));
      shell.output.awaitBytes(from, typed.length, TIMEOUT);
      assertEquals(new String(typed, US_ASCII), new String(shell.output.bytesFrom(from), US_ASCII));
      assertThrows(
          IllegalStateException.class,
          () -> shell.terminal.pumpInputFrom(keysFrom(new ByteArrayInputStream(typed))),
          "one input pump per terminal");
    }
  }

  @Test
  void anInputPumpWaitsForKeysWithoutAPlatformThreadAndStopsWhenInterrupted() throws Exception {
    try (var shell = RunningTerminal.plainBash(directory);
        var keys = new PipedOutputStream();
        var source = new PipedInputStream(keys)) {
      var pump = new FutureTask<>(() -> shell.terminal.pumpInputFrom(keysFrom(source)));
      Thread caller = Thread.ofVirtual().start(pump);
      keys.write('x');
      shell.output.await("x", 0, TIMEOUT);
      Await.until("the pump to wait for the next key", TIMEOUT,
          () -> caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TIMED_WAITING);
      assertNull(threadNamed("pty-type " + shell.terminal.pid()), "an idle terminal's typing holds no platform thread");
      caller.interrupt();
      var thrown =
          assertThrows(ExecutionException.class, () -> pump.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      assertInstanceOf(InterruptedException.class, thrown.getCause());
    }
  }

  @Test
  void offeredKeysGoInWithoutWaitingAndAFullTerminalTakesNone() throws Exception {
    try (var program = RunningTerminal.start(notReadingInput(directory), "xterm-256color", 80, 24)) {
      program.output.await("NOT_READING", 0, TIMEOUT);
      byte[] paste = new byte[1 << 20]; // far more than the PTY's input holds
      // Offered until one takes nothing: the kernel may move bytes along between two offers.
      FutureTask<Long> pump = new FutureTask<>(() -> program.terminal.pumpInputFrom(keyboard -> {
        int taken = 0;
        for (int n; taken < paste.length && (n = keyboard.offer(paste, taken, paste.length - taken)) > 0; ) {
          taken += n;
        }
        return taken;
      }));
      Thread.ofVirtual().start(pump);
      // It would block, not return, if an offer waited.
      long taken = pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(taken > 0 && taken < paste.length, "the terminal took what it holds, then nothing: " + taken);
    }
  }

  /** Types what {@code source} gives, as a channel's draining thread would (no offers). */
  private static TerminalProcess.Keys keysFrom(InputStream source) {
    return keyboard -> {
      byte[] chunk = new byte[4096];
      long typed = 0;
      for (int n; (n = source.read(chunk)) >= 0; typed += n) {
        keyboard.write(chunk, 0, n);
      }
      return typed;
    };
  }

  private static Thread threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().endsWith(" " + name) && t.isAlive())
        .findFirst()
        .orElse(null);
  }

  @Test
  void pasteOf32KiBComesBackExactlyWhileTheReaderRunsAlongside() throws Exception {
    Random random = new Random(TestSeed.forTest("pasteOf32KiBComesBackExactlyWhileTheReaderRunsAlongside"));
    byte[] paste = new byte[32 * 1024];
    for (int i = 0; i < paste.length; i++) {
      paste[i] = i % 64 == 63 ? (byte) '\n' : (byte) (0x20 + random.nextInt(0x7f - 0x20));
    }
    try (var shell = RunningTerminal.plainBash(directory)) {
      int from = startRawCat(shell);
      // One write of 32 KiB, more than the PTY buffers hold (a few KiB each way): it completes only
      // because the pump's platform thread drains cat's output meanwhile.
      long started = System.nanoTime();
      shell.keyboard().write(paste);
      shell.output.awaitBytes(from, paste.length, TIMEOUT);
      System.err.printf("32 KiB paste echoed in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertArrayEquals(paste, shell.output.bytesFrom(from));
    }
  }

  @Test
  void resizeChangesTheSizeTheProgramSees() throws Exception {
    try (var shell = RunningTerminal.start(RunningTerminal.plainBash(directory, Map.of()), "xterm-256color", 100, 30)) {
      int at = shell.awaitPrompt(0, TIMEOUT);
      shell.type("stty size\n");
      at = shell.output.await("30 100", at, TIMEOUT);
      at = shell.awaitPrompt(at, TIMEOUT);
      shell.terminal.resize(120, 40);
      shell.type("stty size\n");
      shell.output.await("40 120", at, TIMEOUT);
    }
  }

  @Test
  void exitStatusOfTheShellIsReportedAndTheOutputEnds() throws Exception {
    try (var shell = RunningTerminal.plainBash(directory)) {
      shell.awaitPrompt(0, TIMEOUT);
      shell.type("exit 7\n");
      assertEquals(Optional.of(7), shell.terminal.waitFor(TIMEOUT));
      assertEquals(7, shell.terminal.exited().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      shell.pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // end of file on the PTY
    }
  }

  @Test
  void closedTerminalsLeaveNoDescriptorOpen() throws Exception {
    int terminals = 8;
    long before = openDescriptors();
    for (int i = 0; i < terminals; i++) {
      try (var shell = RunningTerminal.plainBash(directory)) {
        shell.awaitPrompt(0, TIMEOUT);
        shell.type("exit\n");
        assertEquals(Optional.of(0), shell.terminal.waitFor(TIMEOUT));
      }
    }
    // Each terminal held its master and a wake pipe (two descriptors): a leak would show 24. Room
    // for the few this JVM may open meanwhile.
    long after = openDescriptors();
    assertTrue(after - before < terminals, before + " descriptors open before, " + after + " after");
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void ctrlCStopsAForegroundPipelineWithinASecond() throws Exception {
    try (var shell = RunningTerminal.plainBash(directory)) {
      shell.awaitPrompt(0, TIMEOUT);
      shell.type("cat /dev/zero | base64 > /dev/null\n");
      ProcessHandle bash = ProcessHandle.of(shell.terminal.pid()).orElseThrow();
      Await.until(
          "cat and base64 run under bash " + bash.pid(),
          TIMEOUT,
          () -> runningChildren(bash).containsAll(List.of("cat", "base64")),
          () -> "(children: " + runningChildren(bash) + ")");

      int from = shell.output.length();
      long started = System.nanoTime();
      shell.keyboard().write(0x03);
      shell.awaitPrompt(from, Duration.ofSeconds(1));
      long promptMillis = (System.nanoTime() - started) / 1_000_000;
      Await.until("the pipeline ends", Duration.ofSeconds(1), () -> runningChildren(bash).isEmpty());
      System.err.printf("Ctrl-C: prompt back after %d ms%n", promptMillis);
    }
  }

  @Test
  void closeWhileTheReadIsBlockedReturnsPromptlyAndEndsThePump() throws Exception {
    try (var shell = RunningTerminal.plainBash(directory)) {
      shell.awaitPrompt(0, TIMEOUT);
      Thread reader = thread("pty-read " + shell.terminal.pid()).orElseThrow();
      Await.until(reader.getName() + " waits in its native read", TIMEOUT, () -> blockedInPtyRead(reader));
      assertFalse(reader.isVirtual(), "the PTY read loop runs on a platform thread");

      long started = System.nanoTime();
      shell.terminal.close();
      long closeMillis = (System.nanoTime() - started) / 1_000_000;
      System.err.printf("close() with an idle shell took %d ms%n", closeMillis);
      assertTrue(closeMillis < TerminalProcess.CLOSE_GRACE.toMillis(), "bash ended on SIGHUP, no SIGKILL needed");

      shell.pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      reader.join(TIMEOUT);
      assertFalse(reader.isAlive(), "the read thread ended");
      assertEquals(Optional.of(128 + 1), shell.terminal.waitFor(Duration.ZERO), "bash ended by SIGHUP");
      assertThrows(IOException.class, () -> shell.keyboard().write('x'), "input refused after close");
      shell.terminal.close(); // idempotent
    }
  }

  @Test
  void interruptingThePumpsCallerClosesTheTerminal() throws Exception {
    // The native read cannot be interrupted: the pump gives up by closing the terminal.
    TaskGroup tasks = TaskGroup.startRoot("t");
    try (var terminal = TerminalProcess.start(RunningTerminal.plainBash(directory, Map.of()), "xterm-256color", 80, 24, tasks)) {
      CapturedOutput output = new CapturedOutput();
      CompletableFuture<Long> pumped = new CompletableFuture<>();
      Thread caller = Thread.ofVirtual().start(() -> {
        try {
          pumped.complete(terminal.pumpOutputTo(output));
        } catch (Throwable e) {
          pumped.completeExceptionally(e);
        }
      });
      output.await(RunningTerminal.PROMPT, 0, TIMEOUT);
      Thread reader = awaitThread("pty-read " + terminal.pid());
      Await.until(reader.getName() + " waits in its native read", TIMEOUT, () -> blockedInPtyRead(reader));

      caller.interrupt();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> pumped.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(failed.getCause() instanceof InterruptedException, "pumpOutputTo threw " + failed.getCause());
      assertEquals(Optional.of(128 + 1), terminal.waitFor(Duration.ZERO), "closed: bash ended by SIGHUP");
      reader.join(TIMEOUT);
      assertFalse(reader.isAlive(), "the read thread ended");
    }
  }

  @Test
  void closeReleasesAWriteBlockedOnAFullTerminal() throws Exception {
    // Raw mode and nobody reading: the PTY's input fills after a few KiB and the native write blocks.
    try (var program = RunningTerminal.start(notReadingInput(directory), "xterm-256color", 80, 24)) {
      program.output.await("NOT_READING", 0, TIMEOUT);
      CompletableFuture<Void> write = writeInPlatformThread(program, new byte[1 << 20]);
      Thread writer = awaitBlockedWriter("pty-write " + program.terminal.pid());

      long started = System.nanoTime();
      program.terminal.close();
      long closeMillis = (System.nanoTime() - started) / 1_000_000;
      System.err.printf("close() with a blocked write took %d ms%n", closeMillis);
      assertTrue(closeMillis < TerminalProcess.CLOSE_GRACE.toMillis(), "closed without waiting for the writer");

      ExecutionException failed = assertThrows(ExecutionException.class, () -> write.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(failed.getCause() instanceof IOException, "the blocked write failed: " + failed.getCause());
      writer.join(TIMEOUT);
      assertFalse(writer.isAlive(), "the write thread ended (its native write was released)");
      program.pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void closeReleasesAPumpedWriteBlockedOnAFullTerminal() throws Exception {
    try (var program = RunningTerminal.start(notReadingInput(directory), "xterm-256color", 80, 24)) {
      program.output.await("NOT_READING", 0, TIMEOUT);
      byte[] paste = new byte[1 << 20]; // far more than the PTY's input holds
      FutureTask<Long> pump = new FutureTask<>(() -> program.terminal.pumpInputFrom(keysFrom(new ByteArrayInputStream(paste))));
      Thread.ofVirtual().start(pump);
      Thread typist = awaitBlockedWriter("pty-type " + program.terminal.pid());

      long started = System.nanoTime();
      program.terminal.close();
      long closeMillis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(
          closeMillis < TerminalProcess.CLOSE_GRACE.toMillis(),
          "closed without waiting for the typist: " + closeMillis + " ms");
      assertThrows(
          ExecutionException.class, () -> pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the pump failed");
      typist.join(TIMEOUT);
      assertFalse(typist.isAlive(), "the typing thread ended (its native write was released)");
    }
  }

  @Test
  void closeReleasesAWriteStillBlockedAfterTheProgramExited() throws Exception {
    // The kernel does not fail a blocked write when the terminal's last program exits: it would
    // stay blocked, holding the PTY, until close() ends it.
    try (var program = RunningTerminal.start(notReadingInput(directory), "xterm-256color", 80, 24)) {
      program.output.await("NOT_READING", 0, TIMEOUT);
      CompletableFuture<Void> write = writeInPlatformThread(program, new byte[1 << 20]);
      Thread writer = awaitBlockedWriter("pty-write " + program.terminal.pid());
      ProcessHandle.of(program.terminal.pid()).orElseThrow().destroy(); // SIGTERM: sleep exits
      assertEquals(Optional.of(128 + 15), program.terminal.waitFor(TIMEOUT));
      assertFalse(write.isDone(), "the write is still blocked after the program exited");

      program.terminal.close();
      assertThrows(ExecutionException.class, () -> write.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      writer.join(TIMEOUT);
      assertFalse(writer.isAlive(), "the write thread ended");
    }
  }

  @Test
  void inputPumpsBlockedOnFullTerminalsHoldNoCarrierThread() throws Exception {
    // More blocked pumps than carrier threads, each called from a virtual thread: had those made
    // the native calls themselves, every carrier would be pinned and no other virtual thread could run.
    int pumps = Runtime.getRuntime().availableProcessors() + 1;
    List<RunningTerminal> programs = new ArrayList<>();
    try {
      List<FutureTask<Long>> typing = new ArrayList<>();
      for (int i = 0; i < pumps; i++) {
        var program = RunningTerminal.start(notReadingInput(directory), "xterm-256color", 80, 24);
        programs.add(program);
        program.output.await("NOT_READING", 0, TIMEOUT);
        FutureTask<Long> pump = new FutureTask<>(() -> program.terminal.pumpInputFrom(keysFrom(new ByteArrayInputStream(new byte[1 << 20]))));
        Thread.ofVirtual().start(pump);
        typing.add(pump);
      }
      for (RunningTerminal program : programs) {
        Thread typist = awaitBlockedWriter("pty-type " + program.terminal.pid());
      }
      Thread other = Thread.ofVirtual().start(() -> {});
      assertTrue(other.join(Duration.ofSeconds(5)), "another virtual thread still gets a carrier");
      assertTrue(typing.stream().noneMatch(FutureTask::isDone), "the pumps are still blocked");
    } finally {
      programs.forEach(RunningTerminal::close);
    }
  }

  @Test
  void closeKillsAProgramThatIgnoresHangupAfterTheGrace() throws Exception {
    // sleep inherits the ignored SIGHUP and does not touch the terminal, so only SIGKILL ends it.
    var command = CommandSpec.of(directory, "/bin/sh", "-c", "trap '' HUP; echo IGNORING_HUP; exec sleep 1000");
    try (var program = RunningTerminal.start(command, "xterm-256color", 80, 24)) {
      program.output.await("IGNORING_HUP", 0, TIMEOUT);
      Duration grace = Duration.ofMillis(300);
      long started = System.nanoTime();
      program.terminal.close(grace);
      long closeMillis = (System.nanoTime() - started) / 1_000_000;
      int status = program.terminal.exited().get(0, TimeUnit.MILLISECONDS);
      System.err.printf("close(300 ms) of a program ignoring SIGHUP took %d ms, status %d%n", closeMillis, status);
      assertTrue(closeMillis >= grace.toMillis(), "waited out the grace");
      assertTrue(closeMillis < grace.toMillis() + 2_000, "SIGKILL ended it promptly");
      assertFalse(ProcessHandle.of(program.terminal.pid()).map(ProcessHandle::isAlive).orElse(false));
      program.pump.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void termAndEnvironmentAreWhatWeSet() throws Exception {
    var command = RunningTerminal.plainBash(directory, Map.of("ET_TEST_VARIABLE", "forty two"));
    try (var shell = RunningTerminal.start(command, "vt220", 80, 24)) {
      int at = shell.awaitPrompt(0, TIMEOUT);
      shell.type("printf 'TERM=[%s] VAR=[%s]\\n' \"$TERM\" \"$ET_TEST_VARIABLE\"\n");
      shell.output.await("TERM=[vt220] VAR=[forty two]", at, TIMEOUT);
    }
  }

  @Test
  void workingDirectoryIsWhatWeSet() throws Exception {
    Path work = Files.createDirectory(directory.resolve("work dir"));
    try (var shell = RunningTerminal.plainBash(work)) {
      int at = shell.awaitPrompt(0, TIMEOUT);
      shell.type("printf 'PWD=[%s] REAL=[%s]\\n' \"$(pwd)\" \"$(pwd -P)\"\n");
      String real = work.toRealPath().toString();
      shell.output.await("PWD=[" + work + "] REAL=[" + real + "]", at, TIMEOUT);
    }
  }

  @Test
  void noNativeLibraryIsExtractedIntoTheTempDirectory() throws Exception {
    String folder = System.getProperty("pty4j.preferred.native.folder");
    assertTrue(folder != null && Files.isRegularFile(Path.of(folder, "linux", "x86-64", "libpty.so")),
        "the build ships libpty.so and points pty4j.preferred.native.folder at it: " + folder);
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = pty4jEntries(temp);
    try (var shell = RunningTerminal.plainBash(directory)) {
      shell.awaitPrompt(0, TIMEOUT);
    }
    List<Path> after = pty4jEntries(temp);
    assertEquals(before, after, "no new pty4j entry in " + temp);
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    List<Path> sinceJvmStart =
        after.stream().filter(entry -> createdMillis(entry) >= jvmStart).toList();
    assertEquals(List.of(), sinceJvmStart, "pty4j entries created in " + temp + " since this JVM started");
  }

  /**
   * Puts the terminal in raw mode without echo and replaces bash by cat, so that cat's output is
   * exactly what is typed; returns the output offset where cat's output begins.
   */
  private static int startRawCat(RunningTerminal shell) throws Exception {
    int at = shell.awaitPrompt(0, TIMEOUT);
    shell.type("stty raw -echo; printf 'CAT_%s\\n' READY; exec cat\n");
    return shell.output.await("CAT_READY\n", at, TIMEOUT);
  }

  /** A program in raw mode that never reads its input, so that writes to it fill the PTY. */
  private static CommandSpec notReadingInput(Path directory) {
    return CommandSpec.of(directory, "/bin/sh", "-c", "stty raw -echo; echo NOT_READING; exec sleep 1000");
  }

  /** Writes on a platform thread "t pty-write PID" (a native write would pin a virtual one). */
  private static CompletableFuture<Void> writeInPlatformThread(RunningTerminal terminal, byte[] bytes) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("t pty-write " + terminal.terminal.pid()).start(() -> {
      try {
        terminal.keyboard().write(bytes);
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** The writer is in PtyMaster's native write and sleeps in the kernel: the PTY has no room. */
  private static boolean blockedInNativeWrite(Thread writer) {
    return Stream.of(writer.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(PtyMaster.class.getName()) && frame.getMethodName().equals("write"))
        && KernelThreadState.sleeping(writer.getName());
  }

  /**
   * A thread {@code name} blocked in its native write, once there is one. Looked up afresh each
   * time: a "pty-type" thread whose keys got in (the tty layer made room) ends, and the next keys'
   * wait starts another of the same name.
   */
  private static Thread awaitBlockedWriter(String name) {
    Await.until(name + " blocks in its native write", TIMEOUT, () -> blockedWriter(name).isPresent());
    return blockedWriter(name).orElseThrow();
  }

  private static Optional<Thread> blockedWriter(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().endsWith(" " + name) && blockedInNativeWrite(t))
        .findFirst();
  }

  private static Thread awaitThread(String name) {
    Await.until("thread " + name + " exists", TIMEOUT, () -> thread(name).isPresent());
    return thread(name).orElseThrow();
  }

  private static List<String> runningChildren(ProcessHandle parent) {
    return parent.children()
        .filter(ProcessHandle::isAlive)
        .map(child -> child.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?"))
        .toList();
  }

  private static Optional<Thread> thread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().endsWith(" " + name)).findFirst();
  }

  /** The reader is in PtyMaster's native read and sleeps in the kernel: nothing to read. */
  private static boolean blockedInPtyRead(Thread reader) {
    return Stream.of(reader.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(PtyMaster.class.getName()) && frame.getMethodName().equals("read"))
        && KernelThreadState.sleeping(reader.getName());
  }

  private static List<Path> pty4jEntries(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.filter(p -> p.getFileName().toString().toLowerCase().contains("pty4j")).sorted().toList();
    }
  }

  private static long createdMillis(Path entry) {
    try {
      return Files.readAttributes(entry, BasicFileAttributes.class).creationTime().toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
