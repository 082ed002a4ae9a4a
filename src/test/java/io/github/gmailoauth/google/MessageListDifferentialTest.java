package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link MessageList} against the client library as the oracle: the same {@code messages.list}
 * answer, off a real HTTP socket, read by the app and by the typed {@code
 * Gmail.Users.Messages.List} (the {@link ListMessagesResponse} model parsed with {@link
 * GsonFactory}); ids, thread ids, order, page token and estimate must agree.
 *
 * <p>Where they legitimately differ, the app's documented behaviour is asserted: a listed message
 * without an id is refused (the library keeps a null id, which no later call could use), a missing
 * threadId is "" (library: null), and an estimate sent as a JSON string (Google's form for 64-bit
 * integers) is read too.
 */
class MessageListDifferentialTest {
  private static final Gson COMPACT =
      new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
  private static final Gson PRETTY =
      new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
  private static final String LIST_PATH = "/gmail/v1/users/me/messages";
  private static final BoundedHttpTransport TRANSPORT = new BoundedHttpTransport();
  private static Upstream upstream;

  @BeforeContainer
  static void start() throws IOException {
    upstream = new Upstream();
  }

  @AfterContainer
  static void stop() {
    upstream.close();
  }

  record Listed(JsonObject json, boolean pretty) {
    byte[] bytes() {
      return (pretty ? PRETTY : COMPACT).toJson(json).getBytes(StandardCharsets.UTF_8);
    }
  }

  @Provide
  Arbitrary<Listed> answers() {
    Arbitrary<String> token = Arbitraries.strings().ofMinLength(1).ofMaxLength(30);
    Arbitrary<JsonObject> ref =
        Combinators.combine(token, token, Arbitraries.of(true, false))
            .as(
                (id, thread, extra) -> {
                  JsonObject o = new JsonObject();
                  if (extra) {
                    JsonArray labels = new JsonArray();
                    labels.add("INBOX");
                    o.add("labelIds", labels);
                    o.add("payload", new JsonObject());
                    o.addProperty("notAMessageField", "ignored");
                  }
                  o.addProperty("id", id);
                  o.addProperty("threadId", thread);
                  return o;
                });
    Arbitrary<List<JsonObject>> refs = ref.list().ofMaxSize(60);
    Arbitrary<String> next = Arbitraries.oneOf(Arbitraries.just(null), token);
    Arbitrary<Long> estimate =
        Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.longs().between(0, 4_294_967_295L));
    return Combinators.combine(
            refs,
            Arbitraries.of(true, false),
            next,
            estimate,
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 3))
        .as(
            (list, present, nextToken, size, pretty, rotate) -> {
              List<Map.Entry<String, JsonElement>> fields = new ArrayList<>();
              if (present || !list.isEmpty()) {
                JsonArray messages = new JsonArray();
                list.forEach(messages::add);
                fields.add(Map.entry("messages", messages));
              }
              if (nextToken != null) {
                fields.add(
                    Map.entry("nextPageToken", new com.google.gson.JsonPrimitive(nextToken)));
              }
              if (size != null) {
                fields.add(
                    Map.entry("resultSizeEstimate", new com.google.gson.JsonPrimitive(size)));
              }
              JsonObject extra = new JsonObject();
              extra.add("nested", new JsonArray());
              fields.add(Map.entry("unknownField", extra));
              Collections.rotate(fields, rotate); // any field order
              JsonObject o = new JsonObject();
              fields.forEach(e -> o.add(e.getKey(), e.getValue()));
              return new Listed(o, pretty);
            });
  }

  @Property(tries = 300)
  void theAppReadsTheListAsTheClientLibraryDoes(@ForAll("answers") Listed answer)
      throws IOException {
    byte[] bytes = answer.bytes();
    upstream.route(
        LIST_PATH,
        (request, type) ->
            new Upstream.Answer(
                200, Map.of("Content-Type", "application/json; charset=UTF-8"), bytes));

    HttpResponse response =
        TRANSPORT
            .createRequestFactory(BoundedHttpTransport.requestDefaults())
            .buildGetRequest(new GenericUrl(upstream.rootUrl() + LIST_PATH.substring(1)))
            .execute();
    MessageList app = MessageList.parse(response.getContent().readAllBytes());

    Gmail gmail =
        new Gmail.Builder(
                TRANSPORT, GsonFactory.getDefaultInstance(), BoundedHttpTransport.requestDefaults())
            .setRootUrl(upstream.rootUrl())
            .setApplicationName("oracle")
            .build();
    ListMessagesResponse library = gmail.users().messages().list("me").execute();

    List<MessageList.Ref> expected = new ArrayList<>();
    if (library.getMessages() != null) {
      for (Message m : library.getMessages()) {
        expected.add(new MessageList.Ref(m.getId(), m.getThreadId()));
      }
    }
    assertEquals(expected, app.messages());
    assertEquals(library.getNextPageToken(), app.nextPageToken());
    assertEquals(library.getResultSizeEstimate(), app.resultSizeEstimate());
  }

  @Example
  void whereTheAppDiffersOnPurpose() throws IOException {
    assertThrows(
        IOException.class, () -> MessageList.parse(utf8("{\"messages\":[{\"threadId\":\"t\"}]}")));
    assertThrows(
        IOException.class, () -> MessageList.parse(utf8("{\"messages\":[{\"id\":\"\"}]}")));
    assertEquals(
        List.of(new MessageList.Ref("m", "")),
        MessageList.parse(utf8("{\"messages\":[{\"id\":\"m\"}]}")).messages());
    assertEquals(
        12L, MessageList.parse(utf8("{\"resultSizeEstimate\":\"12\"}")).resultSizeEstimate());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
