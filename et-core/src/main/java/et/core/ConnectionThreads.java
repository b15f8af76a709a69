package et.core;

import java.util.concurrent.ThreadFactory;

/**
 * The thread that reads each connection of a session (see {@link
 * SessionOptions#connectionThreads()}). Its socket-write and keepalive tasks are virtual threads
 * either way: producers write to a free socket themselves, so neither is on a one-way trip's path.
 */
public enum ConnectionThreads {
  /** A virtual thread: thousands of sessions cost little memory. The default. */
  VIRTUAL,
  /**
   * A platform thread, which the kernel wakes directly when bytes arrive, where a virtual thread
   * waits for the JDK's poller thread and then for a carrier: less latency per one-way trip
   * (docs/BENCHMARKS.md). For a few sessions where each keystroke counts, such as a terminal; each
   * connection then holds one operating-system thread, whose stack is most of what an idle session
   * costs.
   */
  PLATFORM;

  /** The socket-read task's thread factory; null where it is virtual like the others. */
  ThreadFactory readerFactory() {
    return switch (this) {
      case VIRTUAL -> null;
      case PLATFORM -> Thread.ofPlatform().daemon().factory();
    };
  }
}
