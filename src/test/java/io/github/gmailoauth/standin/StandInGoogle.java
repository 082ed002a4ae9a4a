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
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    static final int MAX_BATCH_PARTS = 100;

    private static final String GMAIL_PREFIX = "/gmail/v1/";
    private static final String SCOPE_PREFIX = "https://www.googleapis.com/auth/";
    /** Scopes that let a token read messages (gmail.metadata only headers, enforced below). */
    private static final Set<String> GMAIL_READ_SCOPES = Set.of("https://mail.google.com/",
            SCOPE_PREFIX + "gmail.readonly", SCOPE_PREFIX + "gmail.modify", SCOPE_PREFIX + "gmail.metadata");
    private static final Pattern PKCE_VALUE = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final List<String> SYSTEM_LABELS = List.of("CHAT", "SENT", "INBOX", "IMPORTANT", "TRASH",
            "DRAFT", "SPAM", "CATEGORY_FORUMS", "CATEGORY_UPDATES", "CATEGORY_PERSONAL", "CATEGORY_PROMOTIONS",
            "CATEGORY_SOCIAL", "STARRED", "UNREAD");
    /** Parameters of the authorization request that the consent form carries through to approval. */
    private static final List<String> CARRIED_PARAMS = List.of("client_id", "redirect_uri", "response_type", "scope",
            "state", "code_challenge", "code_challenge_method", "access_type", "prompt", "include_granted_scopes");

    // ---------------------------------------------------------------------------------------------
    // State

    private final HttpServer server;
    private final ExecutorService executor;
    private final String baseUrl;
    private final Instant startedAt = Instant.now();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong messageSequence = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final Object usersLock = new Object();
    private final Map<String, StandInUser> users = new LinkedHashMap<>(); // guarded by usersLock
    private final StandInUser defaultUser;

    private final List<RecordedRequest> recorded = new ArrayList<>(); // guarded by itself

    private final Map<String, AuthCode> codes = new ConcurrentHashMap<>();
    private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, RefreshToken> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tokenCalls = new ConcurrentHashMap<>();

    private volatile boolean issueRefreshTokens = true;
    /** Token answers leave {@code scope} out, as RFC 6749 §5.1 allows when it equals the request. */
    private volatile boolean omitScope;
    /** The secret the token endpoint accepts; a test changes it to see the app's client refused. */
    private volatile String acceptedClientSecret = CLIENT_SECRET;
    private volatile String grantedScopes;
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile Duration latency = Duration.ZERO;

    /** Per "METHOD /path": how many of the next answers are gzip bombs, and their decoded size. */
    private final Map<String, AtomicInteger> gzips = new ConcurrentHashMap<>();
    private final Map<String, Integer> gzipPadding = new ConcurrentHashMap<>();

    /** Canned answers queued per "METHOD /path", served instead of the real handler. */
    private final Map<String, Deque<Reply>> canned = new ConcurrentHashMap<>();
    /** Answers given to every request of a method and path until {@link #restore} (outages). */
    private final Map<String, Reply> outages = new ConcurrentHashMap<>();

    private final Object failureLock = new Object();
    private GmailFailure failure; // guarded by failureLock
    private int failRemaining; // guarded by failureLock

    /** Refresh answers carry a new refresh token and retire the one that was used. */
    private volatile boolean rotateRefreshTokens;
    /** Told of every refresh token before the answer carrying it is sent. */
    private final List<Consumer<String>> refreshTokenListeners = new CopyOnWriteArrayList<>();
    /** Told of the user of every access token issued, before the answer carrying it is sent. */
    private final List<Consumer<StandInUser>> accessTokenListeners = new CopyOnWriteArrayList<>();
    /** Per "METHOD /path": how long each of the next requests hangs before being served. */
    private final Map<String, Deque<Duration>> hangs = new ConcurrentHashMap<>();
    /** Per "METHOD /path": gates that each of the next requests waits at before being served. */
    private final Map<String, Deque<CountDownLatch>> holds = new ConcurrentHashMap<>();
    /** Per "METHOD /path": how many of the next requests get their connection dropped unanswered. */
    private final Map<String, AtomicInteger> resets = new ConcurrentHashMap<>();
    /** Handler threads sleeping in a hang, interrupted by close() so that they never outlive us. */
    private final Set<Thread> hangingThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger revokeCalls = new AtomicInteger();
    private final List<String> revokedTokens = new CopyOnWriteArrayList<>();

    /** An injected Gmail failure: status, errors[0].reason, and Retry-After (null: none). */
    private record GmailFailure(int status, String reason, String retryAfter) {
    }

    /** A single-use authorization code and everything the token request must match. */
    private record AuthCode(String value, StandInUser user, String clientId, String redirectUri, List<String> scopes,
                            String codeChallenge, boolean offline, Instant expiresAt, AtomicBoolean used) {
    }

    /**
     * A refresh token; it remembers its access tokens so that revoking the grant reaches them. When
     * rotation replaces it, the successor inherits that list and {@code replacedBy} points to it, so
     * revoking any member of the chain (or any of its access tokens) revokes the whole grant.
     * Rotation and revocation of one token are done while holding its monitor.
     */
    private static final class RefreshToken {
        final String value;
        final StandInUser user;
        final String clientId;
        final List<String> scopes;
        final List<AccessToken> accessTokens = new CopyOnWriteArrayList<>();
        volatile boolean revoked;
        volatile RefreshToken replacedBy; // set once, by rotation

        RefreshToken(String value, StandInUser user, String clientId, List<String> scopes) {
            this.value = value;
            this.user = user;
            this.clientId = clientId;
            this.scopes = scopes;
        }

        /** Whether grant_type=refresh_token accepts it: neither revoked nor rotated away. */
        boolean usable() {
            return !revoked && replacedBy == null;
        }
    }

    private static final class AccessToken {
        final String value;
        final StandInUser user;
        final String clientId;
        final List<String> scopes;
        final Duration lifetime;
        final Instant expiresAt;
        final RefreshToken grant; // null when no refresh token was issued
        volatile boolean revoked;

        AccessToken(String value, StandInUser user, String clientId, List<String> scopes, Duration lifetime,
                    RefreshToken grant) {
            this.value = value;
            this.user = user;
            this.clientId = clientId;
            this.scopes = scopes;
            this.lifetime = lifetime;
            this.expiresAt = Instant.now().plus(lifetime);
            this.grant = grant;
        }

        boolean usable(Instant now) {
            return !revoked && now.isBefore(expiresAt);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle

    private StandInGoogle(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 256);
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "stand-in-google-" + threadNumber.incrementAndGet());
            t.setDaemon(true); // never keep a test JVM alive
            return t;
        };
        executor = Executors.newFixedThreadPool(32, threads);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        defaultUser = addUser("117000000000000000001", "demo@example.com", "Demo User");
        SeedMailbox.fill(defaultUser, startedAt);
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
            hangingThreads.forEach(Thread::interrupt);
            executor.shutdownNow();
        }
    }

    /** Demo mode: {@code java ... StandInGoogle [port]} prints the base URL and serves until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        StandInGoogle google = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(google::close, "stand-in-google-shutdown"));
        System.out.println(google.baseUrl());
        System.err.println("Stand-in Google: client_id=" + google.clientId() + " client_secret="
                + google.clientSecret() + " auth=" + google.authUri() + " token=" + google.tokenUri());
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
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n",
                    StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Public API: accounts

    public StandInUser defaultUser() {
        return defaultUser;
    }

    /** Adds an account with an empty mailbox; ids and emails must be unique. */
    public StandInUser addUser(String id, String email, String name) {
        StandInUser user = new StandInUser(id, email, name, messageSequence);
        synchronized (usersLock) {
            if (users.containsKey(id)) {
                throw new IllegalArgumentException("A user with id " + id + " already exists");
            }
            for (StandInUser u : users.values()) {
                if (u.email().equalsIgnoreCase(email)) {
                    throw new IllegalArgumentException("A user with email " + email + " already exists");
                }
            }
            users.put(id, user);
        }
        return user;
    }

    private List<StandInUser> usersSnapshot() {
        synchronized (usersLock) {
            return List.copyOf(users.values());
        }
    }

    private StandInUser userById(String id) {
        synchronized (usersLock) {
            return users.get(id);
        }
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
        AtomicInteger n = tokenCalls.get(grantType);
        return n == null ? 0 : n.get();
    }

    // ---------------------------------------------------------------------------------------------
    // Public API: behaviour switches

    /** Default true: an offline code exchange answers with a refresh_token. */
    public void setIssueRefreshTokens(boolean issue) {
        issueRefreshTokens = issue;
    }

    /**
     * Off by default. When on, token answers (code exchange and refresh) leave out {@code scope},
     * which RFC 6749 §5.1 allows when the granted scopes equal the requested ones.
     */
    public void setOmitScopeInTokenAnswers(boolean omit) {
        omitScope = omit;
    }

    /**
     * The client secret the token endpoint accepts from now on (default {@link #clientSecret()}):
     * another value makes every token request of an app configured with the old one fail with
     * 401 {@code invalid_client}, as when the secret was rotated in the Cloud Console.
     */
    public void setAcceptedClientSecret(String secret) {
        acceptedClientSecret = java.util.Objects.requireNonNull(secret, "secret");
    }

    /**
     * null (default): grant exactly the requested scopes. Otherwise every code exchange and refresh
     * grants these space-separated scopes instead, as when a user unticks a checkbox on Google's
     * granular consent screen. The Gmail endpoints enforce what was actually granted.
     */
    public void setGrantedScopes(String scopesOrNull) {
        grantedScopes = scopesOrNull;
    }

    /** Lifetime of access tokens issued from now on (default one hour); zero makes them born expired. */
    public void setAccessTokenLifetime(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("lifetime must be zero or positive");
        }
        accessTokenLifetime = d;
    }

    /**
     * Every refresh token issued so far stops working for grant_type=refresh_token (400
     * invalid_grant), as when the user removes the app's access or the token ages out. Access tokens
     * already issued keep working until they expire; use {@link #revokeAccessTokens()} for those.
     */
    public void revokeRefreshTokens() {
        for (RefreshToken t : refreshTokens.values()) {
            t.revoked = true;
        }
    }

    /** Every access token issued so far is rejected by the APIs from now on (401). */
    public void revokeAccessTokens() {
        for (AccessToken t : accessTokens.values()) {
            t.revoked = true;
        }
    }

    /**
     * The next {@code times} Gmail API calls (each batch part counts) answer {@code status} with a
     * Google JSON error body instead of being served. {@code times <= 0} cancels a pending failure.
     * A 403 is {@code insufficientPermissions} (see {@link #failGmail403} for the others); a 429
     * carries {@code Retry-After: 1}. A later call replaces a pending failure.
     */
    public void failGmail(int status, int times) {
        failGmail(status, times, null);
    }

    /**
     * Like {@link #failGmail(int, int)}, but every failure also carries {@code Retry-After:
     * retryAfterSeconds} (sent verbatim, so a test can also send an HTTP date or garbage). null
     * keeps the status's usual header: {@code 1} for 429, none otherwise.
     */
    public void failGmail(int status, int times, String retryAfterSeconds) {
        setGmailFailure(status, null, retryAfterSeconds, times);
    }

    /**
     * The next {@code times} Gmail API calls (each batch part counts) answer 403 with this
     * {@code errors[0].reason}, e.g. {@code rateLimitExceeded} or {@code userRateLimitExceeded}
     * (quota: retry later, domain {@code usageLimits}) versus {@code insufficientPermissions}
     * (a scope is missing: retrying never helps). Apps must tell these apart by the reason alone,
     * because Google uses 403 for all of them.
     */
    public void failGmail403(String reason, int times) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason must be given, e.g. rateLimitExceeded");
        }
        setGmailFailure(403, reason, null, times);
    }

    private void setGmailFailure(int status, String reason, String retryAfter, int times) {
        if (times > 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("status must be an HTTP error status: " + status);
        }
        synchronized (failureLock) {
            failure = new GmailFailure(status, reason, retryAfter);
            failRemaining = Math.max(0, times);
        }
    }

    /**
     * Off by default. When on, every successful grant_type=refresh_token answer also carries a new
     * {@code refresh_token} for the same user, client and scopes, and the one that was sent stops
     * working at once (400 invalid_grant on its next use), as Google does for clients with refresh
     * token rotation. Of two concurrent refreshes with the same token exactly one succeeds. The new
     * token inherits the grant: revoking it also revokes access tokens issued under its
     * predecessors.
     */
    public void setRotateRefreshTokens(boolean rotate) {
        rotateRefreshTokens = rotate;
    }

    /**
     * Calls {@code listener} with every refresh token the stand-in issues (code exchange and
     * rotation), synchronously on the handler thread and before the answer carrying it is sent; so
     * whatever the listener records is complete even if the client dies right after. A listener
     * that throws turns that answer into a 500, and the token is then never issued.
     */
    public void onRefreshTokenIssued(Consumer<String> listener) {
        refreshTokenListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Calls {@code listener} with the user of every access token the stand-in issues (code
     * exchange, refresh, {@link #issueAccessToken}), synchronously and before the answer carrying
     * it is sent: when each user's token was issued, for counting the refreshes that were due.
     */
    public void onAccessTokenIssued(Consumer<StandInUser> listener) {
        accessTokenListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The next {@code times} outer requests to {@code method path} (path without query) are
     * recorded and counted, then their handler sleeps {@code howLong} before serving them normally,
     * as a hung Google would. The request is processed only after the sleep, so a client that
     * timed out meanwhile sees nothing of it, while its effects (a consumed code, a rotated token)
     * still happen. {@link #close()} interrupts hung handlers; they then drop their connection.
     */
    public void hangNext(String method, String path, Duration howLong, int times) {
        if (howLong == null || howLong.isNegative()) {
            throw new IllegalArgumentException("howLong must be zero or positive");
        }
        Deque<Duration> queue = hangs.computeIfAbsent(key(method, path),
                k -> new java.util.concurrent.ConcurrentLinkedDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(howLong);
        }
    }

    /**
     * The next outer request to {@code method path} (path without query) is recorded and counted,
     * then waits until the returned gate is counted down, and is then served normally: a Google
     * exactly as slow as a test needs, with no guessing at durations. {@link #close()} interrupts a
     * request still waiting; it then drops its connection unanswered.
     */
    public CountDownLatch holdNext(String method, String path) {
        CountDownLatch gate = new CountDownLatch(1);
        holds.computeIfAbsent(key(method, path), k -> new java.util.concurrent.ConcurrentLinkedDeque<>()).add(gate);
        return gate;
    }

    /**
     * The next {@code times} outer requests to {@code method path} are recorded and counted, and
     * then their TCP connection is closed without any HTTP answer: the client reads end-of-stream
     * where the status line should be, and java.net.http.HttpClient fails with an IOException
     * ("... received no bytes"). Nothing of the request is processed. Note that the JDK client
     * (17, at least) transparently sends an idempotent request (GET) once more when this happens
     * before any byte of the answer arrived, on a fresh connection as on a pooled one, so reset
     * such a GET twice to make it fail for the caller; a POST fails at the first reset.
     */
    public void resetNext(String method, String path, int times) {
        resets.computeIfAbsent(key(method, path), k -> new AtomicInteger()).addAndGet(Math.max(0, times));
    }

    /** Requests that reached {@code /revoke} (any method, whatever their outcome). */
    public int revokeCalls() {
        return revokeCalls.get();
    }

    /** The tokens received at {@code /revoke} that were valid and got revoked, in arrival order. */
    public List<String> revokedTokens() {
        return List.copyOf(revokedTokens);
    }

    private static String key(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }

    /**
     * The next {@code times} requests to {@code method path} (outer requests only) get exactly this
     * answer instead of the real one: a fault switch for garbage, empty, HTML or huge bodies. The
     * request still counts in {@link #tokenCalls} and is still recorded.
     */
    public void answerNext(String method, String path, int status, String contentType, byte[] body, int times) {
        Deque<Reply> queue = canned.computeIfAbsent(key(method, path),
                k -> new java.util.concurrent.ConcurrentLinkedDeque<>());
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        for (int i = 0; i < times; i++) {
            queue.add(new Reply(status, headers, body));
        }
    }

    /**
     * An outage: from now on every outer request to {@code method path} is recorded and counted,
     * then answered {@code status} with a small HTML body (what a failing front end sends), until
     * {@link #restore}. Canned answers ({@link #answerNext}) queued for it still go first.
     */
    public void failUntilRestored(String method, String path, int status) {
        outages.put(key(method, path), Reply.html(status, "<h1>Error " + status + "</h1>"));
    }

    /** Ends an outage begun by {@link #failUntilRestored}: requests are served normally again. */
    public void restore(String method, String path) {
        outages.remove(key(method, path));
    }

    /**
     * Like {@link #answerNext(String, String, int, String, byte[], int)}, with any headers (e.g. a
     * {@code Retry-After} or a {@code Content-Encoding}) sent as given.
     */
    public void answerNext(String method, String path, int status, Map<String, String> headers, byte[] body, int times) {
        Deque<Reply> queue = canned.computeIfAbsent(key(method, path),
                k -> new java.util.concurrent.ConcurrentLinkedDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(new Reply(status, new LinkedHashMap<>(headers), body));
        }
    }

    /**
     * A decompression bomb: the next {@code times} requests to {@code method path} are served as
     * usual, but the answer is first padded to at least {@code decodedBytes} (spaces before a
     * JSON or empty body, which JSON allows; a preamble before the first boundary of a multipart
     * body, which RFC 2046 §5.1.1 allows), then gzipped and sent with {@code Content-Encoding:
     * gzip}. So the decoded answer is still a valid one, only far larger than what travels.
     */
    public void gzipNext(String method, String path, int decodedBytes, int times) {
        AtomicInteger pending = gzips.computeIfAbsent(key(method, path), k -> new AtomicInteger());
        pending.addAndGet(Math.max(0, times));
        gzipPadding.put(key(method, path), decodedBytes);
    }

    private Reply maybeGzip(RecordedRequest r, Reply reply) throws IOException {
        AtomicInteger pending = gzips.get(key(r.method(), r.path()));
        if (pending == null || pending.getAndUpdate(v -> Math.max(0, v - 1)) <= 0) {
            return reply;
        }
        int decoded = gzipPadding.get(key(r.method(), r.path()));
        String type = reply.headers().getOrDefault("Content-Type", "");
        byte[] padding = new byte[Math.max(0, decoded - reply.body().length)];
        java.util.Arrays.fill(padding, (byte) ' ');
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(padding);
            if (type.startsWith("multipart/")) {
                gzip.write("\r\n".getBytes(StandardCharsets.US_ASCII)); // the preamble ends with a line
            }
            gzip.write(reply.body());
        }
        return reply.withHeader("Content-Encoding", "gzip").withBody(zipped.toByteArray());
    }

    /**
     * An access token for {@code user} with {@code scopes}, as if issued by a code exchange without
     * a refresh token: for an adapter that lets another authorization server's tokens read the
     * stand-in's mailboxes (the lifetime is the current {@link #setAccessTokenLifetime}).
     */
    public String issueAccessToken(StandInUser user, List<String> scopes) {
        return issueAccessToken(user, CLIENT_ID, List.copyOf(scopes), null).value;
    }

    /** Every refresh token issued so far, in no particular order. */
    public List<String> issuedRefreshTokens() {
        return List.copyOf(refreshTokens.keySet());
    }

    /** Every access token issued so far. */
    public List<String> issuedAccessTokens() {
        return List.copyOf(accessTokens.keySet());
    }

    /** Sleeps this long before answering each HTTP request (batch parts are not delayed separately). */
    public void setLatency(Duration perRequest) {
        latency = perRequest == null || perRequest.isNegative() ? Duration.ZERO : perRequest;
    }

    private GmailFailure takeGmailFailure() {
        synchronized (failureLock) {
            if (failRemaining <= 0) {
                return null;
            }
            failRemaining--;
            return failure;
        }
    }

    /** Takes one pending reset for this request; true when its connection must be dropped. */
    private boolean takeReset(RecordedRequest r) {
        AtomicInteger n = resets.get(key(r.method(), r.path()));
        return n != null && n.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP plumbing

    private void handle(HttpExchange exchange) {
        try {
            byte[] bodyBytes = exchange.getRequestBody().readAllBytes();
            RecordedRequest request = toRecorded(exchange, bodyBytes);
            record(request); // before anything can fail or wait
            countCall(request);
            sleepLatency();
            if (!hang(request) || !hold(request)) {
                return; // close() interrupted the hang or hold: drop the connection unanswered
            }
            if (takeReset(request)) {
                // Closing an exchange before sendResponseHeaders closes its TCP connection: the
                // client reads end-of-stream instead of a status line (done in finally).
                return;
            }
            Reply reply;
            Deque<Reply> queue = canned.get(key(request.method(), request.path()));
            Reply cannedReply = queue == null ? null : queue.poll();
            try {
                Reply outage = outages.get(key(request.method(), request.path()));
                reply = cannedReply != null ? cannedReply : outage != null ? outage : route(request, false);
            } catch (RuntimeException e) {
                // A bug here must show up as a 500 in the test, not as a silently dropped connection.
                e.printStackTrace();
                reply = Web.googleError(500, "Internal error in the stand-in: " + e, "backendError", true);
            }
            write(exchange, request.method(), maybeGzip(request, reply));
        } catch (IOException e) {
            // The client went away; nothing useful to do.
        } finally {
            exchange.close();
        }
    }

    /**
     * Sleeps for a pending {@link #hangNext} of this request, if any; false when close()
     * interrupted the sleep, and the request must then not be served.
     */
    private boolean hang(RecordedRequest r) {
        Deque<Duration> queue = hangs.get(key(r.method(), r.path()));
        Duration d = queue == null ? null : queue.poll();
        return d == null || waitUnlessClosed(() -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
    }

    /** Waits at a pending {@link #holdNext} gate of this request, if any; false as for {@link #hang}. */
    private boolean hold(RecordedRequest r) {
        Deque<CountDownLatch> queue = holds.get(key(r.method(), r.path()));
        CountDownLatch gate = queue == null ? null : queue.poll();
        return gate == null || waitUnlessClosed(gate::await);
    }

    private interface Wait {
        void run() throws InterruptedException;
    }

    /** Runs {@code wait} where close() can interrupt it; false when it did (or had already run). */
    private boolean waitUnlessClosed(Wait wait) {
        Thread self = Thread.currentThread();
        hangingThreads.add(self);
        try {
            if (closed.get()) {
                return false; // close() ran before we were registered, so it could not interrupt us
            }
            wait.run();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            hangingThreads.remove(self);
        }
    }

    private void sleepLatency() {
        Duration d = latency;
        if (!d.isZero()) {
            try {
                TimeUnit.NANOSECONDS.sleep(d.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RecordedRequest toRecorded(HttpExchange exchange, byte[] bodyBytes) {
        URI uri = exchange.getRequestURI();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        String body = new String(bodyBytes, StandardCharsets.UTF_8);
        String contentType = Web.first(headers, "content-type");
        Map<String, List<String>> form = "application/x-www-form-urlencoded".equals(Web.mediaType(contentType))
                ? Web.parseForm(body) : Map.of();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : Web.pathDecode(uri.getRawPath());
        return new RecordedRequest(exchange.getRequestMethod().toUpperCase(Locale.ROOT), path,
                Web.parseForm(uri.getRawQuery()), form, headers, body, false);
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
        if (path.startsWith(GMAIL_PREFIX)) {
            return gmail(r);
        }
        if (path.equals("/oauth2/v2/userinfo") || path.equals("/userinfo/v2/me")) {
            return r.method().equals("GET") ? userinfo(r) : methodNotAllowed(r);
        }
        if (batchPart) {
            return Web.googleError(404, "The requested URL " + path + " is not available in a batch.",
                    "notFound", pretty(r));
        }
        switch (path) {
            case AUTH_PATH, "/o/oauth2/auth":
                return r.method().equals("GET") ? authorizationPage(r) : methodNotAllowed(r);
            case APPROVE_PATH:
                return r.method().equals("POST") ? approve(r) : methodNotAllowed(r);
            case TOKEN_PATH:
                return r.method().equals("POST") ? token(r)
                        : Web.oauthError(405, "invalid_request", "The token endpoint only accepts POST.");
            case REVOKE_PATH:
                return r.method().equals("POST") || r.method().equals("GET") ? revoke(r) : methodNotAllowed(r);
            case "/oauth2/v1/certs":
                return Reply.json(200, new JsonObject(), true); // no ID tokens are signed, so no keys
            default:
                if (path.equals("/batch") || path.startsWith("/batch/")) {
                    return r.method().equals("POST") ? batch(r) : methodNotAllowed(r);
                }
                return notFound(path);
        }
    }

    private static Reply methodNotAllowed(RecordedRequest r) {
        return Reply.html(405, page("Error 405 (Method Not Allowed)", "<h1>405. That’s an error.</h1><p>The method "
                + Web.html(r.method()) + " is not allowed for <code>" + Web.html(r.path()) + "</code>.</p>"));
    }

    private static Reply notFound(String path) {
        return Reply.html(404, page("Error 404 (Not Found)", "<h1>404. That’s an error.</h1><p>The requested URL <code>"
                + Web.html(path) + "</code> was not found on this server.</p>"));
    }

    private static boolean pretty(RecordedRequest r) {
        return !"false".equalsIgnoreCase(r.queryParam("prettyPrint"));
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ---------------------------------------------------------------------------------------------
    // OAuth: authorization page and approval

    /** Validates an authorization request; returns the problem to show, or null when valid. */
    private static String authorizationProblem(Map<String, List<String>> p) {
        String clientId = Web.first(p, "client_id");
        if (clientId == null || clientId.isEmpty()) {
            return "Missing required parameter: client_id";
        }
        if (!clientId.equals(CLIENT_ID)) {
            return "The OAuth client was not found: client_id=" + clientId;
        }
        String responseType = Web.first(p, "response_type");
        if (responseType == null) {
            return "Required parameter is missing: response_type";
        }
        if (!responseType.equals("code")) {
            return "Unsupported response_type: " + responseType + " (only \"code\" is supported)";
        }
        String redirectProblem = redirectUriProblem(Web.first(p, "redirect_uri"));
        if (redirectProblem != null) {
            return redirectProblem;
        }
        String scope = Web.first(p, "scope");
        if (scope == null || scope.isBlank()) {
            return "Missing required parameter: scope";
        }
        if (Web.first(p, "state") == null) {
            return "Missing required parameter: state (the stand-in requires it for CSRF protection)";
        }
        String challenge = Web.first(p, "code_challenge");
        if (challenge == null || challenge.isEmpty()) {
            return "Missing required parameter: code_challenge (the stand-in requires PKCE)";
        }
        String method = Web.first(p, "code_challenge_method");
        if (method == null) {
            return "Missing required parameter: code_challenge_method (the stand-in requires S256)";
        }
        if (!method.equals("S256")) {
            return "Invalid code_challenge_method: " + method + " (the stand-in only accepts S256)";
        }
        if (!PKCE_VALUE.matcher(challenge).matches()) {
            return "Invalid parameter value for code_challenge: " + challenge;
        }
        String prompt = Web.first(p, "prompt");
        String approvalPrompt = Web.first(p, "approval_prompt");
        if (prompt != null && approvalPrompt != null) {
            return "Conflict params: approval_prompt and prompt";
        }
        if (approvalPrompt != null && !approvalPrompt.equals("force") && !approvalPrompt.equals("auto")) {
            return "Invalid approval_prompt: " + approvalPrompt;
        }
        if (prompt != null) {
            Set<String> values = new LinkedHashSet<>(List.of(prompt.trim().split("\\s+")));
            if (!Set.of("none", "consent", "select_account").containsAll(values)
                    || (values.contains("none") && values.size() > 1)) {
                return "Invalid prompt: " + prompt;
            }
        }
        String accessType = Web.first(p, "access_type");
        if (accessType != null && !accessType.equals("online") && !accessType.equals("offline")) {
            return "Invalid access_type: " + accessType;
        }
        return null;
    }

    private static String redirectUriProblem(String redirectUri) {
        if (redirectUri == null || redirectUri.isEmpty()) {
            return "Missing required parameter: redirect_uri";
        }
        try {
            URI u = new URI(redirectUri);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!u.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                return "Invalid parameter value for redirect_uri: must be an absolute http(s) URL: " + redirectUri;
            }
            if (u.getRawFragment() != null) {
                return "Invalid parameter value for redirect_uri: Fragment not allowed: " + redirectUri;
            }
        } catch (URISyntaxException e) {
            return "Invalid parameter value for redirect_uri: " + redirectUri;
        }
        return null;
    }

    private Reply authorizationPage(RecordedRequest r) {
        Map<String, List<String>> p = r.query();
        String problem = authorizationProblem(p);
        if (problem != null) {
            return authorizationError(problem, p);
        }
        List<String> scopes = splitScopes(Web.first(p, "scope"));
        List<StandInUser> accounts = usersSnapshot();
        String hint = Web.first(p, "login_hint");
        StandInUser selected = defaultUser;
        if (hint != null) {
            for (StandInUser u : accounts) {
                if (u.email().equalsIgnoreCase(hint.trim()) || u.id().equals(hint.trim())) {
                    selected = u;
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("<h1>Sign in with Google (stand-in)</h1>\n");
        b.append("<p class=\"app\"><strong>").append(Web.html(Web.first(p, "client_id")))
                .append("</strong> wants to access your Google Account.</p>\n");
        b.append("<form method=\"post\" action=\"").append(APPROVE_PATH).append("\">\n");
        b.append("<fieldset><legend>Choose an account</legend>\n");
        for (StandInUser u : accounts) {
            String inputId = "user-" + Web.html(u.id());
            b.append("<label class=\"account\" for=\"").append(inputId).append("\">")
                    .append("<input type=\"radio\" name=\"user\" id=\"").append(inputId).append("\" value=\"")
                    .append(Web.html(u.id())).append('"').append(u == selected ? " checked" : "").append('>')
                    .append("<span class=\"name\">").append(Web.html(u.name())).append("</span>")
                    .append("<span class=\"email\">").append(Web.html(u.email())).append("</span></label>\n");
        }
        b.append("</fieldset>\n");
        b.append("<h2>This will allow the app to:</h2>\n<ul class=\"scopes\">\n");
        for (String scope : scopes) {
            b.append("<li>").append(Web.html(describeScope(scope))).append("<code>").append(Web.html(scope))
                    .append("</code></li>\n");
        }
        b.append("</ul>\n");
        b.append("<p class=\"redirect\">You will be sent back to <code>").append(Web.html(Web.first(p, "redirect_uri")))
                .append("</code>.</p>\n");
        for (String name : CARRIED_PARAMS) {
            String value = Web.first(p, name);
            if (value != null) {
                b.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(Web.html(value))
                        .append("\">\n");
            }
        }
        // Allow comes first in the markup so that pressing Enter approves; CSS shows Cancel on the left.
        b.append("<div class=\"actions\">")
                .append("<button name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>")
                .append("<button name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button>")
                .append("</div>\n</form>\n");
        b.append("<p class=\"note\">This page is served by a local stand-in for Google's sign-in. "
                + "No real Google account is involved.</p>\n");
        return Reply.html(200, page("Sign in with Google (stand-in)", b.toString()));
    }

    private static Reply authorizationError(String problem, Map<String, List<String>> params) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Access blocked: Authorization Error</h1>\n");
        b.append("<p class=\"error\">Error 400: invalid_request</p>\n");
        b.append("<p id=\"problem\">").append(Web.html(problem)).append("</p>\n");
        if (!params.isEmpty()) {
            b.append("<h2>Request details</h2>\n<ul class=\"details\">\n");
            params.forEach((name, values) -> {
                for (String v : values) {
                    b.append("<li><code>").append(Web.html(name)).append('=').append(Web.html(v))
                            .append("</code></li>\n");
                }
            });
            b.append("</ul>\n");
        }
        return Reply.html(400, page("Error 400: invalid_request", b.toString()));
    }

    private static String describeScope(String scope) {
        return switch (scope) {
            case "https://mail.google.com/" -> "Read, compose, send and permanently delete all your email from Gmail ";
            case SCOPE_PREFIX + "gmail.readonly" -> "View your email messages and settings ";
            case SCOPE_PREFIX + "gmail.metadata" ->
                    "View your email message metadata such as labels and headers, but not the email body ";
            case SCOPE_PREFIX + "gmail.modify" -> "Read, compose and send emails from your Gmail account ";
            case "openid" -> "Associate you with your personal info on Google ";
            case "email", SCOPE_PREFIX + "userinfo.email" -> "See your primary Google Account email address ";
            case "profile", SCOPE_PREFIX + "userinfo.profile" ->
                    "See your personal info, including any personal info you've made publicly available ";
            default -> "";
        };
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + Web.html(title) + "</title>\n<style>\n"
                + "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;background:#f0f4f9;"
                + "color:#1f1f1f;margin:0;padding:2rem 1rem}\n"
                + "main{max-width:34rem;margin:0 auto;background:#fff;border-radius:28px;padding:2rem 2.25rem;"
                + "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
                + "h1{font-size:1.5rem;font-weight:400;margin:0 0 1rem}h2{font-size:1rem;font-weight:500;margin:1.5rem 0 .5rem}\n"
                + "fieldset{border:1px solid #dadce0;border-radius:12px;padding:.5rem 1rem;margin:0}\n"
                + "legend{padding:0 .25rem;color:#444}\n"
                + ".account{display:flex;gap:.6rem;align-items:center;padding:.5rem 0;cursor:pointer}\n"
                + ".account .email{color:#5f6368;font-size:.9rem}\n"
                + ".scopes{padding-left:1.2rem}.scopes li{margin:.35rem 0}\n"
                + "code{font-size:.8rem;color:#5f6368;word-break:break-all}\n"
                + ".actions{display:flex;flex-direction:row-reverse;justify-content:flex-start;gap:.75rem;margin-top:1.5rem}\n"
                + "button{font:inherit;border-radius:20px;padding:.55rem 1.5rem;border:1px solid #747775;"
                + "background:#fff;color:#0b57d0;cursor:pointer}\n"
                + "button#allow{background:#0b57d0;border-color:#0b57d0;color:#fff}\n"
                + ".error{color:#b3261e;font-weight:500}.note{color:#5f6368;font-size:.8rem;margin-top:1.5rem}\n"
                + "</style>\n</head>\n<body>\n<main>\n" + body + "</main>\n</body>\n</html>\n";
    }

    private Reply approve(RecordedRequest r) {
        Map<String, List<String>> p = r.form();
        // The form is posted back by the browser, so it is re-validated: anything can be forged.
        String problem = null;
        String clientId = Web.first(p, "client_id");
        if (!CLIENT_ID.equals(clientId)) {
            problem = clientId == null ? "Missing required parameter: client_id"
                    : "The OAuth client was not found: client_id=" + clientId;
        }
        String redirectUri = Web.first(p, "redirect_uri");
        if (problem == null) {
            problem = redirectUriProblem(redirectUri);
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
        if (problem == null && (challenge == null || !PKCE_VALUE.matcher(challenge).matches())) {
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
        StandInUser user = userId == null ? defaultUser : userById(userId);
        if (problem == null && user == null) {
            problem = "Unknown account: " + userId;
        }
        if (problem != null) {
            return authorizationError(problem, p);
        }
        if (decision.equals("deny")) {
            return Reply.redirect(withQuery(redirectUri, "error", "access_denied", "state", state));
        }
        List<String> requested = splitScopes(scope);
        String code = randomToken(30); // 40 URL-safe characters
        codes.put(code, new AuthCode(code, user, clientId, redirectUri, requested, challenge,
                "offline".equals(Web.first(p, "access_type")), Instant.now().plus(CODE_LIFETIME),
                new AtomicBoolean()));
        return Reply.redirect(withQuery(redirectUri, "state", state, "code", code,
                "scope", String.join(" ", grant(requested))));
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

    private static List<String> splitScopes(String scope) {
        List<String> out = new ArrayList<>(new LinkedHashSet<>(List.of(scope.trim().split("\\s+"))));
        out.removeIf(String::isEmpty);
        return List.copyOf(out);
    }

    /** The scopes actually granted: the requested ones unless a test overrides them. */
    private List<String> grant(List<String> requested) {
        String override = grantedScopes;
        return override == null ? requested : splitScopes(override);
    }

    // ---------------------------------------------------------------------------------------------
    // OAuth: token endpoint

    /**
     * Counts an outer request to the token or revocation endpoint, once and whatever becomes of it
     * (served, canned, hung, reset): the counters say what the client sent, not what it got.
     */
    private void countCall(RecordedRequest r) {
        if (r.path().equals(TOKEN_PATH) && r.method().equals("POST")) {
            String grantType = Web.first(r.form(), "grant_type");
            tokenCalls.computeIfAbsent(grantType == null ? "" : grantType, k -> new AtomicInteger()).incrementAndGet();
        } else if (r.path().equals(REVOKE_PATH)) {
            revokeCalls.incrementAndGet();
        }
    }

    /** Tells every listener of a refresh token about to be issued; see {@link #onRefreshTokenIssued}. */
    private void announceRefreshToken(String value) {
        for (Consumer<String> listener : refreshTokenListeners) {
            listener.accept(value);
        }
    }

    private Reply token(RecordedRequest r) {
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
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
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
            return Web.oauthError(400, "invalid_request", "The client was authenticated in more than one way.");
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
            return Web.oauthError(400, "invalid_grant",
                    "redirect_uri does not match the one used in the authorization request.");
        }
        String verifier = Web.first(form, "code_verifier");
        if (verifier == null || verifier.isEmpty()) {
            return Web.oauthError(400, "invalid_grant", "Missing code verifier.");
        }
        if (!PKCE_VALUE.matcher(verifier).matches() || !s256(verifier).equals(ac.codeChallenge())) {
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
            RefreshToken next = new RefreshToken("srt-" + randomToken(32), grant.user, clientId, grant.scopes);
            announceRefreshToken(next.value); // before anything changes: a throwing listener leaves all as it was
            next.accessTokens.addAll(grant.accessTokens);
            AccessToken access = issueAccessToken(grant.user, clientId, scopes, next);
            refreshTokens.put(next.value, next);
            grant.replacedBy = next; // the old token is refused from now on
            return tokenAnswer(access, next);
        }
    }

    private AccessToken issueAccessToken(StandInUser user, String clientId, List<String> scopes, RefreshToken grant) {
        Duration lifetime = accessTokenLifetime;
        AccessToken token = new AccessToken("sat-" + randomToken(32), user, clientId, scopes, lifetime, grant);
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
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // OAuth: revocation

    private Reply revoke(RecordedRequest r) {
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

    // ---------------------------------------------------------------------------------------------
    // Resource APIs: bearer authentication and userinfo

    /** The access token of a request, or the 401 to answer with. */
    private record Bearer(AccessToken token, Reply error) {
    }

    private Bearer authenticate(RecordedRequest r) {
        String authorization = r.header("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Reply missing = Web.googleError(401, "Request is missing required authentication credential. Expected "
                    + "OAuth 2 access token, login cookie or other valid authentication credential. See "
                    + "https://developers.google.com/identity/sign-in/web/devconsole-project.", "authError", pretty(r));
            return new Bearer(null, missing.withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\""));
        }
        AccessToken token = accessTokens.get(authorization.substring(7).trim());
        if (token == null || !token.usable(Instant.now())) {
            return new Bearer(null, Web.googleError(401, "Request had invalid authentication credentials. Expected "
                    + "OAuth 2 access token, login cookie or other valid authentication credential. See "
                    + "https://developers.google.com/identity/sign-in/web/devconsole-project.", "authError", pretty(r)));
        }
        return new Bearer(token, null);
    }

    private Reply userinfo(RecordedRequest r) {
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
        return Reply.json(200, o, pretty(r));
    }

    // ---------------------------------------------------------------------------------------------
    // Gmail

    private Reply gmail(RecordedRequest r) {
        boolean pretty = pretty(r);
        GmailFailure injected = takeGmailFailure();
        if (injected != null) {
            return injectedFailure(injected, pretty);
        }
        Bearer bearer = authenticate(r);
        if (bearer.error() != null) {
            return bearer.error();
        }
        AccessToken token = bearer.token();
        if (token.scopes.stream().noneMatch(GMAIL_READ_SCOPES::contains)) {
            return Web.googleError(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                    pretty);
        }
        boolean metadataOnly = !token.scopes.contains(SCOPE_PREFIX + "gmail.readonly")
                && !token.scopes.contains(SCOPE_PREFIX + "gmail.modify")
                && !token.scopes.contains("https://mail.google.com/");
        String[] seg = r.path().substring(GMAIL_PREFIX.length()).split("/", -1);
        if (seg.length < 3 || !seg[0].equals("users")) {
            return Web.googleError(404, "Method not found.", "notFound", pretty);
        }
        StandInUser user = token.user;
        if (!seg[1].equals("me") && !seg[1].equalsIgnoreCase(user.email())) {
            return Web.googleError(403, "Delegation denied for " + user.email(), "forbidden", pretty);
        }
        if (!r.method().equals("GET")) {
            return Web.googleError(404, "Method not found.", "notFound", pretty);
        }
        if (seg[2].equals("messages") && seg.length == 3) {
            return listMessages(r, user, metadataOnly, pretty);
        }
        if (seg[2].equals("messages") && seg.length == 4 && !seg[3].isEmpty()) {
            return getMessage(r, user, seg[3], metadataOnly, pretty);
        }
        if (seg[2].equals("profile") && seg.length == 3) {
            return profile(user, pretty);
        }
        if (seg[2].equals("labels") && seg.length == 3) {
            return labels(user, pretty);
        }
        return Web.googleError(404, "Method not found.", "notFound", pretty);
    }

    private static Reply injectedFailure(GmailFailure f, boolean pretty) {
        Reply reply = f.reason() != null ? forbidden(f.reason(), pretty) : injectedFailure(f.status(), pretty);
        return f.retryAfter() == null ? reply : reply.withHeader("Retry-After", f.retryAfter());
    }

    /**
     * Gmail's 403s, by reason: quota errors come from the {@code usageLimits} domain with Google's
     * terse messages; a missing scope is {@code insufficientPermissions} in {@code global}.
     */
    private static Reply forbidden(String reason, boolean pretty) {
        return switch (reason) {
            case "insufficientPermissions" -> Web.googleError(403, "Request had insufficient authentication scopes.",
                    reason, "global", pretty);
            case "rateLimitExceeded" -> Web.googleError(403, "Rate Limit Exceeded", reason, "usageLimits", pretty);
            case "userRateLimitExceeded" -> Web.googleError(403, "User Rate Limit Exceeded", reason, "usageLimits",
                    pretty);
            case "dailyLimitExceeded" -> Web.googleError(403, "Daily Limit Exceeded", reason, "usageLimits", pretty);
            case "domainPolicy" -> Web.googleError(403, "The domain administrators have disabled Gmail apps.",
                    reason, "global", pretty);
            default -> Web.googleError(403, "The caller does not have permission", reason, "global", pretty);
        };
    }

    private static Reply injectedFailure(int status, boolean pretty) {
        return switch (status) {
            case 400 -> Web.googleError(400, "Invalid argument.", "invalidArgument", pretty);
            case 401 -> Web.googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                    + "token, login cookie or other valid authentication credential. See "
                    + "https://developers.google.com/identity/sign-in/web/devconsole-project.", "authError", pretty);
            case 403 -> Web.googleError(403, "Request had insufficient authentication scopes.",
                    "insufficientPermissions", pretty);
            case 404 -> Web.googleError(404, "Requested entity was not found.", "notFound", pretty);
            case 429 -> Web.googleError(429, "User-rate limit exceeded.  Retry after 2030-01-01T00:00:00.000Z",
                    "rateLimitExceeded", pretty).withHeader("Retry-After", "1");
            case 500 -> Web.googleError(500, "Internal error encountered.", "backendError", pretty);
            case 503 -> Web.googleError(503, "The service is currently unavailable.", "backendError", pretty);
            default -> Web.googleError(status, Web.reasonPhrase(status), "unknown", pretty);
        };
    }

    private static Reply invalidArgument(String message, boolean pretty) {
        return Web.googleError(400, message, "invalidArgument", pretty);
    }

    private static final String PAGE_TOKEN_PREFIX = "stand-in-page:";

    private Reply listMessages(RecordedRequest r, StandInUser user, boolean metadataOnly, boolean pretty) {
        int maxResults = 100;
        String max = r.queryParam("maxResults");
        if (max != null) {
            try {
                maxResults = Integer.parseInt(max.trim());
            } catch (NumberFormatException e) {
                return invalidArgument("Invalid value at 'max_results' (TYPE_UINT32), \"" + max + "\"", pretty);
            }
            if (maxResults < 0) {
                return invalidArgument("Invalid value at 'max_results' (TYPE_UINT32), \"" + max + "\"", pretty);
            }
            maxResults = maxResults == 0 ? 100 : Math.min(maxResults, 500); // proto3: 0 means unset
        }
        int offset = 0;
        String pageToken = r.queryParam("pageToken");
        if (pageToken != null && !pageToken.isEmpty()) {
            offset = decodePageToken(pageToken);
            if (offset < 0) {
                return invalidArgument("Invalid pageToken", pretty);
            }
        }
        String q = r.queryParam("q");
        if (metadataOnly && q != null && !q.isBlank()) {
            return Web.googleError(403, "Metadata scope does not support 'q' parameter", "forbidden", pretty);
        }
        GmailQuery query = GmailQuery.parse(q, Instant.now());
        List<String> labelIds = Web.all(r.query(), "labelIds");
        boolean includeSpamTrash = "true".equalsIgnoreCase(r.queryParam("includeSpamTrash"));

        List<StandInMessage> matching = new ArrayList<>();
        for (StandInUser.Entry e : user.entries()) {
            StandInMessage m = e.message();
            if (!includeSpamTrash && (m.hasLabel("SPAM") || m.hasLabel("TRASH"))) {
                continue;
            }
            if (m.labelIds().containsAll(labelIds) && query.matches(e)) {
                matching.add(m);
            }
        }
        JsonObject o = new JsonObject();
        int end = (int) Math.min((long) offset + maxResults, matching.size());
        if (offset < end) {
            JsonArray messages = new JsonArray();
            for (StandInMessage m : matching.subList(offset, end)) {
                JsonObject ref = new JsonObject();
                ref.addProperty("id", m.id());
                ref.addProperty("threadId", m.threadId());
                messages.add(ref);
            }
            o.add("messages", messages); // Gmail omits the field entirely when there are none
        }
        if (end < matching.size()) {
            o.addProperty("nextPageToken", encodePageToken(end));
        }
        o.addProperty("resultSizeEstimate", matching.size());
        return Reply.json(200, o, pretty);
    }

    private static String encodePageToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PAGE_TOKEN_PREFIX + offset).getBytes(StandardCharsets.US_ASCII));
    }

    /** The offset a page token stands for, or -1 when it is not one we issued. */
    private static int decodePageToken(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            if (!text.startsWith(PAGE_TOKEN_PREFIX)) {
                return -1;
            }
            int offset = Integer.parseInt(text.substring(PAGE_TOKEN_PREFIX.length()));
            return offset >= 0 ? offset : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private Reply getMessage(RecordedRequest r, StandInUser user, String id, boolean metadataOnly, boolean pretty) {
        String format = r.queryParam("format");
        format = format == null ? "full" : format.toLowerCase(Locale.ROOT);
        if (!Set.of("full", "metadata", "minimal", "raw").contains(format)) {
            return invalidArgument("Invalid value at 'format' (type.googleapis.com/"
                    + "google.apps.gmail.v1.MessageFormat), \"" + r.queryParam("format") + "\"", pretty);
        }
        if (metadataOnly && (format.equals("full") || format.equals("raw"))) {
            return Web.googleError(403, "Metadata scope doesn't allow format " + format.toUpperCase(Locale.ROOT),
                    "forbidden", pretty);
        }
        StandInUser.Entry entry = user.find(id);
        if (entry == null) {
            return Web.googleError(404, "Requested entity was not found.", "notFound", pretty);
        }
        StandInMessage m = entry.message();
        List<String[]> headers = List.of(
                new String[] {"From", m.from()},
                new String[] {"To", entry.to()},
                new String[] {"Subject", m.subject()},
                new String[] {"Date", RFC_2822.format(m.date().atZone(ZoneId.systemDefault()))});
        int size = StandInUser.sizeEstimate(entry);

        JsonObject o = new JsonObject();
        o.addProperty("id", m.id());
        o.addProperty("threadId", m.threadId());
        if (!m.labelIds().isEmpty()) {
            JsonArray labels = new JsonArray();
            m.labelIds().forEach(labels::add);
            o.add("labelIds", labels);
        }
        o.addProperty("snippet", m.snippet());
        if (format.equals("raw")) {
            StringBuilder raw = new StringBuilder();
            for (String[] h : headers) {
                raw.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            raw.append("Content-Type: text/plain; charset=UTF-8\r\n\r\n").append(Web.unescapeHtml(m.snippet()))
                    .append("\r\n");
            o.addProperty("raw", Base64.getUrlEncoder().encodeToString(raw.toString().getBytes(StandardCharsets.UTF_8)));
        } else if (!format.equals("minimal")) {
            List<String> wanted = Web.all(r.query(), "metadataHeaders");
            JsonArray headerArray = new JsonArray();
            for (String[] h : headers) {
                if (wanted.isEmpty() || wanted.stream().anyMatch(w -> w.equalsIgnoreCase(h[0]))) {
                    JsonObject header = new JsonObject();
                    header.addProperty("name", h[0]);
                    header.addProperty("value", h[1]);
                    headerArray.add(header);
                }
            }
            JsonObject body = new JsonObject();
            body.addProperty("size", 0);
            JsonObject payload = new JsonObject();
            payload.addProperty("partId", "");
            payload.addProperty("mimeType", "text/plain");
            payload.addProperty("filename", "");
            payload.add("headers", headerArray);
            payload.add("body", body);
            o.add("payload", payload);
        }
        o.addProperty("sizeEstimate", size);
        o.addProperty("historyId", String.valueOf(entry.historyId()));
        o.addProperty("internalDate", String.valueOf(m.date().toEpochMilli()));
        return Reply.json(200, o, pretty);
    }

    private Reply profile(StandInUser user, boolean pretty) {
        List<StandInUser.Entry> entries = user.entries();
        Set<String> threads = new LinkedHashSet<>();
        long history = 100_000L;
        for (StandInUser.Entry e : entries) {
            threads.add(e.message().threadId());
            history = Math.max(history, e.historyId());
        }
        JsonObject o = new JsonObject();
        o.addProperty("emailAddress", user.email());
        o.addProperty("messagesTotal", entries.size());
        o.addProperty("threadsTotal", threads.size());
        o.addProperty("historyId", String.valueOf(history));
        return Reply.json(200, o, pretty);
    }

    private Reply labels(StandInUser user, boolean pretty) {
        Set<String> ids = new LinkedHashSet<>(SYSTEM_LABELS);
        for (StandInMessage m : user.messages()) {
            ids.addAll(m.labelIds());
        }
        JsonArray labels = new JsonArray();
        for (String id : ids) {
            JsonObject l = new JsonObject();
            l.addProperty("id", id);
            l.addProperty("name", id);
            l.addProperty("type", SYSTEM_LABELS.contains(id) ? "system" : "user");
            labels.add(l);
        }
        JsonObject o = new JsonObject();
        o.add("labels", labels);
        return Reply.json(200, o, pretty);
    }

    // ---------------------------------------------------------------------------------------------
    // Batch

    private Reply batch(RecordedRequest outer) {
        boolean pretty = pretty(outer);
        String contentType = outer.header("content-type");
        String boundary = Web.mediaTypeParameter(contentType, "boundary");
        if (!Web.mediaType(contentType).equals("multipart/mixed") || boundary == null || boundary.isEmpty()) {
            return invalidArgument("A batch request must be multipart/mixed with a boundary.", pretty);
        }
        List<BatchCodec.Part> parts;
        try {
            parts = BatchCodec.parse(outer.body(), boundary);
        } catch (IllegalArgumentException e) {
            return invalidArgument(e.getMessage(), pretty);
        }
        if (parts.isEmpty()) {
            return invalidArgument("A batch request must contain at least one call.", pretty);
        }
        if (parts.size() > MAX_BATCH_PARTS) {
            return invalidArgument("Too many requests in batch: " + parts.size() + " (at most "
                    + MAX_BATCH_PARTS + " are allowed).", pretty);
        }
        List<String> contentIds = new ArrayList<>(parts.size());
        List<Reply> replies = new ArrayList<>(parts.size());
        for (BatchCodec.Part part : parts) {
            // Google applies the outer request's headers (except Content-*) to every part, with the
            // part's own headers taking precedence.
            Map<String, List<String>> headers = new LinkedHashMap<>();
            outer.headers().forEach((name, values) -> {
                if (!name.startsWith("content-") && !name.equals("host") && !name.equals("connection")) {
                    headers.put(name, values);
                }
            });
            headers.putAll(part.headers());
            String partType = Web.first(part.headers(), "content-type");
            Map<String, List<String>> form = "application/x-www-form-urlencoded".equals(Web.mediaType(partType))
                    ? Web.parseForm(part.body()) : Map.of();
            RecordedRequest inner = new RecordedRequest(part.method(), Web.pathDecode(part.rawPath()),
                    Web.parseForm(part.rawQuery()), form, headers, part.body(), true);
            record(inner);
            Reply reply;
            try {
                reply = route(inner, true);
            } catch (RuntimeException e) {
                e.printStackTrace();
                reply = Web.googleError(500, "Internal error in the stand-in: " + e, "backendError", pretty);
            }
            contentIds.add(part.contentId());
            replies.add(reply);
        }
        String responseBoundary = "batch_" + HexFormat.of().formatHex(randomBytes(12));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "multipart/mixed; boundary=" + responseBoundary);
        return new Reply(200, headers, BatchCodec.write(responseBoundary, contentIds, replies));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Override
    public String toString() {
        return "StandInGoogle[" + baseUrl + "]";
    }
}
