package io.github.gmailoauth.standin;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jsoup.Jsoup;

/**
 * One stored message as Gmail holds it: its RFC 5322 bytes and the part tree Gmail's API serves
 * from them ({@code format=full}), parsed once when the message is added.
 *
 * <p>Bodies are never copied out of the stored bytes: a parsed message shares its byte array with
 * Jakarta Mail ({@link SharedByteArrayInputStream}), and each leaf part reads its body again, with
 * its Content-Transfer-Encoding undone, whenever it is served. That keeps a 25 MB attachment at one
 * stored copy.
 */
final class StoredMime {

  /**
   * Gmail serves a leaf body through {@code attachments.get} when the part has a filename
   * (MessagePartBody.attachmentId: "When present, contains the ID of an external attachment that
   * can be retrieved in a separate messages.attachments.get request",
   * developers.google.com/gmail/api/reference/rest/v1/users.messages.attachments) and, by reports
   * from client authors, also for large text bodies; the threshold is not documented, so the
   * stand-in picks one that no seed message reaches and a test can pass.
   */
  static final int INLINE_BODY_LIMIT = 512 * 1024;

  /** A header as Gmail lists it: the name as written, the value unfolded (RFC 5322 §2.2.3). */
  record Header(String name, String value) {}

  /** A leaf part's body after its Content-Transfer-Encoding is undone. */
  interface Body {
    long size();

    InputStream open() throws IOException;
  }

