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
import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.BasicAuthentication;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.oauth2.Oauth2;
import com.google.api.services.oauth2.model.Userinfo;
import io.github.gmailoauth.Await;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Drives the stand-in with the real Google client libraries over real HTTP: if these pass, the
 * application's production code paths can be tested against the stand-in unchanged.
 */
class StandInGoogleTest {

    private static final String REDIRECT = "http://localhost:8080/oauth2/callback";
    private static final String GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly";
    private static final List<String> SCOPES = List.of("openid", "email", GMAIL_READONLY);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetHttpTransport transport = new NetHttpTransport();
    private final GsonFactory json = GsonFactory.getDefaultInstance();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private StandInGoogle google;

    @BeforeEach
    void start() {
        google = StandInGoogle.start();
    }

    @AfterEach
    void stop() {
        google.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private record Pkce(String verifier, String challenge) {
        static Pkce create() {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private GoogleAuthorizationCodeRequestUrl authUrl(Pkce pkce, String state) {
        GoogleAuthorizationCodeRequestUrl url = new GoogleAuthorizationCodeRequestUrl(google.authUri(),
                google.clientId(), REDIRECT, SCOPES).setState(state).setAccessType("offline");
        url.setCodeChallenge(pkce.challenge());
        url.setCodeChallengeMethod("S256");
        return url;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postForm(String url, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs the consent page, submits its form like a browser would, and returns the redirect. */
    private URI consent(String authUrl, String decision, String userIdOrNull) throws Exception {
        HttpResponse<String> page = get(authUrl);
        assertEquals(200, page.statusCode(), page.body());
        Document doc = Jsoup.parse(page.body(), google.baseUrl());
        Element form = doc.selectFirst("form");
        assertNotNull(form);
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element hidden : form.select("input[type=hidden]")) {
            fields.put(hidden.attr("name"), hidden.attr("value"));
        }
        Element checked = form.selectFirst("input[name=user][checked]");
        fields.put("user", userIdOrNull != null ? userIdOrNull : checked.attr("value"));
        fields.put("decision", decision);
        HttpResponse<String> answer = postForm(form.absUrl("action"), fields);
        assertEquals(302, answer.statusCode(), answer.body());
        return URI.create(answer.headers().firstValue("Location").orElseThrow());
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private String code(Pkce pkce) throws Exception {
        Map<String, String> q = query(consent(authUrl(pkce, "st").build(), "allow", null));
        assertEquals("st", q.get("state"));
        return q.get("code");
    }

    private GoogleAuthorizationCodeTokenRequest tokenRequest(String code, String verifier) {
        return new GoogleAuthorizationCodeTokenRequest(transport, json, google.tokenUri(), google.clientId(),
                google.clientSecret(), code, REDIRECT).set("code_verifier", verifier);
    }

    private GoogleTokenResponse login() throws Exception {
        Pkce pkce = Pkce.create();
        return tokenRequest(code(pkce), pkce.verifier()).execute();
    }

    private static HttpRequestInitializer bearer(String token) {
        return request -> request.getHeaders().setAuthorization("Bearer " + token);
    }

    private Gmail gmail(String token) {
        return new Gmail.Builder(transport, json, bearer(token)).setRootUrl(google.apiRootUrl())
                .setApplicationName("stand-in-test").build();
    }

    private Oauth2 oauth2(String token) {
        return new Oauth2.Builder(transport, json, bearer(token)).setRootUrl(google.apiRootUrl())
                .setApplicationName("stand-in-test").build();
    }

    private List<String> listAll(Gmail gmail, String q, long pageSize) throws IOException {
        List<String> ids = new ArrayList<>();
        String pageToken = null;
        do {
            ListMessagesResponse page = gmail.users().messages().list("me").setQ(q).setMaxResults(pageSize)
                    .setPageToken(pageToken).execute();
            if (page.getMessages() != null) {
                page.getMessages().forEach(m -> ids.add(m.getId()));
            }
            pageToken = page.getNextPageToken();
        } while (pageToken != null);
        return ids;
    }

    private static String header(Message m, String name) {
        for (MessagePartHeader h : m.getPayload().getHeaders()) {
            if (h.getName().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------
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
        assertEquals(google.defaultUser().id(), doc.selectFirst("input[name=user][checked]").attr("value"));
        assertEquals("allow", doc.selectFirst("button#allow").attr("value"));
        assertEquals("deny", doc.selectFirst("button#deny").attr("value"));
        assertEquals("/o/oauth2/v2/approve", doc.selectFirst("form").attr("action"));
        assertTrue(doc.select("script").isEmpty());
    }

    @Test
    void loginHintPreselectsThatAccount() throws Exception {
        StandInUser other = google.addUser("117000000000000000002", "other@example.com", "Other Person");
        GoogleAuthorizationCodeRequestUrl url = authUrl(Pkce.create(), "s").set("login_hint", "other@example.com");
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
        GoogleAuthorizationCodeRequestUrl url = authUrl(Pkce.create(), "s").setApprovalPrompt("force")
                .set("prompt", "consent");
        HttpResponse<String> answer = get(url.build());
        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().contains("Conflict params: approval_prompt and prompt"));
        // Either one alone is fine.
        assertEquals(200, get(authUrl(Pkce.create(), "s").set("prompt", "consent").build()).statusCode());
        assertEquals(200, get(authUrl(Pkce.create(), "s").setApprovalPrompt("force").build()).statusCode());
    }

    @Test
    void rejectsUnknownClientAndBadRedirectAndEscapesWhatItEchoes() throws Exception {
        HttpResponse<String> wrongClient = get(authUrl(Pkce.create(), "s").setClientId("<b>evil</b>").build());
        assertEquals(400, wrongClient.statusCode());
        assertFalse(wrongClient.body().contains("<b>evil</b>"));
        assertTrue(wrongClient.body().contains("&lt;b&gt;evil&lt;/b&gt;"));

        assertEquals(400, get(authUrl(Pkce.create(), "s").setRedirectUri("/relative").build()).statusCode());
        assertEquals(400, get(authUrl(Pkce.create(), "s").setRedirectUri("ftp://x/cb").build()).statusCode());
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
        GoogleTokenResponse token = new GoogleAuthorizationCodeTokenRequest(transport, json, google.tokenUri(),
                google.clientId(), google.clientSecret(), q.get("code"), redirect)
                .set("code_verifier", pkce.verifier()).execute();
        assertNotNull(token.getAccessToken());
    }

    // ---------------------------------------------------------------------------------------------
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
        TokenResponseException wrong = assertThrows(TokenResponseException.class,
                () -> tokenRequest(code, Pkce.create().verifier()).execute());
        assertEquals(400, wrong.getStatusCode());
        assertEquals("invalid_grant", wrong.getDetails().getError());

        TokenResponseException noVerifier = assertThrows(TokenResponseException.class,
                () -> new GoogleAuthorizationCodeTokenRequest(transport, json, google.tokenUri(), google.clientId(),
                        google.clientSecret(), code, REDIRECT).execute());
        assertEquals("invalid_grant", noVerifier.getDetails().getError());

        TokenResponseException otherRedirect = assertThrows(TokenResponseException.class,
                () -> tokenRequest(code, pkce.verifier()).setRedirectUri("http://localhost:9999/cb").execute());
        assertEquals("invalid_grant", otherRedirect.getDetails().getError());

        // Failed attempts do not burn the code; the first good one does.
        assertNotNull(tokenRequest(code, pkce.verifier()).execute().getAccessToken());
        TokenResponseException reused = assertThrows(TokenResponseException.class,
                () -> tokenRequest(code, pkce.verifier()).execute());
        assertEquals("invalid_grant", reused.getDetails().getError());
        assertEquals(5, google.tokenCalls("authorization_code"));
    }

    @Test
    void clientAuthentication() throws Exception {
        Pkce pkce = Pkce.create();
        String code = code(pkce);
        TokenResponseException badSecret = assertThrows(TokenResponseException.class,
                () -> new GoogleAuthorizationCodeTokenRequest(transport, json, google.tokenUri(), google.clientId(),
                        "wrong", code, REDIRECT).set("code_verifier", pkce.verifier()).execute());
        assertEquals(401, badSecret.getStatusCode());
        // Like Google, invalid_client is a 401. NetHttpTransport (HttpURLConnection in streaming mode)
        // cannot read the body of a 401 to a POST, so getDetails() is null there; read it directly.
        HttpResponse<String> raw = postForm(google.tokenUri(), Map.of("grant_type", "authorization_code",
                "code", code, "client_id", google.clientId(), "client_secret", "wrong"));
        assertEquals(401, raw.statusCode());
        assertTrue(raw.body().contains("\"invalid_client\""), raw.body());

        // HTTP Basic client authentication works as well as form parameters.
        GoogleTokenResponse token = tokenRequest(code, pkce.verifier())
                .setClientAuthentication(new BasicAuthentication(google.clientId(), google.clientSecret()))
                .execute();
        assertNotNull(token.getAccessToken());
        assertTrue(google.requests("POST", "/token").get(2).header("authorization").startsWith("Basic "));
    }

    @Test
    void unsupportedGrantType() throws Exception {
        HttpResponse<String> answer = postForm(google.tokenUri(), Map.of("grant_type", "password",
                "client_id", google.clientId(), "client_secret", google.clientSecret()));
        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().contains("unsupported_grant_type"));
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(1, google.tokenCalls("password"));
    }

    @Test
    void noRefreshTokenForOnlineAccessOrWhenSwitchedOff() throws Exception {
        Pkce pkce = Pkce.create();
        Map<String, String> q = query(consent(authUrl(pkce, "s").setAccessType("online").build(), "allow", null));
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
        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                () -> gmail(token.getAccessToken()).users().messages().list("me").execute());
        assertEquals(403, e.getStatusCode());
        assertEquals("insufficientPermissions", e.getDetails().getErrors().get(0).getReason());
        assertEquals("demo@example.com", oauth2(token.getAccessToken()).userinfo().get().execute().getEmail());
    }

    @Test
    void refreshWorksUntilRefreshTokensAreRevoked() throws Exception {
        google.setAccessTokenLifetime(Duration.ofMinutes(5));
        GoogleTokenResponse first = login();
        assertEquals(300L, first.getExpiresInSeconds());
        GoogleRefreshTokenRequest refresh = new GoogleRefreshTokenRequest(transport, json, first.getRefreshToken(),
                google.clientId(), google.clientSecret()).setTokenServerUrl(
                new com.google.api.client.http.GenericUrl(google.tokenUri()));
        GoogleTokenResponse refreshed = refresh.execute();
        assertNotEquals(first.getAccessToken(), refreshed.getAccessToken());
        assertNull(refreshed.getRefreshToken());
        assertEquals(first.getScope(), refreshed.getScope());
        assertEquals(1, google.tokenCalls("refresh_token"));
        assertNotNull(gmail(refreshed.getAccessToken()).users().messages().list("me").execute().getMessages());

        google.revokeRefreshTokens();
        TokenResponseException e = assertThrows(TokenResponseException.class, refresh::execute);
        assertEquals(400, e.getStatusCode());
        assertEquals("invalid_grant", e.getDetails().getError());
        assertEquals("Token has been expired or revoked.", e.getDetails().getErrorDescription());
        assertEquals(2, google.tokenCalls("refresh_token"));
        // Access tokens already issued keep working until they expire.
        assertNotNull(gmail(refreshed.getAccessToken()).users().messages().list("me").execute().getMessages());
    }

    @Test
    void revokeEndpoint() throws Exception {
        GoogleTokenResponse token = login();
        HttpResponse<String> ok = postForm(google.revokeUri(), Map.of("token", token.getRefreshToken()));
        assertEquals(200, ok.statusCode());
        assertEquals("{}", ok.body().trim());
        // Revoking the refresh token takes its access tokens with it.
        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                () -> oauth2(token.getAccessToken()).userinfo().get().execute());
        assertEquals(401, e.getStatusCode());
        assertEquals(400, postForm(google.revokeUri(), Map.of("token", token.getRefreshToken())).statusCode());
        HttpResponse<String> unknown = get(google.revokeUri() + "?token=nonsense");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("invalid_token"));
    }

    // ---------------------------------------------------------------------------------------------
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
        GoogleJsonResponseException bogus = assertThrows(GoogleJsonResponseException.class,
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
        assertEquals(401, assertThrows(GoogleJsonResponseException.class,
                () -> gmail(expired.getAccessToken()).users().messages().list("me").execute()).getStatusCode());

        google.setAccessTokenLifetime(Duration.ofHours(1));
        String access = login().getAccessToken();
        assertNotNull(gmail(access).users().messages().list("me").execute().getMessages());
        google.revokeAccessTokens();
        assertEquals(401, assertThrows(GoogleJsonResponseException.class,
                () -> gmail(access).users().messages().list("me").execute()).getStatusCode());
        // New tokens are unaffected.
        assertNotNull(gmail(login().getAccessToken()).users().messages().list("me").execute().getMessages());
    }

    // ---------------------------------------------------------------------------------------------
    // Gmail

    @Test
    void seedMailboxIsRealistic() {
        List<StandInMessage> messages = google.defaultUser().messages();
        assertTrue(messages.size() >= 35 && messages.size() <= 45, "size " + messages.size());
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        int todayCount = 0;
        int thisYear = 0;
        int older = 0;
        for (int i = 0; i < messages.size(); i++) {
            StandInMessage m = messages.get(i);
            assertTrue(m.id().matches("[0-9a-f]{16}"), m.id());
            assertFalse(m.date().isAfter(Instant.now()));
            if (i > 0) {
                assertFalse(m.date().isAfter(messages.get(i - 1).date()), "newest first");
            }
            LocalDate day = m.date().atZone(zone).toLocalDate();
            if (day.equals(today)) {
                todayCount++;
            } else if (day.getYear() == today.getYear()) {
                thisYear++;
            } else {
                older++;
            }
        }
        assertTrue(todayCount >= 3 && older >= 5, todayCount + " " + thisYear + " " + older);
        assertEquals(messages.size(), messages.stream().map(StandInMessage::id).distinct().count());
        assertTrue(messages.stream().anyMatch(m -> m.subject().equals(
                "<script>alert(\"subject\")</script> <b>Bold</b> offer & more")
                && m.snippet().contains("&lt;img src=x onerror=alert(1)&gt;") && m.from().contains("<img")));
        for (String entity : List.of("&#39;", "&amp;", "&quot;")) {
            assertTrue(messages.stream().anyMatch(m -> m.snippet().contains(entity)), entity);
        }
        for (String label : List.of("INBOX", "UNREAD", "STARRED", "SENT", "IMPORTANT")) {
            assertTrue(messages.stream().anyMatch(m -> m.hasLabel(label)), label);
        }
    }

    @Test
    void pagingVisitsEveryMessageExactlyOnce() throws Exception {
        Gmail gmail = gmail(login().getAccessToken());
        List<String> expected = google.defaultUser().messages().stream().map(StandInMessage::id).toList();
        List<String> ids = listAll(gmail, null, 7);
        assertEquals(expected, ids);
        assertEquals(ids.size(), new HashSet<>(ids).size());
        ListMessagesResponse first = gmail.users().messages().list("me").setMaxResults(7L).execute();
        assertEquals(7, first.getMessages().size());
        assertEquals((long) expected.size(), first.getResultSizeEstimate());
        assertEquals(expected.get(0), first.getMessages().get(0).getId());
        // Default page size is 100: everything fits, no next page.
        ListMessagesResponse all = gmail.users().messages().list("me").execute();
        assertEquals(expected.size(), all.getMessages().size());
        assertNull(all.getNextPageToken());
        // The email address works in place of "me".
        assertEquals(expected.size(), gmail.users().messages().list("demo@example.com").execute().getMessages().size());
    }

    @Test
    void badPageTokenIsInvalidArgument() throws Exception {
        Gmail gmail = gmail(login().getAccessToken());
        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                () -> gmail.users().messages().list("me").setPageToken("not-a-token").execute());
        assertEquals(400, e.getStatusCode());
        assertEquals("invalidArgument", e.getDetails().getErrors().get(0).getReason());
    }

