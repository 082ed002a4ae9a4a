package io.github.gmailoauth.standin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Google account known to the stand-in, with its own mailbox.
 *
 * <p>The mailbox is kept sorted newest first because that is the only order Gmail's {@code
 * messages.list} offers; sorting on insert keeps paging cheap and stable. All access to the list
 * goes through {@code this} as the lock, since tests add messages while requests are served.
 */
public final class StandInUser {

  /**
   * A stored message plus what the public record does not carry: the To header, the history id and
   * the message as Gmail holds it (bytes and part tree).
   */
  record Entry(StandInMessage message, String to, long historyId, StoredMime mime) {}

  private static final DateTimeFormatter RFC_5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

  private final String id;
  private final String email;
  private final String name;
  private final AtomicLong sequence;
  private final List<Entry> entries = new ArrayList<>(); // guarded by this, newest first

  StandInUser(String id, String email, String name, AtomicLong sequence) {
    this.id = Objects.requireNonNull(id, "id");
    this.email = Objects.requireNonNull(email, "email");
    this.name = Objects.requireNonNull(name, "name");
    this.sequence = sequence;
  }

  public String id() {
    return id;
  }

  public String email() {
    return email;
  }

  public String name() {
    return name;
  }

  /**
   * Adds a message to the mailbox, addressed to this user.
   *
   * @param from raw From header, e.g. {@code "Ada Lovelace" <ada@example.org>}
   * @param subject raw Subject header
   * @param snippetHtmlEscaped snippet as Gmail would deliver it (already HTML-escaped)
   * @param date when it arrived
   * @param labelIds e.g. INBOX, UNREAD, STARRED, SENT, IMPORTANT
   */
  public StandInMessage addMessage(
      String from, String subject, String snippetHtmlEscaped, Instant date, String... labelIds) {
    return add(from, subject, snippetHtmlEscaped, date, null, null, labelIds);
  }

  /**
   * Adds a message given as its RFC 5322 bytes (MIME, any structure, any charset, as a sender wrote
   * it). {@code messages.get} serves it as Gmail would: {@code format=full} as Gmail's part tree,
   * attachments through {@code messages.attachments.get}, {@code format=raw} as these bytes. From,
   * Subject and the snippet are read from the message.
   *
   * @return the stored message; its id is what the reader's URL takes
   */
  public StandInMessage addMime(byte[] rfc5322, Instant date, String... labelIds) {
    return addParsed(StoredMime.parse(Objects.requireNonNull(rfc5322, "rfc5322")), date, labelIds);
  }

  /** Adds a message already parsed (the seed mailbox shares its parsed messages between users). */
  StandInMessage addParsed(StoredMime mime, Instant date, String... labelIds) {
    StoredMime.Part root = mime.root();
    StandInMessageDraft draft =
        new StandInMessageDraft(
            orEmpty(root.header("From")), orEmpty(root.header("Subject")), mime.snippet(), date);
    return store(draft, orEmpty(root.header("To")), null, mime, labelIds);
  }

  /**
   * The RFC 5322 bytes Gmail serves as {@code format=raw} for a message of this mailbox (for a
   * message added with {@link #addMessage}, the text/plain message made from its fields).
   *
   * @throws IllegalArgumentException if the message is not in this mailbox
   */
  public byte[] rfc5322(StandInMessage message) {
    Entry e = find(message.id());
    if (e == null) {
      throw new IllegalArgumentException("not in this mailbox: " + message.id());
    }
    return e.mime().raw().clone();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** A snapshot of the mailbox, newest first. */
  public List<StandInMessage> messages() {
    synchronized (this) {
      List<StandInMessage> out = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        out.add(e.message());
      }
      return out;
    }
  }

  /** The header form of this account's address, used as the To of received mail. */
  String address() {
    return "\"" + name + "\" <" + email + ">";
  }

  /**
   * Adds a message; {@code to} overrides the To header (sent mail) and {@code threadOf} puts it in
   * an existing message's thread (replies in the seed data).
   */
  StandInMessage add(
      String from,
      String subject,
      String snippet,
      Instant date,
      String to,
      StandInMessage threadOf,
      String... labelIds) {
    Objects.requireNonNull(date, "date");
    String toHeader = to == null ? address() : to;
    List<StoredMime.Header> envelope =
        List.of(
            new StoredMime.Header("From", from),
            new StoredMime.Header("To", toHeader),
            new StoredMime.Header("Subject", subject),
            new StoredMime.Header(
                "Date", RFC_5322_DATE.format(date.atZone(ZoneId.systemDefault()))));
    StoredMime mime = StoredMime.synthesised(envelope, Web.unescapeHtml(snippet));
    return store(
        new StandInMessageDraft(from, subject, snippet, date), toHeader, threadOf, mime, labelIds);
  }

  /** The fields of a message before it has an id. */
  private record StandInMessageDraft(String from, String subject, String snippet, Instant date) {}

  private StandInMessage store(
      StandInMessageDraft draft,
      String to,
      StandInMessage threadOf,
      StoredMime mime,
      String... labelIds) {
    Instant date = Objects.requireNonNull(draft.date(), "date");
    long seq = sequence.incrementAndGet();
    // Gmail ids are 16 hex digits that grow with time; deriving them from the date keeps the
    // seed mailbox realistic, the sequence number keeps them unique within the stand-in.
    String messageId = String.format("%016x", (date.toEpochMilli() << 20) | (seq & 0xFFFFF));
    String threadId = threadOf == null ? messageId : threadOf.threadId();
    StandInMessage message =
        new StandInMessage(
            messageId,
            threadId,
            draft.from(),
            draft.subject(),
            draft.snippet(),
            date,
            new LinkedHashSet<>(Arrays.asList(labelIds == null ? new String[0] : labelIds)));
    Entry entry = new Entry(message, to, 100_000L + seq, mime);
    synchronized (this) {
      // Newest first; among equal dates the latest addition comes first ("prepended").
      int at = 0;
      while (at < entries.size() && entries.get(at).message().date().isAfter(date)) {
        at++;
      }
      entries.add(at, entry);
    }
    return message;
  }

  /** A snapshot of the stored entries, newest first. */
  List<Entry> entries() {
    synchronized (this) {
      return List.copyOf(entries);
    }
  }

  Entry find(String messageId) {
    synchronized (this) {
      for (Entry e : entries) {
        if (e.message().id().equals(messageId)) {
          return e;
        }
      }
      return null;
    }
  }

  /** A plausible size in bytes, as Gmail reports in {@code sizeEstimate}. */
  static int sizeEstimate(Entry e) {
    if (e.mime().parsed()) {
      return e.mime().raw().length;
    }
    StandInMessage m = e.message();
    return 600 + utf8(m.from()) + utf8(m.subject()) + utf8(e.to()) + 4 * utf8(m.snippet());
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public String toString() {
    return "StandInUser[" + id + ", " + email + "]";
  }
}
