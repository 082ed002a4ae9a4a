package io.github.gmailoauth.oauth;

import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When Google refuses a grant, the app sends the browser through consent once more on its own. A
 * second refusal right after that fresh consent means consent cannot fix it (the app was removed in
 * the Google Account, or an organisation restricts it): the page then explains instead of sending
 * the browser round again, so that it never loops between the app and Google.
 */
public final class ConsentLoop {
  /** Kept in the session, which survives the sign-out that consent-again begins with. */
  static final String LAST_AUTOMATIC_CONSENT = "consent.lastAutomatic";

  /** A second automatic trip through consent within this window is a loop. */
  static final Duration WINDOW = Duration.ofMinutes(5);

  private final Clock clock;

  public ConsentLoop(Clock clock) {
    this.clock = clock;
  }

  /**
   * Records an automatic trip through consent for this browser's session, and answers whether the
   * previous one was so recent that this one would be a loop.
   */
  public boolean wouldLoop(HttpSession session) {
    Instant now = clock.instant();
    Object last = session.getAttribute(LAST_AUTOMATIC_CONSENT);
    session.setAttribute(LAST_AUTOMATIC_CONSENT, now);
    return last instanceof Instant previous && isLoop(previous, now);
  }

  /** Whether an automatic consent at {@code now} repeats the one at {@code previous}. */
  static boolean isLoop(Instant previous, Instant now) {
    return now.isBefore(previous.plus(WINDOW));
  }
}
