package io.github.gmailoauth.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The bare servlets the app is compared with, mounted at {@code /bench} on the app's own Jetty
 * server.
 */
final class BaselineServlets {
  private BaselineServlets() {}

  /** {@code /bench/hello}: "hello" as text/plain, nothing else. */
  static final class Hello extends HttpServlet {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain;charset=utf-8");
      response.setContentLength(HELLO.length);
      response.getOutputStream().write(HELLO);
    }
  }

  /**
   * The two upstream calls the app makes for a page, replayed exactly as the app sent them: the
   * {@code messages.list} GET and the batch POST (same URL, Content-Type, body and bearer token),
   * one after the other with the JDK's {@link HttpClient}; both answers are written back as they
   * came, without parsing or rendering.
   */
  record Replay(
      URI listUri, URI batchUri, String batchContentType, byte[] batchBody, String authorization) {}

  /** {@code /bench/baseline}: {@link Replay} once per request; 503 until a replay is set. */
  static final class Baseline extends HttpServlet {
    private final HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private volatile Replay replay;

    void setReplay(Replay replay) {
      this.replay = replay;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Replay r = replay;
      if (r == null) {
        response.sendError(503);
        return;
      }
      try {
        HttpResponse<byte[]> list =
            client.send(
                HttpRequest.newBuilder(r.listUri())
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", r.authorization())
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> batch =
            client.send(
                HttpRequest.newBuilder(r.batchUri())
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", r.authorization())
                    .header("Content-Type", r.batchContentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(r.batchBody()))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (list.statusCode() != 200 || batch.statusCode() != 200) {
          response.sendError(502);
          return;
        }
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(list.body().length + 1 + batch.body().length);
        OutputStream out = response.getOutputStream();
        out.write(list.body());
        out.write('\n');
        out.write(batch.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.sendError(503);
      }
    }
  }
}
