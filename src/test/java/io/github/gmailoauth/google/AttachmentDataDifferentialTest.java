package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.model.MessagePartBody;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link AttachmentData} against the client library as the oracle: the same {@code attachments.get}
 * answer decoded by the app's streaming reader and by the library ({@link GsonFactory} into {@link
 * MessagePartBody}, then {@code decodeData()}) gives the same bytes, whatever the bytes, the
 * padding, the order of the fields, the white space and JSON's escapes.
 */
class AttachmentDataDifferentialTest {

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
  }

  @Property(tries = 300)
  void decodesWhatTheLibraryDecodes(
      @ForAll("payloads") byte[] bytes,
      @ForAll boolean padded,
      @ForAll boolean dataFirst,
      @ForAll boolean pretty,
      @ForAll boolean escapeSome,
      @ForAll long seed)
      throws IOException {
    Base64.Encoder encoder =
        padded ? Base64.getUrlEncoder() : Base64.getUrlEncoder().withoutPadding();
    String data = encoder.encodeToString(bytes);
    if (escapeSome) {
      data = escapeSomeCharacters(data, new Random(seed));
    }
    String sep = pretty ? ",\n  " : ",";
    String dataField = "\"data\"" + (pretty ? ": " : ":") + "\"" + data + "\"";
    String others = "\"attachmentId\":\"ANGjdJ_x-1\"" + sep + "\"size\":" + bytes.length;
    String json =
        "{"
            + (pretty ? "\n  " : "")
            + (dataFirst ? dataField + sep + others : others + sep + dataField)
            + (pretty ? "\n}" : "}");

    MessagePartBody library =
        GsonFactory.getDefaultInstance().fromString(json, MessagePartBody.class);
    ByteArrayOutputStream app = new ByteArrayOutputStream();
    long written =
        AttachmentData.decode(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), app, Long.MAX_VALUE);

    assertArrayEquals(library.decodeData(), app.toByteArray());
    assertEquals(bytes.length, written);
    assertArrayEquals(bytes, app.toByteArray());
  }

  /** JSON lets any character be written as a six-character escape; a decoder must read it. */
  private static String escapeSomeCharacters(String s, Random random) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (random.nextInt(8) == 0) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Example
  void anEmptyAttachmentHasNoDataAndWritesNothing() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, AttachmentData.decode(stream("{\"size\":0}"), out, 10));
    assertEquals(0, out.size());
  }

  @Example
  void theCapIsTheLastByteAccepted() throws IOException {
    assertEquals(10, AttachmentData.decode(answer(10), OutputStream.nullOutputStream(), 10));
    assertThrows(
        BoundedHttpTransport.TooLargeException.class,
        () -> AttachmentData.decode(answer(11), OutputStream.nullOutputStream(), 10));
  }

  private static InputStream answer(int bytes) {
    return stream(
        "{\"size\":"
            + bytes
            + ",\"data\":\""
            + Base64.getUrlEncoder().encodeToString(new byte[bytes])
            + "\"}");
  }

  @Example
  void garbageIsAnIoFailureThatDoesNotQuoteIt() {
    for (String garbage :
        new String[] {
          "", "<html>secret</html>", "[1,2]", "{\"data\":\"@@secret@@\"}", "{\"data\":"
        }) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> AttachmentData.decode(stream(garbage), OutputStream.nullOutputStream(), 100));
      assertEquals(false, String.valueOf(e.getMessage()).contains("secret"), e.getMessage());
    }
  }

  /**
   * Gmail's largest attachment, 25 MB, is 35 million characters of base64url: more than Jackson's
   * default cap on a string value (20 million), which a streamed binary value must not meet. The
   * answer is generated as it is read, so the test holds neither the text nor the bytes.
   */
  @Example
  void aTwentyFiveMegabyteAttachmentStreamsThrough() throws IOException {
    long size = 25L * 1024 * 1024;
    InputStream json =
        new SequenceInputStream(
            stream("{\"size\":" + size + ",\"data\":\""),
            new SequenceInputStream(new RepeatedBase64(size / 3), stream("\"}")));
    CountingOut out = new CountingOut();
    assertEquals(size / 3 * 3, AttachmentData.decode(json, out, size));
    assertEquals(size / 3 * 3, out.count);
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** "AAAA" (three zero bytes) {@code groups} times, made as it is read. */
  private static final class RepeatedBase64 extends InputStream {
    private long left;

    RepeatedBase64(long groups) {
      this.left = groups * 4;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return 'A';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 'A');
      left -= n;
      return n;
    }
  }

  private static final class CountingOut extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
