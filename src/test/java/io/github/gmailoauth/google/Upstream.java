package io.github.gmailoauth.google;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hostile upstream on loopback: a real HTTP server (the JDK's) answering each path with exactly
 * the bytes a test sets, so the app and the client library read the same bytes off a socket.
 */
public final class Upstream implements AutoCloseable {
  static {
    // As StandInGoogle does: without TCP_NODELAY each small answer waits for a delayed ACK
    // (about 40 ms), which made a 200-try property take 14 s instead of 5.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** What one path answers; {@code body} is computed from the request bytes. */
  public interface Handler {
    Answer answer(byte[] request, String requestContentType) throws IOException;
  }

  public record Answer(int status, Map<String, String> headers, byte[] body) {}

  private final HttpServer server;
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();

  public Upstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The root URL, ending with '/', as the Gmail client's root URL. */
  public String rootUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  public void route(String path, Handler handler) {
    routes.put(path, handler);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] request = exchange.getRequestBody().readAllBytes();
      Handler handler = routes.get(exchange.getRequestURI().getPath());
      Answer answer =
          handler == null
              ? new Answer(404, Map.of(), new byte[0])
              : handler.answer(request, exchange.getRequestHeaders().getFirst("Content-Type"));
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      if (answer.body().length == 0) {
        exchange.sendResponseHeaders(answer.status(), -1);
      } else {
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer.body());
        }
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
