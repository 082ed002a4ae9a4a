package io.github.gmailoauth.oauth;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869): turns one strong key into independent keys, one per purpose
 * ({@code info}), so that the cookie keys and the session-binding key never equal the token key or
 * each other (§3.2).
 *
 * <p>Written here rather than taken from a library: Java 17 has HMAC-SHA256 but no HKDF (the JDK's
 * KDF API arrived in Java 24), and the well-kept library that has it, Bouncy Castle, would add a
 * 10.3 MB jar (bcprov-jdk18on 1.85, measured) to the WAR for these twenty lines. HkdfTest checks
 * this against the RFC's own test vectors (Appendix A.1 to A.3).
 */
final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_LENGTH = 32;

  private Hkdf() {}

  /**
   * HKDF-Extract then HKDF-Expand (§2.2, §2.3): {@code length} bytes of output keying material.
   *
   * @param salt optional (null or empty means HashLen zero bytes, §2.2)
   */
  static byte[] sha256(byte[] salt, byte[] inputKey, byte[] info, int length) {
    if (length < 1 || length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException("HKDF-SHA256 yields 1 to " + 255 * HASH_LENGTH + " bytes");
    }
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(
          new SecretKeySpec(salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt, HMAC));
      byte[] pseudoRandomKey = mac.doFinal(inputKey);
      mac.init(new SecretKeySpec(pseudoRandomKey, HMAC));
      byte[] output = new byte[length];
      byte[] block = new byte[0];
      for (int i = 1, done = 0; done < length; i++) {
        // T(i) = HMAC-Hash(PRK, T(i-1) | info | i)
        mac.update(block);
        mac.update(info);
        mac.update((byte) i);
        block = mac.doFinal();
        int n = Math.min(block.length, length - done);
        System.arraycopy(block, 0, output, done, n);
        done += n;
      }
      return output;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has HmacSHA256", e);
    }
  }
}
