package io.github.gmailoauth.risc;

import static io.github.gmailoauth.risc.Risc.MEDIA_TYPE;
import static io.github.gmailoauth.risc.Risc.count;
import static io.github.gmailoauth.risc.Risc.deliver;
import static io.github.gmailoauth.risc.Risc.signedIn;
import static io.github.gmailoauth.standin.RiscTransmitter.ACCOUNT_DISABLED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gmailoauth.standin.RiscTransmitter;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: hostile deliveries to POST /risc. Each would, if accepted, disable the signed-in user's
 * account as hijacked (the most destructive event); each is answered 400 with RFC 8935 §2.3's error
 * object and changes nothing: the grant row, the session and sign-in stay as they were, and no
 * {@code jti} is recorded.
 */
class RiscHostileTokensTest {
  @TempDir static Path dir;

  private static TestApp app;
  private static Browser browser;
  private static String userId;

  @BeforeAll
  static void signIn() throws Exception {
    app = TestApp.start(dir);
    browser = new Browser();
    app.signIn(browser);
    userId = app.google.defaultUser().id();
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static RiscTransmitter.Event hijacked() {
    return app.google.securityEvent(ACCOUNT_DISABLED, userId).with("reason", "hijacking");
  }

  /** Each hostile token, by what is wrong with it, and the {@code err} it is answered with. */
  private static Map<String, Map.Entry<String, Function<RiscTransmitter.Event, String>>> tokens() {
    Map<String, Map.Entry<String, Function<RiscTransmitter.Event, String>>> cases =
        new LinkedHashMap<>();
    cases.put("alg=none", Map.entry("invalid_key", RiscTransmitter.Event::unsecured));
    cases.put(
        "HS256 keyed with the public key",
        Map.entry("invalid_key", RiscTransmitter.Event::hs256WithPublicKey));
    cases.put(
        "an unknown kid (another key)",
        Map.entry("invalid_key", e -> e.signedWith(RiscTransmitter.newKey()).compact()));
    cases.put(
        "the published kid, signed by another key",
        Map.entry(
            "invalid_key",
            e ->
                e.signedWith(RiscTransmitter.newKey())
                    .keyId(app.google.risc().key().getKeyID())
                    .compact()));
    cases.put(
        "a typ that is not a JWT's or a SET's",
        Map.entry("invalid_key", e -> e.type("at+jwt").compact()));
    cases.put(
        "a wrong issuer",
        Map.entry("invalid_issuer", e -> e.claim("iss", "https://accounts.google.com").compact()));
    cases.put(
        "another issuer",
        Map.entry("invalid_issuer", e -> e.claim("iss", "https://evil.example/").compact()));
    cases.put(
        "a wrong audience",
        Map.entry(
            "invalid_audience",
            e -> e.claim("aud", "other-client.apps.googleusercontent.com").compact()));
    cases.put("no audience", Map.entry("invalid_audience", e -> e.claim("aud", null).compact()));
    cases.put(
        "issued more than 7 days ago",
        Map.entry(
            "invalid_request",
            e -> e.issuedAt(Instant.now().minus(Duration.ofDays(7).plusMinutes(5))).compact()));
    cases.put(
        "issued 10 minutes in the future",
        Map.entry(
            "invalid_request",
            e -> e.issuedAt(Instant.now().plus(Duration.ofMinutes(10))).compact()));
    cases.put(
        "expired",
        Map.entry(
            "invalid_request",
            e ->
                e.claim("exp", Instant.now().minus(Duration.ofHours(1)).getEpochSecond())
                    .compact()));
    cases.put("no iat", Map.entry("invalid_request", e -> e.claim("iat", null).compact()));
    cases.put("no jti", Map.entry("invalid_request", e -> e.claim("jti", null).compact()));
    cases.put(
        "a jti of 300 characters",
        Map.entry("invalid_request", e -> e.jti("j".repeat(300)).compact()));
    cases.put(
        "a subject of another issuer",
        Map.entry(
            "invalid_request",
            e ->
                e.with(
                        "subject",
                        Map.of(
                            "subject_type",
                            "iss-sub",
                            "iss",
                            "https://evil.example/",
                            "sub",
                            userId))
                    .compact()));
    cases.put(
        "a subject without sub",
        Map.entry(
            "invalid_request",
            e ->
                e.with("subject", Map.of("subject_type", "iss-sub", "iss", RiscTransmitter.ISSUER))
                    .compact()));
    cases.put(
        "events not an object",
        Map.entry("invalid_request", e -> e.claim("events", "x").compact()));
    cases.put(
        "a payload that is not JSON",
        Map.entry("invalid_request", RiscTransmitter.Event::withPayloadNotJson));
    cases.put("not a JWT at all", Map.entry("invalid_request", e -> "not.a.jwt"));
    cases.put(
        "a JWT with five parts (JWE) of garbage", Map.entry("invalid_request", e -> "a.b.c.d.e"));
    return cases;
  }

  @Test
  void everyHostileTokenIsRefusedAndChangesNothing() throws Exception {
    Map<String, Object> grant = app.grantRow(userId);
    int seen = count(app, "risc_seen_token");
    for (var hostile : tokens().entrySet()) {
      String token = hostile.getValue().getValue().apply(hijacked());
      HttpResponse<String> answer = deliver(app, token);
      assertEquals(400, answer.statusCode(), hostile.getKey());
      JsonObject error = JsonParser.parseString(answer.body()).getAsJsonObject();
      assertEquals(hostile.getValue().getKey(), error.get("err").getAsString(), hostile.getKey());
      assertTrue(error.has("description"), hostile.getKey());
      assertFalse(answer.body().contains(userId), "nothing of the token is echoed");
      assertUnchanged(grant, hostile.getKey());
      assertEquals(seen, count(app, "risc_seen_token"), hostile.getKey() + ": no jti recorded");
    }
  }

  @Test
  void bodiesOfTheWrongSizeAreRefusedAndChangeNothing() throws Exception {
    Map<String, Object> grant = app.grantRow(userId);
    byte[] valid = hijacked().compact().getBytes(StandardCharsets.US_ASCII);
    byte[] megabyte = new byte[1024 * 1024];
    Arrays.fill(megabyte, (byte) 'a');
    byte[] paddedValid = Arrays.copyOf(valid, 70 * 1024);
    Arrays.fill(paddedValid, valid.length, paddedValid.length, (byte) ' ');
    for (var bad :
        List.of(
            Map.entry(MEDIA_TYPE, megabyte),
            Map.entry(MEDIA_TYPE, paddedValid),
            Map.entry(MEDIA_TYPE, new byte[0]))) {
      String what = bad.getKey() + " of " + bad.getValue().length + " bytes";
      HttpResponse<String> answer;
      try {
        answer = deliver(app, bad.getValue(), bad.getKey().isEmpty() ? null : bad.getKey());
      } catch (IOException closedWhileSending) {
        // An oversized body is refused on its Content-Length and the connection closed unread; a
        // client still sending it may see that close (a reset) before the 400. Refused either way.
        assertTrue(bad.getValue().length > RiscServlet.MAX_BODY, what + ": " + closedWhileSending);
        assertUnchanged(grant, what);
        continue;
      }
      assertEquals(400, answer.statusCode(), what);
      assertEquals(
          "invalid_request",
          JsonParser.parseString(answer.body()).getAsJsonObject().get("err").getAsString(),
          what);
      assertUnchanged(grant, what);
    }
  }

  /**
   * RFC 8935 §2 says the transmitter sends {@code application/secevent+jwt}; what Google's
   * transmitter sends could not be checked here, and refusing its deliveries for a header would
   * lose events. The signature is what is trusted, so any media type, or none, is read.
   */
  @Test
  void aSignedTokenIsReadWhateverMediaTypeItCarries() throws Exception {
    int n = 0;
    for (String type :
        Arrays.asList(
            "Application/SecEvent+JWT; charset=us-ascii",
            "application/json",
            "text/plain",
            "application/jwt",
            null)) {
      RiscTransmitter.Event harmless = app.google.risc().verification("s" + n++);
      assertEquals(
          202,
          deliver(app, harmless.compact().getBytes(StandardCharsets.US_ASCII), type).statusCode(),
          String.valueOf(type));
    }
  }

  @Test
  void aReplayedTokenIsRefusedAndDoesNothingTheSecondTime() throws Exception {
    RiscTransmitter.Event first =
        app.google.securityEvent(RiscTransmitter.SESSIONS_REVOKED, "117000000000000000777");
    String token = first.compact();
    assertEquals(202, deliver(app, token).statusCode());
    int seen = count(app, "risc_seen_token");

    HttpResponse<String> replay = deliver(app, token);

    assertEquals(400, replay.statusCode());
    assertEquals(
        "invalid_request",
        JsonParser.parseString(replay.body()).getAsJsonObject().get("err").getAsString());
    assertEquals(seen, count(app, "risc_seen_token"));
  }

  @Test
  void keysTheJwksCannotServeWithinItsBoundsMakeA503AndChangeNothing() throws Exception {
    try (TestApp fresh = TestApp.start(dir.resolve("fresh"))) {
      Browser other = new Browser();
      fresh.signIn(other);
      String id = fresh.google.defaultUser().id();
      byte[] huge = new byte[JwksRetriever.MAX_BYTES + 1];
      Arrays.fill(huge, (byte) ' ');
      fresh.google.answerNext(
          "GET", StandInGoogle.RISC_JWKS_PATH, 200, "application/json", huge, 1);

      HttpResponse<String> answer =
          deliver(
              fresh,
              fresh
                  .google
                  .securityEvent(ACCOUNT_DISABLED, id)
                  .with("reason", "hijacking")
                  .compact());

      assertEquals(503, answer.statusCode(), "not the token's fault: Google may retry");
      assertFalse(fresh.grantRow(id).isEmpty());
      assertTrue(signedIn(fresh, other));
      assertEquals(0, count(fresh, "risc_seen_token"));
    }
  }

  private static void assertUnchanged(Map<String, Object> grant, String what) throws Exception {
    assertEquals(grant, app.grantRow(userId), what + ": the grant");
    assertTrue(signedIn(app, browser), what + ": the session");
    assertTrue(Risc.accountRow(app, userId).isEmpty(), what + ": no account state");
  }
}
