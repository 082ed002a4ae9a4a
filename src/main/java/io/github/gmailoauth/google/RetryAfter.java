package io.github.gmailoauth.google;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): {@code delay-seconds} (1*DIGIT, the form
 * Google sends) or an {@code HTTP-date} (the IMF-fixdate of §5.6.7, read by java.time's RFC 1123
 * parser). The value comes from Google and is hostile: any size is clamped to {@link #MAX} before
 * it is used in arithmetic, so "18446744073709" seconds is "a day", never a wrapped negative.
 *
 * <p>The obsolete RFC 850 and asctime date forms of §5.6.7 are not read: Google does not send them,
 * and an unread value only means the caller's own backoff applies.
 */
public final class RetryAfter {
  /** Far longer than anyone waits for a page; a longer wait means "not now" just the same. */
  static final Duration MAX = Duration.ofDays(1);

  /** An IMF-fixdate is 29 characters; anything much longer is not a Retry-After. */
  private static final int MAX_CHARS = 64;

  /** Digits beyond this many (1e9 s is 31 years) are clamped without being parsed. */
  private static final int MAX_DIGITS = 9;

  private RetryAfter() {}

  /**
   * How long {@code value} asks to wait, from {@code now}, within [0, {@link #MAX}]; null when the
   * header is absent or is neither form (then the caller's own backoff decides). A date in the past
   * means "now" (zero).
   */
  public static Duration delay(String value, Instant now) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.isEmpty() || v.length() > MAX_CHARS) {
      return null;
    }
    if (isDigits(v)) {
      String significant = v.replaceFirst("^0+(?=.)", "");
      if (significant.length() > MAX_DIGITS) {
        return MAX;
      }
      return clamp(Duration.ofSeconds(Long.parseLong(significant)));
    }
    try {
      Instant when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return clamp(Duration.between(now, when));
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static Duration clamp(Duration d) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  /** ASCII digits only: {@link Character#isDigit} would also take other scripts' digits. */
  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
