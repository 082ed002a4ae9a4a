package io.github.gmailoauth.web;

import io.github.gmailoauth.health.HealthServlet;
import io.github.gmailoauth.health.ReadinessServlet;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * A request that names a session the container could not give it, while the database is not
 * answering, is answered 503 with {@code Retry-After} (RFC 9110 §15.6.4, §10.2.3) instead of being
 * treated as signed out.
 *
 * <p>With sessions in the database (the embedded {@code SESSION_STORE=jdbc} or a stock Jetty's
 * {@code session-store-jdbc}), Jetty logs "Unable to get Session" when it cannot load one and the
 * request simply arrives without a session; the session itself is not lost. Sent on as signed out,
 * the browser would follow a redirect to Google's consent screen, and that sign-in could not be
 * saved either. The embedded launcher's store records which loads failed ({@link
 * SessionLoadFailures}); a stock Jetty's store is not the app's code and says nothing, so the app
 * also asks its own readiness check, which answers within its short bound. A session id that is
 * merely unknown or expired while the database answers passes through, as signed out.
 */
public final class SessionStoreOutage extends HttpFilter {
  /**
   * Set on the request when its page must not offer a sign-in (the person may well be signed in).
   */
  public static final String REQUEST_ATTRIBUTE = SessionStoreOutage.class.getName();

  private final BooleanSupplier databaseAnswers;
  private final SessionLoadFailures loadFailures;
  private final Pages pages;

  public SessionStoreOutage(
      BooleanSupplier databaseAnswers, SessionLoadFailures loadFailures, Pages pages) {
    this.databaseAnswers = databaseAnswers;
    this.loadFailures = loadFailures;
    this.pages = pages;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getRequestedSessionId() != null
        && !exempt(request.getServletPath())
        && request.getSession(false) == null
        && (loadFailures.lastLoadFailed(request.getRequestedSessionId())
            || !databaseAnswers.getAsBoolean())) {
      unavailable(request, response, pages);
      return;
    }
    chain.doFilter(request, response);
  }

  /** Probes and the style sheet never depend on a session. */
  private static boolean exempt(String path) {
    return path.equals(HealthServlet.PATH)
        || path.equals(ReadinessServlet.PATH)
        || path.equals("/static");
  }

  /** The 503 page for "your session cannot be read just now", without a sign-in to offer. */
  static void unavailable(HttpServletRequest request, HttpServletResponse response, Pages pages)
      throws IOException {
    request.setAttribute(REQUEST_ATTRIBUTE, Boolean.TRUE);
    pages.problem(request, response, Problems.sessionUnreadable());
  }
}
