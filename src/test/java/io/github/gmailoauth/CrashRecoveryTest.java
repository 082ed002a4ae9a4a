package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.gmailoauth.oauth.TokenCipher;
import io.github.gmailoauth.testing.TestApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Every write is one transaction. Killing the process (kill -9) during a callback or a refresh
 * leaves either the old grant or the new one, never a broken row."
 *
 * <p>A {@link CrashWorker} runs the app in a separate JVM with browsers that keep signing in and
 * refreshing (with refresh token rotation, so every refresh rewrites the refresh token); the test
 * SIGKILLs it at a random moment, then opens the H2 file itself and checks every row. Several kills
 * in a row on the same directory: each run after the first also shows that the app starts and works
 * on a database file whose previous owner was killed.
 */
class CrashRecoveryTest {
  static final int KILLS = 4;

  /** From READY to the kill, at random: some moment of the steady stream of writes. */
  static final int MIN_EXTRA_MILLIS = 200;

  static final int MAX_EXTRA_MILLIS = 1500;

  /**
   * How long a worker JVM may take to start the app and sign in its browsers. Alone it takes a few
   * seconds; in a full {@code mvn verify} on two shared cores one run once took over 30 s, so the
   * bound is generous: it only decides how long a broken start takes to fail.
   */
  static final long READY_TIMEOUT_SECONDS = 60;

