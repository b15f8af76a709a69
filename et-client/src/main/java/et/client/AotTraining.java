package et.client;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * The training run of the client's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}): what
 * {@code et --help} loads, then {@link ClientWarmup#train}. The cache then holds the classes of a
 * start and, as JDK 25 records them (JEP 515), the profiles of a keystroke path the JIT had fully
 * compiled; a real client's short warm-up then gets that path optimised within 1-3 s, where
 * without the profiles it stayed in profiling code for its first ten thousand keys or so
 * (docs/BENCHMARKS.md). Prints nothing.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) {
    PrintWriter discard = new PrintWriter(Writer.nullWriter());
    Main.run(new String[] {"--help"}, discard, discard, SessionRunner.forThisProcess());
    ClientWarmup.train();
  }
}
