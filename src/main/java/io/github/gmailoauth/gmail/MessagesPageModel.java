package io.github.gmailoauth.gmail;

import io.github.gmailoauth.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the message list page's {@link MessagesView} from a {@link Listing} and the {@link
 * MessagePage} Gmail answered: every href percent-encoded and prefixed with the context path, every
 * string from Gmail cut to size, dates and the count in words. No servlet types: the page's content
 * is tested without a server.
 */
public final class MessagesPageModel {
  static final int MAX_SUBJECT = 300;
  static final int MAX_SNIPPET = 300;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter THIS_YEAR =
      DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);
  private static final DateTimeFormatter OLDER =
      DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

  private final Clock clock;
  private final ZoneId zone;

  /**
   * @param zone the zone dates are shown in; "today" is {@code clock}'s today there
   */
  public MessagesPageModel(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  /** The page for {@code listing} showing {@code page}; {@code base} is the context path. */
  MessagesView view(String base, Listing listing, MessagePage page) {
    List<MessagesView.Row> rows = rows(base, listing, page);
    String clearSearch = listing.query().isEmpty() ? null : base + listing.withQuery("").href();
    String count = rows.isEmpty() ? null : count(page.resultSizeEstimate());
    MessagesView.Empty empty = rows.isEmpty() ? empty(base, listing) : null;
    // Shown cleaned like a subject (no bidi or control characters); links and Gmail keep the
    // search as typed, so that paging goes on with the very search whose results are shown.
    return new MessagesView(
        listing.filter().title(),
        Text.truncate(listing.query(), Listing.MAX_QUERY),
        listing.filter() == Filter.DEFAULT ? null : listing.filter().param(),
        filters(base, listing),
        sizes(listing),
        rows,
        count,
        clearSearch,
        pager(base, listing, page),
        empty);
  }

  private static List<MessagesView.FilterLink> filters(String base, Listing listing) {
    List<MessagesView.FilterLink> filters = new ArrayList<>();
    for (Filter f : Filter.values()) {
      filters.add(
          new MessagesView.FilterLink(
              "filter-" + f.param(),
              f.title(),
              base + listing.withFilter(f).href(),
              f == listing.filter()));
    }
    return filters;
  }

  private static List<MessagesView.SizeOption> sizes(Listing listing) {
    List<MessagesView.SizeOption> sizes = new ArrayList<>();
    for (int size : Listing.PAGE_SIZES) {
      sizes.add(new MessagesView.SizeOption(size, size == listing.pageSize()));
    }
    return sizes;
  }

  private static MessagesView.Pager pager(String base, Listing listing, MessagePage page) {
    // Only a token this app would accept back becomes a link; anything else ends the paging here.
    String nextToken = page.nextPageToken();
    Listing next =
        nextToken != null && Listing.PAGE_TOKEN.matcher(nextToken).matches()
            ? listing.next(nextToken)
            : null;
    Listing previous = listing.previous();
    String previousHref = previous == null ? null : base + previous.href();
    String firstHref =
        listing.isFirstPage() || (previous != null && previous.isFirstPage())
            ? null
            : base + listing.first().href();
    return new MessagesView.Pager(
        listing.page(), firstHref, previousHref, next == null ? null : base + next.href());
  }

  private List<MessagesView.Row> rows(String base, Listing listing, MessagePage page) {
    LocalDate today = LocalDate.now(clock.withZone(zone));
    List<MessagesView.Row> rows = new ArrayList<>(page.messages().size());
    for (MessageSummary m : page.messages()) {
      Sender sender = Sender.parse(m.from());
      rows.add(
          new MessagesView.Row(
              Text.truncate(sender.name(), MAX_SUBJECT),
              Text.truncate(sender.address(), MAX_SUBJECT),
              Text.truncate(m.subject().isBlank() ? "(no subject)" : m.subject(), MAX_SUBJECT),
              Text.truncate(m.snippet(), MAX_SNIPPET),
              displayDate(m.date(), today),
              m.date() == null ? "" : m.date().toString(),
              m.unread(),
              gmailHref(m.id()),
              base + listing.readerHref(m.id())));
    }
    return rows;
  }

  /** Message {@code id} in Gmail's own web app. */
  public static String gmailHref(String id) {
    return Problems.gmailMessage(id);
  }

  /**
   * {@code date} as the list shows it ("" for none): see {@link #displayDate(Instant, LocalDate)}.
   */
  public String displayDate(Instant date) {
    return displayDate(date, LocalDate.now(clock.withZone(zone)));
  }

  /** "About 1,234 messages": Gmail's figure is an estimate, so the page says so. */
  static String count(long estimate) {
    // Grouped by hand: String.format with %,d costs 4% of a page's CPU in bench/run.
    String digits = Long.toString(Math.max(0, estimate));
    StringBuilder grouped = new StringBuilder(digits.length() + digits.length() / 3);
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && (digits.length() - i) % 3 == 0) {
        grouped.append(',');
      }
      grouped.append(digits.charAt(i));
    }
    return "About " + grouped + (estimate == 1 ? " message" : " messages");
  }

  /** What to say when the page has no rows, with a way back to something that has. */
  private static MessagesView.Empty empty(String base, Listing listing) {
    List<MessagesView.Link> links = new ArrayList<>();
    String message;
    if (!listing.isFirstPage()) {
      message = "There are no more messages here.";
      links.add(
          new MessagesView.Link(
              "empty-first", "Go to the first page", base + listing.first().href()));
    } else if (!listing.query().isEmpty()) {
      message =
          "No messages match \u201c"
              + Text.truncate(listing.query(), Listing.MAX_QUERY)
              + "\u201d"
              + (listing.filter() == Filter.ALL ? "" : " in " + listing.filter().title())
              + ".";
      links.add(
          new MessagesView.Link(
              "empty-clear", "Clear the search", base + listing.withQuery("").href()));
      if (listing.filter() != Filter.ALL) {
        links.add(
            new MessagesView.Link(
                "empty-all", "Search all mail", base + listing.withFilter(Filter.ALL).href()));
      }
    } else {
      message = "No messages in " + listing.filter().title() + ".";
      Filter elsewhere = listing.filter() == Filter.DEFAULT ? Filter.ALL : Filter.DEFAULT;
      links.add(
          new MessagesView.Link(
              "empty-" + elsewhere.param(),
              "Go to " + elsewhere.title(),
              base + listing.withFilter(elsewhere).href()));
    }
    return new MessagesView.Empty(message, links);
  }

  /** Time for today, "Nov 24" earlier this year, the full date before that. */
  private String displayDate(Instant date, LocalDate today) {
    if (date == null) {
      return "";
    }
    ZonedDateTime local = date.atZone(zone);
    if (local.toLocalDate().equals(today)) {
      return TIME.format(local);
    }
    return local.getYear() == today.getYear() ? THIS_YEAR.format(local) : OLDER.format(local);
  }
}
