package io.github.gmailoauth;

import com.google.api.client.googleapis.auth.oauth2.GoogleClientSecrets;
import com.google.api.client.json.gson.GsonFactory;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Every setting of the application, read once at start-up.
 *
 * <p>Each setting is looked up, in order, as a Java system property, an environment variable, a
 * servlet-context init-parameter (so a Jetty context XML can configure a deployed WAR), then its
 * default. Missing required settings are all reported together in one message.
 *
 * <p>{@code toString()} never prints the client secret or the database password.
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
    boolean https) {

  public static final String GOOGLE_CLIENT_SECRETS = "GOOGLE_CLIENT_SECRETS";
  public static final String OAUTH_REDIRECT_URI = "OAUTH_REDIRECT_URI";
  public static final String GOOGLE_API_ROOT_URL = "GOOGLE_API_ROOT_URL";
  public static final String GOOGLE_REVOKE_URI = "GOOGLE_REVOKE_URI";
  public static final String GOOGLE_SCOPES = "GOOGLE_SCOPES";
  public static final String DATABASE_URL = "DATABASE_URL";
  public static final String DATABASE_USER = "DATABASE_USER";
  public static final String DATABASE_PASSWORD = "DATABASE_PASSWORD";
  public static final String PORT = "PORT";
  public static final String HTTPS = "HTTPS";

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

  /** Thrown when settings are missing or unusable; the message names every one of them. */
  public static final class ConfigException extends RuntimeException {
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

  public static AppConfig load(Function<String, String> initParams) {
    List<String> problems = new ArrayList<>();
    String secretsPath = lookup(GOOGLE_CLIENT_SECRETS, initParams);
    GoogleClientSecrets.Details client = null;
    if (secretsPath == null) {
      problems.add(GOOGLE_CLIENT_SECRETS + " (path to client_secrets.json from Google Cloud Console)");
    } else {
      client = readClientSecrets(Path.of(secretsPath), problems);
    }

    String redirectUri = orDefault(lookup(OAUTH_REDIRECT_URI, initParams), DEFAULT_REDIRECT_URI);
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
    String httpsSetting = lookup(HTTPS, initParams);
    boolean https = redirectUri.startsWith("https:");
    if (httpsSetting != null) {
      if (!httpsSetting.equalsIgnoreCase("true") && !httpsSetting.equalsIgnoreCase("false")) {
        problems.add(HTTPS + " (must be true or false)");
      }
      https = Boolean.parseBoolean(httpsSetting);
    }

    if (!problems.isEmpty()) {
      throw new ConfigException(
          "gmail-oauth-webapp cannot start; missing or invalid settings: "
              + String.join("; ", problems)
              + ". Set each as a system property, an environment variable or a context init-parameter.");
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
        orDefault(lookup(DATABASE_URL, initParams), DEFAULT_DATABASE_URL),
        lookup(DATABASE_USER, initParams),
        lookup(DATABASE_PASSWORD, initParams),
        https);
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
          GOOGLE_CLIENT_SECRETS + " (" + path + " has no web or installed client_id and client_secret)");
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

  /** scheme://host[:port] of the consent page. */
  public String authOrigin() {
    URI uri = URI.create(authUri);
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  @Override
  public String toString() {
    return "AppConfig[clientId=" + clientId + ", authUri=" + authUri + ", tokenUri=" + tokenUri
        + ", redirectUri=" + redirectUri + ", apiRootUrl=" + apiRootUrl + ", revokeUri=" + revokeUri
        + ", scopes=" + scopes + ", databaseUrl=" + databaseUrl + ", databaseUser=" + databaseUser
        + ", https=" + https
        + ", clientSecret=(hidden), databasePassword=(hidden)]";
  }
}
