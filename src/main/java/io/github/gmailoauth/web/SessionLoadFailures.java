package io.github.gmailoauth.web;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The session ids whose last load from the database failed (not: was refused as unreadable, or was
 * not found). Filled by the embedded launcher's session store; read by {@link SessionStoreOutage},
 * so that a request whose session failed to load is not taken for signed out even when the database
 * answers again by the time the readiness check asks (a restart of half a second).
 *
 * <p>An id leaves when its session next loads (or is found missing); the set never holds more than
 * {@link #MAX_IDS} ids, so an outage under many sessions cannot grow it without bound.
 */
public final class SessionLoadFailures {
  static final int MAX_IDS = 10_000;

  /** A store that never fails (a stock Jetty's, which the app cannot watch). */
  public static final SessionLoadFailures NONE = new SessionLoadFailures();

  private final ConcurrentHashMap<String, Boolean> ids = new ConcurrentHashMap<>();

  public void failed(String id) {
    if (ids.size() >= MAX_IDS) {
      ids.clear();
    }
    ids.put(id, Boolean.TRUE);
  }

  public void loaded(String id) {
    ids.remove(id);
  }

  /**
   * Whether the session a request names failed to load last time. {@code requestedId} is the
   * cookie's value, which is the stored id plus Jetty's ".workerName" suffix.
   */
  boolean lastLoadFailed(String requestedId) {
    if (ids.isEmpty()) {
      return false;
    }
    int dot = requestedId.lastIndexOf('.');
    return ids.containsKey(dot > 0 ? requestedId.substring(0, dot) : requestedId);
  }
}
