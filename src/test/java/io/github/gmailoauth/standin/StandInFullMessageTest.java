package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gmailoauth.standin.SeedMailbox.FullMessage;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * Full messages in the stand-in: {@code format=full} read with the Google client library's own
 * parser and checked part by part against Jakarta Mail's independent reading of the same bytes;
 * {@code attachments.get}, {@code format=raw}, the scope rules, and the demo mailbox's MIME.
 */
class StandInFullMessageTest extends StandInTestSupport {

  private static final Session READER = Session.getInstance(new Properties());

  @Test
  void everyDemoMessageIsServedAsGmailsPartTreeOfItsOwnBytes() throws Exception {
    String token = login().getAccessToken();
    StandInUser user = google.defaultUser();
    for (FullMessage which : FullMessage.values()) {
      StandInMessage stored = SeedMailbox.find(user, which);
      byte[] raw = user.rfc5322(stored);
      Message full = getMessage(token, stored.id(), "full");
      assertEquals(stored.id(), full.getId());
      assertEquals(stored.snippet(), full.getSnippet());
      assertEquals(raw.length, full.getSizeEstimate(), which + ": sizeEstimate is the raw size");
      MimeMessage oracle = new MimeMessage(READER, new ByteArrayInputStream(raw));
      assertPartMatches(token, stored.id(), oracle, full.getPayload(), "", which.name());
      assertEquals(stored.from(), header(full, "From"));
      assertEquals(stored.subject(), header(full, "Subject"));
    }
  }

