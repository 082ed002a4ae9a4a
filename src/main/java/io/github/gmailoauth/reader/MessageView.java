package io.github.gmailoauth.reader;

import java.util.List;

/**
 * The reader page of one message. Every href is built by {@link MessagePageModel} with every value
 * percent-encoded; every string from Gmail is untrusted text, cut to size, which the template
 * escapes for its HTML context. The body itself is not here: the page frames it from {@code
 * bodyHref}.
 *
 * @param cc "" for none
 * @param date as the list shows dates; {@code isoDate} for the time element, "" for none
 * @param labels the message's labels in words
 * @param bodyHref the sandboxed body document the frame shows
 * @param remoteImagesBlocked e.g. "3 remote images blocked", null when none were
 * @param showImagesHref this page with remote images shown, null when they are (or there are none)
 * @param backHref the list page the person came from
 * @param gmailHref the message in Gmail
 * @param notes what could only be shown approximately (an unknown charset, say)
 */
public record MessageView(
    String subject,
    String from,
    String to,
    String cc,
    String date,
    String isoDate,
    List<String> labels,
    String bodyHref,
    String remoteImagesBlocked,
    String showImagesHref,
    List<Attachment> attachments,
    String backHref,
    String gmailHref,
    List<String> notes) {

  /** One attachment as listed: its name, declared type, size in words and download link. */
  public record Attachment(String name, String type, String size, String href) {}
}
