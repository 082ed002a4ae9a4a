package io.github.gmailoauth.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's load balancer: round-robin over the nodes and, as nginx's default {@code
 * proxy_next_upstream error timeout} does, sending a request on to the next node when a node cannot
 * be reached, or, for a GET, when it fails before answering. No health checks and no stickiness:
 * every request may land on either node, which is the point. Answers a 502 when no node answered.
 * The node sees its own address as Host (the JDK client sets Host itself); nothing the soak loads
 * depends on Host, since the app's redirect URI is configured and its redirects are relative.
 */
final class SoakProxy implements AutoCloseable {
  /**
   * RFC 9110 §7.6.1: connection-specific fields are not forwarded; the JDK client sets its own
   * length.
   */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "host",
          "expect");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(32);
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<String> nodes;
  private final AtomicInteger next = new AtomicInteger();

  SoakProxy(List<String> nodeBases) throws IOException {
    this.nodes = List.copyOf(nodeBases);
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 100);
    server.createContext("/", this::forward);
    server.setExecutor(threads);
    server.start();
  }

  String base() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      boolean idempotent =
          exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
      int first = Math.floorMod(next.getAndIncrement(), nodes.size());
      for (int i = 0; i < nodes.size(); i++) {
        String node = nodes.get((first + i) % nodes.size());
        HttpResponse<byte[]> answer;
        try {
          answer =
              client.send(
                  upstreamRequest(exchange, node, body), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException refused) {
          continue; // the node is down: the next one
        } catch (IOException failed) {
          if (idempotent) {
            continue; // cut before it answered (a killed node): a GET may go to the next one
          }
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        answer
            .headers()
            .map()
            .forEach(
                (name, values) -> {
                  if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))
                      && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                  }
                });
        byte[] out = answer.body();
        boolean empty = out.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : out.length);
        if (!empty) {
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
          }
        }
        return;
      }
      exchange.sendResponseHeaders(502, -1);
    }
  }

  private static HttpRequest upstreamRequest(HttpExchange exchange, String node, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node + exchange.getRequestURI()))
            .timeout(Duration.ofSeconds(30))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        for (String value : header.getValue()) {
          request.header(header.getKey(), value);
        }
      }
    }
    return request.build();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
