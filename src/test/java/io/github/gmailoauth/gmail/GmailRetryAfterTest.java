package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Gmail's {@code Retry-After} (RFC 9110 §10.2.3) as a hostile upstream may send it, on the list
 * call and on the batch: too large for arithmetic, and in its HTTP-date form.
 */
@AppWithGoogle(signedIn = true)
class GmailRetryAfterTest {
  private static final String LIST = "/gmail/v1/users/me/messages";
  private static final String BATCH = "/batch/gmail/v1";

  /** Larger than any wait, and times 1_000_000 it wraps a long to a negative number. */
  private static final String HUGE = "18446744073709";

  TestApp app;
  Browser browser;

  @Test
  void aRetryAfterTooLargeForArithmeticOnTheListGivesUpAtOnce() throws Exception {
    app.google.failGmail(429, 1, HUGE);
    HttpResponse<String> page = messagesPage();
    assertEquals(503, page.statusCode());
    assertTrue(page.body().contains("Google is busy"));
    assertEquals(1, app.google.requests("GET", LIST).size(), "no retry before Retry-After");
  }

  @Test
  void aRetryAfterTooLargeForArithmeticOnTheBatchGivesUpAtOnce() throws Exception {
    app.google.answerNext(
        "POST",
        BATCH,
        429,
        Map.of("Content-Type", "application/json", "Retry-After", HUGE),
        googleError(429),
        1);
    HttpResponse<String> page = messagesPage();
    assertEquals(503, page.statusCode());
    assertEquals(1, app.google.requests("POST", BATCH).size(), "no retry before Retry-After");
  }

  @Test
  void anHttpDateBeyondTheBudgetGivesUpWithoutRetrying() throws Exception {
    app.google.failGmail(429, 1, httpDate(Instant.now().plusSeconds(3600)));
    HttpResponse<String> page = messagesPage();
    assertEquals(503, page.statusCode());
    assertEquals(1, app.google.requests("GET", LIST).size(), "no retry before the date");
  }

  @Test
  void anHttpDateInThePastIsRetriedAndTheListShows() throws Exception {
    app.google.failGmail(429, 1, httpDate(Instant.now().minusSeconds(3600)));
    assertEquals(200, messagesPage().statusCode());
    assertEquals(2, app.google.requests("GET", LIST).size());
  }

  private static String httpDate(Instant when) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(when.atOffset(ZoneOffset.UTC));
  }

  private static byte[] googleError(int code) {
    return ("{\"error\":{\"code\":"
            + code
            + ",\"message\":\"slow down\",\"errors\":[{\"reason\":\"rateLimitExceeded\"}]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The page, or a failure if it never comes: a request thread asleep for a wrapped wait would
   * otherwise hang the test. This bounds liveness only; no speed is asserted.
   */
  private HttpResponse<String> messagesPage() throws Exception {
    CompletableFuture<HttpResponse<String>> page =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return browser.get(app.url("/messages"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      return page.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("no answer within a minute: the request thread is still waiting on Retry-After");
    }
  }
}
