package io.github.gmailoauth.reader;

import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.TestApp;
import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * RFC 5322 messages for the reader's tests, written by Jakarta Mail (angus-mail), so that the MIME
 * the stand-in serves is a mail library's, not this project's.
 */
final class TestMail {
  private final String subject;
  private String from = "\"Ada Lovelace\" <ada@example.org>";
  private String to = "\"Grace Hopper\" <grace@example.org>";
  private String cc;
  private String html;
  private String text;
  private final List<MimeBodyPart> attachments = new ArrayList<>();
  private final List<MimeBodyPart> inline = new ArrayList<>();

  private TestMail(String subject) {
    this.subject = subject;
  }

  static TestMail subject(String subject) {
    return new TestMail(subject);
  }

  /** From, To and Cc (null for none), each as a header would name them. */
  TestMail people(String fromHeader, String toHeader, String ccHeader) {
    from = fromHeader;
    to = toHeader;
    cc = ccHeader;
    return this;
  }

  TestMail html(String value) {
    html = value;
    return this;
  }

  TestMail text(String value) {
    text = value;
    return this;
  }

  TestMail attach(String filename, String type, byte[] bytes) throws Exception {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
    part.setFileName(filename);
    part.setDisposition(MimeBodyPart.ATTACHMENT);
    attachments.add(part);
    return this;
  }

  /** An image the HTML shows as {@code cid:contentId}. */
  TestMail inlineImage(String contentId, String type, byte[] bytes) throws Exception {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
    part.setContentID("<" + contentId + ">");
    part.setDisposition(MimeBodyPart.INLINE);
    part.setFileName(contentId + "." + type.substring(type.indexOf('/') + 1));
    inline.add(part);
    return this;
  }

  /** The addresses of {@code header}, each display name RFC 2047-encoded where it needs it. */
  private static InternetAddress[] encoded(String header) throws Exception {
    InternetAddress[] parsed = InternetAddress.parse(header);
    InternetAddress[] out = new InternetAddress[parsed.length];
    for (int i = 0; i < parsed.length; i++) {
      out[i] =
          parsed[i].getPersonal() == null
              ? parsed[i]
              : new InternetAddress(parsed[i].getAddress(), parsed[i].getPersonal(), "UTF-8");
    }
    return out;
  }

  /**
   * Adds this message to the stand-in's default mailbox, received now, and forgets the requests so
   * far, so that a test sees only the calls of what it does next.
   */
  StandInMessage addTo(TestApp app, String... labelIds) throws Exception {
    StandInMessage m = app.google.defaultUser().addMime(bytes(), Instant.now(), labelIds);
    app.google.clearRequests();
    return m;
  }

  byte[] bytes() throws Exception {
    MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
    message.setFrom(encoded(from)[0]);
    message.setRecipients(MimeMessage.RecipientType.TO, encoded(to));
    if (cc != null) {
      message.setRecipients(MimeMessage.RecipientType.CC, encoded(cc));
    }
    message.setSubject(subject, "UTF-8");
    MimeBodyPart body = new MimeBodyPart();
    if (html != null) {
      body.setText(html, "UTF-8", "html");
    } else {
      body.setText(text == null ? "" : text, "UTF-8");
    }
    if (!inline.isEmpty()) {
      MimeMultipart related = new MimeMultipart("related");
      related.addBodyPart(body);
      for (MimeBodyPart p : inline) {
        related.addBodyPart(p);
      }
      body = new MimeBodyPart();
      body.setContent(related);
    }
    if (attachments.isEmpty() && inline.isEmpty()) {
      if (html != null) {
        message.setText(html, "UTF-8", "html");
      } else {
        message.setText(text == null ? "" : text, "UTF-8");
      }
    } else if (attachments.isEmpty()) {
      message.setContent((MimeMultipart) body.getContent());
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      for (MimeBodyPart p : attachments) {
        mixed.addBodyPart(p);
      }
      message.setContent(mixed);
    }
    message.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }
}
