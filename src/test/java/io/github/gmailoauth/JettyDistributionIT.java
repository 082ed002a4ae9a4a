package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.AccessLogLine;
import io.github.gmailoauth.testing.Await;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * The WAR on a stock Jetty 12, deployed by the README's own steps (failsafe, after `mvn package`).
 *
 * <p>The section "Deploying the WAR to a stock Jetty 12" is read from README.md: its shell blocks
 * are run with bash as they stand and its context XML is written where it says, with only the
 * example paths, URL and port replaced by this run's (every one of them must still be in the
 * README, so the README cannot drift from what is tested). Jetty ({@code jetty-home}, unpacked by
 * the build into {@code jetty.distribution.home}) then runs as a separate process against the
 * stand-in Google in this JVM, and a browser signs in and lists messages over real HTTP.
 */
class JettyDistributionIT {
  static final Path README = Path.of("README.md");
  static final String SECTION = "### Deploying the WAR to a stock Jetty 12";
  static final String CONTEXT_XML = "/srv/gmail-base/webapps/gmail-oauth-webapp.xml";
  private static final Pattern FENCE =
      Pattern.compile("(?m)^([ \\t]*)```(\\w+)\\n(.*?)^[ \\t]*```$", Pattern.DOTALL);

  @Test
  void theReadmeStepsDeployTheWarOnAStockJettyWhereSignInAndTheMessageListWork() throws Exception {
    long started = System.nanoTime();
    Path jettyHome =
        Path.of(System.getProperty("jetty.distribution.home", "target/jetty-distribution/missing"));
    assertTrue(
        Files.isRegularFile(jettyHome.resolve("start.jar")),
        "no Jetty distribution at " + jettyHome.toAbsolutePath() + " (`mvn verify` unpacks it)");
    Path war = WarPackagingIT.WAR.toAbsolutePath();
    assertTrue(Files.isRegularFile(war), "run `mvn package` first: " + war);

    Path work =
        Files.createTempDirectory(Path.of("target").toAbsolutePath(), "jetty-distribution-it-");
    Path base = work.resolve("base");
    Path etc = work.resolve("etc");
    Path data = work.resolve("data");
    int port = freePort();
    String appUrl = "http://localhost:" + port;

    String section = deploySection(Files.readString(README, StandardCharsets.UTF_8));
    Map<String, String> replacements = new LinkedHashMap<>();
    replacements.put("/path/to/target/gmail-oauth-webapp.war", war.toString());
    replacements.put("/srv/gmail-base", base.toString());
    replacements.put("/etc/gmail-oauth", etc.toString());
    replacements.put("/var/lib/gmail-oauth", data.toString());
    replacements.put("https://mail-app.example.com", appUrl);
    replacements.put("jetty.http.port=8080", "jetty.http.port=" + port);
    for (String example : replacements.keySet()) {
      assertTrue(
          section.contains(example), "the README's deploy section no longer uses " + example);
    }
    List<String> shell = blocks(section, "sh");
    List<String> xml = blocks(section, "xml");
    assertEquals(3, shell.size(), "three shell steps (base, key, start):\n" + section);
    assertEquals(1, xml.size(), "one context XML:\n" + section);
    assertTrue(section.contains(CONTEXT_XML), "the README names where the context XML goes");
    assertTrue(
        shell.get(0).contains("'jetty.requestlog.formatString=" + Main.ACCESS_LOG_FORMAT + "'"),
        "the stock Jetty's access log has the embedded launcher's format: "
            + Main.ACCESS_LOG_FORMAT);
    assertTrue(
        shell.get(2).contains("start.jar") && !shell.get(2).contains("--add-modules"),
        shell.get(2));

    try (StandInGoogle google = StandInGoogle.start()) {
      // What the README asks ops to put in place by hand: the client's JSON from Google.
      Files.createDirectories(etc);
      Files.move(
          google.writeClientSecrets(Files.createTempDirectory(work, "secrets")),
          etc.resolve("client_secrets.json"));

      Map<String, String> env = Map.of("JETTY_HOME", jettyHome.toAbsolutePath().toString());
      run(replace(shell.get(0), replacements), work, env, work.resolve("step1.log"));
      run(replace(shell.get(1), replacements), work, env, work.resolve("step2.log"));
      Path contextXml = Path.of(replace(CONTEXT_XML, replacements));
      Files.writeString(contextXml, replace(xml.get(0), replacements), StandardCharsets.UTF_8);

      // The stand-in's API and revocation URLs: environment variables, as the README allows.
      Map<String, String> jettyEnv = new LinkedHashMap<>(env);
      jettyEnv.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
      jettyEnv.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
      // Issue 16: the WAR's metrics, behind the token (README, "Metrics").
      jettyEnv.put(AppConfig.METRICS_TOKEN, METRICS_TOKEN);
      Path jettyLog = work.resolve("jetty.log");
      Process jetty = start(replace(shell.get(2), replacements), work, jettyEnv, jettyLog);
      boolean passed = false;
      try {
        List<HttpResponse<String>> answers = new ArrayList<>();
        Browser browser = new Browser();
        answers.add(awaitAnswer(browser, appUrl + "/", jetty, Duration.ofSeconds(60)));
        assertEquals(200, answers.get(0).statusCode(), answers.get(0).body());
        System.out.printf(
            "JettyDistributionIT: Jetty answered %.1f s after the test began%n",
            (System.nanoTime() - started) / 1e9);

        HttpResponse<String> messages = browser.get(appUrl + "/messages");
        answers.add(messages);
        assertEquals(302, messages.statusCode());
        HttpResponse<String> authorize = browser.get(Browser.location(messages));
        answers.add(authorize);
        assertEquals(302, authorize.statusCode());
        String consent = Browser.location(authorize);
        assertTrue(consent.startsWith(google.authUri() + "?"), consent);
        String callback = Browser.location(browser.answerConsent(consent, true));
        assertTrue(callback.startsWith(appUrl + "/oauth2callback?"), callback);
        HttpResponse<String> signedIn = browser.get(callback);
        answers.add(signedIn);
        assertEquals(302, signedIn.statusCode(), signedIn.body());
        assertEquals(appUrl + "/messages", Browser.location(signedIn));
        HttpResponse<String> list = browser.get(appUrl + "/messages");
        answers.add(list);
        assertEquals(200, list.statusCode(), list.body());

        Document page = Jsoup.parse(list.body());
        assertEquals(25, page.select("li.message").size(), list.body());
        assertTrue(
            list.body().contains(google.defaultUser().email()), "the page says who is signed in");
        Set<String> subjects =
            google.defaultUser().messages().stream()
                .map(StandInMessage::subject)
                .map(JettyDistributionIT::normalized)
                .collect(Collectors.toSet());
        for (String shown : page.select("li.message .subject").eachText()) {
          assertTrue(
              subjects.contains(normalized(shown)),
              "a message of the stand-in's mailbox: " + shown);
        }
        assertEquals(
            1, google.requests("POST", "/token").size(), "one code exchange at the stand-in");

        for (HttpResponse<String> answer : answers) {
          assertEquals(
              List.of(), answer.headers().allValues("Server"), "Jetty does not announce itself");
          assertTrue(
              answer.headers().firstValue("X-Request-Id").isPresent(), answer.uri().toString());
        }
        checkAccessLog(base, answers, google, consent, callback);
        // After the access log's check, which counts exactly the answers above.
        checkMetrics(appUrl);
        String id = signedIn.headers().firstValue("X-Request-Id").orElseThrow();
        awaitInFile(
            jettyLog, "[request_id=" + id + "] user " + google.defaultUser().id() + " signed in");
        // The connection pool's own lines (SLF4J) reach the same log as the app's, not nowhere.
        awaitInFile(jettyLog, "gmail-oauth-webapp - Start completed.");
        assertFalse(
            Files.readString(jettyLog).contains("No SLF4J providers"),
            "SLF4J found no provider in the WAR");
        passed = true;
      } finally {
        stop(jetty);
        if (!passed) {
          System.err.println("---- Jetty's output (" + jettyLog + ") ----");
          System.err.println(Files.exists(jettyLog) ? Files.readString(jettyLog) : "(none)");
        }
      }
    }
    System.out.printf("JettyDistributionIT: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /**
   * One line per request in the requestlog module's file, with path, status and id; no query, no
   * secret.
   */
  private static void checkAccessLog(
      Path base,
      List<HttpResponse<String>> answers,
      StandInGoogle google,
      String consent,
      String callback)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<AccessLogLine> lines = List.of();
    Path file = null;
    while (System.nanoTime() < deadline) {
      try (Stream<Path> logs = Files.list(base.resolve("logs"))) {
        file =
            logs.filter(p -> p.getFileName().toString().endsWith(".request.log"))
                .findFirst()
                .orElse(null);
      }
      lines =
          file == null
              ? List.of()
              : AccessLogLine.lines(file).stream().map(AccessLogLine::parse).toList();
      if (lines.size() >= answers.size()) {
        break;
      }
      Thread.sleep(50); // the requestlog module writes asynchronously
    }
    String raw = lines.stream().map(AccessLogLine::raw).collect(Collectors.joining("\n"));
    assertEquals(
        answers.size(), lines.size(), "one access-log line per request in " + file + ":\n" + raw);
    for (HttpResponse<String> answer : answers) {
      String id = answer.headers().firstValue("X-Request-Id").orElseThrow();
      List<AccessLogLine> mine = lines.stream().filter(l -> l.requestId().equals(id)).toList();
      assertEquals(1, mine.size(), id + " in:\n" + raw);
      assertEquals(answer.uri().getRawPath(), mine.get(0).path());
      assertEquals(answer.statusCode(), mine.get(0).status());
    }
    List<String> secrets =
        new ArrayList<>(
            List.of(
                google.clientSecret(),
                Query.param(consent, "state"),
                Query.param(callback, "code"),
                Query.param(callback, "state")));
    secrets.addAll(google.issuedAccessTokens());
    secrets.addAll(google.issuedRefreshTokens());
    assertFalse(raw.contains("?"), "no query string:\n" + raw);
    for (String secret : secrets) {
      assertFalse(raw.contains(secret), "a secret in the access log:\n" + raw);
    }
  }

  /** The text from the section's heading to the next heading of the same or a higher level. */
  static String deploySection(String readme) {
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertTrue(start >= 0, "README.md has no section '" + SECTION + "'");
    Matcher next = Pattern.compile("(?m)^#{1,3} ").matcher(readme);
    int end = next.find(start + SECTION.length() + 2) ? next.start() : readme.length();
    return readme.substring(start, end);
  }

  /** The fenced blocks of {@code language}, in order, with the list indentation removed. */
  static List<String> blocks(String section, String language) {
    List<String> found = new ArrayList<>();
    Matcher m = FENCE.matcher(section);
    while (m.find()) {
      if (m.group(2).equals(language)) {
        String indent = m.group(1);
        found.add(
            m.group(3)
                .lines()
                .map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
                .collect(Collectors.joining("\n", "", "\n")));
      }
    }
    return found;
  }

  static String replace(String text, Map<String, String> replacements) {
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      text = text.replace(r.getKey(), r.getValue());
    }
    return text;
  }

