package io.github.gmailoauth.google;

import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code messages.list} call, its URL written and its answer read by hand
 * (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/list).
 *
 * <p>Why not the typed {@code Gmail.Users.Messages.List}: under load its URI-template expansion,
 * request building and reflection mapping onto {@code ListMessagesResponse} were a sixth of the
 * page's CPU for an answer of three fields (see BENCHMARKS.md). The call itself is unchanged: the
 * same transport, timeouts, size cap and bearer token, through the client's request factory.
 * Decision record: docs/decisions/0002-message-list-by-hand.md.
 *
 * @param messages the listed ids in Gmail's order (empty when nothing matches)
 * @param nextPageToken Gmail's token for the next page, null on the last one
 * @param resultSizeEstimate Gmail's estimate of all matches, null when absent
 */
public record MessageList(List<Ref> messages, String nextPageToken, Long resultSizeEstimate) {
  /** A listed message: ids only, as {@code messages.list} answers. */
  public record Ref(String id, String threadId) {}

  /**
   * The list URL: {@code messagesUrl} (the messages collection, without a trailing '/') and the
   * query, every value percent-encoded by {@link PercentEncoding}; {@code labelIds} repeat, as
   * Gmail expects.
   */
  public static String url(
      String messagesUrl, String query, List<String> labelIds, String pageToken, int pageSize) {
    StringBuilder url = new StringBuilder(messagesUrl).append("?maxResults=").append(pageSize);
    if (query != null && !query.isEmpty()) {
      url.append("&q=").append(PercentEncoding.encode(query));
    }
    if (labelIds != null) {
      for (String label : labelIds) {
        url.append("&labelIds=").append(PercentEncoding.encode(label));
      }
    }
    if (pageToken != null && !pageToken.isEmpty()) {
      url.append("&pageToken=").append(PercentEncoding.encode(pageToken));
    }
    return url.toString();
  }

  /** Reads a {@code ListMessagesResponse}; fields it does not know are skipped. */
  public static MessageList parse(byte[] answer) throws IOException {
    List<Ref> refs = new ArrayList<>();
    String next = null;
    Long estimate = null;
    JsonReader json = new JsonReader(new StringReader(new String(answer, StandardCharsets.UTF_8)));
    try {
      json.beginObject();
      while (json.hasNext()) {
        switch (json.nextName()) {
          case "messages" -> {
            json.beginArray();
            while (json.hasNext()) {
              refs.add(ref(json));
            }
            json.endArray();
          }
          case "nextPageToken" -> next = json.nextString();
          // int64 travels as a JSON string in Google's APIs; accept a number too.
          case "resultSizeEstimate" -> estimate = Long.parseLong(json.nextString());
          default -> json.skipValue();
        }
      }
      json.endObject();
    } catch (IllegalStateException | NumberFormatException e) {
      // Gson's streaming reader reports malformed JSON this way; never echo the answer.
      throw new IOException("Gmail's message list could not be read");
    }
    return new MessageList(List.copyOf(refs), next, estimate);
  }

  private static Ref ref(JsonReader json) throws IOException {
    String id = null;
    String threadId = "";
    json.beginObject();
    while (json.hasNext()) {
      switch (json.nextName()) {
        case "id" -> id = json.nextString();
        case "threadId" -> threadId = json.nextString();
        default -> json.skipValue();
      }
    }
    json.endObject();
    if (id == null || id.isEmpty()) {
      throw new IOException("Gmail listed a message without an id");
    }
    return new Ref(id, threadId);
  }
}
