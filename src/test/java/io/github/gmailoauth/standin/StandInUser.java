package io.github.gmailoauth.standin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Google account known to the stand-in, with its own mailbox.
 *
 * <p>The mailbox is kept sorted newest first because that is the only order Gmail's {@code
 * messages.list} offers; sorting on insert keeps paging cheap and stable. All access to the list
 * goes through {@code this} as the lock, since tests add messages while requests are served.
 *
 * <p>Every change to the mailbox (a message added or deleted, labels added or removed) is one
 * history record with a new history id, under the same lock as the change itself, so that a reader
 * never sees a change without its record or the other way round. Gmail: "History IDs increase
 * chronologically but are not contiguous with random gaps in between valid IDs"
 * (developers.google.com/gmail/api/guides/sync); the gaps here are 1 to 7, drawn from a generator
 * seeded with the user's id so that a run is reproducible.
 */
public final class StandInUser {

  /**
   * A stored message plus what the public record does not carry: the To header, the history id and
   * the message as Gmail holds it (bytes and part tree).
   */
  record Entry(StandInMessage message, String to, long historyId, StoredMime mime) {}

  /** The four kinds of history record, by the name {@code historyTypes} gives them. */
  enum Change {
    MESSAGE_ADDED("messageAdded"),
    MESSAGE_DELETED("messageDeleted"),
    LABEL_ADDED("labelAdded"),
    LABEL_REMOVED("labelRemoved");

    final String type;

    Change(String type) {
      this.type = type;
    }
  }

  /**
   * One history record: one change to one message, the message's labels before and after it, and
   * for a label change the labels that were actually added or removed.
   */
  record HistoryRecord(
      long id,
      Change change,
      String messageId,
      String threadId,
      Set<String> labelsBefore,
      Set<String> labelsAfter,
      Set<String> changedLabels) {}

  /**
   * A page of history: the records, whether more follow, and the mailbox's current history id;
   * {@code expired} when the start (or the page token's position) is older than the history kept.
   */
  record HistoryPage(List<HistoryRecord> records, boolean more, long historyId, boolean expired) {}

  /** What {@code users.getProfile} reports, read at one instant. */
  record Profile(int messagesTotal, int threadsTotal, long historyId) {}

  /** How many history records each mailbox keeps; older start ids then answer 404. */
  static final int HISTORY_LIMIT = 1_000;

  private static final DateTimeFormatter RFC_5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

  private final String id;
  private final String email;
  private final String name;
  private final AtomicLong sequence;
  private final List<Entry> entries = new ArrayList<>(); // guarded by this, newest first
  private final Deque<HistoryRecord> history = new ArrayDeque<>(); // guarded by this, oldest first
  private final SplittableRandom gaps; // guarded by this
  private long historyId; // guarded by this: the newest record's id (or the start)

  /** Every record with an id above this is kept: a start id below it is out of date (404). */
  private long historyFloor; // guarded by this

  StandInUser(String id, String email, String name, AtomicLong sequence) {
    this.id = Objects.requireNonNull(id, "id");
    this.email = Objects.requireNonNull(email, "email");
    this.name = Objects.requireNonNull(name, "name");
    this.sequence = sequence;
    this.gaps = new SplittableRandom(id.hashCode());
    this.historyId = 100_000L + gaps.nextInt(1_000);
    this.historyFloor = historyId;
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
    synchronized (this) {
      long hid = record(Change.MESSAGE_ADDED, message, Set.of(), message.labelIds(), Set.of());
      Entry entry = new Entry(message, to, hid, mime);
      // Newest first; among equal dates the latest addition comes first ("prepended").
      int at = 0;
      while (at < entries.size() && entries.get(at).message().date().isAfter(date)) {
        at++;
      }
      entries.add(at, entry);
    }
    return message;
  }

  // ---------------------------------------------------------------------------------------------
  // Changes between two pages, each recorded in the history

  /**
   * A new message arrives: it is dated now (or just after the newest message, should that be in the
   * future), so it comes first in {@code messages.list}, and is a {@code messagesAdded} record.
   */
  public StandInMessage receiveMessage(
      String from, String subject, String snippetHtmlEscaped, String... labelIds) {
    Instant date = Instant.now();
    synchronized (this) {
      if (!entries.isEmpty() && !entries.get(0).message().date().isBefore(date)) {
        date = entries.get(0).message().date().plusMillis(1);
      }
      // store() takes the lock again (reentrant): nothing newer can slip in between.
      return add(from, subject, snippetHtmlEscaped, date, null, null, labelIds);
    }
  }

  /**
   * Adds labels to a message ({@code messages.modify}'s addLabelIds): one {@code labelsAdded}
   * record naming the labels it did not have yet; none when it had them all already.
   *
   * @return the message as it is now
   * @throws IllegalArgumentException if the message is not in this mailbox
   */
  public StandInMessage addLabels(String messageId, String... labelIds) {
    return relabel(messageId, true, labelIds);
  }

