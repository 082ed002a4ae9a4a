package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.oauth2.model.Userinfo;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link AnswerReader}: what the library's parser makes of an answer, or an IOException. */
class AnswerReaderTest {
  private static final String SECRET = "ya29.secret-in-the-answer";

  @Test
  void whatTheParserReadIsAnswered() throws IOException {
    Userinfo info =
        AnswerReader.read(
            () ->
                GsonFactory.getDefaultInstance()
                    .fromString("{\"id\":\"1\",\"email\":\"a@b\"}", Userinfo.class));
    assertEquals("1", info.getId());
  }

  /** The library's JSON parser throws IllegalArgumentException on garbage; it quotes the input. */
  @Test
  void anAnswerTheLibraryCannotParseIsAnIoFailureThatQuotesNothing() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AnswerReader.read(
                    () ->
                        GsonFactory.getDefaultInstance()
                            .fromString("<html>" + SECRET, Userinfo.class)));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertEquals(null, e.getCause());
  }

  @Test
  void anEmptyAnswerIsAnIoFailure() {
    assertEquals(
        "Google answered with an empty body",
        assertThrows(IOException.class, () -> AnswerReader.read(() -> null)).getMessage());
  }

  @Test
  void anIoFailureOfTheCallPassesAsItIs() {
    IOException failure = new IOException("connection reset");
    assertSame(
        failure,
        assertThrows(
            IOException.class,
            () ->
                AnswerReader.read(
                    () -> {
                      throw failure;
                    })));
  }
}
