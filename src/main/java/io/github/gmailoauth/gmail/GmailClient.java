package io.github.gmailoauth.gmail;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonErrorContainer;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import io.github.gmailoauth.google.AnswerReader;
import io.github.gmailoauth.google.AttachmentData;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.google.MessageList;
import io.github.gmailoauth.google.MetadataBatch;
import io.github.gmailoauth.google.PercentEncoding;
import io.github.gmailoauth.google.RetryAfter;
import io.github.gmailoauth.google.StreamingGet;
import io.github.gmailoauth.metrics.AppMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Lists a page of a user's messages with sender, subject and date: {@code messages.list} for the
 * ids, then batches of at most {@link #MAX_BATCH} {@code format=metadata} gets (each answer matched
 * to its get by Content-ID). One request per message would cost a round trip per row. A page of up
 * to 50 is two round trips; a page of 100 is three, and its two batches are sent at the same time,
 * so the person waits for two round trips' worth of latency, not three.
 *
 * <p>Gmail's "slow down" answers (429, 403 rateLimitExceeded/userRateLimitExceeded, 5xx) are
 * retried with exponential backoff and jitter, honouring {@code Retry-After}, within {@link
 * #BACKOFF_BUDGET} in all (https://developers.google.com/workspace/gmail/api/guides/handle-errors);
 * then {@link Busy}. In a batch only the parts that failed are sent again.
 *
 * <p>The reader's calls: one message with its MIME tree ({@link #message}, the typed {@code
 * messages.get} on a transport capped at {@link #MAX_MESSAGE_ANSWER_BYTES}) and one attachment
 * ({@link #attachment}, streamed, never buffered whole), with the same backoff and failures.
 */
public final class GmailClient {
  /** Gmail's largest page of {@code users.history.list}. */
  static final int MAX_HISTORY_RECORDS = 500;

  /** Google allows 100 calls per batch and advises at most 50. */
  static final int MAX_BATCH = 50;

  /** A person waits for the page: give up on a busy Gmail after this long in all. */
  static final Duration BACKOFF_BUDGET = Duration.ofSeconds(3);

  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Set<String> RATE_LIMIT_REASONS =
      Set.of("rateLimitExceeded", "userRateLimitExceeded");

  /**
   * Sends the second and later batches of a page while the request thread sends the first. Its
   * threads are daemons and die after a minute idle, so an undeployed WAR leaves none behind; it is
   * small because the request thread runs any batch the pool has not started yet itself (see {@link
   * #fetchMetadata}), so a busy pool only makes a page sequential, never stuck.
   */
  private static final ExecutorService BATCHES = batchPool(8);

  /**
   * Gmail's own limit on a message with its attachments; an attachment can be no larger
   * (https://support.google.com/mail/answer/6584).
   */
  public static final long MAX_ATTACHMENT_BYTES = 25L * 1024 * 1024;

  /**
   * The most of a {@code format=full} answer the reader reads. Attachments are not in it (only
   * their ids), but the text and HTML parts are, base64url-encoded: 5 MB holds an HTML newsletter
   * many times over, while a message beyond it is shown in Gmail instead.
   */
  public static final int MAX_MESSAGE_ANSWER_BYTES = 5 * 1024 * 1024;

  /**
   * An {@code attachments.get} answer carries at most {@link #MAX_ATTACHMENT_BYTES} as base64url (4
   * characters per 3 bytes) in a small JSON object.
   */
  static final long MAX_ATTACHMENT_ANSWER_BYTES = MAX_ATTACHMENT_BYTES / 3 * 4 + 64 * 1024;

  /** An error answer read from a stream is Google's short JSON error; more is not read. */
  private static final int MAX_ERROR_BYTES = 64 * 1024;

  private final Gmail gmail;

  /** The same API on a transport whose cap fits a whole message ({@code format=full}). */
  private final Gmail messages;

  private final StreamingGet attachments;

  /**
   * Gmail's per-API batch endpoint
   * (https://developers.google.com/workspace/gmail/api/guides/batch).
   */
  private final GenericUrl batchUrl;

  /** The user's messages collection: {@code messages.list} is a GET of it. */
  private final String listUrl;

  /** Absolute, as the client library writes batch parts, so a root URL with a path prefix works. */
  private final String messagesUrl;

  /** Times every call to Gmail and counts the retries. */
  private final AppMetrics metrics;

  public GmailClient(
      String apiRootUrl,
      HttpTransport transport,
      JsonFactory json,
      HttpRequestInitializer timeouts,
      AppMetrics metrics) {
    this(
        apiRootUrl,
        transport,
        new BoundedHttpTransport(MAX_MESSAGE_ANSWER_BYTES),
        new StreamingGet(MAX_ATTACHMENT_ANSWER_BYTES),
        json,
        timeouts,
        metrics);
  }

  /**
   * @param messageTransport the transport of {@code messages.get} with {@code format=full}, whose
   *     answers may be larger than the list's
   * @param attachments the streamed {@code attachments.get}
   */
  public GmailClient(
      String apiRootUrl,
      HttpTransport transport,
      HttpTransport messageTransport,
      StreamingGet attachments,
      JsonFactory json,
      HttpRequestInitializer timeouts,
      AppMetrics metrics) {
    this.metrics = metrics;
    this.gmail = api(apiRootUrl, transport, json, timeouts);
    this.messages = api(apiRootUrl, messageTransport, json, timeouts);
    this.attachments = attachments;
    this.batchUrl = new GenericUrl(gmail.getRootUrl() + "batch/gmail/v1");
    this.listUrl = gmail.getRootUrl() + "gmail/v1/users/me/messages";
    this.messagesUrl = listUrl + "/";
  }

  private static Gmail api(
      String apiRootUrl,
      HttpTransport transport,
      JsonFactory json,
      HttpRequestInitializer timeouts) {
    Gmail.Builder builder =
        new Gmail.Builder(transport, json, timeouts).setApplicationName("gmail-oauth-webapp");
    if (apiRootUrl != null) {
      builder.setRootUrl(apiRootUrl);
    }
    return builder.build();
  }

  /** Gmail refused the access token (HTTP 401). */
  public static final class Unauthorized extends IOException {
    Unauthorized() {
      super("Gmail answered 401");
    }
  }

  /** Gmail refused for lack of a scope (HTTP 403 insufficientPermissions): the user unticked it. */
  public static final class InsufficientPermissions extends IOException {
    InsufficientPermissions() {
      super("Gmail answered 403 insufficientPermissions");
    }
  }

  /** Gmail kept answering "slow down" or 5xx for longer than the backoff budget. */
  public static final class Busy extends IOException {
    Busy(int status) {
      super("Gmail stayed busy (last answer " + status + ")");
    }
  }

  /** Gmail has no such message or attachment (HTTP 404, or 400 for an id it cannot read). */
  public static final class NotFound extends IOException {
    NotFound() {
      super("Gmail has no such message or attachment");
    }
  }

  /** The message's answer, or an attachment, is larger than this app reads. */
  public static final class TooLarge extends IOException {
    TooLarge() {
      super("Gmail's answer was larger than this app reads");
    }
  }

  /**
   * One message with its MIME tree ({@code messages.get}, {@code format=full}), parsed by the
   * client library into its model. Attachments come as ids only, see {@link #attachment}.
   */
  public Message message(String accessToken, String id) throws IOException {
    Gmail.Users.Messages.Get get = messages.users().messages().get("me", id).setFormat("full");
    get.setRequestHeaders(new HttpHeaders().setAuthorization("Bearer " + accessToken));
    return withBackoff(
        new Backoff(metrics),
        () -> {
          try {
            return metrics.upstream("get", () -> AnswerReader.read(get::execute));
          } catch (GoogleJsonResponseException e) {
            throw e.getStatusCode() == 404 || e.getStatusCode() == 400 ? new NotFound() : e;
          } catch (BoundedHttpTransport.TooLargeException e) {
            throw new TooLarge();
          }
        });
  }

  /** Gmail's changes after a position and the mailbox's position when it answered. */
  public record HistorySince(List<History> records, long historyId) {}

  /**
   * The changes after {@code startHistoryId} that held list rows need ({@code users.history.list}:
   * labels added and removed, messages deleted), in one answer of at most {@link
   * #MAX_HISTORY_RECORDS} records. Empty when the history cannot be used, and the caller then reads
   * the rows as on a first visit: the start is too old (Gmail answers 404 and advises a full sync),
   * the history runs past one answer, or any failure at all. One attempt and no back-off: it runs
   * beside {@code messages.list}, and waiting on it would delay a page that can do without it.
   */
  public Optional<HistorySince> historySince(String accessToken, long startHistoryId) {
    try {
      Gmail.Users.History.List list =
          gmail
              .users()
              .history()
              .list("me")
              .setStartHistoryId(BigInteger.valueOf(startHistoryId))
              .setHistoryTypes(List.of("labelAdded", "labelRemoved", "messageDeleted"))
              .setMaxResults((long) MAX_HISTORY_RECORDS);
      list.setRequestHeaders(new HttpHeaders().setAuthorization("Bearer " + accessToken));
      ListHistoryResponse answer =
          metrics.upstream("history", () -> AnswerReader.read(list::execute));
      if (answer.getNextPageToken() != null || answer.getHistoryId() == null) {
        return Optional.empty();
      }
      List<History> records = answer.getHistory() == null ? List.of() : answer.getHistory();
      return Optional.of(new HistorySince(records, answer.getHistoryId().longValueExact()));
    } catch (IOException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /**
   * The mailbox's current {@code historyId} ({@code users.getProfile}), sent beside the first
   * {@code messages.list} of a user so that the rows read after it have a position; empty on any
   * failure (the rows are then not held). One attempt, as {@link #historySince}.
   */
  public OptionalLong mailboxPosition(String accessToken) {
    try {
      Gmail.Users.GetProfile get = gmail.users().getProfile("me");
      get.setRequestHeaders(new HttpHeaders().setAuthorization("Bearer " + accessToken));
      Profile profile = metrics.upstream("profile", () -> AnswerReader.read(get::execute));
      return profile.getHistoryId() == null
          ? OptionalLong.empty()
          : OptionalLong.of(profile.getHistoryId().longValueExact());
    } catch (IOException | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Starts {@code users.messages.attachments.get}: answers once Gmail said yes, so that the caller
   * can still answer with an error page until then; the bytes are decoded while they are written
   * ({@link Attachment#writeTo}).
   */
  public Attachment attachment(String accessToken, String messageId, String attachmentId)
      throws IOException {
    String url =
        messagesUrl
            + PercentEncoding.encode(messageId)
            + "/attachments/"
            + PercentEncoding.encode(attachmentId);
    return withBackoff(
        new Backoff(metrics),
        () -> {
          try {
            return metrics.upstream(
                "attachment",
                () -> {
                  StreamingGet.Answer answer = attachments.get(url, "Bearer " + accessToken);
                  if (answer.status() == 200) {
                    return new Attachment(answer);
                  }
                  try (answer) {
                    throw streamedError(answer);
                  }
                });
          } catch (GoogleJsonResponseException e) {
            throw e.getStatusCode() == 404 || e.getStatusCode() == 400 ? new NotFound() : e;
          }
        });
  }

  /** An attachment Gmail is sending; close it when done. */
  public static final class Attachment implements Closeable {
    private final StreamingGet.Answer answer;

    Attachment(StreamingGet.Answer answer) {
      this.answer = answer;
    }

    /**
     * Writes the attachment's bytes to {@code out} as they arrive and answers how many; past {@code
     * maxBytes} it stops with {@link TooLarge} (what was written by then stays written).
     */
    public long writeTo(OutputStream out, long maxBytes) throws IOException {
      try {
        return AttachmentData.decode(answer.body(), out, maxBytes);
      } catch (BoundedHttpTransport.TooLargeException e) {
        throw new TooLarge();
      }
    }

    @Override
    public void close() throws IOException {
      answer.close();
    }
  }

  /** Google's JSON error of a streamed answer, read the way the typed client reads it. */
  private GoogleJsonResponseException streamedError(StreamingGet.Answer answer) throws IOException {
    InputStream body = answer.body();
    String text = new String(body.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8);
    GoogleJsonError details = null;
    try {
      GoogleJsonErrorContainer container =
          gmail.getJsonFactory().fromString(text, GoogleJsonErrorContainer.class);
      details = container == null ? null : container.getError();
    } catch (IOException | RuntimeException e) {
      // Not Google's JSON error (an HTML page from a front end): the status alone decides.
    }
    HttpHeaders headers = new HttpHeaders();
    headers.setRetryAfter(answer.header("Retry-After"));
    return new GoogleJsonResponseException(
        new HttpResponseException.Builder(answer.status(), null, headers), details);
  }

  /**
   * One page of the messages that carry every label of {@code labelIds} (Gmail's own filter, e.g.
   * {@code INBOX}; empty: all mail) and match {@code query} (Gmail's search syntax).
   */
  public MessagePage listPage(
      String accessToken, String query, List<String> labelIds, String pageToken, int pageSize)
      throws IOException {
    String bearer = "Bearer " + accessToken;
    Backoff backoff = new Backoff(metrics);
    GenericUrl url = new GenericUrl(MessageList.url(listUrl, query, labelIds, pageToken, pageSize));
    MessageList listed = listWithBackoff(url, bearer, backoff);
    return rows(listed, id -> null, bearer, backoff).page();
  }

  /** A page, and the rows to hold for its user afterwards (null: hold nothing). */
  public record ListedPage(MessagePage page, RowCache.UserRows hold) {}

  /**
   * {@link #listPage} with the rows this node holds for the user ({@code held}, null for none;
   * issue 15). Beside {@code messages.list}, and at the same time, it asks {@code
   * users.history.list} from the held position ({@link #historySince}), or with nothing held {@code
   * users.getProfile} for a position ({@link #mailboxPosition}). Held rows brought up to date by
   * the history are shown as they are; only the others are fetched, so a page whose rows are all
   * held costs one round trip. Without a usable history nothing held is trusted: every row is
   * fetched, as on a first visit.
   */
  public ListedPage listPage(
      String accessToken,
      String query,
      List<String> labelIds,
      String pageToken,
      int pageSize,
      RowCache.UserRows held)
      throws IOException {
    String bearer = "Bearer " + accessToken;
    FutureTask<RowCache.UserRows> beside =
        new FutureTask<>(
            held == null
                ? () -> {
                  OptionalLong position = mailboxPosition(accessToken);
                  return position.isPresent()
                      ? new RowCache.UserRows(position.getAsLong(), Map.of())
                      : null;
                }
                : () ->
                    historySince(accessToken, held.position())
                        .map(h -> held.apply(h.records(), h.historyId()))
                        .orElse(null));
    BATCHES.execute(beside);
    Backoff backoff = new Backoff(metrics);
    GenericUrl url = new GenericUrl(MessageList.url(listUrl, query, labelIds, pageToken, pageSize));
    MessageList listed;
    try {
      listed = listWithBackoff(url, bearer, backoff);
    } catch (IOException | RuntimeException e) {
      beside.cancel(false);
      throw e;
    }
    // Runs it here if the pool has not started it (a busy pool makes the page slower, never stuck).
    beside.run();
    RowCache.UserRows current;
    try {
      current = beside.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for Gmail");
    } catch (ExecutionException | CancellationException e) {
      current = null;
    }
    Map<String, MessageSummary> known = current == null ? Map.of() : current.rows();
    Rows rows = rows(listed, known::get, bearer, backoff);
    return new ListedPage(rows.page(), current == null ? null : current.with(rows.fetched()));
  }

  /** A page's rows, and those of them fetched from Gmail (not known before). */
  private record Rows(MessagePage page, List<MessageSummary> fetched) {}

  /**
   * The rows of {@code listed}: those {@code known} answers as they are, the others fetched in
   * batches of {@code format=metadata} gets.
   */
  private Rows rows(
      MessageList listed, Function<String, MessageSummary> known, String bearer, Backoff backoff)
      throws IOException {
    List<MessageList.Ref> ids = listed.messages();
    MessageSummary[] details = new MessageSummary[ids.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      details[i] = known.apply(ids.get(i).id());
      if (details[i] == null) {
        pending.add(i);
      }
    }
    List<Integer> toFetch = List.copyOf(pending);
    while (!pending.isEmpty()) {
      BatchOutcome outcome = fetchMetadata(ids, pending, details, bearer);
      if (outcome.retry.isEmpty()) {
        break;
      }
      backoff.pause(outcome.lastStatus, outcome.retryAfter);
      pending = outcome.retry;
    }
    List<MessageSummary> rows = new ArrayList<>(ids.size());
    List<MessageSummary> fetched = new ArrayList<>(toFetch.size());
    for (int i = 0; i < ids.size(); i++) {
      MessageSummary m = details[i];
      if (m == null) {
        // That one message could not be fetched (deleted meanwhile, say): show the id only.
        rows.add(
            new MessageSummary(ids.get(i).id(), ids.get(i).threadId(), "", "", "", null, Set.of()));
      } else {
        rows.add(m);
      }
    }
    for (int i : toFetch) {
      if (details[i] != null) {
        fetched.add(details[i]);
      }
    }
    long estimate = listed.resultSizeEstimate() == null ? rows.size() : listed.resultSizeEstimate();
    return new Rows(new MessagePage(List.copyOf(rows), listed.nextPageToken(), estimate), fetched);
  }

  /** The {@code messages.list} call (see {@link MessageList} for why it is not the typed one). */
  private MessageList listWithBackoff(GenericUrl url, String bearer, Backoff backoff)
      throws IOException {
    return withBackoff(
        backoff,
        () ->
            metrics.upstream(
                "list",
                () -> {
                  HttpRequest get = gmail.getRequestFactory().buildGetRequest(url);
                  get.getHeaders().setAuthorization(bearer);
                  get.setThrowExceptionOnExecuteError(false);
                  HttpResponse response = get.execute();
                  try {
                    if (!response.isSuccessStatusCode()) {
                      // Google's JSON error, read the way the typed client reads it.
                      throw GoogleJsonResponseException.from(gmail.getJsonFactory(), response);
                    }
                    return MessageList.parse(response.getContent().readAllBytes());
                  } finally {
                    response.disconnect();
                  }
                }));
  }

  /**
   * Runs {@code call} until it answers, pausing after each "slow down" it throws as a {@link
   * GoogleJsonResponseException}; 401 and a missing scope end it at once, as does any other error.
   */
  private static <T> T withBackoff(Backoff backoff, AnswerReader.Call<T> call) throws IOException {
    while (true) {
      try {
        return call.execute();
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() == 401) {
          throw new Unauthorized();
        }
        if (e.getStatusCode() == 403 && isScopeProblem(e.getDetails())) {
          throw new InsufficientPermissions();
        }
        if (!isRetryable(e.getStatusCode(), e.getDetails())) {
          throw e;
        }
        backoff.pause(
            e.getStatusCode(), e.getHeaders() == null ? null : e.getHeaders().getRetryAfter());
      }
    }
  }

  /** What one batch left to do: the parts to send again, and the last "slow down" it saw. */
  private static final class BatchOutcome {
    final List<Integer> retry = new ArrayList<>();
    IOException fatal;
    int lastStatus;
    String retryAfter;

    void add(BatchOutcome other) {
      retry.addAll(other.retry);
      if (!other.retry.isEmpty()) {
        lastStatus = other.lastStatus;
        if (other.retryAfter != null) {
          retryAfter = other.retryAfter;
        }
      }
    }
  }

  /**
   * Fetches the metadata of {@code indices} in batches of at most {@link #MAX_BATCH}: the first on
   * this thread, the others on {@link #BATCHES} at the same time. Each batch writes only its own
   * slots of {@code details} and has its own outcome; {@link FutureTask#get} makes both visible
   * here. A batch the pool has not started when this thread is done with its own is run here
   * ({@link FutureTask#run} does nothing for one already started), so a page never waits for a free
   * pool thread and never needs more round trips than batches.
   */
  private BatchOutcome fetchMetadata(
      List<MessageList.Ref> ids, List<Integer> indices, MessageSummary[] details, String bearer)
      throws IOException {
    if (indices.isEmpty()) {
      return new BatchOutcome();
    }
    List<List<Integer>> chunks = new ArrayList<>();
    for (int start = 0; start < indices.size(); start += MAX_BATCH) {
      chunks.add(indices.subList(start, Math.min(indices.size(), start + MAX_BATCH)));
    }
    List<FutureTask<BatchOutcome>> others = new ArrayList<>();
    for (List<Integer> chunk : chunks.subList(1, chunks.size())) {
      FutureTask<BatchOutcome> task =
          new FutureTask<>(() -> fetchBatch(ids, chunk, details, bearer));
      others.add(task);
      BATCHES.execute(task);
    }
    BatchOutcome outcome = new BatchOutcome();
    try {
      outcome.add(fetchBatch(ids, chunks.get(0), details, bearer));
      for (FutureTask<BatchOutcome> task : others) {
        task.run();
        outcome.add(task.get());
      }
      return outcome;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for Gmail");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException("Gmail's batch failed: " + cause.getClass().getSimpleName());
    } catch (CancellationException e) {
      throw new IOException("Gmail's batch was cancelled");
    } finally {
      // On failure nobody reads the rest: do not send batches that have not started.
      others.forEach(task -> task.cancel(false));
    }
  }

  /** One batch request of at most {@link #MAX_BATCH} gets; answers what is left to retry. */
  private BatchOutcome fetchBatch(
      List<MessageList.Ref> ids, List<Integer> chunk, MessageSummary[] details, String bearer)
      throws IOException {
    BatchOutcome outcome = new BatchOutcome();
    List<String> chunkIds = new ArrayList<>(chunk.size());
    for (int index : chunk) {
      chunkIds.add(ids.get(index).id());
    }
    MetadataBatch batch = new MetadataBatch(messagesUrl, chunkIds);
    HttpRequest post =
        gmail
            .getRequestFactory()
            .buildPostRequest(batchUrl, new ByteArrayContent(batch.contentType(), batch.body()));
    post.getHeaders().setAuthorization(bearer);
    List<MetadataBatch.Part> parts;
    try {
      parts =
          metrics.upstream(
              "batch",
              () -> {
                HttpResponse response = post.execute();
                try {
                  return MetadataBatch.parse(
                      response.getContentType(),
                      response.getContent().readAllBytes(),
                      chunk.size());
                } finally {
                  response.disconnect();
                }
              });
    } catch (HttpResponseException e) {
      // The batch request as a whole was refused.
      if (e.getStatusCode() == 401) {
        throw new Unauthorized();
      }
      if (!isRetryableReason(e.getStatusCode(), null)) {
        throw e;
      }
      outcome.retry.addAll(chunk);
      outcome.lastStatus = e.getStatusCode();
      outcome.retryAfter = e.getHeaders() == null ? null : e.getHeaders().getRetryAfter();
      return outcome;
    }
    for (int i = 0; i < parts.size(); i++) { // in request order: parse matched the Content-IDs
      MetadataBatch.Part part = parts.get(i);
      int index = chunk.get(i);
      int code = part.status();
      if (code == 200) {
        details[index] = summary(part.summary());
      } else if (code == 401) {
        outcome.fatal = new Unauthorized();
      } else if (code == 403 && isScopeProblem(part.reason(), part.message())) {
        outcome.fatal = new InsufficientPermissions();
      } else if (isRetryableReason(code, part.reason())) {
        outcome.retry.add(index);
        outcome.lastStatus = code;
        if (part.retryAfter() != null) {
          outcome.retryAfter = part.retryAfter();
        }
      }
      // Anything else (404: deleted meanwhile) leaves that row without details.
    }
    if (outcome.fatal != null) {
      throw outcome.fatal;
    }
    return outcome;
  }

  private static MessageSummary summary(MetadataBatch.Summary s) {
    return new MessageSummary(
        s.id(), s.threadId(), s.from(), s.subject(), s.snippet(), s.date(), s.labelIds());
  }

  private static ExecutorService batchPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t = new Thread(task, "gmail-batch-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static boolean isRetryable(int status, GoogleJsonError error) {
    return isRetryableReason(status, firstReason(error));
  }

  private static boolean isRetryableReason(int status, String reason) {
    if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
      return true;
    }
    return status == 403 && RATE_LIMIT_REASONS.contains(reason);
  }

  private static boolean isScopeProblem(GoogleJsonError error) {
    return error != null && isScopeProblem(firstReason(error), error.getMessage());
  }

  /**
   * Google's newer answers say ACCESS_TOKEN_SCOPE_INSUFFICIENT in the message, older ones give the
   * reason insufficientPermissions.
   */
  private static boolean isScopeProblem(String reason, String message) {
    return "insufficientPermissions".equals(reason)
        || (message != null && message.contains("ACCESS_TOKEN_SCOPE_INSUFFICIENT"));
  }

  private static String firstReason(GoogleJsonError error) {
    return error == null || error.getErrors() == null || error.getErrors().isEmpty()
        ? null
        : error.getErrors().get(0).getReason();
  }

  /** Exponential backoff with jitter within one budget per page. */
  private static final class Backoff {
    private final long deadline = System.nanoTime() + BACKOFF_BUDGET.toNanos();
    private final AppMetrics metrics;
    private long next = FIRST_BACKOFF.toMillis();

    Backoff(AppMetrics metrics) {
      this.metrics = metrics;
    }

    /**
     * Waits before the next attempt: {@code retryAfter} when it can be read (see {@link
     * RetryAfter}; already clamped, so no arithmetic on it can overflow), otherwise the next step
     * of the backoff; {@link Busy} at once when that wait would end past the budget.
     */
    void pause(int status, String retryAfter) throws IOException {
      Duration asked = RetryAfter.delay(retryAfter, Instant.now());
      long wait;
      if (asked != null) {
        wait = asked.toMillis();
      } else {
        // "Equal jitter": half the step fixed, half random, so retries of many users spread out.
        wait = next / 2 + ThreadLocalRandom.current().nextLong(next / 2 + 1);
        next *= 2;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (wait > left) {
        metrics.gaveUpOnBusyGmail();
        throw new Busy(status);
      }
      metrics.retryAfterBackoff(wait);
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while backing off");
      }
    }
  }
}