  private static void run(String script, Path dir, Map<String, String> env, Path log)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-e", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out:\n" + script + "\n" + Files.readString(log));
    }
    assertEquals(
        0,
        process.exitValue(),
        "the README step failed:\n" + script + "\n" + Files.readString(log));
  }

  private static Process start(String script, Path dir, Map<String, String> env, Path log)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-e", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * Stops Jetty (the JVM bash started, then bash), forcibly if it has not gone within 10 seconds.
   */
  private static void stop(Process shell) throws InterruptedException {
    List<ProcessHandle> children = shell.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    shell.destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception notYet) {
        child.destroyForcibly();
      }
    }
    if (!shell.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      shell.destroyForcibly();
    }
  }

  /** The first HTTP answer from {@code url}, polling while Jetty starts; fails if Jetty exits. */
  private static HttpResponse<String> awaitAnswer(
      Browser browser, String url, Process jetty, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!jetty.isAlive()) {
        throw new AssertionError("Jetty exited with " + jetty.exitValue() + " before answering");
      }
      try {
        HttpResponse<String> answer = browser.get(url);
        if (answer.statusCode() != 404 && answer.statusCode() != 503) {
          return answer; // 404/503: Jetty is up, the app not deployed yet (none of those was asked
          // for)
        }
      } catch (IOException notYet) {
        last = notYet;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Jetty did not answer " + url + " within " + timeout, last);
  }

  private static void awaitInFile(Path file, String text) throws Exception {
    Await.until(
        Duration.ofSeconds(10),
        "in Jetty's output: " + text,
        () -> Files.readString(file).contains(text));
  }

  private static String normalized(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // Issue 16, metrics.
  private static final String METRICS_TOKEN = "jetty-distribution-it-metrics-token-0123456789";

  /** The WAR on a stock Jetty counts and answers /metrics to the token only. */
  private static void checkMetrics(String appUrl) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(appUrl + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, refused.statusCode());
    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(URI.create(appUrl + "/metrics"))
                .header("Authorization", "Bearer " + METRICS_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    assertTrue(
        scrape.body().contains("gmailoauth_signins_total{outcome=\"completed\"} 1.0"),
        scrape.body());
    assertTrue(
        scrape.body().contains("gmailoauth_upstream_seconds_count{call=\"list\",status=\"2xx\"} 1"),
        scrape.body());
    assertTrue(scrape.body().contains("hikaricp_connections_max"), "the WAR's own pool");
  }
}
