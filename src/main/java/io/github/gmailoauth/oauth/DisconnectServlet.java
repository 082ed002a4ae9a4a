package io.github.gmailoauth.oauth;

import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * "Disconnect Google account": revokes the stored refresh token at Google (RFC 7009,
 * https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke), deletes the
 * grant here and ends the session.
 *
 * <p>POST only, behind {@code CrossSiteRequestFilter} like every state-changing request: a link,
 * an image or another site's form cannot disconnect anyone (a GET is answered 405 by {@link
 * HttpServlet}). The user comes from the session only, never from the request.
 *
 * <p>The grant is deleted here whatever Google answers: the person asked this app to forget their
 * access, and keeping a token they wanted gone, to retry later, would be the worse failure. When
 * Google could not confirm the revocation, the page says so and links to the Google Account page
 * where the person can remove the app's access themselves.
 *
 * <p>The page says truthfully what happened at Google: revoked; answered with an error; refused this
 * app as a client (a configuration error, see {@link GoogleOAuthClient.ClientRefused}); or not
 * reached at all.
 *
 * <p>Status 200 in every signed-in case, also when Google could not be reached: the request did
 * change state (grant deleted, session ended), and a 5xx would tell the browser and any
 * intermediary that nothing happened and invite a retry that can no longer help, since the token
 * to revoke is gone from this server. The page itself says what did not happen, and the failure is
 * logged at WARNING for operators.
 */
public final class DisconnectServlet extends HttpServlet {
  public static final String PATH = "/disconnect";

  /**
   * Google Account → Security → "Your connections to third-party apps &amp; services", where a
   * person removes an app's access by hand (https://support.google.com/accounts/answer/13533235).
   */
  public static final String GOOGLE_CONNECTIONS_URL = "https://myaccount.google.com/connections";

  private static final System.Logger LOG = System.getLogger(DisconnectServlet.class.getName());

  private final GoogleOAuthClient google;
  private final TokenStore store;
  private final Pages pages;

  public DisconnectServlet(GoogleOAuthClient google, TokenStore store, Pages pages) {
    this.google = google;
    this.store = store;
    this.pages = pages;
  }

  /**
   * What the page says: a title, one sentence, and whether to send the person to Google's
   * connections page ({@link #connectionsUrl} then holds its address).
   */
  public record View(String title, String message, String connectionsUrl) {}

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    SignedInUser user = SignedInUser.of(request);
    if (user == null) {
      // Nobody to disconnect in this session; the user never comes from the request.
      response.sendRedirect(request.getContextPath() + "/");
      return;
    }

    // Empty when there is no row, or when it no longer decrypts (then there is nothing we can
    // revoke, but the row is deleted below all the same).
    Optional<Grant> grant = store.find(user.id());
    View view;
    if (grant.isEmpty()) {
      view = new View("Disconnected",
          "This app held no usable access to your Gmail, and has forgotten you. If it still appears in your"
              + " Google Account, you can remove it there.",
          GOOGLE_CONNECTIONS_URL);
    } else {
      view = switch (revokeAtGoogle(user.id(), grant.get().refreshToken())) {
        case REVOKED -> new View("Disconnected",
            "This app no longer has access to your Gmail: Google has revoked it, and this app has deleted what it"
                + " stored.",
            null);
        case REFUSED -> notAtGoogle("but Google answered with an error and did not revoke it.");
        case CLIENT_REFUSED -> notAtGoogle(
            "but Google did not accept this app's own credentials, so it could not revoke it.");
        case UNREACHABLE -> notAtGoogle("but Google could not be reached to revoke it.");
      };
    }

    // Unconditional (not deleteIfUnchanged): whichever token the row holds by now, the person
    // asked for all of it to go. A refresh racing with this finds no row and writes nothing.
    store.delete(user.id());
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    LOG.log(Level.INFO, "user {0} disconnected", user.id());
    pages.render(request, response, HttpServletResponse.SC_OK, "disconnected.jte", view);
  }

  private static View notAtGoogle(String why) {
    return new View("Disconnected here, but not at Google",
        "This app has deleted its access to your Gmail, " + why
            + " To be sure, remove the app's access in your Google Account.",
        GOOGLE_CONNECTIONS_URL);
  }

  /** What became of the revocation, as the page tells it. */
  private enum Outcome {
    /** Google confirmed that the token no longer works (revoked now, or already invalid). */
    REVOKED,
    /** Google answered, but not "revoked": the token may still work there. */
    REFUSED,
    /** Google refused this app as a client: a configuration error (logged once where found). */
    CLIENT_REFUSED,
    /** No answer: connection failed, timed out, or the answer could not be read. */
    UNREACHABLE
  }

  /** Asks Google to revoke; never throws for Google's sake. */
  private Outcome revokeAtGoogle(String userId, String refreshToken) {
    try {
      GoogleOAuthClient.Revocation outcome = google.revoke(refreshToken);
      LOG.log(Level.INFO, "revocation for user {0}: {1}", userId, outcome);
      return Outcome.REVOKED;
    } catch (GoogleOAuthClient.ClientRefused e) {
      // The WARNING for the operator was logged once, for every user, where it was found.
      LOG.log(Level.INFO, "could not revoke the grant of user {0} at Google ({1}); deleted here anyway",
          userId, e.getMessage());
      return Outcome.CLIENT_REFUSED;
    } catch (GoogleOAuthClient.RevocationRefused e) {
      // Our own refusal messages say status and error code only.
      LOG.log(Level.WARNING, "could not revoke the grant of user {0} at Google ({1}); deleted here anyway",
          userId, e.getMessage());
      return Outcome.REFUSED;
    } catch (IOException | RuntimeException e) {
      // Of anything else, the class name only (a library's message may quote a URL or an answer).
      LOG.log(Level.WARNING, "could not revoke the grant of user {0} at Google ({1}); deleted here anyway",
          userId, e.getClass().getSimpleName());
      return Outcome.UNREACHABLE;
    }
  }
}
