package io.github.gmailoauth.standin;

import static io.github.gmailoauth.standin.StandInGoogle.SCOPE_PREFIX;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.gmailoauth.standin.AuthorizationServer.Bearer;
import io.github.gmailoauth.standin.FaultSwitches.GmailFailure;
import io.github.gmailoauth.standin.Grants.AccessToken;
import io.github.gmailoauth.standin.Web.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The stand-in's Gmail API: {@code messages.list}, {@code messages.get} (every format, from the
 * stored MIME), {@code messages.attachments.get}, {@code profile}, {@code history.list}, {@code
 * labels} and the batch endpoint, with Google's JSON error bodies, the scope rules of {@code
 * gmail.metadata}, and the injected failures of {@link FaultSwitches}.
 */
final class GmailApi {

  static final String GMAIL_PREFIX = "/gmail/v1/";
  static final int MAX_BATCH_PARTS = 100;

  /** Scopes that let a token read messages (gmail.metadata only headers, enforced below). */
  private static final Set<String> GMAIL_READ_SCOPES =
      Set.of(
          "https://mail.google.com/",
          SCOPE_PREFIX + "gmail.readonly",
          SCOPE_PREFIX + "gmail.modify",
          SCOPE_PREFIX + "gmail.metadata");

  private static final List<String> SYSTEM_LABELS =
      List.of(
          "CHAT",
          "SENT",
          "INBOX",
          "IMPORTANT",
          "TRASH",
          "DRAFT",
          "SPAM",
          "CATEGORY_FORUMS",
          "CATEGORY_UPDATES",
          "CATEGORY_PERSONAL",
          "CATEGORY_PROMOTIONS",
          "CATEGORY_SOCIAL",
          "STARRED",
          "UNREAD");

  private final AuthorizationServer auth;
  private final FaultSwitches faults;

  /** Records a batch part as its own request. */
  private final Consumer<RecordedRequest> recorder;

  /** Serves a batch part as {@link StandInGoogle} serves a request, restricted to the JSON APIs. */
  private final Function<RecordedRequest, Reply> partRouter;

  private final SecureRandom random = new SecureRandom();
  private final AttachmentIds attachmentIds = new AttachmentIds(random);

  GmailApi(
      AuthorizationServer auth,
      FaultSwitches faults,
      Consumer<RecordedRequest> recorder,
      Function<RecordedRequest, Reply> partRouter) {
    this.auth = auth;
    this.faults = faults;
    this.recorder = recorder;
    this.partRouter = partRouter;
  }

  /** Serves a request under {@value #GMAIL_PREFIX}. */
  Reply serve(RecordedRequest r) {
    boolean pretty = Web.pretty(r);
    // users.getProfile and users.history.list run beside messages.list (issue 15): a failing Gmail
    // fails them too, but they do not use up the failures a test counted for the calls it names.
    boolean besideTheList = r.path().endsWith("/profile") || r.path().endsWith("/history");
    GmailFailure injected = besideTheList ? faults.peekGmailFailure() : faults.takeGmailFailure();
    if (injected != null) {
      return injectedFailure(injected, pretty);
    }
    Bearer bearer = auth.authenticate(r);
    if (bearer.error() != null) {
      return bearer.error();
    }
    AccessToken token = bearer.token();
    if (token.scopes.stream().noneMatch(GMAIL_READ_SCOPES::contains)) {
      return Web.googleError(
          403,
          "Request had insufficient authentication scopes.",
          "insufficientPermissions",
          pretty);
    }
    boolean metadataOnly =
        !token.scopes.contains(SCOPE_PREFIX + "gmail.readonly")
            && !token.scopes.contains(SCOPE_PREFIX + "gmail.modify")
            && !token.scopes.contains("https://mail.google.com/");
    String[] seg = r.path().substring(GMAIL_PREFIX.length()).split("/", -1);
    if (seg.length < 3 || !seg[0].equals("users")) {
      return Web.googleError(404, "Method not found.", "notFound", pretty);
    }
    StandInUser user = token.user;
    if (!seg[1].equals("me") && !seg[1].equalsIgnoreCase(user.email())) {
      return Web.googleError(403, "Delegation denied for " + user.email(), "forbidden", pretty);
    }
    if (!r.method().equals("GET")) {
      return Web.googleError(404, "Method not found.", "notFound", pretty);
    }
    if (seg[2].equals("messages") && seg.length == 3) {
      return listMessages(r, user, metadataOnly, pretty);
    }
    if (seg[2].equals("messages") && seg.length == 4 && !seg[3].isEmpty()) {
      return getMessage(r, user, seg[3], metadataOnly, pretty);
    }
    if (seg[2].equals("messages")
        && seg.length == 6
        && seg[4].equals("attachments")
        && !seg[3].isEmpty()
        && !seg[5].isEmpty()) {
      return getAttachment(user, seg[3], seg[5], metadataOnly, pretty);
    }
    if (seg[2].equals("profile") && seg.length == 3) {
      return profile(user, pretty);
    }
    if (seg[2].equals("history") && seg.length == 3) {
      return history(r, user, pretty);
    }
    if (seg[2].equals("labels") && seg.length == 3) {
      return labels(user, pretty);
    }
    return Web.googleError(404, "Method not found.", "notFound", pretty);
  }

