package io.github.gmailoauth.reader;

import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Walks the MIME tree of Gmail's {@code format=full} answer once: picks the body a reader shows and
 * collects the parts Gmail stores as attachments. Depth and part count are bounded, so a hostile
 * tree costs a fixed amount of work and no stack.
 */
final class MimeWalk {
  /** Deeper than this no mail client nests (a forward of a forward is about 6 levels). */
  static final int MAX_DEPTH = 32;

  /** More parts than this are ignored (Gmail itself caps a message at 25 MB). */
  static final int MAX_PARTS = 1000;

  /** A body candidate: the text of one part, and whether it is HTML. */
  record Candidate(boolean html, String text) {}

  private record Pending(
      String partId,
      String filename,
      String mimeType,
      long size,
      String contentId,
      boolean inlineDeclared,
      String attachmentId) {}

  private final List<String> notes;
  private final List<Pending> pending = new ArrayList<>();
  private int partsSeen;
  private boolean cutShort;

  private MimeWalk(List<String> notes) {
    this.notes = notes;
  }

  record Result(ReadableMessage.Body body, List<ReadableMessage.Attachment> attachments) {}

  static Result of(MessagePart payload, List<String> notes) {
    MimeWalk walk = new MimeWalk(notes);
    Candidate chosen = payload == null ? null : walk.visit(payload, 0, false);
    if (walk.cutShort) {
      notes.add(
          "This message's structure is deeper or larger than the reader follows; some parts are"
              + " not shown.");
    }
    ReadableMessage.Body body =
        chosen == null
            ? new ReadableMessage.Empty()
            : chosen.html()
                ? new ReadableMessage.Html(chosen.text())
                : new ReadableMessage.Text(chosen.text());
    String html = chosen != null && chosen.html() ? chosen.text() : "";
    List<ReadableMessage.Attachment> attachments = new ArrayList<>();
    for (Pending p : walk.pending) {
      boolean referenced =
          p.contentId() != null
              && !p.contentId().isEmpty()
              && html.contains("cid:" + p.contentId());
      attachments.add(
          new ReadableMessage.Attachment(
              p.partId(),
              p.filename(),
              p.mimeType(),
              p.size(),
              p.contentId(),
              p.inlineDeclared() || referenced,
              p.attachmentId()));
    }
    return new Result(body, List.copyOf(attachments));
  }

  /** The best body inside {@code part}, or null; attachments found on the way are collected. */
  private Candidate visit(MessagePart part, int depth, boolean insideRelated) {
    if (depth > MAX_DEPTH || ++partsSeen > MAX_PARTS) {
      cutShort = true;
      return null;
    }
    String mimeType = mimeType(part);
    MessagePartBody body = part.getBody();
    String attachmentId = body == null ? null : body.getAttachmentId();
    String filename = part.getFilename() == null ? "" : part.getFilename();
    String disposition = dispositionType(header(part, "Content-Disposition"));

    if (mimeType.startsWith("multipart/")) {
      return visitChildren(part, mimeType, depth);
    }
    boolean text = mimeType.equals("text/html") || mimeType.equals("text/plain");
    boolean storedAsAttachment =
        attachmentId != null || !filename.isEmpty() || "attachment".equals(disposition);
    if (text && !storedAsAttachment) {
      byte[] bytes = BodyText.base64url(body == null ? null : body.getData());
      if (bytes == null) {
        notes.add("A text part of this message is not valid base64url and is not shown.");
        return null;
      }
      String decoded = BodyText.decode(bytes, charset(header(part, "Content-Type")), notes);
      return new Candidate(mimeType.equals("text/html"), decoded);
    }
    if (attachmentId != null || !filename.isEmpty()) {
      String contentId = contentId(header(part, "Content-ID"));
      pending.add(
          new Pending(
              part.getPartId() == null ? "" : part.getPartId(),
              HeaderText.printable(filename, HeaderText.MAX_HEADER_CHARS),
              mimeType,
              body == null || body.getSize() == null ? 0 : body.getSize(),
              contentId,
              "inline".equals(disposition) || (insideRelated && contentId != null),
              attachmentId));
      return null;
    }
    if (part.getParts() != null) {
      // message/rfc822 and similar containers Gmail expands: look inside.
      return visitChildren(part, mimeType, depth);
    }
    return null;
  }

