package io.github.gmailoauth;

import com.google.api.client.googleapis.auth.oauth2.GoogleClientSecrets;
import com.google.api.client.json.gson.GsonFactory;
import io.github.gmailoauth.oauth.ClientAuthentication;
import io.github.gmailoauth.oauth.ClientRegistration;
import io.github.gmailoauth.oauth.TokenCipher;
import io.github.gmailoauth.risc.SecurityEventTokens;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every setting, read once at start-up: the app's ({@link #load}, what a deployed WAR reads) and,
 * for the embedded launcher, its own as well ({@link #loadLauncher}).
 *
 * <p>Each setting is looked up, in order, as a Java system property, an environment variable, a
 * servlet-context init-parameter (so a Jetty context XML can configure a deployed WAR; for the
 * embedded launcher, the map it is given), then its default. Every missing or unusable setting is
 * reported together in one {@link ConfigException}, named but never quoted.
 *
 * <p>{@code toString()} never prints the client secret, the database password or a token key.
 */
public record AppConfig(
    String clientId,
    String clientSecret,
    String authUri,
    String tokenUri,
    String redirectUri,
    String apiRootUrl,
    String revokeUri,
    List<String> scopes,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    boolean https,
    TokenCipher tokenCipher,
    ClientAuthentication.Method tokenEndpointAuthMethod,
    Duration sessionMaxAge,
    long messageCacheBytes,
    String metricsToken,
    String riscJwksUri) {

  public static final String GOOGLE_CLIENT_SECRETS = ClientRegistration.CLIENT_SECRETS_SETTING;
  public static final String OAUTH_REDIRECT_URI = "OAUTH_REDIRECT_URI";
  public static final String GOOGLE_API_ROOT_URL = "GOOGLE_API_ROOT_URL";
  public static final String GOOGLE_REVOKE_URI = "GOOGLE_REVOKE_URI";
  public static final String GOOGLE_SCOPES = "GOOGLE_SCOPES";

  /**
   * How the app authenticates to the token and revocation endpoints (RFC 6749 §2.3.1): {@code
   * client_secret_basic} (default) or {@code client_secret_post}.
   */
  public static final String TOKEN_ENDPOINT_AUTH_METHOD = ClientRegistration.AUTH_METHOD_SETTING;

  public static final String DATABASE_URL = "DATABASE_URL";
  public static final String DATABASE_USER = "DATABASE_USER";
  public static final String DATABASE_PASSWORD = "DATABASE_PASSWORD";
  public static final String PORT = "PORT";

  /** Embedded launcher: the file the access log is appended to (default: standard error). */
  public static final String ACCESS_LOG = "ACCESS_LOG";

  /**
   * Embedded launcher only: where HTTP sessions live, {@code memory} (this node) or {@code jdbc}
   * (the app's database, shared by every node). A stock Jetty decides with its session modules.
   */
  public static final String SESSION_STORE = "SESSION_STORE";

  /**
   * Embedded launcher: trust Forwarded / X-Forwarded-* (only behind a proxy that overwrites them).
   */
  public static final String FORWARDED_HEADERS = "FORWARDED_HEADERS";

  /** Embedded launcher: how long stopping the server waits for requests in flight. */
  public static final String STOP_TIMEOUT_SECONDS = "STOP_TIMEOUT_SECONDS";

  public static final String HTTPS = "HTTPS";

  /** Base64 of 32 random bytes; several comma-separated while rotating, the current one first. */
  public static final String TOKEN_ENCRYPTION_KEY = "TOKEN_ENCRYPTION_KEY";

  /**
   * A file holding what {@link #TOKEN_ENCRYPTION_KEY} would (keeps the key out of the environment).
   */
  public static final String TOKEN_ENCRYPTION_KEY_FILE = "TOKEN_ENCRYPTION_KEY_FILE";

  /**
   * How long a sign-in lasts at most, however busy the session stays (on top of the 30-minute idle
   * timeout): an ISO-8601 duration such as {@code PT12H} or {@code PT30M}, from one minute to 30
   * days.
   */
  public static final String SESSION_MAX_AGE = "SESSION_MAX_AGE";

  public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofHours(12);
  static final Duration MIN_SESSION_MAX_AGE = Duration.ofMinutes(1);
  static final Duration MAX_SESSION_MAX_AGE = Duration.ofDays(30);

  /**
   * The most heap, in MiB, this node's cache of list rows may take (issue 15, {@code
   * gmail.RowCache}); 0 turns it off. Memory only: each node keeps its own.
   */
  public static final String MESSAGE_CACHE_MB = "MESSAGE_CACHE_MB";

  public static final long DEFAULT_MESSAGE_CACHE_MB = 64;
  static final long MAX_MESSAGE_CACHE_MB = 64 * 1024;

  // Issue 16, metrics.
  /**
   * The bearer token {@code GET /metrics} asks for (RFC 6750 characters, at least {@value
   * #MIN_METRICS_TOKEN} of them); unset: no {@code /metrics} (404) and, without {@link
   * #METRICS_PORT}, nothing is collected.
   */
  public static final String METRICS_TOKEN = "METRICS_TOKEN";

  /** Embedded launcher: a port of its own that serves {@code /metrics} and nothing else. */
  public static final String METRICS_PORT = "METRICS_PORT";

  static final int MIN_METRICS_TOKEN = 32;

  /**
   * Cross-Account Protection (issue 16): the JWKS that signs Google's security event tokens, as the
   * {@code jwks_uri} of https://accounts.google.com/.well-known/risc-configuration names it.
   */
  public static final String RISC_JWKS_URI = "RISC_JWKS_URI";

  public static final String DEFAULT_RISC_JWKS_URI = SecurityEventTokens.DEFAULT_JWKS_URI;

  public static final String DEFAULT_REDIRECT_URI = "http://localhost:8080/oauth2callback";
  public static final String DEFAULT_REVOKE_URI = "https://oauth2.googleapis.com/revoke";
  public static final String DEFAULT_SCOPES =
      "https://www.googleapis.com/auth/gmail.readonly"
          + " https://www.googleapis.com/auth/userinfo.email"
          + " https://www.googleapis.com/auth/userinfo.profile";
  public static final String DEFAULT_DATABASE_URL = "jdbc:h2:file:./data/gmail-oauth-webapp";

  // Google's documented endpoints, used when client_secrets.json leaves them out.
  static final String GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth";
  static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

  static final int DEFAULT_PORT = 8080;
  static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_STOP_TIMEOUT = Duration.ofHours(1);

  /** Where the embedded launcher keeps HTTP sessions ({@link #SESSION_STORE}). */
  public enum SessionStore {
    /** In the node's memory. */
    MEMORY,
    /** In the app's database, shared by every node ({@code SharedSessions}). */
    JDBC
  }

  /**
   * The embedded launcher's settings with the app's, read together so that one error names every
   * bad one. A WAR never reads them: a stock Jetty has its own for each (its http, requestlog,
   * session-store-jdbc, forwarded and graceful modules).
   *
   * @param app the app's settings
   * @param port {@link #PORT}
   * @param accessLog {@link #ACCESS_LOG}, the file the access log is appended to; null for standard
   *     error
   * @param sessionStore {@link #SESSION_STORE}
   * @param forwardedHeaders {@link #FORWARDED_HEADERS}
   * @param stopTimeout {@link #STOP_TIMEOUT_SECONDS}
   * @param redirectUriFollowsPort whether {@link #OAUTH_REDIRECT_URI} is unset, so that the app's
   *     redirect URI is {@code http://localhost:<port>/oauth2callback} of the port it listens on
   * @param metricsPort {@link #METRICS_PORT}; null when {@code /metrics} is on the app's port
   */
  public record Launcher(
      AppConfig app,
      int port,
      String accessLog,
      SessionStore sessionStore,
      boolean forwardedHeaders,
      Duration stopTimeout,
      boolean redirectUriFollowsPort,
      Integer metricsPort) {

    /** These settings for a server listening on {@code port}, its redirect URI too unless set. */
    public Launcher onPort(int port) {
      AppConfig onPort = redirectUriFollowsPort ? app.withRedirectUri(localRedirectUri(port)) : app;
      return new Launcher(
          onPort,
          port,
          accessLog,
          sessionStore,
          forwardedHeaders,
          stopTimeout,
          redirectUriFollowsPort,
          metricsPort);
    }

    /** Whether the app collects metrics: a token or a port of their own asks for them. */
    public boolean metricsOn() {
      return app.metricsToken() != null || metricsPort != null;
    }
  }

  /**
   * Thrown when settings are missing or unusable; the message names every one of them. An unusable
   * setting is an illegal argument to start-up, hence the superclass.
   */
  public static final class ConfigException extends IllegalArgumentException {
    ConfigException(String message) {
      super(message);
    }
  }

  /**
   * Looks a setting up as a system property, then an environment variable, then in {@code
   * initParams} (the servlet context's init-parameters).
   */
  public static String lookup(String name, Function<String, String> initParams) {
    String value = System.getProperty(name);
    if (isBlank(value)) {
      value = System.getenv(name);
    }
    if (isBlank(value) && initParams != null) {
      value = initParams.apply(name);
    }
    return isBlank(value) ? null : value.trim();
  }

  /** The app's settings; {@code initParams} are the servlet context's init-parameters. */
  public static AppConfig load(Function<String, String> initParams) {
    List<String> problems = new ArrayList<>();
    AppConfig config = read(initParams, DEFAULT_REDIRECT_URI, problems);
    failOn(problems);
    return config;
  }

  /**
   * The app's settings and the embedded launcher's; {@code settings} act as the init-parameters.
   * Without {@link #OAUTH_REDIRECT_URI} the redirect URI is that of localhost on {@link #PORT}.
   */
  public static Launcher loadLauncher(Function<String, String> settings) {
    List<String> problems = new ArrayList<>();
    int port = (int) readWholeNumber(PORT, settings, DEFAULT_PORT, 0, 65535, problems);
    boolean redirectUriFollowsPort = lookup(OAUTH_REDIRECT_URI, settings) == null;
    AppConfig app = read(settings, localRedirectUri(port), problems);
    String accessLog = lookup(ACCESS_LOG, settings);
    SessionStore sessionStore = readSessionStore(settings, problems);
    boolean forwardedHeaders = readBoolean(FORWARDED_HEADERS, settings, false, problems);
    Duration stopTimeout =
        Duration.ofSeconds(
            readWholeNumber(
                STOP_TIMEOUT_SECONDS,
                settings,
                DEFAULT_STOP_TIMEOUT.toSeconds(),
                0,
                MAX_STOP_TIMEOUT.toSeconds(),
                problems));
    Integer metricsPort =
        lookup(METRICS_PORT, settings) == null
            ? null
            : (int) readWholeNumber(METRICS_PORT, settings, 0, 0, 65535, problems);
    failOn(problems);
    return new Launcher(
        app,
        port,
        accessLog,
        sessionStore,
        forwardedHeaders,
        stopTimeout,
        redirectUriFollowsPort,
        metricsPort);
  }

  /** The redirect URI of the embedded launcher listening on {@code port} of localhost. */
  static String localRedirectUri(int port) {
    return "http://localhost:" + port + "/oauth2callback";
  }

  private static void failOn(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new ConfigException(
          "gmail-oauth-webapp cannot start; missing or invalid settings: "
              + String.join("; ", problems)
              + ". Set each as a system property, an environment variable or a context init-parameter.");
    }
  }

  /** The app's settings, or null with what is wrong added to {@code problems}. */
  private static AppConfig read(
      Function<String, String> initParams, String defaultRedirectUri, List<String> problems) {
    String secretsPath = lookup(GOOGLE_CLIENT_SECRETS, initParams);
    GoogleClientSecrets.Details client = null;
    if (secretsPath == null) {
      problems.add(
          GOOGLE_CLIENT_SECRETS + " (path to client_secrets.json from Google Cloud Console)");
    } else {
      client = readClientSecrets(Path.of(secretsPath), problems);
    }

    String redirectUri = orDefault(lookup(OAUTH_REDIRECT_URI, initParams), defaultRedirectUri);
    requireAbsoluteHttpUrl(OAUTH_REDIRECT_URI, redirectUri, problems);
    String apiRootUrl = lookup(GOOGLE_API_ROOT_URL, initParams);
    if (apiRootUrl != null) {
      requireAbsoluteHttpUrl(GOOGLE_API_ROOT_URL, apiRootUrl, problems);
      // The Google clients concatenate the root URL and their service paths.
      apiRootUrl = apiRootUrl.endsWith("/") ? apiRootUrl : apiRootUrl + "/";
    }
    String revokeUri = orDefault(lookup(GOOGLE_REVOKE_URI, initParams), DEFAULT_REVOKE_URI);
    requireAbsoluteHttpUrl(GOOGLE_REVOKE_URI, revokeUri, problems);
    List<String> scopes =
        Arrays.stream(orDefault(lookup(GOOGLE_SCOPES, initParams), DEFAULT_SCOPES).split("\\s+"))
            .filter(s -> !s.isEmpty())
            .distinct()
            .toList();

    // Served over https (directly or behind a TLS proxy): Secure __Host- cookie and HSTS. The
    // registered redirect URI says how browsers reach the app, so it decides by default.
    boolean https = readBoolean(HTTPS, initParams, redirectUri.startsWith("https:"), problems);

    TokenCipher tokenCipher = readTokenKeys(initParams, problems);
    Duration sessionMaxAge = readSessionMaxAge(initParams, problems);
    long messageCacheMb =
        readWholeNumber(
            MESSAGE_CACHE_MB,
            initParams,
            DEFAULT_MESSAGE_CACHE_MB,
            0,
            MAX_MESSAGE_CACHE_MB,
            problems);

    String authMethodSetting = lookup(TOKEN_ENDPOINT_AUTH_METHOD, initParams);
    ClientAuthentication.Method authMethod =
        authMethodSetting == null
            ? ClientAuthentication.Method.CLIENT_SECRET_BASIC
            : ClientAuthentication.Method.fromSetting(authMethodSetting);
    if (authMethod == null) {
      problems.add(
          TOKEN_ENDPOINT_AUTH_METHOD + " (must be client_secret_basic or client_secret_post)");
    }

    String riscJwksUri = orDefault(lookup(RISC_JWKS_URI, initParams), DEFAULT_RISC_JWKS_URI);
    requireAbsoluteHttpUrl(RISC_JWKS_URI, riscJwksUri, problems);

    String databaseUrl = orDefault(lookup(DATABASE_URL, initParams), DEFAULT_DATABASE_URL);
    String lowerDatabaseUrl = databaseUrl.toLowerCase(Locale.ROOT);
    if (!lowerDatabaseUrl.startsWith("jdbc:h2:")
        && !lowerDatabaseUrl.startsWith("jdbc:postgresql:")) {
      // The migrations are written and tested for these two only. Never echo the URL: it may hold a
      // password.
      problems.add(DATABASE_URL + " (must start with jdbc:h2: or jdbc:postgresql:)");
    } else if (lowerDatabaseUrl.startsWith("jdbc:h2:tcp:")
        || lowerDatabaseUrl.startsWith("jdbc:h2:ssl:")
        || (lowerDatabaseUrl.startsWith("jdbc:h2:")
            && H2UrlSettings.namesARefusedSetting(databaseUrl))) {
      // These make H2 open or use a network server, or run code named in the URL: no listening
      // port but the app's, no code but the app's.
      problems.add(
          DATABASE_URL
              + " (H2 server modes and the settings "
              + String.join(", ", new TreeSet<>(H2UrlSettings.REFUSED))
              + " are not allowed, whatever their value; use an embedded file URL)");
    }

    String metricsToken = readMetricsToken(initParams, problems);

    if (!problems.isEmpty()) {
      return null;
    }
    return new AppConfig(
        client.getClientId(),
        client.getClientSecret(),
        orDefault(client.getAuthUri(), GOOGLE_AUTH_URI),
        orDefault(client.getTokenUri(), GOOGLE_TOKEN_URI),
        redirectUri,
        apiRootUrl,
        revokeUri,
        scopes,
        databaseUrl,
        lookup(DATABASE_USER, initParams),
        lookup(DATABASE_PASSWORD, initParams),
        https,
        tokenCipher,
        authMethod,
        sessionMaxAge,
        messageCacheMb * 1024 * 1024,
        metricsToken,
        riscJwksUri);
  }

  /** {@link #METRICS_TOKEN}: null when unset; a problem (never quoting it) when too weak. */
  private static String readMetricsToken(
      Function<String, String> initParams, List<String> problems) {
    String token = lookup(METRICS_TOKEN, initParams);
    if (token != null
        && (token.length() < MIN_METRICS_TOKEN || !token.matches("[A-Za-z0-9._~+/-]+=*"))) {
      problems.add(
          METRICS_TOKEN
              + " (at least "
              + MIN_METRICS_TOKEN
              + " characters of A-Z, a-z, 0-9 and -._~+/, e.g. `openssl rand -hex 32`)");
      return null;
    }
    return token;
  }

  /** {@code true} or {@code false} in any case, else a problem; {@code fallback} when unset. */
  private static boolean readBoolean(
      String name, Function<String, String> settings, boolean fallback, List<String> problems) {
    String value = lookup(name, settings);
    if (value == null) {
      return fallback;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (!value.equalsIgnoreCase("false")) {
      problems.add(name + " (must be true or false)");
    }
    return false;
  }

  /**
   * A whole number from {@code min} to {@code max}, else a problem; {@code fallback} when unset.
   */
  private static long readWholeNumber(
      String name,
      Function<String, String> settings,
      long fallback,
      long min,
      long max,
      List<String> problems) {
    String value = lookup(name, settings);
    if (value == null) {
      return fallback;
    }
    try {
      long number = Long.parseLong(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + " (a whole number from " + min + " to " + max + ")");
    return fallback;
  }

  private static SessionStore readSessionStore(
      Function<String, String> settings, List<String> problems) {
    String value = lookup(SESSION_STORE, settings);
    if (value == null || value.equalsIgnoreCase("memory")) {
      return SessionStore.MEMORY;
    }
    if (value.equalsIgnoreCase("jdbc")) {
      return SessionStore.JDBC;
    }
    problems.add(SESSION_STORE + " (must be memory or jdbc)");
    return null;
  }

  private static Duration readSessionMaxAge(
      Function<String, String> initParams, List<String> problems) {
    String value = lookup(SESSION_MAX_AGE, initParams);
    if (value == null) {
      return DEFAULT_SESSION_MAX_AGE;
    }
    try {
      Duration parsed = Duration.parse(value);
      if (parsed.compareTo(MIN_SESSION_MAX_AGE) >= 0
          && parsed.compareTo(MAX_SESSION_MAX_AGE) <= 0) {
        return parsed;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    problems.add(SESSION_MAX_AGE + " (an ISO-8601 duration from PT1M to P30D, e.g. PT12H)");
    return null;
  }

  /**
   * The keys that encrypt stored tokens: required, from {@link #TOKEN_ENCRYPTION_KEY} or {@link
   * #TOKEN_ENCRYPTION_KEY_FILE} (not both). A problem names the setting, never its value.
   */
  private static TokenCipher readTokenKeys(
      Function<String, String> initParams, List<String> problems) {
    String keys = lookup(TOKEN_ENCRYPTION_KEY, initParams);
    String file = lookup(TOKEN_ENCRYPTION_KEY_FILE, initParams);
    if (keys == null && file == null) {
      problems.add(
          TOKEN_ENCRYPTION_KEY
              + " (base64 of 32 random bytes, e.g. `openssl rand -base64 32`,"
              + " that encrypts the stored tokens; or "
              + TOKEN_ENCRYPTION_KEY_FILE
              + ", a file holding it)");
      return null;
    }
    if (keys != null && file != null) {
      problems.add(
          TOKEN_ENCRYPTION_KEY + " (set it or " + TOKEN_ENCRYPTION_KEY_FILE + ", not both)");
      return null;
    }
    String source = TOKEN_ENCRYPTION_KEY;
    if (file != null) {
      source = TOKEN_ENCRYPTION_KEY_FILE;
      try {
        // ISO-8859-1 maps every byte, so stray bytes surface as "not base64", not as an I/O error.
        keys = Files.readString(Path.of(file), StandardCharsets.ISO_8859_1).strip();
      } catch (IOException | InvalidPathException | SecurityException e) {
        problems.add(TOKEN_ENCRYPTION_KEY_FILE + " (cannot read a key file at " + file + ")");
        return null;
      }
      if (keys.isEmpty()) {
        problems.add(TOKEN_ENCRYPTION_KEY_FILE + " (" + file + " is empty)");
        return null;
      }
    }
    try {
      return TokenCipher.fromBase64Keys(keys);
    } catch (IllegalArgumentException e) {
      // TokenCipher's messages say which key and why, never the key.
      problems.add(source + " (" + e.getMessage() + ")");
      return null;
    }
  }

  private static GoogleClientSecrets.Details readClientSecrets(Path path, List<String> problems) {
    GoogleClientSecrets secrets;
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      secrets = GoogleClientSecrets.load(GsonFactory.getDefaultInstance(), reader);
    } catch (IOException | RuntimeException e) {
      // The parser's message may quote the file; name the file only.
      problems.add(GOOGLE_CLIENT_SECRETS + " (cannot read a client_secrets.json at " + path + ")");
      return null;
    }
    // GoogleClientSecrets.getDetails() answers the "web" section, else the "installed" one.
    GoogleClientSecrets.Details details = secrets.getDetails();
    if (details == null || isBlank(details.getClientId()) || isBlank(details.getClientSecret())) {
      problems.add(
          GOOGLE_CLIENT_SECRETS
              + " ("
              + path
              + " has no web or installed client_id and client_secret)");
      return null;
    }
    if (details.getAuthUri() != null) {
      requireAbsoluteHttpUrl("auth_uri in " + path, details.getAuthUri(), problems);
    }
    if (details.getTokenUri() != null) {
      requireAbsoluteHttpUrl("token_uri in " + path, details.getTokenUri(), problems);
    }
    return details;
  }

  private static void requireAbsoluteHttpUrl(String name, String value, List<String> problems) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        problems.add(name + " (must be an absolute http(s) URL)");
      }
    } catch (Exception e) {
      problems.add(name + " (must be an absolute http(s) URL)");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String orDefault(String value, String fallback) {
    return isBlank(value) ? fallback : value;
  }

  /**
   * {@code url} with any password in it hidden: a {@code password=} parameter (PostgreSQL's {@code
   * ?password=}, H2's {@code ;PASSWORD=}) and the user-info part of {@code //user:pass@host}.
   */
  static String withoutPassword(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?i)(password=)[^&;]*", "$1(hidden)")
        .replaceAll("//[^/@?;]*@", "//(hidden)@");
  }

  /** These settings with {@code redirectUri} instead of the one read. */
  /**
   * This app as a client of Google's authorization server: the part of the settings sign-in needs.
   */
  public ClientRegistration clientRegistration() {
    return new ClientRegistration(
        clientId,
        clientSecret,
        authUri,
        tokenUri,
        revokeUri,
        redirectUri,
        apiRootUrl,
        scopes,
        tokenEndpointAuthMethod);
  }

  AppConfig withRedirectUri(String redirectUri) {
    return new AppConfig(
        clientId,
        clientSecret,
        authUri,
        tokenUri,
        redirectUri,
        apiRootUrl,
        revokeUri,
        scopes,
        databaseUrl,
        databaseUser,
        databasePassword,
        https,
        tokenCipher,
        tokenEndpointAuthMethod,
        sessionMaxAge,
        messageCacheBytes,
        metricsToken,
        riscJwksUri);
  }

  /**
   * scheme://host[:port] under which browsers reach the app: that of the registered redirect URI.
   */
  public String appOrigin() {
    URI uri = URI.create(redirectUri);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** scheme://host[:port] of the consent page. */
  public String authOrigin() {
    URI uri = URI.create(authUri);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  @Override
  public String toString() {
    return "AppConfig[clientId="
        + clientId
        + ", authUri="
        + authUri
        + ", tokenUri="
        + tokenUri
        + ", redirectUri="
        + redirectUri
        + ", apiRootUrl="
        + apiRootUrl
        + ", revokeUri="
        + revokeUri
        + ", scopes="
        + scopes
        + ", databaseUrl="
        + withoutPassword(databaseUrl)
        + ", databaseUser="
        + databaseUser
        + ", https="
        + https
        + ", tokenCipher="
        + tokenCipher
        + ", tokenEndpointAuthMethod="
        + tokenEndpointAuthMethod.settingValue()
        + ", sessionMaxAge="
        + sessionMaxAge
        + ", messageCacheBytes="
        + messageCacheBytes
        + ", metricsToken="
        + (metricsToken == null ? "(unset)" : "(hidden)")
        + ", riscJwksUri="
        + riscJwksUri
        + ", clientSecret=(hidden), databasePassword=(hidden)]";
  }
}
