package io.github.gmailoauth.gmail;

import java.util.List;

/**
 * The message list page. All hrefs are built by the servlet with every value percent-encoded;
 * the template escapes everything again for its HTML context.
 */
public record MessagesView(
    String query, List<Row> rows, String nextPageHref, String firstPageHref, long resultSizeEstimate) {

  /** One message as shown: sender name with the address for its tooltip, date already formatted. */
  public record Row(
      String senderName,
      String senderAddress,
      String subject,
      String snippet,
      String date,
      String isoDate,
      boolean unread,
      String gmailHref) {}
}
