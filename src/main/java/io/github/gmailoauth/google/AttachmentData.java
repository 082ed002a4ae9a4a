package io.github.gmailoauth.google;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads the answer of {@code users.messages.attachments.get} ({@code {"attachmentId": ..., "size":
 * n, "data": "<base64url>"}}, a {@code MessagePartBody}) as it arrives and writes the decoded bytes
 * of {@code data} straight to an output stream. The client library would parse the whole answer
 * into one string and decode that into one array: for a 25 MB attachment about 33 MB of text plus
 * 25 MB of bytes per download. Jackson's streaming parser decodes the string in place ({@link
 * JsonParser#readBinaryValue(Base64Variant, OutputStream)}), so memory stays at its buffers.
 * Oracle: {@code AttachmentDataDifferentialTest} against the library's {@code
 * MessagePartBody.decodeData()}.
 */
public final class AttachmentData {
  /**
   * RFC 4648 §5 base64url; Gmail sends it padded or not, and the library's decoder accepts both.
   * Jackson's own {@code Base64Variants.MODIFIED_FOR_URL} knows no padding character at all, and
   * one derived from it with '=' still refuses '=' in a streamed value (jackson-core 2.19.2:
   * "Unexpected padding character"), so the variant is declared whole: RFC 4648 table 2.
   */
  private static final Base64Variant BASE64URL =
      new Base64Variant(
              "base64url",
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
              true,
              '=',
              Integer.MAX_VALUE)
          .withPaddingAllowed();

  private static final JsonFactory JSON =
      JsonFactory.builder()
          // The data string is decoded in place, never held: the string length cap does not apply
          // to it, and every other value of this answer is short.
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
          .build();

  private AttachmentData() {}

  /**
   * Decodes {@code data} of the JSON answer {@code json} into {@code out} and answers the number of
   * bytes written; more than {@code maxBytes} is {@link BoundedHttpTransport.TooLargeException}. A
   * missing {@code data} (an empty attachment) writes nothing. Anything that is not such an answer
   * is an {@link IOException} that does not quote it.
   */
  public static long decode(InputStream json, OutputStream out, long maxBytes) throws IOException {
    Capped capped = new Capped(out, maxBytes);
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the attachment answer is not a JSON object");
      }
      boolean seen = false;
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          throw new IOException("the attachment answer is not well-formed");
        }
        JsonToken value = parser.nextToken();
        if ("data".equals(parser.currentName()) && value == JsonToken.VALUE_STRING && !seen) {
          seen = true;
          parser.readBinaryValue(BASE64URL, capped);
        } else {
          parser.skipChildren();
        }
      }
      return capped.count;
    } catch (BoundedHttpTransport.TooLargeException e) {
      throw e;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // Its message may quote the answer.
      throw new IOException("the attachment answer could not be read: " + e.getClass().getName());
    } catch (IllegalArgumentException e) {
      throw new IOException("the attachment's data is not base64url");
    }
  }

  /** Counts what passes and refuses the byte past the cap. */
  private static final class Capped extends FilterOutputStream {
    private final long limit;
    private long count;

    Capped(OutputStream out, long limit) {
      super(out);
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      check(1);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      check(len);
      out.write(b, off, len);
    }

    private void check(int more) throws IOException {
      count += more;
      if (count > limit) {
        throw new BoundedHttpTransport.TooLargeException(limit);
      }
    }
  }
}
