package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The message page's content, built without a server: links under the context path, Gmail's strings
 * cut to size, dates and counts in words, the pager and the empty states. (MessagesPageTest and
 * BrowserJourneyTest check the rendered page over HTTP and in a browser.)
 */
class MessagesPageModelTest {
  private static final String BASE = "/app";

  /** Thursday 26 November 2026, 15:00 in Berlin (UTC+1). */
  private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private final MessagesPageModel model =
      new MessagesPageModel(Clock.fixed(NOW, ZoneOffset.UTC), BERLIN);

  private static Listing listing(Map<String, String> params) throws Listing.Invalid {
    return Listing.parse(params::get);
  }

  private static MessageSummary message(
      String id, String from, String subject, Instant date, String... labels) {
    return new MessageSummary(
        id, "t-" + id, from, subject, "snippet of " + id, date, Set.of(labels));
  }

  @Test
  void rowsShowGmailsFieldsInWordsAndLinkEachMessageInGmail() throws Exception {
    MessagePage page =
        new MessagePage(
            List.of(
                message(
                    "a/1",
                    "\"Ada L.\" <ada@example.org>",
                    "Hello",
                    Instant.parse("2026-11-26T06:30:00Z"),
                    "UNREAD"),
                message("b", "bob@example.org", "  ", Instant.parse("2026-03-02T23:30:00Z")),
                message("c", "", "Old", Instant.parse("2025-12-31T22:30:00Z")),
                message("d", "x <y>", "No date", null)),
            null,
            1234);

    MessagesView view = model.view(BASE, listing(Map.of()), page);

    List<MessagesView.Row> rows = view.rows();
    assertEquals(
        new MessagesView.Row(
            "Ada L.",
            "ada@example.org",
            "Hello",
            "snippet of a/1",
            "07:30",
            "2026-11-26T06:30:00Z",
            true,
            "https://mail.google.com/mail/u/0/#all/a%2F1",
            BASE + "/messages/a%2F1"),
        rows.get(0));
    assertEquals("bob@example.org", rows.get(1).senderName());
    assertEquals("(no subject)", rows.get(1).subject(), "a blank subject");
    assertEquals(
        "Mar 3",
        rows.get(1).date(),
        "earlier this year, in the shown zone (already 3 March there)");
    assertFalse(rows.get(1).unread());
    assertEquals("31 Dec 2025", rows.get(2).date(), "before this year: the full date");
    assertEquals("", rows.get(3).date());
    assertEquals("", rows.get(3).isoDate());
    assertEquals("About 1,234 messages", view.count());
    assertNull(view.empty());
  }

  @Test
  void eachRowOpensTheReaderWithTheListsOwnParameters() throws Exception {
    MessagePage page =
        new MessagePage(
            List.of(
                message("18c2f0a1b2c3d4e5", "a@b", "Hi", Instant.parse("2026-11-26T06:30:00Z"))),
            "T9",
            100);
    Listing listing =
        listing(
            Map.of("label", "starred", "q", "from:ada & co", "pageToken", "T3", "trail", "T1 T2"));

    MessagesView.Row row = model.view(BASE, listing, page).rows().get(0);

    assertEquals(
        BASE
            + "/messages/18c2f0a1b2c3d4e5?label=starred&q=from%3Aada+%26+co&pageToken=T3&trail=T1+T2",
        row.readHref());
    assertEquals(
        listing.href(),
        ListPlace.of(
                Map.of(
                        "label",
                        "starred",
                        "q",
                        "from:ada & co",
                        "pageToken",
                        "T3",
                        "trail",
                        "T1 T2")
                    ::get)
            .listHref(),
        "the reader's Back link is the list page the row was on");
  }

  @Test
  void longSubjectsSendersAndSnippetsAreCut() throws Exception {
    String longText = "x".repeat(5000);
    MessagePage page =
        new MessagePage(
            List.of(
                new MessageSummary(
                    "m", "t", longText + " <" + longText + ">", longText, longText, NOW, Set.of())),
            null,
            1);
    MessagesView.Row row = model.view(BASE, listing(Map.of()), page).rows().get(0);
    assertTrue(
        row.senderName().length() <= MessagesPageModel.MAX_SUBJECT + 1,
        row.senderName().length() + "");
    assertTrue(row.senderAddress().length() <= MessagesPageModel.MAX_SUBJECT + 1);
    assertTrue(row.subject().length() <= MessagesPageModel.MAX_SUBJECT + 1);
    assertTrue(row.snippet().length() <= MessagesPageModel.MAX_SNIPPET + 1);
    assertTrue(row.subject().length() > 100, "cut, not emptied");
  }

