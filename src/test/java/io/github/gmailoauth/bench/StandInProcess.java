package io.github.gmailoauth.bench;

import com.google.api.services.gmail.GmailScopes;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stand-in Google in a JVM of its own, for the heap figures: what the stand-in keeps per
 * sign-in (recorded requests, codes, tokens) or holds while it answers (a whole attachment) must
 * not be counted as the app's. Main: starts the stand-in, writes its client secrets into {@code
 * args[0]}, with {@code args[1]} adds {@link ReaderFigures#addMessages}'s messages with an
 * attachment of that many bytes to the default user, with {@code args[2]} and {@code args[3]} adds
 * that many users plus one ({@link #cacheUserEmail}) with that many messages each, prints one line
 * {@code ready SECRETS API_ROOT REVOKE_URI ATTACHMENT_MESSAGE_ID ACCESS_TOKEN} ({@code -} for the
 * last two without {@code args[1]}) and serves until its standard input closes (so it never
 * outlives the benchmark).
 */
final class StandInProcess implements AutoCloseable {
  private final Process process;
  final Map<String, String> settings;

  /**
   * With {@code attachmentBytes}: the message that carries the attachment, in the default user's.
   */
  final String attachmentMessageId;

  /** An access token of the default user for the Gmail read scope, for direct calls. */
  final String accessToken;

  StandInProcess(Path dir) throws IOException {
    this(dir, 0);
  }

  StandInProcess(Path dir, int attachmentBytes) throws IOException {
    this(dir, attachmentBytes, 0, 0);
  }

  /**
   * @param users how many users besides the default one, plus one more for a warm-up, each with
   *     {@code messagesEach} messages in the inbox ({@link PageFigures#fillMailbox})
   */
  StandInProcess(Path dir, int attachmentBytes, int users, int messagesEach) throws IOException {
    Path log = dir.resolve("stand-in.err");
    process =
        JavaProcess.builder(
                List.of("-Xmx1g", "-D" + Benchmarks.NODELAY + "=true"),
                StandInProcess.class.getName(),
                dir.toString(),
                Integer.toString(attachmentBytes),
                Integer.toString(users),
                Integer.toString(messagesEach))
            .redirectError(log.toFile())
            .start();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = in.readLine();
    if (line == null || !line.startsWith("ready ")) {
      throw JavaProcess.failure("the stand-in process did not start: " + line, process, log);
    }
    String[] w = line.split(" ");
    settings =
        Map.of(
            AppConfig.GOOGLE_CLIENT_SECRETS, w[1],
            AppConfig.GOOGLE_API_ROOT_URL, w[2],
            AppConfig.GOOGLE_REVOKE_URI, w[3]);
    attachmentMessageId = w[4].equals("-") ? null : w[4];
    accessToken = w[5].equals("-") ? null : w[5];
  }

  public static void main(String[] args) throws Exception {
    try (StandInGoogle google = StandInGoogle.start()) {
      Path secrets = google.writeClientSecrets(Path.of(args[0]));
      int attachmentBytes = args.length > 1 ? Integer.parseInt(args[1]) : 0;
      String messageId = "-";
      String token = "-";
      if (attachmentBytes > 0) {
        StandInUser user = google.defaultUser();
        messageId =
            ReaderFigures.addMessages(user, Instant.now().minusSeconds(86_400), attachmentBytes)
                .attachmentMessageId();
        token = google.issueAccessToken(user, List.of(GmailScopes.GMAIL_READONLY));
      }
      int users = args.length > 2 ? Integer.parseInt(args[2]) : 0;
      int messagesEach = args.length > 3 ? Integer.parseInt(args[3]) : 0;
      for (int i = 0; i <= users && messagesEach > 0; i++) {
        StandInUser user =
            google.addUser(
                String.format(Locale.ROOT, "1170000000000%08d", 2_000_000 + i),
                cacheUserEmail(i),
                "Cache user " + i);
        PageFigures.fillMailbox(user, messagesEach, Instant.now());
      }
      System.out.println(
          "ready "
              + secrets
              + " "
              + google.apiRootUrl()
              + " "
              + google.revokeUri()
              + " "
              + messageId
              + " "
              + token);
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the benchmark closes our standard input or ends
      }
    }
    System.exit(0);
  }

  /** The e-mail address of the {@code i}th of the users added by {@code args[2]}. */
  static String cacheUserEmail(int i) {
    return "cache" + i + "@example.org";
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      JavaProcess.stop(process);
    }
  }
}
