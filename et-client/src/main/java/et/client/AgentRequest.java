package et.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the user's et hands to the agent ({@link et.client.thin.ThinClient} writes it): its process
 * id, the terminal device it runs on, its working directory, its command line and its environment.
 * Read with every count and length capped before anything is allocated; anything else is an {@link
 * IOException} naming what was wrong.
 *
 * <p>Wire format (big-endian): the int {@code 0x45544132} ("ETA2"); the thin client's process id
 * as an int; the terminal's path and the working directory as strings; an int count of arguments
 * and as many strings; an int count of environment variables and as many pairs of strings (name,
 * value). A string is an int length and that many bytes of UTF-8.
 */
record AgentRequest(int pid, Path terminal, Path directory, List<String> args, Map<String, String> environment) {
  static final int MAGIC = 0x45544132;
  static final int MAX_STRING_BYTES = 128 * 1024;
  static final int MAX_ARGS = 4096;
  static final int MAX_VARIABLES = 4096;
  /** All strings together: a command line and environment far larger than any shell passes on. */
  static final int MAX_TOTAL_BYTES = 1024 * 1024;

  AgentRequest {
    args = List.copyOf(args);
    environment = Map.copyOf(environment);
  }

  static AgentRequest read(DataInputStream in) throws IOException {
    try {
      return readFields(in);
    } catch (EOFException e) {
      throw new IOException("the request ended early");
    }
  }

  private static AgentRequest readFields(DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not an et agent request (starts with 0x%08x)", magic));
    }
    int pid = in.readInt();
    if (pid <= 0) {
      throw new IOException("bad process id: " + pid);
    }
    Reader reader = new Reader(in);
    Path terminal = reader.absolutePath("terminal");
    Path directory = reader.absolutePath("working directory");
    int argCount = reader.count("arguments", MAX_ARGS);
    List<String> args = new ArrayList<>(argCount);
    for (int i = 0; i < argCount; i++) {
      args.add(reader.string("argument"));
    }
    int variableCount = reader.count("environment variables", MAX_VARIABLES);
    Map<String, String> environment = new HashMap<>();
    for (int i = 0; i < variableCount; i++) {
      environment.put(reader.string("variable name"), reader.string("variable value"));
    }
    return new AgentRequest(pid, terminal, directory, args, environment);
  }

  private static final class Reader {
    private final DataInputStream in;
    private int total;

    Reader(DataInputStream in) {
      this.in = in;
    }

    int count(String what, int max) throws IOException {
      int count = in.readInt();
      if (count < 0 || count > max) {
        throw new IOException("bad number of " + what + ": " + count + " (at most " + max + ")");
      }
      return count;
    }

    String string(String what) throws IOException {
      int length = in.readInt();
      if (length < 0 || length > MAX_STRING_BYTES) {
        throw new IOException("bad length of " + what + ": " + length + " (at most " + MAX_STRING_BYTES + ")");
      }
      total += length;
      if (total > MAX_TOTAL_BYTES) {
        throw new IOException("request longer than " + MAX_TOTAL_BYTES + " bytes");
      }
      byte[] bytes = in.readNBytes(length);
      if (bytes.length < length) {
        throw new IOException("request ended inside " + what);
      }
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw new IOException(what + " is not UTF-8");
      }
    }

    Path absolutePath(String what) throws IOException {
      String value = string(what);
      try {
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
          throw new IOException(what + " is not an absolute path");
        }
        return path;
      } catch (InvalidPathException e) {
        throw new IOException(what + " is not a path: " + e.getMessage());
      }
    }
  }
}
