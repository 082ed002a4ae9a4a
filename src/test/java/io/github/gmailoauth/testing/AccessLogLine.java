package io.github.gmailoauth.testing;

import io.github.gmailoauth.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line of the access log written in {@link Main#ACCESS_LOG_FORMAT}, parsed. */
public record AccessLogLine(
    String client,
    String method,
    String path,
    String protocol,
    int status,
    String requestId,
    String raw) {
  /** {@code %{client}a - - %t "%m %U %H" %s %O %{ms}T %{X-Request-Id}o} */
  public static final Pattern FORMAT =
      Pattern.compile(
          "(\\S+) - - \\[[^\\]]+\\] \"(\\S+) (\\S+) (\\S+)\" (\\d{3}) (-|\\d+) (\\d+) (\\S+)");

  public static AccessLogLine parse(String line) {
    Matcher m = FORMAT.matcher(line);
    if (!m.matches()) {
      throw new AssertionError("not an access-log line in the app's format: " + line);
    }
    return new AccessLogLine(
        m.group(1),
        m.group(2),
        m.group(3),
        m.group(4),
        Integer.parseInt(m.group(5)),
        m.group(8),
        line);
  }

  /**
   * The lines of {@code file} once it has at least {@code atLeast} (the log is written after each
   * response has gone out, so it may trail the client by a moment); fails after 10 seconds.
   */
  public static List<AccessLogLine> await(Path file, int atLeast)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = lines(file);
      if (lines.size() >= atLeast) {
        break;
      }
      Thread.sleep(20);
    }
    if (lines.size() < atLeast) {
      throw new AssertionError(
          "expected at least "
              + atLeast
              + " access-log lines in "
              + file
              + ", found "
              + lines.size()
              + ":\n"
              + String.join("\n", lines));
    }
    return lines.stream().map(AccessLogLine::parse).toList();
  }

  public static List<String> lines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (NoSuchFileException notYet) {
      return List.of();
    }
  }
}
