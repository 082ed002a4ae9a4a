package io.github.gmailoauth.standin;

import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A useful subset of Gmail's search syntax, enough for an application's search box to behave
 * plausibly: every term must match (implicit AND), a leading '-' negates a term, double quotes
 * group a phrase, and these operators are understood: {@code from: to: subject:
 * is:unread|read|starred|important in:inbox|sent|anywhere|<label> label: after: before: newer_than:
 * older_than: has:attachment}. Anything else, including an unknown {@code word:value}, is a plain
 * word: a case-insensitive substring of the sender, the subject or the (unescaped) snippet.
 */
final class GmailQuery {

  private final List<Predicate<StandInUser.Entry>> terms;

  private GmailQuery(List<Predicate<StandInUser.Entry>> terms) {
    this.terms = terms;
  }

  static GmailQuery parse(String q, Instant now) {
    List<Predicate<StandInUser.Entry>> terms = new ArrayList<>();
    if (q != null) {
      for (String token : tokenize(q)) {
        boolean negate = token.length() > 1 && token.startsWith("-");
        Predicate<StandInUser.Entry> term = term(negate ? token.substring(1) : token, now);
        if (term != null) {
          terms.add(negate ? term.negate() : term);
        }
      }
    }
    return new GmailQuery(terms);
  }

  boolean matches(StandInUser.Entry entry) {
    for (Predicate<StandInUser.Entry> t : terms) {
      if (!t.test(entry)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Splits on whitespace outside quotes and drops the quotes ({@code subject:"a b"} is one token).
   */
  private static List<String> tokenize(String q) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          tokens.add(current.toString());
        }
        current.setLength(0);
        any = false;
      } else {
        current.append(c);
        any = true;
      }
    }
    if (any) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  private static Predicate<StandInUser.Entry> term(String token, Instant now) {
    if (token.isEmpty()) {
      return null;
    }
    int colon = token.indexOf(':');
    if (colon > 0) {
      String op = token.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = token.substring(colon + 1);
      String v = value.toLowerCase(Locale.ROOT);
      Predicate<StandInUser.Entry> p =
          switch (op) {
            case "from" -> e -> contains(decoded(e.message().from()), v);
            case "to" -> e -> contains(e.to(), v);
            case "subject" -> e -> contains(decoded(e.message().subject()), v);
            case "is" ->
                switch (v) {
                  case "unread" -> label("UNREAD");
                  case "read" -> label("UNREAD").negate();
                  case "starred" -> label("STARRED");
                  case "important" -> label("IMPORTANT");
                  default -> null;
                };
            case "in" -> v.equals("anywhere") ? e -> true : label(value.toUpperCase(Locale.ROOT));
            case "label" ->
                e ->
                    e.message().labelIds().stream()
                        .anyMatch(
                            l ->
                                l.equalsIgnoreCase(value)
                                    || l.equalsIgnoreCase(value.replace('-', '_')));
            case "has" -> v.equals("attachment") ? e -> hasAttachment(e.mime().root()) : null;
            case "after" -> dateBound(value, true);
            case "before" -> dateBound(value, false);
            case "newer_than" -> relative(value, now, true);
            case "older_than" -> relative(value, now, false);
            default -> null;
          };
      if (p != null) {
        return p;
      }
    }
    String word = token.toLowerCase(Locale.ROOT);
    return e ->
        contains(decoded(e.message().from()), word)
            || contains(decoded(e.message().subject()), word)
            || contains(Web.unescapeHtml(e.message().snippet()), word);
  }

  /** Gmail searches header text, not its RFC 2047 encoded-words. */
  private static String decoded(String header) {
    if (!header.contains("=?")) {
      return header;
    }
    try {
      return MimeUtility.decodeText(header);
    } catch (UnsupportedEncodingException e) {
      return header;
    }
  }

  private static boolean hasAttachment(StoredMime.Part p) {
    return !p.filename().isEmpty() || p.parts().stream().anyMatch(GmailQuery::hasAttachment);
  }

  private static boolean contains(String haystack, String lowerNeedle) {
    return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
  }

  private static Predicate<StandInUser.Entry> label(String id) {
    return e -> e.message().hasLabel(id);
  }

  /** {@code after:2024/01/31}, {@code before:2024-01-31} or epoch seconds, as Gmail accepts. */
  private static Predicate<StandInUser.Entry> dateBound(String value, boolean after) {
    Instant bound;
    try {
      if (value.matches("\\d{9,}")) {
        bound = Instant.ofEpochSecond(Long.parseLong(value));
      } else {
        String[] ymd = value.split("[/-]");
        bound =
            LocalDate.of(
                    Integer.parseInt(ymd[0]), Integer.parseInt(ymd[1]), Integer.parseInt(ymd[2]))
                .atStartOfDay(ZoneId.systemDefault())
                .toInstant();
      }
    } catch (RuntimeException e) {
      return null;
    }
    return after
        ? e -> !e.message().date().isBefore(bound)
        : e -> e.message().date().isBefore(bound);
  }

  /** {@code newer_than:2d}, {@code older_than:1y}; units d, m (months) and y. */
  private static Predicate<StandInUser.Entry> relative(String value, Instant now, boolean newer) {
    if (!value.matches("\\d+[dmyDMY]")) {
      return null;
    }
    long n = Long.parseLong(value.substring(0, value.length() - 1));
    ChronoUnit unit =
        switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
          case 'd' -> ChronoUnit.DAYS;
          case 'm' -> ChronoUnit.MONTHS;
          default -> ChronoUnit.YEARS;
        };
    Instant bound;
    try {
      bound = now.atZone(ZoneId.systemDefault()).minus(n, unit).toInstant();
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
    return newer ? e -> e.message().date().isAfter(bound) : e -> !e.message().date().isAfter(bound);
  }
}
