package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jsoup.parser.Parser;

/**
 * {@link MetadataBatch} against the client library as the oracle: the same answer bytes, off a real
 * HTTP socket, are read by the app's parser and by google-api-client's {@link BatchRequest} (its
 * callbacks, the Gmail model {@link Message} parsed with {@link GsonFactory}); every field the list
 * shows must agree. The app's request body in turn must be one that Jetty's multipart parser (not
 * this project's) reads back to the ids that were asked for.
 *
 * <p>Where they legitimately differ, the app's documented behaviour is asserted:
 *
 * <ul>
 *   <li>The library's batch reader does not follow RFC 2046 all the way (its first line must be the
 *       delimiter, it compares the close delimiter without transport padding, and it takes answers
 *       by position). For answers with a preamble, transport padding or parts out of order, the
 *       library reads the same parts as Jetty's RFC 2046 parser found them, put in request order by
 *       Content-ID: so framing is checked by Jetty, fields by the library.
 *   <li>The app decodes a snippet's character references once (the library hands them raw): the
 *       oracle for that decoding is jsoup's {@code Parser.unescapeEntities}.
 *   <li>A missing From or Subject is "" in the app (the library: no header).
 * </ul>
 */
class MetadataBatchDifferentialTest {
  private static final String BATCH_PATH = "/batch/gmail/v1";
  private static Upstream forApp;
  private static Upstream forLibrary;
  private static final BoundedHttpTransport TRANSPORT = new BoundedHttpTransport();

  @BeforeContainer
  static void start() throws IOException {
    forApp = new Upstream();
    forLibrary = new Upstream();
  }

  @AfterContainer
  static void stop() {
    forApp.close();
    forLibrary.close();
  }

  @Provide
  Arbitrary<BatchAnswers.Answer> answers() {
    return BatchAnswers.answers();
  }

  @Property(tries = 200)
  void theAppReadsEveryFieldAsTheClientLibraryDoes(@ForAll("answers") BatchAnswers.Answer answer)
      throws IOException {
    compare(answer);
  }

  @Example
  void lfOnlyQuotedBoundaryPreambleEpiloguePaddingAndReversedOrderTogether() throws IOException {
    BatchAnswers.Answer sample = BatchAnswers.answers().sample();
    List<Integer> reversed = new ArrayList<>();
    for (int i = sample.parts().size() - 1; i >= 0; i--) {
      reversed.add(i);
    }
    compare(
        new BatchAnswers.Answer(
            sample.parts(),
            new BatchAnswers.Framing(
                "b'()+_,-./:=? x",
                true,
                true,
                "preamble\n\nmore",
                "epilogue\n",
                " \t",
                true,
                reversed)));
  }

  /** "The first of each header counts" (MetadataBatch), also when the first one is empty. */
  @Example
  void anEmptyFirstSubjectIsTheSubjectAsTheLibraryReadsIt() throws IOException {
    com.google.gson.JsonObject m =
        com.google.gson.JsonParser.parseString(
                "{\"id\":\"m1\",\"threadId\":\"t1\","
                    + "\"snippet\":\"s\",\"internalDate\":\"1\",\"payload\":{\"headers\":[{\"name\":\"Subject\",\"value\":\"\"},"
                    + "{\"name\":\"From\",\"value\":\"\"},{\"name\":\"subject\",\"value\":\"second\"},"
                    + "{\"name\":\"FROM\",\"value\":\"second@example.com\"}]}}")
            .getAsJsonObject();
    compare(
        new BatchAnswers.Answer(
            List.of(new BatchAnswers.Part(200, List.of(), m)),
            new BatchAnswers.Framing("b", false, false, "", "", "", false, List.of(0))));
  }

  private static void compare(BatchAnswers.Answer answer) throws IOException {
    int n = answer.parts().size();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("msg-" + i + "/é?&#" + i); // ids that need percent-encoding
    }
    byte[] wire = answer.bytes();
    String contentType = answer.contentType();

    // The app: its own request body, read back by Jetty, then the answer through its transport.
    AtomicReference<List<String>> askedFor = new AtomicReference<>();
    forApp.route(
        BATCH_PATH,
        (request, type) -> {
          askedFor.set(requestedIds(request, type));
          return new Upstream.Answer(200, Map.of("Content-Type", contentType), wire);
        });
    String messagesUrl = forApp.rootUrl() + "gmail/v1/users/me/messages/";
    MetadataBatch batch = new MetadataBatch(messagesUrl, ids);
    HttpRequest post =
        TRANSPORT
            .createRequestFactory(BoundedHttpTransport.requestDefaults())
            .buildPostRequest(
                new GenericUrl(forApp.rootUrl() + "batch/gmail/v1"),
                new ByteArrayContent(batch.contentType(), batch.body()));
    HttpResponse response = post.execute();
    List<MetadataBatch.Part> app =
        MetadataBatch.parse(response.getContentType(), response.getContent().readAllBytes(), n);
    assertEquals(ids, askedFor.get(), "the request body, as Jetty's multipart parser reads it");

