package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.http.HttpExecuteInterceptor;
import com.google.api.client.http.HttpRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How this app proves to the authorization server that it is the client (RFC 6749 §2.3.1): on the
 * code exchange, on every refresh, and on the revocation (RFC 7009 §2.1 requires it there too).
 *
 * <ul>
 *   <li>{@link Method#CLIENT_SECRET_BASIC}, the default: HTTP Basic, which every server MUST
 *       support. The id and the secret are each {@code application/x-www-form-urlencoded} (RFC 6749
 *       Appendix B) before they are joined with {@code :} and base64-encoded: a secret holding
 *       {@code :}, {@code %}, {@code +} or non-ASCII would otherwise be read as something else. The
 *       library's {@code BasicAuthentication} (and {@code HttpHeaders.setBasicAuthentication},
 *       which it calls) joins them as they are, so it is given the encoded values.
 *   <li>{@link Method#CLIENT_SECRET_POST}: {@code client_id} and {@code client_secret} in the form
 *       body, "NOT RECOMMENDED" by §2.3.1 but what some servers are registered for; the library's
 *       {@link ClientParametersAuthentication} does exactly this.
 * </ul>
 *
 * <p>Only for requests whose body is a {@code UrlEncodedContent}; never logged (the request
 * defaults switch the library's logging off).
 */
public final class ClientAuthentication implements HttpExecuteInterceptor {

  /** The setting's values, named as in RFC 7591 §2 ({@code token_endpoint_auth_method}). */
  public enum Method {
    CLIENT_SECRET_BASIC,
    CLIENT_SECRET_POST;

    /** The value as written in the setting and in RFC 7591. */
    public String settingValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The method a setting names, or null when it names none. */
    public static Method fromSetting(String value) {
      for (Method m : values()) {
        if (m.settingValue().equals(value)) {
          return m;
        }
      }
      return null;
    }
  }

  private final Method method;
  private final String clientId;
  private final String clientSecret;

  public ClientAuthentication(Method method, String clientId, String clientSecret) {
    this.method = method;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  public Method method() {
    return method;
  }

  @Override
  public void intercept(HttpRequest request) throws IOException {
    switch (method) {
      case CLIENT_SECRET_BASIC ->
          request
              .getHeaders()
              .setBasicAuthentication(formEncode(clientId), formEncode(clientSecret));
      case CLIENT_SECRET_POST ->
          new ClientParametersAuthentication(clientId, clientSecret).intercept(request);
    }
  }

  /** RFC 6749 Appendix B: exactly what {@link URLEncoder} does (space as {@code +}, UTF-8). */
  private static String formEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ClientAuthentication["
        + method.settingValue()
        + ", clientId="
        + clientId
        + ", secret=(hidden)]";
  }
}
