package io.github.gmailoauth.oauth;

import com.google.common.collect.MapMaker;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per user, held only while in use: a map from user id to lock whose values are weak
 * references (Guava's {@link MapMaker#weakValues()}), so a lock that no thread holds or waits for
 * can be collected, and the map drops its entry as it is used further. Memory grows with the
 * refreshes in progress, not with every user ever seen.
 *
 * <p>Keyed by the user id itself, not striped (Guava's {@code Striped} hashes keys onto shared
 * locks): two users never share a lock, so no user waits for another's refresh, which can last a
 * token call (10 s) or a wait for another node's lease (15 s). Caffeine's {@code weakValues()}
 * would do the same with a megabyte more in the WAR; Guava is in it already, through the Google
 * client libraries.
 */
final class PerUserLocks {
  private final ConcurrentMap<String, ReentrantLock> locks = new MapMaker().weakValues().makeMap();

  /**
   * The lock of {@code userId}: the same one for every caller while anyone holds it or waits for it
   * (their reference keeps it in the map); a new one after that, which nobody holds.
   */
  ReentrantLock of(String userId) {
    // ConcurrentMap's computeIfAbsent: a get, then putIfAbsent, whose winner every caller returns.
    return locks.computeIfAbsent(userId, id -> new ReentrantLock());
  }
}
