package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageListTest {
  private static MessageList parse(String json) throws IOException {
    return MessageList.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsIdsInOrderTheTokenAndTheEstimate() throws IOException {
    MessageList list =
        parse(
            "{\"messages\":[{\"id\":\"m1\",\"threadId\":\"t1\"},{\"threadId\":\"t2\",\"id\":\"m2\","
                + "\"labelIds\":[\"INBOX\"]}],\"nextPageToken\":\"tok-2\",\"resultSizeEstimate\":1234,\"extra\":{\"a\":[1]}}");
    assertEquals(
        List.of(new MessageList.Ref("m1", "t1"), new MessageList.Ref("m2", "t2")), list.messages());
    assertEquals("tok-2", list.nextPageToken());
    assertEquals(1234L, list.resultSizeEstimate());
  }

  @Test
  void nothingMatchingHasNoMessagesField() throws IOException {
    MessageList list = parse("{\"resultSizeEstimate\":\"0\"}");
    assertEquals(List.of(), list.messages());
    assertNull(list.nextPageToken());
    assertEquals(0L, list.resultSizeEstimate());
  }

  @Test
  void malformedAnswersFailWithoutQuotingThem() {
    for (String bad :
        List.of(
            "",
            "[",
            "{\"messages\":{}}",
            "{\"messages\":[{\"threadId\":\"t\"}]}",
            "{\"resultSizeEstimate\":\"many-SECRET\"}",
            "{\"messages\":[{\"id\":\"m\"}",
            "<html>SECRET</html>")) {
      IOException e = assertThrows(IOException.class, () -> parse(bad), bad);
      assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }
  }

  @Test
  void everyQueryValueIsPercentEncoded() {
    String url =
        MessageList.url(
            "https://gmail.example/gmail/v1/users/me/messages",
            "from:a+b@x.com subject:\"R&D\" #1/é",
            List.of("INBOX", "UNREAD"),
            "p/q+r=",
            50);
    assertEquals(
        "https://gmail.example/gmail/v1/users/me/messages?maxResults=50"
            + "&q=from%3Aa%2Bb%40x.com%20subject%3A%22R%26D%22%20%231%2F%C3%A9"
            + "&labelIds=INBOX&labelIds=UNREAD&pageToken=p%2Fq%2Br%3D",
        url);
    assertEquals(
        "https://g/m?maxResults=25", MessageList.url("https://g/m", "", List.of(), null, 25));
  }
}
