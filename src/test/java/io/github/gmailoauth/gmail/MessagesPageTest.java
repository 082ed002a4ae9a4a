package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The message list page as a person uses it: quick filters, search, page sizes, next and previous
 * through the trail of page tokens in the URL, counts, dates, the empty, error and busy states
 * (what the markup and the stylesheet promise: {@link MessagesPageMarkupTest}). Real HTTP against
 * the stand-in Gmail, whose recorded requests show what reached Google.
 */
@AppWithGoogle(signedIn = true)
class MessagesPageTest {
  private static final String LIST = "/gmail/v1/users/me/messages";

  /** A date older than anything in the seed mailbox, so added messages come after it. */
  private static final Instant LONG_AGO = Instant.parse("2001-01-01T12:00:00Z");

  TestApp app;
  Browser browser;

  // ---------------------------------------------------------------------------------------------
  // Quick filters

  @Test
  void eachQuickFilterAsksGmailForItsLabelAndShowsWhichIsCurrent() throws Exception {
    Map<String, String> labels = new HashMap<>();
    labels.put("inbox", "INBOX");
    labels.put("unread", "UNREAD");
    labels.put("starred", "STARRED");
    labels.put("sent", "SENT");
    labels.put("all", null);
    for (Map.Entry<String, String> filter : labels.entrySet()) {
      app.google.clearRequests();
      Document doc = page("/messages?label=" + filter.getKey());
      RecordedRequest list = lists().get(0);
      List<String> expectedIds = filter.getValue() == null ? null : List.of(filter.getValue());
      assertEquals(expectedIds, list.query().get("labelIds"), filter.getKey());
      assertEquals(subjects(mailbox(filter.getValue()), 25), subjects(doc), filter.getKey());

      List<Element> current = doc.select("nav.filters a[aria-current=page]");
      assertEquals(1, current.size(), "exactly one current filter");
      assertEquals("filter-" + filter.getKey(), current.get(0).id());
      assertTrue(current.get(0).hasClass("current"), "and it looks current");
      assertEquals(
          current.get(0).text(), doc.selectFirst("main h1").text(), "the heading names it");
      for (Element other : doc.select("nav.filters a:not([aria-current])")) {
        assertFalse(other.hasClass("current"));
      }
    }
    // The default is the inbox, as in Gmail.
    app.google.clearRequests();
    Document doc = page("/messages");
    assertEquals(List.of("INBOX"), lists().get(0).query().get("labelIds"));
    assertEquals("filter-inbox", doc.selectFirst("a[aria-current=page]").id());
  }

  @Test
  void anUnknownFilterIsTheInboxAndIsNeverEchoed() throws Exception {
    for (String label :
        List.of("TRASH", "spam", "%22%3E%3Cscript%3Elabel_marker_7431()%3C%2Fscript%3E", "INBOX")) {
      app.google.clearRequests();
      HttpResponse<String> response = browser.get(app.url("/messages?label=" + label));
      assertEquals(200, response.statusCode(), label);
      assertEquals(List.of("INBOX"), lists().get(0).query().get("labelIds"), label);
      assertFalse(response.body().contains("label_marker_7431"), "the value is not echoed");
      assertEquals(
          "filter-inbox", Jsoup.parse(response.body()).selectFirst("a[aria-current=page]").id());
    }
  }

