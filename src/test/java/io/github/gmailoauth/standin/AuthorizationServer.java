package io.github.gmailoauth.standin;

import static io.github.gmailoauth.standin.StandInGoogle.CLIENT_ID;
import static io.github.gmailoauth.standin.StandInGoogle.CLIENT_SECRET;
import static io.github.gmailoauth.standin.StandInGoogle.REVOKE_PATH;
import static io.github.gmailoauth.standin.StandInGoogle.TOKEN_PATH;

import com.google.gson.JsonObject;
import io.github.gmailoauth.standin.Grants.AccessToken;
import io.github.gmailoauth.standin.Grants.AuthCode;
import io.github.gmailoauth.standin.Grants.RefreshToken;
import io.github.gmailoauth.standin.Web.Reply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The stand-in's OAuth 2.0 authorization server: the consent form's approval, the token endpoint
 * (code exchange with PKCE, refresh, rotation), revocation, and the bearer check and userinfo of
 * the resource APIs. {@link StandInGoogle} documents its switches; the package-private fields below
 * are those switches.
 */
final class AuthorizationServer {

  static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

  private final Accounts accounts;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, AuthCode> codes = new ConcurrentHashMap<>();
  private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, RefreshToken> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tokenCalls = new ConcurrentHashMap<>();

  volatile boolean issueRefreshTokens = true;

  /** Token answers leave {@code scope} out, as RFC 6749 §5.1 allows when it equals the request. */
  volatile boolean omitScope;

  /** The secret the token endpoint accepts; a test changes it to see the app's client refused. */
  volatile String acceptedClientSecret = CLIENT_SECRET;

  volatile String grantedScopes;
  volatile Duration accessTokenLifetime = Duration.ofHours(1);

  /** Refresh answers carry a new refresh token and retire the one that was used. */
  volatile boolean rotateRefreshTokens;

  /** Told of every refresh token before the answer carrying it is sent. */
  private final List<Consumer<String>> refreshTokenListeners = new CopyOnWriteArrayList<>();

  /** Told of the user of every access token issued, before the answer carrying it is sent. */
  private final List<Consumer<StandInUser>> accessTokenListeners = new CopyOnWriteArrayList<>();

  private final AtomicInteger revokeCalls = new AtomicInteger();
  private final List<String> revokedTokens = new CopyOnWriteArrayList<>();

  AuthorizationServer(Accounts accounts) {
    this.accounts = accounts;
  }

  int tokenCalls(String grantType) {
    AtomicInteger n = tokenCalls.get(grantType);
    return n == null ? 0 : n.get();
  }

