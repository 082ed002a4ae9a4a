package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeRequestUrl;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleRefreshTokenRequest;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.oauth2.Oauth2;
import com.google.api.services.oauth2.model.Userinfo;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.BoundedHttpTransport;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

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
    GoogleAuthorizationCodeRequestUrl url =
        new GoogleAuthorizationCodeRequestUrl(
            config.authUri(), config.clientId(), config.redirectUri(), config.scopes());
    url.setState(pending.state());
    url.setAccessType("offline");
    url.set("prompt", "consent");
    url.set("include_granted_scopes", "true");
    url.setCodeChallenge(Pkce.s256Challenge(pending.verifier()));
    url.setCodeChallengeMethod("S256");
    if (loginHint != null) {
      url.set("login_hint", loginHint);
    }
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
