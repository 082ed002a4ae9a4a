package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * The pending-sign-in cookie's value comes from the request: whatever a browser (or anyone) sends,
 * {@link CookieSeal#open} answers the bytes this app sealed, or nothing, and never throws.
 */
class CookieSealPropertyTest {
  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final TokenCipher KEYS =
      TokenCipher.fromBase64Keys("4xgBwH1aYsslpsvkbWWj7ozXzOi1yl3SDr1KhRUv2xo=");
  private static final CookieSeal SEAL =
      new CookieSeal(
          KEYS.derivedKeys("test cookie", "AES"),
          "purpose".getBytes(StandardCharsets.US_ASCII),
          PendingAuthorizations.MAX_PLAINTEXT);

  @Property
  void whatIsSealedOpensAsItWas(
      @ForAll @Size(max = PendingAuthorizations.MAX_PLAINTEXT) byte[] plaintext) {
    assertArrayEquals(plaintext, SEAL.open(SEAL.seal(plaintext)));
  }

  @Property
  void anyStringIsNothing(@ForAll @StringLength(max = 4000) String value) {
    assertNull(SEAL.open(value));
  }

  @Property
  void anyBase64urlStringIsNothing(@ForAll("base64url") String value) {
    assertNull(SEAL.open(value));
  }

  @Property
  void oneCharacterChangedNeverOpensToOtherBytes(
      @ForAll @Size(max = 300) byte[] plaintext,
      @ForAll @IntRange(max = 100_000) int where,
      @ForAll("base64urlCharacter") char replacement) {
    String sealed = SEAL.seal(plaintext);
    int i = where % sealed.length();
    byte[] opened = SEAL.open(sealed.substring(0, i) + replacement + sealed.substring(i + 1));
    // The same bytes only when the change fell on bits base64 leaves unused, or changed nothing.
    assertTrue(opened == null || Arrays.equals(opened, plaintext));
  }

  @Property
  void aValueSealedForAnotherPurposeOrUnderAnotherKeyIsNothing(
      @ForAll @Size(max = 300) byte[] plaintext) {
    CookieSeal otherPurpose =
        new CookieSeal(
            KEYS.derivedKeys("test cookie", "AES"),
            "another purpose".getBytes(StandardCharsets.US_ASCII),
            PendingAuthorizations.MAX_PLAINTEXT);
    CookieSeal otherKey =
        new CookieSeal(
            KEYS.derivedKeys("another cookie", "AES"),
            "purpose".getBytes(StandardCharsets.US_ASCII),
            PendingAuthorizations.MAX_PLAINTEXT);
    assertNull(SEAL.open(otherPurpose.seal(plaintext)));
    assertNull(SEAL.open(otherKey.seal(plaintext)));
  }

  @Provide
  Arbitrary<String> base64url() {
    return Arbitraries.strings()
        .withChars(BASE64URL.toCharArray())
        .ofMinLength(0)
        .ofMaxLength(3600);
  }

  @Provide
  Arbitrary<Character> base64urlCharacter() {
    return Arbitraries.of(BASE64URL.chars().mapToObj(c -> (char) c).toList());
  }
}
