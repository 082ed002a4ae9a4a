package io.github.gmailoauth.reader;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import java.util.ArrayList;
import java.util.List;

/**
 * What a person reads of one message, taken from Gmail's {@code format=full} answer (parsed by the
 * Google client library into its {@link Message} model): the headers with RFC 2047 encoded-words
 * decoded once, the labels, the body Gmail's MIME tree offers (HTML preferred over plain text, each
 * part decoded by its declared charset), the attachments, and notes about anything that could only
 * be shown approximately (an unknown charset, say). Nothing here is safe to print as HTML yet:
 * {@link MailHtml} makes the body safe, the page's templates escape the rest.
 */
public record ReadableMessage(
    String id,
    String threadId,
    String from,
    String to,
    String cc,
    String date,
    String subject,
    List<String> labelIds,
    Body body,
    List<Attachment> attachments,
    List<String> notes) {

  /** The body a reader shows: HTML (not yet sanitised), plain text, or none at all. */
  public sealed interface Body permits Html, Text, Empty {}

  /**
   * A {@code text/html} part, decoded to characters; hostile until {@link MailHtml} sanitises it.
   */
  public record Html(String html) implements Body {}

  /** A {@code text/plain} part, decoded to characters. */
  public record Text(String text) implements Body {}

  /** No text part at all (a message of attachments only, or a broken MIME tree). */
  public record Empty() implements Body {}

  /**
   * One part that is stored by Gmail as an attachment.
   *
   * @param partId Gmail's part id ("1", "1.2"): stable across fetches of the message, unlike {@code
   *     attachmentId}, which Gmail issues afresh on every {@code messages.get}
   * @param filename decoded (RFC 2231 / RFC 2047 as Gmail delivers it), may be empty
   * @param mimeType as declared by the sender, lower-case, without parameters
   * @param size in bytes, as Gmail reports in the part's body
   * @param contentId the {@code Content-ID} without angle brackets, or null
   * @param inline whether the message shows it in its body (a {@code cid:} image of a
   *     multipart/related), rather than listing it as a file
   * @param attachmentId the id {@code users.messages.attachments.get} wants, valid for this fetch
   */
  public record Attachment(
      String partId,
      String filename,
      String mimeType,
      long size,
      String contentId,
      boolean inline,
      String attachmentId) {}

  /**
   * Reads the message Gmail sent for {@code format=full}. Never throws on a broken MIME tree or an
   * unknown charset: the body falls back and {@link #notes} says what happened.
   */
  public static ReadableMessage of(Message message) {
    List<String> notes = new ArrayList<>();
    MessagePart payload = message.getPayload();
    MimeWalk.Result walked = MimeWalk.of(payload, notes);
    return new ReadableMessage(
        message.getId(),
        message.getThreadId(),
        topHeader(payload, "From"),
        topHeader(payload, "To"),
        topHeader(payload, "Cc"),
        topHeader(payload, "Date"),
        topHeader(payload, "Subject"),
        message.getLabelIds() == null ? List.of() : List.copyOf(nonNull(message.getLabelIds())),
        walked.body(),
        walked.attachments(),
        List.copyOf(notes));
  }

  private static String topHeader(MessagePart payload, String name) {
    return payload == null ? "" : HeaderText.decode(MimeWalk.header(payload, name));
  }

  private static List<String> nonNull(List<String> values) {
    List<String> kept = new ArrayList<>(values.size());
    for (String v : values) {
      if (v != null) {
        kept.add(v);
      }
    }
    return kept;
  }
}