    @Test
    void searchFilters() throws Exception {
        Gmail gmail = gmail(login().getAccessToken());
        List<StandInMessage> mailbox = google.defaultUser().messages();

        List<String> github = listAll(gmail, "from:github", 100);
        assertEquals(mailbox.stream().filter(m -> m.from().contains("github.com")).map(StandInMessage::id).toList(),
                github);
        assertTrue(github.size() >= 2);

        List<String> unreadInbox = listAll(gmail, "is:unread in:inbox", 100);
        assertEquals(mailbox.stream().filter(m -> m.hasLabel("UNREAD") && m.hasLabel("INBOX"))
                .map(StandInMessage::id).toList(), unreadInbox);

        assertEquals(mailbox.stream().filter(m -> m.hasLabel("STARRED")).map(StandInMessage::id).toList(),
                listAll(gmail, "is:starred", 100));
        assertEquals(mailbox.stream().filter(m -> m.hasLabel("SENT")).map(StandInMessage::id).toList(),
                listAll(gmail, "in:sent", 100));

        // Quoted phrases, case-insensitive words, HTML entities in snippets matched as text.
        assertEquals(1, listAll(gmail, "\"HEXADECIMAL dollar\"", 100).size());
        assertEquals(1, listAll(gmail, "\"I'll bring a bundle\"", 100).size());
        assertEquals(0, listAll(gmail, "\"dollar hexadecimal\"", 100).size());
        List<String> both = listAll(gmail, "subject:nanoseconds grace", 100);
        assertEquals(2, both.size());
        assertTrue(listAll(gmail, "zebra-that-does-not-exist", 100).isEmpty());

        ListMessagesResponse labelled = gmail.users().messages().list("me")
                .setLabelIds(List.of("INBOX", "IMPORTANT")).execute();
        assertEquals(mailbox.stream().filter(m -> m.hasLabel("INBOX") && m.hasLabel("IMPORTANT"))
                .map(StandInMessage::id).toList(), labelled.getMessages().stream().map(Message::getId).toList());
        // The client sends repeated parameters; the stand-in records them all.
        assertEquals(List.of("INBOX", "IMPORTANT"), google.requests("GET", "/gmail/v1/users/me/messages").stream()
                .filter(r -> r.query().containsKey("labelIds")).findFirst().orElseThrow().query().get("labelIds"));
    }

