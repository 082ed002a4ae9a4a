package io.github.gmailoauth.standin;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.gmailoauth.standin.Web.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A local, in-process stand-in for the parts of Google that a server-side "Sign in with Google +
 * read Gmail" web application talks to: the OAuth 2.0 authorization page, the token and revocation
 * endpoints, the userinfo endpoint, and the Gmail {@code messages.list} / {@code messages.get} /
 * batch APIs.
 *
 * <p>It exists so that tests (and a demo mode) can run the real google-api-client code paths over
 * real HTTP without Google accounts, network access or flakiness, and so that tests can provoke the
 * failures that are hard to get from the real service: revoked and rotated refresh tokens, reduced
 * scopes, expired access tokens, rate limits, slow, hung and dropped answers. Wire formats follow
 * Google's closely because the point is to exercise the production client code unchanged.
 *
 * <p>This class is the stand-in's public face and its HTTP front door: it records every request,
 * applies the {@link FaultSwitches}, and routes the rest to the {@link AuthorizationServer}, the
 * {@link ConsentPage} or the {@link GmailApi}.
 *
 * <p>Thread-safety: every piece of mutable state is either concurrent, volatile, or guarded by an
 * explicit lock, because tests run requests in parallel and flip switches while requests are in
 * flight.
 */
public final class StandInGoogle implements AutoCloseable {

