package io.github.gmailoauth.risc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Google's {@code hash_base64_sha512_sha512} token identifier: the token hashed with SHA-512, that
 * digest hashed with SHA-512 again, and base64-encoded. The one piece of an event read by hand: the
 * identifier is decoded once here (standard or URL-safe alphabet, padding optional, at most {@link
 * #MAX_CHARS} characters) and compared with a stored token's hash in constant time.
 */
final class TokenHash {
  static final String ALGORITHM = "hash_base64_sha512_sha512";
  static final int BYTES = 64;

  /** 64 bytes are 88 base64 characters with padding; anything much longer is not an identifier. */
  static final int MAX_CHARS = 100;

  private TokenHash() {}

  /** The 64 bytes {@code identifier} encodes, or null when it is not such an identifier. */
  static byte[] parse(String identifier) {
    if (identifier == null || identifier.isEmpty() || identifier.length() > MAX_CHARS) {
      return null;
    }
    boolean urlSafe = identifier.indexOf('-') >= 0 || identifier.indexOf('_') >= 0;
    byte[] bytes;
    try {
      bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(identifier);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    return bytes.length == BYTES ? bytes : null;
  }

  /** The identifier of {@code token}, as bytes. */
  static byte[] of(String token) {
    try {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      byte[] once = sha512.digest(token.getBytes(StandardCharsets.UTF_8));
      return sha512.digest(once);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-512", e);
    }
  }

  /** Whether {@code token} has the identifier {@code hash}, in constant time. */
  static boolean matches(byte[] hash, String token) {
    return MessageDigest.isEqual(hash, of(token));
  }
}
