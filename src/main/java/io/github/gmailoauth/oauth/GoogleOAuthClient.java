package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenErrorResponse;
import com.google.api.client.auth.oauth2.TokenResponse;
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
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.BoundedHttpTransport;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Google's authorization server and userinfo endpoint, as this app uses them.
 *
 * <p>Uses the library's request and URL types only. Their endpoint URLs come from configuration
 * because {@code GoogleAuthorizationCodeFlow.Builder} ignores {@code auth_uri}/{@code token_uri}
 * of client_secrets.json; the library's servlet helpers are not used at all (they serialise every
 * user behind one lock and never check {@code state}).
 */
public final class GoogleOAuthClient {
  private final AppConfig config;
  private final HttpTransport transport;
  private final JsonFactory json;
  private final HttpRequestInitializer timeouts;
  private final Oauth2 oauth2;
  private final Clock clock;
  private final String fixedAuthorizationUrl;

  public GoogleOAuthClient(
      AppConfig config,
      HttpTransport transport,
      JsonFactory json,
      HttpRequestInitializer timeouts,
      Clock clock) {
    this.config = config;
    this.transport = transport;
    this.json = json;
    this.timeouts = timeouts;
    this.clock = clock;
    Oauth2.Builder builder =
        new Oauth2.Builder(transport, json, timeouts).setApplicationName("gmail-oauth-webapp");
    if (config.apiRootUrl() != null) {
      builder.setRootUrl(config.apiRootUrl());
    }
    this.oauth2 = builder.build();
    this.fixedAuthorizationUrl = fixedAuthorizationUrl(config);
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
   *   <li>PKCE S256 (RFC 7636), done here because the library's {@code enablePKCE()} is a no-op
   *       for Google's flow.
   * </ul>
   */
  String authorizationUrl(PendingAuthorization pending, String loginHint) {
    // Only state, the challenge and the hint change per sign-in: the rest is built once.
    StringBuilder url = new StringBuilder(fixedAuthorizationUrl.length() + 160)
        .append(fixedAuthorizationUrl)
        .append("&state=").append(pending.state()) // base64url: nothing to encode
        .append("&code_challenge=").append(Pkce.s256Challenge(pending.verifier()))
        .append("&code_challenge_method=S256");
    if (loginHint != null) {
      url.append("&login_hint=").append(URLEncoder.encode(loginHint, StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  private static String fixedAuthorizationUrl(AppConfig config) {
    GoogleAuthorizationCodeRequestUrl url =
        new GoogleAuthorizationCodeRequestUrl(
            config.authUri(), config.clientId(), config.redirectUri(), config.scopes());
    url.setAccessType("offline");
    url.set("prompt", "consent");
    url.set("include_granted_scopes", "true");
    return url.build();
  }


  /** Exchanges a one-time code, sending the verifier and the same redirect URI (RFC 6749 §4.1.3). */
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
    request.setRequestInitializer(timeouts);
    return tokens(BoundedHttpTransport.readable(request::execute));
  }

  /** Asks for a new access token; Google may or may not rotate the refresh token. */
  Tokens refresh(String refreshToken) throws IOException {
    GoogleRefreshTokenRequest request =
        new GoogleRefreshTokenRequest(
            transport, json, refreshToken, config.clientId(), config.clientSecret());
    request.setTokenServerUrl(new GenericUrl(config.tokenUri()));
    request.setRequestInitializer(timeouts);
    return tokens(BoundedHttpTransport.readable(request::execute));
  }

  Identity whoIs(String accessToken) throws IOException {
    Oauth2.Userinfo.Get get = oauth2.userinfo().get();
    get.getRequestHeaders().setAuthorization("Bearer " + accessToken);
    Userinfo info = BoundedHttpTransport.readable(get::execute);
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
   * <p>As Google documents it
   * (https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke): a POST with
   * the token as an {@code application/x-www-form-urlencoded} body (never in the URL, where it
   * would reach access logs), no client authentication; 200 when revoked, 400 with an OAuth error
   * otherwise. RFC 7009 §2.2 would answer 200 for an already invalid token too; Google answers 400
   * {@code invalid_token}, which means the same thing here: the token no longer works, so there is
   * nothing left to revoke. Other answers (5xx, RFC 7009 §2.2.1's 503, other 4xx, garbage) and
   * failures to connect throw: the token may still be valid. The request goes through the app's
   * bounded transport and request defaults (deadline, 1 MiB cap, no redirects, no logging of the
   * body that carries the token); exception messages never carry the token or Google's answer.
   */
  Revocation revoke(String refreshToken) throws IOException {
    if (refreshToken == null || refreshToken.isEmpty()) {
      throw new IllegalArgumentException("no token to revoke");
    }
    HttpRequest request =
        transport
            .createRequestFactory(timeouts)
            .buildPostRequest(
                new GenericUrl(config.revokeUri()), new UrlEncodedContent(Map.of("token", refreshToken)));
    // Every status is read here: 400 invalid_token is a success for the caller.
    request.setThrowExceptionOnExecuteError(false);
    HttpResponse response = request.execute();
    try {
      int status = response.getStatusCode();
      if (status == 200) {
        return Revocation.REVOKED;
      }
      if (status == 400) {
        String error = oauthError(response);
        if ("invalid_token".equals(error)) {
          return Revocation.ALREADY_INVALID;
        }
        throw new RevocationRefused(
            "the revocation endpoint answered 400 " + (error == null ? "without an OAuth error" : error));
      }
      throw new RevocationRefused("the revocation endpoint answered " + status);
    } finally {
      response.disconnect();
    }
  }

  /** Google answered, but not "revoked": the message (status and OAuth error code only) may be logged. */
  static final class RevocationRefused extends IOException {
    RevocationRefused(String message) {
      super(message);
    }
  }

  /** The {@code error} code of an OAuth error answer (RFC 6749 §5.2); null when the body is not one. */
  private String oauthError(HttpResponse response) {
    try {
      TokenErrorResponse error = json.fromString(response.parseAsString(), TokenErrorResponse.class);
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
    Long expiresIn = response.getExpiresInSeconds();
    // No expires_in: assume Google's usual hour rather than caching forever.
    Instant expiresAt = clock.instant().plusSeconds(expiresIn == null ? 3600 : expiresIn);
    return new Tokens(
        response.getAccessToken(), expiresAt, response.getRefreshToken(), response.getScope());
  }
}
