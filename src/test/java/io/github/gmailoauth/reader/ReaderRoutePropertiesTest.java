package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The reader's path parser: whatever a request's path, only Gmail-shaped ids get through. */
class ReaderRoutePropertiesTest {

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('0', 'f').ofMaxLength(40),
            Arbitraries.strings().ofMaxLength(20),
            Arbitraries.of("body", "attachments", "1", "1.2", "", "..", "%2F"));
    return segment.list().ofMaxSize(5).map(list -> "/" + String.join("/", list));
  }

  @Property(tries = 2000)
  void onlyGmailShapedIdsAndPartIdsComeOut(@ForAll("paths") String path) {
    ReaderRoute route = ReaderRoute.parse(path);
    if (route instanceof ReaderRoute.OfMessage message) {
      assertTrue(message.id().matches("[0-9a-f]{8,32}"), path);
      String[] segments = path.substring(1).split("/", -1);
      assertEquals(message.id(), segments[0]);
    }
    if (route instanceof ReaderRoute.Download download) {
      assertTrue(download.partId().matches("[0-9]+(\\.[0-9]+)*"), path);
      assertTrue(download.partId().length() <= 79, path);
    }
  }

  @Property
  void everyIdOfGmailsShapeIsAPage(@ForAll("hexIds") String id) {
    assertEquals(new ReaderRoute.Page(id), ReaderRoute.parse("/" + id));
    assertEquals(new ReaderRoute.Body(id), ReaderRoute.parse("/" + id + "/body"));
    assertEquals(
        new ReaderRoute.Download(id, "1.2"), ReaderRoute.parse("/" + id + "/attachments/1.2"));
  }

  @Provide
  Arbitrary<String> hexIds() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(8).ofMaxLength(32);
  }

  @Example
  void theRowsOfTheContract() {
    String id = "18c2f0a1b2c3d4e5";
    assertInstanceOf(ReaderRoute.Malformed.class, ReaderRoute.parse("/18C2F0A1B2C3D4E5"));
    assertInstanceOf(ReaderRoute.Malformed.class, ReaderRoute.parse("/1234567"));
    assertInstanceOf(ReaderRoute.Malformed.class, ReaderRoute.parse("/" + "a".repeat(33)));
    assertInstanceOf(ReaderRoute.Malformed.class, ReaderRoute.parse("/.."));
    assertInstanceOf(ReaderRoute.Malformed.class, ReaderRoute.parse("/" + id + "/attachments/x"));
    assertInstanceOf(ReaderRoute.Malformed.class, ReaderRoute.parse("/" + id + "/attachments/1."));
    assertInstanceOf(
        ReaderRoute.Malformed.class,
        ReaderRoute.parse("/" + id + "/attachments/" + "1.".repeat(20) + "1"));
    assertInstanceOf(ReaderRoute.Unknown.class, ReaderRoute.parse("/" + id + "/raw"));
    assertInstanceOf(ReaderRoute.Unknown.class, ReaderRoute.parse("/" + id + "/body/more"));
    assertInstanceOf(ReaderRoute.Unknown.class, ReaderRoute.parse("/" + id + "/"));
    assertInstanceOf(ReaderRoute.Unknown.class, ReaderRoute.parse("/"));
    assertInstanceOf(ReaderRoute.Unknown.class, ReaderRoute.parse(null));
  }
}
