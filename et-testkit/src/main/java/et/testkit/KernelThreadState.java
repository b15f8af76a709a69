package et.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the kernel says about this JVM's threads, from /proc/self/task: tells a native call that is
 * blocked (the thread sleeps in the kernel) from one making progress. HotSpot gives each platform
 * thread its Java name as its kernel name, cut to 15 bytes.
 */
public final class KernelThreadState {
  private KernelThreadState() {}

  /** Whether the platform thread named {@code name} sleeps in the kernel (state S or D). */
  public static boolean sleeping(String name) {
    String kernelName = name.length() > 15 ? name.substring(0, 15) : name;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.anyMatch(task -> kernelName.equals(read(task.resolve("comm")).trim()) && sleepingState(task));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean sleepingState(Path task) {
    String stat = read(task.resolve("stat"));
    // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'.
    int end = stat.lastIndexOf(')');
    if (end < 0 || end + 2 >= stat.length()) {
      return false;
    }
    char state = stat.charAt(end + 2);
    return state == 'S' || state == 'D';
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return ""; // the thread ended meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
