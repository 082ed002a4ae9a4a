package io.github.gmailoauth.standin;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes Google's batch format: a {@code multipart/mixed} body whose parts are whole
 * HTTP/1.1 requests ({@code application/http}), and an answer of the same shape carrying whole HTTP
 * responses.
 *
 * <p>The reader accepts CRLF or bare LF, request targets in absolute form (what google-api-client
 * sends) or origin form, and Content-IDs with or without angle brackets, because all of those occur
 * in the wild. The writer emits exactly what {@code BatchUnparsedResponse} expects: outer part
 * headers, a blank line, a status line, inner headers with a byte-accurate Content-Length, a blank
 * line, then the body.
 */
final class BatchCodec {

  private static final String CRLF = "\r\n";

  private BatchCodec() {}

  /** One inner request of a batch. */
  record Part(
      String contentId,
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      String body) {}

  /** Splits the body on the boundary and parses every part; throws IllegalArgumentException. */
  static List<Part> parse(String body, String boundary) {
    String delimiter = "--" + boundary;
    int pos = findDelimiter(body, delimiter, 0);
    if (pos < 0) {
      throw new IllegalArgumentException("The multipart body does not contain its boundary.");
    }
    List<Part> parts = new ArrayList<>();
    while (true) {
      int after = pos + delimiter.length();
      if (body.startsWith("--", after)) {
        return parts; // close-delimiter; anything after it is epilogue
      }
      int lineEnd = body.indexOf('\n', after);
      if (lineEnd < 0) {
        throw new IllegalArgumentException("The multipart body ends without a closing boundary.");
      }
      int start = lineEnd + 1;
      int next = findDelimiter(body, delimiter, start);
      if (next < 0) {
        throw new IllegalArgumentException("The multipart body ends without a closing boundary.");
      }
      // The line break before a delimiter belongs to the delimiter, not to the part.
      int end = next;
      if (end > start && body.charAt(end - 1) == '\n') {
        end--;
      }
      if (end > start && body.charAt(end - 1) == '\r') {
        end--;
      }
      parts.add(parsePart(body.substring(start, end), parts.size() + 1));
      pos = next;
    }
  }

  /** A delimiter only counts at the start of a line (RFC 2046 section 5.1.1). */
  private static int findDelimiter(String body, String delimiter, int from) {
    int i = body.indexOf(delimiter, from);
    while (i > 0 && body.charAt(i - 1) != '\n') {
      i = body.indexOf(delimiter, i + 1);
    }
    return i;
  }

  private static Part parsePart(String text, int ordinal) {
    Lines lines = new Lines(text);
    // Some writers omit the part headers and start with the request line itself.
    Map<String, List<String>> partHeaders =
        looksLikeRequestLine(lines.peek()) ? new LinkedHashMap<>() : readHeaders(lines);
    String requestLine = lines.next();
    while (requestLine != null && requestLine.isBlank()) {
      requestLine = lines.next();
    }
    if (requestLine == null) {
      throw new IllegalArgumentException("Batch part " + ordinal + " has no request line.");
    }
    String[] words = requestLine.trim().split("\\s+");
    if (words.length < 2) {
      throw new IllegalArgumentException(
          "Batch part " + ordinal + " has a malformed request line.");
    }
    String method = words[0].toUpperCase(Locale.ROOT);
    String target = words[1];
    String rawPath;
    String rawQuery;
    if (target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8)) {
      URI uri;
      try {
        uri = URI.create(target);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Batch part " + ordinal + " has a malformed URL.");
      }
      rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      rawQuery = uri.getRawQuery();
    } else {
      int q = target.indexOf('?');
      rawPath = q < 0 ? target : target.substring(0, q);
      rawQuery = q < 0 ? null : target.substring(q + 1);
    }
    Map<String, List<String>> headers = readHeaders(lines);
    String contentId = Web.first(partHeaders, "content-id");
    if (contentId == null) {
      contentId = String.valueOf(ordinal);
    }
    contentId = contentId.trim();
    if (contentId.startsWith("<") && contentId.endsWith(">")) {
      contentId = contentId.substring(1, contentId.length() - 1);
    }
    return new Part(contentId, method, rawPath, rawQuery, headers, lines.rest());
  }

  private static boolean looksLikeRequestLine(String line) {
    return line != null && line.matches("[A-Za-z]+ \\S+ HTTP/\\d(\\.\\d)?\\s*");
  }

  /** Header lines up to a blank line; names lower-cased, folded continuation lines joined. */
  private static Map<String, List<String>> readHeaders(Lines lines) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String lastName = null;
    String line;
    while ((line = lines.next()) != null && !line.isEmpty()) {
      if ((line.startsWith(" ") || line.startsWith("\t")) && lastName != null) {
        List<String> values = headers.get(lastName);
        values.set(values.size() - 1, values.get(values.size() - 1) + " " + line.trim());
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue; // not a header; ignore it rather than reject the whole batch
      }
      lastName = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      headers
          .computeIfAbsent(lastName, k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    return headers;
  }

  /** Writes the batch answer; one response per content id, in request order. */
  static byte[] write(String boundary, List<String> contentIds, List<Web.Reply> replies) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < replies.size(); i++) {
      Web.Reply r = replies.get(i);
      StringBuilder head = new StringBuilder();
      head.append("--")
          .append(boundary)
          .append(CRLF)
          .append("Content-Type: application/http")
          .append(CRLF)
          .append("Content-ID: <response-")
          .append(contentIds.get(i))
          .append('>')
          .append(CRLF)
          .append(CRLF)
          .append("HTTP/1.1 ")
          .append(r.status())
          .append(' ')
          .append(Web.reasonPhrase(r.status()))
          .append(CRLF);
      r.headers()
          .forEach(
              (name, value) -> {
                if (!name.equalsIgnoreCase("Content-Length")) {
                  head.append(name).append(": ").append(value).append(CRLF);
                }
              });
      head.append("Content-Length: ").append(r.body().length).append(CRLF).append(CRLF);
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(r.body());
      out.writeBytes(CRLF.getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--" + CRLF).getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** Line reader over a string that treats CRLF and LF alike and can hand back the remainder. */
  private static final class Lines {
    private final String text;
    private int pos;

    Lines(String text) {
      this.text = text;
    }

    String next() {
      if (pos >= text.length()) {
        return null;
      }
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
      pos = nl < 0 ? text.length() : nl + 1;
      return line;
    }

    String peek() {
      int saved = pos;
      String line = next();
      pos = saved;
      return line;
    }

    String rest() {
      return pos >= text.length() ? "" : text.substring(pos);
    }
  }
}
