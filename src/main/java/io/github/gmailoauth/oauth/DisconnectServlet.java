package io.github.gmailoauth.oauth;

import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.Problem;
import io.github.gmailoauth.web.Problems;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * "Disconnect Google account": {@link Disconnection} revokes the stored refresh token at Google and
 * deletes the grant here; this servlet ends the session and says what happened.
 *
 * <p>POST only, behind {@code CrossSiteRequestFilter} like every state-changing request: a link, an
 * image or another site's form cannot disconnect anyone (a GET is answered 405 by {@link
 * HttpServlet}). The user comes from the session only, never from the request.
 *
 * <p>The grant is deleted here whatever Google answers: the person asked this app to forget their
 * access, and keeping a token they wanted gone, to retry later, would be the worse failure. When
 * Google could not confirm the revocation, the page says so and links to the Google Account page
 * where the person can remove the app's access themselves.
 *
 * <p>The page says truthfully what happened at Google: revoked; answered with an error; refused
 * this app as a client (a configuration error, see {@link GoogleOAuthClient.ClientRefused}); or not
 * reached at all.
 *
 * <p>Status 200 in every signed-in case, also when Google could not be reached: the request did
 * change state (grant deleted, session ended), and a 5xx would tell the browser and any
 * intermediary that nothing happened and invite a retry that can no longer help, since the token to
 * revoke is gone from this server. The page itself says what did not happen, and the failure is
 * logged at WARNING for operators.
 */
public final class DisconnectServlet extends HttpServlet {
  public static final String PATH = "/disconnect";

  private static final System.Logger LOG = System.getLogger(DisconnectServlet.class.getName());

  private final Disconnection disconnection;
  private final Pages pages;

  /**
   * @param disconnection revokes and deletes; this servlet only ends the session and answers
   */
  public DisconnectServlet(Disconnection disconnection, Pages pages) {
    this.disconnection = disconnection;
    this.pages = pages;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    SignedInUser user = SignedInUser.of(request);
    if (user == null) {
      // Nobody to disconnect in this session; the user never comes from the request.
      response.sendRedirect(request.getContextPath() + "/");
      return;
    }
    Disconnection.Outcome outcome = disconnection.disconnect(user.id());
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    LOG.log(Level.INFO, "user {0} disconnected", user.id());
    pages.render(
        request, response, HttpServletResponse.SC_OK, "disconnected.jte", answerFor(outcome));
  }

  private static Problem answerFor(Disconnection.Outcome outcome) {
    return switch (outcome) {
      case NOTHING_HELD -> Problems.disconnectedNothingHeld();
      case REVOKED -> Problems.disconnectedAndRevoked();
      case REFUSED -> Problems.disconnectedButRevocationRefused();
      case CLIENT_REFUSED -> Problems.disconnectedButClientRefused();
      case UNREACHABLE -> Problems.disconnectedButGoogleUnreachable();
    };
  }
}