  private Candidate visitChildren(MessagePart part, String mimeType, int depth) {
    List<MessagePart> children = part.getParts();
    if (children == null || children.isEmpty()) {
      return null;
    }
    boolean alternative = mimeType.equals("multipart/alternative");
    boolean related = mimeType.equals("multipart/related");
    Candidate html = null;
    Candidate plain = null;
    for (int i = 0; i < children.size(); i++) {
      MessagePart child = children.get(i);
      if (child == null) {
        continue;
      }
      Candidate c = visit(child, depth + 1, related);
      if (c == null) {
        continue;
      }
      if (related && i > 0) {
        // RFC 2387 section 3.1: the root of multipart/related is its first part (the "start"
        // parameter is rare and Gmail does not expose it); later text parts are resources.
        continue;
      }
      if (alternative) {
        // RFC 2046 section 5.1.4: alternatives come in increasing faithfulness, so the last
        // acceptable one is the best.
        if (c.html()) {
          html = c;
        } else {
          plain = c;
        }
      } else {
        // multipart/mixed and others: the first body of each kind is the message's text.
        if (c.html() && html == null) {
          html = c;
        } else if (!c.html() && plain == null) {
          plain = c;
        }
      }
    }
    return html != null ? html : plain;
  }

  private static String mimeType(MessagePart part) {
    String declared = part.getMimeType();
    if (declared == null || declared.isBlank()) {
      String header = header(part, "Content-Type");
      declared = header == null ? "" : header;
    }
    int semicolon = declared.indexOf(';');
    String bare = semicolon < 0 ? declared : declared.substring(0, semicolon);
    bare = bare.trim().toLowerCase(Locale.ROOT);
    return bare.length() > 100 ? bare.substring(0, 100) : bare;
  }

  static String header(MessagePart part, String name) {
    List<MessagePartHeader> headers = part.getHeaders();
    if (headers == null) {
      return null;
    }
    for (MessagePartHeader h : headers) {
      if (h != null && name.equalsIgnoreCase(h.getName())) {
        return h.getValue();
      }
    }
    return null;
  }

  /** The charset parameter of a Content-Type value (RFC 2045 section 5.1, RFC 2231), or null. */
  static String charset(String contentType) {
    if (contentType == null) {
      return null;
    }
    try {
      return new ContentType(contentType).getParameter("charset");
    } catch (ParseException | RuntimeException malformed) {
      // A broken Content-Type still usually says charset=...; take the token after it.
      String lower = contentType.toLowerCase(Locale.ROOT);
      int at = lower.indexOf("charset=");
      if (at < 0) {
        return null;
      }
      String rest = contentType.substring(at + "charset=".length()).trim();
      StringBuilder name = new StringBuilder();
      for (int i = 0; i < rest.length() && name.length() < 64; i++) {
        char c = rest.charAt(i);
        if (c == '"' || c == '\'') {
          continue;
        }
        if (c == ';' || Character.isWhitespace(c)) {
          break;
        }
        name.append(c);
      }
      return name.length() == 0 ? null : name.toString();
    }
  }

  private static String dispositionType(String value) {
    if (value == null) {
      return null;
    }
    try {
      String type = new ContentDisposition(value).getDisposition();
      return type == null ? null : type.toLowerCase(Locale.ROOT);
    } catch (ParseException | RuntimeException malformed) {
      String lower = value.trim().toLowerCase(Locale.ROOT);
      return lower.startsWith("inline")
          ? "inline"
          : lower.startsWith("attachment") ? "attachment" : null;
    }
  }

  /** The Content-ID without its angle brackets (RFC 2392), printable and short, or null. */
  private static String contentId(String value) {
    if (value == null) {
      return null;
    }
    String id = value.trim();
    if (id.startsWith("<")) {
      id = id.substring(1);
    }
    if (id.endsWith(">")) {
      id = id.substring(0, id.length() - 1);
    }
    id = HeaderText.printable(id.trim(), 256);
    return id.isEmpty() ? null : id;
  }
}
