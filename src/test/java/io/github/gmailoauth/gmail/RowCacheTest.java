package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryLabelAdded;
import com.google.api.services.gmail.model.HistoryLabelRemoved;
import com.google.api.services.gmail.model.HistoryMessageDeleted;
import com.google.api.services.gmail.model.Message;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RowCacheTest {
  private static final Duration IDLE = Duration.ofMinutes(30);

  private static MessageSummary row(String id, String... labels) {
    return new MessageSummary(
        id,
        "t" + id,
        "Ada <ada@example.org>",
        "Subject " + id,
        "snippet",
        Instant.EPOCH,
        Set.of(labels));
  }

  private static History added(long id, String message, String... labels) {
    return new History()
        .setId(BigInteger.valueOf(id))
        .setLabelsAdded(
            List.of(
                new HistoryLabelAdded()
                    .setMessage(new Message().setId(message))
                    .setLabelIds(List.of(labels))));
  }

  private static History removed(long id, String message, String... labels) {
    return new History()
        .setId(BigInteger.valueOf(id))
        .setLabelsRemoved(
            List.of(
                new HistoryLabelRemoved()
                    .setMessage(new Message().setId(message))
                    .setLabelIds(List.of(labels))));
  }

  private static History deleted(long id, String message) {
    return new History()
        .setId(BigInteger.valueOf(id))
        .setMessagesDeleted(
            List.of(new HistoryMessageDeleted().setMessage(new Message().setId(message))));
  }

  private static RowCache.UserRows rows(long position, MessageSummary... rows) {
    Map<String, MessageSummary> m = new java.util.LinkedHashMap<>();
    for (MessageSummary r : rows) {
      m.put(r.id(), r);
    }
    return new RowCache.UserRows(position, m);
  }

  @Test
  void historyRecordsChangeLabelsAndDeleteRowsInTheOrderOfTheirIds() {
    RowCache.UserRows held =
        rows(100, row("a", "INBOX", "UNREAD"), row("b", "INBOX"), row("c", "INBOX"));

    // Sent out of order: the removal of UNREAD (105) comes after its addition (103).
    RowCache.UserRows next =
        held.apply(
            List.of(
                removed(105, "a", "UNREAD"),
                added(103, "a", "UNREAD", "STARRED"),
                deleted(104, "c"),
                added(106, "unknown", "STARRED")),
            107);

    assertEquals(107, next.position());
    assertEquals(Set.of("INBOX", "STARRED"), next.rows().get("a").labelIds());
    assertEquals(Set.of("INBOX"), next.rows().get("b").labelIds());
    assertFalse(next.rows().containsKey("c"));
    assertFalse(next.rows().containsKey("unknown"), "a message not held is fetched, not invented");
    assertEquals(Set.of("INBOX", "UNREAD"), held.rows().get("a").labelIds(), "held is unchanged");
  }

  /** A change to the mailbox: a message's label added or removed, or the message deleted. */
  record Change(int message, String label, int kind) {}

  @Provide
  Arbitrary<List<Change>> changes() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 5),
            Arbitraries.of("UNREAD", "STARRED", "INBOX", "IMPORTANT"),
            Arbitraries.integers().between(0, 9))
        .as(Change::new)
        .list()
        .ofMaxSize(30);
  }

  /**
   * The claim the cache rests on: rows read at any moment at or after the position, with every
   * record after the position applied in order, carry the mailbox's current labels.
   */
  @Property(tries = 500)
  void rowsReadAfterThePositionPlusTheHistoryAreTheCurrentMailbox(
      @ForAll("changes") List<Change> changes, @ForAll int positionSeed, @ForAll long readSeed) {
    // The mailbox, replayed: state after each change, and each change's history record.
    Map<String, Set<String>> mailbox = new HashMap<>();
    for (int m = 0; m < 6; m++) {
      mailbox.put("m" + m, new HashSet<>(Set.of("INBOX")));
    }
    List<Map<String, Set<String>>> states = new ArrayList<>();
    List<History> records = new ArrayList<>();
    states.add(copy(mailbox));
    long id = 1000;
    for (Change c : changes) {
      String m = "m" + c.message();
      if (!mailbox.containsKey(m)) {
        states.add(copy(mailbox));
        records.add(null);
        continue;
      }
      id += 1 + Math.floorMod(c.kind() * 7 + c.message(), 5); // Gmail's ids have gaps
      if (c.kind() == 0) {
        mailbox.remove(m);
        records.add(deleted(id, m));
      } else if (c.kind() % 2 == 0) {
        mailbox.get(m).add(c.label());
        records.add(added(id, m, c.label()));
      } else {
        mailbox.get(m).remove(c.label());
        records.add(removed(id, m, c.label()));
      }
      states.add(copy(mailbox));
    }
    int position = Math.floorMod(positionSeed, states.size());
    // Each row is read at some moment at or after the position.
    java.util.Random random = new java.util.Random(readSeed);
    List<MessageSummary> read = new ArrayList<>();
    for (int m = 0; m < 6; m++) {
      int at = position + random.nextInt(states.size() - position);
      Set<String> labels = states.get(at).get("m" + m);
      if (labels != null) {
        read.add(row("m" + m, labels.toArray(String[]::new)));
      }
    }
    List<History> after = new ArrayList<>();
    for (int i = position; i < records.size(); i++) {
      if (records.get(i) != null) {
        after.add(records.get(i));
      }
    }
    RowCache.UserRows applied = rows(0, read.toArray(MessageSummary[]::new)).apply(after, id);

    for (Map.Entry<String, MessageSummary> e : applied.rows().entrySet()) {
      assertTrue(mailbox.containsKey(e.getKey()), "a deleted message is gone: " + e.getKey());
      assertEquals(mailbox.get(e.getKey()), e.getValue().labelIds(), e.getKey());
    }
  }

  private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
    Map<String, Set<String>> c = new HashMap<>();
    m.forEach((k, v) -> c.put(k, Set.copyOf(v)));
    return c;
  }

  @Test
  void aUsersRowsGoAfterIdleMinutesWithoutAPageAndAtForget() {
    AtomicLong nanos = new AtomicLong();
    Ticker ticker = nanos::get;
    RowCache cache = new RowCache(64L << 20, IDLE, ticker, Runnable::run);
    cache.put("ada", rows(10, row("a", "INBOX")));
    cache.put("bob", rows(10, row("b", "INBOX")));

    nanos.addAndGet(IDLE.minusMinutes(1).toNanos());
    assertTrue(cache.get("ada").isPresent(), "a page of Ada's");
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertTrue(cache.get("ada").isPresent(), "kept: her last page was two minutes ago");
    assertFalse(cache.get("bob").isPresent(), "gone: no page of his for 31 minutes");

    cache.forget("ada");
    assertFalse(cache.get("ada").isPresent());
  }

  @Test
  void theNewerPositionWinsWhenTwoPagesOfOneUserStoreAtOnce() {
    RowCache cache = new RowCache(64L << 20, IDLE);
    cache.put("ada", rows(20, row("a", "INBOX")));
    cache.put("ada", rows(15, row("a", "INBOX", "UNREAD")));
    assertEquals(20, cache.get("ada").orElseThrow().position());
    cache.put("ada", rows(25, row("a", "STARRED")));
    assertEquals(Set.of("STARRED"), cache.get("ada").orElseThrow().rows().get("a").labelIds());
  }

  @Test
  void oneUserHoldsAtMostTheCapTheLeastRecentlyListedDroppedFirst() {
    List<MessageSummary> many = new ArrayList<>();
    for (int i = 0; i < RowCache.MAX_ROWS_PER_USER + 10; i++) {
      many.add(row("m" + i, "INBOX"));
    }
    RowCache.UserRows held = rows(1).with(many);
    assertEquals(RowCache.MAX_ROWS_PER_USER, held.rows().size());
    assertFalse(held.rows().containsKey("m0"));
    assertTrue(held.rows().containsKey("m" + (RowCache.MAX_ROWS_PER_USER + 9)));
    // Listing an old row again keeps it.
    RowCache.UserRows again = held.with(List.of(row("m10", "INBOX")));
    again = again.with(List.of(row("new", "INBOX")));
    assertTrue(again.rows().containsKey("m10"));
    assertFalse(again.rows().containsKey("m11"));
  }

  @Test
  void theWeightHeldStaysWithinTheBoundWhenMoreUsersComeThanFit() {
    long max = 1L << 20;
    RowCache cache = new RowCache(max, IDLE, Ticker.systemTicker(), Runnable::run);
    for (int u = 0; u < 200; u++) {
      List<MessageSummary> page = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        page.add(row("u" + u + "m" + i, "INBOX", "UNREAD"));
      }
      cache.put("user" + u, rows(1).with(page));
    }
    long held = cache.weightHeld();
    assertTrue(held <= max, held + " > " + max);
    assertTrue(held > max / 2, "the cache is used, not emptied: " + held);
  }

  @Test
  void zeroMegabytesHoldsNothing() {
    RowCache cache = new RowCache(0, IDLE, Ticker.systemTicker(), Runnable::run);
    cache.put("ada", rows(10, row("a", "INBOX")));
    cache.weightHeld();
    assertFalse(cache.get("ada").isPresent());
  }
}
