package io.github.gmailoauth.web;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Puts the id of the request being served into the app's log lines, as {@code [request_id=...]} at
 * the start of the message, so that they can be matched with the access-log line and the {@code
 * X-Request-Id} response header of the same request.
 *
 * <p>The app logs through {@link System.Logger}, which without a custom {@code LoggerFinder} (there
 * is none in the WAR, in a stock Jetty or in the embedded launcher) is java.util.logging. A JUL
 * record carries no per-request context, so {@link RequestIdFilter} keeps the id in a thread-local
 * while the request is served, and one {@link Handler} on the app's parent logger {@code
 * io.github.gmailoauth} stamps it into each record. JUL calls a logger's own handlers before its
 * parents' with the same record, so whatever handler finally writes the line (the JVM's console
 * handler, a file handler from a {@code logging.properties}, a container's) sees the stamped
 * message; no formatter has to be replaced. Lines logged off a request thread (start-up, the batch
 * pool) carry no id.
 */
public final class RequestIdLogging {
  /** The parent logger of every logger in the app. */
  public static final String APP_LOGGER = "io.github.gmailoauth";

  static final String PREFIX = "[request_id=";

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  /** Held strongly: JUL keeps loggers weakly, and a collected logger would lose the handler. */
  private static final Logger APP = Logger.getLogger(APP_LOGGER);

  private static final Handler STAMP = new Stamp();
  private static int installations; // guarded by RequestIdLogging.class

  private RequestIdLogging() {}

  /**
   * Adds the stamping handler to the app's logger, once however many app instances run in this JVM;
   * each call needs its {@link #uninstall()} (the WAR's class must not stay referenced from the
   * JVM-wide logger after an undeploy).
   */
  public static synchronized void install() {
    if (installations++ == 0) {
      APP.addHandler(STAMP);
    }
  }

  public static synchronized void uninstall() {
    if (installations > 0 && --installations == 0) {
      APP.removeHandler(STAMP);
    }
  }

  /**
   * Makes {@code id} this thread's request id; answers the one it replaces (to give to {@link
   * #restore}).
   */
  static String enter(String id) {
    String outer = CURRENT.get();
    CURRENT.set(id);
    return outer;
  }

  static void restore(String outer) {
    if (outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(outer);
    }
  }

  /** The message of {@code record} with the current request id in front (once), if there is one. */
  static void stamp(LogRecord record) {
    String id = CURRENT.get();
    String message = record.getMessage();
    if (id != null && (message == null || !message.startsWith(PREFIX))) {
      // The id is [A-Za-z0-9._-] only (RequestIdFilter), so it adds nothing MessageFormat would
      // read as a pattern ({ or ') to messages that have parameters.
      record.setMessage(PREFIX + id + "] " + (message == null ? "" : message));
    }
  }

  /** Stamps; writes nothing itself. */
  private static final class Stamp extends Handler {
    @Override
    public void publish(LogRecord record) {
      stamp(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