    @Test
    void getMessageWithMetadataHeaders() throws Exception {
        Gmail gmail = gmail(login().getAccessToken());
        StandInMessage xss = google.defaultUser().messages().stream()
                .filter(m -> m.subject().startsWith("<script>")).findFirst().orElseThrow();
        Message m = gmail.users().messages().get("me", xss.id()).setFormat("metadata")
                .setMetadataHeaders(List.of("From", "Subject")).execute();
        assertEquals(xss.id(), m.getId());
        assertEquals(xss.threadId(), m.getThreadId());
        assertEquals(xss.snippet(), m.getSnippet());
        assertEquals(List.copyOf(xss.labelIds()), m.getLabelIds());
        assertEquals(xss.date().toEpochMilli(), m.getInternalDate());
        assertEquals(2, m.getPayload().getHeaders().size());
        assertEquals(xss.subject(), header(m, "Subject"));
        assertEquals(xss.from(), header(m, "From"));

        Message full = gmail.users().messages().get("me", xss.id()).execute();
        assertEquals(4, full.getPayload().getHeaders().size());
        assertEquals("demo@example.com", header(full, "To").replaceAll(".*<(.*)>.*", "$1"));
        assertNotNull(header(full, "Date"));

        Message minimal = gmail.users().messages().get("me", xss.id()).setFormat("minimal").execute();
        assertNull(minimal.getPayload());

        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                () -> gmail.users().messages().get("me", "0000000000000000").execute());
        assertEquals(404, e.getStatusCode());
        assertEquals("notFound", e.getDetails().getErrors().get(0).getReason());
    }

    @Test
    void addedMessagesAppearNewestFirst() throws Exception {
        StandInUser user = google.addUser("117000000000000000003", "three@example.com", "Three");
        Instant now = Instant.now();
        StandInMessage old = user.addMessage("a@example.com", "old", "old", now.minusSeconds(3600), "INBOX");
        StandInMessage newest = user.addMessage("b@example.com", "new", "new", now, "INBOX", "UNREAD");
        StandInMessage middle = user.addMessage("c@example.com", "mid", "mid", now.minusSeconds(60), "INBOX");
        assertEquals(List.of(newest, middle, old), user.messages());
        assertEquals(Set.of("INBOX", "UNREAD"), newest.labelIds());
    }

    @Test
    void batchOf25ReturnsAllInOrder() throws Exception {
        Gmail gmail = gmail(login().getAccessToken());
        List<StandInMessage> wanted = google.defaultUser().messages().subList(0, 25);
        List<Message> got = Collections.synchronizedList(new ArrayList<>());
        List<GoogleJsonError> failures = Collections.synchronizedList(new ArrayList<>());
        BatchRequest batch = gmail.batch();
        for (StandInMessage m : wanted) {
            gmail.users().messages().get("me", m.id()).setFormat("metadata")
                    .setMetadataHeaders(List.of("From", "Subject", "Date"))
                    .queue(batch, new JsonBatchCallback<Message>() {
                        @Override
                        public void onSuccess(Message message, HttpHeaders responseHeaders) {
                            got.add(message);
                        }

                        @Override
                        public void onFailure(GoogleJsonError e, HttpHeaders responseHeaders) {
                            failures.add(e);
                        }
                    });
        }
        google.clearRequests();
        batch.execute();

        assertEquals(List.of(), failures);
        assertEquals(wanted.stream().map(StandInMessage::id).toList(), got.stream().map(Message::getId).toList());
        for (int i = 0; i < wanted.size(); i++) {
            assertEquals(wanted.get(i).from(), header(got.get(i), "From"));
            assertEquals(wanted.get(i).subject(), header(got.get(i), "Subject"));
            assertNotNull(header(got.get(i), "Date"));
            assertEquals(3, got.get(i).getPayload().getHeaders().size());
            assertEquals(wanted.get(i).snippet(), got.get(i).getSnippet()); // non-ASCII survives the batch
        }

        List<RecordedRequest> recorded = google.requests();
        List<RecordedRequest> outer = recorded.stream().filter(r -> !r.batchPart()).toList();
        List<RecordedRequest> parts = recorded.stream().filter(RecordedRequest::batchPart).toList();
        assertEquals(1, outer.size());
        assertEquals("POST", outer.get(0).method());
        assertTrue(outer.get(0).path().startsWith("/batch"), outer.get(0).path());
        assertEquals(25, parts.size());
        for (int i = 0; i < 25; i++) {
            RecordedRequest p = parts.get(i);
            assertEquals("GET", p.method());
            assertEquals("/gmail/v1/users/me/messages/" + wanted.get(i).id(), p.path());
            assertEquals("metadata", p.queryParam("format"));
            assertEquals(List.of("From", "Subject", "Date"), p.query().get("metadataHeaders"));
            assertTrue(p.header("authorization").startsWith("Bearer sat-"));
        }
    }

    @Test
    void failGmailAppliesToListsAndToEachBatchPart() throws Exception {
        Gmail gmail = gmail(login().getAccessToken());
        google.failGmail(401, 1);
        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                () -> gmail.users().messages().list("me").execute());
        assertEquals(401, e.getStatusCode());
        assertEquals("authError", e.getDetails().getErrors().get(0).getReason());
        assertNotNull(gmail.users().messages().list("me").execute().getMessages()); // only once

        google.failGmail(429, 1);
        GoogleJsonResponseException limited = assertThrows(GoogleJsonResponseException.class,
                () -> gmail.users().messages().list("me").execute());
        assertEquals(429, limited.getStatusCode());
        assertEquals("rateLimitExceeded", limited.getDetails().getErrors().get(0).getReason());

        google.failGmail(503, 2);
        List<StandInMessage> wanted = google.defaultUser().messages().subList(0, 5);
        List<Integer> outcomes = Collections.synchronizedList(new ArrayList<>());
        BatchRequest batch = gmail.batch();
        for (StandInMessage m : wanted) {
            gmail.users().messages().get("me", m.id()).setFormat("minimal")
                    .queue(batch, new JsonBatchCallback<Message>() {
                        @Override
                        public void onSuccess(Message message, HttpHeaders responseHeaders) {
                            outcomes.add(200);
                        }

                        @Override
                        public void onFailure(GoogleJsonError error, HttpHeaders responseHeaders) {
                            assertEquals("backendError", error.getErrors().get(0).getReason());
                            outcomes.add(error.getCode());
                        }
                    });
        }
        batch.execute();
        assertEquals(List.of(503, 503, 200, 200, 200), outcomes);
    }

    @Test
    void batchLimitsAndRawWireFormat() throws Exception {
        String access = login().getAccessToken();
        Gmail gmail = gmail(access);
        BatchRequest tooBig = gmail.batch();
        String id = google.defaultUser().messages().get(0).id();
        for (int i = 0; i < 101; i++) {
            gmail.users().messages().get("me", id).setFormat("minimal").queue(tooBig, new JsonBatchCallback<Message>() {
                @Override
                public void onSuccess(Message message, HttpHeaders responseHeaders) {
                }

                @Override
                public void onFailure(GoogleJsonError e, HttpHeaders responseHeaders) {
                }
            });
        }
        HttpResponseException e = assertThrows(HttpResponseException.class, tooBig::execute);
        assertEquals(400, e.getStatusCode());

        // Bare LF line endings, Content-ID without brackets, origin-form targets, and an unknown id.
        String body = "--b1\n"
                + "Content-Type: application/http\n"
                + "Content-ID: 7\n\n"
                + "GET /gmail/v1/users/me/messages/" + id + "?format=minimal HTTP/1.1\n"
                + "Authorization: Bearer " + access + "\n\n"
                + "--b1\n"
                + "Content-Type: application/http\n"
                + "Content-ID: <item-8>\n\n"
                + "GET /gmail/v1/users/me/messages/ffffffffffffffff HTTP/1.1\n\n"
                + "--b1--\n";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(google.baseUrl() + "batch/gmail/v1"))
                .header("Content-Type", "multipart/mixed; boundary=\"b1\"")
                .header("Authorization", "Bearer " + access) // outer headers apply to parts without their own
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        String boundary = answer.headers().firstValue("Content-Type").orElseThrow().replaceAll(".*boundary=", "");
        assertTrue(boundary.startsWith("batch_"));
        String text = answer.body();
        assertTrue(text.startsWith("--" + boundary + "\r\nContent-Type: application/http\r\nContent-ID: <response-7>\r\n\r\nHTTP/1.1 200 OK\r\n"), text);
        assertTrue(text.contains("Content-ID: <response-item-8>\r\n\r\nHTTP/1.1 404 Not Found\r\n"), text);
        assertTrue(text.endsWith("--" + boundary + "--\r\n"));
        List<RecordedRequest> parts = google.requests().stream().filter(RecordedRequest::batchPart).toList();
        assertEquals("/gmail/v1/users/me/messages/ffffffffffffffff", parts.get(parts.size() - 1).path());
    }

    // ---------------------------------------------------------------------------------------------
    // Recording, switches, secrets file, concurrency

    @Test
    void everyRequestIsRecordedEvenBadOnes() throws Exception {
        google.clearRequests();
        http.send(HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere?a=1&a=2&b=%20x"))
                .header("X-Custom", "yes").GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> notFound = get(google.baseUrl() + "nowhere");
        assertEquals(404, notFound.statusCode());
        List<RecordedRequest> recorded = google.requests("GET", "/nowhere");
        assertEquals(2, recorded.size());
        RecordedRequest r = recorded.get(0);
        assertEquals(List.of("1", "2"), r.query().get("a"));
        assertEquals(" x", r.queryParam("b"));
        assertEquals("yes", r.header("x-custom"));
        assertFalse(r.batchPart());
        assertThrows(UnsupportedOperationException.class, () -> r.query().put("c", List.of()));
        google.clearRequests();
        assertTrue(google.requests().isEmpty());
    }

    @Test
    void latencyDelaysAnswers() throws Exception {
        google.setLatency(Duration.ofMillis(300));
        long start = System.nanoTime();
        get(google.baseUrl() + "nowhere");
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(290).toNanos());
        google.setLatency(Duration.ZERO);
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

    @Test
    void concurrentLoginsAndReads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> {
                    GoogleTokenResponse token = login();
                    Gmail gmail = gmail(token.getAccessToken());
                    List<String> ids = listAll(gmail, null, 10);
                    List<String> fetched = Collections.synchronizedList(new ArrayList<>());
                    BatchRequest batch = gmail.batch();
                    for (String id : ids.subList(0, 5)) {
                        gmail.users().messages().get("me", id).setFormat("metadata")
                                .queue(batch, new JsonBatchCallback<Message>() {
                                    @Override
                                    public void onSuccess(Message m, HttpHeaders h) {
                                        fetched.add(m.getId());
                                    }

                                    @Override
                                    public void onFailure(GoogleJsonError e, HttpHeaders h) {
                                    }
                                });
                    }
                    batch.execute();
                    assertEquals(ids.subList(0, 5), fetched);
                    return ids.size();
                }));
            }
            int size = google.defaultUser().messages().size();
            for (Future<Integer> f : results) {
                assertEquals(size, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(24, google.tokenCalls("authorization_code"));
        assertEquals(24 * 5, google.requests().stream().filter(RecordedRequest::batchPart).count());
    }

    // ---------------------------------------------------------------------------------------------
    // Fault switches: rotation, hangs, resets, 403 reasons, Retry-After, issue listener, revocation

    private HttpResponse<String> refreshRaw(String refreshToken) throws IOException, InterruptedException {
        return postForm(google.tokenUri(), Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", google.clientId(), "client_secret", google.clientSecret()));
    }

    private static com.google.gson.JsonObject jsonOf(HttpResponse<String> answer) {
        return com.google.gson.JsonParser.parseString(answer.body()).getAsJsonObject();
    }

    private HttpResponse<String> listRaw(String accessToken) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(google.baseUrl() + "gmail/v1/users/me/messages"))
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString());
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
        assertEquals(String.join(" ", SCOPES), jsonOf(rotated).get("scope").getAsString(), "same scopes");
        assertEquals("demo@example.com", oauth2(a1).userinfo().get().execute().getEmail(), "same user");

        // The old token is refused from the very next use; the new one works and rotates in turn.
        HttpResponse<String> reused = refreshRaw(r0);
        assertEquals(400, reused.statusCode());
        assertEquals("invalid_grant", jsonOf(reused).get("error").getAsString());
        GoogleTokenResponse third = new GoogleRefreshTokenRequest(transport, json, r1, google.clientId(),
                google.clientSecret()).setTokenServerUrl(new com.google.api.client.http.GenericUrl(google.tokenUri()))
                .execute();
        String r2 = third.getRefreshToken();
        assertNotNull(r2, "the Google client library reads the rotated token");
        assertEquals(Set.of(r0, r1, r2), new HashSet<>(google.issuedRefreshTokens()));
        assertEquals(400, refreshRaw(r1).statusCode());

        // Access tokens issued before the rotation keep working until revoked...
        assertEquals(200, listRaw(first.getAccessToken()).statusCode());
        // ...and revoking the newest token revokes the whole grant, predecessors' access tokens too.
        assertEquals(400, postForm(google.revokeUri(), Map.of("token", r0)).statusCode(), "r0 was rotated away");
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
        assertEquals(200, postForm(google.revokeUri(), Map.of("token", first.getAccessToken())).statusCode());
        assertEquals("invalid_grant", jsonOf(refreshRaw(r1)).get("error").getAsString());
    }

    @Test
    void ofConcurrentRefreshesWithOneRotatingTokenExactlyOneWins() throws Exception {
        google.setRotateRefreshTokens(true);
        String r0 = login().getRefreshToken();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(n);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
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
        google.onRefreshTokenIssued(token -> {
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
        assertEquals(List.of(first.getRefreshToken(), jsonOf(rotated).get("refresh_token").getAsString()), heard);
        assertTrue(heardAt.get(1) <= answeredAt);
        assertTrue(threads.stream().allMatch(t -> t.startsWith("stand-in-google-")), threads.toString());

        // Without rotation a refresh issues no refresh token, so the listener hears nothing.
        google.setRotateRefreshTokens(false);
        String r1 = heard.get(1);
        assertEquals(200, refreshRaw(r1).statusCode());
        assertEquals(2, heard.size());

        // A listener that fails turns the answer into a 500 and the token is never issued: the
        // token that was sent still works and nothing new exists.
        google.setRotateRefreshTokens(true);
        google.onRefreshTokenIssued(token -> {
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
    void hangNextDelaysThatManyRequestsThenServesThemNormally() throws Exception {
        google.hangNext("GET", "/nowhere", Duration.ofMillis(400), 2);
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            assertEquals(404, get(google.baseUrl() + "nowhere").statusCode());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(390).toNanos());
        }
        long start = System.nanoTime();
        assertEquals(404, get(google.baseUrl() + "nowhere").statusCode());
        assertTrue(System.nanoTime() - start < Duration.ofMillis(390).toNanos(), "only the next two hang");
        // Other methods and paths are unaffected.
        google.hangNext("POST", "/token", Duration.ofSeconds(30), 1);
        start = System.nanoTime();
        assertEquals(404, get(google.baseUrl() + "token-not").statusCode());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void holdNextKeepsOneRequestWaitingUntilItsGateOpensThenServesItNormally() throws Exception {
        java.util.concurrent.CountDownLatch gate = google.holdNext("GET", "/nowhere");
        java.util.concurrent.CompletableFuture<HttpResponse<String>> held = http.sendAsync(
                HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until(Duration.ofSeconds(10), "the request reached the stand-in",
                () -> !google.requests("GET", "/nowhere").isEmpty());
        assertEquals(1, google.requests("GET", "/nowhere").size(), "recorded before it waits");
        // Only that one: the next request is answered while the first still waits.
        assertEquals(404, get(google.baseUrl() + "nowhere").statusCode());
        assertFalse(held.isDone());
        gate.countDown();
        assertEquals(404, held.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode());
    }

    @Test
    void aHungRequestIsRecordedAtOnceAndTimesOutAClientWithAShorterDeadline() throws Exception {
        google.hangNext("POST", "/token", Duration.ofSeconds(3), 1);
        HttpRequest request = HttpRequest.newBuilder(URI.create(google.tokenUri()))
                .timeout(Duration.ofMillis(300))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=x")).build();
        long start = System.nanoTime();
        assertThrows(java.net.http.HttpTimeoutException.class,
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
        assertEquals(1, google.requests("POST", "/token").size(), "recorded before it hangs");
        assertEquals(1, google.tokenCalls("refresh_token"));
    }

    @Test
    void closeInterruptsHungHandlersInsteadOfWaitingForThem() throws Exception {
        google.hangNext("GET", "/nowhere", Duration.ofMinutes(5), 1);
        java.util.concurrent.CompletableFuture<HttpResponse<String>> answer = http.sendAsync(
                HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Await.until(Duration.ofSeconds(10), "the request reached the stand-in",
                () -> !google.requests("GET", "/nowhere").isEmpty());
        assertEquals(1, google.requests("GET", "/nowhere").size());
        long start = System.nanoTime();
        google.close();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "close() did not wait for the hang");
        // The hung exchange ends without an answer rather than ever being served.
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> answer.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        // The JDK client retries a GET whose connection ends before any byte of an answer (on a
        // fresh connection too); that retry must find the stand-in closed, never a new handler.
        assertEquals(1, google.requests("GET", "/nowhere").size(), "nothing was served after close()");
    }

    @Test
    void resetNextDropsTheConnectionWithoutAnAnswer() throws Exception {
        // A POST: the JDK client never retries it transparently, so nothing can hide the reset.
        HttpClient fresh = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        google.resetNext("POST", "/token", 1);
        HttpRequest refresh = HttpRequest.newBuilder(URI.create(google.tokenUri()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=x")).build();
        IOException reset = assertThrows(IOException.class,
                () -> fresh.send(refresh, HttpResponse.BodyHandlers.ofString()));
        assertFalse(reset instanceof java.net.http.HttpTimeoutException, reset.toString());
        assertEquals(1, google.requests("POST", "/token").size(), "recorded");
        assertEquals(1, google.tokenCalls("refresh_token"), "counted");
        // Only once: the next call is answered (here: an unknown client's 400).
        assertEquals(400, fresh.send(refresh, HttpResponse.BodyHandlers.ofString()).statusCode());

        // The app's own stack (the Google client library on the app's JDK-HttpClient transport)
        // gets an IOException too, not an answer; and the refresh token is untouched by it.
        GoogleTokenResponse token = login();
        google.resetNext("POST", "/token", 1);
        IOException viaApp = assertThrows(IOException.class, () -> new GoogleRefreshTokenRequest(
                new io.github.gmailoauth.google.BoundedHttpTransport(), json, token.getRefreshToken(), google.clientId(),
                google.clientSecret()).setTokenServerUrl(new com.google.api.client.http.GenericUrl(google.tokenUri()))
                .execute());
        assertFalse(viaApp instanceof HttpResponseException, viaApp.toString());
        assertEquals(3, google.tokenCalls("refresh_token"), "the reset refreshes were counted");
        assertEquals(200, refreshRaw(token.getRefreshToken()).statusCode());
    }

    @Test
    void aGetOnAPooledConnectionNeedsTwoResetsBecauseTheJdkClientRetriesItOnce() throws Exception {
        HttpClient pooled = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere")).GET().build();
        assertEquals(404, pooled.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        // One reset: the JDK client (17, at least) takes EOF on a pooled connection for an expired
        // connection and silently sends an idempotent request again, so the caller may see no error.
        google.resetNext("GET", "/nowhere", 1);
        boolean retried;
        try {
            assertEquals(404, pooled.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
            retried = true;
        } catch (IOException e) {
            retried = false;
        }
        int seen = google.requests("GET", "/nowhere").size();
        assertEquals(retried ? 3 : 2, seen, "the reset request, plus the JDK's retry if there was one");
        // Two resets fail it either way.
        google.resetNext("GET", "/nowhere", 2);
        assertThrows(IOException.class, () -> pooled.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void failGmailCanSendRetryAfter() throws Exception {
        String access = login().getAccessToken();
        google.failGmail(503, 2, "120");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> down = listRaw(access);
            assertEquals(503, down.statusCode());
            assertEquals("120", down.headers().firstValue("Retry-After").orElse(null));
            assertEquals("backendError", jsonOf(down).getAsJsonObject("error").getAsJsonArray("errors").get(0)
                    .getAsJsonObject().get("reason").getAsString());
        }
        assertEquals(200, listRaw(access).statusCode());

        google.failGmail(429, 1, "7");
        assertEquals("7", listRaw(access).headers().firstValue("Retry-After").orElse(null));
        google.failGmail(429, 1);
        assertEquals("1", listRaw(access).headers().firstValue("Retry-After").orElse(null), "429's usual header");
        google.failGmail(500, 1);
        assertTrue(listRaw(access).headers().firstValue("Retry-After").isEmpty());

        // Through the Google client: the header and the details reach the caller.
        google.failGmail(403, 1, "30");
        GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                () -> gmail(access).users().messages().list("me").execute());
        assertEquals(403, e.getStatusCode());
        assertEquals("30", e.getHeaders().getRetryAfter());
        assertEquals("insufficientPermissions", e.getDetails().getErrors().get(0).getReason());
    }

    @Test
    void failGmail403TellsQuotaFromMissingScopeByReason() throws Exception {
        String access = login().getAccessToken();
        Gmail gmail = gmail(access);
        Map<String, String[]> expected = new LinkedHashMap<>();
        expected.put("rateLimitExceeded", new String[] {"usageLimits", "Rate Limit Exceeded"});
        expected.put("userRateLimitExceeded", new String[] {"usageLimits", "User Rate Limit Exceeded"});
        expected.put("insufficientPermissions",
                new String[] {"global", "Request had insufficient authentication scopes."});
        for (Map.Entry<String, String[]> x : expected.entrySet()) {
            google.failGmail403(x.getKey(), 1);
            GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
                    () -> gmail.users().messages().list("me").execute());
            assertEquals(403, e.getStatusCode(), x.getKey());
            GoogleJsonError.ErrorInfo info = e.getDetails().getErrors().get(0);
            assertEquals(x.getKey(), info.getReason());
            assertEquals(x.getValue()[0], info.getDomain(), x.getKey());
            assertEquals(x.getValue()[1], e.getDetails().getMessage(), x.getKey());
            assertEquals("PERMISSION_DENIED", e.getDetails().get("status"));
            assertNull(e.getHeaders().getRetryAfter());
            assertNotNull(gmail.users().messages().list("me").execute().getMessages(), "only once");
        }
        // Plain failGmail(403, n) stays a missing scope, and batch parts count one by one.
        google.failGmail(403, 1);
        assertEquals("insufficientPermissions", jsonOf(listRaw(access)).getAsJsonObject("error")
                .getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString());
        google.failGmail403("userRateLimitExceeded", 2);
        List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        BatchRequest batch = gmail.batch();
        for (StandInMessage m : google.defaultUser().messages().subList(0, 3)) {
            JsonBatchCallback<Message> callback = new JsonBatchCallback<>() {
                @Override
                public void onSuccess(Message message, HttpHeaders responseHeaders) {
                    outcomes.add("ok");
                }

                @Override
                public void onFailure(GoogleJsonError error, HttpHeaders responseHeaders) {
                    outcomes.add(error.getErrors().get(0).getReason());
                }
            };
            gmail.users().messages().get("me", m.id()).setFormat("minimal").queue(batch, callback);
        }
        batch.execute();
        assertEquals(List.of("userRateLimitExceeded", "userRateLimitExceeded", "ok"), outcomes);
        assertThrows(IllegalArgumentException.class, () -> google.failGmail403(" ", 1));
    }

    @Test
    void revokeCallsAndRevokedTokens() throws Exception {
        GoogleTokenResponse a = login();
        GoogleTokenResponse b = login();
        assertEquals(0, google.revokeCalls());
        assertEquals(200, postForm(google.revokeUri(), Map.of("token", a.getRefreshToken())).statusCode());
        assertEquals(400, postForm(google.revokeUri(), Map.of("token", a.getRefreshToken())).statusCode());
        assertEquals(400, get(google.revokeUri() + "?token=nonsense").statusCode());
        assertEquals(200, get(google.revokeUri() + "?token=" + b.getAccessToken()).statusCode());
        assertEquals(400, postForm(google.revokeUri(), Map.of()).statusCode());
        assertEquals(5, google.revokeCalls(), "every call, whatever its outcome");
        assertEquals(List.of(a.getRefreshToken(), b.getAccessToken()), google.revokedTokens(), "only valid ones");
        // Revoking b's access token revoked b's grant.
        assertEquals(400, refreshRaw(b.getRefreshToken()).statusCode());
    }
}
