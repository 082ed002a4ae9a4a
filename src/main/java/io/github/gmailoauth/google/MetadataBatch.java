package io.github.gmailoauth.google;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One Gmail batch of {@code messages.get?format=metadata} calls, written and read by hand.
 *
 * <p>Why not the client library's {@code BatchRequest}: it builds a full {@code HttpRequest} per
 * part, serialises the multipart body twice (once only to learn its length), and maps every answer
 * onto the {@code Message} model by reflection. Measured under load that was half of the page's CPU
 * (see BENCHMARKS.md). The wire format is small and documented
 * (https://developers.google.com/workspace/gmail/api/guides/batch): a {@code multipart/mixed} body
 * of {@code application/http} parts, each answered under {@code Content-ID: <response-N>} for the
 * request part {@code <N>} (the order of the answer proves nothing); so the body is written once as
 * bytes and each answer is read with a streaming JSON reader that keeps only the fields the list
 * shows. Nothing else about the call changes: it goes through the same transport, with the same
 * timeouts, size cap and bearer token. Decision record, with the figures and the way back to the
 * library: docs/decisions/0001-metadata-batch-by-hand.md.
 */
public final class MetadataBatch {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CRLF = "\r\n";

  /**
   * From and Subject only: the row's date is Gmail's internalDate (when it arrived), as in Gmail.
   */
  private static final String QUERY =
      "?format=metadata&metadataHeaders=From&metadataHeaders=Subject";

  /** What one part answered: a summary on 200, otherwise the status and Google's error details. */
  public record Part(
      int status, Summary summary, String reason, String message, String retryAfter) {}

  /**
   * The fields of a {@code format=metadata} Message resource that the list shows, as Gmail sent
   * them (hostile: escape when shown), except {@code snippet}, whose character references are
   * decoded once ({@link HtmlEntities}); a missing From or Subject is "". {@code date} is Gmail's
   * internalDate, null when absent.
   */
  public record Summary(
      String id,
      String threadId,
      String from,
      String subject,
      String snippet,
      Instant date,
      Set<String> labelIds) {}

  private final String boundary;
  private final byte[] body;

  /**
   * @param messagesUrl the absolute URL of the user's messages collection, ending with '/'
   */
  public MetadataBatch(String messagesUrl, List<String> ids) {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    StringBuilder b = new StringBuilder(ids.size() * 220);
    boundary = "batch_" + HexFormat.of().formatHex(random);
    int contentId = 1;
    for (String id : ids) {
      b.append("--")
          .append(boundary)
          .append(CRLF)
          .append("Content-Type: application/http")
          .append(CRLF)
          .append("Content-ID: <")
          .append(contentId++)
          .append('>')
          .append(CRLF)
          .append(CRLF)
          .append("GET ")
          .append(messagesUrl)
          .append(PercentEncoding.encode(id))
          .append(QUERY)
          .append(" HTTP/1.1")
          .append(CRLF)
          .append(CRLF);
    }
    b.append("--").append(boundary).append("--").append(CRLF);
    body = b.toString().getBytes(StandardCharsets.UTF_8);
  }

  public String contentType() {
    return "multipart/mixed; boundary=" + boundary;
  }

  public byte[] body() {
    return body;
  }

  /**
   * Reads Gmail's answer to a batch of {@code requested} parts (RFC 2046 §5.1.1 framing) and
   * answers its parts in request order: the part under {@code Content-ID: <response-N>} is the
   * answer to request part {@code <N>}, wherever it is in the body. An answer that leaves a request
   * part unanswered, answers one twice or names one that was never sent cannot be matched, and is
   * refused rather than shown on the wrong rows.
   */
  public static List<Part> parse(String contentType, byte[] answer, int requested)
      throws IOException {
    String boundary = MediaType.boundary(contentType);
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Part[] parts = new Part[requested];
    int answered = 0;
    int at = indexOf(answer, delimiter, 0);
    if (at < 0) {
      throw new IOException("Gmail's batch answer has no parts");
    }
    while (true) {
      int afterDelimiter = at + delimiter.length;
      if (afterDelimiter + 1 < answer.length
          && answer[afterDelimiter] == '-'
          && answer[afterDelimiter + 1] == '-') {
        break; // the closing delimiter
      }
      int next = indexOf(answer, delimiter, afterDelimiter);
      if (next < 0) {
        throw new IOException("Gmail's batch answer ends inside a part");
      }
      int start = lineEnd(answer, afterDelimiter);
      int end = endBeforeDelimiter(answer, next);
      int headersEnd =
          skipHeaders(answer, start, end); // the part's own headers (Content-Type, Content-ID)
      int slot = requestPart(answer, start, headersEnd, requested);
      if (parts[slot] != null) {
        throw new IOException("Gmail's batch answer answers a part twice");
      }
      parts[slot] = part(answer, headersEnd, end);
      answered++;
      at = next;
    }
    if (answered != requested) {
      throw new IOException("Gmail answered " + answered + " parts to a batch of " + requested);
    }
    return List.of(parts);
  }

  /**
   * The index of the request part that a part answers, from its {@code Content-ID: <response-N>} (N
   * is the request part's Content-ID, 1-based as written above).
   */
  private static int requestPart(byte[] a, int p, int end, int requested) throws IOException {
    while (p < end) {
      int e = lineEnd(a, p);
      String line = new String(a, p, e - p, StandardCharsets.ISO_8859_1);
      p = e;
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-ID")) {
        String id = line.substring(colon + 1).strip();
        if (id.startsWith("<") && id.endsWith(">")) {
          id = id.substring(1, id.length() - 1);
        }
        if (id.regionMatches(true, 0, "response-", 0, "response-".length())) {
          String n = id.substring("response-".length());
          if (n.matches("[1-9][0-9]{0,3}") && Integer.parseInt(n) <= requested) {
            return Integer.parseInt(n) - 1;
          }
        }
        throw new IOException("a batch part answers a request that was not sent");
      }
    }
    throw new IOException("a batch part has no Content-ID");
  }

  /** One part after its own headers: the inner status line and headers, blank line, body. */
  private static Part part(byte[] a, int p, int end) throws IOException {
    int statusEnd = lineEnd(a, p);
    String statusLine = new String(a, p, statusEnd - p, StandardCharsets.ISO_8859_1).trim();
    String[] words = statusLine.split(" ", 3);
    if (words.length < 2 || !words[0].startsWith("HTTP/")) {
      throw new IOException("a batch part has no status line");
    }
    int status;
    try {
      status = Integer.parseInt(words[1]);
    } catch (NumberFormatException e) {
      throw new IOException("a batch part has no status code");
    }
    String retryAfter = null;
    p = statusEnd;
    while (p < end) {
      int e = lineEnd(a, p);
      String line = new String(a, p, e - p, StandardCharsets.ISO_8859_1).trim();
      p = e;
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Retry-After")) {
        retryAfter = line.substring(colon + 1).trim();
      }
    }
    // One decode of the whole body (an intrinsic) is far cheaper than a stream decoder's chunks.
    JsonReader json =
        new JsonReader(
            new StringReader(new String(a, p, Math.max(0, end - p), StandardCharsets.UTF_8)));
    try {
      if (status == 200) {
        return new Part(status, message(json), null, null, retryAfter);
      }
      String[] error = error(json);
      return new Part(status, null, error[0], error[1], retryAfter);
    } catch (IllegalStateException | NumberFormatException e) {
      // Gson's streaming reader reports malformed JSON this way; never echo the answer.
      throw new IOException("a batch part's JSON could not be read");
    }
  }

  /** The fields the list shows, out of a {@code format=metadata} Message resource. */
  private static Summary message(JsonReader json) throws IOException {
    String id = "";
    String threadId = "";
    String snippet = "";
    String from = null;
    String subject = null;
    Instant date = null;
    Set<String> labels = new HashSet<>();
    json.beginObject();
    while (json.hasNext()) {
      switch (json.nextName()) {
        case "id" -> id = json.nextString();
        case "threadId" -> threadId = json.nextString();
        case "snippet" -> snippet = json.nextString();
        case "internalDate" -> date = Instant.ofEpochMilli(Long.parseLong(json.nextString()));
        case "labelIds" -> {
          json.beginArray();
          while (json.hasNext()) {
            labels.add(json.nextString());
          }
          json.endArray();
        }
        case "payload" -> {
          json.beginObject();
          while (json.hasNext()) {
            if (json.nextName().equals("headers")) {
              json.beginArray();
              while (json.hasNext()) {
                String name = null;
                String value = "";
                json.beginObject();
                while (json.hasNext()) {
                  switch (json.nextName()) {
                    case "name" -> name = json.nextString();
                    case "value" -> value = json.nextString();
                    default -> json.skipValue();
                  }
                }
                json.endObject();
                // The first of each header counts, as in a mail reader, even when it is empty.
                if ("From".equalsIgnoreCase(name) && from == null) {
                  from = value;
                } else if ("Subject".equalsIgnoreCase(name) && subject == null) {
                  subject = value;
                }
              }
              json.endArray();
            } else {
              json.skipValue();
            }
          }
          json.endObject();
        }
        default -> json.skipValue();
      }
    }
    json.endObject();
    return new Summary(
        id,
        threadId,
        from == null ? "" : from,
        subject == null ? "" : subject,
        HtmlEntities.decode(snippet),
        date,
        Set.copyOf(labels));
  }

  /** {reason of the first error, message} of a Google JSON error body; nulls when absent. */
  private static String[] error(JsonReader json) throws IOException {
    String[] out = new String[2];
    if (json.peek() != JsonToken.BEGIN_OBJECT) {
      return out;
    }
    json.beginObject();
    while (json.hasNext()) {
      if (!json.nextName().equals("error") || json.peek() != JsonToken.BEGIN_OBJECT) {
        json.skipValue();
        continue;
      }
      json.beginObject();
      while (json.hasNext()) {
        switch (json.nextName()) {
          case "message" -> out[1] = json.nextString();
          case "errors" -> {
            json.beginArray();
            while (json.hasNext()) {
              json.beginObject();
              while (json.hasNext()) {
                if (json.nextName().equals("reason") && out[0] == null) {
                  out[0] = json.nextString();
                } else {
                  json.skipValue();
                }
              }
              json.endObject();
            }
            json.endArray();
          }
          default -> json.skipValue();
        }
      }
      json.endObject();
    }
    json.endObject();
    return out;
  }

  private static int skipHeaders(byte[] a, int p, int end) {
    while (p < end) {
      int e = lineEnd(a, p);
      boolean blank = e - p <= 2 && (e == p || a[p] == '\r' || a[p] == '\n');
      p = e;
      if (blank) {
        return p;
      }
    }
    return p;
  }

  /** The index just after the line that starts at {@code p} (after its LF), or the end. */
  private static int lineEnd(byte[] a, int p) {
    while (p < a.length && a[p] != '\n') {
      p++;
    }
    return Math.min(a.length, p + 1);
  }

  /** The end of a part's content: the CRLF (or LF) before the next delimiter belongs to it. */
  private static int endBeforeDelimiter(byte[] a, int delimiterAt) {
    int end = delimiterAt;
    if (end > 0 && a[end - 1] == '\n') {
      end--;
      if (end > 0 && a[end - 1] == '\r') {
        end--;
      }
    }
    return end;
  }

  /**
   * The next delimiter: only the start of a line can hold one, so only line starts are compared.
   */
  private static int indexOf(byte[] a, byte[] needle, int from) {
    int i = Math.max(0, from);
    if (i > 0 && a[i - 1] != '\n') {
      i = lineEnd(a, i);
    }
    while (i <= a.length - needle.length) {
      if (a[i] == needle[0] && Arrays.equals(a, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
      i = lineEnd(a, i);
    }
    return -1;
  }
}
