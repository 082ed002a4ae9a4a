package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No H2 console, no H2 TCP/PG/web server, no listening port but the app's own. */
class AdminSurfaceTest {
  @TempDir Path dir;

  @Test
  void startingTheAppOpensExactlyOneListeningPortAndNoConsole() throws Exception {
    Set<Integer> before = listeningPortsOfThisProcess();
    try (TestApp app = TestApp.start(dir)) {
      Set<Integer> opened = new HashSet<>(listeningPortsOfThisProcess());
      opened.removeAll(before);
      int appPort = URI.create(app.url("/")).getPort();
      int googlePort = URI.create(app.google.baseUrl()).getPort();
      assertEquals(Set.of(appPort, googlePort), opened, "only the app (and the test's stand-in Google) listen");
      Browser browser = new Browser();
      for (String path : List.of("/h2-console", "/h2-console/", "/console", "/h2", "/WEB-INF/web.xml", "/db/migration/V1__google_grant.sql")) {
        assertEquals(404, browser.get(app.url(path)).statusCode(), path);
      }
    }
  }

  @Test
  void anH2UrlThatWouldOpenAServerIsRefusedAtStartUp() throws Exception {
    Path secrets = Files.writeString(dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    for (String url : List.of("jdbc:h2:file:./x;AUTO_SERVER=TRUE", "jdbc:h2:tcp://localhost/x", "jdbc:h2:file:./x;auto_server=true")) {
      AppConfig.ConfigException e = assertThrows(AppConfig.ConfigException.class, () -> AppConfig.load(Map.of(
          AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString(),
          AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.TOKEN_KEY,
          AppConfig.DATABASE_URL, url)::get));
      assertTrue(e.getMessage().contains(AppConfig.DATABASE_URL), e.getMessage());
    }
  }

  /** TCP ports in LISTEN state whose sockets this JVM holds (Linux /proc). */
  static Set<Integer> listeningPortsOfThisProcess() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      fds.forEach(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // The descriptor closed meanwhile.
        }
      });
    }
    Set<Integer> ports = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }
}