  private static Reply injectedFailure(GmailFailure f, boolean pretty) {
    Reply reply =
        f.reason() != null ? forbidden(f.reason(), pretty) : injectedFailure(f.status(), pretty);
    return f.retryAfter() == null ? reply : reply.withHeader("Retry-After", f.retryAfter());
  }

  /**
   * Gmail's 403s, by reason: quota errors come from the {@code usageLimits} domain with Google's
   * terse messages; a missing scope is {@code insufficientPermissions} in {@code global}.
   */
  private static Reply forbidden(String reason, boolean pretty) {
    return switch (reason) {
      case "insufficientPermissions" ->
          Web.googleError(
              403, "Request had insufficient authentication scopes.", reason, "global", pretty);
      case "rateLimitExceeded" ->
          Web.googleError(403, "Rate Limit Exceeded", reason, "usageLimits", pretty);
      case "userRateLimitExceeded" ->
          Web.googleError(403, "User Rate Limit Exceeded", reason, "usageLimits", pretty);
      case "dailyLimitExceeded" ->
          Web.googleError(403, "Daily Limit Exceeded", reason, "usageLimits", pretty);
      case "domainPolicy" ->
          Web.googleError(
              403, "The domain administrators have disabled Gmail apps.", reason, "global", pretty);
      default ->
          Web.googleError(403, "The caller does not have permission", reason, "global", pretty);
    };
  }

  private static Reply injectedFailure(int status, boolean pretty) {
    return switch (status) {
      case 400 -> Web.googleError(400, "Invalid argument.", "invalidArgument", pretty);
      case 401 ->
          Web.googleError(
              401,
              "Request had invalid authentication credentials. Expected OAuth 2 access "
                  + "token, login cookie or other valid authentication credential. See "
                  + "https://developers.google.com/identity/sign-in/web/devconsole-project.",
              "authError",
              pretty);
      case 403 ->
          Web.googleError(
              403,
              "Request had insufficient authentication scopes.",
              "insufficientPermissions",
              pretty);
      case 404 -> Web.googleError(404, "Requested entity was not found.", "notFound", pretty);
      case 429 ->
          Web.googleError(
                  429,
                  "User-rate limit exceeded.  Retry after 2030-01-01T00:00:00.000Z",
                  "rateLimitExceeded",
                  pretty)
              .withHeader("Retry-After", "1");
      case 500 -> Web.googleError(500, "Internal error encountered.", "backendError", pretty);
      case 503 ->
          Web.googleError(503, "The service is currently unavailable.", "backendError", pretty);
      default -> Web.googleError(status, Web.reasonPhrase(status), "unknown", pretty);
    };
  }

  private static Reply invalidArgument(String message, boolean pretty) {
    return Web.googleError(400, message, "invalidArgument", pretty);
  }

  private static final String PAGE_TOKEN_PREFIX = "stand-in-page:";

