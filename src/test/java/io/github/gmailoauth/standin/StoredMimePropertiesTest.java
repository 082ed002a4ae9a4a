package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The stand-in's MIME reading ({@link StoredMime}) against Jakarta Mail's own, for random trees of
 * nested multiparts with random bodies, charsets and transfer encodings: the same partIds in
 * Gmail's numbering, the same types, and every body's bytes after its Content-Transfer-Encoding is
 * undone.
 */
class StoredMimePropertiesTest {

  private static final Session WRITER = Session.getInstance(new Properties());

  /** A part to write: a leaf (bytes, type, encoding, maybe a filename) or a multipart. */
  sealed interface Shape permits Leaf, Node {}

  record Leaf(byte[] bytes, String type, String encoding, String filename) implements Shape {}

  record Node(String subtype, List<Shape> children) implements Shape {}

  @Property(tries = 200)
  void partTreeAndBodiesMatchJakartaMail(@ForAll("messages") Shape shape) throws Exception {
    MimeMessage m = new MimeMessage(WRITER);
    m.setSubject("property");
    if (shape instanceof Node node) {
      m.setContent(multipart(node));
    } else {
      fill(m, (Leaf) shape);
    }
    m.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    byte[] raw = out.toByteArray();

    StoredMime stored = StoredMime.parse(raw);
    assertArrayEquals(raw, stored.raw(), "the bytes are kept as given");
    compare(new MimeMessage(WRITER, new ByteArrayInputStream(raw)), stored.root(), "");
  }

  private static void compare(MimePart expected, StoredMime.Part actual, String partId)
      throws Exception {
    assertEquals(partId, actual.partId());
    assertEquals(
        new ContentType(expected.getContentType()).getBaseType().toLowerCase(Locale.ROOT),
        actual.mimeType(),
        partId);
    String filename = expected.getFileName();
    assertEquals(filename == null ? "" : filename, actual.filename(), partId);
    Object content = expected.getContent();
    if (content instanceof Multipart multipart) {
      assertEquals(multipart.getCount(), actual.parts().size(), partId);
      for (int i = 0; i < multipart.getCount(); i++) {
        compare(
            (MimePart) multipart.getBodyPart(i),
            actual.parts().get(i),
            partId.isEmpty() ? String.valueOf(i) : partId + "." + i);
      }
      return;
    }
    byte[] bytes;
    try (InputStream in = expected.getInputStream()) {
      bytes = in.readAllBytes();
    }
    assertEquals(bytes.length, actual.body().size(), partId);
    assertArrayEquals(bytes, actual.bytes(), partId);
  }

  private static MimeMultipart multipart(Node node) throws Exception {
    MimeMultipart multipart = new MimeMultipart(node.subtype());
    for (Shape child : node.children()) {
      MimeBodyPart part = new MimeBodyPart();
      if (child instanceof Node inner) {
        part.setContent(multipart(inner));
      } else {
        fill(part, (Leaf) child);
      }
      multipart.addBodyPart(part);
    }
    return multipart;
  }

  private static void fill(MimePart part, Leaf leaf) throws Exception {
    part.setDataHandler(
        new jakarta.activation.DataHandler(new ByteArrayDataSource(leaf.bytes(), leaf.type())));
    if (leaf.filename() != null) {
      part.setFileName(leaf.filename());
      part.setDisposition(BodyPart.ATTACHMENT);
    }
    part.setHeader("Content-Transfer-Encoding", leaf.encoding());
  }

  @Provide
  Arbitrary<Shape> messages() {
    return shapes(3);
  }

  private Arbitrary<Shape> shapes(int depth) {
    Arbitrary<Shape> leaf =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
                Arbitraries.of(
                    "text/plain; charset=UTF-8",
                    "text/html; charset=ISO-8859-1",
                    "text/plain; charset=Shift_JIS",
                    "application/octet-stream",
                    "image/png"),
                Arbitraries.of("base64", "quoted-printable"),
                Arbitraries.of("report.pdf", "résumé.bin", "a b.txt").injectNull(0.5))
            .as(Leaf::new);
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Shape> node =
        Combinators.combine(
                Arbitraries.of("mixed", "alternative", "related"),
                Arbitraries.lazy(() -> shapes(depth - 1)).list().ofMinSize(1).ofMaxSize(3))
            .as(Node::new);
    return Arbitraries.oneOf(leaf, node);
  }
}
