package io.github.gmailoauth.health;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Liveness: 200 {@code {"status":"UP"}} whenever the process serves requests at all. */
public final class HealthServlet extends HttpServlet {
  public static final String PATH = "/healthz";

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ProbeAnswer.send(response, HttpServletResponse.SC_OK, "UP");
  }
}
