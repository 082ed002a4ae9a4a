package io.github.gmailoauth.gmail;

import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import io.github.gmailoauth.BoundedHttpTransport;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Lists a page of a user's messages with sender, subject and date in two sequential round trips:
 * {@code messages.list} for the ids, then one batch of {@code format=metadata} gets (Gmail answers
 * a batch in request order). One request per message would cost a round trip per row.
 */
public final class GmailClient {
  /** Google allows 100 calls per batch and advises at most 50. */
  static final int MAX_BATCH = 50;
  private static final List<String> HEADERS = List.of("From", "Subject", "Date");

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

  public MessagePage listPage(String accessToken, String query, String pageToken, int pageSize)
      throws IOException {
    String bearer = "Bearer " + accessToken;
    Gmail.Users.Messages.List list =
        gmail.users().messages().list("me").setMaxResults((long) pageSize);
    list.getRequestHeaders().setAuthorization(bearer);
    if (query != null && !query.isEmpty()) {
      list.setQ(query);
    }
    if (pageToken != null && !pageToken.isEmpty()) {
      list.setPageToken(pageToken);
    }
    ListMessagesResponse listed = execute(list);
    // Gmail leaves "messages" out entirely when nothing matches.
    List<Message> ids = listed.getMessages() == null ? List.of() : listed.getMessages();
    Message[] details = new Message[ids.size()];
    List<IOException> failures = new ArrayList<>();
    for (int start = 0; start < ids.size(); start += MAX_BATCH) {
      BatchRequest batch =
          gmail.batch(
              request -> {
                timeouts.initialize(request);
                request.getHeaders().setAuthorization(bearer);
              });
      int end = Math.min(ids.size(), start + MAX_BATCH);
      for (int i = start; i < end; i++) {
        int index = i;
        Gmail.Users.Messages.Get get =
            gmail.users().messages().get("me", ids.get(i).getId())
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
                failures.add(
                    error.getCode() == 401 ? new Unauthorized()
                        : error.getCode() == 403 && isScopeProblem(error) ? new InsufficientPermissions()
                        : new IOException("Gmail answered " + error.getCode() + " in a batch"));
              }
            });
      }
      try {
        batch.execute();
      } catch (RuntimeException e) {
        throw new IOException("Gmail's batch answer could not be read: " + e.getClass().getSimpleName());
      }
    }
    for (IOException failure : failures) {
      if (failure instanceof Unauthorized || failure instanceof InsufficientPermissions) {
        throw failure;
      }
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

  private static ListMessagesResponse execute(Gmail.Users.Messages.List list) throws IOException {
    try {
      return BoundedHttpTransport.readable(list::execute);
    } catch (GoogleJsonResponseException e) {
      if (e.getStatusCode() == 401) {
        throw new Unauthorized();
      }
      if (e.getStatusCode() == 403 && isScopeProblem(e.getDetails())) {
        throw new InsufficientPermissions();
      }
      throw e;
    }
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
