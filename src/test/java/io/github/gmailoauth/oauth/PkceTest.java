package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Pkce} against RFC 7636 and against Nimbus OAuth 2.0 SDK's own S256 (a library we did not
 * write).
 */
class PkceTest {
  /** RFC 7636 §4.1: unreserved URI characters. */
  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  @Test
  void s256MatchesTheTestVectorOfRfc7636AppendixB() {
    assertEquals(
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        Pkce.s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
  }

  @Test
  void aRandomValueIs256BitsAsA43CharacterVerifier() {
    String value = Pkce.random256();
    assertEquals(43, value.length()); // RFC 7636 §4.1: at least 43 characters
    assertTrue(value.chars().allMatch(c -> UNRESERVED.indexOf(c) >= 0), value);
    assertEquals(32, Base64.getUrlDecoder().decode(value).length);
    assertNotEquals(value, Pkce.random256());
  }

  @Property
  void s256AgreesWithNimbusForEveryValidVerifier(@ForAll("verifiers") String verifier) {
    assertEquals(
        CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier)).getValue(),
        Pkce.s256Challenge(verifier));
  }

  @Provide
  Arbitrary<String> verifiers() {
    return Arbitraries.strings()
        .withChars(UNRESERVED.toCharArray())
        .ofMinLength(43)
        .ofMaxLength(128);
  }
}