  static {
    // Without TCP_NODELAY every small answer of the JDK HttpServer waits ~40 ms for the
    // client's delayed ACK (Nagle), which would add a fake 40 ms to each call to "Google".
    // Read once, when the JDK's server config first loads: before any HttpServer exists.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  static final String CLIENT_ID = "stand-in-client.apps.googleusercontent.com";
  static final String CLIENT_SECRET = "stand-in-secret";
  static final String AUTH_PATH = "/o/oauth2/v2/auth";
  static final String APPROVE_PATH = "/o/oauth2/v2/approve";
  static final String TOKEN_PATH = "/token";
  static final String REVOKE_PATH = "/revoke";
  static final String SCOPE_PREFIX = "https://www.googleapis.com/auth/";

  /** Where the stand-in serves the JWKS of its security event tokens (Google: oauth2/v3/certs). */
  public static final String RISC_JWKS_PATH = "/risc-stand-in/jwks";

  // ---------------------------------------------------------------------------------------------
  // State

  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;
  private final Instant startedAt = Instant.now();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<RecordedRequest> recorded = new ArrayList<>(); // guarded by itself

  private final Accounts accounts = new Accounts();
  private final FaultSwitches faults = new FaultSwitches(closed);
  private final AuthorizationServer auth = new AuthorizationServer(accounts);
  private final RiscTransmitter risc = new RiscTransmitter(CLIENT_ID);
  private final GmailApi gmail =
      new GmailApi(auth, faults, this::record, part -> route(part, true));

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  private StandInGoogle(int port) throws IOException {
    server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 256);
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "stand-in-google-" + threadNumber.incrementAndGet());
          t.setDaemon(true); // never keep a test JVM alive
          return t;
        };
    executor = Executors.newFixedThreadPool(32, threads);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    StandInUser demo = addUser("117000000000000000001", "demo@example.com", "Demo User");
    SeedMailbox.fill(demo, startedAt);
    server.start();
  }

  /** Starts on a free port with the seeded demo user and mailbox. */
  public static StandInGoogle start() {
    return start(0);
  }

  /** Starts on the given port (0 = any free port) with the seeded demo user and mailbox. */
  public static StandInGoogle start(int port) {
    try {
      return new StandInGoogle(port);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the stand-in Google on port " + port, e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      // The listener first: stop(0) closes it and every open connection, without waiting for
      // handlers. Only then are hung handlers interrupted (they must not keep sleeping). In
      // the other order, a hung handler dropped its connection while the listener was still
      // open, and the JDK client's silent retry of a GET on that EOF could reach a fresh
      // handler and get an answer after close() had begun.
      server.stop(0);
      faults.interruptWaits();
      executor.shutdownNow();
    }
  }

  /**
   * Demo mode: {@code java ... StandInGoogle [port]} prints the base URL and serves until killed.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    StandInGoogle google = start(port);
    Runtime.getRuntime().addShutdownHook(new Thread(google::close, "stand-in-google-shutdown"));
    System.out.println(google.baseUrl());
    System.err.println(
        "Stand-in Google: client_id="
            + google.clientId()
            + " client_secret="
            + google.clientSecret()
            + " auth="
            + google.authUri()
            + " token="
            + google.tokenUri());
    new CountDownLatch(1).await();
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: addresses and credentials

  public String baseUrl() {
    return baseUrl;
  }

  public String authUri() {
    return baseUrl + AUTH_PATH.substring(1);
  }

  public String tokenUri() {
    return baseUrl + TOKEN_PATH.substring(1);
  }

  public String revokeUri() {
    return baseUrl + REVOKE_PATH.substring(1);
  }

  /** Root URL for the generated Gmail and OAuth2 clients ({@code Builder.setRootUrl}). */
  public String apiRootUrl() {
    return baseUrl;
  }

  public String clientId() {
    return CLIENT_ID;
  }

  public String clientSecret() {
    return CLIENT_SECRET;
  }

  /**
   * Writes {@code dir/client_secrets.json} in the Google Cloud Console's "web" format, so that an
   * application can load the stand-in exactly as it loads a real downloaded secrets file.
   */
  public Path writeClientSecrets(Path dir) {
    JsonObject web = new JsonObject();
    web.addProperty("client_id", CLIENT_ID);
    web.addProperty("project_id", "stand-in");
    web.addProperty("auth_uri", authUri());
    web.addProperty("token_uri", tokenUri());
    web.addProperty("auth_provider_x509_cert_url", baseUrl + "oauth2/v1/certs");
    web.addProperty("client_secret", CLIENT_SECRET);
    web.add("redirect_uris", new JsonArray());
    JsonObject root = new JsonObject();
    root.add("web", web);
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("client_secrets.json");
      Files.writeString(
          file,
          new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n",
          StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: Cross-Account Protection (RISC)

  /** The JWKS whose key signs this stand-in's security event tokens (the app's RISC_JWKS_URI). */
  public String riscJwksUri() {
    return baseUrl + RISC_JWKS_PATH.substring(1);
  }

  /** The transmitter: its keys, and hostile tokens. */
  public RiscTransmitter risc() {
    return risc;
  }

  /** A security event token of {@code eventType} about {@code userId}, signed as Google would. */
  public RiscTransmitter.Event securityEvent(String eventType, String userId) {
    return risc.event(eventType, userId);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: accounts

  public StandInUser defaultUser() {
    return accounts.defaultUser();
  }

  /** Adds an account with an empty mailbox; ids and emails must be unique. */
  public StandInUser addUser(String id, String email, String name) {
    return accounts.add(id, email, name);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: recorded traffic

  /** Every request received so far, in arrival order (batch parts follow their outer POST). */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /** The recorded requests with exactly this method and path (path without query). */
  public List<RecordedRequest> requests(String method, String path) {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests()) {
      if (r.method().equals(method) && r.path().equals(path)) {
        out.add(r);
      }
    }
    return out;
  }

  public void clearRequests() {
    synchronized (recorded) {
      recorded.clear();
    }
  }

  private void record(RecordedRequest r) {
    synchronized (recorded) {
      recorded.add(r);
    }
  }

  /** Number of POST /token calls with this grant_type (counted whatever their outcome). */
  public int tokenCalls(String grantType) {
    return auth.tokenCalls(grantType);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: behaviour switches

  /** Default true: an offline code exchange answers with a refresh_token. */
  public void setIssueRefreshTokens(boolean issue) {
    auth.issueRefreshTokens = issue;
  }

  /**
   * Off by default. When on, token answers (code exchange and refresh) leave out {@code scope},
   * which RFC 6749 §5.1 allows when the granted scopes equal the requested ones.
   */
  public void setOmitScopeInTokenAnswers(boolean omit) {
    auth.omitScope = omit;
  }

  /**
   * The client secret the token endpoint accepts from now on (default {@link #clientSecret()}):
   * another value makes every token request of an app configured with the old one fail with 401
   * {@code invalid_client}, as when the secret was rotated in the Cloud Console.
   */
  public void setAcceptedClientSecret(String secret) {
    auth.acceptedClientSecret = Objects.requireNonNull(secret, "secret");
  }

  /**
   * null (default): grant exactly the requested scopes. Otherwise every code exchange and refresh
   * grants these space-separated scopes instead, as when a user unticks a checkbox on Google's
   * granular consent screen. The Gmail endpoints enforce what was actually granted.
   */
  public void setGrantedScopes(String scopesOrNull) {
    auth.grantedScopes = scopesOrNull;
  }

  /**
   * Lifetime of access tokens issued from now on (default one hour); zero makes them born expired.
   */
  public void setAccessTokenLifetime(Duration d) {
    auth.setAccessTokenLifetime(d);
  }

  /**
   * Every refresh token issued so far stops working for grant_type=refresh_token (400
   * invalid_grant), as when the user removes the app's access or the token ages out. Access tokens
   * already issued keep working until they expire; use {@link #revokeAccessTokens()} for those.
   */
  public void revokeRefreshTokens() {
    auth.revokeRefreshTokens();
  }

  /** Every access token issued so far is rejected by the APIs from now on (401). */
  public void revokeAccessTokens() {
    auth.revokeAccessTokens();
  }

  /**
   * The next {@code times} Gmail API calls (each batch part counts) answer {@code status} with a
   * Google JSON error body instead of being served. {@code times <= 0} cancels a pending failure. A
   * 403 is {@code insufficientPermissions} (see {@link #failGmail403} for the others); a 429
   * carries {@code Retry-After: 1}. A later call replaces a pending failure. While one is pending,
   * {@code users.getProfile} and {@code users.history.list} answer it too without counting: they
   * run beside {@code messages.list}, so the count stays that of the calls a test names.
   */
  public void failGmail(int status, int times) {
    failGmail(status, times, null);
  }

  /**
   * Like {@link #failGmail(int, int)}, but every failure also carries {@code Retry-After:
   * retryAfterSeconds} (sent verbatim, so a test can also send an HTTP date or garbage). null keeps
   * the status's usual header: {@code 1} for 429, none otherwise.
   */
  public void failGmail(int status, int times, String retryAfterSeconds) {
    faults.setGmailFailure(status, null, retryAfterSeconds, times);
  }

  /**
   * The next {@code times} Gmail API calls (each batch part counts) answer 403 with this {@code
   * errors[0].reason}, e.g. {@code rateLimitExceeded} or {@code userRateLimitExceeded} (quota:
   * retry later, domain {@code usageLimits}) versus {@code insufficientPermissions} (a scope is
   * missing: retrying never helps). Apps must tell these apart by the reason alone, because Google
   * uses 403 for all of them.
   */
  public void failGmail403(String reason, int times) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason must be given, e.g. rateLimitExceeded");
    }
    faults.setGmailFailure(403, reason, null, times);
  }

  /**
   * Off by default. When on, every successful grant_type=refresh_token answer also carries a new
   * {@code refresh_token} for the same user, client and scopes, and the one that was sent stops
   * working at once (400 invalid_grant on its next use), as Google does for clients with refresh
   * token rotation. Of two concurrent refreshes with the same token exactly one succeeds. The new
   * token inherits the grant: revoking it also revokes access tokens issued under its predecessors.
   */
  public void setRotateRefreshTokens(boolean rotate) {
    auth.rotateRefreshTokens = rotate;
  }

  /**
   * Calls {@code listener} with every refresh token the stand-in issues (code exchange and
   * rotation), synchronously on the handler thread and before the answer carrying it is sent; so
   * whatever the listener records is complete even if the client dies right after. A listener that
   * throws turns that answer into a 500, and the token is then never issued.
   */
  public void onRefreshTokenIssued(Consumer<String> listener) {
    auth.onRefreshTokenIssued(listener);
  }

  /**
   * Calls {@code listener} with the user of every access token the stand-in issues (code exchange,
   * refresh, {@link #issueAccessToken}), synchronously and before the answer carrying it is sent:
   * when each user's token was issued, for counting the refreshes that were due.
   */
  public void onAccessTokenIssued(Consumer<StandInUser> listener) {
    auth.onAccessTokenIssued(listener);
  }

  /**
   * The next {@code times} outer requests to {@code method path} (path without query) are recorded
   * and counted, then their handler sleeps {@code howLong} before serving them normally, as a hung
   * Google would. The request is processed only after the sleep, so a client that timed out
   * meanwhile sees nothing of it, while its effects (a consumed code, a rotated token) still
   * happen. {@link #close()} interrupts hung handlers; they then drop their connection.
   */
  public void hangNext(String method, String path, Duration howLong, int times) {
    faults.hangNext(method, path, howLong, times);
  }

  /**
   * The next outer request to {@code method path} (path without query) is recorded and counted,
   * then waits until the returned gate is counted down, and is then served normally: a Google
   * exactly as slow as a test needs, with no guessing at durations. {@link #close()} interrupts a
   * request still waiting; it then drops its connection unanswered.
   */
  public CountDownLatch holdNext(String method, String path) {
    return faults.holdNext(method, path);
  }

  /**
   * The next {@code times} outer requests to {@code method path} are recorded and counted, and then
   * their TCP connection is closed without any HTTP answer: the client reads end-of-stream where
   * the status line should be, and java.net.http.HttpClient fails with an IOException ("...
   * received no bytes"). Nothing of the request is processed. Note that the JDK client (17, at
   * least) transparently sends an idempotent request (GET) once more when this happens before any
   * byte of the answer arrived, on a fresh connection as on a pooled one, so reset such a GET twice
   * to make it fail for the caller; a POST fails at the first reset.
   */
  public void resetNext(String method, String path, int times) {
    faults.resetNext(method, path, times);
  }

  /** Requests that reached {@code /revoke} (any method, whatever their outcome). */
  public int revokeCalls() {
    return auth.revokeCalls();
  }

  /** The tokens received at {@code /revoke} that were valid and got revoked, in arrival order. */
  public List<String> revokedTokens() {
    return auth.revokedTokens();
  }

  /**
   * The next {@code times} requests to {@code method path} (outer requests only) get exactly this
   * answer instead of the real one: a fault switch for garbage, empty, HTML or huge bodies. The
   * request still counts in {@link #tokenCalls} and is still recorded.
   */
  public void answerNext(
      String method, String path, int status, String contentType, byte[] body, int times) {
    faults.answerNext(method, path, status, contentType, body, times);
  }

  /**
   * An outage: from now on every outer request to {@code method path} is recorded and counted, then
   * answered {@code status} with a small HTML body (what a failing front end sends), until {@link
   * #restore}. Canned answers ({@link #answerNext}) queued for it still go first.
   */
  public void failUntilRestored(String method, String path, int status) {
    faults.failUntilRestored(method, path, status);
  }

  /** Ends an outage begun by {@link #failUntilRestored}: requests are served normally again. */
  public void restore(String method, String path) {
    faults.restore(method, path);
  }

  /**
   * Like {@link #answerNext(String, String, int, String, byte[], int)}, with any headers (e.g. a
   * {@code Retry-After} or a {@code Content-Encoding}) sent as given.
   */
  public void answerNext(
      String method, String path, int status, Map<String, String> headers, byte[] body, int times) {
    faults.answerNext(method, path, status, headers, body, times);
  }

  /**
   * A decompression bomb: the next {@code times} requests to {@code method path} are served as
   * usual, but the answer is first padded to at least {@code decodedBytes} (spaces before a JSON or
   * empty body, which JSON allows; a preamble before the first boundary of a multipart body, which
   * RFC 2046 §5.1.1 allows), then gzipped and sent with {@code Content-Encoding: gzip}. So the
   * decoded answer is still a valid one, only far larger than what travels.
   */
  public void gzipNext(String method, String path, int decodedBytes, int times) {
    faults.gzipNext(method, path, decodedBytes, times);
  }

  /**
   * An access token for {@code user} with {@code scopes}, as if issued by a code exchange without a
   * refresh token: for an adapter that lets another authorization server's tokens read the
   * stand-in's mailboxes (the lifetime is the current {@link #setAccessTokenLifetime}).
   */
  public String issueAccessToken(StandInUser user, List<String> scopes) {
    return auth.issueAccessToken(user, scopes);
  }

  /** Every refresh token issued so far, in no particular order. */
  public List<String> issuedRefreshTokens() {
    return auth.issuedRefreshTokens();
  }

  /** Every access token issued so far. */
  public List<String> issuedAccessTokens() {
    return auth.issuedAccessTokens();
  }

  /**
   * Sleeps this long before answering each HTTP request (batch parts are not delayed separately).
   */
  public void setLatency(Duration perRequest) {
    faults.setLatency(perRequest);
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP plumbing

  private void handle(HttpExchange exchange) {
    try {
      byte[] bodyBytes = exchange.getRequestBody().readAllBytes();
      RecordedRequest request = toRecorded(exchange, bodyBytes);
      record(request); // before anything can fail or wait
      auth.countCall(request);
      faults.sleepLatency();
      if (!faults.hang(request) || !faults.hold(request)) {
        return; // close() interrupted the hang or hold: drop the connection unanswered
      }
      if (faults.takeReset(request)) {
        // Closing an exchange before sendResponseHeaders closes its TCP connection: the
        // client reads end-of-stream instead of a status line (done in finally).
        return;
      }
      Reply reply;
      Reply cannedReply = faults.takeCanned(request);
      try {
        Reply outage = faults.outage(request);
        reply = cannedReply != null ? cannedReply : outage != null ? outage : route(request, false);
      } catch (RuntimeException e) {
        // A bug here must show up as a 500 in the test, not as a silently dropped connection.
        e.printStackTrace();
        reply = Web.googleError(500, "Internal error in the stand-in: " + e, "backendError", true);
      }
      write(exchange, request.method(), faults.maybeGzip(request, reply));
    } catch (IOException e) {
      // The client went away; nothing useful to do.
    } finally {
      exchange.close();
    }
  }

  private static RecordedRequest toRecorded(HttpExchange exchange, byte[] bodyBytes) {
    URI uri = exchange.getRequestURI();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) ->
                headers
                    .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(values));
    String body = new String(bodyBytes, StandardCharsets.UTF_8);
    String contentType = Web.first(headers, "content-type");
    Map<String, List<String>> form =
        "application/x-www-form-urlencoded".equals(Web.mediaType(contentType))
            ? Web.parseForm(body)
            : Map.of();
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty()
            ? "/"
            : Web.pathDecode(uri.getRawPath());
    return new RecordedRequest(
        exchange.getRequestMethod().toUpperCase(Locale.ROOT),
        path,
        Web.parseForm(uri.getRawQuery()),
        form,
        headers,
        body,
        false);
  }

  private static void write(HttpExchange exchange, String method, Reply reply) throws IOException {
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] body = reply.body();
    if (body.length == 0 || method.equals("HEAD")) {
      exchange.sendResponseHeaders(reply.status(), -1);
    } else {
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Dispatches one request; batch parts may only reach the JSON APIs. */
  private Reply route(RecordedRequest r, boolean batchPart) {
    String path = r.path();
    if (path.startsWith(GmailApi.GMAIL_PREFIX)) {
      return gmail.serve(r);
    }
    if (path.equals("/oauth2/v2/userinfo") || path.equals("/userinfo/v2/me")) {
      return r.method().equals("GET") ? auth.userinfo(r) : ConsentPage.methodNotAllowed(r);
    }
    if (batchPart) {
      return Web.googleError(
          404,
          "The requested URL " + path + " is not available in a batch.",
          "notFound",
          Web.pretty(r));
    }
    switch (path) {
      case AUTH_PATH, "/o/oauth2/auth":
        return r.method().equals("GET")
            ? ConsentPage.authorizationPage(r, accounts)
            : ConsentPage.methodNotAllowed(r);
      case APPROVE_PATH:
        return r.method().equals("POST") ? auth.approve(r) : ConsentPage.methodNotAllowed(r);
      case TOKEN_PATH:
        return r.method().equals("POST")
            ? auth.token(r)
            : Web.oauthError(405, "invalid_request", "The token endpoint only accepts POST.");
      case REVOKE_PATH:
        return r.method().equals("POST") || r.method().equals("GET")
            ? auth.revoke(r)
            : ConsentPage.methodNotAllowed(r);
      case RISC_JWKS_PATH:
        return r.method().equals("GET")
            ? new Reply(
                200,
                Map.of("Content-Type", "application/json; charset=utf-8"),
                risc.jwks().getBytes(StandardCharsets.UTF_8))
            : ConsentPage.methodNotAllowed(r);
      case "/oauth2/v1/certs":
        return Reply.json(200, new JsonObject(), true); // no ID tokens are signed, so no keys
      default:
        if (path.equals("/batch") || path.startsWith("/batch/")) {
          return r.method().equals("POST") ? gmail.batch(r) : ConsentPage.methodNotAllowed(r);
        }
        return ConsentPage.notFound(path);
    }
  }

  @Override
  public String toString() {
    return "StandInGoogle[" + baseUrl + "]";
  }
}
