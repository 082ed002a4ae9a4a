package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The Gmail scope check reads the {@code scope} of Google's token answer (outside input: space
 * separated, case-sensitive, RFC 6749 §3.3). Its oracle is a set model: granted exactly when every
 * required Gmail scope is one of the answer's words, whatever their order, repetitions and spacing,
 * and never for a word that merely resembles one.
 */
class GmailPermissionPropertiesTest {
  private static final String READONLY = "https://www.googleapis.com/auth/gmail.readonly";
  private static final String EMAIL = "https://www.googleapis.com/auth/userinfo.email";
  private static final String PROFILE = "https://www.googleapis.com/auth/userinfo.profile";
  private static final String FULL = "https://mail.google.com/";

  /** Words an answer may hold: the real scopes and near misses of the Gmail ones. */
  private static final List<String> WORDS =
      List.of(
          READONLY,
          EMAIL,
          PROFILE,
          FULL,
          "openid",
          READONLY.toUpperCase(),
          READONLY + "x",
          READONLY.substring(0, READONLY.length() - 1),
          "https://mail.google.com",
          "https://www.googleapis.com/auth/gmail.modify");

  private final GmailPermission permission = new GmailPermission(List.of(READONLY, EMAIL, PROFILE));

  @Property(tries = 2000)
  void grantedExactlyWhenTheAnswerNamesEveryRequiredGmailScope(
      @ForAll("answers") List<String> words, @ForAll("spaces") List<String> spaces) {
    // Words separated by one or more SP, with SP before and after at times (lenient to a sloppy
    // server: the RFC asks for single spaces).
    StringBuilder answer = new StringBuilder(spaces.get(0).substring(1));
    for (int i = 0; i < words.size(); i++) {
      answer.append(i == 0 ? "" : spaces.get(i % spaces.size())).append(words.get(i));
    }
    answer.append(spaces.get(spaces.size() - 1).substring(1));
    Set<String> granted = new HashSet<>(words);
    assertEquals(
        granted.contains(READONLY), permission.isGranted(answer.toString()), answer.toString());
  }

  @Provide
  Arbitrary<List<String>> answers() {
    return Arbitraries.of(WORDS).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<String>> spaces() {
    return Arbitraries.of(" ", "  ", "   ").list().ofMinSize(1).ofMaxSize(5);
  }

  @Example
  void onlyTheConfiguredGmailScopesAreRequired() {
    assertTrue(
        permission.isGranted(READONLY), "userinfo scopes unticked: mail can still be listed");
    assertFalse(permission.isGranted(EMAIL + " " + PROFILE));
    assertFalse(permission.isGranted(null), "an answer without scope");
    assertFalse(permission.isGranted(""));
    GmailPermission full = new GmailPermission(List.of(FULL, EMAIL));
    assertTrue(full.isGranted(EMAIL + " " + FULL));
    assertFalse(
        full.isGranted(READONLY + " " + EMAIL), "gmail.readonly does not stand in for full access");
    assertTrue(
        new GmailPermission(List.of(EMAIL)).isGranted(null),
        "nothing of Gmail asked, nothing required");
  }
}
