package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 2047 encoded-words in the headers a reader shows, decoded once. */
class HeaderDecodingTest {

  static Stream<Arguments> encodedWords() {
    return Stream.of(
        Arguments.of("B encoding", "=?UTF-8?B?w4lsw6h2ZQ==?=", "\u00c9l\u00e8ve"),
        Arguments.of(
            "Q encoding, underscore is space",
            "=?ISO-8859-1?Q?Caf=E9_cr=E8me?=",
            "Caf\u00e9 cr\u00e8me"),
        Arguments.of("lower-case b and q", "=?utf-8?b?4pyU?= =?utf-8?q?_ok?=", "\u2714 ok"),
        // RFC 2047 section 6.2: whitespace between adjacent encoded-words is not displayed.
        Arguments.of(
            "adjacent words join",
            "=?UTF-8?Q?Hello,?= =?UTF-8?Q?_World?=\r\n =?UTF-8?B?IQ==?=",
            "Hello, World!"),
        Arguments.of(
            "text around words keeps its spaces",
            "Re: =?UTF-8?Q?na=C3=AFve?= idea",
            "Re: na\u00efve idea"),
        Arguments.of(
            "ISO-2022-JP word", "=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "\u65e5\u672c\u8a9e"),
        Arguments.of("plain text untouched", "Quarterly report (Q3)", "Quarterly report (Q3)"),
        // Malformed words are left as written (RFC 2047 section 6.3: show them as ordinary text).
        Arguments.of("unterminated word", "=?UTF-8?B?w4lsw6h2ZQ==", "=?UTF-8?B?w4lsw6h2ZQ=="),
        Arguments.of("unknown encoding letter", "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="),
        Arguments.of("unknown charset", "=?x-nonsense?Q?abc?=", "=?x-nonsense?Q?abc?="),
        Arguments.of("word glued to text is not a word", "abc=?UTF-8?Q?d?=", "abc=?UTF-8?Q?d?="),
        // Decoded once: the decoded text looks like an encoded-word and stays so.
        Arguments.of(
            "decoded once", "=?UTF-8?B?PT9VVEYtOD9CP1NHVnNiRzg9Pz0=?=", "=?UTF-8?B?SGVsbG8=?="));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodedWords")
  void subjectIsDecoded(String label, String raw, String expected) {
    assertEquals(expected, subject(raw));
  }

  @Test
  void controlCharactersOtherThanTabAreRemovedAfterDecoding() {
    // An encoded NUL, BEL, ESC, DEL and C1 NEL; a tab stays; an encoded line break is a space.
    assertEquals("a\tb c", subject("=?UTF-8?Q?a=09b=00=07=1B=7F=C2=85=0Ac?="));
  }

  @Test
  void aLongHeaderIsCutWithAnEllipsis() {
    String s = subject("x".repeat(100_000));
    assertEquals(HeaderText.MAX_HEADER_CHARS, s.length());
    assertTrue(s.endsWith("\u2026"));
  }

  @Test
  void fromToCcDateAreDecodedToo() {
    JsonObject p =
        GmailJson.part(
            "",
            "text/plain",
            new byte[0],
            "From",
            "=?UTF-8?Q?J=C3=BCrgen?= <j@example.com>",
            "To",
            "=?UTF-8?B?5bGx55Sw?= <y@example.com>, b@example.com",
            "Cc",
            "=?ISO-8859-1?Q?Fran=E7ois?= <f@example.com>",
            "Date",
            "Wed, 2 Dec 2026 08:00:00 +0100");
    ReadableMessage m = ReadableMessage.of(GmailJson.message(p));
    assertEquals("J\u00fcrgen <j@example.com>", m.from());
    assertEquals("\u5c71\u7530 <y@example.com>, b@example.com", m.to());
    assertEquals("Fran\u00e7ois <f@example.com>", m.cc());
    assertEquals("Wed, 2 Dec 2026 08:00:00 +0100", m.date());
  }

  @Test
  void missingHeadersAreEmpty() {
    ReadableMessage m =
        ReadableMessage.of(GmailJson.message(GmailJson.part("", "text/plain", new byte[0])));
    assertEquals("", m.from());
    assertEquals("", m.cc());
    assertEquals("", m.subject());
  }

  private static String subject(String raw) {
    JsonObject p = GmailJson.part("", "text/plain", new byte[0], "Subject", raw);
    return ReadableMessage.of(GmailJson.message(p)).subject();
  }
}
