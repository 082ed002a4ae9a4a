package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.oauth.ClientAuthentication;
import io.github.gmailoauth.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @TempDir Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty(AppConfig.OAUTH_REDIRECT_URI);
  }

  private Path secrets(String json) throws Exception {
    return Files.writeString(dir.resolve("client_secrets.json"), json);
  }

  @Test
  void aWebClientSecretsFileIsReadWithItsOwnEndpoints() throws Exception {
    Path file =
        secrets(
            """
        {"web":{"client_id":"id-1","client_secret":"s-1","auth_uri":"https://auth.example/a","token_uri":"https://token.example/t"}}""");
    AppConfig config =
        AppConfig.load(
            Map.of(
                    AppConfig.GOOGLE_CLIENT_SECRETS,
                    file.toString(),
                    AppConfig.TOKEN_ENCRYPTION_KEY,
                    TestApp.TOKEN_KEY)
                ::get);
    assertEquals("id-1", config.clientId());
    assertEquals("s-1", config.clientSecret());
    assertEquals("https://auth.example/a", config.authUri());
    assertEquals("https://token.example/t", config.tokenUri());
    assertEquals(AppConfig.DEFAULT_REDIRECT_URI, config.redirectUri());
    assertEquals(AppConfig.DEFAULT_REVOKE_URI, config.revokeUri());
    assertEquals(AppConfig.DEFAULT_DATABASE_URL, config.databaseUrl());
    assertNull(config.apiRootUrl());
    assertEquals(List.of(AppConfig.DEFAULT_SCOPES.split(" ")), config.scopes());
  }

  @Test
  void anInstalledClientWithoutEndpointsGetsGooglesDefaults() throws Exception {
    Path file = secrets("{\"installed\":{\"client_id\":\"id-2\",\"client_secret\":\"s-2\"}}");
    AppConfig config =
        AppConfig.load(
            Map.of(
                    AppConfig.GOOGLE_CLIENT_SECRETS,
                    file.toString(),
                    AppConfig.TOKEN_ENCRYPTION_KEY,
                    TestApp.TOKEN_KEY)
                ::get);
    assertEquals("id-2", config.clientId());
    assertEquals(AppConfig.GOOGLE_AUTH_URI, config.authUri());
    assertEquals(AppConfig.GOOGLE_TOKEN_URI, config.tokenUri());
  }

  @Test
  void aSystemPropertyWinsOverAnInitParameterWhichWinsOverTheDefault() throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    Map<String, String> init =
        new HashMap<>(
            Map.of(
                AppConfig.GOOGLE_CLIENT_SECRETS,
                file.toString(),
                AppConfig.OAUTH_REDIRECT_URI,
                "https://init.example/cb",
                AppConfig.GOOGLE_API_ROOT_URL,
                "http://127.0.0.1:9/root",
                AppConfig.TOKEN_ENCRYPTION_KEY,
                TestApp.TOKEN_KEY));
    assertEquals("https://init.example/cb", AppConfig.load(init::get).redirectUri());
    assertEquals(
        "http://127.0.0.1:9/root/", AppConfig.load(init::get).apiRootUrl(), "a slash is appended");
    System.setProperty(AppConfig.OAUTH_REDIRECT_URI, "https://property.example/cb");
    assertEquals("https://property.example/cb", AppConfig.load(init::get).redirectUri());
  }

  @Test
  void everyMissingOrInvalidSettingIsNamedInOneMessage() {
    Map<String, String> init =
        Map.of(
            AppConfig.OAUTH_REDIRECT_URI, "not a url",
            AppConfig.GOOGLE_REVOKE_URI, "ftp://x/revoke");
    AppConfig.ConfigException e =
        assertThrows(AppConfig.ConfigException.class, () -> AppConfig.load(init::get));
    assertTrue(e.getMessage().contains(AppConfig.GOOGLE_CLIENT_SECRETS), e.getMessage());
    assertTrue(e.getMessage().contains(AppConfig.OAUTH_REDIRECT_URI), e.getMessage());
    assertTrue(e.getMessage().contains(AppConfig.GOOGLE_REVOKE_URI), e.getMessage());
  }

  @Test
  void theTokenEndpointAuthMethodIsBasicByDefaultAndAnUnknownOneIsNamedWithTheOtherProblems()
      throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"id\",\"client_secret\":\"s\"}}");
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                AppConfig.GOOGLE_CLIENT_SECRETS,
                file.toString(),
                AppConfig.TOKEN_ENCRYPTION_KEY,
                TestApp.TOKEN_KEY));
    assertEquals(
        ClientAuthentication.Method.CLIENT_SECRET_BASIC,
        AppConfig.load(settings::get).tokenEndpointAuthMethod());
    settings.put(AppConfig.TOKEN_ENDPOINT_AUTH_METHOD, "client_secret_post");
    assertEquals(
        ClientAuthentication.Method.CLIENT_SECRET_POST,
        AppConfig.load(settings::get).tokenEndpointAuthMethod());

    for (String wrong : List.of("private_key_jwt", "CLIENT_SECRET_BASIC", "basic", "none")) {
      Map<String, String> bad =
          Map.of(
              AppConfig.TOKEN_ENDPOINT_AUTH_METHOD,
              wrong,
              AppConfig.OAUTH_REDIRECT_URI,
              "not a url");
      AppConfig.ConfigException e =
          assertThrows(AppConfig.ConfigException.class, () -> AppConfig.load(bad::get));
      assertTrue(
          e.getMessage()
              .contains(
                  "TOKEN_ENDPOINT_AUTH_METHOD (must be client_secret_basic or client_secret_post)"),
          e.getMessage());
      assertTrue(
          e.getMessage().contains(AppConfig.OAUTH_REDIRECT_URI),
          "reported with the other problems");
      assertTrue(e.getMessage().contains(AppConfig.GOOGLE_CLIENT_SECRETS), e.getMessage());
    }
  }

  @Test
  void aClientSecretsFileWithoutASecretIsRefusedWithoutQuotingIt() throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"only-id\"}}");
    AppConfig.ConfigException e =
        assertThrows(
            AppConfig.ConfigException.class,
            () -> AppConfig.load(Map.of(AppConfig.GOOGLE_CLIENT_SECRETS, file.toString())::get));
    assertTrue(e.getMessage().contains(file.toString()));
  }

  @Test
  void toStringHidesTheClientSecretAndDatabasePassword() throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"id\",\"client_secret\":\"very-secret-value\"}}");
    AppConfig config =
        AppConfig.load(
            Map.of(
                    AppConfig.GOOGLE_CLIENT_SECRETS,
                    file.toString(),
                    AppConfig.DATABASE_PASSWORD,
                    "db-password-value",
                    AppConfig.TOKEN_ENCRYPTION_KEY,
                    TestApp.TOKEN_KEY)
                ::get);
    assertFalse(config.toString().contains("very-secret-value"));
    assertFalse(config.toString().contains("db-password-value"));
  }

  @Test
  void aPostgreSqlUrlIsAcceptedAndAPasswordInItIsNeverPrinted() throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"id\",\"client_secret\":\"s\"}}");
    String url =
        "jdbc:postgresql://db.internal:5432/gmail?user=gmail&password=pw-in-the-url&sslmode=require";
    AppConfig config =
        AppConfig.load(
            Map.of(
                    AppConfig.GOOGLE_CLIENT_SECRETS,
                    file.toString(),
                    AppConfig.DATABASE_URL,
                    url,
                    AppConfig.TOKEN_ENCRYPTION_KEY,
                    TestApp.TOKEN_KEY)
                ::get);
    assertEquals(url, config.databaseUrl(), "the driver still gets the URL as written");
    String printed = config.toString();
    assertFalse(printed.contains("pw-in-the-url"), printed);
    assertTrue(
        printed.contains(
            "jdbc:postgresql://db.internal:5432/gmail?user=gmail&password=(hidden)&sslmode=require"),
        printed);
    assertEquals(
        "jdbc:postgresql://(hidden)@db/x",
        AppConfig.withoutPassword("jdbc:postgresql://u:secret@db/x"));
    assertEquals(
        "jdbc:h2:file:./d;USER=sa;PASSWORD=(hidden);MODE=PostgreSQL",
        AppConfig.withoutPassword("jdbc:h2:file:./d;USER=sa;PASSWORD=secret;MODE=PostgreSQL"));
  }

  @Test
  void aDatabaseOtherThanH2OrPostgreSqlIsRefusedWithoutEchoingItsUrl() throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"id\",\"client_secret\":\"s\"}}");
    for (String url :
        List.of(
            "jdbc:mysql://db/x?password=pw-mysql",
            "postgresql://db/x?password=pw-mysql",
            "jdbc:sqlite:x.db")) {
      AppConfig.ConfigException refused =
          assertThrows(
              AppConfig.ConfigException.class,
              () ->
                  AppConfig.load(
                      Map.of(
                              AppConfig.GOOGLE_CLIENT_SECRETS,
                              file.toString(),
                              AppConfig.DATABASE_URL,
                              url,
                              AppConfig.TOKEN_ENCRYPTION_KEY,
                              TestApp.TOKEN_KEY)
                          ::get));
      assertTrue(
          refused
              .getMessage()
              .contains("DATABASE_URL (must start with jdbc:h2: or jdbc:postgresql:)"),
          refused.getMessage());
      assertFalse(refused.getMessage().contains("pw-mysql"));
    }
  }

  @Test
  void everyBadSettingOfTheLauncherAndOfTheAppIsNamedInOneStartUpErrorThatQuotesNoSecret() {
    Map<String, String> bad =
        Map.of(
            AppConfig.PORT, "http",
            AppConfig.FORWARDED_HEADERS, "yes",
            AppConfig.STOP_TIMEOUT_SECONDS, "ten",
            AppConfig.SESSION_STORE, "redis",
            AppConfig.HTTPS, "maybe",
            AppConfig.DATABASE_PASSWORD, "db-password-value",
            AppConfig.TOKEN_ENCRYPTION_KEY, "token-key-value");
    AppConfig.ConfigException refused =
        assertThrows(AppConfig.ConfigException.class, () -> Main.newServer(0, bad));
    for (String name :
        List.of(
            AppConfig.PORT,
            AppConfig.FORWARDED_HEADERS,
            AppConfig.STOP_TIMEOUT_SECONDS,
            AppConfig.SESSION_STORE,
            AppConfig.HTTPS,
            AppConfig.GOOGLE_CLIENT_SECRETS,
            AppConfig.TOKEN_ENCRYPTION_KEY)) {
      assertTrue(refused.getMessage().contains(name), name + " in: " + refused.getMessage());
    }
    assertTrue(
        refused.getMessage().contains("FORWARDED_HEADERS (must be true or false)"),
        refused.getMessage());
    assertTrue(
        refused.getMessage().contains("HTTPS (must be true or false)"), refused.getMessage());
    assertFalse(refused.getMessage().contains("db-password-value"), refused.getMessage());
    assertFalse(refused.getMessage().contains("token-key-value"), refused.getMessage());
  }

  @Test
  void anUnknownSessionStoreIsRefusedByTheLauncher() {
    AppConfig.ConfigException refused =
        assertThrows(
            AppConfig.ConfigException.class,
            () -> AppConfig.loadLauncher(Map.of(AppConfig.SESSION_STORE, "redis")::get));
    assertTrue(
        refused.getMessage().contains("SESSION_STORE (must be memory or jdbc)"),
        refused.getMessage());
  }

  // Issue 16, metrics.
  @Test
  void theMetricsTokenIsHiddenAWeakOneIsRefusedUnquotedAndThePortIsTheLaunchers() throws Exception {
    Path file = secrets("{\"web\":{\"client_id\":\"id\",\"client_secret\":\"s\"}}");
    String token = "metrics-token-0123456789abcdef0123456789";
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                AppConfig.GOOGLE_CLIENT_SECRETS,
                file.toString(),
                AppConfig.TOKEN_ENCRYPTION_KEY,
                TestApp.TOKEN_KEY,
                AppConfig.METRICS_TOKEN,
                token));
    AppConfig config = AppConfig.load(settings::get);
    assertEquals(token, config.metricsToken());
    assertFalse(config.toString().contains(token), config.toString());
    assertTrue(config.toString().contains("metricsToken=(hidden)"), config.toString());
    assertEquals(token, config.withRedirectUri("http://localhost:1/oauth2callback").metricsToken());

    settings.put(AppConfig.METRICS_TOKEN, "short-weak-token");
    AppConfig.ConfigException weak =
        assertThrows(AppConfig.ConfigException.class, () -> AppConfig.load(settings::get));
    assertTrue(weak.getMessage().contains(AppConfig.METRICS_TOKEN), weak.getMessage());
    assertFalse(weak.getMessage().contains("short-weak-token"), weak.getMessage());
    settings.put(AppConfig.METRICS_TOKEN, "x".repeat(40) + " y");
    assertThrows(AppConfig.ConfigException.class, () -> AppConfig.load(settings::get));

    settings.remove(AppConfig.METRICS_TOKEN);
    assertNull(AppConfig.load(settings::get).metricsToken());
    AppConfig.Launcher off = AppConfig.loadLauncher(settings::get);
    assertNull(off.metricsPort());
    assertFalse(off.metricsOn());
    settings.put(AppConfig.METRICS_PORT, "9464");
    AppConfig.Launcher port = AppConfig.loadLauncher(settings::get);
    assertEquals(9464, port.metricsPort());
    assertTrue(port.metricsOn());
    assertEquals(9464, port.onPort(0).metricsPort());
    settings.put(AppConfig.METRICS_PORT, "65536");
    AppConfig.ConfigException badPort =
        assertThrows(AppConfig.ConfigException.class, () -> AppConfig.loadLauncher(settings::get));
    assertTrue(badPort.getMessage().contains(AppConfig.METRICS_PORT), badPort.getMessage());
  }
}
