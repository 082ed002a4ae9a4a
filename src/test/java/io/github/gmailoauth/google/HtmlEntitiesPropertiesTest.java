package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jsoup.nodes.Entities;
import org.jsoup.parser.Parser;

/**
 * {@link HtmlEntities} against jsoup, an HTML5 entity decoder this project did not write.
 *
 * <p>Where they legitimately differ, the app's documented behaviour is asserted instead: the app
 * decodes only what Gmail puts in snippets (six names and numeric references written with their
 * ';'), where jsoup knows all 2,231 HTML5 names and also decodes some without ';'; and it leaves a
 * reference to NUL, a surrogate or beyond U+10FFFF as it was, where jsoup writes U+FFFD. C1
 * controls (128-159), which HTML5 maps to windows-1252, are out of the compared range too.
 */
class HtmlEntitiesPropertiesTest {
  /** Code points both decoders turn into themselves. */
  static Arbitrary<Integer> decodableCodePoints() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0x20, 0x7E),
        Arbitraries.integers().between(0xA0, 0xD7FF),
        Arbitraries.integers().between(0xE000, 0xFDCF),
        Arbitraries.integers().between(0x10000, 0x10FFFD).filter(cp -> (cp & 0xFFFE) != 0xFFFE));
  }

  @Provide
  Arbitrary<String> snippets() {
    return BatchAnswers.snippet();
  }

  /** Text with no '&' at all: nothing to decode. */
  @Provide
  Arbitrary<String> plainText() {
    return Arbitraries.strings().ofMaxLength(200).map(s -> s.replace('&', '+'));
  }

  /** Text jsoup escapes into references the app decodes (not NUL, which jsoup writes as &#x0;). */
  @Provide
  Arbitrary<String> textWithoutNul() {
    return plainText().map(s -> s.replace('\u0000', ' '));
  }

  @Property(tries = 500)
  void decodesGmailSnippetsAsJsoupDoes(@ForAll("snippets") String snippet) {
    assertEquals(Parser.unescapeEntities(snippet, false), HtmlEntities.decode(snippet), snippet);
  }

  @Property(tries = 300)
  void decodesWhatJsoupEscapesBackToTheTextExactlyOnce(@ForAll("textWithoutNul") String text) {
    String once = Entities.escape(text);
    assertEquals(text, HtmlEntities.decode(once));
    // Escaped twice, decoded once: one layer of escaping is left, nothing more is decoded.
    assertEquals(once, HtmlEntities.decode(Entities.escape(once)));
  }

  @Property(tries = 500)
  void anyStringDecodesWithoutFailureAndNeverGrows(@ForAll String s) {
    String decoded = HtmlEntities.decode(s);
    assertTrue(decoded.length() <= s.length(), s);
  }

  @Property(tries = 200)
  void textWithoutAnAmpersandIsReturnedAsIs(@ForAll("plainText") String text) {
    assertSame(text, HtmlEntities.decode(text));
  }

  @Example
  void referencesJsoupWouldDecodeButGmailNeverSendsAreLeftAsTheyAre() {
    assertEquals(
        "&eacute; &lt &#0; &#xD800; &#x110000;",
        HtmlEntities.decode("&eacute; &lt &#0; &#xD800; &#x110000;"));
  }
}
