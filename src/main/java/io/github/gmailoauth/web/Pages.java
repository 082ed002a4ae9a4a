package io.github.gmailoauth.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
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
  /**
   * Seconds a 503 page asks the browser to wait ({@code Retry-After}, RFC 9110 §10.2.3) when the
   * database or Google is briefly unavailable and no better figure is known.
   */
  public static final String RETRY_AFTER_SECONDS = "5";

  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  public void render(
      HttpServletRequest request, HttpServletResponse response, int status, String template, Object view)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    Map<String, Object> params = new HashMap<>();
    SignedInUser user = SignedInUser.of(request);
    // Only a signed-in page shows a form that changes state (sign out).
    String csrf = user == null ? null : CrossSiteRequestFilter.token(request.getSession(false));
    boolean offerSignIn = user == null && request.getAttribute(SessionStoreOutage.REQUEST_ATTRIBUTE) == null;
    params.put("page", new PageContext(request.getContextPath(), user, csrf, offerSignIn));
    params.put("view", view);
    // Rendered into memory first: the fixed text is written as ready-made UTF-8 bytes (the
    // templates are compiled with binary static content), the answer gets a Content-Length, and a
    // template that fails half-way leaves the response untouched for the error page.
    Utf8ByteOutput out = new Utf8ByteOutput();
    engine.render(template, params, out);
    response.setContentLength(out.getContentLength());
    out.writeTo(response.getOutputStream());
  }

  public void error(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String message,
      String linkPath,
      String linkText)
      throws IOException {
    String href = linkPath == null ? null : request.getContextPath() + linkPath;
    render(request, response, status, "error.jte", new ErrorView(title, message, href, linkText));
  }
}
