package io.github.gmailoauth.oauth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Forgets a user's grant: revokes the refresh token at Google (RFC 7009,
 * https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke), then deletes the
 * grant here whatever Google answered, and says which of these happened.
 */
public final class Disconnection {
  private static final System.Logger LOG = System.getLogger(Disconnection.class.getName());

  private final GoogleOAuthClient google;
  private final TokenStore store;

  /** What became of the revocation, as the page tells it. */
  public enum Outcome {
    /** No grant stored, or it no longer decrypts: nothing to revoke. */
    NOTHING_HELD,
    /** Google confirmed that the token no longer works (revoked now, or already invalid). */
    REVOKED,
    /** Google answered, but not "revoked": the token may still work there. */
    REFUSED,
    /** Google refused this app as a client: a configuration error (logged once where found). */
    CLIENT_REFUSED,
    /** No answer: connection failed, timed out, or the answer could not be read. */
    UNREACHABLE
  }

  private final Consumer<String> disconnected;

  /**
   * @param google where the refresh token is revoked; {@code store} holds the grant to delete
   * @param disconnected told the user's id once the grant is deleted (the list's row cache forgets
   *     the user's rows)
   */
  public Disconnection(GoogleOAuthClient google, TokenStore store, Consumer<String> disconnected) {
    this.google = google;
    this.store = store;
    this.disconnected = disconnected;
  }

  /** Revokes at Google, deletes here; never throws for Google's sake. */
  public Outcome disconnect(String userId) {
    // Empty when there is no row, or when it no longer decrypts (then there is nothing we can
    // revoke, but the row is deleted below all the same).
    Optional<Grant> grant = store.find(userId);
    Outcome outcome =
        grant.isEmpty() ? Outcome.NOTHING_HELD : revokeAtGoogle(userId, grant.get().refreshToken());
    // Unconditional (not deleteIfUnchanged): whichever token the row holds by now, the person
    // asked for all of it to go. A refresh racing with this finds no row and writes nothing.
    store.delete(userId);
    disconnected.accept(userId);
    return outcome;
  }

  private Outcome revokeAtGoogle(String userId, String refreshToken) {
    try {
      GoogleOAuthClient.Revocation outcome = google.revoke(refreshToken);
      LOG.log(Level.INFO, "revocation for user {0}: {1}", userId, outcome);
      return Outcome.REVOKED;
    } catch (GoogleOAuthClient.ClientRefused e) {
      // The WARNING for the operator was logged once, for every user, where it was found.
      LOG.log(
          Level.INFO,
          "could not revoke the grant of user {0} at Google ({1}); deleted here anyway",
          userId,
          e.getMessage());
      return Outcome.CLIENT_REFUSED;
    } catch (GoogleOAuthClient.RevocationRefused e) {
      // Our own refusal messages say status and error code only.
      LOG.log(
          Level.WARNING,
          "could not revoke the grant of user {0} at Google ({1}); deleted here anyway",
          userId,
          e.getMessage());
      return Outcome.REFUSED;
    } catch (IOException | RuntimeException e) {
      // Of anything else, the class name only (a library's message may quote a URL or an answer).
      LOG.log(
          Level.WARNING,
          "could not revoke the grant of user {0} at Google ({1}); deleted here anyway",
          userId,
          e.getClass().getSimpleName());
      return Outcome.UNREACHABLE;
    }
  }
}
