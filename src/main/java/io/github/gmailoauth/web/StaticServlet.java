package io.github.gmailoauth.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Serves the few static files from the classpath, by exact name only, so it works the same embedded
 * and in the WAR and can never be walked out of its folder.
 */
public final class StaticServlet extends HttpServlet {
  public static final String PATH_PREFIX = "/static/";
  public static final String PATH = "/static/*";
  private static final Map<String, String> FILES = Map.of("app.css", "text/css;charset=UTF-8");

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
    String type = FILES.get(name);
    if (type == null) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    try (InputStream in = StaticServlet.class.getResourceAsStream("/static/" + name)) {
      if (in == null) {
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
        return;
      }
      response.setContentType(type);
      response.setHeader("Cache-Control", "public, max-age=3600");
      in.transferTo(response.getOutputStream());
    }
  }
}
