package io.github.gmailoauth.testing;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The one way out of a test's Chromium ({@link Chromium#proxy}): a Jetty on 127.0.0.1 that records
 * every request sent through it and forwards none. A plain-http request arrives whole ({@code GET
 * http://tracker.invalid/p.gif}); an https one as {@code CONNECT images.invalid:443}, refused, so
 * its path is never seen but its host is. This is the network's own view: it holds whatever a page,
 * a frame in another process or the browser itself tried to reach, whatever the DevTools events
 * say.
 */
public final class RecordingProxy implements AutoCloseable {

  /** One request: the method and the target as sent ({@code http://h/p} or {@code h:443}). */
  public record Seen(String method, String target) {
    /** A CONNECT, i.e. the browser wanted https (or wss) to {@link #target}. */
    public boolean tunnel() {
      return method.equals("CONNECT");
    }

    public String host() {
      String rest = target.replaceFirst("^[a-z]+://", "");
      int end = rest.length();
      for (char c : new char[] {'/', ':', '?', '#'}) {
        int at = rest.indexOf(c);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      return rest.substring(0, end);
    }
  }

  private final List<Seen> seen = new ArrayList<>(); // guarded by itself
  private Server server;

  private RecordingProxy() {}

  public static RecordingProxy start() throws Exception {
    RecordingProxy proxy = new RecordingProxy();
    proxy.server = LoopbackJetty.start("127.0.0.1", proxy::record);
    return proxy;
  }

  private boolean record(Request request, Response response, Callback callback) {
    String target =
        request.getMethod().equals("CONNECT")
            ? request.getHttpURI().getAuthority()
            : request.getHttpURI().toString();
    synchronized (seen) {
      seen.add(new Seen(request.getMethod(), target));
    }
    Response.writeError(request, response, callback, HttpStatus.BAD_GATEWAY_502);
    return true;
  }

  /** What to give Chromium's --proxy-server: 127.0.0.1:port. */
  public String address() {
    return "127.0.0.1:" + LoopbackJetty.port(server);
  }

  public List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  public void clear() {
    synchronized (seen) {
      seen.clear();
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
