package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.json.gson.GsonFactory;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.google.JettyMultipart;
import io.github.gmailoauth.google.Upstream;
import io.github.gmailoauth.metrics.AppMetrics;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch answered out of order. Google's batch guide says each answer part carries {@code
 * Content-ID: <response-N>} for the request part {@code <N>}; position proves nothing. The upstream
 * here reads the app's request with Jetty's multipart parser (not the app's code) and answers each
 * part under its own Content-ID, in an order the test chooses.
 */
class BatchAnswerOrderTest {
  private static final List<String> IDS = List.of("m1", "m2", "m3", "m4", "m5");
  Upstream upstream;
  GmailClient gmail;

  @BeforeEach
  void start() throws IOException {
    upstream = new Upstream();
    StringBuilder list = new StringBuilder("{\"messages\":[");
    for (String id : IDS) {
      list.append(id.equals("m1") ? "" : ",")
          .append("{\"id\":\"")
          .append(id)
          .append("\",\"threadId\":\"t-")
          .append(id)
          .append("\"}");
    }
    list.append("],\"resultSizeEstimate\":5}");
    upstream.route(
        "/gmail/v1/users/me/messages",
        (request, type) ->
            new Upstream.Answer(
                200,
                Map.of("Content-Type", "application/json"),
                list.toString().getBytes(StandardCharsets.UTF_8)));
    gmail =
        new GmailClient(
            upstream.rootUrl(),
            new BoundedHttpTransport(),
            GsonFactory.getDefaultInstance(),
            BoundedHttpTransport.requestDefaults(),
            AppMetrics.OFF);
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void partsAnsweredInReverseOrderLandOnTheirOwnRows() throws IOException {
    answerBatch(
        parts -> {
          List<String> reversed = new ArrayList<>(parts);
          Collections.reverse(reversed);
          return reversed;
        });
    assertRowsMatchTheirIds(gmail.listPage("token", "", List.of(), null, 25));
  }

  @Test
  void partsAnsweredShuffledLandOnTheirOwnRows() throws IOException {
    answerBatch(
        parts -> List.of(parts.get(2), parts.get(0), parts.get(4), parts.get(1), parts.get(3)));
    assertRowsMatchTheirIds(gmail.listPage("token", "", List.of(), null, 25));
  }

  @Test
  void anAnswerWhoseContentIdsDoNotMatchTheRequestIsRefused() {
    answerBatch(
        parts -> parts.stream().map(p -> p.replace("<response-3>", "<response-9>")).toList());
    assertThrows(IOException.class, () -> gmail.listPage("token", "", List.of(), null, 25));
    answerBatch(
        parts -> parts.stream().map(p -> p.replace("<response-3>", "<response-2>")).toList());
    assertThrows(IOException.class, () -> gmail.listPage("token", "", List.of(), null, 25));
  }

  private static void assertRowsMatchTheirIds(MessagePage page) {
    assertEquals(IDS, page.messages().stream().map(MessageSummary::id).toList());
    for (MessageSummary row : page.messages()) {
      assertEquals(
          "Subject of " + row.id(),
          row.subject(),
          "row " + row.id() + " shows another message's subject");
    }
  }

  /** Answers each request part (read by Jetty) under its Content-ID, reordered by {@code order}. */
  private void answerBatch(UnaryOperator<List<String>> order) {
    upstream.route(
        "/batch/gmail/v1",
        (request, type) -> {
          List<String> parts = new ArrayList<>();
          for (JettyMultipart.Part part :
              JettyMultipart.parse(JettyMultipart.boundary(type), request)) {
            String contentId = part.header("Content-ID").replaceAll("[<>]", "");
            String requestLine =
                new String(part.content(), StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElseThrow();
            String path = URI.create(requestLine.split(" ")[1]).getPath();
            String id = path.substring(path.lastIndexOf('/') + 1);
            String json =
                "{\"id\":\""
                    + id
                    + "\",\"threadId\":\"t-"
                    + id
                    + "\",\"internalDate\":\"1700000000000\","
                    + "\"payload\":{\"headers\":[{\"name\":\"Subject\",\"value\":\"Subject of "
                    + id
                    + "\"}]}}";
            parts.add(
                "--b\r\nContent-Type: application/http\r\nContent-ID: <response-"
                    + contentId
                    + ">\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                    + json
                    + "\r\n");
          }
          String body = String.join("", order.apply(parts)) + "--b--\r\n";
          return new Upstream.Answer(
              200,
              Map.of("Content-Type", "multipart/mixed; boundary=b"),
              body.getBytes(StandardCharsets.UTF_8));
        });
  }
}
