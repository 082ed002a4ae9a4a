package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.util.escape.PercentEscaper;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link PercentEncoding} against encoders this project did not write: the client library's {@link
 * PercentEscaper} with RFC 3986's unreserved characters as the only safe ones, the JDK's form
 * encoder {@link URLEncoder} with its three documented differences undone, and the JDK's RFC
 * 2396/3986 parser {@link URI}, which must read every encoded value back as it was.
 */
class PercentEncodingTest {
  private static final PercentEscaper UNRESERVED = new PercentEscaper("-_.~");

  /** Well-formed text: every code point but the surrogates, with ASCII (all the specials) often. */
  @Provide
  Arbitrary<String> text() {
    Arbitrary<Integer> codePoint =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 0x7F)),
            Tuple.of(
                1,
                Arbitraries.integers()
                    .between(0x80, 0x10FFFF)
                    .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
    return codePoint
        .list()
        .ofMaxSize(40)
        .map(
            cps -> {
              StringBuilder s = new StringBuilder();
              cps.forEach(s::appendCodePoint);
              return s.toString();
            });
  }

  /** Any chars at all, lone surrogates included: what a hostile request can make of a String. */
  @Provide
  Arbitrary<String> anyChars() {
    return Arbitraries.strings().all().ofMaxLength(40);
  }

  @Property(tries = 500)
  void writesWhatTheLibrarysEscaperWrites(@ForAll("text") String value) {
    assertEquals(UNRESERVED.escape(value), PercentEncoding.encode(value), value);
  }

  @Property(tries = 500)
  void isTheJdksFormEncodingWithSpaceStarAndTildeAsRfc3986WritesThem(
      @ForAll("anyChars") String value) {
    // URLEncoder keeps '*' and writes ' ' as '+' and '~' as %7E; a literal '+' is %2B, so each
    // '+' left in its output is a space.
    String form =
        URLEncoder.encode(value, StandardCharsets.UTF_8)
            .replace("+", "%20")
            .replace("*", "%2A")
            .replace("%7E", "~");
    assertEquals(form, PercentEncoding.encode(value));
  }

  @Property(tries = 500)
  void aQueryValueReadsBackAsItWasAndNeverSplitsTheQuery(@ForAll("text") String value) {
    String encoded = PercentEncoding.encode(value);
    assertTrue(encoded.matches("([A-Za-z0-9._~-]|%[0-9A-F]{2})*"), encoded);
    URI uri =
        URI.create(
            "https://gmail.example/gmail/v1/users/me/messages?q=" + encoded + "&maxResults=1");
    assertEquals("q=" + value + "&maxResults=1", uri.getQuery());
    assertEquals(value, URLDecoder.decode(encoded, StandardCharsets.UTF_8));
  }

  @Property(tries = 200)
  void aPathSegmentReadsBackAsOneSegment(@ForAll("text") String id) {
    String encoded = PercentEncoding.encode(id);
    URI uri =
        URI.create(
            "https://gmail.example/gmail/v1/users/me/messages/" + encoded + "?format=metadata");
    assertEquals("/gmail/v1/users/me/messages/" + encoded, uri.getRawPath());
    assertEquals("/gmail/v1/users/me/messages/" + id, uri.getPath());
    assertEquals("format=metadata", uri.getQuery());
  }

  /**
   * Why it is written here and not delegated to {@link PercentEscaper}: a lone surrogate (which a
   * request can carry) makes the library throw, where this encoder writes UTF-8's replacement.
   */
  @Example
  void aLoneSurrogateIsWrittenAsAReplacementWhereTheLibraryThrows() {
    assertEquals("a%3Fb", PercentEncoding.encode("a\uD800b"));
    assertEquals("%3F", PercentEncoding.encode("\uDC00"));
    assertThrows(IllegalArgumentException.class, () -> UNRESERVED.escape("a\uD800b"));
  }

  @Example
  void spacePlusAndTheQuerySeparatorsAreAllEncoded() {
    assertEquals(
        "from%3Aann%20%2B1%20%26%20x%3Dy%20%23z%2F%3F~._-",
        PercentEncoding.encode("from:ann +1 & x=y #z/?~._-"));
    assertEquals("%C3%A9%F0%9F%93%A7", PercentEncoding.encode("é📧"));
  }
}
