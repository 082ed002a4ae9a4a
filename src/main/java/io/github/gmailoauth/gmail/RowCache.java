package io.github.gmailoauth.gmail;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryLabelAdded;
import com.google.api.services.gmail.model.HistoryLabelRemoved;
import com.google.api.services.gmail.model.HistoryMessageDeleted;
import com.google.api.services.gmail.model.Message;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The list rows this node has read, per user, so that a page whose rows are all held costs one
 * round trip (issue 15). Memory only: never on disk, no token in it.
 *
 * <p>Exact, never "fresh enough": a user's rows are held together with the mailbox {@code
 * historyId} up to which Gmail's changes have been applied to all of them ({@link UserRows#position
 * position}). A page sends {@code messages.list} and {@code users.history.list(startHistoryId =
 * position)} at the same time and applies the history ({@link UserRows#apply}). Applying every
 * record after the position, in order, to rows read at or after the position gives Gmail's current
 * labels: each label ends as the last record touching it left it, and a label no record touches has
 * not changed since the row was read. Without a position there is nothing to trust, so nothing is
 * held: a user's rows and position are one cache entry, evicted, expired and forgotten together.
 *
 * <p>Bounded by weight (an estimate of each row's heap, {@link #weigh}); a user's entry expires
 * after {@code idle} without a page of theirs; one user holds at most {@link #MAX_ROWS_PER_USER}
 * rows, the least recently listed dropped first.
 */
public final class RowCache {
  /** Issue 15: a user's rows go after 30 minutes without a page of theirs. */
  public static final Duration IDLE = Duration.ofMinutes(30);

  /** One user who pages through a large mailbox must not take everyone else's share. */
  static final int MAX_ROWS_PER_USER = 1_000;

  /**
   * One user's held rows (in the order they were last listed, oldest first) and the mailbox
   * position they are exact at. Immutable: an update is a new value, so a reader never sees half of
   * one.
   */
  public record UserRows(long position, Map<String, MessageSummary> rows) {
    public UserRows {
      rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /**
     * These rows with Gmail's {@code history} applied: labels added and removed, deleted messages
     * gone; the position moves to {@code historyId}, the mailbox's id in the same answer. A record
     * of a message not held changes nothing (it is fetched when a page shows it). Records are
     * applied in the order of their ids, whatever order they came in.
     */
    public UserRows apply(List<History> history, long historyId) {
      Map<String, MessageSummary> next = new LinkedHashMap<>(rows);
      List<History> ordered = new ArrayList<>(history == null ? List.of() : history);
      ordered.sort(Comparator.comparing(h -> h.getId() == null ? BigInteger.ZERO : h.getId()));
      for (History h : ordered) {
        for (HistoryLabelAdded added : nonNull(h.getLabelsAdded())) {
          relabel(next, added.getMessage(), added.getLabelIds(), true);
        }
        for (HistoryLabelRemoved removed : nonNull(h.getLabelsRemoved())) {
          relabel(next, removed.getMessage(), removed.getLabelIds(), false);
        }
        for (HistoryMessageDeleted deleted : nonNull(h.getMessagesDeleted())) {
          if (deleted.getMessage() != null && deleted.getMessage().getId() != null) {
            next.remove(deleted.getMessage().getId());
          }
        }
      }
      return new UserRows(Math.max(position, historyId), next);
    }

    /**
     * These rows with {@code fetched} added or replaced (listed last, so kept longest), at most
     * {@link #MAX_ROWS_PER_USER}.
     */
    public UserRows with(Collection<MessageSummary> fetched) {
      Map<String, MessageSummary> next = new LinkedHashMap<>(rows);
      for (MessageSummary r : fetched) {
        next.remove(r.id());
        next.put(r.id(), r);
      }
      Iterator<String> oldest = next.keySet().iterator();
      while (next.size() > MAX_ROWS_PER_USER) {
        oldest.next();
        oldest.remove();
      }
      return new UserRows(position, next);
    }

    private static void relabel(
        Map<String, MessageSummary> rows, Message message, List<String> labels, boolean add) {
      if (message == null || message.getId() == null || labels == null) {
        return;
      }
      MessageSummary s = rows.get(message.getId());
      if (s == null) {
        return;
      }
      Set<String> now = new LinkedHashSet<>(s.labelIds());
      if (add) {
        now.addAll(labels);
      } else {
        now.removeAll(labels);
      }
      rows.put(
          s.id(),
          new MessageSummary(
              s.id(), s.threadId(), s.from(), s.subject(), s.snippet(), s.date(), Set.copyOf(now)));
    }

    private static <T> List<T> nonNull(List<T> list) {
      return list == null ? List.of() : list;
    }
  }

  private final Cache<String, UserRows> users;

  /**
   * @param maxBytes the most heap the rows may take, by {@link #weigh}'s estimate; 0 holds nothing
   * @param idle a user's rows go after this long without a page of theirs
   */
  public RowCache(long maxBytes, Duration idle) {
    this(maxBytes, idle, Ticker.systemTicker(), Runnable::run);
  }

  RowCache(long maxBytes, Duration idle, Ticker ticker, Executor executor) {
    this.users =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String user, UserRows held) -> weigh(user, held))
            .expireAfterAccess(idle)
            .ticker(ticker)
            .executor(executor)
            .build();
  }

  /** The user's rows and their position, if this node holds any. */
  public Optional<UserRows> get(String userId) {
    return Optional.ofNullable(users.getIfPresent(userId));
  }

  /**
   * Stores {@code next} unless another page of the same user stored a newer position meanwhile (the
   * newer one is kept: it is exact at a later point).
   */
  public void put(String userId, UserRows next) {
    users
        .asMap()
        .compute(
            userId, (u, held) -> held != null && held.position() > next.position() ? held : next);
  }

  /** Drops everything held for the user: sign-out, Disconnect, an unusable history. */
  public void forget(String userId) {
    users.invalidate(userId);
  }

  /** For tests and the bench: runs pending evictions and answers the weight held. */
  long weightHeld() {
    users.cleanUp();
    return users.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  /**
   * An estimate of the heap a user's entry holds, in bytes: per row the key and map node, the
   * summary, the summary's strings (Latin-1 or UTF-16 arrays), the Instant and the label set.
   * Checked against the measured heap by {@code bench/run}.
   */
  static int weigh(String user, UserRows held) {
    long bytes = 64 + string(user);
    for (Map.Entry<String, MessageSummary> e : held.rows().entrySet()) {
      MessageSummary s = e.getValue();
      bytes += 48 + 40; // map node, MessageSummary
      bytes += string(e.getKey()) + string(s.threadId()) + string(s.from());
      bytes += string(s.subject()) + string(s.snippet());
      bytes += 24; // Instant
      bytes += 32 + 16L * s.labelIds().size();
      for (String label : s.labelIds()) {
        bytes += string(label);
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** A String: its object (24 bytes) and its array (16 + one or two bytes a character). */
  private static long string(String s) {
    if (s == null) {
      return 0;
    }
    boolean latin1 = s.chars().allMatch(c -> c < 256);
    return 24 + 16 + (latin1 ? s.length() : 2L * s.length());
  }
}
