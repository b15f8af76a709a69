package et.core;

/** Where a session is in its life: {@code CONNECTING → CONNECTED ⇄ DISCONNECTED → ENDED}. */
public enum SessionState {
  /** Waiting for its first connection. */
  CONNECTING,
  /** A connection is up and carrying the stream. */
  CONNECTED,
  /** The last connection died; the client is redialing, the server is waiting for it. */
  DISCONNECTED,
  /** Closed, expired, refused or failed: see {@link Session#end()}. Final. */
  ENDED
}
