package io.github.gmailoauth.risc;

import static io.github.gmailoauth.risc.Risc.deliver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RiscTransmitter;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: each handled event is logged at INFO with its type and the user id, each refusal with
 * its reason; no line holds the token, a part of it, the refresh token or its hash.
 */
class RiscLogTest {
  @TempDir Path dir;

  @Test
  void eventsAreLoggedByTypeAndUserNeverByToken() throws Exception {
    List<String> lines = new ArrayList<>();
    SimpleFormatter formatter = new SimpleFormatter();
    Handler handler =
        new Handler() {
          @Override
          public synchronized void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + formatter.formatMessage(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger risc = Logger.getLogger("io.github.gmailoauth.risc");
    risc.addHandler(handler);
    try (TestApp app = TestApp.start(dir)) {
      app.signIn(new Browser());
      String userId = app.google.defaultUser().id();
      String refreshToken = (String) app.grantRow(userId).get("refresh_token");
      String disabled =
          app.google
              .securityEvent(RiscTransmitter.ACCOUNT_DISABLED, userId)
              .with("reason", "hijacking")
              .compact();
      String revoked = app.google.risc().tokenRevoked(refreshToken).compact();
      assertEquals(202, deliver(app, revoked).statusCode());
      assertEquals(202, deliver(app, disabled).statusCode());
      assertEquals(400, deliver(app, disabled).statusCode());

      String log = String.join("\n", lines);
      assertTrue(
          log.contains(
              "INFO security event ACCOUNT_DISABLED for user "
                  + userId
                  + ": grant deleted, sessions ended, sign-in refused (hijacking)"),
          log);
      assertTrue(log.contains("INFO security event TOKEN_REVOKED"), log);
      assertTrue(log.contains("INFO security event token refused (REPLAYED"), log);
      for (String token : List.of(disabled, revoked)) {
        for (String part : token.split("\\.")) {
          assertFalse(log.contains(part), "no part of a token in the log");
        }
      }
      assertFalse(log.contains(refreshToken));
      assertFalse(log.contains(RiscTransmitter.hashBase64Sha512Sha512(refreshToken)));
    } finally {
      risc.removeHandler(handler);
    }
  }
}
