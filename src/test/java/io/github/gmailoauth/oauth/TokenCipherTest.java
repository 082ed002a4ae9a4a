package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.oauth.TokenCipher.Column;
import io.github.gmailoauth.oauth.TokenCipher.Failure;
import io.github.gmailoauth.oauth.TokenCipher.UndecryptableException;
import io.github.gmailoauth.testing.TestApp;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** AES-256-GCM with the user id and column as associated data, and rotating keys. */
class TokenCipherTest {
  static final TokenCipher A = TokenCipher.fromBase64Keys(TestApp.TOKEN_KEY);
  static final String TOKEN = "1//0gSrt-refresh-token_ü";

  @Test
  void aTokenComesBackForItsUserAndColumn() throws Exception {
    String sealed = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "user-1");
    assertEquals(TOKEN, A.decrypt(A.currentKeyId(), sealed, Column.REFRESH_TOKEN, "user-1"));
    String access = A.encrypt("ya29.access", Column.ACCESS_TOKEN, "user-1");
    assertEquals("ya29.access", A.decrypt(A.currentKeyId(), access, Column.ACCESS_TOKEN, "user-1"));
    assertNull(A.encrypt(null, Column.ACCESS_TOKEN, "user-1"));
    assertNull(A.decrypt(A.currentKeyId(), null, Column.ACCESS_TOKEN, "user-1"));
  }

  @Test
  void theStoredFormIsBase64OfNonceCiphertextAndTagAndNeverTheToken() {
    String sealed = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "user-1");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    assertEquals(
        12 + TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 16, bytes.length);
    assertFalse(sealed.contains("refresh-token"));
    assertFalse(
        new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("refresh-token"));
  }

  @Test
  void twoEncryptionsOfOneTokenDifferInNonceAndCiphertext() {
    String one = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "user-1");
    String two = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "user-1");
    assertNotEquals(one, two);
    byte[] a = Base64.getDecoder().decode(one);
    byte[] b = Base64.getDecoder().decode(two);
    assertFalse(
        java.util.Arrays.equals(java.util.Arrays.copyOf(a, 12), java.util.Arrays.copyOf(b, 12)),
        "a fresh random nonce each time");
  }

  @Test
  void anotherUserOrAnotherColumnDoesNotDecrypt() {
    String sealed = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "user-1");
    assertFailure(
        Failure.AUTHENTICATION_FAILED,
        () -> A.decrypt(A.currentKeyId(), sealed, Column.REFRESH_TOKEN, "user-2"));
    assertFailure(
        Failure.AUTHENTICATION_FAILED,
        () -> A.decrypt(A.currentKeyId(), sealed, Column.REFRESH_TOKEN, "user-1 "));
    assertFailure(
        Failure.AUTHENTICATION_FAILED,
        () -> A.decrypt(A.currentKeyId(), sealed, Column.ACCESS_TOKEN, "user-1"));
  }

  @Test
  void everyFlippedBitOfNonceCiphertextOrTagIsDetected() {
    String sealed = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "user-1");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    for (int i = 0; i < bytes.length; i++) {
      byte[] tampered = bytes.clone();
      tampered[i] ^= 0x01;
      String value = Base64.getEncoder().encodeToString(tampered);
      assertFailure(
          Failure.AUTHENTICATION_FAILED,
          () -> A.decrypt(A.currentKeyId(), value, Column.REFRESH_TOKEN, "user-1"));
    }
    // Truncated, not base64, or no key id at all (a plaintext row).
    String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, 27));
    assertFailure(
        Failure.MALFORMED,
        () -> A.decrypt(A.currentKeyId(), truncated, Column.REFRESH_TOKEN, "user-1"));
    assertFailure(
        Failure.MALFORMED,
        () -> A.decrypt(A.currentKeyId(), "srt-plain*", Column.REFRESH_TOKEN, "user-1"));
    assertFailure(
        Failure.NOT_ENCRYPTED, () -> A.decrypt(null, sealed, Column.REFRESH_TOKEN, "user-1"));
  }

  @Test
  void theFirstKeyEncryptsAndTheOthersStillDecrypt() throws Exception {
    TokenCipher b = TokenCipher.fromBase64Keys(TestApp.OTHER_TOKEN_KEY);
    TokenCipher rotated =
        TokenCipher.fromBase64Keys(TestApp.OTHER_TOKEN_KEY + ", " + TestApp.TOKEN_KEY);
    assertEquals(b.currentKeyId(), rotated.currentKeyId(), "the first key is current");
    String underA = A.encrypt(TOKEN, Column.REFRESH_TOKEN, "u");
    assertEquals(TOKEN, rotated.decrypt(A.currentKeyId(), underA, Column.REFRESH_TOKEN, "u"));
    String underB = rotated.encrypt(TOKEN, Column.REFRESH_TOKEN, "u");
    assertEquals(TOKEN, b.decrypt(b.currentKeyId(), underB, Column.REFRESH_TOKEN, "u"));
    assertFailure(
        Failure.UNKNOWN_KEY_ID,
        () -> A.decrypt(b.currentKeyId(), underB, Column.REFRESH_TOKEN, "u"));
    // The right ciphertext under a key id that names another known key: the tag fails.
    assertFailure(
        Failure.AUTHENTICATION_FAILED,
        () -> rotated.decrypt(b.currentKeyId(), underA, Column.REFRESH_TOKEN, "u"));
  }

  @Test
  void keyIdsAreStableShortDerivedFromTheKeyAndRevealNothingOfIt() {
    String id = A.currentKeyId();
    assertEquals(
        id,
        TokenCipher.fromBase64Keys(TestApp.TOKEN_KEY).currentKeyId(),
        "stable across instances");
    assertNotEquals(id, TokenCipher.fromBase64Keys(TestApp.OTHER_TOKEN_KEY).currentKeyId());
    assertTrue(id.matches("[A-Za-z0-9_-]{11}"), id);
    assertFalse(TestApp.TOKEN_KEY.contains(id));
    // Known answer: guards against an accidental change of label or derivation, which would
    // orphan every stored row.
    assertEquals("Pw-e5VzQBOU", id);
  }

  @Test
  void malformedKeysAreRefusedWithoutQuotingThem() {
    String sixteenBytes = "gs1VNelg73li5tq1w8jy/w==";
    for (String setting :
        new String[] {
          "not*base64!",
          sixteenBytes,
          TestApp.TOKEN_KEY + ",",
          TestApp.TOKEN_KEY + ",%" + TestApp.TOKEN_KEY,
          TestApp.TOKEN_KEY + "," + TestApp.TOKEN_KEY
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TokenCipher.fromBase64Keys(setting));
      for (String part : setting.split(",")) {
        if (!part.isBlank()) {
          assertFalse(e.getMessage().contains(part.strip()), e.getMessage());
        }
      }
      assertNull(e.getCause(), "no cause whose message could quote the key");
    }
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> TokenCipher.fromBase64Keys(sixteenBytes))
            .getMessage()
            .contains("16 bytes"));
  }

  @Test
  void toStringShowsKeyIdsOnly() {
    TokenCipher rotated =
        TokenCipher.fromBase64Keys(TestApp.OTHER_TOKEN_KEY + "," + TestApp.TOKEN_KEY);
    String printed = rotated.toString();
    assertFalse(
        printed.contains(TestApp.TOKEN_KEY) || printed.contains(TestApp.OTHER_TOKEN_KEY), printed);
    assertTrue(printed.contains(A.currentKeyId()), printed);
  }

  private interface Decryption {
    String run() throws UndecryptableException;
  }

  private static void assertFailure(Failure expected, Decryption decryption) {
    UndecryptableException e = assertThrows(UndecryptableException.class, decryption::run);
    assertEquals(expected, e.failure());
  }
}
