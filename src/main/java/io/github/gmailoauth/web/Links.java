package io.github.gmailoauth.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the app's own links; every value put into a query is encoded here, as a form
 * (application/x-www-form-urlencoded, the JDK's {@link URLEncoder}: a space is {@code +}): the
 * container reads these queries as a form, and the browser writes the app's own GET search form the
 * same way, so a link the app builds and the URL of a submitted form are the same bytes. URLs sent
 * to Google are encoded by {@code google.PercentEncoding} instead (RFC 3986; see
 * docs/decisions/0005-one-percent-encoder.md).
 */
public final class Links {
  private Links() {}

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
