package io.github.gmailoauth.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty on localhost that serves the HTML a test puts at a path, as is: no
 * Content-Security-Policy, no sandbox, no headers beyond the content type. What a page does here,
 * it does on its own strength (the browser tests of the sanitiser use it to see HTML without the
 * app's other layers).
 */
public final class PageServer implements AutoCloseable {
  private final Map<String, String> pages = new ConcurrentHashMap<>();
  private final Server server = LoopbackJetty.start("localhost", this::answer);

  private PageServer() throws Exception {}

  public static PageServer start() throws Exception {
    return new PageServer();
  }

  private boolean answer(Request request, Response response, Callback callback) {
    String html = pages.get(request.getHttpURI().getPath());
    if (html == null) {
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    response.write(true, ByteBuffer.wrap(html.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  /** Serves {@code html} at {@code path} (from now on) and answers its full URL. */
  public String put(String path, String html) {
    pages.put(path, html);
    return url(path);
  }

  public String url(String path) {
    return "http://localhost:" + LoopbackJetty.port(server) + path;
  }

  /** The origin pages are served from, e.g. http://localhost:41234. */
  public String origin() {
    return url("");
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
