package io.github.gmailoauth.google;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generated Gmail batch answers to {@code messages.get?format=metadata}: the parts (messages and
 * Google JSON errors, with non-ASCII, very long values, unknown fields) and the framing (CRLF or
 * LF-only lines, a quoted boundary, preamble, epilogue, transport padding, parts out of order).
 * JSON is written by Gson, so escaping is not this test's own.
 */
final class BatchAnswers {
  private BatchAnswers() {}

  private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();
  private static final Gson PRETTY =
      new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

  /** One answer part: the status, extra inner headers, and the JSON body. */
  record Part(int status, List<String[]> headers, JsonObject json) {}

  /** How the parts are framed on the wire. */
  record Framing(
      String boundary,
      boolean quoted,
      boolean lfOnly,
      String preamble,
      String epilogue,
      String padding,
      boolean pretty,
      List<Integer> order) {
    /** Framing the client library's reader follows (it has no preamble, padding or reordering). */
    boolean libraryReadsIt() {
      return preamble.isEmpty() && padding.isEmpty() && isInRequestOrder();
    }

    boolean isInRequestOrder() {
      for (int i = 0; i < order.size(); i++) {
        if (order.get(i) != i) {
          return false;
        }
      }
      return true;
    }
  }

  record Answer(List<Part> parts, Framing framing) {
    String contentType() {
      return "multipart/mixed; boundary="
          + (framing.quoted ? "\"" + framing.boundary + "\"" : framing.boundary);
    }

