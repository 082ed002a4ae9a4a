package io.github.gmailoauth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers on every response. The pages use no script at all, so the policy allows none; styles come
 * from this app only. {@code Referrer-Policy: no-referrer} matters here: the callback URL carries
 * the one-time code and {@code state} in its query.
 */
public final class SecurityHeadersFilter extends HttpFilter {
  /** One year, the minimum for browsers' HSTS preload lists. */
  static final String HSTS = "max-age=31536000; includeSubDomains";

  private final String contentSecurityPolicy;
  private final boolean https;

  /**
   * @param authorizationOrigin the origin of Google's consent page. Browsers apply {@code
   *     form-action} to the redirects that follow a form submission too, and a search submitted
   *     with an expired session is redirected to consent, so that origin must be allowed.
   * @param https the app is reached over https (directly or behind a TLS proxy): send HSTS on every
   *     answer; without it, HSTS goes only on answers to requests that arrived secure
   */
  public SecurityHeadersFilter(String authorizationOrigin, boolean https) {
    this.https = https;
    this.contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' "
            + authorizationOrigin
            + "; frame-ancestors 'none'; base-uri 'none'";
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    response.setHeader("Content-Security-Policy", contentSecurityPolicy);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("X-Frame-Options", "DENY");
    if (https || request.isSecure()) {
      // isSecure(): also a request a TLS proxy forwarded as https, when forwarded headers are
      // trusted.
      response.setHeader("Strict-Transport-Security", HSTS);
    }
    if (!request.getRequestURI().startsWith(request.getContextPath() + StaticServlet.PATH_PREFIX)) {
      // Pages are per user and the callback carries one-time values: never store them.
      response.setHeader("Cache-Control", "no-store");
    }
    chain.doFilter(request, response);
  }
}
