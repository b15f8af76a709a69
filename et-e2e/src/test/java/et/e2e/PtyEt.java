package et.e2e;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import et.testkit.CapturedOutput;
import et.testkit.Escaped;
import et.testkit.ShellWords;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * launcher/et run as a user would, on a real terminal: bash in a PTY (pty4j) runs {@code stty -a},
 * et, prints et's exit status, and {@code stty -a} again. The test types on the master side.
 */
final class PtyEt implements AutoCloseable {
  private static final Pattern ENDING =
      Pattern.compile("__STTY_BEFORE__(.*)__RUN__.*__EXIT=(\\d+)__(.*)__STTY_AFTER__", Pattern.DOTALL);

  private final PtyProcess pty;
  private final CapturedOutput screen;

  private PtyEt(PtyProcess pty) {
    this.pty = pty;
    this.screen = new CapturedOutput().readFrom(pty.getInputStream(), "pty screen");
  }

  /** What the run ended with: et's exit status and the terminal's settings before and after. */
  record Ending(int status, String sttyBefore, String sttyAfter) {}

  static PtyEt start(List<String> etCommand, Path dir, int cols, int rows) throws IOException {
    return start(etCommand, dir, cols, rows, false);
  }

  /**
   * As {@link #start(List, Path, int, int)}; with {@code jobControl} the shell runs et as a job
   * (bash's {@code set -m}: its own process group, in the foreground), so that Ctrl-Z stops it
   * as in an interactive shell, and a stopped et ends the script with status 148.
   */
  static PtyEt start(List<String> etCommand, Path dir, int cols, int rows, boolean jobControl) throws IOException {
    return start((jobControl ? "set -m; " : ""), command(etCommand), dir, cols, rows);
  }

  /**
   * As {@link #start(List, Path, int, int, boolean)} with job control, but et starts in the
   * background ({@code et ... &}), and the shell brings it to the foreground ({@code fg}) once the
   * file {@code go} exists; et's exit status is then fg's.
   */
  static PtyEt startInBackground(List<String> etCommand, Path dir, int cols, int rows, Path go) throws IOException {
    String run = command(etCommand) + " & " + ShellWords.awaitFile(go) + "; fg";
    return start("set -m; ", run, dir, cols, rows);
  }

  /**
   * As {@link #start(List, Path, int, int, boolean)} with job control, and {@code afterEt} run
   * after et ends or stops (e.g. {@code ; bg; fg}), before its status is printed.
   */
  static PtyEt startAsJob(List<String> etCommand, Path dir, int cols, int rows, String afterEt) throws IOException {
    return start("set -m; ", command(etCommand) + afterEt, dir, cols, rows);
  }

  private static PtyEt start(String setUp, String run, Path dir, int cols, int rows) throws IOException {
    // pty4j sets the window's size just after the shell starts: wait (at most 5 s) until it is there.
    String script = setUp + "trap true INT; for i in $(seq 500); do [ \"$(stty size)\" != '0 0' ] && break; sleep 0.01; done; "
        + "echo __STTY_BEFORE__; stty -a; echo __RUN__; " + run
        + "; echo \"__EXIT=$?__\"; stty -a; echo __STTY_AFTER__";
    PtyProcess pty = new PtyProcessBuilder(new String[] {"/bin/bash", "--noprofile", "--norc", "-c", script})
        .setEnvironment(Map.of(
            "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "HOME", dir.toString(),
            "TERM", "xterm-256color",
            "LANG", "C.UTF-8"))
        .setDirectory(dir.toString())
        .setInitialColumns(cols)
        .setInitialRows(rows)
        .setConsole(false)
        .start();
    return new PtyEt(pty);
  }

  private static String command(List<String> etCommand) {
    return etCommand.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
  }

  /** The pid of the terminal's shell. */
  long pid() {
    return pty.pid();
  }

  /** The processes under the terminal's shell whose command line contains {@code text}. */
  List<ProcessHandle> processesWith(String text) {
    return ProcessHandle.of(pty.pid()).stream()
        .flatMap(ProcessHandle::descendants)
        .filter(process -> process.info().commandLine().orElse("").contains(text))
        .toList();
  }

  CapturedOutput screen() {
    return screen;
  }

  /** Types {@code text} in one write. */
  void type(String text) throws IOException {
    type(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void type(byte[] bytes) throws IOException {
    OutputStream keyboard = pty.getOutputStream();
    keyboard.write(bytes);
    keyboard.flush();
  }

  void resize(int cols, int rows) {
    pty.setWinSize(new WinSize(cols, rows));
  }

  /** Waits for the script's end and parses it. */
  Ending awaitEnding(Duration timeout) throws InterruptedException {
    screen.await("__STTY_AFTER__", 0, timeout);
    Matcher m = ENDING.matcher(screen.since(0));
    if (!m.find()) {
      throw new AssertionError("no ending on the PTY: " + Escaped.of(screen.since(0)));
    }
    return new Ending(Integer.parseInt(m.group(2)), m.group(1).strip(), m.group(3).strip());
  }

  @Override
  public void close() {
    // pty4j's process has no ProcessHandle of its own: look it up by pid.
    ProcessHandle.of(pty.pid()).ifPresent(bash -> bash.descendants().forEach(ProcessHandle::destroyForcibly));
    pty.destroyForcibly();
  }
}
