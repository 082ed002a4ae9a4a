package io.github.gmailoauth.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The benchmark's side of the {@link LoadGenerator} process: one warm process for every run. */
final class LoadGeneratorProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader answers;
  private final PrintStream commands;
  private final Path log;

  LoadGeneratorProcess(Path dir) throws IOException {
    log = dir.resolve("load-generator.err");
    process =
        JavaProcess.builder(List.of("-Xmx512m"), LoadGenerator.class.getName())
            .redirectError(log.toFile())
            .start();
    answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String first = answers.readLine();
    if (!LoadGenerator.READY.equals(first)) {
      throw JavaProcess.failure("the load generator did not start: " + first, process, log);
    }
  }

  /** One closed-loop run; see {@link LoadGenerator} for the meaning of each argument. */
  LoadGenerator.Result run(
      long warmupMillis,
      long measureMillis,
      int concurrency,
      int expectedStatus,
      String url,
      List<String> cookies)
      throws IOException {
    StringBuilder command =
        new StringBuilder("run ")
            .append(warmupMillis)
            .append(' ')
            .append(measureMillis)
            .append(' ')
            .append(concurrency)
            .append(' ')
            .append(expectedStatus)
            .append(' ')
            .append(url);
    for (String cookie : cookies) {
      if (cookie.contains(" ")) {
        throw new IllegalArgumentException(
            "a cookie header without spaces is expected: name=value;name=value");
      }
      command.append(' ').append(cookie);
    }
    commands.println(command);
    String answer = answers.readLine();
    if (answer == null || !answer.startsWith("result ")) {
      throw JavaProcess.failure("the load generator answered " + answer, process, log);
    }
    String[] w = answer.split(" ");
    return new LoadGenerator.Result(
        Long.parseLong(w[1]),
        Long.parseLong(w[2]),
        Long.parseLong(w[3]),
        Long.parseLong(w[4]),
        Long.parseLong(w[5]),
        Integer.parseInt(w[6]));
  }

  @Override
  public void close() throws InterruptedException {
    commands.println("quit");
    commands.close();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        JavaProcess.stop(process);
      }
    } finally {
      process.destroyForcibly();
    }
  }
}
