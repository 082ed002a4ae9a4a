package io.github.gmailoauth.reader;

import io.github.gmailoauth.gmail.ListPlace;
import io.github.gmailoauth.gmail.MessagesPageModel;
import io.github.gmailoauth.gmail.Text;
import io.github.gmailoauth.web.Links;
import io.github.gmailoauth.web.Problems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the reader page's {@link MessageView}: the message's fields cut to size, its date as the
 * list shows dates, its labels in words, and the links (body, images, attachments, Back, Gmail),
 * each prefixed with the context path. No servlet types: tested without a server.
 */
public final class MessagePageModel {
  static final int MAX_SUBJECT = 1000;

  /** A To or Cc of a mailing list can name hundreds of people; the page shows the first few KB. */
  static final int MAX_ADDRESSES = 4000;

  static final int MAX_LABELS = 30;
  static final int MAX_NAME = 200;
  static final int MAX_NOTES = 10;

  private final MessagesPageModel listModel;

  /**
   * @param listModel the list's model, whose date format the reader shares
   */
  public MessagePageModel(MessagesPageModel listModel) {
    this.listModel = listModel;
  }

  /**
   * The page of {@code opened}, reached from list page {@code from}; {@code showImages}: the person
   * asked for remote images.
   */
  MessageView view(String base, ListPlace from, MessageReader.Opened opened, boolean showImages) {
    ReadableMessage m = opened.message();
    String page = base + from.readerHref(m.id());
    String separator = page.contains("?") ? "&" : "?";
    String bodyPath = base + "/messages/" + Links.encode(m.id()) + "/body";
    int blocked = opened.remoteImagesBlocked();
    Instant received = opened.received();
    return new MessageView(
        Text.truncate(m.subject().isBlank() ? "(no subject)" : m.subject(), MAX_SUBJECT),
        Text.truncate(m.from(), MAX_ADDRESSES),
        Text.truncate(m.to(), MAX_ADDRESSES),
        Text.truncate(m.cc(), MAX_ADDRESSES),
        listModel.displayDate(received),
        received == null ? "" : received.toString(),
        labels(m.labelIds()),
        showImages ? bodyPath + "?images=show" : bodyPath,
        blocked == 0
            ? null
            : blocked + (blocked == 1 ? " remote image" : " remote images") + " blocked",
        showImages || blocked == 0 ? null : page + separator + "images=show",
        attachments(base, m),
        base + from.listHref(),
        Problems.gmailMessage(m.id()),
        m.notes().stream().limit(MAX_NOTES).map(n -> Text.truncate(n, MAX_NAME)).toList());
  }

  private static List<MessageView.Attachment> attachments(String base, ReadableMessage m) {
    List<MessageView.Attachment> rows = new ArrayList<>();
    for (ReadableMessage.Attachment a : m.attachments()) {
      if (a.inline()) {
        continue;
      }
      String name = Text.truncate(a.filename(), MAX_NAME);
      rows.add(
          new MessageView.Attachment(
              name.isBlank() ? "(unnamed)" : name,
              Text.truncate(a.mimeType(), MAX_NAME),
              size(a.size()),
              base
                  + "/messages/"
                  + Links.encode(m.id())
                  + "/attachments/"
                  + Links.encode(a.partId())));
    }
    return rows;
  }

  /**
   * Gmail's system labels in words ("CATEGORY_SOCIAL": "Social"); other labels as Gmail names them.
   */
  static List<String> labels(List<String> labelIds) {
    List<String> words = new ArrayList<>();
    for (String id : labelIds.subList(0, Math.min(labelIds.size(), MAX_LABELS))) {
      String word = id.startsWith("CATEGORY_") ? id.substring("CATEGORY_".length()) : id;
      if (word.equals(word.toUpperCase(Locale.ROOT)) && !word.isEmpty()) {
        word = word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT);
      }
      words.add(Text.truncate(word, MAX_NAME));
    }
    return words;
  }

  /** "12 bytes", "340 KB", "1.2 MB" (1024-based, as Gmail shows sizes). */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    if (bytes < 1024 * 1024) {
      return (bytes + 1023) / 1024 + " KB";
    }
    long tenths = (bytes * 10 + 1024 * 1024 - 1) / (1024 * 1024);
    return tenths / 10 + "." + tenths % 10 + " MB";
  }
}
