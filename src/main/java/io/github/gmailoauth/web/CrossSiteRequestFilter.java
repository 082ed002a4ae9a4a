package io.github.gmailoauth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Refuses state-changing requests (every method but GET, HEAD and OPTIONS) that another site could
 * have made: the browser's {@code Sec-Fetch-Site} must say same-origin when sent, {@code Origin}
 * must be this app's when sent, and the form body (never the URL) must carry the session's own
 * token (OWASP's synchronizer token pattern), compared in constant time. SameSite=Lax cookies
 * already keep cross-site POSTs unauthenticated; this holds even where a browser ignores SameSite.
 */
public final class CrossSiteRequestFilter extends HttpFilter {
  public static final String FIELD = "csrf";
  static final String SESSION_ATTRIBUTE = "csrf";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String appOrigin;
  private final Set<String> exemptPaths;

  /**
   * @param appOrigin scheme://host[:port] under which browsers reach the app
   * @param exemptPaths servlet paths, each mapped exactly (no wildcard) to a servlet that never
   *     reads the session and proves its caller otherwise: Google's POST /risc carries a signed
   *     token instead of a form token (RFC 8935 §2), and no cookie. Compared with the container's
   *     decoded, normalised servlet path, and only when there is no path info, so no other servlet
   *     is reached through an exemption.
   */
  public CrossSiteRequestFilter(String appOrigin, Set<String> exemptPaths) {
    this.appOrigin = appOrigin;
    this.exemptPaths = Set.copyOf(exemptPaths);
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
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String method = request.getMethod();
    if (method.equals("GET")
        || method.equals("HEAD")
        || method.equals("OPTIONS")
        || isExempt(request)
        || isAllowed(request)) {
      chain.doFilter(request, response);
      return;
    }
    response.sendError(HttpServletResponse.SC_FORBIDDEN);
  }

  private boolean isExempt(HttpServletRequest request) {
    return request.getPathInfo() == null && exemptPaths.contains(request.getServletPath());
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
    String presented = tokenFromTheFormBody(request);
    return expected instanceof String e
        && presented != null
        && MessageDigest.isEqual(
            e.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The token posted in an {@code application/x-www-form-urlencoded} body, else null. The
   * container's getParameter merges the query string's values (first, Servlet 6.0 §3.1) with the
   * body's, and a token in a URL is no proof of this app's form (URLs end up in logs, history and
   * Referer), so a request whose query string names the field at all is refused, and the one value
   * left is the body's.
   */
  private static String tokenFromTheFormBody(HttpServletRequest request) {
    String type = request.getContentType();
    if (type == null
        || !type.split(";", 2)[0].strip().equalsIgnoreCase("application/x-www-form-urlencoded")) {
      return null;
    }
    if (queryStringNamesTheField(request.getQueryString())) {
      return null;
    }
    String[] values = request.getParameterValues(FIELD);
    return values != null && values.length == 1 ? values[0] : null;
  }

  /**
   * Whether a parameter of {@code query} decodes (as the container decodes it) to the field's name.
   */
  private static boolean queryStringNamesTheField(String query) {
    if (query == null) {
      return false;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      try {
        if (URLDecoder.decode(name, StandardCharsets.UTF_8).equals(FIELD)) {
          return true;
        }
      } catch (IllegalArgumentException malformed) {
        return true; // not decodable here: cannot tell, so it counts as naming the field
      }
    }
    return false;
  }
}
