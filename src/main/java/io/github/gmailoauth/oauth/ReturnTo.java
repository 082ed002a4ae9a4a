package io.github.gmailoauth.oauth;

/**
 * The page to return to after sign-in. Only a same-site path is accepted, so the sign-in can never
 * be turned into an open redirect: one leading '/', then no second '/' or '\' (protocol-relative
 * URLs), no scheme, no '@', no control or non-ASCII characters and no percent-encoded slash,
 * backslash or dot tricks. Anything else falls back to the message list.
 */
public final class ReturnTo {
  public static final String DEFAULT = "/messages";
  static final int MAX_LENGTH = 2048;

  private ReturnTo() {}

  public static String sanitize(String candidate) {
    if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
      return DEFAULT;
    }
    if (candidate.charAt(0) != '/' || candidate.startsWith("//") || candidate.startsWith("/\\")) {
      return DEFAULT;
    }
    for (int i = 0; i < candidate.length(); i++) {
      char c = candidate.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '\\' || c == '@') {
        return DEFAULT;
      }
    }
    String lower = candidate.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("%00")
        || lower.contains("/../") || lower.endsWith("/..") || lower.contains("%25")) {
      return DEFAULT;
    }
    int colon = candidate.indexOf(':');
    int query = candidate.indexOf('?');
    if (colon >= 0 && (query < 0 || colon < query)) {
      return DEFAULT;
    }
    return candidate;
  }
}
