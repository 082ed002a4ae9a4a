package io.github.gmailoauth.oauth;

import java.util.Locale;

/**
 * The page to return to after sign-in: a same-site path, so the sign-in can never be turned into an
 * open redirect. Anything else falls back to the message list.
 *
 * <p>What is checked is what is sent. The servlet container normalises a redirect's path (RFC 3986
 * §5.2.4) before it writes {@code Location}, so {@code /.//evil.example} would leave as the
 * protocol-relative {@code //evil.example}. Here the path's dot segments are removed first and the
 * result is checked; the result has no dot segment left, so the container's normalisation changes
 * nothing, and the browser resolves exactly the path that was checked.
 *
 * <p>Accepted: an absolute path (RFC 3986 §3.3 path-absolute, not starting with {@code //}) of
 * unreserved characters, sub-delimiters except {@code ;} and percent-encodings other than an
 * encoded slash, backslash, dot, NUL or percent sign; then optionally {@code ?} and a query (§3.4).
 * No fragment, no empty segment, no {@code :}, {@code @} or {@code ;} in the path, nothing outside
 * printable ASCII. The app's own links ({@code Links.encode}) always have this form.
 */
public final class ReturnTo {
  public static final String DEFAULT = "/messages";
  static final int MAX_LENGTH = 2048;

  private ReturnTo() {}

  public static String sanitize(String candidate) {
    if (candidate == null
        || candidate.isEmpty()
        || candidate.length() > MAX_LENGTH
        || candidate.charAt(0) != '/') {
      return DEFAULT;
    }
    int question = candidate.indexOf('?');
    String rawPath = question < 0 ? candidate : candidate.substring(0, question);
    String query = question < 0 ? null : candidate.substring(question + 1);
    if (!isPath(rawPath) || (query != null && !isQuery(query))) {
      return DEFAULT;
    }
    String path = removeDotSegments(rawPath);
    // "//host" would be a network-path reference (RFC 3986 §4.2): another site. An empty segment
    // anywhere else is one Jetty calls ambiguous and refuses to redirect to (a 500).
    if (!path.startsWith("/") || path.contains("//")) {
      return DEFAULT;
    }
    return query == null ? path : path + "?" + query;
  }

  /**
   * RFC 3986 §5.2.4 remove_dot_segments, for an absolute path. Written here because {@code
   * java.net.URI.normalize()} follows RFC 2396 and keeps a {@code ..} that climbs above the root
   * ({@code /../a} stays {@code /../a}), and the container's own normaliser is not visible to a
   * webapp.
   */
  static String removeDotSegments(String path) {
    StringBuilder output = new StringBuilder(path.length());
    String input = path;
    while (!input.isEmpty()) {
      if (input.startsWith("../")) {
        input = input.substring(3);
      } else if (input.startsWith("./") || input.startsWith("/./")) {
        input = input.substring(2);
      } else if (input.equals("/.")) {
        input = "/";
      } else if (input.startsWith("/../")) {
        input = input.substring(3);
        dropLastSegment(output);
      } else if (input.equals("/..")) {
        input = "/";
        dropLastSegment(output);
      } else if (input.equals(".") || input.equals("..")) {
        input = "";
      } else {
        int end = input.indexOf('/', input.startsWith("/") ? 1 : 0);
        end = end < 0 ? input.length() : end;
        output.append(input, 0, end);
        input = input.substring(end);
      }
    }
    return output.toString();
  }

  private static void dropLastSegment(StringBuilder output) {
    output.setLength(Math.max(0, output.lastIndexOf("/")));
  }

  private static boolean isPath(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (!isPercentEncoding(path, i)) {
          return false;
        }
        // Decoded by some server or browser into '/', '\', '.', NUL or another escape.
        String encoded = path.substring(i + 1, i + 3).toLowerCase(Locale.ROOT);
        if (encoded.equals("2f")
            || encoded.equals("5c")
            || encoded.equals("2e")
            || encoded.equals("00")
            || encoded.equals("25")) {
          return false;
        }
        i += 2;
      } else if (!(isUnreserved(c) || c == '/' || isSubDelimiter(c) && c != ';')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isQuery(String query) {
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%') {
        if (!isPercentEncoding(query, i)) {
          return false;
        }
        i += 2;
      } else if (!(isUnreserved(c)
          || isSubDelimiter(c)
          || c == ':'
          || c == '@'
          || c == '/'
          || c == '?')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPercentEncoding(String s, int at) {
    return at + 2 < s.length() && isHexDigit(s.charAt(at + 1)) && isHexDigit(s.charAt(at + 2));
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** RFC 3986 §2.3. */
  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** RFC 3986 §2.2. */
  private static boolean isSubDelimiter(char c) {
    return "!$&'()*+,;=".indexOf(c) >= 0;
  }
}