    // The library: the same bytes when its reader follows the framing; else Jetty's parts.
    byte[] forTheLibrary =
        answer.framing().libraryReadsIt()
            ? wire
            : BatchAnswers.reframed(
                JettyMultipart.parse(JettyMultipart.boundary(contentType), wire),
                answer.framing().boundary());
    // The library posts a Gmail batch to the root URL + "batch" (its Gmail.batch()).
    forLibrary.route(
        "/batch",
        (request, type) ->
            new Upstream.Answer(200, Map.of("Content-Type", contentType), forTheLibrary));
    List<Object[]> library = libraryRead(n);

    assertEquals(n, app.size());
    for (int i = 0; i < n; i++) {
      MetadataBatch.Part mine = app.get(i);
      Object[] theirs = library.get(i);
      BatchAnswers.Part sent = answer.parts().get(i);
      assertEquals(sent.status(), mine.status(), "part " + i);
      if (sent.status() == 200) {
        Message m = (Message) theirs[0];
        assertNotNull(m, "the library read part " + i + " as a success");
        MetadataBatch.Summary s = mine.summary();
        assertEquals(m.getId(), s.id());
        assertEquals(m.getThreadId(), s.threadId());
        assertEquals(Parser.unescapeEntities(m.getSnippet(), false), s.snippet());
        assertEquals(firstHeader(m, "From"), s.from());
        assertEquals(firstHeader(m, "Subject"), s.subject());
        assertEquals(Instant.ofEpochMilli(m.getInternalDate()), s.date());
        assertEquals(
            m.getLabelIds() == null ? Set.of() : Set.copyOf(m.getLabelIds()), s.labelIds());
        assertNull(mine.reason());
      } else {
        GoogleJsonError e = (GoogleJsonError) theirs[1];
        assertNotNull(e, "the library read part " + i + " as a failure");
        assertEquals(e.getCode(), mine.status());
        assertEquals(e.getErrors().get(0).getReason(), mine.reason());
        assertEquals(e.getMessage(), mine.message());
        assertEquals(((HttpHeaders) theirs[2]).getRetryAfter(), mine.retryAfter());
        assertNull(mine.summary());
      }
    }
  }

  /** The ids the app's request asks for: Jetty splits the parts, java.net.URI decodes the paths. */
  private static List<String> requestedIds(byte[] request, String contentType) throws IOException {
    List<String> ids = new ArrayList<>();
    int expected = 1;
    for (JettyMultipart.Part part :
        JettyMultipart.parse(JettyMultipart.boundary(contentType), request)) {
      assertEquals("application/http", part.header("Content-Type"));
      assertEquals("<" + expected++ + ">", part.header("Content-ID"));
      String[] requestLine =
          new String(part.content(), StandardCharsets.UTF_8)
              .lines()
              .findFirst()
              .orElseThrow()
              .split(" ");
      assertEquals("GET", requestLine[0]);
      assertEquals("HTTP/1.1", requestLine[2]);
      URI uri = URI.create(requestLine[1]);
      assertEquals("format=metadata&metadataHeaders=From&metadataHeaders=Subject", uri.getQuery());
      String path = uri.getPath();
      String prefix = "/gmail/v1/users/me/messages/";
      assertEquals(prefix, path.substring(0, prefix.length()));
      ids.add(path.substring(prefix.length()));
    }
    return ids;
  }

  /**
   * Per request part: {Message, GoogleJsonError, HttpHeaders} as the library's callbacks saw it.
   */
  private static List<Object[]> libraryRead(int n) throws IOException {
    Gmail gmail =
        new Gmail.Builder(
                TRANSPORT, GsonFactory.getDefaultInstance(), BoundedHttpTransport.requestDefaults())
            .setRootUrl(forLibrary.rootUrl())
            .setApplicationName("oracle")
            .build();
    BatchRequest batch = gmail.batch(BoundedHttpTransport.requestDefaults());
    List<Object[]> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object[] slot = new Object[3];
      results.add(slot);
      gmail
          .users()
          .messages()
          .get("me", "id" + i)
          .setFormat("metadata")
          .setMetadataHeaders(List.of("From", "Subject"))
          .queue(
              batch,
              new JsonBatchCallback<Message>() {
                @Override
                public void onSuccess(Message message, HttpHeaders headers) {
                  slot[0] = message;
                  slot[2] = headers;
                }

                @Override
                public void onFailure(GoogleJsonError error, HttpHeaders headers) {
                  slot[1] = error;
                  slot[2] = headers;
                }
              });
    }
    batch.execute();
    return results;
  }

  /**
   * The first header of that name (names compare case-insensitively, RFC 5322 §1.2.2); "" if none.
   */
  private static String firstHeader(Message m, String name) {
    if (m.getPayload() == null || m.getPayload().getHeaders() == null) {
      return "";
    }
    for (MessagePartHeader h : m.getPayload().getHeaders()) {
      if (name.equalsIgnoreCase(h.getName())) {
        return h.getValue() == null ? "" : h.getValue();
      }
    }
    return "";
  }
}
