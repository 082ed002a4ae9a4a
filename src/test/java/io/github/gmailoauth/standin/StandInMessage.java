package io.github.gmailoauth.standin;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One message in a stand-in mailbox.
 *
 * <p>{@code from} and {@code subject} are raw header values (they may contain markup, exactly as a
 * hostile sender could write them); {@code snippet} is already HTML-escaped, as Gmail's API
 * delivers it. Keeping both conventions lets tests check that an application neither double-escapes
 * snippets nor forgets to escape headers.
 */
public record StandInMessage(
    String id,
    String threadId,
    String from,
    String subject,
    String snippet,
    Instant date,
    Set<String> labelIds) {

  public StandInMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(threadId, "threadId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(snippet, "snippet");
    Objects.requireNonNull(date, "date");
    // Insertion-ordered and immutable: the API answers labels in a stable order.
    labelIds =
        Collections.unmodifiableSet(new LinkedHashSet<>(labelIds == null ? Set.of() : labelIds));
  }

  /** Whether the message carries the label (label ids are upper-case system ids or custom ids). */
  public boolean hasLabel(String labelId) {
    return labelIds.contains(labelId);
  }
}
