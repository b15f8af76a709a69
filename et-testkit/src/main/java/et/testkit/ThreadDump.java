package et.testkit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A JSON thread dump of a JVM (this one, or another by pid through {@code jcmd}) read as its tree
 * of thread containers: each StructuredTaskScope (named after its scope) with its parent and its
 * threads' names. Tests assert with it where a program's threads run.
 */
public final class ThreadDump {
  /**
   * One thread container: {@code name} is the scope's name (the part of its id before "/"),
   * {@code ownerTid} the id of the thread that opened it (null for the root and shared pools).
   */
  public record Container(String id, String name, String parentId, String ownerTid, List<String> threads) {}

  private final Map<String, Container> byId;
  /** Every thread's name by its id. */
  private final Map<String, String> namesByTid;

  private ThreadDump(Map<String, Container> byId, Map<String, String> namesByTid) {
    this.byId = byId;
    this.namesByTid = namesByTid;
  }

  /** This JVM's threads now. */
  public static ThreadDump ofThisJvm() throws IOException {
    Path file = Files.createTempFile("threads", ".json");
    try {
      Files.delete(file); // the dump refuses to overwrite
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      return parse(Files.readString(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The threads of process {@code pid} now, through {@code jcmd} of the JDK at {@code javaHome}. */
  public static ThreadDump ofProcess(Path javaHome, long pid) throws IOException {
    Path file = Files.createTempFile("threads", ".json");
    try {
      Files.delete(file);
      CommandResult result =
          Commands.run(
              List.of(javaHome.resolve("bin/jcmd").toString(), Long.toString(pid), "Thread.dump_to_file", "-format=json", file.toString()),
              Duration.ofSeconds(30));
      if (!result.succeeded() || !Files.exists(file)) {
        throw new IOException("jcmd " + pid + " Thread.dump_to_file failed: " + result);
      }
      return parse(Files.readString(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static ThreadDump parse(String json) {
    JsonObject dump = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("threadDump");
    Map<String, Container> byId = new LinkedHashMap<>();
    Map<String, String> namesByTid = new LinkedHashMap<>();
    for (JsonElement element : dump.getAsJsonArray("threadContainers")) {
      JsonObject container = element.getAsJsonObject();
      String id = container.get("container").getAsString();
      List<String> threads = new ArrayList<>();
      for (JsonElement thread : container.getAsJsonArray("threads")) {
        JsonObject fields = thread.getAsJsonObject();
        threads.add(fields.get("name").getAsString());
        namesByTid.put(fields.get("tid").getAsString(), fields.get("name").getAsString());
      }
      int slash = id.indexOf('/');
      String name = slash < 0 ? id : id.substring(0, slash);
      byId.put(id, new Container(id, name, stringOrNull(container.get("parent")), stringOrNull(container.get("owner")), List.copyOf(threads)));
    }
    return new ThreadDump(byId, namesByTid);
  }

  private static String stringOrNull(JsonElement element) {
    return element == null || element.isJsonNull() ? null : element.getAsString();
  }

  public List<Container> containers() {
    return List.copyOf(byId.values());
  }

  /** The containers named {@code name}. */
  public List<Container> named(String name) {
    return byId.values().stream().filter(c -> c.name().equals(name)).toList();
  }

  /** The one container named {@code name}, if there is exactly one. */
  public Optional<Container> only(String name) {
    List<Container> found = named(name);
    return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
  }

  /** The name of the thread that opened {@code container}, or null. */
  public String ownerName(Container container) {
    return container.ownerTid() == null ? null : namesByTid.get(container.ownerTid());
  }

  /** Whether {@code container} is {@code ancestor} or lies below it. */
  public boolean isWithin(Container container, Container ancestor) {
    for (Container at = container; at != null; at = at.parentId() == null ? null : byId.get(at.parentId())) {
      if (at.id().equals(ancestor.id())) {
        return true;
      }
    }
    return false;
  }

  /** The names of the threads in {@code root} and every container below it. */
  public List<String> threadsWithin(Container root) {
    return byId.values().stream().filter(c -> isWithin(c, root)).flatMap(c -> c.threads().stream()).toList();
  }

  /** The names of threads matching {@code which} that are not within {@code root}. */
  public List<String> threadsOutside(Container root, Predicate<String> which) {
    return byId.values().stream()
        .filter(c -> !isWithin(c, root))
        .flatMap(c -> c.threads().stream())
        .filter(which)
        .toList();
  }

  /** Every thread name in the dump. */
  public List<String> allThreads() {
    return byId.values().stream().flatMap(c -> c.threads().stream()).toList();
  }

  /** The tree as indented text, for failure messages. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Container container : byId.values()) {
      if (container.parentId() == null) {
        append(text, container, 0);
      }
    }
    return text.toString();
  }

  private void append(StringBuilder text, Container container, int depth) {
    text.append("  ".repeat(depth)).append(container.name()).append(' ').append(container.threads()).append('\n');
    for (Container child : byId.values()) {
      if (container.id().equals(child.parentId())) {
        append(text, child, depth + 1);
      }
    }
  }
}
