package io.github.gmailoauth.oauth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * The part of a sign-in that happens after {@code state} was checked: exchange the code with the
 * PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.5), ask userinfo who signed in, and store the grant
 * under the Google user id.
 */
public final class SignInCompletion {
  /** Tries of the grant's save, and the time they may take together (brief: the browser waits). */
  static final int SAVE_TRIES = 3;

  static final long SAVE_WITHIN_NANOS = 1_000_000_000L;
  private static final long SAVE_PAUSE_NANOS = 150_000_000L;
  private static final System.Logger LOG = System.getLogger(SignInCompletion.class.getName());

  private final GoogleOAuthClient google;
  private final TokenStore store;
  private final Predicate<String> refusesSignIn;

  /** What became of the grant. */
  public enum Saved {
    /** Stored, with the refresh token of this answer or the one stored before. */
    SAVED,
    /** No refresh token in Google's answer and none stored: only consent yields a new one. */
    NO_REFRESH_TOKEN,
    /** The database did not take it (logged here once); the code is spent. */
    NOT_SAVED,
    /**
     * Nothing stored: Google said this account was hijacked and has not said it is enabled again
     * (Cross-Account Protection, issue 16).
     */
    SIGN_IN_REFUSED
  }

  /** Who signed in, the scopes Google granted (null when its answer named none), and the save. */
  public record Completed(GoogleOAuthClient.Identity identity, String scope, Saved saved) {}

  /**
   * @param store where the grant is saved, under the Google user id userinfo names
   * @param refusesSignIn whether a Google user id may not sign in now (an account Google reported
   *     hijacked); asked after userinfo named the user and before anything is stored
   */
  public SignInCompletion(
      GoogleOAuthClient google, TokenStore store, Predicate<String> refusesSignIn) {
    this.google = google;
    this.store = store;
    this.refusesSignIn = refusesSignIn;
  }

  /**
   * Exchanges {@code code} and saves the grant. Google's failures are thrown as they came: {@link
   * GoogleOAuthClient.ClientRefused}, a {@code TokenResponseException} with the token endpoint's
   * status, or any other {@link IOException} when Google was not reached or not read.
   */
  public Completed complete(String code, String verifier) throws IOException {
    GoogleOAuthClient.Tokens tokens = google.exchange(code, verifier);
    GoogleOAuthClient.Identity identity = google.whoIs(tokens.accessToken());
    return new Completed(identity, tokens.scope(), saveWithRetry(identity, tokens));
  }

  /**
   * {@link TokenStore#saveSignIn}'s answer, tried up to {@link #SAVE_TRIES} times while less than
   * {@link #SAVE_WITHIN_NANOS} has passed (a database restart takes about half a second); {@link
   * Saved#NOT_SAVED} when every try failed, which is logged here once. Each try is one transaction,
   * so a failed one leaves no row behind, and the save is idempotent, so a try that failed after
   * committing does no harm.
   */
  private Saved saveWithRetry(
      GoogleOAuthClient.Identity identity, GoogleOAuthClient.Tokens tokens) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        // Asked on each try, as the save is: both read the same database, and a blip fails both.
        if (refusesSignIn.test(identity.id())) {
          LOG.log(
              Level.INFO,
              "sign-in of user {0} refused: Google reported the account hijacked",
              identity.id());
          return Saved.SIGN_IN_REFUSED;
        }
        boolean saved =
            store.saveSignIn(
                identity.id(),
                identity.email(),
                tokens.refreshToken(),
                tokens.scope(),
                tokens.accessToken(),
                tokens.expiresAt());
        return saved ? Saved.SAVED : Saved.NO_REFRESH_TOKEN;
      } catch (TokenStore.StoreException e) {
        // The database, for the grant or for the sign-in refusal (RiscStore's failures are
        // StoreExceptions too): a blip, tried again. Anything else is a bug and propagates.
        long pause = SAVE_PAUSE_NANOS * attempt;
        if (attempt >= SAVE_TRIES || System.nanoTime() - start + pause > SAVE_WITHIN_NANOS) {
          LOG.log(
              Level.WARNING,
              "signed in at Google but could not save the grant of user {0} ({1} tries): {2}",
              identity.id(),
              attempt,
              causeOf(e));
          return Saved.NOT_SAVED;
        }
        try {
          Thread.sleep(pause / 1_000_000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          LOG.log(
              Level.WARNING, "could not save the grant of user {0}: interrupted", identity.id());
          return Saved.NOT_SAVED;
        }
      }
    }
  }

  /**
   * The failure's kind for the log: exception class and SQLSTATE, never its message (it may quote
   * data).
   */
  private static String causeOf(TokenStore.StoreException e) {
    Throwable cause = e.getCause();
    if (cause instanceof SQLException sql) {
      return sql.getClass().getSimpleName() + " SQLSTATE " + sql.getSQLState();
    }
    return cause == null ? e.getMessage() : cause.getClass().getSimpleName();
  }
}
