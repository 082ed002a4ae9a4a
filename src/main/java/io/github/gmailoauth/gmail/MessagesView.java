package io.github.gmailoauth.gmail;

import java.util.List;

/**
 * The message list page. All hrefs are built by the servlet with every value percent-encoded; the
 * template escapes everything again for its HTML context. Every string from Gmail or from the
 * request (the search) is untrusted text here.
 *
 * @param heading the current filter's name
 * @param query the current search as shown (bidi and control characters dropped), "" for none
 * @param labelParam the {@code label} the search form must carry, null for the default filter
 * @param filters the quick filters, one of them current
 * @param sizes the page sizes to choose from, one of them selected
 * @param rows the messages of this page, newest first
 * @param count "About 1,234 messages", null when there are none
 * @param clearSearch the first page of the same filter without the search, null when not searching
 * @param pager the links to other pages
 * @param empty what to say when there are no rows, else null
 */
public record MessagesView(
    String heading,
    String query,
    String labelParam,
    List<FilterLink> filters,
    List<SizeOption> sizes,
    List<Row> rows,
    String count,
    String clearSearch,
    Pager pager,
    Empty empty) {

  /** One quick filter: {@code current} gets {@code aria-current="page"} and the highlight. */
  public record FilterLink(String id, String name, String href, boolean current) {}

  public record SizeOption(int value, boolean selected) {}

  /**
   * One message as shown: sender name with the address for its tooltip, date already formatted;
   * {@code readHref} opens it in the reader, {@code gmailHref} in Gmail.
   */
  public record Row(
      String senderName,
      String senderAddress,
      String subject,
      String snippet,
      String date,
      String isoDate,
      boolean unread,
      String gmailHref,
      String readHref) {}

  /**
   * The pager. {@code previousHref} is null on the first page and where the trail of earlier pages
   * was cut; {@code firstHref} is null on the first page and where it would repeat {@code
   * previousHref}.
   */
  public record Pager(int page, String firstHref, String previousHref, String nextHref) {}

  /** The empty state: a sentence, and the ways out of it. */
  public record Empty(String message, List<Link> links) {}

  public record Link(String id, String text, String href) {}
}
