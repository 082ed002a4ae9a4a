package io.github.gmailoauth.metrics;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics} for Prometheus: the scrape, only to a request that shows {@code
 * Authorization: Bearer <METRICS_TOKEN>}; otherwise 401 with {@code WWW-Authenticate: Bearer} and
 * no body worth reading. Never cached, and it never touches the session (it asks for none, so none
 * is created or loaded).
 *
 * <p>The token is compared in constant time: both sides are hashed with SHA-256 first and the
 * digests compared with {@link MessageDigest#isEqual}, so neither the position of the first wrong
 * character nor the token's length shows in the time the answer takes.
 */
public final class MetricsServlet extends HttpServlet {
  public static final String PATH = "/metrics";

  /** Longer than any sensible bearer header: refused before hashing. */
  private static final int MAX_AUTHORIZATION = 1024;

  private static final String BEARER = "Bearer ";

  private final AppMetrics metrics;

  /** SHA-256 of the token; null: no token asked for (a port of its own, see the launcher). */
  private final byte[] tokenDigest;

  /**
   * @param token what {@code Authorization: Bearer} must carry; null only where the port itself is
   *     the protection (the embedded launcher's {@code METRICS_PORT} without {@code METRICS_TOKEN})
   */
  public MetricsServlet(AppMetrics metrics, String token) {
    this.metrics = metrics;
    this.tokenDigest = token == null ? null : sha256(token);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    if (!authorized(request.getHeader("Authorization"))) {
      response.setHeader("WWW-Authenticate", "Bearer");
      // No body: a scraper has no use for the error page, and nobody else should be here.
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      response.setContentLength(0);
      return;
    }
    String contentType = AppMetrics.contentTypeFor(request.getHeader("Accept"));
    byte[] body = metrics.scrape(contentType).getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(contentType);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private boolean authorized(String authorization) {
    if (tokenDigest == null) {
      return true;
    }
    if (authorization == null
        || authorization.length() > MAX_AUTHORIZATION
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    String presented = authorization.substring(BEARER.length()).strip();
    return MessageDigest.isEqual(tokenDigest, sha256(presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
