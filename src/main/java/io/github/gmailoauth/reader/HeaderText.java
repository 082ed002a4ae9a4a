package io.github.gmailoauth.reader;

import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;

/**
 * One header value as a person reads it: RFC 2047 encoded-words decoded once, control characters
 * removed, length capped.
 *
 * <p>What Gmail delivers: Google's reference says only that {@code MessagePartHeader.value} is "the
 * value of the header after the : separator" (developers.google.com/gmail/api/reference/rest/v1/
 * users.messages, MessagePartHeader). Other Gmail API clients report that Gmail already decodes
 * encoded-words in {@code format=full} headers (for example a Gmail backend whose docstring says
 * "the Gmail API already decodes encoded-word headers (RFC 2047) before returning them", found with
 * the code search; not checked against live Gmail here). Decoding once more is still right for both
 * cases: text without encoded-words passes {@link MimeUtility#decodeText} unchanged, and a value
 * Gmail left raw (or a stand-in that serves raw headers) is decoded. The one difference is a
 * decoded value that itself looks like an encoded-word, which would be decoded a second time if
 * Gmail had already decoded it; that only changes displayed text, never markup (the page escapes
 * it).
 */
final class HeaderText {
  /**
   * A header value longer than this is cut (a Subject is rarely over 200; To lists can be long).
   */
  static final int MAX_HEADER_CHARS = 4096;

  /** Raw input beyond this is not even decoded: bounds the work a hostile header can cause. */
  private static final int MAX_RAW_CHARS = 4 * MAX_HEADER_CHARS;

  private HeaderText() {}

  /** {@code raw} (may be null) decoded once per RFC 2047, printable, at most the cap long. */
  static String decode(String raw) {
    if (raw == null) {
      return "";
    }
    String value = raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) : raw;
    String decoded;
    try {
      // decodeText decodes each whitespace-separated encoded-word, drops the whitespace between
      // adjacent encoded-words (RFC 2047 section 6.2) and leaves a malformed word as written.
      decoded = MimeUtility.decodeText(value);
    } catch (UnsupportedEncodingException | RuntimeException unknownCharset) {
      decoded = value;
    }
    return printable(decoded, MAX_HEADER_CHARS);
  }

  /**
   * {@code s} without control characters (C0 but tab, DEL, C1; a line break, e.g. from folding,
   * becomes a space), cut at {@code max} characters with an ellipsis.
   */
  static String printable(String s, int max) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), max + 1));
    for (int i = 0; i < s.length() && out.length() <= max; i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n') {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
          out.append(' ');
        }
      } else if (c == '\t' || !(c < 0x20 || (c >= 0x7f && c <= 0x9f))) {
        out.append(c);
      }
    }
    if (out.length() > max) {
      int cut = max - 1;
      if (Character.isHighSurrogate(out.charAt(cut - 1))) {
        cut--;
      }
      out.setLength(cut);
      out.append('\u2026');
    }
    return out.toString();
  }
}
