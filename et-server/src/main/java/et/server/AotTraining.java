package et.server;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The training run of the session host's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}):
 * what {@code et-host --help} loads, then {@link HostWarmup#train}. The cache then holds the
 * classes of a start and, as JDK 25 records them (JEP 515), the profiles of a keystroke path the
 * JIT had fully compiled, so a new host's short warm-up gets that path optimised quickly
 * (docs/BENCHMARKS.md). Prints nothing.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws InterruptedException {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    EtHost.run(new String[] {"--help"}, discard, discard);
    HostWarmup.train(Path.of(System.getProperty("user.home")));
  }
}