  /**
   * Removes labels from a message ({@code messages.modify}'s removeLabelIds): one {@code
   * labelsRemoved} record naming the labels it actually had; none when it had none of them.
   *
   * @return the message as it is now
   * @throws IllegalArgumentException if the message is not in this mailbox
   */
  public StandInMessage removeLabels(String messageId, String... labelIds) {
    return relabel(messageId, false, labelIds);
  }

  /** Marks a message read, which at Gmail is removing the UNREAD label. */
  public StandInMessage markRead(String messageId) {
    return removeLabels(messageId, "UNREAD");
  }

  /** Stars a message, which at Gmail is adding the STARRED label. */
  public StandInMessage star(String messageId) {
    return addLabels(messageId, "STARRED");
  }

  /**
   * Deletes a message for good ({@code messages.delete}, not moving it to TRASH, which is a label
   * change): it leaves {@code messages.list}, {@code messages.get} answers 404, and the history has
   * a {@code messagesDeleted} record.
   *
   * @throws IllegalArgumentException if the message is not in this mailbox
   */
  public void deleteMessage(String messageId) {
    synchronized (this) {
      int at = indexOf(messageId);
      Entry e = entries.remove(at);
      record(Change.MESSAGE_DELETED, e.message(), e.message().labelIds(), Set.of(), Set.of());
    }
  }

  /**
   * Forgets the history: every start id handed out so far (in a message, a profile or a history
   * answer) is out of date from now on, and {@code history.list} answers 404 for it, as Gmail does
   * for a start id it no longer keeps. The current history id moves on, so a client that fetches
   * the profile again gets a start id that works.
   */
  public void expireHistory() {
    synchronized (this) {
      history.clear();
      historyId = nextHistoryId();
      historyFloor = historyId;
    }
  }

  /** The mailbox's current history id: that of its newest change. */
  public long historyId() {
    synchronized (this) {
      return historyId;
    }
  }

  private StandInMessage relabel(String messageId, boolean add, String... labelIds) {
    Objects.requireNonNull(messageId, "messageId");
    synchronized (this) {
      int at = indexOf(messageId);
      Entry e = entries.get(at);
      StandInMessage m = e.message();
      Set<String> after = new LinkedHashSet<>(m.labelIds());
      Set<String> changed = new LinkedHashSet<>();
      for (String label : labelIds) {
        if (add ? after.add(label) : after.remove(label)) {
          changed.add(label);
        }
      }
      if (changed.isEmpty()) {
        return m;
      }
      StandInMessage now =
          new StandInMessage(
              m.id(), m.threadId(), m.from(), m.subject(), m.snippet(), m.date(), after);
      long hid =
          record(
              add ? Change.LABEL_ADDED : Change.LABEL_REMOVED,
              m,
              m.labelIds(),
              now.labelIds(),
              changed);
      entries.set(at, new Entry(now, e.to(), hid, e.mime()));
      return now;
    }
  }

  /** Where the message is in {@link #entries}; the caller holds the lock. */
  private int indexOf(String messageId) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).message().id().equals(messageId)) {
        return i;
      }
    }
    throw new IllegalArgumentException("not in this mailbox: " + messageId);
  }

  /** Appends a history record with the next id and returns that id; the caller holds the lock. */
  private long record(
      Change change,
      StandInMessage m,
      Set<String> before,
      Set<String> after,
      Set<String> changedLabels) {
    historyId = nextHistoryId();
    history.addLast(
        new HistoryRecord(
            historyId,
            change,
            m.id(),
            m.threadId(),
            frozen(before),
            frozen(after),
            frozen(changedLabels)));
    if (history.size() > HISTORY_LIMIT) {
      historyFloor = history.removeFirst().id(); // records above it are all still here
    }
    return historyId;
  }

  private long nextHistoryId() {
    return historyId + 1 + gaps.nextInt(7);
  }

  private static Set<String> frozen(Set<String> labels) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(labels));
  }

  /**
   * The records of {@code users.history.list}: those with an id above both {@code startHistoryId}
   * and {@code after} (where the previous page ended), of the given kinds, whose message had or has
   * {@code labelId} (null: any), at most {@code max}, oldest first. {@code after} is 0 on a first
   * page.
   */
  HistoryPage history(long startHistoryId, long after, Set<Change> kinds, String labelId, int max) {
    synchronized (this) {
      if (startHistoryId < historyFloor || (after > 0 && after < historyFloor)) {
        return new HistoryPage(List.of(), false, historyId, true);
      }
      long from = Math.max(startHistoryId, after);
      List<HistoryRecord> out = new ArrayList<>();
      boolean more = false;
      for (HistoryRecord r : history) {
        if (r.id() <= from
            || !kinds.contains(r.change())
            || (labelId != null
                && !r.labelsBefore().contains(labelId)
                && !r.labelsAfter().contains(labelId))) {
          continue;
        }
        if (out.size() == max) {
          more = true;
          break;
        }
        out.add(r);
      }
      return new HistoryPage(out, more, historyId, false);
    }
  }

  /** Message and thread counts and the history id, read together. */
  Profile profile() {
    synchronized (this) {
      Set<String> threads = new LinkedHashSet<>();
      for (Entry e : entries) {
        threads.add(e.message().threadId());
      }
      return new Profile(entries.size(), threads.size(), historyId);
    }
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
