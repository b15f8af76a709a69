package et.bench;

/** A way to carry bytes one way over loopback, set up afresh for every timed transfer. */
interface Transport {
  /** Short name for the report. */
  String name();

  /** Connects, times one {@link OneWayTransfer} of {@code bytes} (setup excluded), tears down. */
  TransferTime transfer(long bytes) throws Exception;
}
