package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenErrorResponse;
import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeRequestUrl;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleRefreshTokenRequest;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.UrlEncodedContent;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.oauth2.Oauth2;
import com.google.api.services.oauth2.model.Userinfo;
import io.github.gmailoauth.google.AnswerReader;
import io.github.gmailoauth.google.PercentEncoding;
import io.github.gmailoauth.metrics.AppMetrics;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google's authorization server and userinfo endpoint, as this app uses them.
 *
 * <p>Uses the library's request and URL types only. Their endpoint URLs come from configuration
 * because {@code GoogleAuthorizationCodeFlow.Builder} ignores {@code auth_uri}/{@code token_uri} of
 * client_secrets.json; the library's servlet helpers are not used at all (they serialise every user
 * behind one lock and never check {@code state}).
 */
public final class GoogleOAuthClient {
  private static final System.Logger LOG = System.getLogger(GoogleOAuthClient.class.getName());

  private final ClientRegistration config;
  private final HttpTransport transport;
  private final JsonFactory json;
  private final HttpRequestInitializer requestDefaults;
  private final Oauth2 oauth2;
  private final Clock clock;
  private final String fixedAuthorizationUrl;
  private final ClientAuthentication clientAuthentication;
  private final AppMetrics metrics;

  /** The requested scopes, space-separated: what a token answer without {@code scope} granted. */
  private final String requestedScopes;

  /** Each kind of client refusal already logged at WARNING (see {@link #clientRefused}). */
  private final Set<String> reportedClientRefusals = ConcurrentHashMap.newKeySet();

  public GoogleOAuthClient(
      ClientRegistration config,
      HttpTransport transport,
      JsonFactory json,
      HttpRequestInitializer requestDefaults,
      Clock clock,
      AppMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.transport = transport;
    this.json = json;
    this.requestDefaults = requestDefaults;
    this.clock = clock;
    Oauth2.Builder builder =
        new Oauth2.Builder(transport, json, requestDefaults)
            .setApplicationName("gmail-oauth-webapp");
    if (config.apiRootUrl() != null) {
      builder.setRootUrl(config.apiRootUrl());
    }
    this.oauth2 = builder.build();
    this.fixedAuthorizationUrl = fixedAuthorizationUrl(config);
    this.clientAuthentication =
        new ClientAuthentication(
            config.tokenEndpointAuthMethod(), config.clientId(), config.clientSecret());
    this.requestedScopes = String.join(" ", config.scopes());
  }

  /** The answer of the token endpoint, reduced to what the app keeps. */
  public record Tokens(String accessToken, Instant expiresAt, String refreshToken, String scope) {
    @Override
    public String toString() {
      return "Tokens[expiresAt=" + expiresAt + ", scope=" + scope + ", tokens=(hidden)]";
    }
  }

  /** Who signed in, as userinfo v2 says: the stable id and the address. */
  public record Identity(String id, String email) {}

  /**
   * The consent page URL.
   *
   * <ul>
   *   <li>{@code access_type=offline} asks for a refresh token;
   *   <li>{@code prompt=consent} makes Google send one again on every sign-in, not just the first
   *       (https://developers.google.com/identity/protocols/oauth2/web-server#request-parameter-prompt).
   *       The older {@code approval_prompt} is never sent: Google rejects the two together;
   *   <li>{@code include_granted_scopes=true} enables incremental authorization;
   *   <li>PKCE S256 (RFC 7636), done here because the library's {@code enablePKCE()} is a no-op for
   *       Google's flow.
   * </ul>
   */
  String authorizationUrl(PendingAuthorization pending, String loginHint) {
    // Only state, the challenge and the hint change per sign-in: the rest is built once.
    StringBuilder url =
        new StringBuilder(fixedAuthorizationUrl.length() + 160)
            .append(fixedAuthorizationUrl)
            .append("&state=")
            .append(pending.state()) // base64url: nothing to encode
            .append("&code_challenge=")
            .append(Pkce.s256Challenge(pending.verifier()))
            .append("&code_challenge_method=S256");
    if (loginHint != null) {
      url.append("&login_hint=").append(PercentEncoding.encode(loginHint));
    }
    return url.toString();
  }

  private static String fixedAuthorizationUrl(ClientRegistration config) {
    GoogleAuthorizationCodeRequestUrl url =
        new GoogleAuthorizationCodeRequestUrl(
            config.authUri(), config.clientId(), config.redirectUri(), config.scopes());
    url.setAccessType("offline");
    url.set("prompt", "consent");
    url.set("include_granted_scopes", "true");
    return url.build();
  }

