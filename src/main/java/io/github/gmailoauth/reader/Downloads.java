package io.github.gmailoauth.reader;

/**
 * The headers of an attachment download: a {@code Content-Disposition: attachment} whose filename
 * survives every browser (RFC 6266 section 4.3 with RFC 8187's {@code filename*}), and a {@code
 * Content-Type} that only names types on a short list of ones no browser runs.
 */
public final class Downloads {
  private Downloads() {}

  /**
   * {@code attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>}: no path
   * (anything up to the last / or \ dropped), no control characters, never empty.
   */
  public static String contentDisposition(String filename) {
    throw new UnsupportedOperationException("to be written (issue 14)");
  }

  /**
   * {@code declared} when it is on the safe list (e.g. application/pdf, image/png), else {@code
   * application/octet-stream}.
   */
  public static String contentType(String declared) {
    throw new UnsupportedOperationException("to be written (issue 14)");
  }
}
