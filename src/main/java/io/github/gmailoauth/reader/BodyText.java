package io.github.gmailoauth.reader;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Turns one text part's {@code body.data} (base64url, as Gmail sends it) into characters by the
 * part's declared charset. Never throws: an unknown charset or broken bytes give a best-effort text
 * and a note for the page.
 */
final class BodyText {
  /**
   * At most this many characters of one body are kept (2 Mi chars, about 2 MB of ASCII text):
   * Gmail's own web client clips a message at 102 KB, and a 2 MB body is already far more than a
   * person reads in a frame, while it keeps the sanitiser's work per page bounded.
   */
  static final int MAX_BODY_CHARS = 2 * 1024 * 1024;

  /** A charset name longer than this is not a name any registry knows; it is cut in the note. */
  private static final int MAX_CHARSET_NAME_IN_NOTE = 40;

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private BodyText() {}

  /**
   * The bytes of {@code data}: base64url with or without padding (Gmail omits none, senders vary).
   */
  static byte[] base64url(String data) {
    if (data == null || data.isEmpty()) {
      return new byte[0];
    }
    StringBuilder clean = new StringBuilder(data.length());
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      switch (c) {
        case '+' -> clean.append('-');
        case '/' -> clean.append('_');
        case '=', ' ', '\t', '\r', '\n' -> {}
        default -> clean.append(c);
      }
    }
    // A dangling single character (length % 4 == 1) carries no whole byte.
    if (clean.length() % 4 == 1) {
      clean.setLength(clean.length() - 1);
    }
    try {
      return Base64.getUrlDecoder().decode(clean.toString());
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  /**
   * The text of {@code bytes} in the charset {@code declared} names ({@code null}: none declared).
   * Notes for the person go to {@code notes}.
   */
  static String decode(byte[] bytes, String declared, List<String> notes) {
    String text;
    if (declared == null || declared.isBlank()) {
      // RFC 2046 section 4.1.2: no charset parameter means US-ASCII. Real mail often carries
      // 8-bit text anyway, so bytes above 127 are read as UTF-8 when they are valid UTF-8, else
      // as windows-1252 (what browsers do with such text).
      text = lenient(bytes);
    } else {
      String name = declared.trim();
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("us-ascii") || lower.equals("ascii")) {
        // Declared US-ASCII with 8-bit bytes is the most common mislabel: same leniency.
        text = lenient(bytes);
      } else if (lower.equals("iso-8859-1") || lower.equals("latin1") || lower.equals("l1")) {
        // The WHATWG Encoding Standard (section 4.2, "Names and labels") reads these labels as
        // windows-1252, as every browser does: 0x80-0x9F are the curly quotes and dashes senders
        // mean, not C1 control characters. For bytes outside 0x80-0x9F both agree.
        text = strict(bytes, WINDOWS_1252);
      } else {
        Charset charset = charsetOrNull(name);
        if (charset == null) {
          text = lenient(bytes);
          notes.add(
              "This message declares the unknown character set \""
                  + HeaderText.printable(name, MAX_CHARSET_NAME_IN_NOTE)
                  + "\"; it is shown as "
                  + (isUtf8(bytes) ? "UTF-8" : "windows-1252")
                  + ", so some characters may be wrong.");
        } else {
          text = strict(bytes, charset);
        }
      }
    }
    if (text.length() > MAX_BODY_CHARS) {
      int cut = MAX_BODY_CHARS;
      if (Character.isHighSurrogate(text.charAt(cut - 1))) {
        cut--;
      }
      text = text.substring(0, cut);
      notes.add(
          "This message is longer than the reader shows ("
              + MAX_BODY_CHARS / (1024 * 1024)
              + " million characters); open it in Gmail to read the rest.");
    }
    return text;
  }

  private static Charset charsetOrNull(String name) {
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
      return null;
    }
  }

  /**
   * Malformed or unmappable bytes become U+FFFD: a wrong byte costs one character, not the body.
   */
  private static String strict(byte[] bytes, Charset charset) {
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException cannotHappenWithReplace) {
      return new String(bytes, charset);
    }
  }

  private static String lenient(byte[] bytes) {
    return isUtf8(bytes) ? new String(bytes, StandardCharsets.UTF_8) : strict(bytes, WINDOWS_1252);
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      CharBuffer unused =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      return unused != null;
    } catch (CharacterCodingException notUtf8) {
      return false;
    }
  }
}