  void setAccessTokenLifetime(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("lifetime must be zero or positive");
    }
    accessTokenLifetime = d;
  }

  void revokeRefreshTokens() {
    for (RefreshToken t : refreshTokens.values()) {
      t.revoked = true;
    }
  }

  void revokeAccessTokens() {
    for (AccessToken t : accessTokens.values()) {
      t.revoked = true;
    }
  }

  void onRefreshTokenIssued(Consumer<String> listener) {
    refreshTokenListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void onAccessTokenIssued(Consumer<StandInUser> listener) {
    accessTokenListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  int revokeCalls() {
    return revokeCalls.get();
  }

  List<String> revokedTokens() {
    return List.copyOf(revokedTokens);
  }

  String issueAccessToken(StandInUser user, List<String> scopes) {
    return issueAccessToken(user, CLIENT_ID, List.copyOf(scopes), null).value;
  }

  List<String> issuedRefreshTokens() {
    return List.copyOf(refreshTokens.keySet());
  }

  List<String> issuedAccessTokens() {
    return List.copyOf(accessTokens.keySet());
  }

  private String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  Reply approve(RecordedRequest r) {
    Map<String, List<String>> p = r.form();
    // The form is posted back by the browser, so it is re-validated: anything can be forged.
    String problem = null;
    String clientId = Web.first(p, "client_id");
    if (!CLIENT_ID.equals(clientId)) {
      problem =
          clientId == null
              ? "Missing required parameter: client_id"
              : "The OAuth client was not found: client_id=" + clientId;
    }
    String redirectUri = Web.first(p, "redirect_uri");
    if (problem == null) {
      problem = ConsentPage.redirectUriProblem(redirectUri);
    }
    String scope = Web.first(p, "scope");
    if (problem == null && (scope == null || scope.isBlank())) {
      problem = "Missing required parameter: scope";
    }
    String state = Web.first(p, "state");
    if (problem == null && state == null) {
      problem = "Missing required parameter: state";
    }
    String challenge = Web.first(p, "code_challenge");
    if (problem == null
        && (challenge == null || !ConsentPage.PKCE_VALUE.matcher(challenge).matches())) {
      problem = "Missing or invalid parameter: code_challenge";
    }
    String method = Web.first(p, "code_challenge_method");
    if (problem == null && method != null && !method.equals("S256")) {
      problem = "Invalid code_challenge_method: " + method + " (the stand-in only accepts S256)";
    }
    String decision = Web.first(p, "decision");
    if (problem == null && !"allow".equals(decision) && !"deny".equals(decision)) {
      problem = "Missing or invalid parameter: decision";
    }
    String userId = Web.first(p, "user");
    StandInUser user = userId == null ? accounts.defaultUser() : accounts.byId(userId);
    if (problem == null && user == null) {
      problem = "Unknown account: " + userId;
    }
    if (problem != null) {
      return ConsentPage.authorizationError(problem, p);
    }
    if (decision.equals("deny")) {
      return Reply.redirect(withQuery(redirectUri, "error", "access_denied", "state", state));
    }
    List<String> requested = ConsentPage.splitScopes(scope);
    String code = randomToken(30); // 40 URL-safe characters
    codes.put(
        code,
        new AuthCode(
            code,
            user,
            clientId,
            redirectUri,
            requested,
            challenge,
            "offline".equals(Web.first(p, "access_type")),
            Instant.now().plus(CODE_LIFETIME),
            new AtomicBoolean()));
    return Reply.redirect(
        withQuery(
            redirectUri,
            "state",
            state,
            "code",
            code,
            "scope",
            String.join(" ", grant(requested))));
  }

  /** Appends parameters to a redirect URI that may already carry a query. */
  private static String withQuery(String uri, String... namesAndValues) {
    StringBuilder b = new StringBuilder(uri);
    boolean hasQuery = uri.indexOf('?') >= 0;
    if (!hasQuery) {
      b.append('?');
    } else if (!uri.endsWith("?") && !uri.endsWith("&")) {
      b.append('&');
    }
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (i > 0) {
        b.append('&');
      }
      b.append(Web.encode(namesAndValues[i])).append('=').append(Web.encode(namesAndValues[i + 1]));
    }
    return b.toString();
  }

  /** The scopes actually granted: the requested ones unless a test overrides them. */
  private List<String> grant(List<String> requested) {
    String override = grantedScopes;
    return override == null ? requested : ConsentPage.splitScopes(override);
  }

  /**
   * Counts an outer request to the token or revocation endpoint, once and whatever becomes of it
   * (served, canned, hung, reset): the counters say what the client sent, not what it got.
   */
  void countCall(RecordedRequest r) {
    if (r.path().equals(TOKEN_PATH) && r.method().equals("POST")) {
      String grantType = Web.first(r.form(), "grant_type");
      tokenCalls
          .computeIfAbsent(grantType == null ? "" : grantType, k -> new AtomicInteger())
          .incrementAndGet();
    } else if (r.path().equals(REVOKE_PATH)) {
      revokeCalls.incrementAndGet();
    }
  }

  /**
   * Tells every listener of a refresh token about to be issued; see {@link #onRefreshTokenIssued}.
   */
  private void announceRefreshToken(String value) {
    for (Consumer<String> listener : refreshTokenListeners) {
      listener.accept(value);
    }
  }

  Reply token(RecordedRequest r) {
    Map<String, List<String>> form = r.form();
    String grantType = Web.first(form, "grant_type"); // counted in handle()

    // Client authentication: client_secret_post or client_secret_basic (RFC 6749 section 2.3.1).
    String formId = Web.first(form, "client_id");
    String formSecret = Web.first(form, "client_secret");
    String basicId = null;
    String basicSecret = null;
    String authorization = r.header("authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).trim()),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon >= 0) {
          basicId = Web.formDecode(decoded.substring(0, colon));
          basicSecret = Web.formDecode(decoded.substring(colon + 1));
        }
      } catch (IllegalArgumentException e) {
        return Web.oauthError(401, "invalid_client", "Malformed Basic authorization header.");
      }
    }
    if (formId != null && basicId != null && !formId.equals(basicId)) {
      return Web.oauthError(
          400, "invalid_request", "The client was authenticated in more than one way.");
    }
    String clientId = formId != null ? formId : basicId;
    String clientSecret = formSecret != null ? formSecret : basicSecret;
    if (clientId == null) {
      return Web.oauthError(400, "invalid_request", "Could not determine client ID from request.");
    }
    if (!clientId.equals(CLIENT_ID)) {
      return Web.oauthError(401, "invalid_client", "The OAuth client was not found.");
    }
    if (clientSecret == null) {
      return Web.oauthError(400, "invalid_request", "client_secret is missing.");
    }
    if (!clientSecret.equals(acceptedClientSecret)) {
      return Web.oauthError(401, "invalid_client", "Unauthorized");
    }
    if (grantType == null) {
      return Web.oauthError(400, "invalid_request", "Missing required parameter: grant_type");
    }
    return switch (grantType) {
      case "authorization_code" -> exchangeCode(form, clientId);
      case "refresh_token" -> refresh(form, clientId);
      default -> Web.oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + grantType);
    };
  }

  private Reply exchangeCode(Map<String, List<String>> form, String clientId) {
    String code = Web.first(form, "code");
    if (code == null || code.isEmpty()) {
      return Web.oauthError(400, "invalid_request", "Missing required parameter: code");
    }
    AuthCode ac = codes.get(code);
    Instant now = Instant.now();
    if (ac == null || !ac.clientId().equals(clientId)) {
      return Web.oauthError(400, "invalid_grant", "Malformed auth code.");
    }
    if (ac.used().get() || !now.isBefore(ac.expiresAt())) {
      return Web.oauthError(400, "invalid_grant", "Bad Request");
    }
    if (!ac.redirectUri().equals(Web.first(form, "redirect_uri"))) {
      return Web.oauthError(
          400,
          "invalid_grant",
          "redirect_uri does not match the one used in the authorization request.");
    }
    String verifier = Web.first(form, "code_verifier");
    if (verifier == null || verifier.isEmpty()) {
      return Web.oauthError(400, "invalid_grant", "Missing code verifier.");
    }
    if (!ConsentPage.PKCE_VALUE.matcher(verifier).matches()
        || !s256(verifier).equals(ac.codeChallenge())) {
      return Web.oauthError(400, "invalid_grant", "Invalid code verifier.");
    }
    // Only a request that passed every check consumes the code; of racing ones, exactly one wins.
    if (!ac.used().compareAndSet(false, true)) {
      return Web.oauthError(400, "invalid_grant", "Bad Request");
    }
    List<String> scopes = grant(ac.scopes());
    RefreshToken grant = null;
    if (ac.offline() && issueRefreshTokens) {
      grant = new RefreshToken("srt-" + randomToken(32), ac.user(), clientId, scopes);
      announceRefreshToken(grant.value); // a listener that throws leaves it unissued
      refreshTokens.put(grant.value, grant);
    }
    return tokenAnswer(issueAccessToken(ac.user(), clientId, scopes, grant), grant);
  }

  private Reply refresh(Map<String, List<String>> form, String clientId) {
    String value = Web.first(form, "refresh_token");
    if (value == null || value.isEmpty()) {
      return Web.oauthError(400, "invalid_request", "Missing required parameter: refresh_token");
    }
    RefreshToken grant = refreshTokens.get(value);
    if (grant == null || !grant.clientId.equals(clientId)) {
      return Web.oauthError(400, "invalid_grant", "Token has been expired or revoked.");
    }
    // Under the token's monitor: of concurrent refreshes with one token, only one can rotate
    // it, and none can add an access token after rotation copied the list.
    synchronized (grant) {
      if (!grant.usable()) {
        return Web.oauthError(400, "invalid_grant", "Token has been expired or revoked.");
      }
      List<String> scopes = grant(grant.scopes);
      if (!rotateRefreshTokens) {
        return tokenAnswer(issueAccessToken(grant.user, clientId, scopes, grant), null);
      }
      RefreshToken next =
          new RefreshToken("srt-" + randomToken(32), grant.user, clientId, grant.scopes);
      announceRefreshToken(
          next.value); // before anything changes: a throwing listener leaves all as it was
      next.accessTokens.addAll(grant.accessTokens);
      AccessToken access = issueAccessToken(grant.user, clientId, scopes, next);
      refreshTokens.put(next.value, next);
      grant.replacedBy = next; // the old token is refused from now on
      return tokenAnswer(access, next);
    }
  }

  private AccessToken issueAccessToken(
      StandInUser user, String clientId, List<String> scopes, RefreshToken grant) {
    Duration lifetime = accessTokenLifetime;
    AccessToken token =
        new AccessToken("sat-" + randomToken(32), user, clientId, scopes, lifetime, grant);
    accessTokens.put(token.value, token);
    if (grant != null) {
      grant.accessTokens.add(token);
    }
    for (Consumer<StandInUser> listener : accessTokenListeners) {
      listener.accept(user);
    }
    return token;
  }

  private Reply tokenAnswer(AccessToken token, RefreshToken newRefreshToken) {
    JsonObject o = new JsonObject();
    o.addProperty("access_token", token.value);
    o.addProperty("expires_in", token.lifetime.toSeconds()); // the configured lifetime, exactly
    if (newRefreshToken != null) {
      o.addProperty("refresh_token", newRefreshToken.value);
    }
    if (!omitScope) {
      o.addProperty("scope", String.join(" ", token.scopes));
    }
    o.addProperty("token_type", "Bearer");
    return Web.noStore(Reply.json(200, o, true));
  }

  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Reply revoke(RecordedRequest r) {
    String value = Web.first(r.form(), "token");
    if (value == null) {
      value = r.queryParam("token");
    }
    if (value == null || value.isEmpty()) {
      return Web.oauthError(400, "invalid_request", "Missing required parameter: token");
    }
    RefreshToken grant = refreshTokens.get(value);
    if (grant != null && revokeIfUsable(grant)) {
      revokedTokens.add(value);
      return Reply.json(200, new JsonObject(), true);
    }
    AccessToken access = accessTokens.get(value);
    if (access != null && access.usable(Instant.now())) {
      // Google revokes the whole grant when given an access token that has a refresh token.
      access.revoked = true;
      if (access.grant != null) {
        revokeLatest(access.grant);
      }
      revokedTokens.add(value);
      return Reply.json(200, new JsonObject(), true);
    }
    return Web.oauthError(400, "invalid_token", "Token expired or revoked");
  }

  /** Revokes a refresh token that still works (a rotated-away one does not); false otherwise. */
  private static boolean revokeIfUsable(RefreshToken grant) {
    synchronized (grant) {
      if (!grant.usable()) {
        return false;
      }
      revokeOne(grant);
      return true;
    }
  }

  /** Revokes the newest token of a rotation chain, which holds every access token of the grant. */
  private static void revokeLatest(RefreshToken grant) {
    RefreshToken current = grant;
    while (true) {
      RefreshToken next;
      synchronized (current) {
        next = current.replacedBy;
        if (next == null) {
          revokeOne(current);
          return;
        }
      }
      current = next;
    }
  }

  private static void revokeOne(RefreshToken grant) {
    grant.revoked = true;
    for (AccessToken t : grant.accessTokens) {
      t.revoked = true;
    }
  }

  /** The access token of a request, or the 401 to answer with. */
  record Bearer(AccessToken token, Reply error) {}

  Bearer authenticate(RecordedRequest r) {
    String authorization = r.header("authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Reply missing =
          Web.googleError(
              401,
              "Request is missing required authentication credential. Expected "
                  + "OAuth 2 access token, login cookie or other valid authentication credential. See "
                  + "https://developers.google.com/identity/sign-in/web/devconsole-project.",
              "authError",
              Web.pretty(r));
      return new Bearer(
          null,
          missing.withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\""));
    }
    AccessToken token = accessTokens.get(authorization.substring(7).trim());
    if (token == null || !token.usable(Instant.now())) {
      return new Bearer(
          null,
          Web.googleError(
              401,
              "Request had invalid authentication credentials. Expected "
                  + "OAuth 2 access token, login cookie or other valid authentication credential. See "
                  + "https://developers.google.com/identity/sign-in/web/devconsole-project.",
              "authError",
              Web.pretty(r)));
    }
    return new Bearer(token, null);
  }

  Reply userinfo(RecordedRequest r) {
    Bearer bearer = authenticate(r);
    if (bearer.error() != null) {
      return bearer.error();
    }
    StandInUser u = bearer.token().user;
    JsonObject o = new JsonObject();
    o.addProperty("id", u.id());
    o.addProperty("email", u.email());
    o.addProperty("verified_email", true);
    o.addProperty("name", u.name());
    int space = u.name().indexOf(' ');
    if (space > 0) {
      o.addProperty("given_name", u.name().substring(0, space));
      o.addProperty("family_name", u.name().substring(space + 1));
    }
    return Reply.json(200, o, Web.pretty(r));
  }
}
