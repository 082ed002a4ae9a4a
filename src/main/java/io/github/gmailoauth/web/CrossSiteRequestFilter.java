package io.github.gmailoauth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Refuses state-changing requests (every method but GET, HEAD and OPTIONS) that another site could
 * have made: the browser's {@code Sec-Fetch-Site} must say same-origin when sent, {@code Origin}
 * must be this app's when sent, and the form must carry the session's own token (OWASP's
 * synchronizer token pattern), compared in constant time. SameSite=Lax cookies already keep
 * cross-site POSTs unauthenticated; this holds even where a browser ignores SameSite.
 */
public final class CrossSiteRequestFilter extends HttpFilter {
  public static final String FIELD = "csrf";
  static final String SESSION_ATTRIBUTE = "csrf";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String appOrigin;

  /** @param appOrigin scheme://host[:port] under which browsers reach the app */
  public CrossSiteRequestFilter(String appOrigin) {
    this.appOrigin = appOrigin;
  }

  /** The session's form token, created with the session's first form; null without a session. */
  public static String token(HttpSession session) {
    if (session == null) {
      return null;
    }
    synchronized (session) {
      Object token = session.getAttribute(SESSION_ATTRIBUTE);
      if (token instanceof String t) {
        return t;
      }
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      String created = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      session.setAttribute(SESSION_ATTRIBUTE, created);
      return created;
    }
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String method = request.getMethod();
    if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || isAllowed(request)) {
      chain.doFilter(request, response);
      return;
    }
    response.sendError(HttpServletResponse.SC_FORBIDDEN);
  }

  private boolean isAllowed(HttpServletRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return false;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !origin.equalsIgnoreCase(appOrigin)) {
      return false;
    }
    HttpSession session = request.getSession(false);
    Object expected = session == null ? null : session.getAttribute(SESSION_ATTRIBUTE);
    String presented = request.getParameter(FIELD);
    return expected instanceof String e
        && presented != null
        && MessageDigest.isEqual(e.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}
