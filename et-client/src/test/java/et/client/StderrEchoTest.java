package et.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.task.TaskGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ssh's stderr: passed on whole and unchanged, while only a bounded tail is kept for et's messages. */
class StderrEchoTest {
  /** The group the readers of ssh's output run in, as the client run's would. */
  private static final TaskGroup TASKS = TaskGroup.startRoot("test");


  @Test
  void echoesEveryByteAndKeepsOnlyTheTail() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      text.append("warning ").append(i).append('\n');
    }
    text.append("ssh: the last word\r\n\n");
    byte[] all = text.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream echo = new ByteArrayOutputStream();

    StderrEcho stderr = StderrEcho.start(new ByteArrayInputStream(all), echo, 100, TASKS);
    assertTrue(stderr.awaitEnd(Duration.ofSeconds(10)));

    assertArrayEquals(all, echo.toByteArray());
    assertEquals(100, stderr.tail().length());
    assertTrue(text.toString().endsWith(stderr.tail()));
    assertEquals("ssh: the last word", stderr.lastLine());
  }
}
