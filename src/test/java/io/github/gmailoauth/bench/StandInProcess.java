package io.github.gmailoauth.bench;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.StandInGoogle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The stand-in Google in a JVM of its own, for the heap figure: what the stand-in keeps per sign-in
 * (recorded requests, codes, tokens) must not be counted as the app's. Main: starts the stand-in,
 * writes its client secrets into {@code args[0]}, prints one line {@code ready SECRETS API_ROOT
 * REVOKE_URI} and serves until its standard input closes (so it never outlives the benchmark).
 */
final class StandInProcess implements AutoCloseable {
  private final Process process;
  final Map<String, String> settings;

  StandInProcess(Path dir) throws IOException {
    Path log = dir.resolve("stand-in.err");
    process =
        JavaProcess.builder(
                List.of("-Xmx1g", "-D" + Benchmarks.NODELAY + "=true"),
                StandInProcess.class.getName(),
                dir.toString())
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
  }

  public static void main(String[] args) throws IOException {
    try (StandInGoogle google = StandInGoogle.start()) {
      Path secrets = google.writeClientSecrets(Path.of(args[0]));
      System.out.println("ready " + secrets + " " + google.apiRootUrl() + " " + google.revokeUri());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the benchmark closes our standard input or ends
      }
    }
    System.exit(0);
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      JavaProcess.stop(process);
    }
  }
}
