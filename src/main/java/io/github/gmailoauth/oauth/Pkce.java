package io.github.gmailoauth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random values for one authorization request: the {@code state} and the PKCE verifier.
 *
 * <p>PKCE is done by hand because {@code GoogleAuthorizationCodeFlow} overrides the methods that
 * {@code enablePKCE()} relies on, so the library's switch is a no-op. RFC 7636 §4.1-4.2: the
 * verifier is 43-128 characters of unreserved URL characters; S256 sends
 * BASE64URL(SHA-256(ASCII(verifier))) and never {@code plain}.
 */
final class Pkce {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Pkce() {}

  /** 256 random bits, base64url without padding: 43 characters. */
  static String random256() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return URL.encodeToString(bytes);
  }

  static String s256Challenge(String verifier) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return URL.encodeToString(sha256.digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
