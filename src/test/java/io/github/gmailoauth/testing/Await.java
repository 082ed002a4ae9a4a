package io.github.gmailoauth.testing;

import java.time.Duration;

/** Waits for a condition by polling it, for the tests: never a fixed sleep standing in for one. */
public final class Await {
  private Await() {}

  /** Something that becomes true; it may throw while checking (a request, a file read). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Returns once {@code condition} holds, checking every 10 ms; fails after {@code timeout}. */
  public static void until(Duration timeout, String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
