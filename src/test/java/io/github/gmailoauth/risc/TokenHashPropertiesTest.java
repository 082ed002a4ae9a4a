package io.github.gmailoauth.risc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RiscTransmitter;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The one piece of an event read by hand: the {@code hash_base64_sha512_sha512} identifier of a
 * revoked token. Any string either decodes to 64 bytes or is refused (null), never throws; every
 * base64 spelling of 64 bytes decodes back to them; a token matches its own identifier, as the
 * stand-in (and Google) computes it, and no other token's.
 */
class TokenHashPropertiesTest {
  @Property
  void anyStringDecodesToSixtyFourBytesOrIsRefused(@ForAll("identifiers") String identifier) {
    byte[] bytes = TokenHash.parse(identifier);
    assertTrue(bytes == null || bytes.length == TokenHash.BYTES, identifier);
    if (bytes != null) {
      assertTrue(identifier.length() <= TokenHash.MAX_CHARS);
    }
  }

  @Property
  void everyBase64SpellingOfSixtyFourBytesDecodesToThem(@ForAll @Size(64) byte[] bytes) {
    for (String spelling :
        new String[] {
          Base64.getEncoder().encodeToString(bytes),
          Base64.getEncoder().withoutPadding().encodeToString(bytes),
          Base64.getUrlEncoder().encodeToString(bytes),
          Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
        }) {
      assertArrayEquals(bytes, TokenHash.parse(spelling), spelling);
    }
  }

  @Property
  void otherLengthsAreRefused(@ForAll @Size(max = 80) byte[] bytes) {
    if (bytes.length != TokenHash.BYTES) {
      assertNull(TokenHash.parse(Base64.getEncoder().encodeToString(bytes)));
    }
  }

  @Property
  void aTokenMatchesItsOwnIdentifierOnly(@ForAll String token, @ForAll String other) {
    byte[] hash = TokenHash.parse(RiscTransmitter.hashBase64Sha512Sha512(token));
    assertTrue(TokenHash.matches(hash, token));
    assertEquals(token.equals(other), TokenHash.matches(hash, other));
    assertFalse(TokenHash.matches(hash, token + "x"));
  }

  @Provide
  Arbitrary<String> identifiers() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("ABCabc019+/-_=").ofMinLength(80).ofMaxLength(100),
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMinSize(60)
            .ofMaxSize(70)
            .map(b -> Base64.getEncoder().encodeToString(b) + "=="));
  }
}