  /**
   * The authorization server refused this app as a client: {@code invalid_client} (RFC 6749 §5.2,
   * usually 401), or a 401 without a readable error. Wrong or rotated secret, or the client is
   * registered for another authentication method: a configuration error, which no retry and no new
   * consent can fix. The message (endpoint, status, error code) may be logged.
   */
  public static final class ClientRefused extends IOException {
    ClientRefused(String message) {
      super(message);
    }
  }

  /**
   * Exchanges a one-time code, sending the verifier and the same redirect URI (RFC 6749 §4.1.3),
   * authenticated as {@link ClientAuthentication} says.
   */
  Tokens exchange(String code, String verifier) throws IOException {
    GoogleAuthorizationCodeTokenRequest request =
        new GoogleAuthorizationCodeTokenRequest(
            transport,
            json,
            config.tokenUri(),
            config.clientId(),
            config.clientSecret(),
            code,
            config.redirectUri());
    request.set("code_verifier", verifier);
    request.setRequestInitializer(requestDefaults);
    // Replaces the body parameters the constructor set up (client_id and client_secret).
    request.setClientAuthentication(clientAuthentication);
    return tokens(tokenCall("token endpoint (code exchange)", request::execute));
  }

  /** Asks for a new access token; Google may or may not rotate the refresh token. */
  Tokens refresh(String refreshToken) throws IOException {
    GoogleRefreshTokenRequest request =
        new GoogleRefreshTokenRequest(
            transport, json, refreshToken, config.clientId(), config.clientSecret());
    request.setTokenServerUrl(new GenericUrl(config.tokenUri()));
    request.setRequestInitializer(requestDefaults);
    request.setClientAuthentication(clientAuthentication);
    return tokens(tokenCall("token endpoint (refresh)", request::execute));
  }

  /**
   * Runs a token request; a refused client becomes {@link ClientRefused}, logged once per cause.
   */
  private TokenResponse tokenCall(String endpoint, AnswerReader.Call<TokenResponse> call)
      throws IOException {
    try {
      return metrics.upstream("token", () -> AnswerReader.read(call));
    } catch (TokenResponseException e) {
      String error = e.getDetails() == null ? null : e.getDetails().getError();
      if ("invalid_client".equals(error) || (e.getStatusCode() == 401 && error == null)) {
        throw clientRefused(endpoint, e.getStatusCode(), error);
      }
      throw e;
    }
  }

  /**
   * A {@link ClientRefused} for this answer, logged at WARNING the first time this endpoint answers
   * so (every request would hit the same wall until the configuration changes: one warning tells
   * the operator, a warning per request would bury everything else) and at DEBUG after that.
   */
  private ClientRefused clientRefused(String endpoint, int status, String error) {
    String cause =
        "the "
            + endpoint
            + " refused this app's client credentials (answered "
            + status
            + " "
            + (error == null ? "without an OAuth error" : error)
            + ")";
    boolean first = reportedClientRefusals.add(cause);
    LOG.log(
        first ? Level.WARNING : Level.DEBUG,
        "{0}: check the client id and secret in "
            + ClientRegistration.CLIENT_SECRETS_SETTING
            + " and "
            + ClientRegistration.AUTH_METHOD_SETTING
            + " ({1}) against the registration of the client"
            + " there; until then nobody can sign in or renew access",
        cause,
        clientAuthentication.method().settingValue());
    return new ClientRefused(cause);
  }

  Identity whoIs(String accessToken) throws IOException {
    Oauth2.Userinfo.Get get = oauth2.userinfo().get();
    get.getRequestHeaders().setAuthorization("Bearer " + accessToken);
    Userinfo info = metrics.upstream("userinfo", () -> AnswerReader.read(get::execute));
    if (info.getId() == null || info.getId().isBlank() || info.getEmail() == null) {
      throw new IOException("userinfo answered without an id or an email");
    }
    return new Identity(info.getId(), info.getEmail());
  }

  /** What Google's revocation endpoint said; anything else is an {@link IOException}. */
  public enum Revocation {
    /** 200: revoked now. */
    REVOKED,
    /** 400 {@code invalid_token}: expired, or revoked before (by the user, or an earlier call). */
    ALREADY_INVALID
  }

