package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.sun.net.httpserver.HttpServer;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile upstream's decompression bomb. The Google client library inflates any answer marked
 * {@code Content-Encoding: gzip} (google-http-client's {@code HttpResponse.getContent}), and that
 * happens after {@link BoundedHttpTransport}'s cap on the bytes that travel: a few kilobytes on the
 * wire become any number of megabytes in memory. The app never asks for a content coding, so it
 * refuses every answer that has one, on every call to Google.
 *
 * <p>The bombs here decode to a few times the cap (enough to show it was passed, not enough to hurt
 * the test JVM), and the transport test counts decoded bytes rather than waiting for an
 * OutOfMemoryError.
 */
class UpstreamContentCodingTest {
  /** Four times the cap once inflated; about 4 KB on the wire. */
  private static final int BOMB = 4 * BoundedHttpTransport.MAX_RESPONSE_BYTES;

  @TempDir Path dir;
  TestApp app;
  HttpServer upstream;
  final List<String> acceptEncodings = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"gzip", "x-gzip", " GZIP ", "deflate", "br"})
  void theTransportNeverYieldsMoreDecodedBytesThanItsCapNorAsksForACoding(String coding)
      throws Exception {
    byte[] wire = gzip(padded("{\"ok\":true}", BOMB));
    assertTrue(
        wire.length < BoundedHttpTransport.MAX_RESPONSE_BYTES / 100, "a small answer on the wire");
    String url =
        serve(200, Map.of("Content-Type", "application/json", "Content-Encoding", coding), wire);

    HttpRequest get =
        new BoundedHttpTransport()
            .createRequestFactory(BoundedHttpTransport.requestDefaults())
            .buildGetRequest(new GenericUrl(url));
    long decoded;
    try {
      HttpResponse response = get.execute();
      try (InputStream content = response.getContent()) {
        decoded = count(content, BoundedHttpTransport.MAX_RESPONSE_BYTES + 1L);
      }
    } catch (IOException refused) {
      decoded = 0;
    }
    assertTrue(
        decoded <= BoundedHttpTransport.MAX_RESPONSE_BYTES,
        decoded + " decoded bytes were read out of " + wire.length + " on the wire");
    // What the request said: no coding but identity is acceptable (RFC 9110 §12.5.3).
    assertEquals(List.of("identity"), acceptEncodings);
  }

  @ParameterizedTest(name = "a gzip bomb from {0}")
  @ValueSource(strings = {"token", "userinfo"})
  void aGzipBombDuringSignInFailsTheSignInAndStoresNothing(String endpoint) throws Exception {
    app = TestApp.start(dir);
    if (endpoint.equals("token")) {
      app.google.gzipNext("POST", "/token", BOMB, 1);
    } else {
      app.google.gzipNext("GET", "/oauth2/v2/userinfo", BOMB, 1);
    }
    Browser browser = new Browser();
    java.net.http.HttpResponse<String> callback = app.signIn(browser);
    assertEquals(502, callback.statusCode(), "the bomb's inflated answer was accepted");
    assertEquals(0, app.grantCount());
    assertNull(SignedInPage.email(browser.get(app.url("/")).body()));
  }

  @ParameterizedTest(name = "a gzip bomb from {0}")
  @ValueSource(strings = {"/gmail/v1/users/me/messages", "/batch/gmail/v1"})
  void aGzipBombFromGmailGivesAnErrorPageAndKeepsTheGrant(String path) throws Exception {
    app = TestApp.start(dir);
    Browser browser = new Browser();
    app.signIn(browser);
    app.google.gzipNext(path.startsWith("/batch") ? "POST" : "GET", path, BOMB, 1);
    java.net.http.HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(502, page.statusCode(), "the bomb's inflated answer was accepted");
    assertFalse(app.grantRow(app.google.defaultUser().id()).isEmpty());
  }

  @Test
  void aGzipBombFromTheRevocationEndpointIsNotTakenAsRevoked() throws Exception {
    app = TestApp.start(dir);
    Browser browser = new Browser();
    app.signIn(browser);
    String userId = app.google.defaultUser().id();
    // 400 invalid_token means "nothing left to revoke": the app reads the body to know it.
    byte[] bomb = gzip(padded("{\"error\":\"invalid_token\"}", BOMB));
    app.google.answerNext(
        "POST",
        "/revoke",
        400,
        Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
        bomb,
        1);
    java.net.http.HttpResponse<String> page = browser.submitForm(app.url("/"), "form#disconnect");
    assertEquals(200, page.statusCode());
    assertFalse(
        page.body().contains("Google has revoked it"), "the bomb's inflated answer was read");
    assertTrue(app.grantRow(userId).isEmpty(), "deleted here all the same");
    assertNotNull(page.body());
  }

  /** JSON allows any amount of whitespace before a value (RFC 8259 §2). */
  static byte[] padded(String json, int size) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) ' ');
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, out, size - text.length, text.length);
    return out;
  }

  static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  /** Reads at most {@code limit} bytes and answers how many there were. */
  private static long count(InputStream in, long limit) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while (total < limit
        && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total))) > 0) {
      total += n;
    }
    return total;
  }

  /** A small real HTTP server on loopback that answers every request with these bytes. */
  private String serve(int status, Map<String, String> headers, byte[] body) throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
          acceptEncodings.add(String.valueOf(accept));
          exchange.getRequestBody().readAllBytes();
          headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    upstream.start();
    return "http://127.0.0.1:" + upstream.getAddress().getPort() + "/answer";
  }
}