  /** One node of Gmail's part tree ({@code MessagePart}). */
  record Part(
      String partId,
      String mimeType,
      String filename,
      List<Header> headers,
      Body body, // null for multipart/*
      List<Part> parts) {

    boolean multipart() {
      return body == null;
    }

    /** Whether Gmail serves this body by attachmentId rather than inline data. */
    boolean servedAsAttachment() {
      return body != null && (!filename.isEmpty() || body.size() > INLINE_BODY_LIMIT);
    }

    /** The first header of that name (case-insensitive), or null. */
    String header(String name) {
      for (Header h : headers) {
        if (h.name().equalsIgnoreCase(name)) {
          return h.value();
        }
      }
      return null;
    }

    /** This part or a descendant with the given partId, or null. */
    Part find(String id) {
      if (partId.equals(id)) {
        return this;
      }
      for (Part p : parts) {
        if (id.equals(p.partId()) || id.startsWith(p.partId() + ".")) {
          return p.find(id);
        }
      }
      return null;
    }

    /** The body's bytes (tests and small text parts only: large bodies are streamed). */
    byte[] bytes() {
      try (InputStream in = body.open()) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Parsing is lenient where Gmail is: an unknown Content-Transfer-Encoding is served as the bytes
   * stand, broken base64 is decoded as far as it goes; header lines may be UTF-8 (RFC 6532); RFC
   * 2231 and RFC 2047 filenames are decoded (Gmail lists them decoded in {@code filename}).
   */
  static final Session SESSION;

  static {
    Properties props = new Properties();
    props.putAll(
        Map.of(
            "mail.mime.allowutf8", "true",
            "mail.mime.ignoreunknownencoding", "true",
            "mail.mime.base64.ignoreerrors", "true",
            "mail.mime.decodefilename", "true",
            "mail.mime.decodeparameters", "true"));
    SESSION = Session.getInstance(props);
  }

  private final byte[] raw; // null until asked for, for synthesised messages
  private final String synthesisedText;
  private final Part root;
  private volatile String snippet; // computed once, on first use

  private StoredMime(byte[] raw, String synthesisedText, Part root) {
    this.raw = raw;
    this.synthesisedText = synthesisedText;
    this.root = root;
  }

  Part root() {
    return root;
  }

  /** Whether the message came as real MIME bytes (addMime) rather than from fields. */
  boolean parsed() {
    return synthesisedText == null;
  }

  /** The RFC 5322 bytes: the stored ones, or for a message added from fields, a text/plain MIME. */
  byte[] raw() {
    if (raw != null) {
      return raw;
    }
    StringBuilder b = new StringBuilder();
    for (Header h : root.headers()) {
      // A header value cannot hold a line break (RFC 5322 §2.2): the fields of a test message
      // may, so they are flattened here; the API still serves the fields exactly.
      b.append(h.name()).append(": ").append(h.value().replaceAll("[\\r\\n\\x00]", " "));
      b.append("\r\n");
    }
    b.append("\r\n");
    b.append(
        Base64.getMimeEncoder().encodeToString(synthesisedText.getBytes(StandardCharsets.UTF_8)));
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A message from the fields of {@code addMessage}: one text/plain part, UTF-8, base64. */
  static StoredMime synthesised(List<Header> envelope, String text) {
    List<Header> headers = new ArrayList<>(envelope);
    headers.add(new Header("MIME-Version", "1.0"));
    headers.add(new Header("Content-Type", "text/plain; charset=\"UTF-8\""));
    headers.add(new Header("Content-Transfer-Encoding", "base64"));
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    Body inMemory =
        new Body() {
          @Override
          public long size() {
            return body.length;
          }

          @Override
          public InputStream open() {
            return new ByteArrayInputStream(body);
          }
        };
    return new StoredMime(
        null, text, new Part("", "text/plain", "", List.copyOf(headers), inMemory, List.of()));
  }

  /** Parses RFC 5322 bytes (kept, not copied) into Gmail's part tree. */
  static StoredMime parse(byte[] rfc5322) {
    try {
      MimeMessage message = new MimeMessage(SESSION, new SharedByteArrayInputStream(rfc5322));
      return new StoredMime(rfc5322, null, part(message, ""));
    } catch (MessagingException e) {
      throw new IllegalArgumentException("not a MIME message: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Gmail's partIds: "" for the message itself, "0", "1", ... for its children, "1.0" for the first
   * child of "1" (see the parsed messages in the answer to stackoverflow.com/q/37445865, whose
   * nested multipart/alternative children are "0.0" and "0.1").
   */
  private static Part part(MimePart p, String id) throws MessagingException, IOException {
    List<Header> headers = new ArrayList<>();
    for (Enumeration<jakarta.mail.Header> e = p.getAllHeaders(); e.hasMoreElements(); ) {
      jakarta.mail.Header h = e.nextElement();
      if (h.getValue() != null) {
        headers.add(new Header(h.getName(), MimeUtility.unfold(h.getValue()).strip()));
      }
    }
    String mimeType = mimeType(p);
    String filename = filename(p);
    if (mimeType.startsWith("multipart/")) {
      MimeMultipart multipart = multipart(p);
      if (multipart != null) {
        List<Part> children = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
          String childId = id.isEmpty() ? String.valueOf(i) : id + "." + i;
          children.add(part((MimeBodyPart) multipart.getBodyPart(i), childId));
        }
        return new Part(id, mimeType, filename, List.copyOf(headers), null, List.copyOf(children));
      }
    }
    return new Part(id, mimeType, filename, List.copyOf(headers), body(p), List.of());
  }

  /** The multipart, or null when it cannot be split (no boundary, say): then a leaf. */
  private static MimeMultipart multipart(MimePart p) {
    try {
      MimeMultipart multipart = new MimeMultipart(new PartSource(p));
      multipart.getCount(); // parses, so a broken one fails here
      return multipart;
    } catch (MessagingException e) {
      return null;
    }
  }

  private static String mimeType(MimePart p) throws MessagingException {
    String header = p.getHeader("Content-Type", null);
    if (header == null) {
      return "text/plain"; // RFC 2045 §5.2
    }
    try {
      return new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
    } catch (ParseException e) {
      return "text/plain";
    }
  }

  private static String filename(MimePart p) {
    try {
      String name = p.getFileName();
      return name == null ? "" : name;
    } catch (MessagingException e) {
      return "";
    }
  }

  /** The body with its transfer encoding undone, read afresh from the shared bytes each time. */
  private static Body body(MimePart p) throws MessagingException, IOException {
    Body body =
        new Body() {
          private long size = -1;

          @Override
          public long size() {
            return size;
          }

          @Override
          public InputStream open() throws IOException {
            try {
              InputStream encoded =
                  p instanceof MimeMessage m ? m.getRawInputStream() : rawStream(p);
              // RFC 2045 section 6.1: a part without Content-Transfer-Encoding is 7bit.
              return MimeUtility.decode(
                  encoded, java.util.Objects.requireNonNullElse(p.getEncoding(), "7bit"));
            } catch (MessagingException e) {
              throw new IOException(e);
            }
          }

          Body measured() throws IOException {
            try (InputStream in = open()) {
              size = in.transferTo(OutputStream.nullOutputStream());
            }
            return this;
          }
        }.measured();
    return body;
  }

  private static InputStream rawStream(MimePart p) throws MessagingException {
    return ((MimeBodyPart) p).getRawInputStream();
  }

  /** Feeds a part's content to {@link MimeMultipart} without copying it. */
  private record PartSource(MimePart part) implements jakarta.activation.DataSource {
    @Override
    public InputStream getInputStream() throws IOException {
      try {
        return part instanceof MimeMessage m
            ? m.getRawInputStream()
            : ((MimeBodyPart) part).getRawInputStream();
      } catch (MessagingException e) {
        throw new IOException(e);
      }
    }

    @Override
    public OutputStream getOutputStream() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String getContentType() {
      try {
        return part.getContentType();
      } catch (MessagingException e) {
        return "multipart/mixed";
      }
    }

    @Override
    public String getName() {
      return "";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Text, as the snippet needs it

  /** A text part's body decoded by its declared charset (ISO-8859-1 when unknown). */
  static String text(Part part) {
    Charset charset = StandardCharsets.ISO_8859_1;
    String declared = null;
    try {
      String type = part.header("Content-Type");
      declared = type == null ? null : new ContentType(type).getParameter("charset");
    } catch (ParseException e) {
      // no charset: ISO-8859-1 keeps every byte
    }
    if (declared == null) {
      declared = "us-ascii";
    }
    try {
      charset = Charset.forName(MimeUtility.javaCharset(declared.trim()));
    } catch (IllegalArgumentException e) {
      // unknown or illegal charset name: ISO-8859-1 keeps every byte
    }
    return new String(part.bytes(), charset);
  }

  /**
   * Gmail's snippet: the start of the message's text, whitespace collapsed, HTML-escaped (Gmail
   * delivers {@code &#39;}, {@code &quot;}, {@code &amp;}, {@code &lt;}, {@code &gt;}, as the seed
   * data shows). The text comes from the first text/plain body part, else the first text/html one's
   * text.
   */
  String snippet() {
    String s = snippet;
    if (s == null) {
      s = snippetOf(root);
      snippet = s;
    }
    return s;
  }

  private static String snippetOf(Part root) {
    Part plain = firstText(root, "text/plain");
    Part html = plain == null ? firstText(root, "text/html") : null;
    String text = plain != null ? text(plain) : html != null ? Jsoup.parse(text(html)).text() : "";
    text = text.replaceAll("\\s+", " ").strip();
    if (text.length() > 200) {
      text = text.substring(0, 200);
    }
    return Web.html(text);
  }

  private static Part firstText(Part p, String type) {
    if (!p.multipart()) {
      String disposition = p.header("Content-Disposition");
      boolean attached =
          !p.filename().isEmpty()
              || (disposition != null
                  && disposition.strip().toLowerCase(Locale.ROOT).startsWith("attachment"));
      return p.mimeType().equals(type) && !attached ? p : null;
    }
    for (Part child : p.parts()) {
      Part found = firstText(child, type);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