  private Reply listMessages(
      RecordedRequest r, StandInUser user, boolean metadataOnly, boolean pretty) {
    int maxResults = 100;
    String max = r.queryParam("maxResults");
    if (max != null) {
      try {
        maxResults = Integer.parseInt(max.trim());
      } catch (NumberFormatException e) {
        return invalidArgument(
            "Invalid value at 'max_results' (TYPE_UINT32), \"" + max + "\"", pretty);
      }
      if (maxResults < 0) {
        return invalidArgument(
            "Invalid value at 'max_results' (TYPE_UINT32), \"" + max + "\"", pretty);
      }
      maxResults = maxResults == 0 ? 100 : Math.min(maxResults, 500); // proto3: 0 means unset
    }
    int offset = 0;
    String pageToken = r.queryParam("pageToken");
    if (pageToken != null && !pageToken.isEmpty()) {
      long value = pageTokenValue(PAGE_TOKEN_PREFIX, pageToken);
      offset = value > Integer.MAX_VALUE ? -1 : (int) value;
      if (offset < 0) {
        return invalidArgument("Invalid pageToken", pretty);
      }
    }
    String q = r.queryParam("q");
    if (metadataOnly && q != null && !q.isBlank()) {
      return Web.googleError(
          403, "Metadata scope does not support 'q' parameter", "forbidden", pretty);
    }
    GmailQuery query = GmailQuery.parse(q, Instant.now());
    List<String> labelIds = Web.all(r.query(), "labelIds");
    boolean includeSpamTrash = "true".equalsIgnoreCase(r.queryParam("includeSpamTrash"));

    List<StandInMessage> matching = new ArrayList<>();
    for (StandInUser.Entry e : user.entries()) {
      StandInMessage m = e.message();
      if (!includeSpamTrash && (m.hasLabel("SPAM") || m.hasLabel("TRASH"))) {
        continue;
      }
      if (m.labelIds().containsAll(labelIds) && query.matches(e)) {
        matching.add(m);
      }
    }
    JsonObject o = new JsonObject();
    int end = (int) Math.min((long) offset + maxResults, matching.size());
    if (offset < end) {
      JsonArray messages = new JsonArray();
      for (StandInMessage m : matching.subList(offset, end)) {
        JsonObject ref = new JsonObject();
        ref.addProperty("id", m.id());
        ref.addProperty("threadId", m.threadId());
        messages.add(ref);
      }
      o.add("messages", messages); // Gmail omits the field entirely when there are none
    }
    if (end < matching.size()) {
      o.addProperty("nextPageToken", pageToken(PAGE_TOKEN_PREFIX, end));
    }
    o.addProperty("resultSizeEstimate", matching.size());
    return Reply.json(200, o, pretty);
  }

