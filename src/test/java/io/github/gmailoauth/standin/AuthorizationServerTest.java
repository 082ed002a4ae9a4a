package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeRequestUrl;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleClientSecrets;
import com.google.api.client.googleapis.auth.oauth2.GoogleRefreshTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleTokenResponse;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.BasicAuthentication;
import com.google.api.client.http.GenericUrl;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.oauth2.model.Userinfo;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in's consent page, token endpoint, refresh token rotation, revocation and userinfo. */
class AuthorizationServerTest extends StandInTestSupport {

  // Authorization page

  @Test
  void authorizationPageListsScopesAndPreselectsDefaultUser() throws Exception {
    HttpResponse<String> page = get(authUrl(Pkce.create(), "s").build());
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    Document doc = Jsoup.parse(page.body());
    assertTrue(doc.text().contains("Sign in with Google (stand-in)"));
    for (String scope : SCOPES) {
      assertTrue(doc.select(".scopes code").eachText().contains(scope), scope);
    }
    assertEquals(
        google.defaultUser().id(), doc.selectFirst("input[name=user][checked]").attr("value"));
    assertEquals("allow", doc.selectFirst("button#allow").attr("value"));
    assertEquals("deny", doc.selectFirst("button#deny").attr("value"));
    assertEquals("/o/oauth2/v2/approve", doc.selectFirst("form").attr("action"));
    assertTrue(doc.select("script").isEmpty());
  }

  @Test
  void loginHintPreselectsThatAccount() throws Exception {
    StandInUser other =
        google.addUser("117000000000000000002", "other@example.com", "Other Person");
    GoogleAuthorizationCodeRequestUrl url =
        authUrl(Pkce.create(), "s").set("login_hint", "other@example.com");
    Document doc = Jsoup.parse(get(url.build()).body());
    assertEquals(other.id(), doc.selectFirst("input[name=user][checked]").attr("value"));
    assertEquals(2, doc.select("input[name=user]").size());
  }

  @Test
  void rejectsPlainOrMissingPkceMethod() throws Exception {
    GoogleAuthorizationCodeRequestUrl plain = authUrl(Pkce.create(), "s");
    plain.setCodeChallengeMethod("plain");
    HttpResponse<String> answer = get(plain.build());
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().contains("Error 400: invalid_request"));
    assertTrue(answer.body().contains("code_challenge_method"));

    GoogleAuthorizationCodeRequestUrl missing = authUrl(Pkce.create(), "s");
    missing.setCodeChallengeMethod(null);
    assertEquals(400, get(missing.build()).statusCode());

