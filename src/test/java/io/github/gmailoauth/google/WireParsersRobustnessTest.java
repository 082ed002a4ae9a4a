package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The hand-written readers of Gmail's answers given hostile bytes: valid answers cut short, with
 * bytes changed, or replaced by noise. Each either reads them or fails with the documented {@link
 * IOException}, whose message never quotes the answer; never a runtime exception that would end as
 * a 500, and never more parts than were asked for.
 */
class WireParsersRobustnessTest {
  private static final String MARKER = "SECRET-MARKER";

  /** A valid answer and a way to damage it: cut at a point, or a byte overwritten. */
  record Damaged(BatchAnswers.Answer answer, int cut, int flipAt, byte flipTo) {
    byte[] bytes() {
      byte[] whole = answer.bytes();
      byte[] out = Arrays.copyOf(whole, Math.min(whole.length, Math.max(0, cut)));
      if (out.length > 0) {
        out[Math.floorMod(flipAt, out.length)] = flipTo;
      }
      return out;
    }
  }

  @Provide
  Arbitrary<Damaged> damagedBatches() {
    return Combinators.combine(
            BatchAnswers.answers(),
            Arbitraries.integers().between(0, 20_000),
            Arbitraries.integers(),
            Arbitraries.bytes())
        .as(Damaged::new);
  }

  @Property(tries = 300)
  void aDamagedBatchAnswerIsReadOrRefusedWithAnIOException(
      @ForAll("damagedBatches") Damaged damaged) {
    int requested = damaged.answer().parts().size();
    try {
      List<MetadataBatch.Part> parts =
          MetadataBatch.parse(damaged.answer().contentType(), damaged.bytes(), requested);
      assertEquals(requested, parts.size());
    } catch (IOException expected) {
      assertTrue(!expected.getMessage().contains(MARKER), expected.getMessage());
    }
  }

  @Property(tries = 300)
  void noiseAsABatchAnswerIsRefusedWithAnIOException(
      @ForAll @net.jqwik.api.constraints.Size(max = 2000) byte[] noise,
      @ForAll("contentTypes") String contentType) {
    byte[] answer = (MARKER + "\r\n--b\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(answer, answer.length + noise.length);
    System.arraycopy(noise, 0, bytes, answer.length, noise.length);
    try {
      assertEquals(3, MetadataBatch.parse(contentType, bytes, 3).size());
    } catch (IOException expected) {
      assertTrue(!expected.getMessage().contains(MARKER), expected.getMessage());
    }
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.oneOf(
        Arbitraries.just("multipart/mixed; boundary=b"),
        Arbitraries.just("multipart/mixed; boundary=\"b\""),
        Arbitraries.just(null),
        Arbitraries.strings().ofMaxLength(60));
  }

  @Property(tries = 300)
  void aDamagedMessageListIsReadOrRefusedWithAnIOException(
      @ForAll("lists") String json,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 400) int cut,
      @ForAll int flipAt,
      @ForAll byte flipTo) {
    byte[] whole = json.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(whole, Math.min(whole.length, cut));
    if (bytes.length > 0) {
      bytes[Math.floorMod(flipAt, bytes.length)] = flipTo;
    }
    try {
      MessageList.parse(bytes);
    } catch (IOException expected) {
      assertTrue(!expected.getMessage().contains(MARKER), expected.getMessage());
    }
  }

  @Property(tries = 200)
  void deeplyNestedJsonIsRefusedWithAnIOException(
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 100_000) int depth) {
    String nested = "[".repeat(depth) + "]".repeat(depth);
    try {
      MessageList.parse(
          ("{\"unknown\":" + nested + ",\"messages\":[]}").getBytes(StandardCharsets.UTF_8));
    } catch (IOException expected) {
      assertTrue(!expected.getMessage().contains(MARKER));
    }
  }

  @Provide
  Arbitrary<String> lists() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .ofMinLength(1)
        .ofMaxLength(12)
        .list()
        .ofMaxSize(8)
        .map(
            ids -> {
              StringBuilder b = new StringBuilder("{\"messages\":[");
              for (int i = 0; i < ids.size(); i++) {
                b.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(ids.get(i))
                    .append("\",\"threadId\":\"t\"}");
              }
              return b.append("],\"nextPageToken\":\"" + MARKER + "\",\"resultSizeEstimate\":42}")
                  .toString();
            });
  }
}
