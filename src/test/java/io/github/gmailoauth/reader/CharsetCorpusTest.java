package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each charset the reader promises: a known string encoded by the JDK's encoder, put in a part as
 * Gmail sends it, decoded back by the declared charset.
 */
class CharsetCorpusTest {

  static Stream<Arguments> corpus() {
    return Stream.of(
        Arguments.of(
            "UTF-8",
            "UTF-8",
            "Gr\u00fc\u00dfe, \u65e5\u672c, \u0645\u0631\u062d\u0628\u0627, \ud83d\ude00"),
        Arguments.of("utf-8 quoted", "\"utf-8\"", "na\u00efve caf\u00e9"),
        Arguments.of("ISO-8859-1", "ISO-8859-1", "Se\u00f1or M\u00fcller \u00a3 \u00bd"),
        Arguments.of("windows-1252", "windows-1252", "\u201cquoted\u201d \u2013 \u20ac 5 \u2026"),
        Arguments.of(
            "ISO-2022-JP", "ISO-2022-JP", "\u3053\u3093\u306b\u3061\u306f\u3001\u4e16\u754c"),
        Arguments.of("Shift_JIS", "Shift_JIS", "\u65e5\u672c\u8a9e\u306e\u30e1\u30fc\u30eb\uff01"),
        Arguments.of("GB18030", "GB18030", "\u4f60\u597d\uff0c\u4e16\u754c \ud840\udc00"),
        Arguments.of("KOI8-R", "KOI8-R", "\u041f\u0440\u0438\u0432\u0435\u0442"),
        Arguments.of("upper-case label", "SHIFT_JIS", "\u30c6\u30b9\u30c8"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void declaredCharsetDecodesTheEncodersBytesBack(String label, String declared, String text) {
    Charset charset = Charset.forName(declared.replace("\"", ""));
    ReadableMessage m = read(text.getBytes(charset), "text/plain; charset=" + declared);
    assertEquals(new ReadableMessage.Text(text), m.body());
    assertEquals(List.of(), m.notes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void sameForHtmlParts(String label, String declared, String text) {
    Charset charset = Charset.forName(declared.replace("\"", ""));
    String html = "<p>" + text + "</p>";
    JsonObject part =
        GmailJson.part(
            "",
            "text/html",
            html.getBytes(charset),
            "Content-Type",
            "text/html; charset=" + declared);
    assertEquals(
        new ReadableMessage.Html(html), ReadableMessage.of(GmailJson.message(part)).body());
  }

  static Stream<Arguments> undeclared() {
    return Stream.of(
        Arguments.of(
            "ASCII only", "plain ascii".getBytes(StandardCharsets.US_ASCII), "plain ascii"),
        Arguments.of(
            "8-bit UTF-8", "caf\u00e9 \u2615".getBytes(StandardCharsets.UTF_8), "caf\u00e9 \u2615"),
        Arguments.of(
            "8-bit windows-1252",
            "\u201ccaf\u00e9\u201d".getBytes(Charset.forName("windows-1252")),
            "\u201ccaf\u00e9\u201d"));
  }

  /** RFC 2046 section 4.1.2: no charset is US-ASCII; 8-bit bytes are read leniently. */
  @ParameterizedTest(name = "missing charset, {0}")
  @MethodSource("undeclared")
  void missingCharsetIsAsciiReadLeniently(String label, byte[] bytes, String expected) {
    assertEquals(new ReadableMessage.Text(expected), read(bytes, "text/plain").body());
    assertEquals(new ReadableMessage.Text(expected), read(bytes, null).body());
  }

  @ParameterizedTest(name = "declared us-ascii, {0}")
  @MethodSource("undeclared")
  void mislabeledAsciiIsReadLeniently(String label, byte[] bytes, String expected) {
    ReadableMessage m = read(bytes, "text/plain; charset=us-ascii");
    assertEquals(new ReadableMessage.Text(expected), m.body());
    assertEquals(List.of(), m.notes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("undeclared")
  void unknownCharsetIsBestEffortWithANote(String label, byte[] bytes, String expected) {
    ReadableMessage m = read(bytes, "text/plain; charset=x-no-such-charset");
    assertEquals(new ReadableMessage.Text(expected), m.body());
    assertEquals(1, m.notes().size());
    assertTrue(
        m.notes()
            .get(0)
            .startsWith(
                "This message declares the unknown character set \"x-no-such-charset\"; it is shown as"),
        m.notes().get(0));
  }

  @ParameterizedTest(name = "illegal name {0}")
  @MethodSource("illegalNames")
  void illegalCharsetNamesAreANoteNeverAnException(String name) {
    ReadableMessage m =
        read("ok".getBytes(StandardCharsets.US_ASCII), "text/plain; charset=\"" + name + "\"");
    assertEquals(new ReadableMessage.Text("ok"), m.body());
    assertEquals(1, m.notes().size());
    assertTrue(m.notes().get(0).contains("unknown character set"));
    // The hostile name reaches the note without control characters.
    assertTrue(m.notes().get(0).chars().noneMatch(c -> c < 0x20), m.notes().get(0));
  }

  static Stream<String> illegalNames() {
    return Stream.of("utf 8", "\u00e9\u00e9", "a\u0000b", "<script>", "x".repeat(500), "UTF-7");
  }

  /** A label that lies (UTF-8 bytes declared ISO-8859-1) is read as declared: no guessing. */
  @ParameterizedTest(name = "mislabeled {0}")
  @MethodSource("mislabeled")
  void aWrongLabelIsFollowed(String declared, String written, String expected) {
    byte[] bytes = written.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        new ReadableMessage.Text(expected), read(bytes, "text/plain; charset=" + declared).body());
  }

  static Stream<Arguments> mislabeled() {
    return Stream.of(
        Arguments.of("ISO-8859-1", "caf\u00e9", "caf\u00c3\u00a9"),
        // Invalid bytes in the declared charset become U+FFFD, one per bad sequence.
        Arguments.of("UTF-8", "ok", "ok"));
  }

  @org.junit.jupiter.api.Test
  void invalidUtf8BytesBecomeReplacementCharacters() {
    byte[] bytes = {'a', (byte) 0xff, 'b'};
    assertEquals(
        new ReadableMessage.Text("a\ufffdb"), read(bytes, "text/plain; charset=utf-8").body());
  }

  @org.junit.jupiter.api.Test
  void iso88591LabelReadsC1BytesAsWindows1252LikeBrowsers() {
    // WHATWG Encoding Standard: the "iso-8859-1" label means windows-1252.
    byte[] bytes = {(byte) 0x93, 'h', 'i', (byte) 0x94};
    assertEquals(
        new ReadableMessage.Text("\u201chi\u201d"),
        read(bytes, "text/plain; charset=iso-8859-1").body());
  }

  @org.junit.jupiter.api.Test
  void malformedContentTypeStillYieldsItsCharset() {
    byte[] bytes = "\u65e5\u672c".getBytes(Charset.forName("Shift_JIS"));
    assertEquals(
        new ReadableMessage.Text("\u65e5\u672c"),
        read(bytes, "text/plain; charset=Shift_JIS; format=\"unterminated").body());
  }

  private static ReadableMessage read(byte[] bytes, String contentType) {
    JsonObject part =
        contentType == null
            ? GmailJson.part("", "text/plain", bytes)
            : GmailJson.part("", "text/plain", bytes, "Content-Type", contentType);
    return ReadableMessage.of(GmailJson.message(part));
  }
}
