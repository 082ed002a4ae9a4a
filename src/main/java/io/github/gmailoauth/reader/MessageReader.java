package io.github.gmailoauth.reader;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import io.github.gmailoauth.gmail.GmailClient;
import io.github.gmailoauth.gmail.ListPlace;
import io.github.gmailoauth.gmail.Mailbox;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one message of the signed-in user for the reader: the page (one {@code messages.get}), the
 * body document (that, plus one {@code attachments.get} per inline image it shows) and an
 * attachment (a fresh {@code messages.get} for the part's current attachment id, then the streamed
 * {@code attachments.get}). Every call runs through {@link Mailbox#read}, so the reader meets
 * expired, refused and missing grants exactly as the list does. The user is always "me": nothing of
 * the request names a mailbox.
 */
public final class MessageReader {
  /** The image types a body may embed, as {@code data:} URLs the frame's policy allows. */
  static final Set<String> INLINE_IMAGE_TYPES =
      Set.of("image/png", "image/gif", "image/jpeg", "image/webp");

  /** Inline images embedded per body; more are left as placeholders. */
  static final int MAX_INLINE_IMAGES = 10;

  /** The largest inline image embedded: a data: URL is a third larger and sits in the document. */
  static final long MAX_INLINE_IMAGE_BYTES = 1024 * 1024;

  /** All inline images of one body together. */
  static final long MAX_INLINE_BYTES = 4L * 1024 * 1024;

  private final MailHtml mailHtml = new MailHtml();
  private final Mailbox mailbox;
  private final MessagePageModel model;

  /**
   * @param model words the page
   */
  public MessageReader(Mailbox mailbox, MessagePageModel model) {
    this.mailbox = mailbox;
    this.model = model;
  }

  /** A message as the page shows it: its fields, when Gmail received it, and its body's count. */
  record Opened(ReadableMessage message, Instant received, int remoteImagesBlocked) {}

  /** A message whose part {@code partId} is not one of its attachments. */
  static final class NoSuchPart extends Exception {
    NoSuchPart() {
      super("no such attachment in this message");
    }
  }

  /** An attachment that declares more than Gmail's 25 MB: not fetched. */
  static final class PartTooLarge extends Exception {
    PartTooLarge() {
      super("the attachment declares more than Gmail's limit");
    }
  }

  /**
   * The page of message {@code id} (one {@code messages.get}), reached from list page {@code from};
   * {@code base} is the context path.
   */
  MessageView page(String userId, String id, String base, ListPlace from, boolean showRemoteImages)
      throws ConsentRequired, IOException {
    return model.view(base, from, open(userId, id, showRemoteImages), showRemoteImages);
  }

  private Opened open(String userId, String id, boolean showRemoteImages)
      throws ConsentRequired, IOException {
    Message message = mailbox.read(userId, (gmail, token) -> gmail.message(token, id));
    ReadableMessage readable = ReadableMessage.of(message);
    // The page says how many remote images the frame's body holds back: counted here (no upstream
    // call; the inline images do not change it).
    int blocked = mailHtml.remoteImagesBlocked(readable.body(), showRemoteImages);
    Instant received =
        message.getInternalDate() == null ? null : Instant.ofEpochMilli(message.getInternalDate());
    return new Opened(readable, received, blocked);
  }

  /**
   * The body document of message {@code id}, its inline images embedded. The images are fetched one
   * after another: a body rarely shows more than a few, the frame loads after the page is already
   * shown, and calls in parallel would spend a person's share of Gmail's per-user rate limit in
   * bursts (every {@code attachments.get} costs quota units), turning a slow image into a 429 for
   * the next page.
   */
  MailHtml.SafeBody body(String userId, String id, boolean showRemoteImages)
      throws ConsentRequired, IOException {
    return mailbox.read(
        userId,
        (gmail, token) -> {
          Message message = gmail.message(token, id);
          ReadableMessage readable = ReadableMessage.of(message);
          Map<String, String> images = inlineImages(gmail, token, message, readable);
          return mailHtml.render(readable.body(), images, showRemoteImages);
        });
  }

  /**
   * Looks attachment {@code partId} up in a fresh {@code messages.get} (Gmail issues a new
   * attachment id on every get) and writes it to the stream {@code open} gives once its headers are
   * known; {@link Download#stream} is then called once.
   */
  Download download(String userId, String id, String partId)
      throws ConsentRequired, IOException, NoSuchPart, PartTooLarge {
    Message message = mailbox.read(userId, (gmail, token) -> gmail.message(token, id));
    ReadableMessage.Attachment part = null;
    for (ReadableMessage.Attachment a : ReadableMessage.of(message).attachments()) {
      if (a.partId().equals(partId)) {
        part = a;
      }
    }
    if (part == null) {
      throw new NoSuchPart();
    }
    if (part.size() > GmailClient.MAX_ATTACHMENT_BYTES) {
      throw new PartTooLarge();
    }
    return new Download(userId, id, part, inlineData(message.getPayload(), partId));
  }

  /** An attachment ready to be sent: what its headers need, then its bytes. */
  final class Download {
    private final String userId;
    private final String messageId;
    private final ReadableMessage.Attachment part;
    private final byte[] inlineData;

    Download(String userId, String messageId, ReadableMessage.Attachment part, byte[] inlineData) {
      this.userId = userId;
      this.messageId = messageId;
      this.part = part;
      this.inlineData = inlineData;
    }

    ReadableMessage.Attachment part() {
      return part;
    }

    /**
     * Starts {@code attachments.get} (the credential dance included) and, once Gmail said yes,
     * calls {@code start} for the output stream and writes the bytes to it as they arrive. A part
     * Gmail sent inline in the message (a small one, with data and no attachment id) is written
     * from that.
     */
    void stream(OutputStreamSource start) throws ConsentRequired, IOException {
      if (part.attachmentId() == null) {
        start.open().write(inlineData == null ? new byte[0] : inlineData);
        return;
      }
      try (GmailClient.Attachment attachment =
          mailbox.read(
              userId, (gmail, token) -> gmail.attachment(token, messageId, part.attachmentId()))) {
        attachment.writeTo(start.open(), GmailClient.MAX_ATTACHMENT_BYTES);
      }
    }
  }

  /** Where the bytes go, asked for only once Gmail has said yes. */
  interface OutputStreamSource {
    OutputStream open() throws IOException;
  }

  /** The cid: images the HTML body refers to, as data: URLs, within the caps above. */
  private static Map<String, String> inlineImages(
      GmailClient gmail, String token, Message message, ReadableMessage readable)
      throws IOException {
    Map<String, String> images = new LinkedHashMap<>();
    if (!(readable.body() instanceof ReadableMessage.Html html)) {
      return images;
    }
    String lowerHtml = html.html().toLowerCase(Locale.ROOT);
    long total = 0;
    for (ReadableMessage.Attachment a : readable.attachments()) {
      if (images.size() == MAX_INLINE_IMAGES) {
        break;
      }
      if (a.contentId() == null
          || images.containsKey(a.contentId())
          || !INLINE_IMAGE_TYPES.contains(a.mimeType())
          || a.size() > MAX_INLINE_IMAGE_BYTES
          || total + a.size() > MAX_INLINE_BYTES
          || !lowerHtml.contains("cid:" + a.contentId().toLowerCase(Locale.ROOT))) {
        continue;
      }
      byte[] bytes = imageBytes(gmail, token, message, a);
      if (bytes != null) {
        total += bytes.length;
        images.put(
            a.contentId(),
            "data:" + a.mimeType() + ";base64," + Base64.getEncoder().encodeToString(bytes));
      }
    }
    return images;
  }

  /** One inline image's bytes, or null when Gmail no longer has it or it outgrew its size. */
  private static byte[] imageBytes(
      GmailClient gmail, String token, Message message, ReadableMessage.Attachment a)
      throws IOException {
    if (a.attachmentId() == null) {
      return inlineData(message.getPayload(), a.partId());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) a.size());
    try (GmailClient.Attachment attachment =
        gmail.attachment(token, message.getId(), a.attachmentId())) {
      attachment.writeTo(out, MAX_INLINE_IMAGE_BYTES);
    } catch (GmailClient.NotFound | GmailClient.TooLarge e) {
      return null;
    }
    return out.toByteArray();
  }

  /** The bytes Gmail sent in the message itself for part {@code partId}, or null. */
  private static byte[] inlineData(MessagePart part, String partId) {
    if (part == null) {
      return null;
    }
    if (partId.equals(part.getPartId())) {
      return part.getBody() == null || part.getBody().getData() == null
          ? null
          : part.getBody().decodeData();
    }
    List<MessagePart> children = part.getParts();
    if (children != null) {
      for (MessagePart child : children) {
        byte[] found = inlineData(child, partId);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
