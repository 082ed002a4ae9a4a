package io.github.gmailoauth.google;

import java.io.IOException;

/**
 * Reads an answer from Google through the client library's parser, so that an answer which cannot
 * be parsed (garbage, HTML, empty) is an I/O failure like any other, never a runtime exception that
 * would end as a 500. The parser's message is not passed on: it may quote the answer, and every
 * byte from Google is hostile.
 */
public final class AnswerReader {
  private AnswerReader() {}

  /** A call to Google whose answer gets parsed. */
  public interface Call<T> {
    T execute() throws IOException;
  }

  /** Runs {@code call} and answers what it parsed; an empty or unreadable answer throws. */
  public static <T> T read(Call<T> call) throws IOException {
    try {
      T answer = call.execute();
      if (answer == null) {
        throw new IOException("Google answered with an empty body");
      }
      return answer;
    } catch (RuntimeException e) {
      throw new IOException("Google's answer could not be read: " + e.getClass().getSimpleName());
    }
  }
}
