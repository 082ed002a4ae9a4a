package io.github.gmailoauth.metrics;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Marks when a request reached the app, so that a page's time counts everything before its
 * rendering (the session, Google's calls), not the template alone. Installed first, and only when
 * metrics are on.
 */
public final class ArrivalFilter extends HttpFilter {
  private final AppMetrics metrics;

  public ArrivalFilter(AppMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    metrics.requestArrived(request);
    chain.doFilter(request, response);
  }
}
