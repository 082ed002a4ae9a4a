package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnToTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"/messages", "/messages?q=from%3Aada", "/", "/messages?q=a+b&pageToken=123"})
  void sameSitePathsAreKept(String path) {
    assertEquals(path, ReturnTo.sanitize(path));
  }

  /**
   * RFC 3986 §5.2.4: dot segments are removed before the path is checked, and the result is what is
   * sent.
   */
  @ParameterizedTest
  @CsvSource({
    "/a/../b,/b",
    "/./messages,/messages",
    "/..?x,/?x",
    "/messages/./?q=a,/messages/?q=a",
    "/a/b/../../c,/c",
    "/..,/",
    "/messages?next=//evil.example,/messages?next=//evil.example"
  })
  void dotSegmentsAreRemovedBeforeTheCheck(String candidate, String sent) {
    assertEquals(sent, ReturnTo.sanitize(candidate));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "messages",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/@evil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil",
        "/x\r\nSet-Cookie: a=b",
        "/\u0000",
        "/caf\u00e9",
        "/..%2F..",
        "/%252F",
        " /messages",
        "/evil:8080",
        "/.//evil.example",
        "/././/evil.example",
        "/..//evil.example",
        "/a/..//evil.example",
        "/.;x//evil.example",
        "/..;/x",
        "/messages#x",
        "/%zz",
        "/x%2",
        "/<script>",
        "/a|b"
      })
  void anythingElseFallsBackToMessages(String hostile) {
    assertEquals("/messages", ReturnTo.sanitize(hostile));
  }
}
