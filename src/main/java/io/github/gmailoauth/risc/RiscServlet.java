package io.github.gmailoauth.risc;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /risc}: where Google pushes security event tokens (RFC 8935 §2). Reads at most {@link
 * #MAX_BODY} bytes of the body (a compact JWS), hands it to {@link SecurityEvents}, and answers 202
 * (§2.2) or 400 with the §2.3 error object, whose words are fixed. Never reads or creates a
 * session.
 */
public final class RiscServlet extends HttpServlet {
  public static final String PATH = "/risc";

  /** A SET of Google's is about a kilobyte; anything near this is not one. */
  public static final int MAX_BODY = 64 * 1024;

  private final SecurityEvents events;

  public RiscServlet(SecurityEvents events) {
    this.events = events;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    // The media type is not checked: RFC 8935 §2 has the transmitter send
    // application/secevent+jwt, but whether Google's does could not be verified, and a header is
    // no reason to lose an account-safety event. Only a verified signature is trusted.
    if (request.getContentLengthLong() > MAX_BODY) {
      // Refused on its header, before a byte of the body is read.
      refuse(response, Refusal.MALFORMED);
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY || body.length == 0) {
      refuse(response, Refusal.MALFORMED);
      return;
    }
    // A compact JWS is ASCII (RFC 7515 §7.1); anything else fails Nimbus's parse.
    SecurityEvents.Result result =
        events.receive(new String(body, StandardCharsets.US_ASCII).strip());
    switch (result.outcome()) {
      case ACCEPTED -> response.setStatus(HttpServletResponse.SC_ACCEPTED);
      case REFUSED -> refuse(response, result.refusal());
      case UNAVAILABLE -> {
        response.setHeader("Retry-After", "60");
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      }
    }
  }

  /** RFC 8935 §2.3: 400 with {"err": ..., "description": ...}, both fixed words of ours. */
  private static void refuse(HttpServletResponse response, Refusal refusal) throws IOException {
    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response
        .getWriter()
        .write(
            "{\"err\":\""
                + refusal.err()
                + "\",\"description\":\""
                + refusal.description()
                + "\"}");
  }
}
