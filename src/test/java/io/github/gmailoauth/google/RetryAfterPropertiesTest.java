package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link RetryAfter} against outside oracles: {@link BigInteger} for delay-seconds of any length
 * and java.time's RFC 1123 formatter for HTTP-dates (RFC 9110 §10.2.3), plus the invariants a
 * hostile header must not break: never an exception, never negative, never more than a day.
 */
class RetryAfterPropertiesTest {
  private static final Instant NOW = Instant.parse("2026-12-02T20:00:00Z");
  private static final BigInteger MAX_SECONDS = BigInteger.valueOf(RetryAfter.MAX.toSeconds());

  @Property(tries = 300)
  void delaySecondsOfAnyLengthIsTheNumberClampedToADay(
      @ForAll("digits") String digits, @ForAll("ows") String ows) {
    BigInteger seconds = new BigInteger(digits);
    Duration expected = Duration.ofSeconds(seconds.min(MAX_SECONDS).longValueExact());
    assertEquals(expected, RetryAfter.delay(ows + digits + ows, NOW), digits);
  }

  @Property(tries = 300)
  void anHttpDateIsTheTimeUntilThenClampedToZeroAndADay(
      @ForAll @LongRange(min = -4_000_000_000L, max = 4_000_000_000L) long secondsFromNow) {
    Instant when = NOW.plusSeconds(secondsFromNow);
    String header = DateTimeFormatter.RFC_1123_DATE_TIME.format(when.atOffset(ZoneOffset.UTC));
    Duration expected =
        Duration.ofSeconds(Math.max(0, Math.min(secondsFromNow, RetryAfter.MAX.toSeconds())));
    assertEquals(expected, RetryAfter.delay(header, NOW), header);
  }

  @Property(tries = 500)
  void anyHeaderValueIsNullOrAWaitWithinADayAndNeverThrows(@ForAll("headerish") String value) {
    Duration d = RetryAfter.delay(value, NOW);
    assertTrue(
        d == null || (!d.isNegative() && d.compareTo(RetryAfter.MAX) <= 0), value + " -> " + d);
  }

  @Property(tries = 200)
  void negativeOrSignedOrFractionalNumbersAreNotDelaySeconds(
      @ForAll @LongRange(min = 0, max = 1_000_000) long n, @ForAll("signs") String sign) {
    assertNull(RetryAfter.delay(sign + n, NOW));
    assertNull(RetryAfter.delay(n + ".5", NOW));
  }

  @Example
  void theValueThatWrappedALongIsADay() {
    assertEquals(RetryAfter.MAX, RetryAfter.delay("18446744073709", NOW));
    assertEquals(RetryAfter.MAX, RetryAfter.delay("99999999999999999999999999999999", NOW));
  }

  @Example
  void absentAndUnreadableValuesLeaveTheDecisionToTheCaller() {
    assertNull(RetryAfter.delay(null, NOW));
    assertNull(RetryAfter.delay("", NOW));
    assertNull(RetryAfter.delay("soon", NOW));
    // Not ASCII digits: Arabic-Indic and fullwidth digits are not delay-seconds (RFC 5234 DIGIT).
    assertNull(RetryAfter.delay("\u0663\u0660", NOW));
    assertNull(RetryAfter.delay("\uFF13\uFF10", NOW));
    assertEquals(Duration.ofSeconds(120), RetryAfter.delay("Wed, 02 Dec 2026 20:02:00 GMT", NOW));
  }

  @Provide
  Arbitrary<String> digits() {
    return Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> ows() {
    return Arbitraries.strings().withChars(' ', '\t').ofMaxLength(3);
  }

  @Provide
  Arbitrary<String> signs() {
    return Arbitraries.of("-", "+");
  }

  /** Digits, date-like text, signs, spaces and anything else, in any mix. */
  @Provide
  Arbitrary<String> headerish() {
    // Years 1019 to 8307: four digits, as an IMF-fixdate has.
    Arbitrary<String> dateLike =
        Arbitraries.longs()
            .between(-30_000_000_000L, 200_000_000_000L)
            .map(
                s ->
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochSecond(s).atOffset(ZoneOffset.UTC)));
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789 -+.,:GMTWedDec").ofMaxLength(80),
        Arbitraries.strings().ofMaxLength(80),
        dateLike,
        dateLike.map(d -> d.replace("GMT", "+2359")));
  }

  @Property(tries = 100)
  void anythingLongerThanAHeaderIsNotRead(@ForAll @StringLength(min = 65, max = 200) String junk) {
    assertNull(RetryAfter.delay(junk.replaceAll("[^0-9]", "1").substring(0, 65), NOW));
  }
}
