package io.github.gmailoauth;

import io.github.gmailoauth.standin.StandInGoogle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code mvn test-compile exec:java} runs: the app on the embedded launcher, in demo mode
 * unless {@code GOOGLE_CLIENT_SECRETS} is set, in which case it is {@link Main} itself.
 *
 * <p>Demo mode starts the stand-in Google (test code, never in the WAR) and hands its addresses to
 * {@link Main#run} as the lowest layer of settings, so a system property or an environment variable
 * still wins. The demo's database and token key live in {@code ./data}, apart from the real app's:
 * grants issued by a stand-in are worthless anywhere else.
 */
public final class DemoLauncher {
  static final String DEMO_DATABASE_URL = "jdbc:h2:file:./data/demo";
  static final Path DEMO_TOKEN_KEY = Path.of("data", "demo-token.key");

  private DemoLauncher() {}

  public static void main(String[] args) throws Exception {
    if (AppConfig.lookup(AppConfig.GOOGLE_CLIENT_SECRETS, null) != null) {
      Main.main(args);
      return;
    }
    StandInGoogle google = StandInGoogle.start();
    Map<String, String> settings = new HashMap<>();
    settings.put(
        AppConfig.GOOGLE_CLIENT_SECRETS,
        google.writeClientSecrets(Files.createTempDirectory("gmail-oauth-demo")).toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    settings.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    settings.put(AppConfig.RISC_JWKS_URI, google.riscJwksUri());
    settings.put(AppConfig.DATABASE_URL, DEMO_DATABASE_URL);
    if (AppConfig.lookup(AppConfig.TOKEN_ENCRYPTION_KEY, null) == null
        && AppConfig.lookup(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, null) == null) {
      // A key kept next to the demo database, so that its tokens still decrypt on the next run.
      settings.put(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, demoTokenKey(DEMO_TOKEN_KEY).toString());
    }
    Main.run(
        settings,
        app ->
            "Demo mode: no GOOGLE_CLIENT_SECRETS, so a stand-in Google with a sample mailbox answers.");
  }

  /**
   * Creates {@code file} with a fresh random key unless it exists, readable by its owner only where
   * the file system allows it. The demo's database is only as private as this file.
   */
  static Path demoTokenKey(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      try {
        // The demo's folder holds its database too: private to this account (see Database).
        Files.createDirectories(
            folder,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectories(folder);
      }
    }
    if (Files.exists(file)) {
      try {
        // A key written by an older build, or copied in: narrowed to its owner.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // left as it is
      }
      return file;
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      // Created with rw------- rather than restricted afterwards: the key is never readable by
      // others.
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
      file.toFile().setReadable(false, false);
      file.toFile().setReadable(true, true);
      file.toFile().setWritable(false, false);
      file.toFile().setWritable(true, true);
    }
    Files.writeString(
        file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    System.out.println("Demo mode: created a token encryption key in " + file.toAbsolutePath());
    return file;
  }
}
