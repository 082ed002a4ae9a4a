package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.ParseException;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.springframework.http.ContentDisposition;

/**
 * For any filename a sender can write, the header parses (by Spring's and by Jakarta Mail's
 * parsers, neither written here) back to the cleaned name, and holds nothing but printable ASCII.
 */
class DownloadsPropertiesTest {

  /** The rules of {@link Downloads#cleanName}, written out as its documentation states them. */
  static String expected(String name) {
    if (name == null) {
      return "attachment";
    }
    String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder kept = new StringBuilder();
    for (int i = 0; i < last.length(); i++) {
      char c = last.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < last.length() && Character.isLowSurrogate(last.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || (i > 0 && Character.isHighSurrogate(last.charAt(i - 1)));
      boolean dropped =
          c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069)
              || !paired;
      if (!dropped) {
        kept.append(c);
      }
    }
    String s = kept.toString().strip();
    int max = Downloads.MAX_NAME_CODE_POINTS;
    if (s.codePointCount(0, s.length()) > max) {
      int dot = s.lastIndexOf('.');
      String ext = dot > 0 && s.length() - dot <= 16 ? s.substring(dot) : "";
      String head =
          s.substring(0, s.offsetByCodePoints(0, max - ext.codePointCount(0, ext.length())));
      s = head.strip() + ext;
    }
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "attachment" : s;
  }

  @Property(tries = 3000)
  void springReadsBackTheCleanedName(@ForAll("filenames") String name) {
    String header = Downloads.contentDisposition(name);
    ContentDisposition parsed = ContentDisposition.parse(header);
    assertEquals("attachment", parsed.getType());
    assertEquals(expected(name), parsed.getFilename(), header);
  }

  @Property(tries = 1000)
  void jakartaMailReadsBackTheCleanedName(@ForAll("filenames") String name) throws ParseException {
    String header = Downloads.contentDisposition(name);
    jakarta.mail.internet.ContentDisposition parsed =
        new jakarta.mail.internet.ContentDisposition(header);
    assertEquals("attachment", parsed.getDisposition());
    // RFC 2231 parameter decoding (on by default) prefers filename* over the ASCII fallback.
    assertEquals(expected(name), parsed.getParameter("filename"), header);
  }

  @Property(tries = 3000)
  void theHeaderIsPrintableAsciiWithAQuotedStringThatCannotBreak(@ForAll("filenames") String name) {
    String header = Downloads.contentDisposition(name);
    assertTrue(header.chars().allMatch(c -> c >= 0x20 && c < 0x7f), header);
    String fallback =
        header.substring(header.indexOf("filename=\"") + 10, header.indexOf("\"; filename*="));
    assertTrue(fallback.matches("[A-Za-z0-9 ._()+,-]+"), fallback);
    String extended = header.substring(header.indexOf("filename*=UTF-8''") + 17);
    assertTrue(extended.matches("([A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-F]{2})+"), extended);
  }

  @Provide
  Arbitrary<String> filenames() {
    Arbitrary<Character> nasty =
        Arbitraries.of(
            '/', '\\', '"', '%', '\'', ';', '=', '*', ' ', '.', '\u0000', '\t', '\r', '\n',
            '\u001b', '\u007f', '\u0085', '\u009f', '\u202a', '\u202e', '\u2066', '\u2069',
            '\u200f', '\u00e9', '\u65e5', '\ud83d', '\ude00', '\ufeff', '\u00a0', '\u3000', '+',
            '?');
    Arbitrary<String> mixed =
        Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.chars().alpha().numeric()),
                Tuple.of(3, nasty),
                Tuple.of(1, Arbitraries.chars().all()))
            .list()
            .ofMaxSize(40)
            .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
    Arbitrary<String> emoji =
        Arbitraries.of("\ud83d\ude00", "\ud83c\udf89")
            .list()
            .ofMaxSize(3)
            .map(l -> String.join("", l));
    Arbitrary<String> extension =
        Arbitraries.of("", ".pdf", ".pdf.exe", ".tar.gz", ".", "..", ".html");
    Arbitrary<String> name =
        net.jqwik.api.Combinators.combine(mixed, emoji, extension).as((m, e, x) -> m + e + x);
    Arbitrary<String> longName =
        net.jqwik.api.Combinators.combine(
                mixed, Arbitraries.integers().between(100, 400), extension)
            .as((m, n, x) -> (m + "x").repeat(n / (m.length() + 1) + 1) + x);
    return Arbitraries.frequencyOf(
        Tuple.of(6, name),
        Tuple.of(2, longName),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(300)));
  }
}
