package io.github.gmailoauth.gmail;

import java.time.Instant;
import java.util.Set;

/**
 * One row of the message list, exactly as Gmail described it: every string here is untrusted and is
 * escaped by the template that shows it. {@code snippet} is already entity-decoded once (Gmail
 * sends it HTML-escaped), so the template's own escaping is the only escaping left.
 */
public record MessageSummary(
    String id,
    String threadId,
    String from,
    String subject,
    String snippet,
    Instant date,
    Set<String> labelIds) {

  public boolean unread() {
    return labelIds.contains("UNREAD");
  }
}
