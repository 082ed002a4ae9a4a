package io.github.gmailoauth.oauth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals bytes into a cookie value that only this app (any of its nodes) can read and that nobody
 * can alter unnoticed: AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit nonce, written
 * {@code base64url(nonce || ciphertext || tag)} without padding, which is all cookie-safe
 * characters (RFC 6265 §4.1.1). The first key seals; every key opens, so a value sealed just before
 * a key rotation still opens after it.
 */
final class CookieSeal {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<SecretKey> keys;
  private final byte[] associatedData;
  private final int maxValueLength;

  /**
   * @param associatedData what the value is for; a value sealed for another purpose fails to open
   * @param maxPlaintext the most {@link #seal} is given; longer cookie values are not even decoded
   */
  CookieSeal(List<SecretKey> keys, byte[] associatedData, int maxPlaintext) {
    this.keys = List.copyOf(keys);
    this.associatedData = associatedData.clone();
    this.maxValueLength = (int) Math.ceil((NONCE_BYTES + maxPlaintext + TAG_BITS / 8) * 4 / 3.0);
  }

  String seal(byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plaintext);
      return ENCODER.encodeToString(
          ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The bytes sealed in {@code value}; null when it is malformed, too long, altered or not ours.
   */
  byte[] open(String value) {
    if (value == null || value.isEmpty() || value.length() > maxValueLength) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      return null;
    }
    for (SecretKey key : keys) {
      try {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
            Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
        cipher.updateAAD(associatedData);
        return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      } catch (AEADBadTagException e) {
        // not sealed under this key: try the next
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM is not available", e);
      }
    }
    return null;
  }
}
