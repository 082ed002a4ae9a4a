package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.ContentDisposition;

/** Download headers, read back by Spring's and Jakarta Mail's own Content-Disposition parsers. */
class DownloadsTest {

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of(
            "report.pdf", "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"),
        Arguments.of(
            "Caf\u00e9 menu.pdf",
            "attachment; filename=\"Caf_ menu.pdf\"; filename*=UTF-8''Caf%C3%A9%20menu.pdf"),
        Arguments.of(
            "../../etc/passwd", "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"),
        Arguments.of(
            "C:\\Users\\me\\evil.bat",
            "attachment; filename=\"evil.bat\"; filename*=UTF-8''evil.bat"),
        Arguments.of("a\"b\\c.txt", "attachment; filename=\"c.txt\"; filename*=UTF-8''c.txt"),
        Arguments.of(
            "say \"hi\".txt",
            "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt"),
        Arguments.of("100%.txt", "attachment; filename=\"100_.txt\"; filename*=UTF-8''100%25.txt"),
        Arguments.of(
            "invoice\u202Efdp.exe",
            "attachment; filename=\"invoicefdp.exe\"; filename*=UTF-8''invoicefdp.exe"),
        Arguments.of(
            "line\r\nbreak\u0000.txt",
            "attachment; filename=\"linebreak.txt\"; filename*=UTF-8''linebreak.txt"),
        Arguments.of("", "attachment; filename=\"attachment\"; filename*=UTF-8''attachment"),
        Arguments.of("dir/", "attachment; filename=\"attachment\"; filename*=UTF-8''attachment"),
        Arguments.of("..", "attachment; filename=\"attachment\"; filename*=UTF-8''attachment"),
        Arguments.of(null, "attachment; filename=\"attachment\"; filename*=UTF-8''attachment"),
        Arguments.of(
            "invoice.pdf.exe",
            "attachment; filename=\"invoice.pdf.exe\"; filename*=UTF-8''invoice.pdf.exe"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("names")
  void contentDispositionIsExact(String name, String expected) {
    assertEquals(expected, Downloads.contentDisposition(name));
  }

  @Test
  void aLongNameIsCutKeepingItsExtension() {
    String name = "a".repeat(500) + ".pdf.exe";
    String cleaned = Downloads.cleanName(name);
    assertEquals(Downloads.MAX_NAME_CODE_POINTS, cleaned.length());
    assertTrue(cleaned.endsWith("a.exe"), cleaned);
    assertEquals(
        cleaned, ContentDisposition.parse(Downloads.contentDisposition(name)).getFilename());
  }

  @Test
  void emojiAndCjkSurviveTheRoundTrip() {
    String name = "\u65e5\u672c\ud83d\ude00.png";
    assertEquals(name, ContentDisposition.parse(Downloads.contentDisposition(name)).getFilename());
  }

  static Stream<Arguments> types() {
    return Stream.of(
        Arguments.of("application/pdf", "application/pdf"),
        Arguments.of("Application/PDF; name=x.pdf", "application/pdf"),
        Arguments.of("image/png", "image/png"),
        Arguments.of("image/jpeg", "image/jpeg"),
        Arguments.of("image/gif", "image/gif"),
        Arguments.of("image/webp", "image/webp"),
        Arguments.of("text/html", "application/octet-stream"),
        Arguments.of("text/html; charset=utf-8", "application/octet-stream"),
        Arguments.of("image/svg+xml", "application/octet-stream"),
        Arguments.of("application/xhtml+xml", "application/octet-stream"),
        Arguments.of("application/javascript", "application/octet-stream"),
        Arguments.of("text/javascript", "application/octet-stream"),
        Arguments.of("text/xml", "application/octet-stream"),
        Arguments.of("text/plain", "application/octet-stream"),
        Arguments.of("application/x-msdownload", "application/octet-stream"),
        Arguments.of("", "application/octet-stream"),
        Arguments.of(null, "application/octet-stream"),
        Arguments.of("application/pdf\r\nX-Injected: 1", "application/octet-stream"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("types")
  void onlyInertTypesAreNamed(String declared, String expected) {
    assertEquals(expected, Downloads.contentType(declared));
  }

  static Stream<Arguments> typesWithNames() {
    return Stream.of(
        Arguments.of("application/pdf", "invoice.pdf", "application/pdf"),
        Arguments.of("application/pdf", "invoice.pdf.exe", "application/octet-stream"),
        Arguments.of("application/pdf", "INVOICE.PDF", "application/pdf"),
        Arguments.of("image/jpeg", "photo.JPG", "image/jpeg"),
        Arguments.of("image/jpeg", "photo.jpeg", "image/jpeg"),
        Arguments.of("image/png", "logo.png.html", "application/octet-stream"),
        Arguments.of("image/png", "logo", "application/octet-stream"),
        Arguments.of("image/png", null, "application/octet-stream"),
        Arguments.of("image/gif", "dir/x.gif", "image/gif"),
        Arguments.of("text/html", "page.html", "application/octet-stream"));
  }

  /**
   * The real (last) extension must agree with the type: invoice.pdf.exe never goes out as a PDF.
   */
  @ParameterizedTest(name = "{1} declared {0}")
  @MethodSource("typesWithNames")
  void theFilesRealExtensionMustAgree(String declared, String name, String expected) {
    assertEquals(expected, Downloads.contentType(declared, name));
  }
}