  @Test
  void theFilterSurvivesSearchAndPagingAndTheSearchSurvivesAFilterChange() throws Exception {
    addMessages(60, "INBOX", "STARRED");
    String url = "/messages?label=starred&q=" + enc("Bulk") + "&size=50";
    Document doc = page(url);
    assertEquals("Bulk", lists().get(0).queryParam("q"));
    assertEquals(List.of("STARRED"), lists().get(0).query().get("labelIds"));

    // The search form carries the filter, so a new search stays in Starred.
    Element form = doc.selectFirst("form[role=search]");
    assertEquals("starred", form.selectFirst("input[type=hidden][name=label]").val());
    assertEquals("50", form.selectFirst("select[name=size] option[selected]").val());
    assertEquals(1, form.select("select[name=size] option[selected]").size());

    // Paging keeps filter, search and size.
    String next = doc.getElementById("next-page").attr("href");
    assertEquals("starred", Query.param(app.url(next), "label"));
    assertEquals("Bulk", Query.param(app.url(next), "q"));
    assertEquals("50", Query.param(app.url(next), "size"));
    app.google.clearRequests();
    Document second = page(next);
    assertEquals(List.of("STARRED"), lists().get(0).query().get("labelIds"));
    assertEquals("Bulk", lists().get(0).queryParam("q"));
    assertEquals("50", lists().get(0).queryParam("maxResults"));
    assertEquals("filter-starred", second.selectFirst("a[aria-current=page]").id());
    assertEquals("Bulk", second.getElementById("q").val());

    // Another filter keeps the search and the size, and starts at its first page.
    String all = second.getElementById("filter-all").attr("href");
    assertEquals("/messages?label=all&q=Bulk&size=50", all);
    // The inbox is the default: its link says so by leaving the label out.
    assertEquals("/messages?q=Bulk&size=50", second.getElementById("filter-inbox").attr("href"));
  }

  // ---------------------------------------------------------------------------------------------
  // Next, previous, the trail

  @Test
  void nextThenPreviousWalksBackThroughTheSamePagesAndEveryLinkWorksInAnotherSession()
      throws Exception {
    addMessages(100, "INBOX");
    List<String> urls = new ArrayList<>();
    List<List<String>> pages = new ArrayList<>();
    String url = "/messages?size=25";
    while (url != null) {
      Document doc = page(url);
      urls.add(url);
      pages.add(subjects(doc));
      assertEquals("Page " + pages.size(), doc.getElementById("page-number").text());
      if (pages.size() == 1) {
        assertNull(doc.getElementById("previous-page"), "no previous on the first page");
      }
      Element next = doc.getElementById("next-page");
      url = next == null ? null : next.attr("href");
    }
    List<StandInMessage> inbox = mailbox("INBOX");
    assertEquals((inbox.size() + 24) / 25, pages.size());
    assertEquals(
        subjects(inbox, inbox.size()),
        pages.stream().flatMap(List::stream).toList(),
        "each once, in order");

    // Back from the last page: each previous page is exactly the page seen on the way forward.
    String here = urls.get(urls.size() - 1);
    for (int i = pages.size() - 2; i >= 0; i--) {
      Document doc = page(here);
      String previous = doc.getElementById("previous-page").attr("href");
      assertEquals(
          urls.get(i).replace("?size=25", ""),
          previous,
          "the same link as forward, defaults left out");
      app.google.clearRequests();
      assertEquals(pages.get(i), subjects(page(previous)));
      here = previous;
    }
    assertEquals("/messages", here);

    // Only the URL matters: another signed-in browser opens the same pages from the same links.
    Browser other = new Browser();
    app.signIn(other);
    for (int i = 0; i < urls.size(); i++) {
      Document doc = Jsoup.parse(other.get(app.url(urls.get(i))).body());
      assertEquals(pages.get(i), subjects(doc));
    }
  }

  @Test
  void theTrailIsBoundedToFiftyPagesAndTheFirstPageLinkStillWorks() throws Exception {
    addMessages(1400, "INBOX");
    List<List<String>> pages = new ArrayList<>();
    String url = "/messages";
    Document doc = null;
    for (int n = 1; n <= 56; n++) {
      doc = page(url);
      pages.add(subjects(doc));
      List<String> trail = trail(url);
      assertEquals(Math.min(Math.max(n - 2, 0), 50), trail.size(), "page " + n + ": " + url);
      assertTrue(url.length() < 2048, "a link stays short: " + url.length());
      assertEquals("Page " + n, doc.getElementById("page-number").text());
      if (n < 56) {
        url = doc.getElementById("next-page").attr("href");
      }
    }
    assertTrue(url.endsWith("&page=56"), "the cut trail is marked by the page number: " + url);
    // Back from page 56 as far as the trail reaches: page 6, whose own token is the oldest kept.
    for (int n = 55; n >= 6; n--) {
      doc = page(previousOf(doc));
      assertEquals(pages.get(n - 1), subjects(doc), "page " + n);
    }
    assertEquals(pages.get(5), subjects(doc), "page 6");
    assertEquals("Page 6", doc.getElementById("page-number").text());
    assertNull(doc.getElementById("previous-page"), "page 5's token is no longer known");
    String first = doc.getElementById("first-page").attr("href");
    assertEquals("/messages", first);
    assertEquals(pages.get(0), subjects(page(first)));
  }

