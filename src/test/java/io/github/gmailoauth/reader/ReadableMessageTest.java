package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MIME walk over Gmail's format=full answers, written as Gmail sends them. */
class ReadableMessageTest {

  private static String b64(String s) {
    return GmailJson.data(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A newsletter: mixed[ related[ alternative[plain, html], inline image ], pdf attachment ]. */
  /** Gmail's answer for a newsletter, as the JSON Gmail sends (body data filled in below). */
  private static final String NEWSLETTER = resource("newsletter.json");

  private static String resource(String name) {
    try (var in = ReadableMessageTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ReadableMessage newsletter() {
    return ReadableMessage.of(
        GmailJson.parse(
            NEWSLETTER
                .replace("%PLAIN%", b64("plain version"))
                .replace("%HTML%", b64("<p>Caf\u00e9 <img src=\"cid:logo@example.com\"></p>"))));
  }

  @Test
  void htmlAlternativeInsideRelatedInsideMixedIsTheBody() {
    ReadableMessage m = newsletter();
    ReadableMessage.Html html = assertInstanceOf(ReadableMessage.Html.class, m.body());
    assertEquals("<p>Caf\u00e9 <img src=\"cid:logo@example.com\"></p>", html.html());
    assertEquals(List.of(), m.notes());
  }

  @Test
  void headersAreDecodedAndIdsAndLabelsCopied() {
    ReadableMessage m = newsletter();
    assertEquals("Caf\u00e9 News <news@example.com>", m.from());
    assertEquals("me@example.com", m.to());
    assertEquals("Jorge <j@example.com>", m.cc());
    assertEquals("Weekly \u2615", m.subject());
    assertEquals("Tue, 1 Dec 2026 10:00:00 +0000", m.date());
    assertEquals("18c2a1b2c3d4e5f6", m.id());
    assertEquals("18c2a1b2c3d4e5f0", m.threadId());
    assertEquals(List.of("INBOX", "CATEGORY_PROMOTIONS", "UNREAD"), m.labelIds());
  }

  @Test
  void inlineImageAndFileAttachmentAreListedWithTheirParts() {
    List<ReadableMessage.Attachment> attachments = newsletter().attachments();
    assertEquals(
        List.of(
            new ReadableMessage.Attachment(
                "0.1", "logo.png", "image/png", 1234, "logo@example.com", true, "ANGjdJ8logo"),
            new ReadableMessage.Attachment(
                "1", "invoice.pdf", "application/pdf", 52000, null, false, "ANGjdJ8pdf")),
        attachments);
  }

  @Test
  void plainTextOnlyMessageIsText() {
    JsonObject payload =
        GmailJson.part(
            "",
            "text/plain",
            "line one\nline two".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "text/plain; charset=utf-8",
            "Subject",
            "plain");
    ReadableMessage m = ReadableMessage.of(GmailJson.message(payload));
    assertEquals(new ReadableMessage.Text("line one\nline two"), m.body());
    assertEquals("plain", m.subject());
  }

  @Test
  void lastAcceptableAlternativeWinsHtmlIsPreferredAndPlainIsTheFallback() {
    JsonObject alt =
        GmailJson.multipart(
            "multipart/alternative",
            GmailJson.part("1", "text/html", bytes("<b>first html</b>")),
            GmailJson.part("2", "text/plain", bytes("plain")),
            GmailJson.part("3", "text/html", bytes("<b>last html</b>")),
            GmailJson.part("4", "application/x-unknown-rich", bytes("??")));
    assertEquals(new ReadableMessage.Html("<b>last html</b>"), bodyOf(alt));
    // Plain text is the fallback when no alternative is HTML (text/enriched is not shown).
    JsonObject noHtml =
        GmailJson.multipart(
            "multipart/alternative",
            GmailJson.part("1", "text/plain", bytes("first plain")),
            GmailJson.part("2", "text/enriched", bytes("<bold>x</bold>")));
    assertEquals(new ReadableMessage.Text("first plain"), bodyOf(noHtml));
  }

  @Test
  void attachmentsOnlyMessageHasNoBody() {
    JsonObject mixed =
        GmailJson.multipart(
            "multipart/mixed", GmailJson.attachment("1", "application/zip", "a.zip", "att-1"));
    ReadableMessage m = ReadableMessage.of(GmailJson.message(mixed));
    assertEquals(new ReadableMessage.Empty(), m.body());
    assertEquals(1, m.attachments().size());
    assertEquals("a.zip", m.attachments().get(0).filename());
    assertFalse(m.attachments().get(0).inline());
  }

  @Test
  void anHtmlFileAttachmentIsNotTheBody() {
    JsonObject body = GmailJson.part("1", "text/plain", bytes("see attached"));
    JsonObject page =
        GmailJson.attachment(
            "2",
            "text/html",
            "page.html",
            "att-html",
            "Content-Disposition",
            "attachment; filename=\"page.html\"");
    JsonObject mixed = GmailJson.multipart("multipart/mixed", body, page);
    ReadableMessage m = ReadableMessage.of(GmailJson.message(mixed));
    assertEquals(new ReadableMessage.Text("see attached"), m.body());
    assertEquals("text/html", m.attachments().get(0).mimeType());
  }

  @Test
  void contentIdReferencedByHtmlMarksAnImageInlineEvenOutsideRelated() {
    JsonObject html = GmailJson.part("1", "text/html", bytes("<img src=\"cid:pic1\">"));
    JsonObject img = GmailJson.attachment("2", "image/jpeg", "", "att-pic", "Content-ID", "<pic1>");
    JsonObject other =
        GmailJson.attachment("3", "image/jpeg", "photo.jpg", "att-photo", "Content-ID", "<unused>");
    JsonObject mixed = GmailJson.multipart("multipart/mixed", html, img, other);
    List<ReadableMessage.Attachment> a = ReadableMessage.of(GmailJson.message(mixed)).attachments();
    assertEquals("pic1", a.get(0).contentId());
    assertTrue(a.get(0).inline());
    assertEquals("unused", a.get(1).contentId());
    assertFalse(a.get(1).inline());
  }

  @Test
  void inlineDispositionMarksAnAttachmentInline() {
    JsonObject text = GmailJson.part("1", "text/plain", bytes("x"));
    JsonObject img =
        GmailJson.attachment(
            "2", "image/gif", "dot.gif", "att-gif", "Content-Disposition", "inline");
    JsonObject mixed = GmailJson.multipart("multipart/mixed", text, img);
    ReadableMessage.Attachment a =
        ReadableMessage.of(GmailJson.message(mixed)).attachments().get(0);
    assertTrue(a.inline());
    assertNull(a.contentId());
  }

  @Test
  void aHostilelyDeepTreeIsCutWithANoteAndNoStackOverflow() {
    // 300 levels: far past the walk's bound, still within what the JSON parser itself recurses.
    ReadableMessage m = ReadableMessage.of(GmailJson.parse(nested(300)));
    assertEquals(new ReadableMessage.Empty(), m.body());
    assertTrue(
        m.notes().stream().anyMatch(n -> n.contains("deeper or larger")), m.notes()::toString);
  }

  @Test
  void aTreeWithinTheDepthBoundIsRead() {
    ReadableMessage m = ReadableMessage.of(GmailJson.parse(nested(MimeWalk.MAX_DEPTH - 1)));
    assertEquals(new ReadableMessage.Text("deep"), m.body());
  }

  /** A text part "deep" inside {@code depth} multipart/mixed parts, as Gmail's JSON. */
  private static String nested(int depth) {
    return "{\"id\":\"18c0ffee00000002\",\"payload\":"
        + "{\"mimeType\":\"multipart/mixed\",\"parts\":[".repeat(depth)
        + "{\"mimeType\":\"text/plain\",\"body\":{\"data\":\"ZGVlcA\"}}"
        + "]}".repeat(depth)
        + "}";
  }

  @Test
  void aHostilelyWideTreeIsCutWithANote() {
    JsonObject mixed = GmailJson.part("", "multipart/mixed", null);
    JsonArray parts = new JsonArray();
    for (int i = 0; i < 5000; i++) {
      parts.add(GmailJson.attachment("" + i, "application/octet-stream", "f" + i, "att" + i));
    }
    mixed.add("parts", parts);
    ReadableMessage m = ReadableMessage.of(GmailJson.message(mixed));
    assertEquals(MimeWalk.MAX_PARTS - 1, m.attachments().size());
    assertTrue(m.notes().stream().anyMatch(n -> n.contains("deeper or larger")));
  }

  @Test
  void bodyDataWithPaddingAndWithoutBothDecode() {
    // "ab" is "YWI=" padded; Gmail omits nothing, some stand-ins and senders pad.
    for (String data : new String[] {"YWI=", "YWI"}) {
      JsonObject p = GmailJson.part("", "text/plain", null);
      p.getAsJsonObject("body").addProperty("data", data);
      assertEquals(new ReadableMessage.Text("ab"), ReadableMessage.of(GmailJson.message(p)).body());
    }
  }

  @Test
  void bodyThatIsNotBase64IsANoteNotAnException() {
    JsonObject p = GmailJson.part("", "text/plain", null);
    p.getAsJsonObject("body").addProperty("data", "***not base64***");
    ReadableMessage m = ReadableMessage.of(GmailJson.message(p));
    assertEquals(new ReadableMessage.Empty(), m.body());
    assertEquals(1, m.notes().size());
  }

  @Test
  void aBodyOverTheCapIsCutWithANote() {
    String big = "a".repeat(BodyText.MAX_BODY_CHARS + 10);
    JsonObject p = GmailJson.part("", "text/plain", bytes(big));
    ReadableMessage m = ReadableMessage.of(GmailJson.message(p));
    ReadableMessage.Text t = assertInstanceOf(ReadableMessage.Text.class, m.body());
    assertEquals(BodyText.MAX_BODY_CHARS, t.text().length());
    assertTrue(m.notes().get(0).contains("longer than the reader shows"));
  }

  @Test
  void aMessageWithoutPayloadIsEmptyWithEmptyHeaders() {
    ReadableMessage m = ReadableMessage.of(GmailJson.parse("{\"id\":\"18c0ffee00000009\"}"));
    assertEquals(new ReadableMessage.Empty(), m.body());
    assertEquals("", m.subject());
    assertEquals(List.of(), m.labelIds());
  }

  private static ReadableMessage.Body bodyOf(JsonObject payload) {
    return ReadableMessage.of(GmailJson.message(payload)).body();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