    /** The bytes on the wire; part k answers request part k + 1 (Content-ID response-(k+1)). */
    byte[] bytes() {
      String nl = framing.lfOnly ? "\n" : "\r\n";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      write(out, framing.preamble.isEmpty() ? "" : framing.preamble + nl);
      for (int k : framing.order) {
        Part part = parts.get(k);
        StringBuilder b = new StringBuilder();
        b.append("--")
            .append(framing.boundary)
            .append(framing.padding)
            .append(nl)
            .append("Content-Type: application/http")
            .append(nl)
            .append("Content-ID: <response-")
            .append(k + 1)
            .append('>')
            .append(nl)
            .append(nl)
            .append("HTTP/1.1 ")
            .append(part.status)
            .append(' ')
            .append(part.status == 200 ? "OK" : "Error")
            .append(nl)
            .append("Content-Type: application/json; charset=UTF-8")
            .append(nl);
        for (String[] h : part.headers) {
          b.append(h[0]).append(": ").append(h[1]).append(nl);
        }
        b.append(nl);
        String json = (framing.pretty ? PRETTY : COMPACT).toJson(part.json);
        b.append(framing.lfOnly ? json : json.replace("\n", "\r\n")).append(nl);
        write(out, b.toString());
      }
      write(out, "--" + framing.boundary + "--" + framing.padding + nl);
      write(out, framing.epilogue);
      return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  static Arbitrary<Answer> answers() {
    Arbitrary<List<Part>> parts = part().list().ofMinSize(1).ofMaxSize(8);
    return parts.flatMap(list -> framing(list.size()).map(f -> new Answer(list, f)));
  }

  /** Any text, Unicode included (Gson escapes what JSON needs escaped). */
  static Arbitrary<String> text(int max) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.strings().ofMaxLength(max)),
        net.jqwik.api.Tuple.of(
            5, Arbitraries.strings().alpha().numeric().withChars(" <>\"'é✓中😀").ofMaxLength(max)),
        // Very long values (a header line of several kilobytes once in the part).
        net.jqwik.api.Tuple.of(
            1, Arbitraries.strings().withChars('x').ofMinLength(4000).ofMaxLength(9000)));
  }

  /** A snippet as Gmail writes it: text with the character references it uses. */
  static Arbitrary<String> snippet() {
    Arbitrary<String> plain =
        Arbitraries.strings().alpha().numeric().withChars(" .,;#<>é中😀").ofMaxLength(12);
    Arbitrary<String> reference =
        Arbitraries.oneOf(
            Arbitraries.of(
                "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;", "&nbsp;", "&#x27;"),
            HtmlEntitiesPropertiesTest.decodableCodePoints().map(cp -> "&#" + cp + ";"),
            HtmlEntitiesPropertiesTest.decodableCodePoints()
                .map(cp -> "&#x" + Integer.toHexString(cp) + ";"));
    return Arbitraries.oneOf(plain, reference).list().ofMaxSize(12).map(l -> String.join("", l));
  }

  private static Arbitrary<Part> part() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, message()), net.jqwik.api.Tuple.of(1, error()));
  }

  private static Arbitrary<Part> message() {
    Arbitrary<String> id = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(16);
    Arbitrary<List<String[]>> headers =
        Combinators.combine(
                Arbitraries.of("From", "Subject", "from", "SUBJECT", "Date", "To", "X-Long"),
                text(60))
            .as((name, value) -> new String[] {name, value})
            .list()
            .ofMaxSize(6);
    Arbitrary<List<String>> labels =
        Arbitraries.of("INBOX", "UNREAD", "STARRED", "IMPORTANT", "Label_1", "étiquette")
            .list()
            .uniqueElements()
            .ofMaxSize(4);
    Arbitrary<Long> date = Arbitraries.longs().between(0, 4_102_444_800_000L);
    Arbitrary<Boolean> extra = Arbitraries.of(true, false);
    return Combinators.combine(id, id, snippet(), date, labels, headers, extra)
        .as(
            (i, t, s, d, l, h, x) -> {
              JsonObject m = new JsonObject();
              if (x) {
                m.addProperty("historyId", "123456");
                JsonObject nested = new JsonObject();
                nested.add("deep", new JsonArray());
                m.add("unknownField", nested);
              }
              m.addProperty("id", i);
              m.addProperty("threadId", t);
              JsonArray labelIds = new JsonArray();
              l.forEach(labelIds::add);
              m.add("labelIds", labelIds);
              m.addProperty("snippet", s);
              m.addProperty("sizeEstimate", 4321);
              m.addProperty("internalDate", String.valueOf(d));
              JsonObject payload = new JsonObject();
              payload.addProperty("mimeType", "multipart/alternative");
              JsonArray hs = new JsonArray();
              for (String[] header : h) {
                JsonObject o = new JsonObject();
                o.addProperty("name", header[0]);
                o.addProperty("value", header[1]);
                hs.add(o);
              }
              payload.add("headers", hs);
              m.add("payload", payload);
              // A very long header line in the part's HTTP message (and none at all).
              return new Part(
                  200,
                  x
                      ? List.<String[]>of(new String[] {"X-Long-Header", "v".repeat(8000)})
                      : List.of(),
                  m);
            });
  }

  private static Arbitrary<Part> error() {
    Arbitrary<Integer> status = Arbitraries.of(400, 403, 404, 429, 500, 503);
    Arbitrary<String> reason =
        Arbitraries.of(
            "rateLimitExceeded",
            "userRateLimitExceeded",
            "notFound",
            "backendError",
            "insufficientPermissions",
            "failedPrecondition");
    Arbitrary<String> retryAfter =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.integers().between(0, 100000).map(String::valueOf),
            Arbitraries.just("Wed, 21 Oct 2026 07:28:00 GMT"));
    return Combinators.combine(status, reason, text(80), retryAfter)
        .as(
            (code, r, message, after) -> {
              JsonObject item = new JsonObject();
              item.addProperty("message", message);
              item.addProperty("domain", "global");
              item.addProperty("reason", r);
              JsonArray errors = new JsonArray();
              errors.add(item);
              JsonObject error = new JsonObject();
              error.addProperty("code", code);
              error.addProperty("message", message);
              error.add("errors", errors);
              error.addProperty("status", "SOME_STATUS");
              JsonObject body = new JsonObject();
              body.add("error", error);
              List<String[]> headers = new ArrayList<>();
              if (after != null) {
                headers.add(new String[] {"Retry-After", after});
              }
              headers.add(new String[] {"Vary", "Origin"});
              return new Part(code, headers, body);
            });
  }

  private static Arbitrary<Framing> framing(int parts) {
    // RFC 2046 §5.1.1 bchars; the ones outside a token (':', '?', '=', ' ' inside) need quoting.
    Arbitrary<String> token =
        Arbitraries.strings().alpha().numeric().withChars("'+_-.").ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> special =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars("'()+_,-./:=? ")
            .ofMinLength(1)
            .ofMaxLength(40)
            .filter(s -> !s.endsWith(" "))
            .map(s -> "b" + s);
    Arbitrary<Boolean> flag = Arbitraries.of(true, false);
    Arbitrary<String> preamble =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.just("This is a preamble, to be ignored.\r\n\r\nSecond line of it."));
    Arbitrary<String> epilogue =
        Arbitraries.oneOf(
            Arbitraries.just(""), Arbitraries.just("An epilogue\r\nwith lines, also ignored.\r\n"));
    Arbitrary<String> padding = Arbitraries.of("", "", " ", " \t ");
    Arbitrary<List<Integer>> order =
        Arbitraries.oneOf(Arbitraries.just(inOrder(parts)), Arbitraries.shuffle(inOrder(parts)));
    Arbitrary<Boolean> quoted = flag;
    return Combinators.combine(
            Arbitraries.oneOf(token, special),
            quoted,
            flag,
            preamble,
            epilogue,
            padding,
            flag,
            order)
        .as(
            (b, q, lf, pre, epi, pad, pretty, o) ->
                new Framing(
                    b,
                    q || !b.matches("[A-Za-z0-9'+_.-]+"),
                    lf,
                    lf ? pre.replace("\r\n", "\n") : pre,
                    lf ? epi.replace("\r\n", "\n") : epi,
                    pad,
                    pretty,
                    o));
  }

  private static List<Integer> inOrder(int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    return order;
  }

  /** The parts Jetty found, written again in request order (by Content-ID), with CRLF framing. */
  static byte[] reframed(List<JettyMultipart.Part> parts, String boundary) {
    List<JettyMultipart.Part> sorted = new ArrayList<>(parts);
    sorted.sort(
        Comparator.comparingInt(
            p -> Integer.parseInt(p.header("Content-ID").replaceAll("[^0-9]", ""))));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (JettyMultipart.Part p : sorted) {
      StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n");
      p.headers()
          .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(p.content());
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