  /**
   * Revokes {@code refreshToken} at {@code GOOGLE_REVOKE_URI}. The refresh token rather than the
   * access token: it is the long-lived credential, and revoking it also invalidates the access
   * tokens issued from it (RFC 7009 §2.1). Google notes that a revocation may take a little while
   * to have full effect.
   *
   * <p>As RFC 7009 §2.1 and Google
   * (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke) describe it: a
   * POST with the token and {@code token_type_hint=refresh_token} as an {@code
   * application/x-www-form-urlencoded} body (never in the URL, where it would reach access logs),
   * authenticated as at the token endpoint: RFC 7009 §2.1 requires a confidential client to
   * authenticate, and a server that follows it (Spring Authorization Server) answers 401 to a
   * request without, leaving the token valid. (Google's own example sends no credentials; they are
   * sent anyway, as RFC 7009 asks.) 200 when revoked, 400 with an OAuth error otherwise; a refused
   * client is {@link ClientRefused}. RFC 7009 §2.2 would answer 200 for an already invalid token
   * too; Google answers 400 {@code invalid_token}, which means the same thing here: the token no
   * longer works, so there is nothing left to revoke. Other answers (5xx, RFC 7009 §2.2.1's 503,
   * other 4xx, garbage) and failures to connect throw: the token may still be valid. The request
   * goes through the app's bounded transport and request defaults (deadline, 1 MiB cap, no
   * redirects, no logging of the body that carries the token); exception messages never carry the
   * token or Google's answer.
   */
  Revocation revoke(String refreshToken) throws IOException {
    if (refreshToken == null || refreshToken.isEmpty()) {
      throw new IllegalArgumentException("no token to revoke");
    }
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("token", refreshToken);
    form.put("token_type_hint", "refresh_token");
    HttpRequest request =
        transport
            .createRequestFactory(requestDefaults)
            .buildPostRequest(new GenericUrl(config.revokeUri()), new UrlEncodedContent(form));
    clientAuthentication.intercept(request);
    // Every status is read here: 400 invalid_token is a success for the caller.
    request.setThrowExceptionOnExecuteError(false);
    long started = System.nanoTime();
    HttpResponse response;
    try {
      response = request.execute();
    } catch (IOException | RuntimeException e) {
      metrics.upstreamCall("revoke", -1, System.nanoTime() - started);
      throw e;
    }
    // Every status comes back as an answer here, so the status is taken from it.
    metrics.upstreamCall("revoke", response.getStatusCode(), System.nanoTime() - started);
    try {
      int status = response.getStatusCode();
      if (status == 200) {
        return Revocation.REVOKED;
      }
      String error = status >= 400 && status < 500 ? oauthError(response) : null;
      if (status == 400 && "invalid_token".equals(error)) {
        return Revocation.ALREADY_INVALID;
      }
      if ("invalid_client".equals(error) || (status == 401 && error == null)) {
        throw clientRefused("revocation endpoint", status, error);
      }
      throw new RevocationRefused(
          "the revocation endpoint answered "
              + status
              + (status >= 400 && status < 500
                  ? " " + (error == null ? "without an OAuth error" : error)
                  : ""));
    } finally {
      response.disconnect();
    }
  }

  /**
   * Google answered, but not "revoked": the message (status and OAuth error code only) may be
   * logged.
   */
  static final class RevocationRefused extends IOException {
    RevocationRefused(String message) {
      super(message);
    }
  }

  /**
   * The {@code error} code of an OAuth error answer (RFC 6749 §5.2); null when the body is not one.
   */
  private String oauthError(HttpResponse response) {
    try {
      TokenErrorResponse error =
          json.fromString(response.parseAsString(), TokenErrorResponse.class);
      String code = error == null ? null : error.getError();
      // An error code is a short ASCII word (RFC 6749 §5.2); anything else is not repeated.
      return code != null && code.matches("[a-z_]{1,64}") ? code : null;
    } catch (IOException | RuntimeException e) {
      return null; // HTML, empty or otherwise not JSON
    }
  }

  private Tokens tokens(TokenResponse response) throws IOException {
    if (response.getAccessToken() == null || response.getAccessToken().isBlank()) {
      throw new IOException("the token endpoint answered without an access token");
    }
    // RFC 6749 §7.1: a token type the client does not understand must not be used.
    if (!"Bearer".equalsIgnoreCase(response.getTokenType())) {
      throw new IOException("the token endpoint answered with a token type other than Bearer");
    }
    // RFC 6749 §5.1: scope is OPTIONAL "if identical to the scope requested by the client".
    String scope = response.getScope() == null ? requestedScopes : response.getScope();
    Long expiresIn = response.getExpiresInSeconds();
    // No expires_in: assume Google's usual hour rather than caching forever.
    Instant expiresAt = clock.instant().plusSeconds(expiresIn == null ? 3600 : expiresIn);
    return new Tokens(response.getAccessToken(), expiresAt, response.getRefreshToken(), scope);
  }
}
