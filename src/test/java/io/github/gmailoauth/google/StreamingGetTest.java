package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streamed GET's limits, against real sockets: the byte cap, content codings, a stall. */
class StreamingGetTest {
  private Upstream upstream;

  @BeforeEach
  void start() throws IOException {
    upstream = new Upstream();
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void theBodyIsReadUpToTheCapAndNoFurther() throws IOException {
    upstream.route("/ok", (r, t) -> new Upstream.Answer(200, Map.of(), new byte[100]));
    upstream.route("/big", (r, t) -> new Upstream.Answer(200, Map.of(), new byte[101]));
    StreamingGet get = new StreamingGet(100);

    try (StreamingGet.Answer ok = get.get(upstream.rootUrl() + "ok", "Bearer t")) {
      assertEquals(200, ok.status());
      assertArrayEquals(new byte[100], ok.body().readAllBytes());
    }
    try (StreamingGet.Answer big = get.get(upstream.rootUrl() + "big", "Bearer t")) {
      assertThrows(BoundedHttpTransport.TooLargeException.class, () -> big.body().readAllBytes());
    }
  }

  @Test
  void anAnswerInAContentCodingThatWasNotAskedForIsRefused() {
    upstream.route(
        "/gzip",
        (r, t) -> new Upstream.Answer(200, Map.of("Content-Encoding", "gzip"), new byte[10]));
    assertThrows(
        BoundedHttpTransport.UnaskedContentCodingException.class,
        () -> new StreamingGet(100).get(upstream.rootUrl() + "gzip", "Bearer t"));
  }

  @Test
  void aBodyThatStopsArrivingIsCutOffByTheReadTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stalling =
          new Thread(
              () -> {
                try (Socket socket = server.accept()) {
                  InputStream in = socket.getInputStream();
                  in.read(new byte[8192]);
                  OutputStream out = socket.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  release.await();
                } catch (IOException | InterruptedException e) {
                  // the test is over
                }
              });
      stalling.start();
      StreamingGet get = new StreamingGet(Duration.ofSeconds(5), Duration.ofMillis(300), 10_000);
      try (StreamingGet.Answer answer =
          get.get("http://127.0.0.1:" + server.getLocalPort() + "/stall", "Bearer t")) {
        assertEquals(200, answer.status());
        assertThrows(HttpTimeoutException.class, () -> answer.body().readAllBytes());
      } finally {
        release.countDown();
        stalling.join();
      }
    }
  }
}
