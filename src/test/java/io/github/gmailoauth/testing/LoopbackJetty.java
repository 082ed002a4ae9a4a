package io.github.gmailoauth.testing;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A bare Jetty (core handlers, no servlets) on a free port of a loopback host, for test doubles.
 */
final class LoopbackJetty {
  private LoopbackJetty() {}

  /** Starts {@code handler} on {@code host} ("localhost" or "127.0.0.1"), port 0. */
  static Server start(String host, Request.Handler handler) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            return handler.handle(request, response, callback);
          }
        });
    server.start();
    return server;
  }

  static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }
}
