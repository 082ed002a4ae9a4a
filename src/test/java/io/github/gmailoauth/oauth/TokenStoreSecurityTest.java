package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The Google user id is data, never SQL: every statement is prepared (on H2 and on PostgreSQL). */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TokenStoreSecurityTest {
  @Parameter TestDatabase kind;

  @TempDir Path dir;

  @Test
  void sqlMetacharactersInTheUserIdAreStoredVerbatimAndHarmNoOtherRow() throws Exception {
    try (TestApp app = TestApp.start(dir, kind, Map.of())) {
      Browser first = new Browser();
      app.signIn(first);
      String hostileId = "1' OR '1'='1'; DROP TABLE google_grant; --\\\"";
      app.google.addUser(hostileId, "hostile@example.com", "Robert'); DROP TABLE Students;--");
      Browser second = new Browser();
      HttpResponse<String> toGoogle =
          second.get(app.url("/authorize?login_hint=hostile%40example.com"));
      HttpResponse<String> callback =
          second.get(Browser.location(second.answerConsent(Browser.location(toGoogle), true)));
      assertEquals(302, callback.statusCode());
      assertEquals(2, app.grantCount());
      assertEquals("hostile@example.com", app.grantRow(hostileId).get("email"));
      assertFalse(
          app.grantRow(app.google.defaultUser().id()).isEmpty(), "the other row is untouched");
      assertEquals(200, second.get(app.url("/messages")).statusCode());
      assertEquals(200, first.get(app.url("/messages")).statusCode());
    }
  }
}
