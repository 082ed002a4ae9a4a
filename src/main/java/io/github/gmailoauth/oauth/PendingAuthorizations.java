package io.github.gmailoauth.oauth;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sign-ins a browser has in flight, kept in that browser rather than on the server: a cookie
 * sealed with AES-256-GCM ({@link CookieSeal}) under a key derived from the token key, so every
 * node reads it, nobody else can read or alter it, and an unauthenticated {@code /authorize} costs
 * the server no session, no memory and no database row.
 *
 * <p>A handful may be pending at once (two tabs signing in), the oldest dropped beyond five, or
 * beyond what fits a cookie. Each expires after ten minutes and is single use: the callback that
 * consumes one rewrites the cookie without it. The cookie is the browser's own, so a sign-in can
 * only finish in the browser that started it (RFC 9700 §4.7.1); over https it is named with the
 * {@code __Host-} prefix, so no sibling domain can plant its own pending sign-in there.
 *
 * <p>A replayed old copy of the cookie (or two callbacks of one browser racing, each writing back
 * what it read) still holds entries that were consumed. Two things defend that: this node remembers
 * the states it consumed until they expire (at most {@link #MAX_SPENT}), and on any node the
 * authorization code in the callback is single use at Google's token endpoint (RFC 6749 §4.1.2), so
 * the replay gets no tokens.
 */
public final class PendingAuthorizations {
  static final Duration LIFETIME = Duration.ofMinutes(10);
  static final int MAX_PENDING = 5;
  static final String COOKIE = "pending-signin";
  static final String HOST_COOKIE = "__Host-" + COOKIE;

  /**
   * The most the sealed entries may weigh. Browsers keep a cookie of at most 4,096 bytes of name
   * and value (RFC 6265 §6.1's minimum, which Chromium and Firefox enforce): an entry is 75 bytes
   * plus its return-to, so five entries, one of them with a 2,048-character return-to, are 2,489
   * bytes, sealed to a cookie of 3,371 bytes with its name (measured by PendingSignInCookieTest;
   * 3,378 with the {@code __Host-} prefix). Past this budget the oldest entries are dropped.
   */
  static final int MAX_PLAINTEXT = 2_600;

  /** The HKDF info of the cookie key: no other key the app derives from the token key equals it. */
  static final String KEY_INFO = "gmail-oauth-webapp pending sign-in cookie v1";

  static final int MAX_SPENT = 10_000;
  private static final int MAX_RETURN_TO = 2_048;
  private static final byte FORMAT = 1;
  private static final int RANDOM_BYTES = 32;
  private static final int MAX_COOKIES_TRIED = 3;
  private static final String REQUEST_ATTRIBUTE = PendingAuthorizations.class.getName();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final CookieSeal seal;
  private final boolean https;
  private final Clock clock;

  /** States this node consumed, to when they would have expired; the eldest go first. */
  private final Map<String, Instant> spent = new LinkedHashMap<>();

  public PendingAuthorizations(TokenCipher tokenKeys, boolean https, Clock clock) {
    this.seal =
        new CookieSeal(
            tokenKeys.derivedKeys(KEY_INFO, "AES"),
            KEY_INFO.getBytes(StandardCharsets.US_ASCII),
            MAX_PLAINTEXT);
    this.https = https;
    this.clock = clock;
  }

  /** Adds a new pending sign-in to the browser's cookie and returns it. */
  PendingAuthorization begin(
      HttpServletRequest request,
      HttpServletResponse response,
      String returnTo,
      boolean forcedConsent) {
    List<PendingAuthorization> all = new ArrayList<>(inFlight(request));
    PendingAuthorization created =
        new PendingAuthorization(
            Pkce.random256(),
            Pkce.random256(),
            clock.instant(),
            returnTo.length() > MAX_RETURN_TO ? ReturnTo.DEFAULT : returnTo,
            forcedConsent);
    all.add(created);
    byte[] encoded = encode(all);
    while (all.size() > MAX_PENDING || encoded.length > MAX_PLAINTEXT) {
      all.remove(0);
      encoded = encode(all);
    }
    write(request, response, all, encoded);
    return created;
  }

  /**
   * Removes the pending sign-in that {@code state} names from the browser's cookie and returns it;
   * null when it is unknown, expired, or already consumed on this node. Every candidate is compared
   * in constant time.
   */
  PendingAuthorization consume(
      HttpServletRequest request, HttpServletResponse response, String state) {
    List<PendingAuthorization> all = new ArrayList<>(inFlight(request));
    byte[] presented = state.getBytes(StandardCharsets.UTF_8);
    PendingAuthorization match = null;
    for (PendingAuthorization p : all) {
      if (MessageDigest.isEqual(p.state().getBytes(StandardCharsets.UTF_8), presented)) {
        match = p;
      }
    }
    if (match == null) {
      return null;
    }
    all.remove(match);
    write(request, response, all, encode(all));
    return spend(match) ? match : null;
  }

  private String cookieName() {
    return https ? HOST_COOKIE : COOKIE;
  }

  /**
   * The unexpired entries of this request's cookie (or as this request last rewrote it), oldest
   * first.
   */
  private List<PendingAuthorization> inFlight(HttpServletRequest request) {
    if (request.getAttribute(REQUEST_ATTRIBUTE) instanceof Rewritten rewritten) {
      return rewritten.entries();
    }
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return List.of();
    }
    int tried = 0;
    for (Cookie cookie : cookies) {
      if (cookie.getName().equals(cookieName()) && tried++ < MAX_COOKIES_TRIED) {
        byte[] plaintext = seal.open(cookie.getValue());
        if (plaintext != null) {
          return decode(plaintext);
        }
      }
    }
    return List.of();
  }

  /** What this request last wrote to the cookie, for a second change in the same request. */
  private record Rewritten(List<PendingAuthorization> entries) {}

  private void write(
      HttpServletRequest request,
      HttpServletResponse response,
      List<PendingAuthorization> all,
      byte[] encoded) {
    request.setAttribute(REQUEST_ATTRIBUTE, new Rewritten(List.copyOf(all)));
    Cookie cookie = new Cookie(cookieName(), all.isEmpty() ? "" : seal.seal(encoded));
    // Path "/" (which __Host- demands) and SameSite=Lax: the callback arrives by a top-level
    // cross-site redirect from Google, which Lax lets the cookie ride along with and Strict does
    // not.
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSecure(https || request.isSecure());
    cookie.setAttribute("SameSite", "Lax");
    cookie.setMaxAge(all.isEmpty() ? 0 : (int) LIFETIME.toSeconds());
    response.addCookie(cookie);
  }

  /**
   * Version, count, then per entry: state, verifier (32 bytes each), created-at millis, flag,
   * return-to.
   */
  private static byte[] encode(List<PendingAuthorization> all) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(all.size());
      for (PendingAuthorization p : all) {
        out.write(Base64.getUrlDecoder().decode(p.state()));
        out.write(Base64.getUrlDecoder().decode(p.verifier()));
        out.writeLong(p.createdAt().toEpochMilli());
        out.writeBoolean(p.forcedConsent());
        out.writeUTF(p.returnTo());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Sealed by this app, so well formed; anything else reads as nothing pending. */
  private List<PendingAuthorization> decode(byte[] plaintext) {
    List<PendingAuthorization> all = new ArrayList<>();
    Instant now = clock.instant();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext))) {
      if (in.readByte() != FORMAT) {
        return List.of();
      }
      int count = in.readUnsignedByte();
      if (count > MAX_PENDING) {
        return List.of();
      }
      for (int i = 0; i < count; i++) {
        byte[] state = in.readNBytes(RANDOM_BYTES);
        byte[] verifier = in.readNBytes(RANDOM_BYTES);
        Instant createdAt = Instant.ofEpochMilli(in.readLong());
        boolean forcedConsent = in.readBoolean();
        String returnTo = in.readUTF();
        if (state.length != RANDOM_BYTES || verifier.length != RANDOM_BYTES) {
          return List.of();
        }
        if (!isExpired(createdAt, now)) {
          all.add(
              new PendingAuthorization(
                  BASE64URL.encodeToString(state),
                  BASE64URL.encodeToString(verifier),
                  createdAt,
                  returnTo,
                  forcedConsent));
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return all;
  }

  /**
   * Ten minutes old, or made more than ten minutes "in the future" by a node whose clock is off.
   */
  private static boolean isExpired(Instant createdAt, Instant now) {
    return !now.isBefore(createdAt.plus(LIFETIME)) || now.isBefore(createdAt.minus(LIFETIME));
  }

  /**
   * Whether {@code p} is consumed here for the first time; remembers it until it would expire.
   * Entries go in roughly in expiry order, so the sweep stops at the first one still alive.
   */
  private synchronized boolean spend(PendingAuthorization p) {
    Instant now = clock.instant();
    for (Iterator<Instant> eldest = spent.values().iterator(); eldest.hasNext(); ) {
      if (now.isBefore(eldest.next())) {
        break;
      }
      eldest.remove();
    }
    if (spent.containsKey(p.state())) {
      return false;
    }
    spent.put(p.state(), p.createdAt().plus(LIFETIME));
    if (spent.size() > MAX_SPENT) {
      Iterator<String> eldest = spent.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return true;
  }
}
