package et.server.host;

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
 * The lock that makes a session host the only one of its runtime directory: an exclusive lock on
 * {@code host.lock} (holding the host's pid, for operators and tests), held for the host's life
 * and released by the kernel if the process dies. Whoever holds it owns {@code host.sock}: an
 * existing socket file is stale and may be replaced.
 */
final class HostLock implements AutoCloseable {
  private final FileChannel file;
  private final FileLock lock;

  private HostLock(FileChannel file, FileLock lock) {
    this.file = file;
    this.lock = lock;
  }

  /** The lock, or empty when another host (process, or host in this JVM) holds it. */
  static Optional<HostLock> tryAcquire(Path lockFile) throws IOException {
    FileChannel file =
        FileChannel.open(
            lockFile,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    FileLock lock;
    try {
      lock = file.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // a host in this very JVM
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
    return Optional.of(new HostLock(file, lock));
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
