package io.github.gmailoauth;

import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The process that {@link CrashRecoveryTest} kills with SIGKILL: the app and a stand-in Google in
 * one JVM of their own, with several browsers that keep writing grants, until the test pulls the
 * plug at a random moment.
 *
 * <p>Each browser is one stand-in user and alternates two operations, each of which writes that
 * user's row in its own transaction:
 *
 * <ul>
 *   <li>a sign-in: the callback exchanges a code for a new refresh token and stores it;
 *   <li>a load of /messages: access tokens live 30 s and the app refreshes any that expires within
 *       60 s, so every load refreshes, and with rotation on, Google answers with a new refresh
 *       token and retires the stored one at once; the app stores the new one.
 * </ul>
 *
 * <p>Every refresh token the stand-in issues is appended to {@code <dir>/issued.txt} and forced to
 * disk <em>before</em> the answer carrying it leaves the stand-in. So whatever the app managed to
 * commit before the kill, its token is in that file: a stored token not in it is garbage.
 *
 * <p>The database and issued.txt live in {@code <dir>} and carry over from one run to the next, so
 * every run after the first starts the app on an H2 file whose previous owner was killed. Each run
 * has a new stand-in that knows nothing of earlier tokens; that is fine because every browser signs
 * in (replacing its row) before it loads /messages.
 *
 * <p>Output on stdout, one line each: {@code OK <op> <user> <millis>} per completed operation,
 * {@code FAIL <op> <user> <what>} for anything unexpected, and {@value #READY} once every browser
 * has completed {@value #ROUNDS_BEFORE_READY} rounds. The process ends itself after {@code
 * maxSeconds} (second argument, default 60) or when its parent is gone, so that no worker can
 * outlive a test that died without killing it.
 */
final class CrashWorker {
  static final String READY = "READY";
  static final int BROWSERS = 4;
  static final int ROUNDS_BEFORE_READY = 2;
  static final String ISSUED_FILE = "issued.txt";

  private CrashWorker() {}

  /** The stand-in user of browser {@code i}; fixed, so every run writes the same rows. */
  static String userId(int i) {
    return "1170000000000000001" + String.format("%02d", i);
  }

  static String email(int i) {
    return "crash-" + i + "@example.com";
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    Duration maxLifetime = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
    watchdog(maxLifetime);

    FileChannel issued =
        FileChannel.open(
            dir.resolve(ISSUED_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    StandInGoogle google = StandInGoogle.start();
    google.setRotateRefreshTokens(true);
    google.setAccessTokenLifetime(Duration.ofSeconds(30));
    google.onRefreshTokenIssued(token -> record(issued, token));
    for (int i = 0; i < BROWSERS; i++) {
      google.addUser(userId(i), email(i), "Crash User " + i);
    }

    // Exactly as TestApp starts the app, but with the real clock.
    Map<String, String> settings = new HashMap<>();
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, google.writeClientSecrets(dir).toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    settings.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    settings.put(AppConfig.DATABASE_URL, TestApp.databaseUrl(dir));
    settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.TOKEN_KEY);
    settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toString());
    Server server = Main.newServer(0, settings);
    server.start();
    String base =
        "http://localhost:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    say("STARTED " + base);

    AtomicIntegerArray rounds = new AtomicIntegerArray(BROWSERS);
    AtomicInteger readyBrowsers = new AtomicInteger();
    for (int i = 0; i < BROWSERS; i++) {
      int n = i;
      Thread t = new Thread(() -> browse(base, n, rounds, readyBrowsers), "crash-browser-" + i);
      t.setDaemon(true);
      t.start();
    }
    Thread.currentThread().join(); // until killed
  }

  /**
   * Appends one token and forces it to disk. FileChannel writes are unbuffered, so nothing sits in
   * a Java buffer; force() also gets it past the OS cache. Synchronized because the stand-in calls
   * this from several handler threads. A failure propagates, and the stand-in then does not issue
   * the token at all.
   */
  private static synchronized void record(FileChannel file, String token) {
    try {
      ByteBuffer line = ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII));
      while (line.hasRemaining()) {
        file.write(line);
      }
      file.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void browse(
      String base, int i, AtomicIntegerArray rounds, AtomicInteger readyBrowsers) {
    Browser browser = new Browser();
    while (true) {
      boolean signedIn = run("signin", i, () -> signIn(browser, base, i));
      boolean loaded = signedIn && run("messages", i, () -> messages(browser, base));
      if (loaded
          && rounds.incrementAndGet(i) == ROUNDS_BEFORE_READY
          && readyBrowsers.incrementAndGet() == BROWSERS) {
        say(READY);
      }
      if (!loaded) {
        pause(); // something unexpected; do not spin, the test will see the FAIL line
      }
    }
  }

  /** One operation: an error message, or null when it went as it must. */
  private interface Operation {
    String run() throws Exception;
  }

  private static boolean run(String name, int i, Operation op) {
    long start = System.nanoTime();
    String problem;
    try {
      problem = op.run();
    } catch (Exception e) {
      problem = e.toString();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    say(
        (problem == null ? "OK " : "FAIL ")
            + name
            + " "
            + userId(i)
            + " "
            + (problem == null ? millis : problem.replace('\n', ' ')));
    return problem == null;
  }

  /** /authorize with the user's login_hint, Allow on the consent page, then the callback. */
  private static String signIn(Browser browser, String base, int i) throws Exception {
    HttpResponse<String> authorize = browser.get(base + "/authorize?login_hint=" + email(i));
    if (authorize.statusCode() != 302) {
      return "authorize answered " + authorize.statusCode();
    }
    HttpResponse<String> back = browser.answerConsent(Browser.location(authorize), true);
    if (back.statusCode() != 302) {
      return "consent answered " + back.statusCode();
    }
    HttpResponse<String> callback = browser.get(Browser.location(back));
    if (callback.statusCode() != 302 || !Browser.location(callback).equals(base + "/messages")) {
      return "callback answered "
          + callback.statusCode()
          + " "
          + callback.headers().firstValue("Location").orElse("");
    }
    return null;
  }

  private static String messages(Browser browser, String base) throws Exception {
    HttpResponse<String> page = browser.get(base + "/messages");
    return page.statusCode() == 200
        ? null
        : "messages answered "
            + page.statusCode()
            + " "
            + page.headers().firstValue("Location").orElse("");
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Ends this JVM after {@code maxLifetime}, or as soon as the process that started it is gone: a
   * test JVM that dies without its finally blocks must not leave a worker running. halt(), not
   * exit(): a worker that ends this way is crashed too, not shut down politely.
   */
  private static void watchdog(Duration maxLifetime) {
    Thread timer =
        new Thread(
            () -> {
              try {
                Thread.sleep(maxLifetime.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("crash worker: lifetime of " + maxLifetime + " is over");
              Runtime.getRuntime().halt(3);
            },
            "crash-worker-lifetime");
    timer.setDaemon(true);
    timer.start();
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          System.err.println("crash worker: the parent process is gone");
                          Runtime.getRuntime().halt(4);
                        }));
  }

  /** The refresh tokens recorded in {@code dir}; a line cut short by the kill is left out. */
  static List<String> issuedTokens(Path dir) throws IOException {
    Path file = dir.resolve(ISSUED_FILE);
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }
}
