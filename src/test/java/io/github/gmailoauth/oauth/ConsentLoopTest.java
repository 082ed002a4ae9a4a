package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The consent-loop rule alone; MessagesPageTest and TokenLifecycleTest show the explanation page
 * over HTTP when Google refuses a grant twice in a row.
 */
class ConsentLoopTest {
  private static final Instant FIRST = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void aSecondAutomaticConsentWithinTheWindowIsALoop() {
    assertTrue(ConsentLoop.isLoop(FIRST, FIRST));
    assertTrue(ConsentLoop.isLoop(FIRST, FIRST.plus(ConsentLoop.WINDOW).minusMillis(1)));
    assertFalse(
        ConsentLoop.isLoop(FIRST, FIRST.plus(ConsentLoop.WINDOW)),
        "the window's end is outside it");
    assertFalse(ConsentLoop.isLoop(FIRST, FIRST.plus(Duration.ofHours(1))));
  }
}
