package io.github.gmailoauth.oauth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the tokens kept in the grants table with AES-256-GCM from the JDK (NIST SP 800-38D,
 * https://csrc.nist.gov/pubs/sp/800/38/d/final), so that a copy of the database, a backup or a
 * stray H2 file does not hand out anyone's Gmail.
 *
 * <p>A stored value is {@code base64(nonce || ciphertext || tag)}: a fresh random 96-bit nonce per
 * encryption (the length SP 800-38D §8.2.2 recommends; random nonces keep well inside its 2^32
 * limit per key at this table's write rate) and the JDK's 128-bit tag. The associated data is
 * {@code column + "|" + userId}, so a ciphertext copied into another user's row, or from the
 * access-token column into the refresh-token column, fails to decrypt instead of being accepted.
 *
 * <p>Keys rotate: the cipher holds several keys, the first one is current and encrypts every new
 * write, the others still decrypt rows written under them. Each row stores the id of its key: the
 * first 8 bytes of SHA-256 over a fixed label and the key, base64url (11 characters). The id is a
 * stable name for the key that reveals nothing usable about it.
 *
 * <p>No method, message or {@code toString()} ever contains key material or a token.
 */
public final class TokenCipher {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final byte[] KEY_ID_LABEL =
      "gmail-oauth-webapp token key id v1\0".getBytes(StandardCharsets.US_ASCII);

  /** The token columns; the name is part of the associated data. */
  public enum Column {
    REFRESH_TOKEN("refresh_token"),
    ACCESS_TOKEN("access_token");

    private final String sqlName;

    Column(String sqlName) {
      this.sqlName = sqlName;
    }
  }

  /** Why a stored value did not decrypt; safe to log (it never carries the value). */
  public enum Failure {
    /** The row has no key id: plaintext from before encryption, never accepted as a token. */
    NOT_ENCRYPTED,
    /** The row's key id names no configured key (a retired key, or a forged id). */
    UNKNOWN_KEY_ID,
    /** Not base64, or too short to hold a nonce and a tag. */
    MALFORMED,
    /** GCM's tag did not verify: tampered, wrong key, or moved to another user or column. */
    AUTHENTICATION_FAILED
  }

  /** A stored value that cannot be turned back into a token. */
  public static final class UndecryptableException extends Exception {
    private final Failure failure;

    UndecryptableException(Failure failure) {
      super(failure.name(), null, false, false);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  private final Map<String, SecretKey> keys;
  private final String currentKeyId;
  private final SecureRandom random;

  private TokenCipher(Map<String, SecretKey> keys, SecureRandom random) {
    this.keys = Collections.unmodifiableMap(keys);
    this.currentKeyId = keys.keySet().iterator().next();
    this.random = random;
  }

  /**
   * Parses the key setting: base64 (RFC 4648 §4) keys of 32 bytes each, comma-separated, the
   * current one first.
   *
   * @throws IllegalArgumentException when a key is malformed; the message says which one by
   *     position and why, and never quotes the setting
   */
  public static TokenCipher fromBase64Keys(String setting) {
    Objects.requireNonNull(setting, "setting");
    String[] parts = setting.split(",", -1);
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String where = parts.length == 1 ? "the key" : "key " + (i + 1) + " of " + parts.length;
      String part = parts[i].strip();
      if (part.isEmpty()) {
        throw new IllegalArgumentException(where + " is empty");
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(part);
      } catch (IllegalArgumentException e) {
        // The decoder's message quotes the offending character; it must not reach a log.
        throw new IllegalArgumentException(where + " is not base64");
      }
      try {
        if (raw.length != KEY_BYTES) {
          throw new IllegalArgumentException(
              where
                  + " is "
                  + raw.length
                  + " bytes; AES-256 needs "
                  + KEY_BYTES
                  + " (e.g. `openssl rand -base64 32`)");
        }
        String id = keyId(raw);
        if (keys.containsKey(id)) {
          throw new IllegalArgumentException(where + " repeats an earlier key");
        }
        keys.put(id, new SecretKeySpec(raw, "AES")); // SecretKeySpec keeps its own copy
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    }
    return new TokenCipher(keys, new SecureRandom());
  }

  /**
   * Keys for another purpose than the tokens, one derived from each token key with HKDF-SHA256 (RFC
   * 5869) under {@code info}, the current key's first: every node with the same setting derives the
   * same keys, a derived key reveals nothing of its token key, and each {@code info} gives keys
   * unrelated to those of any other (§3.2). While the token keys rotate, a value made under the
   * previous key is still recognised.
   *
   * @param algorithm the JCA name the keys are for, e.g. "AES" or "HmacSHA256"
   */
  public List<SecretKey> derivedKeys(String info, String algorithm) {
    List<SecretKey> derived = new ArrayList<>();
    for (SecretKey key : keys.values()) {
      byte[] raw = key.getEncoded();
      byte[] okm = Hkdf.sha256(null, raw, info.getBytes(StandardCharsets.UTF_8), KEY_BYTES);
      try {
        derived.add(new SecretKeySpec(okm, algorithm));
      } finally {
        Arrays.fill(raw, (byte) 0);
        Arrays.fill(okm, (byte) 0);
      }
    }
    return List.copyOf(derived);
  }

  /** The id of the key new writes use. */
  public String currentKeyId() {
    return currentKeyId;
  }

  /**
   * One Cipher object per thread, set up afresh by init() for every value (a new random nonce each
   * time): looking the transformation up for every token cost more than the decryption.
   */
  private static final ThreadLocal<Cipher> CIPHERS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance(TRANSFORMATION);
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("AES-GCM is not available", e);
            }
          });

  /** Encrypts {@code token} under the current key for one user's column; null stays null. */
  public String encrypt(String token, Column column, String userId) {
    if (token == null) {
      return null;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(column, userId));
      byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      // Every Java SE runtime must provide AES/GCM/NoPadding; this is a broken JDK, not bad input.
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Decrypts a value stored under {@code keyId} for one user's column; null stays null (a column
   * with no token, e.g. no cached access token).
   */
  public String decrypt(String keyId, String stored, Column column, String userId)
      throws UndecryptableException {
    if (stored == null) {
      return null;
    }
    if (keyId == null) {
      throw new UndecryptableException(Failure.NOT_ENCRYPTED);
    }
    SecretKey key = keys.get(keyId);
    if (key == null) {
      throw new UndecryptableException(Failure.UNKNOWN_KEY_ID);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(stored);
    } catch (IllegalArgumentException e) {
      throw new UndecryptableException(Failure.MALFORMED);
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UndecryptableException(Failure.MALFORMED);
    }
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData(column, userId));
      byte[] token = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return new String(token, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new UndecryptableException(Failure.AUTHENTICATION_FAILED);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The column name cannot contain '|', so column and user id are unambiguous in the AAD. */
  private static byte[] associatedData(Column column, String userId) {
    Objects.requireNonNull(userId, "userId");
    return (column.sqlName + "|" + userId).getBytes(StandardCharsets.UTF_8);
  }

  private static String keyId(byte[] key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(KEY_ID_LABEL);
      byte[] digest = sha256.digest(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Key ids only; never a key. */
  @Override
  public String toString() {
    return "TokenCipher[AES-256-GCM, currentKeyId="
        + currentKeyId
        + ", keyIds="
        + keys.keySet()
        + "]";
  }
}
