package io.github.gmailoauth.reader;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The headers of an attachment download: a {@code Content-Disposition: attachment} whose filename
 * survives every browser (RFC 6266 section 4.3 with RFC 8187's {@code filename*}), and a {@code
 * Content-Type} that only names types on a short list of ones no browser runs.
 */
public final class Downloads {
  private Downloads() {}

  /** The name when nothing of the sender's is left. */
  static final String FALLBACK_NAME = "attachment";

  /**
   * Longest name kept, in code points: file systems allow 255 bytes, and 120 code points of up to 2
   * UTF-16 units each stay clear of that with room for a browser's " (1)" suffix.
   */
  static final int MAX_NAME_CODE_POINTS = 120;

  /** An extension this short or shorter survives the cut (so "….pdf.exe" stays an .exe). */
  private static final int MAX_KEPT_EXTENSION = 16;

  /**
   * Types a browser shows as inert content (a document viewer or an image decoder) and never runs
   * as script in the app's origin, each with the file extensions it must carry. Everything else,
   * text/html, image/svg+xml, application/xhtml+xml, XML, JavaScript, and text/plain too, goes out
   * as application/octet-stream: the download is an attachment either way, so the only thing a type
   * adds is how a browser opens it afterwards. text/plain is left off because browsers that predate
   * nosniff sniff "text/plain" bodies for HTML, and a plain-text file loses nothing as
   * octet-stream.
   */
  private static final Map<String, java.util.Set<String>> SAFE_TYPES =
      Map.of(
          "application/pdf", java.util.Set.of("pdf"),
          "image/png", java.util.Set.of("png"),
          "image/jpeg", java.util.Set.of("jpg", "jpeg", "jpe", "jfif"),
          "image/gif", java.util.Set.of("gif"),
          "image/webp", java.util.Set.of("webp"));

  private static final String OCTET_STREAM = "application/octet-stream";

  /**
   * {@code attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>}: no path
   * (anything up to the last / or \ dropped), no control characters, never empty.
   */
  public static String contentDisposition(String filename) {
    String name = cleanName(filename);
    return "attachment; filename=\""
        + asciiFallback(name)
        + "\"; filename*=UTF-8''"
        + rfc8187(name);
  }

  /**
   * The name a download is saved under: the last path segment, without control characters (C0, DEL,
   * C1), bidi embedding/override/isolate controls (U+202A-U+202E, U+2066-U+2069, which can make
   * "exe.pdf" display for "fdp.exe"), unpaired surrogates, or leading/trailing spaces; cut to
   * {@value #MAX_NAME_CODE_POINTS} code points keeping a short extension; {@value #FALLBACK_NAME}
   * when nothing is left.
   */
  public static String cleanName(String filename) {
    if (filename == null) {
      return FALLBACK_NAME;
    }
    int slash = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
    String last = filename.substring(slash + 1);
    StringBuilder kept = new StringBuilder(last.length());
    for (int i = 0; i < last.length(); ) {
      int cp = last.codePointAt(i);
      i += Character.charCount(cp);
      boolean control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
      boolean bidi = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
      boolean loneSurrogate = Character.isSurrogate((char) cp) && cp <= 0xffff;
      if (!control && !bidi && !loneSurrogate) {
        kept.appendCodePoint(cp);
      }
    }
    String name = kept.toString().strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME_CODE_POINTS) {
      int dot = name.lastIndexOf('.');
      String extension =
          dot > 0 && name.length() - dot <= MAX_KEPT_EXTENSION ? name.substring(dot) : "";
      int keep = MAX_NAME_CODE_POINTS - extension.codePointCount(0, extension.length());
      name = name.substring(0, name.offsetByCodePoints(0, keep)).strip() + extension;
    }
    return name.isEmpty() || name.equals(".") || name.equals("..") ? FALLBACK_NAME : name;
  }

  /**
   * RFC 6266 section 4.3: the plain {@code filename} is for old user agents only, so it keeps
   * letters, digits and a few punctuation marks and turns everything else into "_": no quote or
   * backslash can end the quoted-string, no "%" invites percent-decoding, no "=?" RFC 2047.
   */
  private static String asciiFallback(String name) {
    StringBuilder out = new StringBuilder(name.length());
    name.codePoints()
        .forEach(
            cp -> {
              boolean plain =
                  (cp >= 'a' && cp <= 'z')
                      || (cp >= 'A' && cp <= 'Z')
                      || (cp >= '0' && cp <= '9')
                      || " ._-()+,".indexOf(cp) >= 0;
              out.append(plain ? (char) cp : '_');
            });
    return out.toString();
  }

  /** RFC 8187 section 3.2.1: UTF-8 bytes, attr-char as is, every other byte as %XX. */
  private static String rfc8187(String name) {
    StringBuilder out = new StringBuilder(name.length() * 3);
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean attrChar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * {@code declared} when it is on the safe list (e.g. application/pdf, image/png), else {@code
   * application/octet-stream}.
   */
  public static String contentType(String declared) {
    String type = bareType(declared);
    return SAFE_TYPES.containsKey(type) ? type : OCTET_STREAM;
  }

  /**
   * Like {@link #contentType(String)}, and the file's real (last) extension must match the type:
   * {@code invoice.pdf.exe} declared as application/pdf goes out as application/octet-stream, so a
   * browser that opens it after download does not hand an executable to a PDF viewer under a
   * trusted-looking type (the saved name keeps ".exe", so the operating system sees what it is).
   */
  public static String contentType(String declared, String filename) {
    String type = contentType(declared);
    if (type.equals(OCTET_STREAM)) {
      return type;
    }
    String name = cleanName(filename);
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return SAFE_TYPES.get(type).contains(extension) ? type : OCTET_STREAM;
  }

  private static String bareType(String declared) {
    if (declared == null) {
      return "";
    }
    int semicolon = declared.indexOf(';');
    String bare = semicolon < 0 ? declared : declared.substring(0, semicolon);
    return bare.strip().toLowerCase(Locale.ROOT);
  }
}
