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

  static final String CSP = "Content-Security-Policy";

  /**
   * The message body the reader frames (issue 14): a sandbox (CSP Level 3 §6.3.2; the {@code
   * sandbox} directive of HTML's iframe sandboxing flags) without {@code allow-scripts}, {@code
   * allow-forms}, {@code allow-same-origin} or {@code allow-top-navigation}, so the body runs no
   * script, submits nothing, is an opaque origin and cannot navigate the page; links may open in a
   * new tab, outside the sandbox. Nothing may be loaded but inline styles and the {@code data:}
   * images the app embedded itself; only this app may frame it.
   */
  private static final String MAIL_BODY_POLICY =
      "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none';"
          + " style-src 'unsafe-inline'; img-src data:%s; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'self'";

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

  /**
   * For the reader's page, which frames the message body from this app: the page's own policy with
   * {@code frame-src 'self'} (everything else stays as strict as on every page).
   */
  public static void allowFramesFromThisApp(HttpServletResponse response) {
    String policy = response.getHeader(CSP);
    if (policy != null) {
      response.setHeader(CSP, policy + "; frame-src 'self'");
    }
  }

  /**
   * For the message body document the reader frames: {@link #MAIL_BODY_POLICY} in place of the
   * page's, with {@code https:} images only when the person asked for remote images (never http),
   * and {@code X-Frame-Options: SAMEORIGIN} for browsers without {@code frame-ancestors}.
   */
  public static void sandboxMailBody(HttpServletResponse response, boolean remoteImages) {
    response.setHeader(CSP, String.format(MAIL_BODY_POLICY, remoteImages ? " https:" : ""));
    response.setHeader("X-Frame-Options", "SAMEORIGIN");
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    response.setHeader(CSP, contentSecurityPolicy);
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
