package io.github.gmailoauth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * OPTIONS names the methods a page really serves, and TRACE is never served. HttpServlet's own
 * OPTIONS answer (its methods, worked out from the doGet/doPost/... a servlet overrides) always
 * adds TRACE, and its TRACE echoes the request's headers, cookies included, back in the body
 * (cross-site tracing). So OPTIONS goes to the servlet with TRACE taken out of its {@code Allow},
 * and TRACE (and IIS's TRACK) is answered as OPTIONS would be, but as a 405 error: RFC 9110 §15.5.6
 * wants a 405 to carry {@code Allow}, and this way it is the page's own.
 */
public final class HttpMethodsFilter extends HttpFilter {
  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String method = request.getMethod();
    if (method.equals("OPTIONS")) {
      chain.doFilter(request, new WithoutTraceInAllow(response));
    } else if (method.equals("TRACE") || method.equals("TRACK")) {
      HttpServletRequest asOptions =
          new HttpServletRequestWrapper(request) {
            @Override
            public String getMethod() {
              return "OPTIONS";
            }
          };
      chain.doFilter(asOptions, new WithoutTraceInAllow(response));
      if (!response.isCommitted() && response.getStatus() == HttpServletResponse.SC_OK) {
        // The Allow header just set stays; Jetty sends no error page body for TRACE.
        response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      }
    } else {
      chain.doFilter(request, response);
    }
  }

  /** Passes every header on, but TRACE never into {@code Allow}. */
  private static final class WithoutTraceInAllow extends HttpServletResponseWrapper {
    WithoutTraceInAllow(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setHeader(String name, String value) {
      super.setHeader(name, "Allow".equalsIgnoreCase(name) ? withoutTrace(value) : value);
    }

    @Override
    public void addHeader(String name, String value) {
      super.addHeader(name, "Allow".equalsIgnoreCase(name) ? withoutTrace(value) : value);
    }

    private static String withoutTrace(String allow) {
      return allow == null
          ? null
          : Arrays.stream(allow.split(","))
              .map(String::strip)
              .filter(m -> !m.isEmpty() && !m.equalsIgnoreCase("TRACE"))
              .collect(Collectors.joining(", "));
    }
  }
}
