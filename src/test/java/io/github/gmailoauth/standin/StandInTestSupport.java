package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeRequestUrl;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleTokenResponse;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.api.services.oauth2.Oauth2;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh stand-in per test and the real Google client libraries to drive it over real HTTP: if the
 * tests built on this pass, the application's production code paths can be tested against the
 * stand-in unchanged.
 */
abstract class StandInTestSupport {

  static final String REDIRECT = "http://localhost:8080/oauth2/callback";
  static final String GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly";
  static final List<String> SCOPES = List.of("openid", "email", GMAIL_READONLY);
  static final SecureRandom RANDOM = new SecureRandom();

  final NetHttpTransport transport = new NetHttpTransport();
  final GsonFactory json = GsonFactory.getDefaultInstance();
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  StandInGoogle google;

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

  record Pkce(String verifier, String challenge) {
    static Pkce create() {
      byte[] b = new byte[32];
      RANDOM.nextBytes(b);
      String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  GoogleAuthorizationCodeRequestUrl authUrl(Pkce pkce, String state) {
    GoogleAuthorizationCodeRequestUrl url =
        new GoogleAuthorizationCodeRequestUrl(google.authUri(), google.clientId(), REDIRECT, SCOPES)
            .setState(state)
            .setAccessType("offline");
    url.setCodeChallenge(pkce.challenge());
    url.setCodeChallengeMethod("S256");
    return url;
  }

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postForm(String url, Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GETs the consent page, submits its form like a browser would, and returns the redirect. */
  URI consent(String authUrl, String decision, String userIdOrNull) throws Exception {
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

  static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  String code(Pkce pkce) throws Exception {
    Map<String, String> q = query(consent(authUrl(pkce, "st").build(), "allow", null));
    assertEquals("st", q.get("state"));
    return q.get("code");
  }

  GoogleAuthorizationCodeTokenRequest tokenRequest(String code, String verifier) {
    return new GoogleAuthorizationCodeTokenRequest(
            transport,
            json,
            google.tokenUri(),
            google.clientId(),
            google.clientSecret(),
            code,
            REDIRECT)
        .set("code_verifier", verifier);
  }

  GoogleTokenResponse login() throws Exception {
    Pkce pkce = Pkce.create();
    return tokenRequest(code(pkce), pkce.verifier()).execute();
  }

  static HttpRequestInitializer bearer(String token) {
    return request -> request.getHeaders().setAuthorization("Bearer " + token);
  }

  Gmail gmail(String token) {
    return new Gmail.Builder(transport, json, bearer(token))
        .setRootUrl(google.apiRootUrl())
        .setApplicationName("stand-in-test")
        .build();
  }

  Oauth2 oauth2(String token) {
    return new Oauth2.Builder(transport, json, bearer(token))
        .setRootUrl(google.apiRootUrl())
        .setApplicationName("stand-in-test")
        .build();
  }

  List<String> listAll(Gmail gmail, String q, long pageSize) throws IOException {
    List<String> ids = new ArrayList<>();
    String pageToken = null;
    do {
      ListMessagesResponse page =
          gmail
              .users()
              .messages()
              .list("me")
              .setQ(q)
              .setMaxResults(pageSize)
              .setPageToken(pageToken)
              .execute();
      if (page.getMessages() != null) {
        page.getMessages().forEach(m -> ids.add(m.getId()));
      }
      pageToken = page.getNextPageToken();
    } while (pageToken != null);
    return ids;
  }

  static String header(Message m, String name) {
    for (MessagePartHeader h : m.getPayload().getHeaders()) {
      if (h.getName().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  HttpResponse<String> refreshRaw(String refreshToken) throws IOException, InterruptedException {
    return postForm(
        google.tokenUri(),
        Map.of(
            "grant_type",
            "refresh_token",
            "refresh_token",
            refreshToken,
            "client_id",
            google.clientId(),
            "client_secret",
            google.clientSecret()));
  }

  static JsonObject jsonOf(HttpResponse<String> answer) {
    return JsonParser.parseString(answer.body()).getAsJsonObject();
  }

  HttpResponse<String> listRaw(String accessToken) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(google.baseUrl() + "gmail/v1/users/me/messages"))
            .header("Authorization", "Bearer " + accessToken)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
