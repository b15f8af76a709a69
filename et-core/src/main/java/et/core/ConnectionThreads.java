package et.core;

import java.util.concurrent.ThreadFactory;

/**
 * The threads that carry each connection of a session: its socket-read, socket-write and
 * keepalive tasks (see {@link SessionOptions#connectionThreads()}).
 */
public enum ConnectionThreads {
  /** Virtual threads: thousands of sessions cost little memory. The default. */
  VIRTUAL,
  /**
   * Platform threads, which the kernel wakes directly when bytes arrive, where a virtual thread
   * waits for the JDK's poller thread and then for a carrier: less latency per one-way trip
   * (docs/BENCHMARKS.md). For a few sessions where each keystroke counts, such as
   * a terminal; each connection then holds three operating-system threads.
   */
  PLATFORM;

  ThreadFactory factory() {
    return switch (this) {
      case VIRTUAL -> Thread.ofVirtual().factory();
      case PLATFORM -> Thread.ofPlatform().daemon().factory();
    };
  }
}
