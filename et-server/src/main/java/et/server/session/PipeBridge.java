package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.server.process.PipeProcess;
import et.server.process.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.tinylog.Logger;

/**
 * Pipe mode: joins a program without a terminal to the client's {@code stdin}, {@code stdout} and
 * {@code stderr} channels until it exits or the session ends.
 *
 * <p>Tasks (one {@link SessionScope}): the program's exit decides; "stdin" copies the channel into
 * the program's stdin and closes it when the channel ends (the program sees end of file);
 * "stdout" and "stderr" copy the program's output to their channels and shut the channel's
 * output at end of file; "session-end" ends the program (its whole process group) when the
 * session ends first. Once the program has exited, its output is drained to the end; if a
 * background process keeps a pipe open past {@link #OUTPUT_GRACE}, the group is ended. {@link
 * #run} returns the status only after both output channels took their last byte.
 */
final class PipeBridge {
  static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);
  private static final int CHUNK = 8192;

  private PipeBridge() {}

  static int run(String name, Session session, Channel stdin, Channel stdout, Channel stderr, PipeProcess program)
      throws InterruptedException, SessionScope.TaskFailedException {
    CompletableFuture<Void> stdoutEnded = new CompletableFuture<>();
    CompletableFuture<Void> stderrEnded = new CompletableFuture<>();
    CompletableFuture<Void> outputEnded = CompletableFuture.allOf(stdoutEnded, stderrEnded);
    return SessionScope.run(
        name,
        "pipes",
        () -> {
          int status = program.exited().get();
          if (!Waits.doneWithin(outputEnded, OUTPUT_GRACE)) {
            Logger.info("{}: output stays open {} ms after the program exited: ending its process group", name, OUTPUT_GRACE.toMillis());
            program.close();
          }
          outputEnded.get();
          return status;
        },
        List.of(
            new SessionScope.Helper("stdin", () -> copyStdin(name, stdin.input(), program.input())),
            new SessionScope.Helper("stdout", () -> copyOutput(name, program.stdout(), stdout, program, stdoutEnded)),
            new SessionScope.Helper("stderr", () -> copyOutput(name, program.stderr(), stderr, program, stderrEnded)),
            new SessionScope.Helper(
                "session-end", () -> TerminalBridge.hangUpWhenSessionEnds(name, session, program::close))));
  }

  private static void copyStdin(String name, InputStream from, OutputStream to) {
    byte[] chunk = new byte[CHUNK];
    try (to) {
      for (int n; (n = from.read(chunk)) >= 0; ) {
        to.write(chunk, 0, n);
        to.flush();
      }
      Logger.debug("{}: stdin ended", name);
    } catch (IOException e) {
      // The program closed its stdin or exited, or the session ended.
      Logger.debug("{}: stdin copy ended: {}", name, e.getMessage());
    }
  }

  private static void copyOutput(
      String name, InputStream from, Channel to, PipeProcess program, CompletableFuture<Void> ended) {
    byte[] chunk = new byte[CHUNK];
    try {
      for (int n; (n = from.read(chunk)) >= 0; ) {
        to.output().write(chunk, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // The channel refuses output (the client closed it, the session ended): like SIGPIPE.
      Logger.debug("{}: {} copy ended: {}", name, to.label(), e.getMessage());
      program.close();
    } finally {
      ended.complete(null);
    }
  }
}
