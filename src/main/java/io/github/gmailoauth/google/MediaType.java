package io.github.gmailoauth.google;

import com.google.api.client.http.HttpMediaType;
import java.io.IOException;

/**
 * Reads the media type of an answer from Google (RFC 9110 §8.3.1: {@code type/subtype} and {@code
 * ;name=value} parameters, a value as a token or a quoted string), with the client library's own
 * parser, {@link HttpMediaType}: the one its {@code BatchRequest} reads a batch answer's boundary
 * with, so the app and the library read the same Content-Type alike.
 */
final class MediaType {
  private MediaType() {}

  /**
   * The {@code boundary} parameter of a multipart answer's Content-Type (RFC 2046 §5.1.1), without
   * its quotes; an absent, empty or unreadable one throws (the message never quotes the header).
   */
  static String boundary(String contentType) throws IOException {
    String boundary = null;
    if (contentType != null) {
      try {
        boundary = new HttpMediaType(contentType).getParameter("boundary");
      } catch (IllegalArgumentException e) {
        // the library's refusal of a malformed type or parameter name
      }
    }
    if (boundary == null || boundary.isEmpty()) {
      throw new IOException("Gmail's batch answer is not multipart");
    }
    return boundary;
  }
}
