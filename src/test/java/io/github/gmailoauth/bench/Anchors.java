package io.github.gmailoauth.bench;

import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.googleapis.auth.oauth2.GoogleRefreshTokenRequest;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import io.github.gmailoauth.google.BoundedHttpTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The strategies the app is compared with, written with the same Gmail client library, the same
 * transport ({@link BoundedHttpTransport}) and the same request defaults as the app, called
 * directly (no browser, no app in between).
 */
final class Anchors implements AutoCloseable {
  static final int POOL_THREADS = 8;
  static final List<String> HEADERS = List.of("From", "Subject");

  private final HttpTransport transport = new BoundedHttpTransport();
  private final JsonFactory json = GsonFactory.getDefaultInstance();
  private final HttpRequestInitializer defaults = BoundedHttpTransport.requestDefaults();
  private final Gmail gmail;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          POOL_THREADS,
          r -> {
            Thread t = new Thread(r, "naive-pool");
            t.setDaemon(true);
            return t;
          });

  Anchors(String apiRootUrl) {
    gmail =
        new Gmail.Builder(transport, json, defaults)
            .setApplicationName("gmail-oauth-webapp-bench")
            .setRootUrl(apiRootUrl)
            .build();
  }

  private List<Message> list(String accessToken, int pageSize, String pageToken, String[] next)
      throws IOException {
    Gmail.Users.Messages.List list =
        gmail.users().messages().list("me").setMaxResults((long) pageSize);
    list.getRequestHeaders().setAuthorization("Bearer " + accessToken);
    if (pageToken != null) {
      list.setPageToken(pageToken);
    }
    ListMessagesResponse answer = list.execute();
    if (next != null) {
      next[0] = answer.getNextPageToken();
    }
    return answer.getMessages() == null ? List.of() : answer.getMessages();
  }

  private Message metadata(String accessToken, String id) throws IOException {
    Gmail.Users.Messages.Get get =
        gmail.users().messages().get("me", id).setFormat("metadata").setMetadataHeaders(HEADERS);
    get.getRequestHeaders().setAuthorization("Bearer " + accessToken);
    return get.execute();
  }

  /** Naive, sequential: messages.list, then one messages.get per message, one after the other. */
  List<Message> naiveSequential(String accessToken, int pageSize) throws IOException {
    List<Message> rows = new ArrayList<>();
    for (Message ref : list(accessToken, pageSize, null, null)) {
      rows.add(metadata(accessToken, ref.getId()));
    }
    return rows;
  }

  /**
   * Naive with a thread pool: messages.list, then the per-message gets on {@link #POOL_THREADS}
   * threads.
   */
  List<Message> naivePooled(String accessToken, int pageSize) throws IOException {
    List<Future<Message>> futures = new ArrayList<>();
    for (Message ref : list(accessToken, pageSize, null, null)) {
      futures.add(pool.submit(() -> metadata(accessToken, ref.getId())));
    }
    List<Message> rows = new ArrayList<>();
    try {
      for (Future<Message> f : futures) {
        rows.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    return rows;
  }

  /**
   * The seed's way: every list page of the mailbox ({@code maxResults=100}), then nothing else (ids
   * only).
   */
  List<Message> seedStyle(String accessToken) throws IOException {
    List<Message> ids = new ArrayList<>();
    String[] next = {null};
    do {
      ids.addAll(list(accessToken, 100, next[0], next));
    } while (next[0] != null);
    return ids;
  }

  /**
   * The seed's credential handling: a credential rebuilt from the stored refresh token on every
   * request, so every page view refreshes first, then lists.
   */
  void seedPageViewWithRebuiltCredential(
      String tokenUri, String clientId, String clientSecret, String refreshToken)
      throws IOException {
    GoogleRefreshTokenRequest refresh =
        new GoogleRefreshTokenRequest(transport, json, refreshToken, clientId, clientSecret);
    refresh.setTokenServerUrl(new GenericUrl(tokenUri));
    refresh.setRequestInitializer(defaults);
    TokenResponse answer = refresh.execute();
    list(answer.getAccessToken(), 100, null, null);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
