package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The URL that carries a place in the message list: what it accepts, what it refuses, and how the
 * trail of earlier pages stays bounded. (MessagesPageTest checks the same over HTTP.)
 */
class ListingTest {

  /** Parses the query of {@code href} as the servlet container would. */
  private static Listing parse(String href) throws Listing.Invalid {
    Map<String, String> params = new HashMap<>();
    String raw = URI.create("http://x" + href).getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        params.putIfAbsent(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Listing.parse(params::get);
  }

  @Test
  void defaultsAreLeftOutOfLinksAndEveryValueIsEncoded() throws Exception {
    Listing first = parse("/messages");
    assertEquals(new Listing(Filter.INBOX, "", 25, null, List.of(), 1), first);
    assertEquals("/messages", first.href());
    Listing searched = parse("/messages?label=starred&q=" + "from%3Aada+%22a%26b%22" + "&size=50");
    assertEquals("/messages?label=starred&q=from%3Aada+%22a%26b%22&size=50", searched.href());
    assertEquals("from:ada \"a&b\"", searched.query());
  }

  @Test
  void unknownFiltersAndPageSizesAreTheDefaults() throws Exception {
    for (String label : List.of("INBOX", "trash", "%3Cscript%3E", "", "all%00")) {
      assertEquals(Filter.INBOX, parse("/messages?label=" + label).filter(), label);
    }
    for (String size : List.of("7", "1000", "-25", "025", "50.0", "%3Cb%3E", "")) {
      assertEquals(25, parse("/messages?size=" + size).pageSize(), size);
    }
    assertEquals(100, parse("/messages?size=100").pageSize());
    assertEquals(Filter.ALL, parse("/messages?label=all").filter());
  }

  @Test
  void malformedTokensTrailsAndSearchesAreRefused() {
    String good = "AbC-_.=9";
    List<String> refused =
        List.of(
            "/messages?pageToken=%3Cscript%3E",
            "/messages?pageToken=" + "a".repeat(257),
            "/messages?pageToken=" + good + "&trail=ok+%3Cscript%3E",
            "/messages?pageToken=" + good + "&trail=ok++double-space",
            "/messages?pageToken=" + good + "&trail=trailing+",
            "/messages?pageToken=" + good + "&trail=" + "t+".repeat(50) + "t",
            "/messages?pageToken=" + good + "&trail=" + "a".repeat(1501),
            "/messages?q=" + "x".repeat(501));
    for (String href : refused) {
      assertThrows(Listing.Invalid.class, () -> parse(href), href);
    }
  }

  @Test
  void aTrailWithoutATokenIsIgnored() throws Exception {
    Listing first = parse("/messages?trail=a+b&page=9");
    assertTrue(first.isFirstPage());
    assertEquals(List.of(), first.trail());
    assertEquals(1, first.page());
  }

  @Test
  void nextAndPreviousWalkTheTrailBothWays() throws Exception {
    Listing page = parse("/messages?label=sent&q=x&size=50");
    List<Listing> forward = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      forward.add(page);
      page = parse(page.next("T" + i).href()); // through its URL, as the browser does
    }
    assertEquals("/messages?label=sent&q=x&size=50&pageToken=T5&trail=T1+T2+T3+T4", page.href());
    assertEquals(6, page.page());
    for (int i = 4; i >= 0; i--) {
      page = parse(page.previous().href());
      assertEquals(forward.get(i), page);
    }
    assertNull(page.previous(), "nothing before the first page");
  }

  @Test
  void theTrailKeepsAtMostFiftyPagesAndTheFirstPageStaysReachable() throws Exception {
    Listing page = parse("/messages");
    for (int i = 1; i <= 60; i++) {
      page = parse(page.next("token" + i).href());
      assertTrue(page.trail().size() <= Listing.MAX_TRAIL);
    }
    assertEquals(61, page.page());
    assertEquals(50, page.trail().size());
    assertEquals("token10", page.trail().get(0), "the oldest were dropped");
    assertTrue(
        page.href().contains("&page=61"), "the page number says the trail was cut: " + page.href());
    for (int i = 0; i < 50; i++) {
      page = parse(page.previous().href());
    }
    assertEquals(11, page.page());
    assertEquals("token10", page.pageToken());
    assertNull(page.previous(), "the token of page 10 is gone");
    assertEquals("/messages", page.first().href());
  }

  @Test
  void longTokensAreDroppedByLengthToo() throws Exception {
    Listing page = parse("/messages");
    for (int i = 0; i < 20; i++) {
      page = parse(page.next(Character.toString('a' + i).repeat(256)).href());
      assertTrue(String.join(" ", page.trail()).length() <= Listing.MAX_TRAIL_CHARS);
      assertTrue(page.href().length() < 2000, page.href().length() + "");
    }
    assertEquals(5, page.trail().size(), "five 256-character tokens fit in 1,500 characters");
  }

  @Test
  void aPageNumberThatDoesNotFitTheTrailIsRecomputed() throws Exception {
    assertEquals(4, parse("/messages?pageToken=c&trail=a+b").page());
    assertEquals(
        4,
        parse("/messages?pageToken=c&trail=a+b&page=2").page(),
        "never less than the trail shows");
    assertEquals(4, parse("/messages?pageToken=c&trail=a+b&page=x").page());
    assertEquals(90, parse("/messages?pageToken=c&trail=a+b&page=90").page());
    assertEquals(
        4,
        parse("/messages?pageToken=c&trail=a+b&page=99999999").page(),
        "eight digits are not ours");
  }
}
