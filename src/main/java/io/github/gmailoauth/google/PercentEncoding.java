package io.github.gmailoauth.google;

import java.nio.charset.StandardCharsets;

/**
 * The one encoder for values this app puts into URLs it sends to Google: a query value or a path
 * segment. Every UTF-8 byte outside RFC 3986 §2.3's unreserved characters ({@code ALPHA DIGIT - . _
 * ~}) becomes {@code %XX} with upper-case hex (§2.1), so a space is {@code %20} and a {@code +},
 * {@code &}, {@code =}, {@code /}, {@code ?} or {@code #} in a value can never change the URL's
 * meaning, whether the server decodes it as RFC 3986 or as a form ({@code +} would be a space to
 * one and a plus to the other; {@code %20} is a space to both).
 *
 * <p>Why not the library's {@code PercentEscaper("-_.~")}, which writes the same bytes: it throws
 * {@code IllegalArgumentException} on a lone surrogate, and the values come from a request (the
 * search box, a page token); this encoder writes such a char as UTF-8's replacement {@code ?}
 * ({@code %3F}), as {@link String#getBytes} does. Why not {@link java.net.URLEncoder}: it is form
 * encoding (space as {@code +}, {@code *} kept, {@code ~} escaped). {@code PercentEncodingTest}
 * holds it to both; docs/decisions/0005-one-percent-encoder.md says why the app's own links ({@code
 * web.Links}) are form-encoded instead.
 */
public final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  public static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
