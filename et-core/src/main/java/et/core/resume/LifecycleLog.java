package et.core.resume;

import org.tinylog.Logger;

/**
 * A session's comings and goings (connected, lost, ended, refused) go to the log at info, or at
 * debug for throwaway sessions: those made where {@link #QUIET} is bound to true (the JIT
 * warm-up), which a reader of the log has no use for. Tasks forked in a StructuredTaskScope
 * inherit the binding, so a session made in its reach is quiet throughout.
 */
public final class LifecycleLog {
  /** Bound to true around code whose sessions are throwaway ones. */
  public static final ScopedValue<Boolean> QUIET = ScopedValue.newInstance();

  private final boolean quiet;

  private LifecycleLog(boolean quiet) {
    this.quiet = quiet;
  }

  /** The log for a session or server made here and now. */
  public static LifecycleLog here() {
    return new LifecycleLog(QUIET.orElse(false));
  }

  /** Logs at info, or at debug when quiet. */
  public void log(String format, Object... arguments) {
    if (quiet) {
      Logger.debug(format, arguments);
    } else {
      Logger.info(format, arguments);
    }
  }
}
