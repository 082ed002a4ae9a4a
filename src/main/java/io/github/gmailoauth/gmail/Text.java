package io.github.gmailoauth.gmail;

/** Makes untrusted text from Gmail safe to lay out; escaping is the template's job. */
public final class Text {
  private Text() {}

  /**
   * Drops control characters (NUL, CR/LF, bidi overrides that could reorder the page) and lone
   * surrogates, then cuts to {@code max} code points with an ellipsis.
   */
  public static String truncate(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), max * 2));
    int count = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      // Printable ASCII, most of any mail, needs no look-up.
      if ((cp < 0x20 || cp > 0x7E) && unsafe(cp)) {
        cp = cp == '\n' || cp == '\r' || cp == '\t' ? ' ' : -1;
      }
      if (cp < 0) {
        continue;
      }
      if (count == max) {
        out.append('…');
        break;
      }
      out.appendCodePoint(cp);
      count++;
    }
    return out.toString();
  }

  private static boolean unsafe(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT && isBidiControl(cp)
        || (cp >= 0xD800 && cp <= 0xDFFF);
  }

  private static boolean isBidiControl(int cp) {
    return (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x200E
        || cp == 0x200F;
  }
}
