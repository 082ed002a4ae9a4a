package io.github.gmailoauth.risc;

import static io.github.gmailoauth.risc.Risc.deliver;
import static io.github.gmailoauth.risc.Risc.signedIn;
import static io.github.gmailoauth.standin.RiscTransmitter.ACCOUNT_DISABLED;
import static io.github.gmailoauth.standin.RiscTransmitter.SESSIONS_REVOKED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 on two nodes sharing one PostgreSQL, each keeping its sessions in its own memory: an
 * event node A receives ends the user's session on node B at its next request, refuses sign-in on
 * node B, and a token A accepted is refused as a replay by B.
 */
class RiscTwoNodesTest {
  @TempDir Path dir;

  @Test
  void anEventReceivedByOneNodeEndsTheSessionOnTheOther() throws Exception {
    try (TestApp a = TestApp.start(dir, TestDatabase.POSTGRESQL, Map.of());
        TestApp b = a.secondNode()) {
      String userId = a.google.defaultUser().id();
      Browser onB = new Browser();
      b.signIn(onB);
      assertTrue(signedIn(b, onB));

      assertEquals(
          202, deliver(a, a.google.securityEvent(SESSIONS_REVOKED, userId).compact()).statusCode());

      assertFalse(signedIn(b, onB), "node B's next request is signed out");
      assertFalse(b.grantRow(userId).isEmpty(), "the grant stays");
    }
  }

  @Test
  void hijackingReportedToOneNodeRefusesSignInOnTheOther() throws Exception {
    try (TestApp a = TestApp.start(dir, TestDatabase.POSTGRESQL, Map.of());
        TestApp b = a.secondNode()) {
      String userId = a.google.defaultUser().id();
      Browser onB = new Browser();
      b.signIn(onB);

      assertEquals(
          202,
          deliver(
                  a,
                  a.google
                      .securityEvent(ACCOUNT_DISABLED, userId)
                      .with("reason", "hijacking")
                      .compact())
              .statusCode());

      assertFalse(signedIn(b, onB));
      assertTrue(b.grantRow(userId).isEmpty());
      HttpResponse<String> refused = b.signIn(new Browser());
      assertEquals(403, refused.statusCode());
      assertTrue(b.grantRow(userId).isEmpty(), "nothing stored by node B either");
    }
  }

  @Test
  void aTokenAcceptedByOneNodeIsAReplayOnTheOther() throws Exception {
    try (TestApp a = TestApp.start(dir, TestDatabase.POSTGRESQL, Map.of());
        TestApp b = a.secondNode()) {
      String userId = a.google.defaultUser().id();
      Browser browser = new Browser();
      a.signIn(browser);
      String token = a.google.securityEvent(SESSIONS_REVOKED, userId).compact();
      assertEquals(202, deliver(a, token).statusCode());
      a.clock.advance(java.time.Duration.ofSeconds(1));
      b.clock.advance(java.time.Duration.ofSeconds(1));
      a.signIn(browser);
      assertTrue(signedIn(a, browser), "signed in again after the event");

      HttpResponse<String> replay = deliver(b, token);

      assertEquals(400, replay.statusCode());
      assertTrue(signedIn(a, browser), "the replay ended nothing");
    }
  }
}
