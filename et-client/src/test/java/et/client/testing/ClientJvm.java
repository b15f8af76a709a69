package et.client.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line that runs module et.client in a child JVM as launcher/et does, on the module
 * path of the code under test: target/classes and the runtime dependencies, which the build gives
 * the tests in the system property {@code et.module.path} (no test classes, so the client logs
 * with its own tinylog settings).
 */
public final class ClientJvm {

  private ClientJvm() {}

  /** {@code java <flags> --module-path <module path> -m et.client/et.client.Main <etArgs>}. */
  public static List<String> command(String... etArgs) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-preview",
        "--enable-native-access=et.client,org.jline,et.core",
        "--add-exports=java.base/sun.nio.ch=et.core",
        // A small, quick-starting JVM: the machine is shared and the client does little.
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--module-path", modulePath(),
        "-m", "et.client/et.client.Main"));
    command.addAll(Arrays.asList(etArgs));
    return command;
  }

  private static String modulePath() {
    String modulePath = System.getProperty("et.module.path");
    if (modulePath == null || modulePath.isBlank()) {
      throw new IllegalStateException("no et.module.path: run the tests with Maven (et-client/pom.xml sets it)");
    }
    return modulePath;
  }
}
