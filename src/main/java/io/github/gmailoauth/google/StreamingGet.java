package io.github.gmailoauth.google;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A GET to Google whose answer is read as it arrives, for answers too large to buffer: an
 * attachment of Gmail's 25 MB is about 33 MB of base64url inside JSON, and {@link
 * BoundedHttpTransport} holds every answer whole in memory. The same rules as there: no redirects,
 * {@code Accept-Encoding: identity} and any other coding refused, a connect deadline and a deadline
 * for the answer's headers ({@link BoundedHttpTransport#TIMEOUT}), and a cap on the bytes read. A
 * large answer may take longer than one deadline allows, so the body has a read timeout instead: it
 * is cut off when no byte arrived for {@link #READ_TIMEOUT}.
 */
public final class StreamingGet {
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** Closes answers that stalled; one daemon thread for all, idle unless a download is running. */
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "google-stream-watchdog");
            t.setDaemon(true);
            return t;
          });

  private final HttpClient client;
  private final Duration headersTimeout;
  private final Duration readTimeout;
  private final long maxBytes;

  /**
   * @param maxBytes the most bytes of an answer's body read; one more is {@link
   *     BoundedHttpTransport.TooLargeException}
   */
  public StreamingGet(long maxBytes) {
    this(BoundedHttpTransport.TIMEOUT, READ_TIMEOUT, maxBytes);
  }

  StreamingGet(Duration headersTimeout, Duration readTimeout, long maxBytes) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(headersTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.headersTimeout = headersTimeout;
    this.readTimeout = readTimeout;
    this.maxBytes = maxBytes;
  }

  /**
   * Sends the GET and answers as soon as the headers are in; the caller reads and closes the body.
   */
  public Answer get(String url, String authorization) throws IOException {
    URI uri = URI.create(url);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(headersTimeout)
            .version(
                "https".equals(uri.getScheme())
                    ? HttpClient.Version.HTTP_2
                    : HttpClient.Version.HTTP_1_1)
            .header("Authorization", authorization)
            .header("Accept-Encoding", "identity")
            .GET()
            .build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for Google");
    }
    Answer answer = new Answer(response, new Guarded(response.body(), maxBytes, readTimeout));
    for (String value : response.headers().allValues("Content-Encoding")) {
      for (String coding : value.split(",")) {
        if (!coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) {
          answer.close();
          throw new BoundedHttpTransport.UnaskedContentCodingException();
        }
      }
    }
    return answer;
  }

  /** The status and headers of an answer, and its body, capped and watched. */
  public static final class Answer implements Closeable {
    private final HttpResponse<InputStream> response;
    private final InputStream body;

    Answer(HttpResponse<InputStream> response, InputStream body) {
      this.response = response;
      this.body = body;
    }

    public int status() {
      return response.statusCode();
    }

    /** The first value of a header, or null. */
    public String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    public InputStream body() {
      return body;
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /**
   * Counts the bytes read against the cap and closes the stream when a read waited longer than the
   * read timeout (the JDK client's request timeout ends with the headers).
   */
  private static final class Guarded extends FilterInputStream {
    private final long limit;
    private final long timeoutNanos;
    private final ScheduledFuture<?> watch;
    private long count;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    Guarded(InputStream in, long limit, Duration readTimeout) {
      super(in);
      this.limit = limit;
      this.timeoutNanos = readTimeout.toNanos();
      long period = Math.max(1, readTimeout.toMillis() / 4);
      this.watch =
          WATCHDOG.scheduleAtFixedRate(this::checkStalled, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkStalled() {
      if (System.nanoTime() - lastProgress > timeoutNanos) {
        stalled = true;
        watch.cancel(false);
        try {
          in.close();
        } catch (IOException e) {
          // Closing only wakes the reader; it reports the stall.
        }
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw stalled ? stall() : e;
      }
      if (stalled) {
        throw stall();
      }
      lastProgress = System.nanoTime();
      if (n > 0) {
        count += n;
        if (count > limit) {
          close();
          throw new BoundedHttpTransport.TooLargeException(limit);
        }
      }
      return n;
    }

    private HttpTimeoutException stall() {
      return new HttpTimeoutException("Google's answer stalled for longer than the read timeout");
    }

    @Override
    public void close() throws IOException {
      watch.cancel(false);
      in.close();
    }
  }
}
