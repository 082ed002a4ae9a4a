package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.gmailoauth.testing.Await;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The per-user refresh locks of {@link UserCredentials}: bounded by the refreshes in progress,
 * never shared between two users, never replaced while in use.
 */
class PerUserLocksTest {
  private static final int USERS = 100_000;

  /** Shaped like Google's user ids ({@code sub}): decimal, 21 digits. */
  private static String user(int i) {
    return "11700000000" + (1_000_000_000L + i);
  }

  /** Each user's lock taken and given back once, as a refresh does; answers what was handed out. */
  private static List<WeakReference<ReentrantLock>> refreshEach(PerUserLocks locks, int users) {
    List<WeakReference<ReentrantLock>> handedOut = new ArrayList<>(users);
    for (int i = 0; i < users; i++) {
      ReentrantLock lock = locks.of(user(i));
      lock.lock();
      lock.unlock();
      handedOut.add(new WeakReference<>(lock));
    }
    return handedOut;
  }

  @Test
  void noLockOutlivesTheRefreshesThatUseIt() throws Exception {
    PerUserLocks locks = new PerUserLocks();
    List<WeakReference<ReentrantLock>> handedOut = refreshEach(locks, USERS);

    Await.until(
        Duration.ofSeconds(20),
        "the locks of " + USERS + " users with no refresh in progress are collected",
        () -> {
          System.gc();
          return handedOut.stream().allMatch(lock -> lock.get() == null);
        });
  }

  @Test
  void everyUserHasALockOfTheirOwn() {
    PerUserLocks locks = new PerUserLocks();
    Set<ReentrantLock> held = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < USERS; i++) {
      ReentrantLock lock = locks.of(user(i));
      lock.lock();
      held.add(lock);
    }
    try {
      // So no user's refresh ever waits for another user's (README, Reliability).
      assertEquals(USERS, held.size());
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  @Test
  void aLockInUseIsTheOneEveryoneGets() throws Exception {
    PerUserLocks locks = new PerUserLocks();
    ReentrantLock inUse = locks.of(user(0));
    inUse.lock();
    try {
      List<WeakReference<ReentrantLock>> others = refreshEach(locks, USERS);
      Await.until(
          Duration.ofSeconds(20),
          "a garbage collection that cleared the other users' locks",
          () -> {
            System.gc();
            return others.get(USERS - 1).get() == null;
          });

      assertSame(inUse, locks.of(user(0)));
      assertFalse(
          CompletableFuture.supplyAsync(() -> locks.of(user(0)).tryLock()).get(),
          "another request for the same user must wait for this refresh");
    } finally {
      inUse.unlock();
    }
  }
}
