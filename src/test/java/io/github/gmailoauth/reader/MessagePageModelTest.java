package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.gmailoauth.gmail.ListPlace;
import io.github.gmailoauth.gmail.MessagesPageModel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reader page's content, without a server: what {@link MessagePageModel} makes of a message.
 */
class MessagePageModelTest {
  private static final String BASE = "/app";
  private static final Instant NOW = Instant.parse("2026-11-26T14:00:00Z");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private final MessagesPageModel listModel =
      new MessagesPageModel(Clock.fixed(NOW, BERLIN), BERLIN);
  private final MessagePageModel model = new MessagePageModel(listModel);

  private static ReadableMessage message(
      String subject, List<ReadableMessage.Attachment> attachments, List<String> notes) {
    return new ReadableMessage(
        "18c2f0a1b2c3d4e5",
        "18c2f0a1b2c3d4e5",
        "Ada <ada@example.org>",
        "grace@example.org",
        "",
        "Thu, 26 Nov 2026 07:30:00 +0100",
        subject,
        List.of("INBOX", "CATEGORY_PROMOTIONS", "Label_7"),
        new ReadableMessage.Html("<p>x</p>"),
        attachments,
        notes);
  }

  @Test
  void fieldsDateLabelsAndLinks() {
    ReadableMessage m =
        message(
            "  ",
            List.of(
                new ReadableMessage.Attachment(
                    "1", "report.pdf", "application/pdf", 1536, null, false, "A1"),
                new ReadableMessage.Attachment(
                    "2.1", "logo.png", "image/png", 99, "logo", true, "A2"),
                new ReadableMessage.Attachment(
                    "3", "", "application/zip", 3 * 1024 * 1024 + 1, null, false, "A3")),
            List.of("The part in charset x-unknown was shown as windows-1252."));
    ListPlace from = ListPlace.of(Map.of("label", "starred", "q", "a b")::get);

    MessageView view =
        model.view(
            BASE,
            from,
            new MessageReader.Opened(m, Instant.parse("2026-11-26T06:30:00Z"), 1),
            false);

    assertEquals("(no subject)", view.subject());
    assertEquals("07:30", view.date(), "today, in the shown zone, as the list shows it");
    assertEquals("2026-11-26T06:30:00Z", view.isoDate());
    assertEquals(List.of("Inbox", "Promotions", "Label_7"), view.labels());
    assertEquals("/app/messages/18c2f0a1b2c3d4e5/body", view.bodyHref());
    assertEquals("1 remote image blocked", view.remoteImagesBlocked());
    assertEquals(
        "/app/messages/18c2f0a1b2c3d4e5?label=starred&q=a+b&images=show", view.showImagesHref());
    assertEquals("/app/messages?label=starred&q=a+b", view.backHref());
    assertEquals("https://mail.google.com/mail/u/0/#all/18c2f0a1b2c3d4e5", view.gmailHref());
    assertEquals(
        List.of(
            new MessageView.Attachment(
                "report.pdf",
                "application/pdf",
                "2 KB",
                "/app/messages/18c2f0a1b2c3d4e5/attachments/1"),
            new MessageView.Attachment(
                "(unnamed)",
                "application/zip",
                "3.1 MB",
                "/app/messages/18c2f0a1b2c3d4e5/attachments/3")),
        view.attachments(),
        "inline images are part of the body, not listed");
    assertEquals(m.notes(), view.notes());
  }

  @Test
  void withImagesShownOrNoneBlockedThereIsNothingToShow() {
    ReadableMessage m = message("Hi", List.of(), List.of());
    ListPlace from = ListPlace.of(Map.<String, String>of()::get);

    MessageView shown = model.view(BASE, from, new MessageReader.Opened(m, null, 2), true);
    MessageView none = model.view(BASE, from, new MessageReader.Opened(m, null, 0), false);

    assertEquals("/app/messages/18c2f0a1b2c3d4e5/body?images=show", shown.bodyHref());
    assertEquals("2 remote images blocked", shown.remoteImagesBlocked(), "http ones stay blocked");
    assertNull(shown.showImagesHref());
    assertNull(none.remoteImagesBlocked());
    assertNull(none.showImagesHref());
    assertEquals("", none.date());
    assertEquals("/app/messages", none.backHref());
  }

  @Test
  void sizesInWords() {
    assertEquals("0 bytes", MessagePageModel.size(0));
    assertEquals("1 byte", MessagePageModel.size(1));
    assertEquals("1023 bytes", MessagePageModel.size(1023));
    assertEquals("1 KB", MessagePageModel.size(1024));
    assertEquals("2 KB", MessagePageModel.size(1025));
    assertEquals("1.0 MB", MessagePageModel.size(1024 * 1024));
    assertEquals("25.0 MB", MessagePageModel.size(25L * 1024 * 1024));
  }
}
