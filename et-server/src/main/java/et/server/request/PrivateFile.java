package et.server.request;

import et.terminal.PrivateDirectory;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner can read and write (0600), in a {@link PrivateDirectory}. */
public final class PrivateFile {
  private PrivateFile() {}

  /**
   * Creates {@code file} as 0600 if it does not exist (its directory as a private one), and makes an
   * existing one 0600. Returns {@code file}. Refuses a symbolic link.
   */
  public static Path ensure(Path file) throws IOException {
    PrivateDirectory.ensure(file.getParent());
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(file + " is not a regular file");
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return file;
  }
}
