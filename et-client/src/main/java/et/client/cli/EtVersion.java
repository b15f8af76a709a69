package et.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The text of {@code et --version}: et's version (from the build) and the Java runtime it runs on. */
public final class EtVersion implements IVersionProvider {

  private static final String RESOURCE = "/et/client/version.properties";

  /** The version of this build of et, or {@code "unknown"} when the build did not record one. */
  public static String version() {
    try (InputStream in = EtVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      // An unfiltered resource (e.g. run from an IDE without Maven's resource filtering).
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"et " + version(), "Java " + Runtime.version()};
  }
}
