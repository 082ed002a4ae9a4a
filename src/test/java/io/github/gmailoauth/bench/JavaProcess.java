package io.github.gmailoauth.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting another JVM on this JVM's own classpath (the test classpath), as CrashRecoveryTest does.
 */
final class JavaProcess {
  private JavaProcess() {}

  /** The java launcher running this JVM. */
  static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * {@code java [jvmOptions] -cp <this classpath> mainClass [args]}. Under surefire java.class.path
   * is the test classpath (or its manifest-only jar, which works as a classpath just as well).
   */
  static ProcessBuilder builder(List<String> jvmOptions, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** Ends {@code process}: politely, then by force. */
  static void stop(Process process) throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  static IOException failure(String what, Process process, Path log) {
    String tail = "";
    try {
      String all = java.nio.file.Files.readString(log);
      tail = all.length() > 2000 ? all.substring(all.length() - 2000) : all;
    } catch (IOException ignored) {
      // nothing to add
    }
    return new IOException(
        what + " (process alive: " + process.isAlive() + "); its log ends with:\n" + tail);
  }
}
