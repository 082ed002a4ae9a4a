package io.github.gmailoauth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id that ties its access-log line, its app log lines and its response
 * together: the {@code X-Request-Id} a proxy in front sent, when it is harmless (1 to 64 of {@code
 * [A-Za-z0-9._-]}: nothing that could forge or break a log line), else a new random one. The id is
 * sent back as {@code X-Request-Id} (which the access log prints), kept as the request attribute
 * {@link #ATTRIBUTE}, and put into the app's log lines by {@link RequestIdLogging}.
 *
 * <p>The id is random, never derived from the session, a token or anything secret: it is shown to
 * the client and written to logs. It need not be unpredictable (a client may choose its own), so a
 * {@link ThreadLocalRandom} is enough and costs nothing per request.
 *
 * <p>First in the chain, and also on error dispatches so that error pages keep the id.
 */
public final class RequestIdFilter extends HttpFilter {
  public static final String HEADER = "X-Request-Id";
  public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
  static final int MAX_LENGTH = 64;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Object kept = request.getAttribute(ATTRIBUTE);
    String id;
    if (kept instanceof String s) {
      id = s;
    } else {
      String incoming = request.getHeader(HEADER);
      id = acceptable(incoming) ? incoming : newId();
      request.setAttribute(ATTRIBUTE, id);
    }
    response.setHeader(HEADER, id);
    String outer = RequestIdLogging.enter(id);
    try {
      chain.doFilter(request, response);
    } finally {
      RequestIdLogging.restore(outer);
    }
  }

  /** Whether an incoming id can be used as it is: 1 to 64 of [A-Za-z0-9._-]. */
  static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits, base64url: 22 characters of [A-Za-z0-9_-]. */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