  @Test
  void partIdsTypesAndFilenamesOfTheNestedShapes() throws Exception {
    String token = login().getAccessToken();
    StandInUser user = google.defaultUser();

    Message inline =
        getMessage(token, SeedMailbox.find(user, FullMessage.INLINE_IMAGE).id(), "full");
    assertEquals(List.of("", "0", "0.0", "0.1", "1"), partIds(inline.getPayload()));
    assertEquals(
        List.of(
            "multipart/related", "multipart/alternative", "text/plain", "text/html", "image/png"),
        walk(inline.getPayload()).stream().map(MessagePart::getMimeType).toList());
    MessagePart image = inline.getPayload().getParts().get(1);
    assertEquals("logo.png", image.getFilename());
    assertEquals(
        "<" + SeedMailbox.INLINE_IMAGE_CONTENT_ID + ">",
        image.getHeaders().stream()
            .filter(h -> h.getName().equals("Content-ID"))
            .findFirst()
            .orElseThrow()
            .getValue());
    assertNull(image.getBody().getData(), "an inline image is an attachment at Gmail");
    byte[] png = attachment(token, inline.getId(), image.getBody().getAttachmentId());
    assertNotNull(ImageIO.read(new ByteArrayInputStream(png)), "a real PNG");
    for (MessagePart container :
        List.of(inline.getPayload(), inline.getPayload().getParts().get(0))) {
      assertEquals(0, container.getBody().getSize());
      assertNull(container.getBody().getData());
    }
    // Encoded-words reach the application as written (RFC 2047), folded lines unfolded.
    String subject = header(inline, "Subject");
    assertTrue(subject.startsWith("=?UTF-8?B?") && !subject.contains("\n"), subject);
    assertEquals(SeedMailbox.RFC_2047_SUBJECT, MimeUtility.decodeText(subject));

    Message mixed = getMessage(token, SeedMailbox.find(user, FullMessage.ATTACHMENTS).id(), "full");
    assertEquals(List.of("", "0", "1", "2", "3"), partIds(mixed.getPayload()));
    assertEquals(
        List.of("", "", "report.pdf", "statement.html", "invoice.pdf.exe"),
        walk(mixed.getPayload()).stream().map(MessagePart::getFilename).toList());
    assertEquals(
        List.of("multipart/mixed", "text/plain", "application/pdf", "text/html", "application/pdf"),
        walk(mixed.getPayload()).stream().map(MessagePart::getMimeType).toList());
    List<MessagePart> files = mixed.getPayload().getParts().subList(1, 4);
    byte[] pdf = attachment(token, mixed.getId(), files.get(0).getBody().getAttachmentId());
    assertArrayEquals(SeedMime.pdf(), pdf);
    String pdfText = new String(pdf, StandardCharsets.US_ASCII);
    assertTrue(pdfText.startsWith("%PDF-1.4\n") && pdfText.endsWith("%%EOF\n"));
    int xref = Integer.parseInt(pdfText.replaceAll("(?s).*startxref\n(\\d+)\n%%EOF\n", "$1"));
    assertTrue(pdfText.startsWith("xref\n", xref), "startxref points at the xref table");
    assertEquals(
        SeedMailbox.HTML_ATTACHMENT,
        new String(
            attachment(token, mixed.getId(), files.get(1).getBody().getAttachmentId()),
            StandardCharsets.UTF_8));
    byte[] exe = attachment(token, mixed.getId(), files.get(2).getBody().getAttachmentId());
    assertEquals("MZ", new String(exe, 0, 2, StandardCharsets.US_ASCII));
    assertEquals(exe.length, files.get(2).getBody().getSize());

    Message single = getMessage(token, SeedMailbox.find(user, FullMessage.LATIN1).id(), "full");
    assertEquals(List.of(""), partIds(single.getPayload()));
    assertEquals("text/plain", single.getPayload().getMimeType());
    assertEquals(
        // Jakarta Mail wrote the text with canonical CRLF line breaks (RFC 2046 §4.1.1).
        "Bonjour,\r\n\r\n" + SeedMailbox.LATIN1_TEXT + "\r\n\r\nZoë\r\n",
        new String(single.getPayload().getBody().decodeData(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void theDemoMessagesCarryWhatTheirNamesPromise() throws Exception {
    StandInUser user = google.defaultUser();
    MimeMessage newsletter = mime(user, FullMessage.NEWSLETTER);
    Document html = Jsoup.parse(textOf(newsletter, "text/html"));
    List<String> images = html.select("img").eachAttr("src");
    assertEquals(2, images.stream().filter(s -> s.startsWith("https://")).count(), images + "");
    assertEquals(1, images.stream().filter(s -> s.startsWith("http://")).count(), images + "");
    assertTrue(textOf(newsletter, "text/plain").contains("https://engine-weekly.example/"));

    assertEquals(
        SeedMailbox.PLAIN_TEXT_BODY, mime(user, FullMessage.PLAIN_TEXT).getContent().toString());
    assertTrue(SeedMailbox.PLAIN_TEXT_BODY.contains("https://"));

    for (Object[] c :
        List.of(
            new Object[] {FullMessage.LATIN1, "iso-8859-1", SeedMailbox.LATIN1_TEXT},
            new Object[] {FullMessage.WINDOWS_1252, "windows-1252", SeedMailbox.WINDOWS_1252_TEXT},
            new Object[] {FullMessage.ISO_2022_JP, "iso-2022-jp", SeedMailbox.ISO_2022_JP_TEXT},
            new Object[] {FullMessage.SHIFT_JIS, "shift_jis", SeedMailbox.SHIFT_JIS_TEXT},
            new Object[] {FullMessage.GB18030, "gb18030", SeedMailbox.GB18030_TEXT})) {
      MimeMessage m = mime(user, (FullMessage) c[0]);
      ContentType type = new ContentType(m.getContentType());
      assertEquals(c[1], type.getParameter("charset").toLowerCase(Locale.ROOT), c[0] + "");
      assertTrue(m.getContent().toString().contains((String) c[2]), c[0] + ": text survives");
      byte[] body = m.getInputStream().readAllBytes();
      assertNotEquals(
          new String(body, StandardCharsets.UTF_8).contains((String) c[2]),
          true,
          c[0] + ": the bytes are not UTF-8, so reading them as UTF-8 is wrong");
      assertTrue(
          MimeUtility.decodeText(m.getHeader("Subject", null))
              .codePoints()
              .anyMatch(cp -> cp > 127),
          c[0] + ": a non-ASCII subject in an encoded-word");
    }
    assertEquals("7bit", mime(user, FullMessage.ISO_2022_JP).getEncoding(), "ISO-2022-JP as sent");

    MimeMessage inline = mime(user, FullMessage.INLINE_IMAGE);
    assertTrue(textOf(inline, "text/html").contains("cid:" + SeedMailbox.INLINE_IMAGE_CONTENT_ID));
    assertTrue(inline.getContentType().startsWith("multipart/related"));

    String hostile = textOf(mime(user, FullMessage.HOSTILE), "text/html");
    for (String vector :
        List.of(
            "<script>",
            "onerror=",
            "javascript:",
            "<svg onload",
            "http-equiv=\"refresh\"",
            "<base href",
            "expression(",
            "<form action")) {
      assertTrue(hostile.contains(vector), vector);
    }
  }

  @Test
  void attachmentIdsAreNewOnEveryGetAndEveryIssuedIdKeepsWorking() throws Exception {
    String token = login().getAccessToken();
    StandInUser user = google.defaultUser();
    String id = SeedMailbox.find(user, FullMessage.ATTACHMENTS).id();
    MessagePart firstPdf = getMessage(token, id, "full").getPayload().getParts().get(1);
    MessagePart secondPdf = getMessage(token, id, "full").getPayload().getParts().get(1);
    String first = firstPdf.getBody().getAttachmentId();
    String second = secondPdf.getBody().getAttachmentId();
    assertNotEquals(first, second);
    assertArrayEquals(SeedMime.pdf(), attachment(token, id, first));
    assertArrayEquals(SeedMime.pdf(), attachment(token, id, second));
    assertEquals(firstPdf.getBody().getSize(), secondPdf.getBody().getSize());

    // The data is base64url without padding; the body of format=full is padded.
    JsonObject answer =
        JsonParser.parseString(attachmentRaw(token, id, first).body()).getAsJsonObject();
    assertEquals(SeedMime.pdf().length, answer.get("size").getAsInt());
    assertTrue(!answer.get("data").getAsString().contains("="));
    assertEquals(Set.of("size", "data"), answer.keySet());

    // Unknown ids, ids of another message, and made-up ids: Google's 404.
    String other = SeedMailbox.find(user, FullMessage.INLINE_IMAGE).id();
    for (String[] wrong :
        List.of(
            new String[] {id, "ANGjdJ_not-an-id"},
            new String[] {id, Base64.getUrlEncoder().encodeToString(new byte[80])},
            new String[] {other, first},
            new String[] {"ffffffffffffffff", first})) {
      HttpResponse<String> notFound = attachmentRaw(token, wrong[0], wrong[1]);
      assertEquals(404, notFound.statusCode());
      JsonObject error = jsonOf(notFound).getAsJsonObject("error");
      assertEquals(404, error.get("code").getAsInt());
      assertEquals("NOT_FOUND", error.get("status").getAsString());
    }
    // A part that is served inline has no attachment: a well-formed id for it is refused too.
    AttachmentIds ids = new AttachmentIds(new java.security.SecureRandom());
    assertEquals(404, attachmentRaw(token, id, ids.issue(id, "0")).statusCode());
  }

  @Test
  void rawIsTheStoredBytesAndMetadataShowsTheRealHeaders() throws Exception {
    String token = login().getAccessToken();
    StandInUser user = google.defaultUser();
    for (StandInMessage m :
        List.of(
            SeedMailbox.find(user, FullMessage.GB18030),
            SeedMailbox.find(user, FullMessage.ATTACHMENTS),
            user.messages().get(0))) {
      JsonObject raw = jsonOf(getRaw(token, m.id(), "raw"));
      String encoded = raw.get("raw").getAsString();
      assertEquals(0, encoded.length() % 4, "format=raw is padded");
      assertArrayEquals(user.rfc5322(m), Base64.getUrlDecoder().decode(encoded));
      // Jakarta Mail reads the same headers back, whether stored or made from fields.
      MimeMessage parsed = new MimeMessage(READER, new ByteArrayInputStream(user.rfc5322(m)));
      assertEquals(m.from(), MimeUtility.unfold(parsed.getHeader("From", null)));
    }

    StandInMessage gb = SeedMailbox.find(user, FullMessage.GB18030);
    HttpResponse<String> answer =
        getRaw(token, gb.id(), "metadata&metadataHeaders=subject&metadataHeaders=Content-Type");
    Message metadata = json.createJsonParser(answer.body()).parseAndClose(Message.class);
    assertEquals(
        List.of("Subject", "Content-Type"),
        metadata.getPayload().getHeaders().stream().map(MessagePartHeader::getName).toList());
    assertEquals("=?GB18030?B?u+HS6bjExtrNqNaq?=", header(metadata, "Subject"));
    assertEquals("text/html", metadata.getPayload().getMimeType());
    assertNull(metadata.getPayload().getParts());
    assertNull(metadata.getPayload().getBody().getData());
  }

  @Test
  void theMetadataScopeReadsNoBodyAndNoAttachment() throws Exception {
    StandInUser user = google.defaultUser();
    String token =
        google.issueAccessToken(user, List.of("https://www.googleapis.com/auth/gmail.metadata"));
    String full = login().getAccessToken();
    String id = SeedMailbox.find(user, FullMessage.ATTACHMENTS).id();
    String attachmentId =
        getMessage(full, id, "full").getPayload().getParts().get(1).getBody().getAttachmentId();
    for (HttpResponse<String> refused :
        List.of(
            getRaw(token, id, "full"),
            getRaw(token, id, "raw"),
            attachmentRaw(token, id, attachmentId))) {
      assertEquals(403, refused.statusCode(), refused.body());
      assertEquals(
          "PERMISSION_DENIED",
          jsonOf(refused).getAsJsonObject("error").get("status").getAsString());
    }
    assertEquals(200, getRaw(token, id, "metadata").statusCode());
  }

  @Test
  void faultsApplyToAttachmentsToo() throws Exception {
    String token = login().getAccessToken();
    String id = SeedMailbox.find(google.defaultUser(), FullMessage.ATTACHMENTS).id();
    String attachmentId =
        getMessage(token, id, "full").getPayload().getParts().get(1).getBody().getAttachmentId();
    google.failGmail(503, 1);
    assertEquals(503, attachmentRaw(token, id, attachmentId).statusCode());
    assertEquals(200, attachmentRaw(token, id, attachmentId).statusCode());
    assertEquals(401, attachmentRaw("not-a-token", id, attachmentId).statusCode());
  }

  @Test
  void anyShapeAddedAsMimeIsServedFromItsOwnBytes() throws Exception {
    StandInUser user = google.addUser("117000000000000000009", "shapes@example.com", "Shapes");
    String token = google.issueAccessToken(user, SCOPES);
    Session writer = Session.getInstance(new Properties());

    MimeMessage m = new MimeMessage(writer);
    m.setFrom(new InternetAddress("soren@example.dk", "Søren", "UTF-8"));
    m.setSubject("Nested <shapes> & a big body — ünïcödé", "UTF-8");
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText("Plain 'text' with <markup> & ünïcödé.\n", "UTF-8");
    alternative.addBodyPart(plain);
    MimeBodyPart html = new MimeBodyPart();
    html.setText("<p>HTML <b>text</b></p>", "UTF-8", "html");
    html.setHeader("Content-Transfer-Encoding", "base64");
    alternative.addBodyPart(html);
    MimeBodyPart alternativePart = new MimeBodyPart();
    alternativePart.setContent(alternative);
    mixed.addBodyPart(alternativePart);
    // A big text body without a filename: Gmail hands it out by attachmentId as well.
    StringBuilder big = new StringBuilder();
    while (big.length() <= StoredMime.INLINE_BODY_LIMIT) {
      big.append("A long line of the log file, again and again. ");
    }
    MimeBodyPart log = new MimeBodyPart();
    log.setText(big.toString(), "US-ASCII");
    mixed.addBodyPart(log);
    // RFC 2231 filename with non-ASCII characters, binary content.
    MimeBodyPart file = new MimeBodyPart();
    byte[] bytes = new byte[4099];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    file.setDataHandler(
        new jakarta.activation.DataHandler(
            new ByteArrayDataSource(bytes, "application/octet-stream")));
    file.setFileName("résumé 2026.bin");
    file.setDisposition(BodyPart.ATTACHMENT);
    mixed.addBodyPart(file);
    m.setContent(mixed);
    m.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    byte[] raw = out.toByteArray();

    StandInMessage stored = user.addMime(raw, Instant.parse("2026-01-02T03:04:05Z"), "INBOX");
    assertEquals("Plain &#39;text&#39; with &lt;markup&gt; &amp; ünïcödé.", stored.snippet());
    assertEquals(MimeUtility.unfold(m.getHeader("Subject", null)), stored.subject());
    assertTrue(stored.subject().startsWith("=?UTF-8?"), stored.subject());

    Message full = getMessage(token, stored.id(), "full");
    assertEquals(List.of("", "0", "0.0", "0.1", "1", "2"), partIds(full.getPayload()));
    MimeMessage oracle = new MimeMessage(READER, new ByteArrayInputStream(raw));
    assertPartMatches(token, stored.id(), oracle, full.getPayload(), "", "shapes");
    MessagePart logPart = full.getPayload().getParts().get(1);
    assertEquals("", logPart.getFilename());
    assertNotNull(logPart.getBody().getAttachmentId(), "a large body is an attachment");
    assertEquals("résumé 2026.bin", full.getPayload().getParts().get(2).getFilename());
    assertEquals(
        List.of(stored.id()),
        listAll(gmail(token), "has:attachment", 100),
        "has:attachment finds it");
    assertEquals(List.of(stored.id()), listAll(gmail(token), "subject:shapes", 100));
  }

  /** RFC 2045 section 6.1: no Content-Transfer-Encoding header means "7bit". */
  @Test
  void aMessageWithoutATransferEncodingHeaderIsSevenBit() throws Exception {
    StandInUser user = google.addUser("117000000000000000011", "bare@example.com", "Bare");
    String token = google.issueAccessToken(user, SCOPES);
    byte[] raw =
        ("From: bare@example.org\r\n"
                + "Subject: bare\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "No transfer encoding header at all.\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    StandInMessage stored = user.addMime(raw, Instant.parse("2026-01-02T03:04:05Z"), "INBOX");

    Message full = getMessage(token, stored.id(), "full");
    assertEquals(
        "No transfer encoding header at all.\r\n",
        new String(
            full.getPayload().getBody().decodeData(), java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void aTwentyFiveMegabyteAttachmentComesBackWhole() throws Exception {
    StandInUser user = google.addUser("117000000000000000010", "big@example.com", "Big");
    String token = google.issueAccessToken(user, SCOPES);
    byte[] payload = new byte[25 * 1024 * 1024];
    new java.util.Random(42).nextBytes(payload);
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("big@example.org"));
    m.setSubject("25 MB");
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("The archive.\n");
    mixed.addBodyPart(text);
    MimeBodyPart file = new MimeBodyPart();
    file.setDataHandler(
        new jakarta.activation.DataHandler(new ByteArrayDataSource(payload, "application/zip")));
    file.setFileName("archive.zip");
    mixed.addBodyPart(file);
    m.setContent(mixed);
    m.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    StandInMessage stored = user.addMime(out.toByteArray(), Instant.now(), "INBOX");

    MessagePart part = getMessage(token, stored.id(), "full").getPayload().getParts().get(1);
    assertEquals(payload.length, part.getBody().getSize());
    HttpResponse<InputStream> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        google.apiRootUrl()
                            + "gmail/v1/users/me/messages/"
                            + stored.id()
                            + "/attachments/"
                            + part.getBody().getAttachmentId()))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, answer.statusCode());
    MessagePartBody body =
        json.createJsonParser(answer.body()).parseAndClose(MessagePartBody.class);
    assertEquals(payload.length, body.getSize());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    assertArrayEquals(sha.digest(payload), sha.digest(body.decodeData()));
  }

  // ---------------------------------------------------------------------------------------------

  /** Gmail's part against Jakarta Mail's reading of the same part, recursively. */
  private void assertPartMatches(
      String token,
      String messageId,
      MimePart expected,
      MessagePart actual,
      String partId,
      String what)
      throws Exception {
    String where = what + " part '" + partId + "'";
    assertEquals(partId, actual.getPartId(), where);
    assertEquals(
        new ContentType(expected.getContentType()).getBaseType().toLowerCase(Locale.ROOT),
        actual.getMimeType(),
        where);
    String filename = expected.getFileName();
    assertEquals(
        filename == null ? "" : MimeUtility.decodeText(filename), actual.getFilename(), where);
    List<String[]> headers = new ArrayList<>();
    for (Enumeration<jakarta.mail.Header> e = expected.getAllHeaders(); e.hasMoreElements(); ) {
      jakarta.mail.Header h = e.nextElement();
      headers.add(new String[] {h.getName(), MimeUtility.unfold(h.getValue()).strip()});
    }
    assertEquals(headers.size(), actual.getHeaders().size(), where + " headers");
    for (int i = 0; i < headers.size(); i++) {
      assertEquals(headers.get(i)[0], actual.getHeaders().get(i).getName(), where);
      assertEquals(headers.get(i)[1], actual.getHeaders().get(i).getValue(), where);
    }
    Object content = expected.getContent();
    if (content instanceof Multipart multipart) {
      assertEquals(0, actual.getBody().getSize(), where);
      assertNull(actual.getBody().getData(), where);
      assertEquals(multipart.getCount(), actual.getParts().size(), where);
      for (int i = 0; i < multipart.getCount(); i++) {
        String child = partId.isEmpty() ? String.valueOf(i) : partId + "." + i;
        assertPartMatches(
            token,
            messageId,
            (MimePart) multipart.getBodyPart(i),
            actual.getParts().get(i),
            child,
            what);
      }
      return;
    }
    assertNull(actual.getParts(), where);
    byte[] bytes;
    try (InputStream in = expected.getInputStream()) {
      bytes = in.readAllBytes();
    }
    assertEquals(bytes.length, actual.getBody().getSize(), where + " size");
    if (actual.getBody().getAttachmentId() != null) {
      assertNull(actual.getBody().getData(), where);
      assertArrayEquals(
          bytes, attachment(token, messageId, actual.getBody().getAttachmentId()), where);
    } else {
      assertTrue(actual.getFilename().isEmpty(), where + ": a file is served as an attachment");
      assertArrayEquals(bytes, actual.getBody().decodeData(), where);
      assertEquals(0, actual.getBody().getData().length() % 4, where + ": body data is padded");
    }
  }

  private static List<MessagePart> walk(MessagePart root) {
    List<MessagePart> out = new ArrayList<>();
    out.add(root);
    for (MessagePart child : root.getParts() == null ? List.<MessagePart>of() : root.getParts()) {
      out.addAll(walk(child));
    }
    return out;
  }

  private static List<String> partIds(MessagePart root) {
    return walk(root).stream().map(MessagePart::getPartId).toList();
  }

  private static MimeMessage mime(StandInUser user, FullMessage which) throws Exception {
    return new MimeMessage(
        READER, new ByteArrayInputStream(user.rfc5322(SeedMailbox.find(user, which))));
  }

  /** The first part of that type, decoded by its charset. */
  private static String textOf(jakarta.mail.Part p, String type) throws Exception {
    if (p.isMimeType(type)) {
      return p.getContent().toString();
    }
    if (p.getContent() instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        String found = textOf(multipart.getBodyPart(i), type);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private Message getMessage(String token, String id, String format) throws Exception {
    HttpResponse<String> answer = getRaw(token, id, format);
    assertEquals(200, answer.statusCode(), answer.body());
    return json.createJsonParser(answer.body()).parseAndClose(Message.class);
  }

  private HttpResponse<String> getRaw(String token, String id, String formatAndMore)
      throws Exception {
    return send(token, id + "?format=" + formatAndMore);
  }

  private HttpResponse<String> attachmentRaw(String token, String messageId, String attachmentId)
      throws Exception {
    return send(token, messageId + "/attachments/" + attachmentId);
  }

  /** A GET of {@code users/me/messages/<rest>} with the bearer token, over real HTTP. */
  private HttpResponse<String> send(String token, String rest) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(google.apiRootUrl() + "gmail/v1/users/me/messages/" + rest))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private byte[] attachment(String token, String messageId, String attachmentId) throws Exception {
    HttpResponse<String> answer = attachmentRaw(token, messageId, attachmentId);
    assertEquals(200, answer.statusCode(), answer.body());
    MessagePartBody body =
        json.createJsonParser(answer.body()).parseAndClose(MessagePartBody.class);
    byte[] data = body.decodeData();
    assertEquals(data.length, body.getSize());
    return data;
  }
}
