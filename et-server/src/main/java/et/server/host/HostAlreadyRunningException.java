package et.server.host;

import java.io.IOException;
import java.nio.file.Path;

/** Another session host holds the lock of this runtime directory. */
public final class HostAlreadyRunningException extends IOException {
  public HostAlreadyRunningException(Path lockFile) {
    super("another session host holds " + lockFile);
  }
}