  /** The worker's own limit, should this test die without killing it (beyond READY's wait). */
  static final int WORKER_MAX_SECONDS = 120;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void noWorkerSurvives() throws InterruptedException {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "a worker JVM would not die");
    }
  }

  @Test
  // About 12 s in practice. Longer than KILLS waits for READY, so that a worker that never gets
  // ready fails with its own output (the READY message below), not with a bare timeout.
  @Timeout(value = KILLS * READY_TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
  void killMinus9DuringCallbacksAndRefreshesLeavesTheOldOrTheNewGrantNeverABrokenRow()
      throws Exception {
    Random random = new Random();
    String keyId = TestApp.keyId(TestApp.TOKEN_KEY);
    Map<String, String> emails = new TreeMap<>();
    for (int i = 0; i < CrashWorker.BROWSERS; i++) {
      emails.put(CrashWorker.userId(i), CrashWorker.email(i));
    }
    Set<String> allUsers = emails.keySet();
    Set<String> storedTokensSeen = new HashSet<>();
    int rowsChecked = 0;
    int operationsCompleted = 0;

    for (int kill = 1; kill <= KILLS; kill++) {
      Worker worker = Worker.start(dir, kill);
      started.add(worker.process);
      try {
        if (!worker.ready.await(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          fail(
              "run "
                  + kill
                  + " never got READY; output: "
                  + worker.lines
                  + "\nstderr: "
                  + worker.stderrTail());
        }
        Thread.sleep(MIN_EXTRA_MILLIS + random.nextInt(MAX_EXTRA_MILLIS - MIN_EXTRA_MILLIS + 1));
        assertTrue(worker.process.isAlive(), "the worker died by itself: " + worker.stderrTail());
      } finally {
        // SIGKILL on Linux: no shutdown hook, no Jetty stop, no H2 close, whatever was in flight.
        worker.process.destroyForcibly();
      }
      assertTrue(worker.process.waitFor(10, TimeUnit.SECONDS), "still alive after SIGKILL");
      assertFalse(worker.process.isAlive());
      assertEquals(128 + 9, worker.process.exitValue(), "killed by signal 9");
      worker.output.join(5_000);

      // Everything the worker did until the kill went as it must: a run on a crashed file too.
      List<String> failures = worker.lines.stream().filter(l -> l.startsWith("FAIL")).toList();
      assertEquals(List.of(), failures, "run " + kill + "\nstderr: " + worker.stderrTail());
      List<String> done = worker.lines.stream().filter(l -> l.startsWith("OK ")).toList();
      operationsCompleted += done.size();
      Set<String> signedIn = new TreeSet<>();
      done.stream()
          .filter(l -> l.startsWith("OK signin "))
          .forEach(l -> signedIn.add(l.split(" ")[2]));
      assertEquals(allUsers, signedIn, "READY means every browser signed in");

      rowsChecked += checkEveryRow(keyId, emails, storedTokensSeen, kill);
    }
    // Every completed operation got exactly one refresh token from Google (a sign-in by its code
    // exchange, a page load by its rotating refresh), so the surplus counts operations the kills
    // cut short after Google had issued their token: the window this test is about.
    int issued = CrashWorker.issuedTokens(dir).size();
    System.out.printf(
        "CrashRecoveryTest: %d kills, %d rows checked, %d operations completed, %d refresh tokens"
            + " issued (%d of them for operations cut short by a kill), %d distinct tokens found stored%n",
        KILLS,
        rowsChecked,
        operationsCompleted,
        issued,
        issued - operationsCompleted,
        storedTokensSeen.size());
  }

  /**
   * Opens the killed worker's H2 file (which proves it opens: H2 refuses a corrupt file) and checks
   * every row: its key, both tokens decrypt for its user and column, and the refresh token is one
   * Google really issued. One row per user, and every user of the worker has one.
   */
  private int checkEveryRow(
      String keyId, Map<String, String> emails, Set<String> storedTokensSeen, int kill)
      throws Exception {
    Set<String> issued = new HashSet<>(CrashWorker.issuedTokens(dir));
    assertFalse(issued.isEmpty(), "issued.txt is empty");
    Set<String> rowsOf = new TreeSet<>();
    int rows = 0;
    try (Connection c = DriverManager.getConnection(TestApp.databaseUrl(dir));
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE NOT \"success\"")) {
        rs.next();
        assertEquals(0, rs.getInt(1), "a migration is marked failed");
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT user_id, email, refresh_token, access_token, access_token_expires_at, key_id, scopes"
                  + " FROM google_grant ORDER BY user_id")) {
        while (rs.next()) {
          rows++;
          String userId = rs.getString("user_id");
          String where = "run " + kill + ", row of " + userId;
          assertTrue(emails.containsKey(userId), where + ": not a user of the worker");
          assertTrue(rowsOf.add(userId), where + ": a second row");
          assertEquals(emails.get(userId), rs.getString("email"), where);
          assertNotNull(rs.getString("scopes"), where);
          assertEquals(keyId, rs.getString("key_id"), where + ": key_id");
          String refreshToken =
              decrypt(rs, "refresh_token", TokenCipher.Column.REFRESH_TOKEN, userId, where);
          assertNotNull(refreshToken, where + ": no refresh token");
          assertTrue(
              issued.contains(refreshToken),
              where + ": the refresh token is not one Google issued");
          storedTokensSeen.add(refreshToken);
          String accessToken =
              decrypt(rs, "access_token", TokenCipher.Column.ACCESS_TOKEN, userId, where);
          if (accessToken != null) {
            assertTrue(
                accessToken.startsWith("sat-"), where + ": the access token is not a stand-in's");
            assertNotNull(
                rs.getObject("access_token_expires_at"),
                where + ": an access token without expiry");
          }
        }
      }
    }
    assertEquals(
        emails.keySet(), rowsOf, "run " + kill + ": exactly one row per user who signed in");
    return rows;
  }

  private static String decrypt(
      ResultSet rs, String column, TokenCipher.Column which, String userId, String where)
      throws Exception {
    try {
      return TestApp.TEST_KEYS.decrypt(rs.getString("key_id"), rs.getString(column), which, userId);
    } catch (TokenCipher.UndecryptableException e) {
      throw new AssertionError(where + ": " + column + " does not decrypt (" + e.failure() + ")");
    }
  }

  /** A worker JVM, its stdout as lines, READY as a latch, its stderr in a file. */
  private static final class Worker {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final CountDownLatch ready = new CountDownLatch(1);
    final Thread output;
    final Path stderr;

    private Worker(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      this.output = new Thread(this::readOutput, "crash-worker-output");
      this.output.setDaemon(true);
      this.output.start();
    }

    static Worker start(Path dir, int run) throws IOException {
      // The same java and the same classpath as this test JVM. Under surefire java.class.path is
      // the test classpath (or its manifest-only jar, which works as a classpath just as well).
      String java =
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      Path stderr = dir.resolve("worker-" + run + ".err");
      ProcessBuilder builder =
          new ProcessBuilder(
                  java,
                  // Two small heaps and a quick start on small CI machines; nothing here needs C2.
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashWorker.class.getName(),
                  dir.toString(),
                  String.valueOf(WORKER_MAX_SECONDS))
              .redirectError(stderr.toFile()); // a file: a full pipe would block the worker
      return new Worker(builder.start(), stderr);
    }

    private void readOutput() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          if (line.equals(CrashWorker.READY)) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process was killed mid-line; what was read is kept
      }
    }

    String stderrTail() {
      try {
        List<String> all = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
      } catch (IOException e) {
        return "(no stderr: " + e + ")";
      }
    }
  }
}
