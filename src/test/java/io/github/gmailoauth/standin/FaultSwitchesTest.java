package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.auth.oauth2.GoogleRefreshTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleTokenResponse;
import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Message;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's fault switches: injected failures, recording, latency, hangs, holds and resets.
 */
class FaultSwitchesTest extends StandInTestSupport {

  @Test
  void failGmailAppliesToListsAndToEachBatchPart() throws Exception {
    Gmail gmail = gmail(login().getAccessToken());
    google.failGmail(401, 1);
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class, () -> gmail.users().messages().list("me").execute());
    assertEquals(401, e.getStatusCode());
    assertEquals("authError", e.getDetails().getErrors().get(0).getReason());
    assertNotNull(gmail.users().messages().list("me").execute().getMessages()); // only once

    google.failGmail(429, 1);
    GoogleJsonResponseException limited =
        assertThrows(
            GoogleJsonResponseException.class, () -> gmail.users().messages().list("me").execute());
    assertEquals(429, limited.getStatusCode());
    assertEquals("rateLimitExceeded", limited.getDetails().getErrors().get(0).getReason());

    google.failGmail(503, 2);
    List<StandInMessage> wanted = google.defaultUser().messages().subList(0, 5);
    List<Integer> outcomes = Collections.synchronizedList(new ArrayList<>());
    BatchRequest batch = gmail.batch();
    for (StandInMessage m : wanted) {
      gmail
          .users()
          .messages()
          .get("me", m.id())
          .setFormat("minimal")
          .queue(
              batch,
              new JsonBatchCallback<Message>() {
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
  void everyRequestIsRecordedEvenBadOnes() throws Exception {
    google.clearRequests();
    http.send(
        HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere?a=1&a=2&b=%20x"))
            .header("X-Custom", "yes")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
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
  void hangNextDelaysThatManyRequestsThenServesThemNormally() throws Exception {
    google.hangNext("GET", "/nowhere", Duration.ofMillis(400), 2);
    for (int i = 0; i < 2; i++) {
      long start = System.nanoTime();
      assertEquals(404, get(google.baseUrl() + "nowhere").statusCode());
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(390).toNanos());
    }
    long start = System.nanoTime();
    assertEquals(404, get(google.baseUrl() + "nowhere").statusCode());
    assertTrue(
        System.nanoTime() - start < Duration.ofMillis(390).toNanos(), "only the next two hang");
    // Other methods and paths are unaffected.
    google.hangNext("POST", "/token", Duration.ofSeconds(30), 1);
    start = System.nanoTime();
    assertEquals(404, get(google.baseUrl() + "token-not").statusCode());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
  }

  @Test
  void holdNextKeepsOneRequestWaitingUntilItsGateOpensThenServesItNormally() throws Exception {
    CountDownLatch gate = google.holdNext("GET", "/nowhere");
    CompletableFuture<HttpResponse<String>> held =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    Await.until(
        Duration.ofSeconds(10),
        "the request reached the stand-in",
        () -> !google.requests("GET", "/nowhere").isEmpty());
    assertEquals(1, google.requests("GET", "/nowhere").size(), "recorded before it waits");
    // Only that one: the next request is answered while the first still waits.
    assertEquals(404, get(google.baseUrl() + "nowhere").statusCode());
    assertFalse(held.isDone());
    gate.countDown();
    assertEquals(404, held.get(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void aHungRequestIsRecordedAtOnceAndTimesOutAClientWithAShorterDeadline() throws Exception {
    google.hangNext("POST", "/token", Duration.ofSeconds(3), 1);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(google.tokenUri()))
            .timeout(Duration.ofMillis(300))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=x"))
            .build();
    long start = System.nanoTime();
    assertThrows(
        HttpTimeoutException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
    assertEquals(1, google.requests("POST", "/token").size(), "recorded before it hangs");
    assertEquals(1, google.tokenCalls("refresh_token"));
  }

  @Test
  void closeInterruptsHungHandlersInsteadOfWaitingForThem() throws Exception {
    google.hangNext("GET", "/nowhere", Duration.ofMinutes(5), 1);
    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    Await.until(
        Duration.ofSeconds(10),
        "the request reached the stand-in",
        () -> !google.requests("GET", "/nowhere").isEmpty());
    assertEquals(1, google.requests("GET", "/nowhere").size());
    long start = System.nanoTime();
    google.close();
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(2).toNanos(),
        "close() did not wait for the hang");
    // The hung exchange ends without an answer rather than ever being served.
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
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
    HttpRequest refresh =
        HttpRequest.newBuilder(URI.create(google.tokenUri()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=x"))
            .build();
    IOException reset =
        assertThrows(
            IOException.class, () -> fresh.send(refresh, HttpResponse.BodyHandlers.ofString()));
    assertFalse(reset instanceof HttpTimeoutException, reset.toString());
    assertEquals(1, google.requests("POST", "/token").size(), "recorded");
    assertEquals(1, google.tokenCalls("refresh_token"), "counted");
    // Only once: the next call is answered (here: an unknown client's 400).
    assertEquals(400, fresh.send(refresh, HttpResponse.BodyHandlers.ofString()).statusCode());

    // The app's own stack (the Google client library on the app's JDK-HttpClient transport)
    // gets an IOException too, not an answer; and the refresh token is untouched by it.
    GoogleTokenResponse token = login();
    google.resetNext("POST", "/token", 1);
    IOException viaApp =
        assertThrows(
            IOException.class,
            () ->
                new GoogleRefreshTokenRequest(
                        new BoundedHttpTransport(),
                        json,
                        token.getRefreshToken(),
                        google.clientId(),
                        google.clientSecret())
                    .setTokenServerUrl(new GenericUrl(google.tokenUri()))
                    .execute());
    assertFalse(viaApp instanceof HttpResponseException, viaApp.toString());
    assertEquals(3, google.tokenCalls("refresh_token"), "the reset refreshes were counted");
    assertEquals(200, refreshRaw(token.getRefreshToken()).statusCode());
  }

  @Test
  void aGetOnAPooledConnectionNeedsTwoResetsBecauseTheJdkClientRetriesItOnce() throws Exception {
    HttpClient pooled = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(google.baseUrl() + "nowhere")).GET().build();
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
    assertThrows(
        IOException.class, () -> pooled.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void failGmailCanSendRetryAfter() throws Exception {
    String access = login().getAccessToken();
    google.failGmail(503, 2, "120");
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> down = listRaw(access);
      assertEquals(503, down.statusCode());
      assertEquals("120", down.headers().firstValue("Retry-After").orElse(null));
      assertEquals(
          "backendError",
          jsonOf(down)
              .getAsJsonObject("error")
              .getAsJsonArray("errors")
              .get(0)
              .getAsJsonObject()
              .get("reason")
              .getAsString());
    }
    assertEquals(200, listRaw(access).statusCode());

    google.failGmail(429, 1, "7");
    assertEquals("7", listRaw(access).headers().firstValue("Retry-After").orElse(null));
    google.failGmail(429, 1);
    assertEquals(
        "1",
        listRaw(access).headers().firstValue("Retry-After").orElse(null),
        "429's usual header");
    google.failGmail(500, 1);
    assertTrue(listRaw(access).headers().firstValue("Retry-After").isEmpty());

    // Through the Google client: the header and the details reach the caller.
    google.failGmail(403, 1, "30");
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class,
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
    expected.put(
        "insufficientPermissions",
        new String[] {"global", "Request had insufficient authentication scopes."});
    for (Map.Entry<String, String[]> x : expected.entrySet()) {
      google.failGmail403(x.getKey(), 1);
      GoogleJsonResponseException e =
          assertThrows(
              GoogleJsonResponseException.class,
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
    assertEquals(
        "insufficientPermissions",
        jsonOf(listRaw(access))
            .getAsJsonObject("error")
            .getAsJsonArray("errors")
            .get(0)
            .getAsJsonObject()
            .get("reason")
            .getAsString());
    google.failGmail403("userRateLimitExceeded", 2);
    List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
    BatchRequest batch = gmail.batch();
    for (StandInMessage m : google.defaultUser().messages().subList(0, 3)) {
      JsonBatchCallback<Message> callback =
          new JsonBatchCallback<>() {
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
}
