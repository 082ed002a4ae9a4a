package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The batch request body the app writes, read by parsers it did not write: Jetty's multipart parser
 * for the framing (the client library has no request-side multipart parser), {@link URI} for the
 * percent-encoded path, and the client library's own URL for the same {@code messages.get}, which
 * must name the same path once decoded.
 */
class MetadataBatchRequestPropertiesTest {
  private static final String ROOT = "https://gmail.example/";
  private static final Gmail LIBRARY =
      new Gmail.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), null)
          .setRootUrl(ROOT)
          .setApplicationName("oracle")
          .build();

  /** Any non-empty, well-formed text: Gmail's ids are hex, but the app must not depend on it. */
  @Provide
  Arbitrary<List<String>> ids() {
    Arbitrary<String> id =
        Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(16).ofMaxLength(16),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(40))
            .map(
                s ->
                    s.codePoints()
                        .map(cp -> cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp)
                        .collect(
                            StringBuilder::new,
                            StringBuilder::appendCodePoint,
                            StringBuilder::append)
                        .toString());
    return id.list().ofMinSize(1).ofMaxSize(50);
  }

  @Property(tries = 300)
  void jettyReadsEveryPartBackToTheIdItAsksFor(@ForAll("ids") List<String> ids) throws IOException {
    MetadataBatch batch = new MetadataBatch(ROOT + "gmail/v1/users/me/messages/", ids);
    List<JettyMultipart.Part> parts =
        JettyMultipart.parse(JettyMultipart.boundary(batch.contentType()), batch.body());
    assertEquals(ids.size(), parts.size());
    for (int i = 0; i < ids.size(); i++) {
      JettyMultipart.Part part = parts.get(i);
      assertEquals("application/http", part.header("Content-Type"));
      assertEquals("<" + (i + 1) + ">", part.header("Content-ID"));
      String http = new String(part.content(), StandardCharsets.UTF_8);
      String[] requestLine = http.lines().findFirst().orElseThrow().split(" ", -1);
      assertEquals(3, requestLine.length, http);
      assertEquals("GET", requestLine[0]);
      assertEquals("HTTP/1.1", requestLine[2]);
      URI mine = URI.create(requestLine[1]);
      URI theirs =
          URI.create(
              LIBRARY.users().messages().get("me", ids.get(i)).buildHttpRequestUrl().build());
      assertEquals(theirs.getPath(), mine.getPath(), "the library's path for the same id");
      assertEquals(
          ROOT + "gmail/v1/users/me/messages/" + ids.get(i),
          "https://gmail.example" + mine.getPath());
      assertEquals("format=metadata&metadataHeaders=From&metadataHeaders=Subject", mine.getQuery());
    }
  }
}
