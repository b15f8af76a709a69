package et.terminal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * An exclusive lock on a file (holding the holder's pid, for operators and tests), held for the
 * holder's life and released by the kernel if the process dies: what makes a session host the only
 * one of its runtime directory ({@code host.lock}), and an et the only one offering its session on
 * a share socket. Whoever holds it owns the socket beside it: an existing socket file is stale and
 * may be replaced.
 */
public final class ProcessLock implements AutoCloseable {
  private final FileChannel file;
  private final FileLock lock;

  private ProcessLock(FileChannel file, FileLock lock) {
    this.file = file;
    this.lock = lock;
  }

  /** The lock file of the socket {@code socket}: {@code <socket>.lock} beside it (share sockets, the et agent's). */
  public static Path besideSocket(Path socket) {
    return socket.resolveSibling(socket.getFileName() + ".lock");
  }

  /** The lock, or empty when another process (or another holder in this JVM) holds it. */
  public static Optional<ProcessLock> tryAcquire(Path lockFile) throws IOException {
    FileChannel file =
        FileChannel.open(
            lockFile,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    FileLock lock;
    try {
      lock = file.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // another holder in this very JVM
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
    if (lock == null) {
      file.close();
      return Optional.empty();
    }
    file.truncate(0);
    file.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    return Optional.of(new ProcessLock(file, lock));
  }

  /** Whether this lock is still held: not closed. */
  public boolean isHeld() {
    return lock.isValid();
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      file.close();
    }
  }
}
