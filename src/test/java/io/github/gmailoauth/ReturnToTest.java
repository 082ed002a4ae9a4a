package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gmailoauth.oauth.ReturnTo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnToTest {
  @ParameterizedTest
  @ValueSource(strings = {"/messages", "/messages?q=from%3Aada", "/", "/messages?q=a+b&pageToken=123"})
  void sameSitePathsAreKept(String path) {
    assertEquals(path, ReturnTo.sanitize(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "messages", "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
      "/@evil.example", "/%2F%2Fevil.example", "/%5Cevil", "/x\r\nSet-Cookie: a=b", "/\u0000", "/caf\u00e9",
      "/..%2F..", "/a/../b", "/%252F", " /messages", "/evil:8080"})
  void anythingElseFallsBackToMessages(String hostile) {
    assertEquals("/messages", ReturnTo.sanitize(hostile));
  }
}
