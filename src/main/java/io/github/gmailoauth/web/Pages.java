package io.github.gmailoauth.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.github.gmailoauth.metrics.AppMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders the jte templates of {@code src/main/jte}. They are compiled at build time (a typo fails
 * {@code mvn compile}) and escape every expression for its HTML context, so a string from Gmail or
 * from a request can never become markup.
 */
public final class Pages {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
  private final AppMetrics metrics;

  /**
   * @param metrics times each page by its template
   */
  public Pages(AppMetrics metrics) {
    this.metrics = metrics;
  }

  public void render(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String template,
      Object view)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    Map<String, Object> params = new HashMap<>();
    SignedInUser user = SignedInUser.of(request);
    // Only a signed-in page shows a form that changes state (sign out).
    String csrf = user == null ? null : CrossSiteRequestFilter.token(request.getSession(false));
    boolean offerSignIn =
        user == null && request.getAttribute(SessionStoreOutage.REQUEST_ATTRIBUTE) == null;
    params.put("page", new PageContext(request.getContextPath(), user, csrf, offerSignIn));
    params.put("view", view);
    // Rendered into memory first: the fixed text is written as ready-made UTF-8 bytes (the
    // templates are compiled with binary static content), the answer gets a Content-Length, and a
    // template that fails half-way leaves the response untouched for the error page.
    Utf8ByteOutput out = new Utf8ByteOutput();
    long started = System.nanoTime();
    engine.render(template, params, out);
    metrics.pageRendered(request, template, System.nanoTime() - started);
    response.setContentLength(out.getContentLength());
    out.writeTo(response.getOutputStream());
  }

  /** Answers with {@code problem}: its status and headers, and the error page saying it. */
  public void problem(HttpServletRequest request, HttpServletResponse response, Problem problem)
      throws IOException {
    statusAndHeaders(response, problem);
    render(request, response, problem.status(), "error.jte", problem);
  }

  /** A problem's status and {@code Retry-After} alone, for an answer without a body (HEAD). */
  public static void statusAndHeaders(HttpServletResponse response, Problem problem) {
    response.setStatus(problem.status());
    if (problem.retryAfter() != null) {
      response.setHeader("Retry-After", problem.retryAfter());
    }
  }
}