  @Test
  void filtersSizesAndSearchAreLinkedUnderTheContextPath() throws Exception {
    MessagesView view =
        model.view(
            BASE,
            listing(Map.of("label", "starred", "q", "from:ada", "size", "50")),
            new MessagePage(List.of(message("m", "a", "s", NOW)), null, 1));

    assertEquals("Starred", view.heading());
    assertEquals("from:ada", view.query());
    assertEquals("starred", view.labelParam());
    assertEquals(Filter.values().length, view.filters().size());
    MessagesView.FilterLink inbox = view.filters().get(0);
    assertEquals(
        new MessagesView.FilterLink(
            "filter-inbox", "Inbox", "/app/messages?q=from%3Aada&size=50", false),
        inbox);
    assertEquals(1, view.filters().stream().filter(MessagesView.FilterLink::current).count());
    assertTrue(
        view.filters().stream()
            .filter(MessagesView.FilterLink::current)
            .allMatch(f -> f.name().equals("Starred")));
    assertEquals(
        List.of(
            new MessagesView.SizeOption(25, false),
            new MessagesView.SizeOption(50, true),
            new MessagesView.SizeOption(100, false)),
        view.sizes());
    assertEquals("/app/messages?label=starred&size=50", view.clearSearch());
    assertEquals("About 1 message", view.count());
    assertNull(
        model.view(BASE, listing(Map.of()), new MessagePage(List.of(), null, 0)).labelParam(),
        "the default filter needs no label in the form");
  }

  @Test
  void thePagerLinksOnlyWhatThisAppWouldAcceptBack() throws Exception {
    MessagePage withNext = new MessagePage(List.of(message("m", "a", "s", NOW)), "T2", 60);
    MessagesView.Pager first = model.view(BASE, listing(Map.of()), withNext).pager();
    assertEquals(new MessagesView.Pager(1, null, null, "/app/messages?pageToken=T2"), first);

    MessagesView.Pager second =
        model.view(BASE, listing(Map.of("pageToken", "T2")), withNext).pager();
    assertEquals(
        new MessagesView.Pager(2, null, "/app/messages", "/app/messages?pageToken=T2&trail=T2"),
        second,
        "no first-page link where it would repeat the previous one");

    MessagesView.Pager third =
        model
            .view(
                BASE,
                listing(Map.of("pageToken", "T3", "trail", "T2")),
                new MessagePage(List.of(message("m", "a", "s", NOW)), "not a token <>", 60))
            .pager();
    assertEquals(
        new MessagesView.Pager(3, "/app/messages", "/app/messages?pageToken=T2", null),
        third,
        "a next token this app would refuse ends the paging");
  }

  @Test
  void anEmptyPageSaysWhyAndOffersAWayOut() throws Exception {
    MessagePage none = new MessagePage(List.of(), null, 0);

    MessagesView.Empty inbox = model.view(BASE, listing(Map.of()), none).empty();
    assertEquals("No messages in Inbox.", inbox.message());
    assertEquals(
        List.of(new MessagesView.Link("empty-all", "Go to All mail", "/app/messages?label=all")),
        inbox.links());

    MessagesView.Empty all = model.view(BASE, listing(Map.of("label", "all")), none).empty();
    assertEquals(
        List.of(new MessagesView.Link("empty-inbox", "Go to Inbox", "/app/messages")), all.links());

    MessagesView.Empty search =
        model.view(BASE, listing(Map.of("label", "sent", "q", "x\u202ey")), none).empty();
    assertEquals(
        "No messages match \u201cxy\u201d in Sent.",
        search.message(),
        "shown without bidi controls");
    assertEquals(
        List.of(
            new MessagesView.Link("empty-clear", "Clear the search", "/app/messages?label=sent"),
            new MessagesView.Link(
                "empty-all", "Search all mail", "/app/messages?label=all&q=x%E2%80%AEy")),
        search.links());

    MessagesView later = model.view(BASE, listing(Map.of("pageToken", "T9", "trail", "T2")), none);
    assertEquals("There are no more messages here.", later.empty().message());
    assertEquals(
        List.of(new MessagesView.Link("empty-first", "Go to the first page", "/app/messages")),
        later.empty().links());
    assertNull(later.count(), "no count without rows");
  }

  @Test
  void countsAreGroupedEstimates() {
    assertEquals("About 1,234 messages", MessagesPageModel.count(1234));
    assertEquals("About 1 message", MessagesPageModel.count(1));
    assertEquals("About 1,234,567 messages", MessagesPageModel.count(1_234_567));
    assertEquals("About 999 messages", MessagesPageModel.count(999));
    assertEquals("About 1,000 messages", MessagesPageModel.count(1000));
    assertEquals("About 0 messages", MessagesPageModel.count(0));
  }
}
