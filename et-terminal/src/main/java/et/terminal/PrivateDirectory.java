package et.terminal;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Directories only their owner can enter (0700), for the session host's socket and log: whoever can
 * reach the socket gets sessions (shells) of this user, so a directory that is someone else's or
 * open to others is refused, never repaired behind the user's back.
 */
public final class PrivateDirectory {
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PrivateDirectory() {}

  /**
   * Creates {@code dir} (and missing parents) as 0700 if it does not exist, then {@link #verify
   * verifies} it. Returns {@code dir}.
   */
  public static Path ensure(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, OWNER_ONLY);
    }
    verify(dir);
    return dir;
  }

  /**
   * Throws unless {@code dir} is a directory (not a symbolic link) owned by this process's user
   * with no permission for group or others.
   */
  public static void verify(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    long uid = currentUid();
    if (owner != uid) {
      throw new IOException(dir + " belongs to uid " + owner + ", not to us (uid " + uid + "): refusing to use it");
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (permissions.stream().anyMatch(OTHERS::contains)) {
      throw new IOException(
          dir + " is open to others (" + PosixFilePermissions.toString(permissions)
              + "): refusing to use it; make it private with: chmod 700 " + dir);
    }
  }

  /** The real uid of this process. */
  public static long currentUid() {
    return new UnixSystem().getUid();
  }
}
