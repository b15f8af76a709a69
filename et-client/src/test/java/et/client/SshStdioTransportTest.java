package et.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.transport.ConnectAttempt;
import et.core.task.TaskGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --via-ssh}'s transport against fake ssh programs: one that relays (cat), one that fails to log in. */
class SshStdioTransportTest {
  private static final TaskGroup TASKS = TaskGroup.startRoot("test");

  @TempDir Path dir;

  @Test
  void bytesGoThroughTheProgramBothWays() throws IOException {
    ConnectAttempt attempt = new ConnectAttempt();
    try (attempt) {
      ByteChannel channel = new SshStdioTransport(List.of("cat"), "target:2022", TASKS).open(attempt);
      byte[] sent = "sealed frames".getBytes(StandardCharsets.UTF_8);
      channel.write(ByteBuffer.wrap(sent));
      ByteBuffer back = ByteBuffer.allocate(sent.length);
      while (back.hasRemaining()) {
        assertTrue(channel.read(back) > 0);
      }
      assertArrayEquals(sent, back.array());
    }
  }

  @Test
  void aLoginThatNeedsAPasswordSaysSo() throws IOException {
    String message = failureOf("echo 'alice@jump: Permission denied (publickey,password).' >&2; exit 255");
    assertTrue(message.startsWith("ssh needs a password or passphrase"), message);
    assertTrue(message.contains("Permission denied (publickey,password)"), message);
  }

  @Test
  void anotherFailureQuotesSshAndItsStatus() throws IOException {
    assertEquals("ssh -W target:2022 failed (exit status 1): channel 0: open failed: connect failed: Connection refused",
        failureOf("echo 'channel 0: open failed: connect failed: Connection refused' >&2; exit 1"));
  }

  @Test
  void closingTheAttemptEndsTheProgram() throws IOException {
    ConnectAttempt attempt = new ConnectAttempt();
    ByteChannel channel = new SshStdioTransport(List.of("sleep", "60"), "target:2022", TASKS).open(attempt);
    attempt.close();
    assertFalse(channel.isOpen());
    assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(16)));
  }

  /** The message of the first read through a fake ssh running {@code body}, which must fail. */
  private String failureOf(String body) throws IOException {
    Path ssh = fakeSsh(body);
    try (ConnectAttempt attempt = new ConnectAttempt()) {
      ByteChannel channel = new SshStdioTransport(List.of(ssh.toString()), "target:2022", TASKS).open(attempt);
      return assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(16))).getMessage();
    }
  }

  private Path fakeSsh(String body) throws IOException {
    Path script = dir.resolve("ssh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