  @Test
  void aBadTokenInThePageOrTheTrailIsRefusedBeforeGmailIsAsked() throws Exception {
    String token =
        Query.param(
            app.url(page("/messages").getElementById("next-page").attr("href")), "pageToken");
    app.google.clearRequests();
    List<String> refused =
        List.of(
            "/messages?pageToken=" + enc(token) + "&trail=" + enc("ok <script>"),
            "/messages?pageToken=" + enc(token) + "&trail=" + enc("a".repeat(300)),
            "/messages?pageToken=" + enc(token) + "&trail=" + enc("t ".repeat(50) + "t"),
            "/messages?pageToken=" + enc(token) + "&trail=" + enc("x".repeat(1600)),
            "/messages?label=starred&size=50&pageToken=" + enc("a%2Fb"));
    for (String url : refused) {
      HttpResponse<String> response = browser.get(app.url(url));
      assertEquals(400, response.statusCode(), url);
      assertFalse(response.body().contains("<script>"));
    }
    assertTrue(app.google.requests().isEmpty(), "Gmail was never asked");
    // The way back keeps what was valid: the filter and the page size.
    Element back = Jsoup.parse(browser.get(app.url(refused.get(4))).body()).selectFirst("main a");
    assertEquals("/messages?label=starred&size=50", back.attr("href"));
  }

  // ---------------------------------------------------------------------------------------------
  // Page sizes and what they cost upstream

  @Test
  void pageSizesAreTwentyFiveFiftyOrAHundredAndAnythingElseIsTwentyFive() throws Exception {
    addMessages(100, "INBOX");
    for (String size : List.of("25", "50", "100", "7", "1000", "abc", "")) {
      app.google.clearRequests();
      Document doc = page("/messages?size=" + size);
      int expected = List.of("50", "100").contains(size) ? Integer.parseInt(size) : 25;
      assertEquals(String.valueOf(expected), lists().get(0).queryParam("maxResults"), size);
      assertEquals(expected, doc.select("li.message").size(), size);
      assertEquals(String.valueOf(expected), doc.selectFirst("#size option[selected]").val(), size);
      assertEquals(List.of("25", "50", "100"), doc.select("#size option").eachAttr("value"));
      String next = doc.getElementById("next-page").attr("href");
      assertEquals(
          expected == 25 ? null : String.valueOf(expected),
          Query.param(app.url(next), "size"),
          "the size is kept across paging (25 is the default, left out)");
    }
  }

  @Test
  void upToFiftyMessagesCostTwoRoundTripsAndAHundredCostThree() throws Exception {
    addMessages(100, "INBOX");
    for (int size : List.of(25, 50, 100)) {
      // Each size as a first visit: the rows this node holds from the page before are not usable.
      app.google.defaultUser().expireHistory();
      app.google.clearRequests();
      page("/messages?size=" + size);
      // users.getProfile or users.history.list go beside the list, in the same round trip.
      List<RecordedRequest> outer =
          app.google.requests().stream()
              .filter(
                  r ->
                      !r.batchPart()
                          && !r.path().endsWith("/profile")
                          && !r.path().endsWith("/history"))
              .toList();
      List<RecordedRequest> batches =
          outer.stream().filter(r -> r.path().startsWith("/batch")).toList();
      assertEquals(size <= 50 ? 2 : 3, outer.size(), size + ": " + outer);
      assertEquals(1, lists().size(), "one messages.list");
      assertEquals(size <= 50 ? 1 : 2, batches.size());
      int parts = 0;
      for (RecordedRequest batch : batches) {
        int inThisOne = count(batch.body(), "/gmail/v1/users/me/messages/");
        assertTrue(inThisOne <= 50, "Google advises at most 50 calls a batch: " + inThisOne);
        parts += inThisOne;
      }
      assertEquals(size, parts);
      assertEquals(size, app.google.requests().stream().filter(RecordedRequest::batchPart).count());
    }
  }