    GoogleAuthorizationCodeRequestUrl noChallenge = authUrl(Pkce.create(), "s");
    noChallenge.setCodeChallenge(null);
    assertEquals(400, get(noChallenge.build()).statusCode());
  }

  @Test
  void rejectsPromptTogetherWithApprovalPrompt() throws Exception {
    GoogleAuthorizationCodeRequestUrl url =
        authUrl(Pkce.create(), "s").setApprovalPrompt("force").set("prompt", "consent");
    HttpResponse<String> answer = get(url.build());
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().contains("Conflict params: approval_prompt and prompt"));
    // Either one alone is fine.
    assertEquals(
        200, get(authUrl(Pkce.create(), "s").set("prompt", "consent").build()).statusCode());
    assertEquals(
        200, get(authUrl(Pkce.create(), "s").setApprovalPrompt("force").build()).statusCode());
  }

  @Test
  void rejectsUnknownClientAndBadRedirectAndEscapesWhatItEchoes() throws Exception {
    HttpResponse<String> wrongClient =
        get(authUrl(Pkce.create(), "s").setClientId("<b>evil</b>").build());
    assertEquals(400, wrongClient.statusCode());
    assertFalse(wrongClient.body().contains("<b>evil</b>"));
    assertTrue(wrongClient.body().contains("&lt;b&gt;evil&lt;/b&gt;"));

    assertEquals(
        400, get(authUrl(Pkce.create(), "s").setRedirectUri("/relative").build()).statusCode());
    assertEquals(
        400, get(authUrl(Pkce.create(), "s").setRedirectUri("ftp://x/cb").build()).statusCode());
    assertEquals(400, get(authUrl(Pkce.create(), "s").setState(null).build()).statusCode());

    // A hostile state is carried through the consent page, escaped.
    String state = "\"><script>alert(1)</script>";
    HttpResponse<String> page = get(authUrl(Pkce.create(), state).build());
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("<script>alert(1)"));
    assertEquals(state, Jsoup.parse(page.body()).selectFirst("input[name=state]").attr("value"));
  }

  @Test
  void denyRedirectsWithAccessDenied() throws Exception {
    URI location = consent(authUrl(Pkce.create(), "st8 &x").build(), "deny", null);
    assertTrue(location.toString().startsWith(REDIRECT + "?"));
    Map<String, String> q = query(location);
    assertEquals("access_denied", q.get("error"));
    assertEquals("st8 &x", q.get("state"));
    assertNull(q.get("code"));
  }

  @Test
  void redirectKeepsAnExistingQuery() throws Exception {
    Pkce pkce = Pkce.create();
    String redirect = REDIRECT + "?tenant=a";
    GoogleAuthorizationCodeRequestUrl url = authUrl(pkce, "s").setRedirectUri(redirect);
    URI location = consent(url.build(), "allow", null);
    Map<String, String> q = query(location);
    assertEquals("a", q.get("tenant"));
    assertEquals(String.join(" ", SCOPES), q.get("scope"));
    GoogleTokenResponse token =
        new GoogleAuthorizationCodeTokenRequest(
                transport,
                json,
                google.tokenUri(),
                google.clientId(),
                google.clientSecret(),
                q.get("code"),
                redirect)
            .set("code_verifier", pkce.verifier())
            .execute();
    assertNotNull(token.getAccessToken());
  }

  // Token endpoint

  @Test
  void codeExchangeWithTheRightVerifier() throws Exception {
    GoogleTokenResponse token = login();
    assertTrue(token.getAccessToken().startsWith("sat-"));
    assertTrue(token.getRefreshToken().startsWith("srt-"));
    assertEquals(3600L, token.getExpiresInSeconds());
    assertEquals("Bearer", token.getTokenType());
    assertEquals(String.join(" ", SCOPES), token.getScope());
    assertEquals(1, google.tokenCalls("authorization_code"));
    RecordedRequest recorded = google.requests("POST", "/token").get(0);
    assertEquals("authorization_code", recorded.formParam("grant_type"));
    assertNotNull(recorded.formParam("code_verifier"));
  }

  @Test
  void wrongVerifierAndReusedCodeGiveInvalidGrant() throws Exception {
    Pkce pkce = Pkce.create();
    String code = code(pkce);
    TokenResponseException wrong =
        assertThrows(
            TokenResponseException.class,
            () -> tokenRequest(code, Pkce.create().verifier()).execute());
    assertEquals(400, wrong.getStatusCode());
    assertEquals("invalid_grant", wrong.getDetails().getError());

    TokenResponseException noVerifier =
        assertThrows(
            TokenResponseException.class,
            () ->
                new GoogleAuthorizationCodeTokenRequest(
                        transport,
                        json,
                        google.tokenUri(),
                        google.clientId(),
                        google.clientSecret(),
                        code,
                        REDIRECT)
                    .execute());
    assertEquals("invalid_grant", noVerifier.getDetails().getError());

    TokenResponseException otherRedirect =
        assertThrows(
            TokenResponseException.class,
            () ->
                tokenRequest(code, pkce.verifier())
                    .setRedirectUri("http://localhost:9999/cb")
                    .execute());
    assertEquals("invalid_grant", otherRedirect.getDetails().getError());

    // Failed attempts do not burn the code; the first good one does.
    assertNotNull(tokenRequest(code, pkce.verifier()).execute().getAccessToken());
    TokenResponseException reused =
        assertThrows(
            TokenResponseException.class, () -> tokenRequest(code, pkce.verifier()).execute());
    assertEquals("invalid_grant", reused.getDetails().getError());
    assertEquals(5, google.tokenCalls("authorization_code"));
  }

  @Test
  void clientAuthentication() throws Exception {
    Pkce pkce = Pkce.create();
    String code = code(pkce);
    TokenResponseException badSecret =
        assertThrows(
            TokenResponseException.class,
            () ->
                new GoogleAuthorizationCodeTokenRequest(
                        transport,
                        json,
                        google.tokenUri(),
                        google.clientId(),
                        "wrong",
                        code,
                        REDIRECT)
                    .set("code_verifier", pkce.verifier())
                    .execute());
    assertEquals(401, badSecret.getStatusCode());
    // Like Google, invalid_client is a 401. NetHttpTransport (HttpURLConnection in streaming mode)
    // cannot read the body of a 401 to a POST, so getDetails() is null there; read it directly.
    HttpResponse<String> raw =
        postForm(
            google.tokenUri(),
            Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "client_id",
                google.clientId(),
                "client_secret",
                "wrong"));
    assertEquals(401, raw.statusCode());
    assertTrue(raw.body().contains("\"invalid_client\""), raw.body());

    // HTTP Basic client authentication works as well as form parameters.
    GoogleTokenResponse token =
        tokenRequest(code, pkce.verifier())
            .setClientAuthentication(
                new BasicAuthentication(google.clientId(), google.clientSecret()))
            .execute();
    assertNotNull(token.getAccessToken());
    assertTrue(
        google.requests("POST", "/token").get(2).header("authorization").startsWith("Basic "));
  }

  @Test
  void unsupportedGrantType() throws Exception {
    HttpResponse<String> answer =
        postForm(
            google.tokenUri(),
            Map.of(
                "grant_type",
                "password",
                "client_id",
                google.clientId(),
                "client_secret",
                google.clientSecret()));
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().contains("unsupported_grant_type"));
    assertTrue(
        answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertEquals(1, google.tokenCalls("password"));
  }

  @Test
  void noRefreshTokenForOnlineAccessOrWhenSwitchedOff() throws Exception {
    Pkce pkce = Pkce.create();
    Map<String, String> q =
        query(consent(authUrl(pkce, "s").setAccessType("online").build(), "allow", null));
    assertNull(tokenRequest(q.get("code"), pkce.verifier()).execute().getRefreshToken());

    google.setIssueRefreshTokens(false);
    assertNull(login().getRefreshToken());
    google.setIssueRefreshTokens(true);
    assertNotNull(login().getRefreshToken());
  }

  @Test
  void grantedScopesOverride() throws Exception {
    google.setGrantedScopes("openid email");
    GoogleTokenResponse token = login();
    assertEquals("openid email", token.getScope());
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> gmail(token.getAccessToken()).users().messages().list("me").execute());
    assertEquals(403, e.getStatusCode());
    assertEquals("insufficientPermissions", e.getDetails().getErrors().get(0).getReason());
    assertEquals(
        "demo@example.com", oauth2(token.getAccessToken()).userinfo().get().execute().getEmail());
  }

  @Test
  void refreshWorksUntilRefreshTokensAreRevoked() throws Exception {
    google.setAccessTokenLifetime(Duration.ofMinutes(5));
    GoogleTokenResponse first = login();
    assertEquals(300L, first.getExpiresInSeconds());
    GoogleRefreshTokenRequest refresh =
        new GoogleRefreshTokenRequest(
                transport, json, first.getRefreshToken(), google.clientId(), google.clientSecret())
            .setTokenServerUrl(new GenericUrl(google.tokenUri()));
    GoogleTokenResponse refreshed = refresh.execute();
    assertNotEquals(first.getAccessToken(), refreshed.getAccessToken());
    assertNull(refreshed.getRefreshToken());
    assertEquals(first.getScope(), refreshed.getScope());
    assertEquals(1, google.tokenCalls("refresh_token"));
    assertNotNull(
        gmail(refreshed.getAccessToken()).users().messages().list("me").execute().getMessages());

    google.revokeRefreshTokens();
    TokenResponseException e = assertThrows(TokenResponseException.class, refresh::execute);
    assertEquals(400, e.getStatusCode());
    assertEquals("invalid_grant", e.getDetails().getError());
    assertEquals("Token has been expired or revoked.", e.getDetails().getErrorDescription());
    assertEquals(2, google.tokenCalls("refresh_token"));
    // Access tokens already issued keep working until they expire.
    assertNotNull(
        gmail(refreshed.getAccessToken()).users().messages().list("me").execute().getMessages());
  }

  @Test
  void revokeEndpoint() throws Exception {
    GoogleTokenResponse token = login();
    HttpResponse<String> ok =
        postForm(google.revokeUri(), Map.of("token", token.getRefreshToken()));
    assertEquals(200, ok.statusCode());
    assertEquals("{}", ok.body().trim());
    // Revoking the refresh token takes its access tokens with it.
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> oauth2(token.getAccessToken()).userinfo().get().execute());
    assertEquals(401, e.getStatusCode());
    assertEquals(
        400, postForm(google.revokeUri(), Map.of("token", token.getRefreshToken())).statusCode());
    HttpResponse<String> unknown = get(google.revokeUri() + "?token=nonsense");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("invalid_token"));
  }

  // userinfo and bearer tokens

  @Test
  void userinfoReturnsTheChosenUser() throws Exception {
    StandInUser other = google.addUser("117000000000000000009", "nine@example.com", "Nine Nines");
    Pkce pkce = Pkce.create();
    Map<String, String> q = query(consent(authUrl(pkce, "s").build(), "allow", other.id()));
    String access = tokenRequest(q.get("code"), pkce.verifier()).execute().getAccessToken();
    Userinfo info = oauth2(access).userinfo().get().execute();
    assertEquals(other.id(), info.getId());
    assertEquals("nine@example.com", info.getEmail());
    assertEquals("Nine Nines", info.getName());
    assertTrue(info.getVerifiedEmail());
    // The account has an empty mailbox: Gmail omits "messages" altogether.
    ListMessagesResponse empty = gmail(access).users().messages().list("me").execute();
    assertNull(empty.getMessages());
    assertEquals(0L, empty.getResultSizeEstimate());
  }

  @Test
  void invalidExpiredAndRevokedAccessTokensGet401() throws Exception {
    GoogleJsonResponseException bogus =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> oauth2("sat-bogus").userinfo().get().execute());
    assertEquals(401, bogus.getStatusCode());
    assertEquals("UNAUTHENTICATED", bogus.getDetails().get("status"));
    assertEquals("authError", bogus.getDetails().getErrors().get(0).getReason());
    assertTrue(bogus.getHeaders().getAuthenticate().startsWith("Bearer"));

    HttpResponse<String> none = get(google.baseUrl() + "oauth2/v2/userinfo");
    assertEquals(401, none.statusCode());
    assertTrue(none.body().contains("Request is missing required authentication credential."));

    google.setAccessTokenLifetime(Duration.ZERO);
    GoogleTokenResponse expired = login();
    assertEquals(0L, expired.getExpiresInSeconds());
    assertEquals(
        401,
        assertThrows(
                GoogleJsonResponseException.class,
                () -> gmail(expired.getAccessToken()).users().messages().list("me").execute())
            .getStatusCode());

    google.setAccessTokenLifetime(Duration.ofHours(1));
    String access = login().getAccessToken();
    assertNotNull(gmail(access).users().messages().list("me").execute().getMessages());
    google.revokeAccessTokens();
    assertEquals(
        401,
        assertThrows(
                GoogleJsonResponseException.class,
                () -> gmail(access).users().messages().list("me").execute())
            .getStatusCode());
    // New tokens are unaffected.
    assertNotNull(
        gmail(login().getAccessToken()).users().messages().list("me").execute().getMessages());
  }

  @Test
  void rotationIssuesANewRefreshTokenAndRetiresTheOldOneAtOnce() throws Exception {
    google.setRotateRefreshTokens(true);
    GoogleTokenResponse first = login();
    String r0 = first.getRefreshToken();

    HttpResponse<String> rotated = refreshRaw(r0);
    assertEquals(200, rotated.statusCode(), rotated.body());
    String r1 = jsonOf(rotated).get("refresh_token").getAsString();
    String a1 = jsonOf(rotated).get("access_token").getAsString();
    assertTrue(r1.startsWith("srt-"));
    assertNotEquals(r0, r1);
    assertEquals(
        String.join(" ", SCOPES), jsonOf(rotated).get("scope").getAsString(), "same scopes");
    assertEquals("demo@example.com", oauth2(a1).userinfo().get().execute().getEmail(), "same user");

    // The old token is refused from the very next use; the new one works and rotates in turn.
    HttpResponse<String> reused = refreshRaw(r0);
    assertEquals(400, reused.statusCode());
    assertEquals("invalid_grant", jsonOf(reused).get("error").getAsString());
    GoogleTokenResponse third =
        new GoogleRefreshTokenRequest(transport, json, r1, google.clientId(), google.clientSecret())
            .setTokenServerUrl(new GenericUrl(google.tokenUri()))
            .execute();
    String r2 = third.getRefreshToken();
    assertNotNull(r2, "the Google client library reads the rotated token");
    assertEquals(Set.of(r0, r1, r2), new HashSet<>(google.issuedRefreshTokens()));
    assertEquals(400, refreshRaw(r1).statusCode());

    // Access tokens issued before the rotation keep working until revoked...
    assertEquals(200, listRaw(first.getAccessToken()).statusCode());
    // ...and revoking the newest token revokes the whole grant, predecessors' access tokens too.
    assertEquals(
        400, postForm(google.revokeUri(), Map.of("token", r0)).statusCode(), "r0 was rotated away");
    assertEquals(200, postForm(google.revokeUri(), Map.of("token", r2)).statusCode());
    assertEquals(401, listRaw(first.getAccessToken()).statusCode());
    assertEquals(401, listRaw(a1).statusCode());
    assertEquals(401, listRaw(third.getAccessToken()).statusCode());
    assertEquals(400, refreshRaw(r2).statusCode());

    // Off again: refreshes answer without a refresh_token and leave the token working.
    google.setRotateRefreshTokens(false);
    String plain = login().getRefreshToken();
    assertFalse(jsonOf(refreshRaw(plain)).has("refresh_token"));
    assertEquals(200, refreshRaw(plain).statusCode());
  }

  @Test
  void revokingAnAccessTokenAfterRotationRevokesTheCurrentRefreshToken() throws Exception {
    google.setRotateRefreshTokens(true);
    GoogleTokenResponse first = login();
    String r1 = jsonOf(refreshRaw(first.getRefreshToken())).get("refresh_token").getAsString();
    // The access token belongs to r0's era; Google revokes the grant, i.e. r0's successor.
    assertEquals(
        200, postForm(google.revokeUri(), Map.of("token", first.getAccessToken())).statusCode());
    assertEquals("invalid_grant", jsonOf(refreshRaw(r1)).get("error").getAsString());
  }

  @Test
  void ofConcurrentRefreshesWithOneRotatingTokenExactlyOneWins() throws Exception {
    google.setRotateRefreshTokens(true);
    String r0 = login().getRefreshToken();
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CyclicBarrier together = new CyclicBarrier(n);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(
            pool.submit(
                () -> {
                  together.await();
                  return refreshRaw(r0);
                }));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> f : answers) {
        statuses.add(f.get().statusCode());
      }
      assertEquals(1, Collections.frequency(statuses, 200), statuses.toString());
      assertEquals(n - 1, Collections.frequency(statuses, 400), statuses.toString());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, google.issuedRefreshTokens().size());
  }

  @Test
  void refreshTokenListenerHearsEveryIssuedTokenBeforeTheAnswerIsSent() throws Exception {
    google.setRotateRefreshTokens(true);
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    List<Long> heardAt = Collections.synchronizedList(new ArrayList<>());
    google.onRefreshTokenIssued(
        token -> {
          threads.add(Thread.currentThread().getName());
          try {
            Thread.sleep(200); // anything the client sees must come after the listener returned
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          heard.add(token);
          heardAt.add(System.nanoTime());
        });
    GoogleTokenResponse first = login();
    long answeredAt = System.nanoTime();
    assertEquals(List.of(first.getRefreshToken()), heard);
    assertTrue(heardAt.get(0) <= answeredAt);

    HttpResponse<String> rotated = refreshRaw(first.getRefreshToken());
    answeredAt = System.nanoTime();
    assertEquals(
        List.of(first.getRefreshToken(), jsonOf(rotated).get("refresh_token").getAsString()),
        heard);
    assertTrue(heardAt.get(1) <= answeredAt);
    assertTrue(
        threads.stream().allMatch(t -> t.startsWith("stand-in-google-")), threads.toString());

    // Without rotation a refresh issues no refresh token, so the listener hears nothing.
    google.setRotateRefreshTokens(false);
    String r1 = heard.get(1);
    assertEquals(200, refreshRaw(r1).statusCode());
    assertEquals(2, heard.size());

    // A listener that fails turns the answer into a 500 and the token is never issued: the
    // token that was sent still works and nothing new exists.
    google.setRotateRefreshTokens(true);
    google.onRefreshTokenIssued(
        token -> {
          throw new IllegalStateException("disk full");
        });
    int before = google.issuedRefreshTokens().size();
    assertEquals(500, refreshRaw(r1).statusCode());
    assertEquals(before, google.issuedRefreshTokens().size());
    assertEquals(3, heard.size(), "listeners run in registration order; the first one heard it");
    assertFalse(google.issuedRefreshTokens().contains(heard.get(2)));
    google.setRotateRefreshTokens(false);
    assertEquals(200, refreshRaw(r1).statusCode());
  }

  @Test
  void revokeCallsAndRevokedTokens() throws Exception {
    GoogleTokenResponse a = login();
    GoogleTokenResponse b = login();
    assertEquals(0, google.revokeCalls());
    assertEquals(
        200, postForm(google.revokeUri(), Map.of("token", a.getRefreshToken())).statusCode());
    assertEquals(
        400, postForm(google.revokeUri(), Map.of("token", a.getRefreshToken())).statusCode());
    assertEquals(400, get(google.revokeUri() + "?token=nonsense").statusCode());
    assertEquals(200, get(google.revokeUri() + "?token=" + b.getAccessToken()).statusCode());
    assertEquals(400, postForm(google.revokeUri(), Map.of()).statusCode());
    assertEquals(5, google.revokeCalls(), "every call, whatever its outcome");
    assertEquals(
        List.of(a.getRefreshToken(), b.getAccessToken()),
        google.revokedTokens(),
        "only valid ones");
    // Revoking b's access token revoked b's grant.
    assertEquals(400, refreshRaw(b.getRefreshToken()).statusCode());
  }

  @Test
  void writesClientSecretsInConsoleWebFormat(@TempDir Path dir) throws Exception {
    Path file = google.writeClientSecrets(dir.resolve("conf"));
    assertEquals("client_secrets.json", file.getFileName().toString());
    GoogleClientSecrets secrets;
    try (Reader reader = Files.newBufferedReader(file)) {
      secrets = GoogleClientSecrets.load(json, reader);
    }
    assertEquals(google.clientId(), secrets.getWeb().getClientId());
    assertEquals(google.clientSecret(), secrets.getWeb().getClientSecret());
    assertEquals(google.authUri(), secrets.getWeb().getAuthUri());
    assertEquals(google.tokenUri(), secrets.getWeb().getTokenUri());
    assertTrue(Files.readString(file).contains("\"project_id\": \"stand-in\""));
    assertTrue(google.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+/"));
    assertEquals(google.baseUrl() + "o/oauth2/v2/auth", google.authUri());
    assertEquals(google.baseUrl() + "token", google.tokenUri());
    assertEquals(google.baseUrl() + "revoke", google.revokeUri());
  }
}
