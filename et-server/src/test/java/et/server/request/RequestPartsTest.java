package et.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import et.terminal.BoundedLine;
import et.terminal.PrivateDirectory;

import et.terminal.BootstrapNonce;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What etterminal and the session host share: paths, private files, line reading, nonce salvage. */
class RequestPartsTest {
  @TempDir Path dir;

  @Test
  void runtimeDirectoryIsUnderXdgRuntimeDirWhenSetElseInTheHome() {
    HostPaths xdg = HostPaths.fromEnvironment(Map.of("HOME", "/home/u", "XDG_RUNTIME_DIR", "/run/user/1000"));
    assertEquals(Path.of("/run/user/1000/et/host.sock"), xdg.socket());
    assertEquals(Path.of("/home/u/.et/log/host.log"), xdg.logFile());
    assertEquals(Path.of("/home/u/.config/et/server.conf"), xdg.configFile());

    HostPaths plain = HostPaths.fromEnvironment(Map.of("HOME", "/home/u"));
    assertEquals(Path.of("/home/u/.et/run"), plain.runtimeDir());
    // XDG: a relative path in the variable is invalid and ignored.
    assertEquals(Path.of("/home/u/.et/run"), HostPaths.fromEnvironment(Map.of("HOME", "/home/u", "XDG_RUNTIME_DIR", "run")).runtimeDir());
  }
  @Test
  void boundedLineStopsAtLfDropsOneCrAndRefusesTooLongLines() throws IOException {
    assertEquals("ET1 A", BoundedLine.read(stream("ET1 A\r\nrest"), 10));
    assertEquals("no newline", BoundedLine.read(stream("no newline"), 10));
    assertEquals("", BoundedLine.read(stream("\n"), 10));
    assertEquals("0123456789", BoundedLine.read(stream("0123456789\r\n"), 10));
    assertThrows(BoundedLine.TooLongException.class, () -> BoundedLine.read(stream("0123456789A\n"), 10));
    assertEquals("0123456789", BoundedLine.read(stream("0123456789\r"), 10));
    assertThrows(BoundedLine.TooLongException.class, () -> BoundedLine.read(stream("0123456789A\r\n"), 10));
    assertThrows(EOFException.class, () -> BoundedLine.read(stream(""), 10));
    // Non-ASCII bytes stay visible (one char each) for the line parser to refuse.
    assertEquals("\u00e9", BoundedLine.read(new ByteArrayInputStream(new byte[] {(byte) 0xe9, '\n'}), 10));
  }
  @Test
  void theNonceIsFoundEvenInARequestThatDoesNotParse() {
    BootstrapNonce nonce = BootstrapNonce.random();
    assertEquals(Optional.of(nonce), RequestNonce.find("ET1 REQUEST term=x cols=0 nonce=" + nonce + " junk"));
    assertEquals(Optional.of(nonce), RequestNonce.find("ET1 REQUEST nonce=zz nonce=" + nonce));
    assertEquals(Optional.empty(), RequestNonce.find("ET1 REQUEST xnonce=" + nonce));
    assertEquals(Optional.empty(), RequestNonce.find("ET2 REQUEST nonce=" + nonce));
    assertEquals(Optional.empty(), RequestNonce.find("ET1 REQUEST nonce=" + nonce + "0"));
  }
  @Test
  void privateFilesAndDirectoriesAreCreatedForTheOwnerOnly() throws IOException {
    Path log = PrivateFile.ensure(dir.resolve("a/b/host.log"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a"))));
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("a"));
    IOException refused = assertThrows(IOException.class, () -> PrivateDirectory.verify(link));
    assertTrue(refused.getMessage().contains("is not a directory"), refused.getMessage());
  }
  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
