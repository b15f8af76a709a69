package et.client.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line that runs {@code et.client.Main} in a child JVM, as launcher/et does, from this
 * test run's class path minus the test classes (so the client logs with its own tinylog settings).
 */
public final class ClientJvm {

  private ClientJvm() {}

  /** {@code java <flags> -cp <class path> et.client.Main <etArgs>}. */
  public static List<String> command(String... etArgs) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-preview",
        "--enable-native-access=ALL-UNNAMED",
        // A small, quick-starting JVM: the machine is shared and the client does little.
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classPath(),
        "et.client.Main"));
    command.addAll(Arrays.asList(etArgs));
    return command;
  }

  private static String classPath() {
    String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(all.split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
