package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.eclipse.jetty.util.MultiMap;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * {@link Listing}, the place in the message list carried by a URL, with Jetty's own query decoder
 * ({@link UrlEncoded}, what the container uses for request parameters) as the oracle for the links
 * the app writes: any place reached by following "next" and "previous" links reads back as itself,
 * and the trail of earlier pages stays within its bounds.
 */
class ListingPropertiesTest {
  /** Gmail's page tokens (digits, in practice) and the URL-safe superset the app accepts. */
  private static final Arbitrary<String> TOKENS =
      Arbitraries.oneOf(
          Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20),
          Arbitraries.strings().withChars("ABCXYZabcxyz0189_-.=").ofMinLength(1).ofMaxLength(256));

  /** Steps of a walk: a token is "next" (Gmail gave that token), null is "previous". */
  @Provide
  Arbitrary<List<String>> walks() {
    return Arbitraries.oneOf(TOKENS, Arbitraries.just((String) null)).list().ofMaxSize(120);
  }

  /** What a person may type as a search: any well-formed text up to the limit, already stripped. */
  @Provide
  Arbitrary<String> searches() {
    // A lone surrogate is not text (a browser sends U+FFFD for it): replaced, not filtered out.
    return Arbitraries.strings()
        .ofMaxLength(Listing.MAX_QUERY)
        .map(
            s ->
                s.codePoints()
                    .map(cp -> cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp)
                    .collect(
                        StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                    .toString()
                    .strip());
  }

  @Property(tries = 150)
  void everyPlaceReachedByLinksReadsBackAsItselfAndKeepsItsBounds(
      @ForAll("searches") String query, @ForAll("walks") List<String> walk) throws Listing.Invalid {
    Listing place = new Listing(Filter.STARRED, query, 50, null, List.of(), 1);
    for (String step : walk) {
      Listing next = step == null ? place.previous() : place.next(step);
      if (next == null) {
        // Only the first page, or a page whose predecessor the cut trail no longer knows.
        assertTrue(place.isFirstPage() || place.trail().isEmpty(), place.toString());
        continue;
      }
      place = next;
      assertTrue(place.trail().size() <= Listing.MAX_TRAIL);
      assertTrue(String.join(" ", place.trail()).length() <= Listing.MAX_TRAIL_CHARS);
      assertTrue(
          place.isFirstPage() ? place.page() == 1 : place.page() >= place.trail().size() + 2);
      assertEquals(place, readBack(place.href()));
    }
  }

  @Property(tries = 300)
  void previousUndoesNextWhileTheTrailIsNotCut(
      @ForAll("walks") List<String> walk, @ForAll("tokens") String token) throws Listing.Invalid {
    Listing place = new Listing(Filter.INBOX, "", 25, null, List.of(), 1);
    for (String step : walk) {
      if (step != null) {
        place = place.next(step);
      }
    }
    Listing next = place.next(token);
    boolean cut = next.trail().size() < place.trail().size() + (place.isFirstPage() ? 0 : 1);
    if (!cut) {
      assertEquals(place, next.previous());
    }
    assertNotNull(readBack(next.href()));
  }

  @Provide
  Arbitrary<String> tokens() {
    return TOKENS;
  }

  /** Anything at all as parameters: a Listing or {@link Listing.Invalid}, nothing else. */
  @Property(tries = 500)
  void anyParametersGiveAListingOrInvalid(@ForAll("params") Map<String, String> params) {
    try {
      Listing l = Listing.parse(params::get);
      assertTrue(l.query().length() <= Listing.MAX_QUERY);
      assertTrue(l.pageToken() == null || Listing.PAGE_TOKEN.matcher(l.pageToken()).matches());
      assertTrue(Listing.PAGE_SIZES.contains(l.pageSize()));
      assertTrue(l.page() >= 1 && l.page() <= 9_999_999);
    } catch (Listing.Invalid refused) {
      assertNotNull(refused.getMessage());
    }
  }

  @Provide
  Arbitrary<Map<String, String>> params() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(600),
            TOKENS,
            TOKENS.list().ofMaxSize(60).map(l -> String.join(" ", l)),
            Arbitraries.integers().map(String::valueOf));
    return Arbitraries.maps(
            Arbitraries.of("label", "q", "size", "pageToken", "trail", "page", "other"), value)
        .ofMaxSize(7);
  }

  @Property(tries = 200)
  void aTrailTooLongOrWithABadTokenIsRefused(
      @ForAll @Size(min = 51, max = 80)
          List<
                  @net.jqwik.api.constraints.NumericChars
                  @net.jqwik.api.constraints.StringLength(min = 1, max = 5) String>
              trail) {
    Map<String, String> params = Map.of("pageToken", "123", "trail", String.join(" ", trail));
    try {
      Listing.parse(params::get);
      throw new AssertionError("a trail of " + trail.size() + " tokens was accepted");
    } catch (Listing.Invalid expected) {
      assertNotNull(expected.getMessage());
    }
  }

  /** The link's query read back as Jetty reads request parameters (first value of each). */
  private static Listing readBack(String href) throws Listing.Invalid {
    String rawQuery = URI.create("http://app.example" + href).getRawQuery();
    MultiMap<String> params = new MultiMap<>();
    if (rawQuery != null) {
      UrlEncoded.decodeUtf8To(rawQuery, params);
    }
    return Listing.parse(params::getValue);
  }
}
