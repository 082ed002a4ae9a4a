package io.github.gmailoauth.google;

/**
 * Decodes the character references Gmail puts in snippets ({@code &#39;}, {@code &amp;}, {@code
 * &quot;}, ...), once. The result is plain text and must still be escaped when shown. Why not
 * jsoup, and how to go back to it: docs/decisions/0003-snippet-entities-by-hand.md.
 */
final class HtmlEntities {
  private HtmlEntities() {}

  static String decode(String s) {
    if (s == null || s.indexOf('&') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int semi = c == '&' ? s.indexOf(';', i + 1) : -1;
      if (semi > i + 1 && semi - i <= 10) {
        String decoded = reference(s.substring(i + 1, semi));
        if (decoded != null) {
          out.append(decoded);
          i = semi + 1;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static String reference(String name) {
    switch (name) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return "\"";
      case "apos":
        return "'";
      case "nbsp":
        return "\u00a0";
      default:
        break;
    }
    if (name.startsWith("#")) {
      try {
        int codePoint =
            name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X')
                ? Integer.parseInt(name.substring(2), 16)
                : Integer.parseInt(name.substring(1));
        // Refuse NUL, surrogates and out-of-range values rather than produce broken text.
        if (codePoint > 0
            && codePoint <= Character.MAX_CODE_POINT
            && !(codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
          return new String(Character.toChars(codePoint));
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
