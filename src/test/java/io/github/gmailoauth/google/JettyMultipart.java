package io.github.gmailoauth.google;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartCompliance;
import org.eclipse.jetty.io.Content;

/**
 * A multipart/mixed parser this project did not write: Jetty's {@code
 * org.eclipse.jetty.http.MultiPart.Parser} (jetty-http, already on the test class path as the
 * container), an RFC 2046 §5.1.1 parser with preamble, transport padding and epilogue. The client
 * library has none for requests, and its batch answer reader only handles well-formed answers in
 * request order, so this is the oracle for framing.
 */
public final class JettyMultipart {
  private JettyMultipart() {}

  /** One body part: its headers (names lower-cased, first value kept) and its content. */
  public record Part(Map<String, String> headers, byte[] content) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** The boundary of a Content-Type, read by Jetty (quoted or not). */
  public static String boundary(String contentType) {
    return MultiPart.extractBoundary(contentType);
  }

  public static List<Part> parse(String boundary, byte[] body) throws IOException {
    List<Part> parts = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    boolean[] complete = new boolean[1];
    MultiPart.Parser parser =
        new MultiPart.Parser(
            boundary,
            MultiPartCompliance.LEGACY,
            new MultiPart.Parser.Listener() {
              Map<String, String> headers;
              ByteArrayOutputStream content;

              @Override
              public void onPartBegin() {
                headers = new LinkedHashMap<>();
                content = new ByteArrayOutputStream();
              }

              @Override
              public void onPartHeader(String name, String value) {
                headers.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
              }

              @Override
              public void onPartContent(Content.Chunk chunk) {
                ByteBuffer buffer = chunk.getByteBuffer().slice();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                content.writeBytes(bytes);
              }

              @Override
              public void onPartEnd() {
                parts.add(new Part(headers, content.toByteArray()));
              }

              @Override
              public void onComplete() {
                complete[0] = true;
              }

              @Override
              public void onFailure(Throwable cause) {
                failure[0] = cause;
              }
            });
    parser.setPartHeadersMaxLength(64 * 1024);
    parser.parse(Content.Chunk.from(ByteBuffer.wrap(body), true));
    if (failure[0] != null) {
      throw new IOException("Jetty could not parse the multipart body", failure[0]);
    }
    if (!complete[0]) {
      throw new IOException("Jetty found no closing delimiter");
    }
    return parts;
  }
}
