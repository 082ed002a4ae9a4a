package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link MediaType#boundary} against Jetty's multipart boundary reader ({@code
 * MultiPart.extractBoundary}, see {@link JettyMultipart}), a parser this project did not write, on
 * Content-Types as RFC 9110 §8.3.1 and RFC 2046 §5.1.1 allow them: any boundary of 1 to 70 bchars,
 * quoted when it must be or at random, the type and the parameter name in any case, other
 * parameters before and after, whitespace around the ';'. Jetty matches the name {@code boundary}
 * in lower case only, where RFC 9110 §5.6.6 makes parameter names case-insensitive: for the other
 * spellings the boundary that was written is the oracle.
 */
class MediaTypeTest {
  /** RFC 2046 §5.1.1 bchars, space included but never last. */
  private static final String BCHARS =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

  /** The bchars that are not RFC 9110 tchars: a boundary with one must be quoted. */
  private static final String NOT_TOKEN = "()/:=?, ";

  record Written(String boundary, String contentType) {}

  @Provide
  Arbitrary<Written> contentTypes() {
    Arbitrary<String> boundary =
        Arbitraries.strings()
            .withChars(BCHARS.toCharArray())
            .ofMinLength(1)
            .ofMaxLength(70)
            .filter(b -> !b.endsWith(" "));
    Arbitrary<String> type =
        Arbitraries.of(
            "multipart/mixed", "Multipart/Mixed", "MULTIPART/MIXED", "multipart/related");
    Arbitrary<String> name = Arbitraries.of("boundary", "Boundary", "BOUNDARY");
    Arbitrary<String> separator = Arbitraries.of(";", "; ", " ;", " ; ", ";\t");
    Arbitrary<String> other =
        Arbitraries.of("", "charset=UTF-8", "type=\"application/http\"", "start=\"<a@b>\"");
    return Combinators.combine(
            boundary, type, name, separator, other, other, Arbitraries.of(true, false))
        .as(
            (b, t, n, sep, before, after, quoteAnyway) -> {
              boolean quoted = quoteAnyway || b.chars().anyMatch(c -> NOT_TOKEN.indexOf(c) >= 0);
              StringBuilder ct = new StringBuilder(t);
              if (!before.isEmpty()) {
                ct.append(sep).append(before);
              }
              ct.append(sep).append(n).append('=').append(quoted ? "\"" + b + "\"" : b);
              if (!after.isEmpty()) {
                ct.append(sep).append(after);
              }
              return new Written(b, ct.toString());
            });
  }

  @Property(tries = 500)
  void readsTheBoundaryAsJettyDoes(@ForAll("contentTypes") Written written) throws IOException {
    if (written.contentType().contains("boundary=")) {
      assertEquals(
          JettyMultipart.boundary(written.contentType()),
          MediaType.boundary(written.contentType()),
          written.contentType());
    }
    assertEquals(
        written.boundary(), MediaType.boundary(written.contentType()), written.contentType());
  }

  /** Outside input of any shape: a boundary or an IOException that does not quote the header. */
  @Property(tries = 500)
  void anythingElseIsReadOrRefusedWithAnIOException(
      @ForAll @StringLength(max = 80) String contentType) {
    String marker = "MARKER-" + contentType;
    try {
      assertFalse(MediaType.boundary(marker + "; boundary=b").isEmpty());
    } catch (IOException refused) {
      assertFalse(refused.getMessage().contains("MARKER"), refused.getMessage());
    }
    try {
      assertFalse(MediaType.boundary(contentType).isEmpty());
    } catch (IOException refused) {
      assertFalse(
          !contentType.isBlank() && refused.getMessage().contains(contentType),
          refused.getMessage());
    }
  }

  @Example
  void noBoundaryNoTypeOrAnEmptyOneIsRefused() {
    for (String contentType :
        new String[] {
          null,
          "",
          "multipart/mixed",
          "multipart/mixed; boundary=",
          "multipart/mixed; boundary=\"\"",
          "application/json; charset=UTF-8",
          "boundary=b"
        }) {
      try {
        MediaType.boundary(contentType);
        throw new AssertionError("read a boundary from " + contentType);
      } catch (IOException expected) {
        assertEquals("Gmail's batch answer is not multipart", expected.getMessage());
      }
    }
  }

  @Example
  void gmailsOwnAnswerType() throws IOException {
    for (String b : List.of("batch_Zm9vYmFy", "batch_abc-123_XYZ")) {
      assertEquals(b, MediaType.boundary("multipart/mixed; boundary=" + b));
    }
  }
}
