package io.github.gmailoauth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Who a request is signed in as, decided from two secrets together: the session id (whose session
 * may live in a database, {@code SESSION_STORE=jdbc} or a stock Jetty's JDBC store) and a session
 * key of 256 random bits that lives only in the browser's cookie. The session stores an HMAC-SHA256
 * over the user's id, address, sign-in time and that key, under a key derived from the token key
 * (so every node agrees, and the database never holds it). A copy of the session table is then no
 * set of live sessions: its ids lack the browser's key. Whoever can write the table cannot plant a
 * signed-in user either: without the app's key there is no proof to go with it.
 *
 * <p>A session is signed in for at most {@code SESSION_MAX_AGE} after sign-in, however busy it
 * stays (on top of the 30-minute idle timeout). The filter decides once per request, before
 * anything reads {@link SignedInUser#of}; a missing key, a wrong key or an aged session reads as
 * signed out.
 */
public final class SignedInSessions extends HttpFilter {
  /** The HKDF info of the proof key: no other key derived from the token key equals it. */
  public static final String KEY_INFO = "gmail-oauth-webapp session key proof v1";

  static final String COOKIE = "session-key";
  static final String HOST_COOKIE = "__Host-" + COOKIE;
  static final String SESSION_ATTRIBUTE = "signedIn";
  static final String REQUEST_ATTRIBUTE = SignedInUser.class.getName();
  private static final int KEY_BYTES = 32;
  private static final int KEY_CHARS = 43; // base64url of 32 bytes, no padding
  private static final int MAX_COOKIES_TRIED = 3;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final System.Logger LOG = System.getLogger(SignedInSessions.class.getName());

  private final List<SecretKey> proofKeys;
  private final Duration maxAge;
  private final boolean https;
  private final Clock clock;
  private final SessionRevocations revocations;

  /**
   * @param proofKeys HmacSHA256 keys, the current one first (the others still verify)
   * @param revocations asked on each signed-in request whether the user's sessions were ended from
   *     outside (Cross-Account Protection) since this one signed in
   */
  public SignedInSessions(
      List<SecretKey> proofKeys,
      Duration maxAge,
      boolean https,
      Clock clock,
      SessionRevocations revocations) {
    this.proofKeys = List.copyOf(proofKeys);
    this.maxAge = maxAge;
    this.https = https;
    this.clock = clock;
    this.revocations = revocations;
  }

  /**
   * Signs {@code user} in and gives the browser a new session key. A session the request came with
   * gets a new id (session fixation, OWASP ASVS V7.2.4) and loses its form token, which whoever
   * planted the session could know; what else it held (the message list's loop guard) stays.
   */
  public void signIn(HttpServletRequest request, HttpServletResponse response, SignedInUser user) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      session = request.getSession(true);
    } else {
      request.changeSessionId();
      session.removeAttribute(CrossSiteRequestFilter.SESSION_ATTRIBUTE);
    }
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    Instant now = clock.instant();
    session.setAttribute(
        SESSION_ATTRIBUTE,
        new SignedInSession(
            user.id(),
            user.email(),
            now,
            proof(proofKeys.get(0), user.id(), user.email(), now, key)));
    response.addCookie(
        cookie(request, Base64.getUrlEncoder().withoutPadding().encodeToString(key), -1));
    request.setAttribute(REQUEST_ATTRIBUTE, user);
  }

  /** Ends the session on the server and drops the browser's key. */
  public void signOut(HttpServletRequest request, HttpServletResponse response) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException alreadyInvalid) {
        // nothing to end
      }
    }
    request.removeAttribute(REQUEST_ATTRIBUTE);
    response.addCookie(cookie(request, "", 0));
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    request.removeAttribute(REQUEST_ATTRIBUTE); // only this filter says who is signed in
    HttpSession session = request.getSession(false);
    if (session != null) {
      try {
        if (session.getAttribute(SESSION_ATTRIBUTE) instanceof SignedInSession signedIn) {
          SignedInUser user = verified(request, session, signedIn);
          if (user != null && endedFromOutside(signedIn)) {
            session.invalidate();
            user = null;
          }
          if (user != null) {
            request.setAttribute(REQUEST_ATTRIBUTE, user);
          }
        }
      } catch (IllegalStateException invalidated) {
        // ended by a concurrent request: signed out
      }
    }
    chain.doFilter(request, response);
  }

  private SignedInUser verified(
      HttpServletRequest request, HttpSession session, SignedInSession signedIn) {
    if (signedIn.signedInAt() == null || signedIn.proof() == null || signedIn.id() == null) {
      return null;
    }
    Instant now = clock.instant();
    if (!now.isBefore(signedIn.signedInAt().plus(maxAge))) {
      // Past its absolute lifetime: the session ends, however recently it was used.
      LOG.log(
          System.Logger.Level.INFO,
          "the session of user {0} reached its maximum age",
          signedIn.id());
      session.invalidate();
      return null;
    }
    byte[] stored;
    try {
      stored = Base64.getUrlDecoder().decode(signedIn.proof());
    } catch (IllegalArgumentException e) {
      return null;
    }
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    int tried = 0;
    for (Cookie cookie : cookies) {
      if (!cookie.getName().equals(cookieName()) || tried++ >= MAX_COOKIES_TRIED) {
        continue;
      }
      byte[] key = browserKey(cookie.getValue());
      if (key == null) {
        continue;
      }
      for (SecretKey proofKey : proofKeys) {
        if (MessageDigest.isEqual(
            stored,
            Base64.getUrlDecoder()
                .decode(
                    proof(
                        proofKey, signedIn.id(), signedIn.email(), signedIn.signedInAt(), key)))) {
          return new SignedInUser(signedIn.id(), signedIn.email());
        }
      }
    }
    return null;
  }

  /**
   * Whether Google's Cross-Account Protection ended this user's sessions after this one signed in
   * (issue 16). Asked only once the session's proof checked out, so an unauthenticated request
   * costs nothing; then it costs one read by primary key per signed-in request (about a tenth of a
   * millisecond on a local PostgreSQL, a few microseconds on embedded H2), which is what lets a
   * sign-out decided on one node hold on every node at its next request, with no cache to go stale.
   */
  private boolean endedFromOutside(SignedInSession signedIn) {
    Instant before;
    try {
      before = revocations.signedOutBefore(signedIn.id());
    } catch (RuntimeException databaseDown) {
      // Nothing of the user's mail can be read without the database either (the grant lives
      // there), so pages that need none keep working through an outage, as they did before.
      LOG.log(
          System.Logger.Level.WARNING,
          "could not read whether the sessions of user {0} were ended: {1}",
          signedIn.id(),
          databaseDown.getClass().getSimpleName());
      return false;
    }
    if (before == null || signedIn.signedInAt().isAfter(before)) {
      return false;
    }
    LOG.log(
        System.Logger.Level.INFO,
        "the session of user {0} was ended by a security event from Google",
        signedIn.id());
    return true;
  }

  private static byte[] browserKey(String value) {
    if (value == null || value.length() != KEY_CHARS) {
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** HMAC-SHA256 over length-prefixed id, address and sign-in time, then the browser's key. */
  private static String proof(
      SecretKey proofKey, String id, String email, Instant signedInAt, byte[] browserKey) {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(message)) {
      out.writeUTF(id);
      out.writeUTF(email == null ? "" : email);
      out.writeLong(signedInAt.toEpochMilli());
      out.write(browserKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(proofKey);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(message.toByteArray()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has HmacSHA256", e);
    }
  }

  private String cookieName() {
    return https ? HOST_COOKIE : COOKIE;
  }

  /**
   * Like the session cookie: not readable by script, SameSite=Lax (the callback that sets it is
   * reached by a top-level redirect from Google), Path "/", and over https Secure with the {@code
   * __Host-} prefix. No Max-Age: it ends with the browser session, as the session cookie does.
   */
  private Cookie cookie(HttpServletRequest request, String value, int maxAge) {
    Cookie cookie = new Cookie(cookieName(), value);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSecure(https || request.isSecure());
    cookie.setAttribute("SameSite", "Lax");
    cookie.setMaxAge(maxAge);
    return cookie;
  }
}
