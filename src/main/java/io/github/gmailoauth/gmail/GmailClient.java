package io.github.gmailoauth.gmail;

import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import io.github.gmailoauth.BoundedHttpTransport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lists a page of a user's messages with sender, subject and date in two sequential round trips:
 * {@code messages.list} for the ids, then one batch of {@code format=metadata} gets (Gmail answers
 * a batch in request order). One request per message would cost a round trip per row.
 *
 * <p>Gmail's "slow down" answers (429, 403 rateLimitExceeded/userRateLimitExceeded, 5xx) are
 * retried with exponential backoff and jitter, honouring {@code Retry-After}, within {@link
 * #BACKOFF_BUDGET} in all (https://developers.google.com/workspace/gmail/api/guides/handle-errors);
 * then {@link Busy}. In a batch only the parts that failed are sent again.
 */
public final class GmailClient {
  /** Google allows 100 calls per batch and advises at most 50. */
  static final int MAX_BATCH = 50;
  /** A person waits for the page: give up on a busy Gmail after this long in all. */
  static final Duration BACKOFF_BUDGET = Duration.ofSeconds(3);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final List<String> HEADERS = List.of("From", "Subject", "Date");
  private static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded");

  private final Gmail gmail;
  private final HttpRequestInitializer timeouts;

  public GmailClient(
      String apiRootUrl, HttpTransport transport, JsonFactory json, HttpRequestInitializer timeouts) {
    Gmail.Builder builder =
        new Gmail.Builder(transport, json, timeouts).setApplicationName("gmail-oauth-webapp");
    if (apiRootUrl != null) {
      builder.setRootUrl(apiRootUrl);
    }
    this.gmail = builder.build();
    this.timeouts = timeouts;
  }

  /** Gmail refused the access token (HTTP 401). */
  public static final class Unauthorized extends IOException {
    Unauthorized() {
      super("Gmail answered 401");
    }
  }

  /** Gmail refused for lack of a scope (HTTP 403 insufficientPermissions): the user unticked it. */
  public static final class InsufficientPermissions extends IOException {
    InsufficientPermissions() {
      super("Gmail answered 403 insufficientPermissions");
    }
  }

  /** Gmail kept answering "slow down" or 5xx for longer than the backoff budget. */
  public static final class Busy extends IOException {
    Busy(int status) {
      super("Gmail stayed busy (last answer " + status + ")");
    }
  }

  public MessagePage listPage(String accessToken, String query, String pageToken, int pageSize)
      throws IOException {
    String bearer = "Bearer " + accessToken;
    Backoff backoff = new Backoff();
    Gmail.Users.Messages.List list =
        gmail.users().messages().list("me").setMaxResults((long) pageSize);
    list.getRequestHeaders().setAuthorization(bearer);
    if (query != null && !query.isEmpty()) {
      list.setQ(query);
    }
    if (pageToken != null && !pageToken.isEmpty()) {
      list.setPageToken(pageToken);
    }
    ListMessagesResponse listed = listWithBackoff(list, backoff);
    // Gmail leaves "messages" out entirely when nothing matches.
    List<Message> ids = listed.getMessages() == null ? List.of() : listed.getMessages();
    Message[] details = new Message[ids.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      pending.add(i);
    }
    while (!pending.isEmpty()) {
      BatchOutcome outcome = fetchMetadata(ids, pending, details, bearer);
      if (outcome.retry.isEmpty()) {
        break;
      }
      backoff.pause(outcome.lastStatus, outcome.retryAfter);
      pending = outcome.retry;
    }
    List<MessageSummary> rows = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      Message m = details[i];
      if (m == null) {
        // That one message could not be fetched (deleted meanwhile, say): show the id only.
        rows.add(new MessageSummary(ids.get(i).getId(), ids.get(i).getThreadId(), "", "", "", null, Set.of()));
      } else {
        rows.add(summary(m));
      }
    }
    long estimate = listed.getResultSizeEstimate() == null ? rows.size() : listed.getResultSizeEstimate();
    return new MessagePage(List.copyOf(rows), listed.getNextPageToken(), estimate);
  }

  private ListMessagesResponse listWithBackoff(Gmail.Users.Messages.List list, Backoff backoff)
      throws IOException {
    while (true) {
      try {
        return BoundedHttpTransport.readable(list::execute);
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() == 401) {
          throw new Unauthorized();
        }
        if (e.getStatusCode() == 403 && isScopeProblem(e.getDetails())) {
          throw new InsufficientPermissions();
        }
        if (!isRetryable(e.getStatusCode(), e.getDetails())) {
          throw e;
        }
        backoff.pause(e.getStatusCode(), e.getHeaders() == null ? null : e.getHeaders().getRetryAfter());
      }
    }
  }

  /** What one batch left to do: the parts to send again, and the last "slow down" it saw. */
  private static final class BatchOutcome {
    final List<Integer> retry = new ArrayList<>();
    IOException fatal;
    int lastStatus;
    String retryAfter;
  }

  private BatchOutcome fetchMetadata(List<Message> ids, List<Integer> indices, Message[] details, String bearer)
      throws IOException {
    BatchOutcome outcome = new BatchOutcome();
    for (int start = 0; start < indices.size(); start += MAX_BATCH) {
      BatchRequest batch =
          gmail.batch(
              request -> {
                timeouts.initialize(request);
                request.getHeaders().setAuthorization(bearer);
              });
      List<Integer> chunk = indices.subList(start, Math.min(indices.size(), start + MAX_BATCH));
      for (int index : chunk) {
        Gmail.Users.Messages.Get get =
            gmail.users().messages().get("me", ids.get(index).getId())
                .setFormat("metadata")
                .setMetadataHeaders(HEADERS);
        get.getRequestHeaders().setAuthorization(bearer);
        get.queue(
            batch,
            new JsonBatchCallback<Message>() {
              @Override
              public void onSuccess(Message message, HttpHeaders headers) {
                details[index] = message;
              }

              @Override
              public void onFailure(GoogleJsonError error, HttpHeaders headers) {
                int code = error.getCode();
                if (code == 401) {
                  outcome.fatal = new Unauthorized();
                } else if (code == 403 && isScopeProblem(error)) {
                  outcome.fatal = new InsufficientPermissions();
                } else if (isRetryable(code, error)) {
                  outcome.retry.add(index);
                  outcome.lastStatus = code;
                  if (headers != null && headers.getRetryAfter() != null) {
                    outcome.retryAfter = headers.getRetryAfter();
                  }
                }
                // Anything else (404: deleted meanwhile) leaves that row without details.
              }
            });
      }
      try {
        batch.execute();
      } catch (RuntimeException e) {
        throw new IOException("Gmail's batch answer could not be read: " + e.getClass().getSimpleName());
      } catch (HttpResponseException e) {
        // The batch request as a whole was refused.
        if (e.getStatusCode() == 401) {
          throw new Unauthorized();
        }
        if (!isRetryable(e.getStatusCode(), null)) {
          throw e;
        }
        outcome.retry.addAll(chunk);
        outcome.lastStatus = e.getStatusCode();
        outcome.retryAfter = e.getHeaders() == null ? null : e.getHeaders().getRetryAfter();
      }
      if (outcome.fatal != null) {
        throw outcome.fatal;
      }
    }
    return outcome;
  }

  private static boolean isRetryable(int status, GoogleJsonError error) {
    if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
      return true;
    }
    return status == 403 && error != null && error.getErrors() != null
        && error.getErrors().stream().anyMatch(e -> RATE_LIMIT_REASONS.contains(e.getReason()));
  }

  private static boolean isScopeProblem(GoogleJsonError error) {
    if (error == null) {
      return false;
    }
    // Google's newer answers say ACCESS_TOKEN_SCOPE_INSUFFICIENT in the message, older ones give
    // the reason insufficientPermissions.
    if (error.getMessage() != null && error.getMessage().contains("ACCESS_TOKEN_SCOPE_INSUFFICIENT")) {
      return true;
    }
    return error.getErrors() != null && error.getErrors().stream()
        .anyMatch(e -> "insufficientPermissions".equals(e.getReason()));
  }

  /** Exponential backoff with jitter within one budget per page. */
  private static final class Backoff {
    private final long deadline = System.nanoTime() + BACKOFF_BUDGET.toNanos();
    private long next = FIRST_BACKOFF.toMillis();

    void pause(int status, String retryAfter) throws IOException {
      long wait = retryAfterMillis(retryAfter);
      if (wait < 0) {
        // "Equal jitter": half the step fixed, half random, so retries of many users spread out.
        wait = next / 2 + ThreadLocalRandom.current().nextLong(next / 2 + 1);
        next *= 2;
      }
      if (System.nanoTime() + wait * 1_000_000 > deadline) {
        throw new Busy(status);
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while backing off");
      }
    }

    /** Retry-After in seconds (the form Google uses); -1 when absent or not a number. */
    private static long retryAfterMillis(String retryAfter) {
      if (retryAfter == null) {
        return -1;
      }
      try {
        return Math.max(0, Long.parseLong(retryAfter.trim())) * 1000;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  private static MessageSummary summary(Message m) {
    String from = "";
    String subject = "";
    if (m.getPayload() != null && m.getPayload().getHeaders() != null) {
      for (MessagePartHeader h : m.getPayload().getHeaders()) {
        if ("From".equalsIgnoreCase(h.getName()) && from.isEmpty()) {
          from = nullToEmpty(h.getValue());
        } else if ("Subject".equalsIgnoreCase(h.getName()) && subject.isEmpty()) {
          subject = nullToEmpty(h.getValue());
        }
      }
    }
    Instant date = m.getInternalDate() == null ? null : Instant.ofEpochMilli(m.getInternalDate());
    Set<String> labels = m.getLabelIds() == null ? Set.of() : Set.copyOf(m.getLabelIds());
    return new MessageSummary(
        m.getId(), m.getThreadId(), from, subject, HtmlEntities.decode(nullToEmpty(m.getSnippet())), date, labels);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
