package et.client;

import et.client.term.TerminalOutput;
import et.client.term.WakeableStdin;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * What et talks to on its own side: its stdin, stdout and stderr as raw byte streams (no charset,
 * no buffering: the remote session's bytes go through unchanged), its environment, and whether
 * stdin and stdout are a terminal (then et runs the session in raw mode on it; otherwise in pipe
 * mode, see docs/TERMINAL.md). Tests give their own.
 */
public record LocalStreams(
    InputStream stdin, OutputStream stdout, OutputStream stderr, Map<String, String> environment, boolean terminal) {

  public LocalStreams {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    environment = Map.copyOf(environment);
  }

  /**
   * This process's file descriptors 0 (wakeable: closing the stream ends a read in progress), 1 and
   * 2 and environment; the native set-up of 0 and 1 waits for their first use. A terminal when the JDK's console
   * is one: on JDK 25 {@link System#console()} is null unless both stdin and stdout are a TTY, so
   * {@code et host > file} and {@code cmd | et host} run in pipe mode, like ssh without a PTY.
   */
  public static LocalStreams ofThisProcess() {
    Console console = System.console();
    boolean terminal = console != null && console.isTerminal();
    return new LocalStreams(
        new DeferredInput(WakeableStdin::open),
        terminal ? TerminalOutput.ofStdout() : new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err),
        System.getenv(),
        terminal);
  }
}
