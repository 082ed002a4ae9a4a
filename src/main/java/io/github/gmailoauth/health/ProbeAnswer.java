package io.github.gmailoauth.health;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The one answer every probe gives: {@code {"status":"..."}}, never cached. */
final class ProbeAnswer {
  private ProbeAnswer() {}

  static void send(HttpServletResponse response, int status, String text) throws IOException {
    byte[] body = ("{\"status\":\"" + text + "\"}").getBytes(StandardCharsets.US_ASCII);
    response.setStatus(status);
    // JSON is UTF-8 by definition (RFC 8259 §8.1): no charset parameter.
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