  @Test
  void theTwoBatchesOfAHundredMessagePageAreSentTogether() throws Exception {
    addMessages(100, "INBOX");
    page("/messages?size=100");
    String batchPath =
        app.google.requests().stream()
            .filter(r -> !r.batchPart() && r.path().startsWith("/batch"))
            .findFirst()
            .orElseThrow()
            .path();
    // A first visit again: the rows this node holds from the page before are not usable.
    app.google.defaultUser().expireHistory();
    app.google.clearRequests();
    Duration hang = Duration.ofSeconds(3);
    app.google.hangNext("POST", batchPath, hang, 2);
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return browser.get(app.url("/messages?size=100"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // Each batch hangs 3 s at Google. One after the other, the second could not arrive before the
    // first was answered; together, both arrive at once.
    Duration bothArrived = null;
    while (bothArrived == null && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
      long batches =
          app.google.requests().stream()
              .filter(r -> !r.batchPart() && r.path().equals(batchPath))
              .count();
      if (batches == 2) {
        bothArrived = Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(10);
    }
    assertNotNull(bothArrived, "both batches reached Google");
    assertTrue(
        bothArrived.compareTo(hang.minusMillis(500)) < 0,
        "the second batch did not wait for the first: " + bothArrived);
    HttpResponse<String> page = answer.get();
    assertEquals(200, page.statusCode());
    assertEquals(100, Jsoup.parse(page.body()).select("li.message").size());
  }

  // ---------------------------------------------------------------------------------------------
  // Counts, rows, dates

  @Test
  void theCountIsGmailsEstimateWithThousandsGrouped() throws Exception {
    List<StandInMessage> some = app.google.defaultUser().messages().subList(0, 3);
    String ids =
        some.stream()
            .map(m -> "{\"id\":\"" + m.id() + "\",\"threadId\":\"" + m.threadId() + "\"}")
            .reduce((a, b) -> a + "," + b)
            .orElseThrow();
    String body =
        "{\"messages\":[" + ids + "],\"nextPageToken\":\"12345\",\"resultSizeEstimate\":1234567}";
    app.google.answerNext(
        "GET", LIST, 200, "application/json", body.getBytes(StandardCharsets.UTF_8), 1);
    Document doc = page("/messages");
    assertEquals("About 1,234,567 messages", doc.getElementById("count").text());
    assertEquals(3, doc.select("li.message").size());

    Document one = page("/messages?label=all&q=" + enc("subject:\"Algorhyme\""));
    assertEquals(
        "About 1 message matching subject:\"Algorhyme\"",
        one.getElementById("count").text().replace("Clear search", "").strip());
  }

  @Test
  void rowsShowSenderSubjectSnippetDateUnreadAndALinkToGmail() throws Exception {
    Document doc = page("/messages?label=all&size=50");
    List<StandInMessage> all = mailbox(null);
    List<Element> rows = doc.select("ul.messages > li.message");
    assertEquals(all.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      StandInMessage m = all.get(i);
      Element row = rows.get(i);
      Element from = row.selectFirst(".from");
      assertTrue(
          m.from().contains("<" + from.attr("title") + ">"),
          "the address is the tooltip: " + m.from());
      assertFalse(
          from.text().contains("@") && m.from().startsWith("\""),
          "the display name is shown: " + from.text());
      assertEquals(m.labelIds().contains("UNREAD"), row.hasClass("unread"), m.subject());
      assertEquals(
          m.labelIds().contains("UNREAD"),
          row.text().startsWith("Unread:"),
          "said, not only shown");
      Element open = row.selectFirst("a.open");
      assertEquals("https://mail.google.com/mail/u/0/#all/" + enc(m.id()), open.attr("href"));
      assertEquals("_blank", open.attr("target"));
      assertEquals("noopener noreferrer", open.attr("rel"));
      assertTrue(open.text().startsWith("Open") && open.text().contains("in Gmail"), open.text());
      assertFalse(row.selectFirst("time").attr("datetime").isEmpty());
    }
    Element ada = rows.get(0);
    assertEquals("Ada Lovelace", ada.selectFirst(".from").text());
    assertEquals("ada@example.org", ada.selectFirst(".from").attr("title"));
    assertEquals(
        "Charles, I've finished the notes on Menabrea's paper. Note G has the program for the "
            + "Bernoulli numbers — please check the table before Thursday.",
        ada.selectFirst(".snippet").text(),
        "Gmail's &#39; decoded once");
    assertFalse(doc.html().contains("&amp;#39;"), "nothing double-escaped");
  }

  @Test
  void datesShowTheTimeTodayTheDayThisYearAndTheFullDateBeforeByTheAppsClock() throws Exception {
    ZoneId zone = ZoneId.systemDefault();
    // Noon on 15 June next year, by the app's clock: the test means the same on any day it runs.
    ZonedDateTime now =
        LocalDate.now(zone).plusYears(1).withMonth(6).withDayOfMonth(15).atTime(12, 0).atZone(zone);
    app.clock.advance(Duration.between(app.clock.instant(), now.toInstant()));
    app.signIn(browser); // months later: the first sign-in has outlived SESSION_MAX_AGE
    int year = now.getYear();
    add("When today", now.withHour(9).withMinute(5).toInstant());
    add("When this year", ZonedDateTime.of(year, 2, 3, 8, 30, 0, 0, zone).toInstant());
    add("When last year", ZonedDateTime.of(year - 1, 11, 24, 23, 59, 0, 0, zone).toInstant());
    Document doc = page("/messages?q=" + enc("subject:When"));
    List<String> dates = doc.select("li.message time").eachText();
    assertEquals(List.of("09:05", "Feb 3", "24 Nov " + (year - 1)), dates);
    assertEquals(
        now.withHour(9).withMinute(5).toInstant().toString(),
        doc.selectFirst("li.message time").attr("datetime"));
  }

  // ---------------------------------------------------------------------------------------------
  // Empty, error and busy states

  @Test
  void aSearchThatMatchesNothingSaysSoAndOffersWaysBack() throws Exception {
    Document doc = page("/messages?label=starred&q=" + enc("zebra <b>") + "&size=50");
    Element empty = doc.getElementById("empty");
    assertNotNull(empty);
    assertEquals(
        "No messages match \u201czebra <b>\u201d in Starred.", empty.selectFirst("h2").text());
    assertTrue(doc.select("main b").isEmpty(), "the search is text");
    assertNull(doc.selectFirst("ul.messages"));
    assertNull(doc.getElementById("count"));
    assertNull(doc.selectFirst("nav.pager"), "nothing to page through");
    assertEquals("/messages?label=starred&size=50", doc.getElementById("empty-clear").attr("href"));
    assertEquals(
        "/messages?label=all&q=zebra+%3Cb%3E&size=50",
        doc.getElementById("empty-all").attr("href"));
    assertEquals(
        200, browser.get(app.url(doc.getElementById("empty-clear").attr("href"))).statusCode());
  }

  @Test
  void anEmptyFilterAndAnEmptyLaterPageEachOfferAWayBack() throws Exception {
    app.google.answerNext(
        "GET",
        LIST,
        200,
        "application/json",
        "{\"resultSizeEstimate\":0}".getBytes(StandardCharsets.UTF_8),
        2);
    Document inbox = page("/messages");
    assertEquals("No messages in Inbox.", inbox.selectFirst("#empty h2").text());
    assertEquals("/messages?label=all", inbox.getElementById("empty-all").attr("href"));

    Document later = page("/messages?label=sent&pageToken=abc&trail=xyz");
    assertEquals("There are no more messages here.", later.selectFirst("#empty h2").text());
    assertEquals("/messages?label=sent", later.getElementById("empty-first").attr("href"));
  }

  @Test
  void whenGoogleIsBusyOrFailingTryAgainLeadsToTheSamePage() throws Exception {
    addMessages(30, "INBOX", "STARRED");
    String second = page("/messages?label=starred&q=Bulk").getElementById("next-page").attr("href");
    assertTrue(second.startsWith("/messages?label=starred&q=Bulk&pageToken="), second);

    // Busy: Gmail asks for longer than the page can wait.
    app.google.failGmail(503, 1, "30");
    HttpResponse<String> busy = browser.get(app.url(second));
    assertEquals(503, busy.statusCode());
    Document busyPage = Jsoup.parse(busy.body());
    assertEquals("Google is busy", busyPage.selectFirst("main h1").text());
    assertTrue(busyPage.selectFirst("main p").text().contains("try again in a moment"));
    assertEquals(second, busyPage.selectFirst("main a").attr("href"));
    assertEquals("Try again", busyPage.selectFirst("main a").text());

    // Failing: Gmail refuses the request outright.
    app.google.failGmail(400, 1);
    String sized = "/messages?label=sent&q=lunch&size=50";
    HttpResponse<String> failing = browser.get(app.url(sized));
    assertEquals(502, failing.statusCode());
    Document failingPage = Jsoup.parse(failing.body());
    assertEquals("Gmail is not answering", failingPage.selectFirst("main h1").text());
    assertEquals(sized, failingPage.selectFirst("main a").attr("href"));

    // Google's token endpoint down while the access token needs a refresh.
    app.clock.advance(Duration.ofHours(2));
    app.google.answerNext(
        "POST", "/token", 503, "text/html", "<h1>down</h1>".getBytes(StandardCharsets.UTF_8), 1);
    HttpResponse<String> down = browser.get(app.url(second));
    assertEquals(503, down.statusCode());
    Document downPage = Jsoup.parse(down.body());
    assertEquals("Google is not answering", downPage.selectFirst("main h1").text());
    assertEquals(second, downPage.selectFirst("main a").attr("href"));

    // Once Google is back (and the refresh's back-off is over), the link shows the page that
    // failed.
    app.clock.advance(
        Duration.ofSeconds(Long.parseLong(down.headers().firstValue("Retry-After").orElseThrow())));
    HttpResponse<String> back = browser.get(app.url(second));
    assertEquals(200, back.statusCode());
    assertEquals("Page 2", Jsoup.parse(back.body()).getElementById("page-number").text());
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** GETs an app path (as found in an href), expects 200 and parses it. */
  private Document page(String path) throws Exception {
    HttpResponse<String> response = browser.get(app.url(path));
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return Jsoup.parse(response.body(), app.url(path));
  }

  private static String previousOf(Document doc) {
    Element previous = doc.getElementById("previous-page");
    assertNotNull(previous, "a previous link on " + doc.getElementById("page-number").text());
    return previous.attr("href");
  }

  private List<RecordedRequest> lists() {
    return app.google.requests("GET", LIST);
  }

  /** The stand-in's messages carrying {@code label} (null: all), newest first. */
  private List<StandInMessage> mailbox(String label) {
    return app.google.defaultUser().messages().stream()
        .filter(m -> label == null || m.labelIds().contains(label))
        .toList();
  }

  private static List<String> subjects(List<StandInMessage> messages, int max) {
    return messages.stream()
        .limit(max)
        .map(m -> m.subject().isBlank() ? "(no subject)" : m.subject())
        .toList();
  }

  private static List<String> subjects(Document doc) {
    return doc.select("li.message .subject").eachText();
  }

  private void addMessages(int n, String... labels) {
    for (int i = 0; i < n; i++) {
      app.google
          .defaultUser()
          .addMessage(
              "Bulk Sender <bulk@example.org>",
              "Bulk " + (i + 1),
              "Message number " + (i + 1),
              LONG_AGO.minus(Duration.ofMinutes(i)),
              labels);
    }
  }

  private void add(String subject, Instant date) {
    app.google
        .defaultUser()
        .addMessage("Clock <clock@example.org>", subject, "dated", date, "INBOX");
  }

  private static List<String> trail(String url) {
    String trail = Query.param("http://x" + url, "trail");
    return trail == null ? List.of() : List.of(trail.split(" "));
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
