package io.github.gmailoauth.google;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way this app talks to Google: the Google client library's {@link HttpTransport} on top of
 * the JDK's {@link HttpClient}, with limits the library's {@code NetHttpTransport} cannot give.
 *
 * <ul>
 *   <li>every call has one deadline for the whole exchange, body included (a server that sends
 *       headers and then trickles the body is cut off too);
 *   <li>an answer larger than {@link #MAX_RESPONSE_BYTES} is refused while it is read, never
 *       buffered whole;
 *   <li>every request says {@code Accept-Encoding: identity}, and an answer with any other {@code
 *       Content-Encoding} is refused: the client library would otherwise inflate a gzip answer
 *       after the cap above (google-http-client's {@code HttpResponse.getContent}), and a few
 *       kilobytes on the wire would become any number of megabytes in memory. So the cap is on the
 *       bytes the app reads;
 *   <li>redirects are never followed (the token endpoint has no business redirecting);
 *   <li>error bodies are readable for every status ({@code HttpURLConnection} hides the body of a
 *       401 to a POST, which hides {@code invalid_client} details).
 * </ul>
 *
 * <p>Decision record: docs/decisions/0004-bounded-transport.md.
 */
public final class BoundedHttpTransport extends HttpTransport {
  public static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  /** Connect and whole-answer timeout of every call to Google. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * Headers the JDK client sets itself and refuses from callers, and the library's default {@code
   * Accept-Encoding: gzip} (HttpHeaders), which this transport replaces with identity.
   */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "accept-encoding");

  /**
   * The only content coding asked for (RFC 9110 §12.5.3: "identity" alone, so a server may not
   * choose another; with no header at all any coding would be acceptable).
   */
  private static final String IDENTITY = "identity";

  private final HttpClient client;
  private final int maxResponseBytes;

  public BoundedHttpTransport() {
    this(TIMEOUT, MAX_RESPONSE_BYTES);
  }

  /**
   * A transport whose answers may be up to {@code maxResponseBytes} long, for a call whose answers
   * are known to be larger than {@link #MAX_RESPONSE_BYTES} (a whole message with its HTML body).
   */
  public BoundedHttpTransport(int maxResponseBytes) {
    this(TIMEOUT, maxResponseBytes);
  }

  BoundedHttpTransport(Duration connectTimeout, int maxResponseBytes) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            // Its own long-lived threads: on a 2-core machine the common pool has parallelism 1
            // and asynchronous stages without an executor would start a new thread each.
            .executor(
                Executors.newCachedThreadPool(
                    r -> {
                      Thread t = new Thread(r, "google-http");
                      t.setDaemon(true);
                      return t;
                    }))
            .build();
    this.maxResponseBytes = maxResponseBytes;
  }

  /**
   * Applied to every request the Google clients build: the timeouts, no redirects, and none of the
   * library's request/response logging, which at CONFIG/ALL prints form bodies (code, verifier,
   * client secret), answers (tokens) and, at ALL, the Authorization header.
   */
  public static HttpRequestInitializer requestDefaults() {
    int millis = (int) TIMEOUT.toMillis();
    return request ->
        request
            .setConnectTimeout(millis)
            .setReadTimeout(millis)
            .setFollowRedirects(false)
            .setLoggingEnabled(false)
            .setCurlLoggingEnabled(false);
  }

  @Override
  public boolean supportsMethod(String method) {
    return Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD").contains(method);
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) {
    return new Request(method, url);
  }

  /**
   * {@code answer}, unless it carries a content coding other than identity, which was not asked for
   * and is refused whatever the status: nothing of it is decoded.
   */
  private static HttpResponse<byte[]> withoutContentCoding(HttpResponse<byte[]> answer)
      throws IOException {
    for (String value : answer.headers().allValues("Content-Encoding")) {
      for (String coding : value.split(",")) {
        if (!coding.isBlank() && !coding.strip().equalsIgnoreCase(IDENTITY)) {
          throw new UnaskedContentCodingException();
        }
      }
    }
    return answer;
  }

  /** An answer in a content coding the request did not accept; the message never quotes it. */
  static final class UnaskedContentCodingException extends IOException {
    UnaskedContentCodingException() {
      super("Google answered in a content coding that was not asked for, and it was refused");
    }
  }

  /** A body too large to accept; the message never quotes the body. */
  public static final class TooLargeException extends IOException {
    TooLargeException(long limit) {
      super("Google's answer exceeded " + limit + " bytes and was refused");
    }
  }

  private final class Request extends LowLevelHttpRequest {
    private final String method;
    private final String url;
    private final List<String[]> headers = new ArrayList<>();
    private Duration timeout = TIMEOUT;

    Request(String method, String url) {
      this.method = method;
      this.url = url;
    }

    @Override
    public void addHeader(String name, String value) {
      if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(new String[] {name, value});
      }
    }

    @Override
    public void setTimeout(int connectTimeout, int readTimeout) {
      // One deadline for the exchange: the longer of the two, never zero (zero means "forever").
      int millis = Math.max(connectTimeout, readTimeout);
      timeout = millis <= 0 ? TIMEOUT : Duration.ofMillis(Math.min(millis, TIMEOUT.toMillis()));
    }

    @Override
    public LowLevelHttpResponse execute() throws IOException {
      HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
      if (getStreamingContent() != null) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        getStreamingContent().writeTo(out);
        body = HttpRequest.BodyPublishers.ofByteArray(out.toByteArray());
      }
      URI uri = URI.create(url);
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .version(
                  "https".equals(uri.getScheme())
                      ? HttpClient.Version.HTTP_2
                      : HttpClient.Version.HTTP_1_1)
              .method(method, body);
      for (String[] header : headers) {
        builder.header(header[0], header[1]);
      }
      builder.header("Accept-Encoding", IDENTITY);
      if (getContentType() != null) {
        builder.header("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        builder.header("Content-Encoding", getContentEncoding());
      }
      CompletableFuture<HttpResponse<byte[]>> answer =
          client.sendAsync(builder.build(), info -> new BoundedBody(maxResponseBytes));
      try {
        return new Response(
            withoutContentCoding(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS)));
      } catch (TimeoutException e) {
        answer.cancel(true);
        throw new HttpTimeoutException("no complete answer from Google within " + timeout);
      } catch (InterruptedException e) {
        answer.cancel(true);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for Google");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        throw new IOException("call to Google failed: " + cause.getClass().getSimpleName());
      }
    }
  }

  /** Collects a body up to a limit, cancelling the exchange as soon as the limit is passed. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + buffer.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new TooLargeException(limit));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final HttpResponse<byte[]> response;
    private final List<String[]> headers = new ArrayList<>();

    Response(HttpResponse<byte[]> response) {
      this.response = response;
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!name.startsWith(":")) {
                  values.forEach(v -> headers.add(new String[] {name, v}));
                }
              });
    }

    @Override
    public InputStream getContent() {
      return new ByteArrayInputStream(response.body());
    }

    /** Always none: an answer with any other coding than identity never gets this far. */
    @Override
    public String getContentEncoding() {
      return null;
    }

    @Override
    public long getContentLength() {
      return response.body().length;
    }

    @Override
    public String getContentType() {
      return response.headers().firstValue("Content-Type").orElse(null);
    }

    @Override
    public String getStatusLine() {
      return "HTTP/1.1 " + response.statusCode();
    }

    @Override
    public int getStatusCode() {
      return response.statusCode();
    }

    @Override
    public String getReasonPhrase() {
      return null;
    }

    @Override
    public int getHeaderCount() {
      return headers.size();
    }

    @Override
    public String getHeaderName(int index) {
      return headers.get(index)[0];
    }

    @Override
    public String getHeaderValue(int index) {
      return headers.get(index)[1];
    }
  }
}
