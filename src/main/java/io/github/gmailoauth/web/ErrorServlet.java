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
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    // Asked for directly rather than as an error dispatch: there is no such page.
    int status = code instanceof Integer c ? c : HttpServletResponse.SC_NOT_FOUND;
    if (causedByTheDatabase(request.getAttribute(RequestDispatcher.ERROR_EXCEPTION))) {
      // The database is down or overloaded: temporary, and the app recovers when it returns.
      status = HttpServletResponse.SC_SERVICE_UNAVAILABLE;
      response.setHeader("Retry-After", Pages.RETRY_AFTER_SECONDS);
    }
    response.resetBuffer();
    response.setHeader("Cache-Control", "no-store");
    if ("HEAD".equals(request.getMethod())) {
      response.setStatus(status);
      return;
    }
    String[] words = words(status);
    pages.error(request, response, status, words[0], words[1], "/", "Go to the home page");
  }

  private static boolean causedByTheDatabase(Object exception) {
    for (Throwable t = exception instanceof Throwable e ? e : null; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException) {
        return true;
      }
    }
    return false;
  }

  static String[] words(int status) {
    return switch (status) {
      case 400 -> new String[] {"Bad request", "The request could not be understood."};
      case 403 -> new String[] {"Not allowed", "This request is not allowed."};
      case 404 -> new String[] {"Page not found", "There is no page at this address."};
      case 405 -> new String[] {"Method not allowed", "This page cannot be used that way."};
      case 413, 414, 431 -> new String[] {"Request too large", "The request was larger than this app accepts."};
      case 503 -> new String[] {"Temporarily unavailable", "The service is not available just now. Please try again in a moment."};
      default -> status >= 500
          ? new String[] {"Something went wrong", "The request could not be completed. Please try again in a moment."}
          : new String[] {"Request refused", "The request could not be completed."};
    };
  }
}
