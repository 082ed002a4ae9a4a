package io.github.gmailoauth.health;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Readiness: 200 {@code {"status":"READY"}} when the database answers and is migrated, else 503
 * {@code {"status":"NOT_READY"}}, so a load balancer sends no traffic to a node that could only
 * answer error pages. Why it is not ready is not said: the answer carries no error text.
 */
public final class ReadinessServlet extends HttpServlet {
  public static final String PATH = "/readyz";

  private final DatabaseReadiness database;

  public ReadinessServlet(DatabaseReadiness database) {
    this.database = database;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (database.isReady()) {
      ProbeAnswer.send(response, HttpServletResponse.SC_OK, "READY");
    } else {
      ProbeAnswer.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "NOT_READY");
    }
  }

  @Override
  public void destroy() {
    database.close();
  }
}
