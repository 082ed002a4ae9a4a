package io.github.gmailoauth.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Ends the session on the server, so the old cookie is worthless afterwards. POST only: a link or
 * an image elsewhere cannot sign a user out. The stored grant stays (signing out is not revoking).
 */
public final class LogoutServlet extends HttpServlet {
  public static final String PATH = "/logout";

  private final SignedInSessions signedInSessions;
  private final Consumer<String> signedOut;

  /**
   * @param signedOut told the id of the user who signed out, after the session ended (the list's
   *     row cache forgets the user's rows)
   */
  public LogoutServlet(SignedInSessions signedInSessions, Consumer<String> signedOut) {
    this.signedInSessions = signedInSessions;
    this.signedOut = signedOut;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    SignedInUser user = SignedInUser.of(request);
    signedInSessions.signOut(request, response);
    if (user != null) {
      signedOut.accept(user.id());
    }
    response.sendRedirect(request.getContextPath() + "/");
  }
}
