package io.github.gmailoauth.risc;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** What the RISC tests share: Google's POST, and what the app holds afterwards. */
final class Risc {
  static final String MEDIA_TYPE = "application/secevent+jwt";

  private Risc() {}

  /** POSTs {@code token} to the node's /risc as Google's transmitter does (RFC 8935 §2). */
  static HttpResponse<String> deliver(TestApp node, String token)
      throws IOException, InterruptedException {
    return deliver(node, token.getBytes(java.nio.charset.StandardCharsets.US_ASCII), MEDIA_TYPE);
  }

  /** POSTs {@code body} with {@code contentType} (null: none) to the node's /risc. */
  static HttpResponse<String> deliver(TestApp node, byte[] body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(node.url("/risc")))
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    // A client of its own per delivery, as a transmitter's: the app closes a connection whose
    // oversized body it did not read, and a shared pool could send the next request down it.
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether {@code browser}'s session is signed in on {@code node}: its home page says so. */
  static boolean signedIn(TestApp node, Browser browser) throws IOException, InterruptedException {
    HttpResponse<String> home = browser.get(node.url("/"));
    if (home.statusCode() != 200) {
      throw new AssertionError("home page answered " + home.statusCode());
    }
    return home.body().contains("id=\"signed-in-as\"");
  }

  /** The row of {@code userId} in risc_account, column to value; empty when none. */
  static Map<String, Object> accountRow(TestApp app, String userId) throws SQLException {
    return app.userRow("risc_account", userId);
  }

  static int count(TestApp app, String table) throws SQLException {
    try (Connection c = app.database.open();
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
