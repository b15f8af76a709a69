package et.client;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * The training run of the client's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}): what
 * {@code et --help} loads, a command line run as far as ssh's answer ({@link
 * ClientWarmup#firstRequest}), then {@link ClientWarmup#train}. The cache then holds the classes of a
 * start and, as JDK 25 records them (JEP 515), the profiles of a keystroke path the JIT had fully
 * compiled, so a real client's short warm-up gets that path optimised quickly
 * (docs/BENCHMARKS.md). Prints nothing.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) {
    PrintWriter discard = new PrintWriter(Writer.nullWriter());
    Main.run(new String[] {"--help"}, discard, discard, RemoteSession.forThisProcess());
    ClientWarmup.firstRequest();
    ClientWarmup.train();
  }
}