  /** A page token of ours: {@code prefix} and a number, base64url so that it looks opaque. */
  private static String pageToken(String prefix, long value) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((prefix + value).getBytes(StandardCharsets.US_ASCII));
  }

  /** The number of a page token we issued with {@code prefix}, or -1 for any other text. */
  private static long pageTokenValue(String prefix, String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      return text.startsWith(prefix) ? parseUint64(text.substring(prefix.length())) : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private Reply getMessage(
      RecordedRequest r, StandInUser user, String id, boolean metadataOnly, boolean pretty) {
    String format = r.queryParam("format");
    format = format == null ? "full" : format.toLowerCase(Locale.ROOT);
    if (!Set.of("full", "metadata", "minimal", "raw").contains(format)) {
      return invalidArgument(
          "Invalid value at 'format' (type.googleapis.com/"
              + "google.apps.gmail.v1.MessageFormat), \""
              + r.queryParam("format")
              + "\"",
          pretty);
    }
    if (metadataOnly && (format.equals("full") || format.equals("raw"))) {
      return Web.googleError(
          403,
          "Metadata scope doesn't allow format " + format.toUpperCase(Locale.ROOT),
          "forbidden",
          pretty);
    }
    StandInUser.Entry entry = user.find(id);
    if (entry == null) {
      return Web.googleError(404, "Requested entity was not found.", "notFound", pretty);
    }
    StandInMessage m = entry.message();
    StoredMime.Part root = entry.mime().root();

    JsonObject o = new JsonObject();
    o.addProperty("id", m.id());
    o.addProperty("threadId", m.threadId());
    if (!m.labelIds().isEmpty()) {
      JsonArray labels = new JsonArray();
      m.labelIds().forEach(labels::add);
      o.add("labelIds", labels);
    }
    o.addProperty("snippet", m.snippet());
    if (format.equals("raw")) {
      // format=raw is padded base64url: a Go client's strict RawURLEncoding failed on exactly the
      // trailing '=' of Gmail's answer (github.com/openclaw/gogcli/issues/922).
      o.addProperty("raw", Base64.getUrlEncoder().encodeToString(entry.mime().raw()));
    } else if (format.equals("metadata")) {
      List<String> wanted = Web.all(r.query(), "metadataHeaders");
      JsonArray headerArray = new JsonArray();
      for (StoredMime.Header h : root.headers()) {
        if (wanted.isEmpty() || wanted.stream().anyMatch(w -> w.equalsIgnoreCase(h.name()))) {
          headerArray.add(header(h));
        }
      }
      JsonObject body = new JsonObject();
      body.addProperty("size", 0);
      JsonObject payload = new JsonObject();
      payload.addProperty("partId", "");
      payload.addProperty("mimeType", root.mimeType());
      payload.addProperty("filename", "");
      payload.add("headers", headerArray);
      payload.add("body", body);
      o.add("payload", payload);
    } else if (format.equals("full")) {
      o.add("payload", part(m.id(), root));
    }
    o.addProperty("sizeEstimate", StandInUser.sizeEstimate(entry));
    o.addProperty("historyId", String.valueOf(entry.historyId()));
    o.addProperty("internalDate", String.valueOf(m.date().toEpochMilli()));
    return Reply.json(200, o, pretty);
  }

  private static JsonObject header(StoredMime.Header h) {
    JsonObject header = new JsonObject();
    header.addProperty("name", h.name());
    header.addProperty("value", h.value());
    return header;
  }

  /**
   * One {@code MessagePart} of {@code format=full}: partId, mimeType, filename ("" when none), the
   * part's own headers in message order, and its body. A multipart part's body is {@code {"size":
   * 0}} and its children follow in {@code parts}; a leaf's body is {@code size} (bytes after the
   * Content-Transfer-Encoding is undone: "Number of bytes for the message part data (encoding
   * notwithstanding)") with either {@code data} or, for attachments, a fresh {@code attachmentId}
   * (MessagePartBody, developers.google.com/gmail/api/reference/rest/v1/
   * users.messages.attachments). {@code data} is padded base64url, as in the parsed message quoted
   * in stackoverflow.com/a/37463491 ({@code "size": 31}, data ending {@code "Cg=="}).
   */
  private JsonObject part(String messageId, StoredMime.Part p) {
    JsonObject o = new JsonObject();
    o.addProperty("partId", p.partId());
    o.addProperty("mimeType", p.mimeType());
    o.addProperty("filename", p.filename());
    JsonArray headers = new JsonArray();
    p.headers().forEach(h -> headers.add(header(h)));
    o.add("headers", headers);
    JsonObject body = new JsonObject();
    if (p.multipart()) {
      body.addProperty("size", 0);
      o.add("body", body);
      JsonArray parts = new JsonArray();
      p.parts().forEach(child -> parts.add(part(messageId, child)));
      o.add("parts", parts);
      return o;
    }
    if (p.servedAsAttachment()) {
      body.addProperty("attachmentId", attachmentIds.issue(messageId, p.partId()));
      body.addProperty("size", p.body().size());
    } else {
      body.addProperty("size", p.body().size());
      if (p.body().size() > 0) {
        body.addProperty("data", Base64.getUrlEncoder().encodeToString(p.bytes()));
      }
    }
    o.add("body", body);
    return o;
  }

  /**
   * {@code users.messages.attachments.get}: the body of an attachment part as {@code
   * MessagePartBody} {@code {"size": n, "data": ".."}}. The data is base64url WITHOUT padding
   * (github.com/googleworkspace/cli/issues/774: Gmail's attachment data came back 4n+2 characters
   * long and Python's urlsafe_b64decode refused it). The answer is written straight into one array
   * from the stored bytes, so a 25 MB attachment costs its base64 once, not several copies.
   */
  private Reply getAttachment(
      StandInUser user,
      String messageId,
      String attachmentId,
      boolean metadataOnly,
      boolean pretty) {
    if (metadataOnly) {
      // The same refusal as format=full: gmail.metadata reaches no message body.
      return Web.googleError(403, "Metadata scope doesn't allow format FULL", "forbidden", pretty);
    }
    StandInUser.Entry entry = user.find(messageId);
    String partId = entry == null ? null : attachmentIds.partId(messageId, attachmentId);
    StoredMime.Part part = partId == null ? null : entry.mime().root().find(partId);
    if (part == null || !part.servedAsAttachment()) {
      return Web.googleError(404, "Requested entity was not found.", "notFound", pretty);
    }
    try {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", Web.JSON_UTF8);
      return new Reply(200, headers, attachmentJson(part.body(), pretty));
    } catch (IOException e) {
      return Web.googleError(500, "Internal error encountered.", "backendError", pretty);
    }
  }

  static byte[] attachmentJson(StoredMime.Body body, boolean pretty) throws IOException {
    long n = body.size();
    long encodedLength = n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
    byte[] head =
        (pretty ? "{\n  \"size\": " + n + ",\n  \"data\": \"" : "{\"size\":" + n + ",\"data\":\"")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = (pretty ? "\"\n}\n" : "\"}").getBytes(StandardCharsets.US_ASCII);
    long total = head.length + encodedLength + tail.length;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IOException("attachment too large for one answer: " + n);
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(head, 0, out, 0, head.length);
    int[] at = {head.length};
    OutputStream sink =
        new OutputStream() {
          @Override
          public void write(int b) {
            out[at[0]++] = (byte) b;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, out, at[0], len);
            at[0] += len;
          }
        };
    try (InputStream in = body.open();
        OutputStream base64 = Base64.getUrlEncoder().withoutPadding().wrap(sink)) {
      in.transferTo(base64);
    }
    System.arraycopy(tail, 0, out, at[0], tail.length);
    return out;
  }

  /**
   * {@code users.getProfile}: the address, message and thread counts, and the mailbox's current
   * history id (a uint64, so a JSON string), the start id a client takes before its first full sync
   * (developers.google.com/gmail/api/reference/rest/v1/users/getProfile).
   */
  private Reply profile(StandInUser user, boolean pretty) {
    StandInUser.Profile p = user.profile();
    JsonObject o = new JsonObject();
    o.addProperty("emailAddress", user.email());
    o.addProperty("messagesTotal", p.messagesTotal());
    o.addProperty("threadsTotal", p.threadsTotal());
    o.addProperty("historyId", String.valueOf(p.historyId()));
    return Reply.json(200, o, pretty);
  }

  private static final String HISTORY_TOKEN_PREFIX = "stand-in-history:";

  /**
   * {@code users.history.list} (developers.google.com/gmail/api/reference/rest/v1/users.history/
   * list): the records after {@code startHistoryId}, oldest first, filtered by {@code historyTypes}
   * and {@code labelId}, {@code maxResults} to a page (default 100, at most 500), with the
   * mailbox's current {@code historyId}. "Supplying an invalid or out of date startHistoryId
   * typically returns an HTTP 404 error code" (the same page). A page token is the id of the last
   * record served, so records that arrive while a client pages come after, never in between.
   */
  private Reply history(RecordedRequest r, StandInUser user, boolean pretty) {
    String start = r.queryParam("startHistoryId");
    if (start == null || start.isBlank()) {
      return invalidArgument("Missing required field startHistoryId.", pretty);
    }
    long startId = parseUint64(start);
    if (startId < 0) {
      return invalidArgument(
          "Invalid value at 'start_history_id' (TYPE_UINT64), \"" + start + "\"", pretty);
    }
    int maxResults = 100;
    String max = r.queryParam("maxResults");
    if (max != null) {
      try {
        maxResults = Integer.parseInt(max.trim());
      } catch (NumberFormatException e) {
        maxResults = -1;
      }
      if (maxResults < 0) {
        return invalidArgument(
            "Invalid value at 'max_results' (TYPE_UINT32), \"" + max + "\"", pretty);
      }
      maxResults = maxResults == 0 ? 100 : Math.min(maxResults, 500); // proto3: 0 means unset
    }
    Set<StandInUser.Change> kinds = EnumSet.noneOf(StandInUser.Change.class);
    for (String type : Web.all(r.query(), "historyTypes")) {
      StandInUser.Change kind = historyType(type);
      if (kind == null) {
        return invalidArgument(
            "Invalid value at 'history_types' (type.googleapis.com/"
                + "google.apps.gmail.v1.ListHistoryRequest.HistoryType), \""
                + type
                + "\"",
            pretty);
      }
      kinds.add(kind);
    }
    if (kinds.isEmpty()) {
      kinds = EnumSet.allOf(StandInUser.Change.class);
    }
    long after = 0;
    String pageToken = r.queryParam("pageToken");
    if (pageToken != null && !pageToken.isEmpty()) {
      after = pageTokenValue(HISTORY_TOKEN_PREFIX, pageToken);
      if (after < 0) {
        return invalidArgument("Invalid pageToken", pretty);
      }
    }
    String labelId = r.queryParam("labelId");
    if (labelId != null && labelId.isEmpty()) {
      labelId = null;
    }
    StandInUser.HistoryPage page = user.history(startId, after, kinds, labelId, maxResults);
    if (page.expired()) {
      return Web.googleError(404, "Requested entity was not found.", "notFound", pretty);
    }
    JsonObject o = new JsonObject();
    if (!page.records().isEmpty()) {
      JsonArray history = new JsonArray();
      page.records().forEach(record -> history.add(historyJson(record)));
      o.add("history", history); // Gmail omits the field entirely when there are none
    }
    if (page.more()) {
      List<StandInUser.HistoryRecord> records = page.records();
      o.addProperty(
          "nextPageToken", pageToken(HISTORY_TOKEN_PREFIX, records.get(records.size() - 1).id()));
    }
    o.addProperty("historyId", String.valueOf(page.historyId()));
    return Reply.json(200, o, pretty);
  }

  /** A history type as Gmail takes it: its JSON name or its proto name (MESSAGE_ADDED). */
  private static StandInUser.Change historyType(String value) {
    for (StandInUser.Change c : StandInUser.Change.values()) {
      if (c.type.equals(value) || c.name().equals(value)) {
        return c;
      }
    }
    return null;
  }

  /** A non-negative decimal that fits in a long, or -1 (Gmail's ids are uint64 in the proto). */
  private static long parseUint64(String s) {
    String t = s.trim();
    if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * One {@code History}: its id, {@code messages} (the message it changed, as Gmail lists every
   * record's messages besides the field of its kind), and the field of its kind. A message in
   * {@code messagesAdded} or a label change carries its labels after the change; one in {@code
   * messagesDeleted} only its id and thread.
   */
  private static JsonObject historyJson(StandInUser.HistoryRecord record) {
    JsonObject h = new JsonObject();
    h.addProperty("id", String.valueOf(record.id()));
    JsonArray messages = new JsonArray();
    messages.add(messageRef(record, false));
    h.add("messages", messages);
    JsonArray changes = new JsonArray();
    JsonObject change = new JsonObject();
    change.add(
        "message", messageRef(record, record.change() != StandInUser.Change.MESSAGE_DELETED));
    if (record.change() == StandInUser.Change.LABEL_ADDED
        || record.change() == StandInUser.Change.LABEL_REMOVED) {
      change.add("labelIds", labelArray(record.changedLabels()));
    }
    changes.add(change);
    String field =
        switch (record.change()) {
          case MESSAGE_ADDED -> "messagesAdded";
          case MESSAGE_DELETED -> "messagesDeleted";
          case LABEL_ADDED -> "labelsAdded";
          case LABEL_REMOVED -> "labelsRemoved";
        };
    h.add(field, changes);
    return h;
  }

  private static JsonObject messageRef(StandInUser.HistoryRecord record, boolean withLabels) {
    JsonObject m = new JsonObject();
    m.addProperty("id", record.messageId());
    m.addProperty("threadId", record.threadId());
    if (withLabels && !record.labelsAfter().isEmpty()) {
      m.add("labelIds", labelArray(record.labelsAfter()));
    }
    return m;
  }

  private static JsonArray labelArray(Set<String> labels) {
    JsonArray a = new JsonArray();
    labels.forEach(a::add);
    return a;
  }

  private Reply labels(StandInUser user, boolean pretty) {
    Set<String> ids = new LinkedHashSet<>(SYSTEM_LABELS);
    for (StandInMessage m : user.messages()) {
      ids.addAll(m.labelIds());
    }
    JsonArray labels = new JsonArray();
    for (String id : ids) {
      JsonObject l = new JsonObject();
      l.addProperty("id", id);
      l.addProperty("name", id);
      l.addProperty("type", SYSTEM_LABELS.contains(id) ? "system" : "user");
      labels.add(l);
    }
    JsonObject o = new JsonObject();
    o.add("labels", labels);
    return Reply.json(200, o, pretty);
  }

  // ---------------------------------------------------------------------------------------------
  // Batch

  /** Serves a batch request: each part is recorded and routed on its own. */
  Reply batch(RecordedRequest outer) {
    boolean pretty = Web.pretty(outer);
    String contentType = outer.header("content-type");
    String boundary = Web.mediaTypeParameter(contentType, "boundary");
    if (!Web.mediaType(contentType).equals("multipart/mixed")
        || boundary == null
        || boundary.isEmpty()) {
      return invalidArgument("A batch request must be multipart/mixed with a boundary.", pretty);
    }
    List<BatchCodec.Part> parts;
    try {
      parts = BatchCodec.parse(outer.body(), boundary);
    } catch (IllegalArgumentException e) {
      return invalidArgument(e.getMessage(), pretty);
    }
    if (parts.isEmpty()) {
      return invalidArgument("A batch request must contain at least one call.", pretty);
    }
    if (parts.size() > MAX_BATCH_PARTS) {
      return invalidArgument(
          "Too many requests in batch: "
              + parts.size()
              + " (at most "
              + MAX_BATCH_PARTS
              + " are allowed).",
          pretty);
    }
    List<String> contentIds = new ArrayList<>(parts.size());
    List<Reply> replies = new ArrayList<>(parts.size());
    for (BatchCodec.Part part : parts) {
      // Google applies the outer request's headers (except Content-*) to every part, with the
      // part's own headers taking precedence.
      Map<String, List<String>> headers = new LinkedHashMap<>();
      outer
          .headers()
          .forEach(
              (name, values) -> {
                if (!name.startsWith("content-")
                    && !name.equals("host")
                    && !name.equals("connection")) {
                  headers.put(name, values);
                }
              });
      headers.putAll(part.headers());
      String partType = Web.first(part.headers(), "content-type");
      Map<String, List<String>> form =
          "application/x-www-form-urlencoded".equals(Web.mediaType(partType))
              ? Web.parseForm(part.body())
              : Map.of();
      RecordedRequest inner =
          new RecordedRequest(
              part.method(),
              Web.pathDecode(part.rawPath()),
              Web.parseForm(part.rawQuery()),
              form,
              headers,
              part.body(),
              true);
      recorder.accept(inner);
      Reply reply;
      try {
        reply = partRouter.apply(inner);
      } catch (RuntimeException e) {
        e.printStackTrace();
        reply =
            Web.googleError(500, "Internal error in the stand-in: " + e, "backendError", pretty);
      }
      contentIds.add(part.contentId());
      replies.add(reply);
    }
    String responseBoundary = "batch_" + HexFormat.of().formatHex(randomBytes(12));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "multipart/mixed; boundary=" + responseBoundary);
    return new Reply(200, headers, BatchCodec.write(responseBoundary, contentIds, replies));
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
