package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_KEY_FILE, read and reported like every other setting.
 */
class TokenKeyConfigTest {
  static final String SIXTEEN_BYTES = "gs1VNelg73li5tq1w8jy/w==";

  @TempDir Path dir;
  Map<String, String> init = new HashMap<>();

  @BeforeEach
  void clientSecrets() throws Exception {
    Path secrets =
        Files.writeString(
            dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    init.put(AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString());
  }

  @Test
  void withoutAKeyTheAppRefusesToLoadNamingItAmongTheMissingSettings() {
    init.remove(AppConfig.GOOGLE_CLIENT_SECRETS);
    String message = refused();
    assertTrue(message.contains(AppConfig.TOKEN_ENCRYPTION_KEY), message);
    assertTrue(
        message.contains(AppConfig.GOOGLE_CLIENT_SECRETS),
        "one message names every missing setting: " + message);
  }

  @Test
  void aKeyThatIsNotBase64IsReportedWithoutItsValue() {
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY, "this-is-not-a-base64-key!");
    String message = refused();
    assertTrue(
        message.contains(AppConfig.TOKEN_ENCRYPTION_KEY + " (the key is not base64)"), message);
    assertFalse(message.contains("this-is-not-a-base64-key"), message);
  }

  @Test
  void aSixteenByteKeyIsReportedWithoutItsValue() {
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY, SIXTEEN_BYTES);
    String message = refused();
    assertTrue(
        message.contains(AppConfig.TOKEN_ENCRYPTION_KEY) && message.contains("16 bytes"), message);
    assertFalse(
        message.contains(SIXTEEN_BYTES) || message.contains(SIXTEEN_BYTES.substring(0, 8)),
        message);
  }

  @Test
  void aBadOldKeyBesideAGoodCurrentOneIsReportedWithoutEither() {
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.TOKEN_KEY + "," + SIXTEEN_BYTES);
    String message = refused();
    assertTrue(message.contains("key 2 of 2"), message);
    assertFalse(message.contains(TestApp.TOKEN_KEY) || message.contains(SIXTEEN_BYTES), message);
  }

  @Test
  void aMissingKeyFileIsReportedByNameAndPath() {
    Path missing = dir.resolve("no-such.key");
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, missing.toString());
    String message = refused();
    assertTrue(message.contains(AppConfig.TOKEN_ENCRYPTION_KEY_FILE + " (cannot read"), message);
    assertTrue(message.contains(missing.toString()), message);
  }

  @Test
  void aKeyFileWithAShortKeyIsReportedWithoutItsContent() throws Exception {
    Path file = Files.writeString(dir.resolve("short.key"), SIXTEEN_BYTES + "\n");
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, file.toString());
    String message = refused();
    assertTrue(
        message.contains(AppConfig.TOKEN_ENCRYPTION_KEY_FILE) && message.contains("16 bytes"),
        message);
    assertFalse(message.contains(SIXTEEN_BYTES), message);
  }

  @Test
  void aKeyFileHoldsTheSameSettingAsTheVariableNewlineAndAll() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("token.key"), TestApp.OTHER_TOKEN_KEY + "," + TestApp.TOKEN_KEY + "\n");
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, file.toString());
    AppConfig config = AppConfig.load(init::get);
    assertEquals(TestApp.keyId(TestApp.OTHER_TOKEN_KEY), config.tokenCipher().currentKeyId());
    String printed = config.toString();
    assertFalse(
        printed.contains(TestApp.TOKEN_KEY) || printed.contains(TestApp.OTHER_TOKEN_KEY), printed);
    assertTrue(
        printed.contains(TestApp.keyId(TestApp.OTHER_TOKEN_KEY)),
        "the key ids help operators: " + printed);
  }

  @Test
  void theKeyAndAKeyFileTogetherAreAmbiguous() throws Exception {
    Path file = Files.writeString(dir.resolve("token.key"), TestApp.OTHER_TOKEN_KEY);
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.TOKEN_KEY);
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, file.toString());
    String message = refused();
    assertTrue(message.contains("not both"), message);
    assertFalse(
        message.contains(TestApp.TOKEN_KEY) || message.contains(TestApp.OTHER_TOKEN_KEY), message);
  }

  @Test
  void aSystemPropertyKeyWinsLikeEveryOtherSetting() {
    init.put(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.TOKEN_KEY);
    System.setProperty(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.OTHER_TOKEN_KEY);
    try {
      assertEquals(
          TestApp.keyId(TestApp.OTHER_TOKEN_KEY),
          AppConfig.load(init::get).tokenCipher().currentKeyId());
    } finally {
      System.clearProperty(AppConfig.TOKEN_ENCRYPTION_KEY);
    }
  }

  private String refused() {
    AppConfig.ConfigException e =
        assertThrows(AppConfig.ConfigException.class, () -> AppConfig.load(init::get));
    return e.getMessage();
  }
}
