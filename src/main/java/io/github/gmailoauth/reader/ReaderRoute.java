package io.github.gmailoauth.reader;

import java.util.regex.Pattern;

/**
 * What a path under {@code /messages/} asks for, read from the servlet's path info before anything
 * is sent to Gmail: the reader page ({@code /{id}}), the body document ({@code /{id}/body}) or an
 * attachment ({@code /{id}/attachments/{partId}}). A message id of another shape than Gmail's, or a
 * part id of another shape than a MIME part number, is refused here, so it never reaches Gmail.
 */
sealed interface ReaderRoute
    permits ReaderRoute.OfMessage, ReaderRoute.Malformed, ReaderRoute.Unknown {
  /** Gmail's message ids: lower-case hex, 16 digits today; a little slack either way. */
  Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{8,32}");

  /** Gmail's part ids: "0", "1", "1.2", ...; nested no deeper than MIME trees worth reading. */
  Pattern PART_ID = Pattern.compile("[0-9]{1,4}(\\.[0-9]{1,4}){0,15}");

  /** A route to something of message {@code id}. */
  sealed interface OfMessage extends ReaderRoute {
    String id();
  }

  /** The reader page of message {@code id}. */
  record Page(String id) implements OfMessage {}

  /** The sanitised body document of message {@code id}. */
  record Body(String id) implements OfMessage {}

  /** The attachment that is part {@code partId} of message {@code id}. */
  record Download(String id, String partId) implements OfMessage {}

  /** A message id or part id not of Gmail's shape: 400. */
  record Malformed() implements ReaderRoute {}

  /** No such page under {@code /messages/}: 404. */
  record Unknown() implements ReaderRoute {}

  /** Reads {@code pathInfo} ({@code /id...}, already percent-decoded by the container). */
  static ReaderRoute parse(String pathInfo) {
    if (pathInfo == null || pathInfo.length() < 2) {
      return new Unknown();
    }
    String[] segments = pathInfo.substring(1).split("/", -1);
    boolean known =
        segments.length == 1
            || (segments.length == 2 && segments[1].equals("body"))
            || (segments.length == 3 && segments[1].equals("attachments"));
    if (!known) {
      return new Unknown();
    }
    String id = segments[0];
    if (!MESSAGE_ID.matcher(id).matches()) {
      return new Malformed();
    }
    return switch (segments.length) {
      case 1 -> new Page(id);
      case 2 -> new Body(id);
      default ->
          PART_ID.matcher(segments[2]).matches() ? new Download(id, segments[2]) : new Malformed();
    };
  }
}
