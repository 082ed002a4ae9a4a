package io.github.gmailoauth.bench;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.bench.SoakReport.Phase;
import io.github.gmailoauth.bench.SoakReport.Report;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import io.github.gmailoauth.testing.FileTrees;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak of issue 12: the topology ops run, built from the project's own parts, through the
 * faults a production day brings. Two nodes (each the embedded launcher in a JVM of its own, with
 * {@code SESSION_STORE=jdbc}) share one real PostgreSQL (embedded, restartable on the same data
 * directory and port); a round-robin proxy ({@link SoakProxy}) sits in front; the stand-in Google
 * answers, with access tokens short enough that every user's expires every few seconds. Users sign
 * in through the proxy, then client threads keep loading {@code /messages} while the phases run:
 *
 * <ol>
 *   <li>quiet; the token endpoint answers 500 for the fault time; quiet;
 *   <li>Gmail (list and batch) answers 503 for the fault time; quiet;
 *   <li>node A is killed with SIGKILL and started again; quiet;
 *   <li>PostgreSQL is stopped ({@code pg_ctl stop -m fast}) and started again; quiet;
 *   <li>node B stops gracefully (SIGTERM) and starts again; quiet.
 * </ol>
 *
 * A fault's row runs from the fault's start until every user has had a 200 again (its recovery,
 * bounded); quiet rows follow. Per row: answers by status, 5xx, sessions sent to sign-in (a 302 to
 * {@code /authorize}), cross-user answers (a page showing another user's marker message, or not its
 * own), refresh calls against the refreshes that fell due (one per user per access-token expiry,
 * from the stand-in's record of when it issued each token), and stack traces in the node logs. The
 * verdicts below the table are the promises; the exit status is 1 when one fails.
 *
 * <p>Run it with {@code bench/soak} (about four minutes); {@code SoakSmokeTest} runs it with tiny
 * phases in {@code mvn verify}.
 */
public final class Soak {
  /**
   * How big and how long.
   *
   * @param users signed-in users, each with its own cookie jar
   * @param clientThreads threads loading pages; each pauses {@code pause} between two pages
   * @param quiet length of a quiet phase
   * @param fault length of the token-endpoint and Gmail outages
   * @param refreshPeriod how often each user's access token falls due: the stand-in issues tokens
   *     that live this plus the app's 60 s refresh margin
   * @param recoveryLimit how long a fault's row waits for every user's 200 before calling it failed
   */
  record Settings(
      int users,
      int clientThreads,
      Duration pause,
      Duration quiet,
      Duration fault,
      Duration refreshPeriod,
      Duration recoveryLimit) {
    /** {@code bench/soak}'s defaults: the scenario, about four minutes. */
    static Settings full() {
      return new Settings(
          20,
          8,
          Duration.ofMillis(40),
          Duration.ofSeconds(20),
          Duration.ofSeconds(6),
          Duration.ofSeconds(6),
          Duration.ofSeconds(90));
    }

    /** {@code SoakSmokeTest}: every phase, tiny. */
    static Settings quick() {
      return new Settings(
          4,
          4,
          Duration.ofMillis(20),
          Duration.ofSeconds(3),
          Duration.ofSeconds(3),
          Duration.ofSeconds(2),
          Duration.ofSeconds(60));
    }
  }

  /** The app refreshes an access token that expires within this margin (UserCredentials). */
  static final Duration APP_REFRESH_MARGIN = Duration.ofSeconds(60);

  /**
   * How long a fault's recovery must go without a failure before the next quiet phase: longer than
   * the token-endpoint breaker's pause (TokenEndpointBreaker.COOL_DOWN, 5 s), during which a node
   * whose breaker opened still answers 503 with Retry-After although Google is back.
   */
  static final Duration SETTLE = Duration.ofSeconds(6);

  static final String LIST = "/gmail/v1/users/me/messages";
  static final String BATCH = "/batch/gmail/v1";
  private static final Pattern MARKER = Pattern.compile("mailbox of soak user (\\d+)\\b");

  private final Settings settings;
  private final Path dir;
  private final List<Phase> phases = new CopyOnWriteArrayList<>();
  private volatile Phase current;
  private volatile boolean loading = true;

  /** Per user: nanos at which the stand-in issued each of their access tokens, in order. */
  private final Map<String, List<Long>> tokensIssued = new ConcurrentHashMap<>();

  private final AtomicInteger reSignIns = new AtomicInteger();

  private StandInGoogle google;
  private RestartablePostgres postgres;
  private SoakNode nodeA;
  private SoakNode nodeB;
  private SoakProxy proxy;
  private final List<User> users = new ArrayList<>();

  private Soak(Settings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
  }

  /** One signed-in person: a cookie jar used by one thread at a time, as one browser tab. */
  private static final class User {
    final int index;
    final StandInUser account;
    final BenchBrowser browser;
    final ReentrantLock tab = new ReentrantLock();

    User(int index, StandInUser account, BenchBrowser browser) {
      this.index = index;
      this.account = account;
      this.browser = browser;
    }
  }

  static Report run(Settings settings, Path dir) throws Exception {
    Soak soak = new Soak(settings, dir);
    try {
      return soak.runPhases();
    } finally {
      soak.tearDown();
    }
  }

  private Report runPhases() throws Exception {
    setUp();
    List<Thread> clients = new ArrayList<>();
    AtomicInteger nextUser = new AtomicInteger();
    current = begin("warm-up", false);
    for (int i = 0; i < settings.clientThreads(); i++) {
      Thread t = new Thread(() -> load(nextUser), "soak-client-" + i);
      t.start();
      clients.add(t);
    }
    Thread.sleep(settings.quiet().toMillis());

    fault(
        "token endpoint answers 500",
        () -> {
          google.failUntilRestored("POST", "/token", 500);
          Thread.sleep(settings.fault().toMillis());
          google.restore("POST", "/token");
        });
    quiet();
    fault(
        "Gmail answers 503",
        () -> {
          google.failUntilRestored("GET", LIST, 503);
          google.failUntilRestored("POST", BATCH, 503);
          Thread.sleep(settings.fault().toMillis());
          google.restore("GET", LIST);
          google.restore("POST", BATCH);
        });
    quiet();
    fault(
        "node A killed (kill -9), restarted",
        () -> {
          nodeA.kill();
          nodeA.start();
        });
    quiet();
    fault(
        "PostgreSQL restarted (stop -m fast, start)",
        () -> {
          postgres.stop();
          postgres.start();
        });
    quiet();
    fault(
        "node B stopped gracefully, restarted",
        () -> {
          nodeB.stopGracefully();
          nodeB.start();
        });
    quiet();

    loading = false;
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    end(current);
    return report();
  }

  private void setUp() throws Exception {
    Files.createDirectories(dir);
    google = StandInGoogle.start();
    google.setAccessTokenLifetime(settings.refreshPeriod().plus(APP_REFRESH_MARGIN));
    google.onAccessTokenIssued(
        user ->
            tokensIssued
                .computeIfAbsent(user.id(), id -> new CopyOnWriteArrayList<>())
                .add(System.nanoTime()));
    postgres = new RestartablePostgres(dir.resolve("pgdata"));

    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Map<String, String> environment = new HashMap<>();
    environment.put(AppConfig.GOOGLE_CLIENT_SECRETS, google.writeClientSecrets(dir).toString());
    environment.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    environment.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    environment.put(AppConfig.DATABASE_URL, postgres.url());
    environment.put(AppConfig.DATABASE_USER, RestartablePostgres.USER);
    environment.put(AppConfig.SESSION_STORE, "jdbc");
    environment.put(AppConfig.TOKEN_ENCRYPTION_KEY, Base64.getEncoder().encodeToString(key));
    nodeA = new SoakNode("A", environment, dir);
    nodeB = new SoakNode("B", environment, dir);
    proxy = new SoakProxy(List.of(nodeA.base(), nodeB.base()));
    environment.put(AppConfig.OAUTH_REDIRECT_URI, proxy.base() + "/oauth2callback");
    nodeA.start(); // one after the other: the first migrates the schema
    nodeB.start();

    HttpClient http = BenchBrowser.sharedClient();
    for (int i = 0; i < settings.users(); i++) {
      String tag = String.format(Locale.ROOT, "%03d", i);
      StandInUser account =
          google.addUser("soak-" + tag, "soak" + tag + "@example.com", "Soak User " + tag);
      // The marker that tells whose mailbox a page shows.
      account.addMessage(
          "Postmaster <postmaster@example.com>",
          "The mailbox of soak user " + tag,
          "Only soak user " + tag + " may read this.",
          Instant.now(),
          "INBOX");
      User user = new User(i, account, new BenchBrowser(http, proxy.base()));
      user.browser.signIn(proxy.base(), account.email());
      users.add(user);
    }
  }

  /**
   * A client thread: the next user whose tab is free loads /messages, a pause, again, until the
   * soak ends. A user whose page is slow holds only the thread that asked for it, as one browser
   * tab would: the others go on with other users.
   */
  private void load(AtomicInteger nextUser) {
    while (loading) {
      User user = users.get(Math.floorMod(nextUser.getAndIncrement(), users.size()));
      if (user.tab.tryLock()) {
        try {
          loadOnce(user);
        } finally {
          user.tab.unlock();
        }
      }
      try {
        Thread.sleep(settings.pause().toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void loadOnce(User user) {
    long started = System.nanoTime();
    HttpResponse<String> page;
    try {
      page = user.browser.get(proxy.base() + "/messages");
    } catch (IOException e) {
      current.noAnswer.incrementAndGet();
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // Counted where it was answered: a page asked for just before a fault and failed by it is the
    // fault's.
    Phase phase = current;
    phase.slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
    int status = page.statusCode();
    phase.statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    if (status != 200 && phase.faultEndNanos != 0 && started >= phase.faultEndNanos) {
      phase.lastFailureNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }
    if (status == 200) {
      if (!showsOnly(page.body(), user.index)) {
        phase.crossUser.incrementAndGet();
      }
      long faultEnd = phase.faultEndNanos;
      if (faultEnd != 0 && started >= faultEnd) { // asked after the fault ended
        phase.recoveredAt.putIfAbsent(user.index, System.nanoTime());
      }
    } else if (status / 100 == 3
        && page.headers().firstValue("Location").orElse("").contains("/authorize")) {
      // Treated as signed out: what a browser does next is sign in again.
      phase.toSignIn.incrementAndGet();
      try {
        user.browser.signIn(proxy.base(), user.account.email());
        reSignIns.incrementAndGet();
      } catch (Exception failed) {
        // counted by its status on the next load
      }
    }
  }

  /** Whether a page shows this user's marker and nobody else's. */
  static boolean showsOnly(String page, int userIndex) {
    Matcher m = MARKER.matcher(page);
    boolean own = false;
    while (m.find()) {
      if (Integer.parseInt(m.group(1)) != userIndex) {
        return false;
      }
      own = true;
    }
    return own;
  }

  @FunctionalInterface
  private interface FaultAction {
    void run() throws Exception;
  }

  /**
   * A fault's row: its action, then its recovery, which ends once every user has had a 200 since
   * the fault ended and no request sent since then has failed for {@link #SETTLE}. Recovery is the
   * time from the fault's end to the later of the last user's first 200 and the last failure.
   */
  private void fault(String name, FaultAction action) throws Exception {
    Phase phase = begin(name, true);
    action.run();
    long endOfFault = System.nanoTime();
    phase.faultEndNanos = endOfFault;
    long limit = endOfFault + settings.recoveryLimit().toNanos();
    while (System.nanoTime() < limit) {
      long settledSince = Math.max(endOfFault, phase.lastFailureNanos.get());
      if (phase.recoveredAt.size() == users.size()
          && System.nanoTime() - settledSince >= SETTLE.toNanos()) {
        long lastFirst200 =
            phase.recoveredAt.values().stream().mapToLong(Long::longValue).max().orElse(endOfFault);
        phase.recovery =
            Duration.ofNanos(
                Math.max(0, Math.max(lastFirst200, phase.lastFailureNanos.get()) - endOfFault));
        return;
      }
      Thread.sleep(50);
    }
  }

  private void quiet() throws InterruptedException, IOException {
    begin("quiet", false);
    Thread.sleep(settings.quiet().toMillis());
  }

  private final Map<Phase, long[]> marks = new HashMap<>();

  /** Ends the current row (if any) and starts the next. */
  private Phase begin(String name, boolean fault) throws IOException {
    Phase previous = current;
    if (previous != null) {
      end(previous);
    }
    Phase phase = new Phase(name, fault);
    marks.put(
        phase, new long[] {google.tokenCalls("refresh_token"), nodeA.logMark(), nodeB.logMark()});
    phases.add(phase);
    current = phase;
    return phase;
  }

  private void end(Phase phase) throws IOException {
    phase.endNanos = System.nanoTime();
    long[] start = marks.get(phase);
    phase.refreshCalls = google.tokenCalls("refresh_token") - (int) start[0];
    phase.stackTraces =
        nodeA.stackTracesBetween(start[1], nodeA.logMark())
            + nodeB.stackTracesBetween(start[2], nodeB.logMark());
  }

  private Report report() {
    long margin = TimeUnit.SECONDS.toNanos(1);
    long period = settings.refreshPeriod().toNanos();
    int early = 0;
    for (List<Long> issued : tokensIssued.values()) {
      for (int i = 0; i < issued.size(); i++) {
        long due = issued.get(i) + period;
        for (Phase p : phases) {
          if (due >= p.startNanos && due < p.endNanos) {
            p.refreshesDue++;
          }
        }
        // A token replaced before it fell due: a refresh that was not needed (two nodes or two
        // threads refreshing the same expiry, or a refresh that ignored the stored token).
        if (i + 1 < issued.size() && issued.get(i + 1) < due - margin) {
          early++;
        }
      }
    }
    List<String> verdicts = new ArrayList<>();
    boolean passed = true;
    int cross = phases.stream().mapToInt(p -> p.crossUser.get()).sum();
    passed &= verdict(verdicts, cross == 0, "cross-user answers: " + cross + " (must be 0)");
    int toSignIn = phases.stream().mapToInt(p -> p.toSignIn.get()).sum();
    passed &=
        verdict(
            verdicts,
            toSignIn == 0,
            "signed-in sessions sent to sign-in: " + toSignIn + " (must be 0)");
    int quiet5xx = phases.stream().filter(p -> !p.fault).mapToInt(Phase::fivexx).sum();
    int quietNoAnswer = phases.stream().filter(p -> !p.fault).mapToInt(p -> p.noAnswer.get()).sum();
    passed &=
        verdict(
            verdicts,
            quiet5xx == 0 && quietNoAnswer == 0,
            "5xx or no answer in quiet phases: " + (quiet5xx + quietNoAnswer) + " (must be 0)");
    long unrecovered = phases.stream().filter(p -> p.fault && p.recovery == null).count();
    passed &=
        verdict(
            verdicts,
            unrecovered == 0,
            "faults after which a user had no 200 within "
                + settings.recoveryLimit().toSeconds()
                + " s: "
                + unrecovered
                + " (must be 0)");
    passed &=
        verdict(
            verdicts,
            early == 0,
            "access tokens refreshed before they fell due (duplicate refreshes): "
                + early
                + " (must be 0)");
    int refreshCalls = phases.stream().mapToInt(p -> p.refreshCalls).sum();
    return new Report(
        settings,
        List.copyOf(phases),
        refreshCalls,
        early,
        users.size(),
        reSignIns.get(),
        verdicts,
        passed);
  }

  private static boolean verdict(List<String> verdicts, boolean holds, String what) {
    verdicts.add((holds ? "ok    " : "FAILED ") + what);
    return holds;
  }

  private void tearDown() {
    loading = false;
    for (AutoCloseable part : new AutoCloseable[] {proxy, nodeA, nodeB, postgres, google}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          System.err.println("soak: could not stop " + part + ": " + e);
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.full();
    Path dir = Path.of("target", "soak");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> settings = Settings.quick();
        case "--dir" -> dir = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument " + args[i] + " (known: --quick, --dir DIR)");
      }
    }
    FileTrees.delete(dir);
    System.out.printf(
        Locale.ROOT,
        "soak: %d users, %d client threads, quiet %d s, faults %d s, a refresh due"
            + " every %d s per user; logs in %s%n",
        settings.users(),
        settings.clientThreads(),
        settings.quiet().toSeconds(),
        settings.fault().toSeconds(),
        settings.refreshPeriod().toSeconds(),
        dir.toAbsolutePath());
    Report report = run(settings, dir);
    System.out.println();
    System.out.print(report.table());
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "users %d, re-sign-ins %d, refresh calls %d, refreshes due %d%n",
        report.signIns(),
        report.reSignIns(),
        report.refreshCallsTotal(),
        report.total(p -> p.refreshesDue));
    report.verdicts().forEach(System.out::println);
    System.exit(report.passed() ? 0 : 1);
  }
}
