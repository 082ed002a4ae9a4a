package io.github.gmailoauth.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Ends the session on the server, so the old cookie is worthless afterwards. POST only: a link or
 * an image elsewhere cannot sign a user out. The stored grant stays (signing out is not revoking).
 */
public final class LogoutServlet extends HttpServlet {
  public static final String PATH = "/logout";

  private final SignedInSessions signedInSessions;

  public LogoutServlet(SignedInSessions signedInSessions) {
    this.signedInSessions = signedInSessions;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    signedInSessions.signOut(request, response);
    response.sendRedirect(request.getContextPath() + "/");
  }
}
