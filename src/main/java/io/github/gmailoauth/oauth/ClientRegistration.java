package io.github.gmailoauth.oauth;

import java.util.List;

/**
 * This app as a client of Google's authorization server: what {@link GoogleOAuthClient} needs from
 * the settings, and nothing else of them.
 *
 * @param apiRootUrl null for Google's own; set for a stand-in
 */
public record ClientRegistration(
    String clientId,
    String clientSecret,
    String authUri,
    String tokenUri,
    String revokeUri,
    String redirectUri,
    String apiRootUrl,
    List<String> scopes,
    ClientAuthentication.Method tokenEndpointAuthMethod) {

  /** The settings a registration is read from (AppConfig), named where ops are told what to fix. */
  public static final String CLIENT_SECRETS_SETTING = "GOOGLE_CLIENT_SECRETS";

  public static final String AUTH_METHOD_SETTING = "TOKEN_ENDPOINT_AUTH_METHOD";

  public ClientRegistration {
    scopes = List.copyOf(scopes);
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "ClientRegistration[clientId="
        + clientId
        + ", tokenUri="
        + tokenUri
        + ", redirectUri="
        + redirectUri
        + ", scopes="
        + scopes
        + ", tokenEndpointAuthMethod="
        + tokenEndpointAuthMethod
        + "]";
  }
}
