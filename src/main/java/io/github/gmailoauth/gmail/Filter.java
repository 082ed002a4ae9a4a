package io.github.gmailoauth.gmail;

import java.util.List;

/**
 * The quick filters above the message list, each one of Gmail's own system labels ({@code labelIds}
 * of {@code messages.list}), so Gmail does the filtering and the paging stays Gmail's. Only these
 * values are accepted from a request's {@code label} parameter.
 */
public enum Filter {
  INBOX("inbox", "Inbox", "INBOX"),
  UNREAD("unread", "Unread", "UNREAD"),
  STARRED("starred", "Starred", "STARRED"),
  SENT("sent", "Sent", "SENT"),
  /** Everything but spam and trash, which Gmail leaves out of a list without labels. */
  ALL("all", "All mail", null);

  /** What Gmail opens with, and what a missing or unknown {@code label} means. */
  public static final Filter DEFAULT = INBOX;

  private final String param;
  private final String title;
  private final String labelId;

  Filter(String param, String title, String labelId) {
    this.param = param;
    this.title = title;
    this.labelId = labelId;
  }

  /** The value of the {@code label} query parameter. */
  public String param() {
    return param;
  }

  /** The name a person sees. */
  public String title() {
    return title;
  }

  /** Gmail's {@code labelIds} for this filter: none for all mail. */
  public List<String> labelIds() {
    return labelId == null ? List.of() : List.of(labelId);
  }

  /**
   * The filter a {@code label} parameter names, exactly as this app writes it; anything else
   * (missing, unknown, another case) is the default, as Gmail opens the inbox for an unknown view.
   * The request's own text is never used further, so it cannot reach a page or Gmail.
   */
  static Filter fromParam(String value) {
    for (Filter f : values()) {
      if (f.param.equals(value)) {
        return f;
      }
    }
    return DEFAULT;
  }
}
