package io.github.gmailoauth.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's error page for every status and every uncaught exception (registered in web.xml
 * and by the embedded launcher). It says what happened in plain words and nothing else: no stack
 * trace, exception name, SQL, path or version, whatever the failure was.
 */
public final class ErrorServlet extends HttpServlet {
  public static final String PATH = "/error";

  private final Pages pages;

  public ErrorServlet(Pages pages) {
    this.pages = pages;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    // Asked for directly rather than as an error dispatch: there is no such page.
    int status = code instanceof Integer c ? c : HttpServletResponse.SC_NOT_FOUND;
    Problem problem =
        Problems.forUncaught(status, request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
    response.resetBuffer();
    response.setHeader("Cache-Control", "no-store");
    if ("HEAD".equals(request.getMethod())) {
      Pages.statusAndHeaders(response, problem);
      return;
    }
    pages.problem(request, response, problem);
  }
}
