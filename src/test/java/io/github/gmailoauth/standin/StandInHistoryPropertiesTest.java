package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryLabelAdded;
import com.google.api.services.gmail.model.HistoryLabelRemoved;
import com.google.api.services.gmail.model.HistoryMessageAdded;
import com.google.api.services.gmail.model.HistoryMessageDeleted;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The stand-in's history is exact: for a random sequence of mailbox changes interleaved with
 * snapshots (what a client caches: the list's rows and the profile's history id), replaying {@code
 * history.list(startHistoryId = snapshot's id)}, every page, onto the snapshot's rows gives exactly
 * the list as it is now, and {@code messages.get} reports each message's labels and the id of the
 * last record that changed it. Everything is read over HTTP through the generated Gmail client.
 */
class StandInHistoryPropertiesTest {

  private static final List<String> LABELS =
      List.of("INBOX", "UNREAD", "STARRED", "IMPORTANT", "Label_1");

  private static StandInGoogle google;
  private static final AtomicInteger USERS = new AtomicInteger();
  private final NetHttpTransport transport = new NetHttpTransport();

  @BeforeContainer
  static void start() {
    google = StandInGoogle.start();
  }

  @AfterContainer
  static void stop() {
    google.close();
  }

  /** One step: a change to the mailbox, or a snapshot taken by the client. */
  sealed interface Step permits AddLabel, RemoveLabel, Delete, Receive, Snapshot {}

  /** {@code pick} chooses a message of the mailbox as it is when the step runs. */
  record AddLabel(int pick, String label) implements Step {}

  record RemoveLabel(int pick, String label) implements Step {}

  record Delete(int pick) implements Step {}

  record Receive(Set<String> labels) implements Step {}

  record Snapshot() implements Step {}

  /** A client's cache: the rows of the list, newest first, with their labels. */
  record Rows(List<String> order, Map<String, Set<String>> labels) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1_000);
    Arbitrary<String> label = Arbitraries.of(LABELS);
    Arbitrary<Step> addLabel = pick.flatMap(p -> label.map(l -> (Step) new AddLabel(p, l)));
    Arbitrary<Step> removeLabel = pick.flatMap(p -> label.map(l -> (Step) new RemoveLabel(p, l)));
    Arbitrary<Step> delete = pick.map(p -> (Step) new Delete(p));
    Arbitrary<Step> receive = label.set().ofMaxSize(3).map(s -> (Step) new Receive(s));
    Arbitrary<Step> snapshot = Arbitraries.just((Step) new Snapshot());
    Arbitrary<Step> step =
        Arbitraries.frequencyOf(
            Tuple.of(3, addLabel),
            Tuple.of(3, removeLabel),
            Tuple.of(1, delete),
            Tuple.of(2, receive),
            Tuple.of(2, snapshot));
    return step.list().ofMaxSize(25);
  }

  @Property(tries = 100)
  void replayingHistoryOntoASnapshotGivesTheCurrentList(
      @ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 4) int initial,
      @ForAll @IntRange(min = 1, max = 6) int pageSize)
      throws Exception {
    int n = USERS.incrementAndGet();
    StandInUser user = google.addUser("3170000000000000" + n, "p" + n + "@example.com", "P " + n);
    Gmail gmail = gmail(google.issueAccessToken(user, List.of(StandInTestSupport.GMAIL_READONLY)));
    for (int i = 0; i < initial; i++) {
      user.receiveMessage("a@example.org", "initial " + i, "initial", "INBOX", "UNREAD");
    }

    List<Rows> snapshots = new ArrayList<>();
    List<Long> snapshotIds = new ArrayList<>();
    snapshots.add(rows(gmail));
    snapshotIds.add(profileHistoryId(gmail));
    for (Step step : steps) {
      List<StandInMessage> now = user.messages();
      if (step instanceof Receive r) {
        user.receiveMessage("b@example.org", "new", "new", r.labels().toArray(String[]::new));
      } else if (step instanceof Snapshot) {
        snapshots.add(rows(gmail));
        snapshotIds.add(profileHistoryId(gmail));
      } else if (now.isEmpty()) {
        continue; // nothing to change
      } else if (step instanceof AddLabel a) {
        user.addLabels(now.get(a.pick() % now.size()).id(), a.label());
      } else if (step instanceof RemoveLabel r) {
        user.removeLabels(now.get(r.pick() % now.size()).id(), r.label());
      } else if (step instanceof Delete d) {
        user.deleteMessage(now.get(d.pick() % now.size()).id());
      }
    }

    Rows current = rows(gmail);
    for (int i = 0; i < snapshots.size(); i++) {
      Map<String, Long> lastChange = new HashMap<>();
      Rows replayed = replay(gmail, snapshots.get(i), snapshotIds.get(i), pageSize, lastChange);
      assertEquals(current, replayed, "replayed from snapshot " + i);
      if (i == 0) {
        // messages.get: the labels of the replay, and the id of the last record of the message.
        for (String id : current.order()) {
          Message m = gmail.users().messages().get("me", id).setFormat("minimal").execute();
          long historyId = m.getHistoryId().longValueExact();
          Long changed = lastChange.get(id);
          if (changed != null) {
            assertEquals(changed.longValue(), historyId, id);
          } else {
            assertTrue(historyId <= snapshotIds.get(0), id + " unchanged since the snapshot");
          }
        }
      }
    }
    assertEquals(user.historyId(), profileHistoryId(gmail));
  }

  /** Every page of history after {@code start}, applied in order to a copy of {@code rows}. */
  private static Rows replay(
      Gmail gmail, Rows rows, long start, long pageSize, Map<String, Long> lastChange)
      throws IOException {
    List<String> order = new ArrayList<>(rows.order());
    Map<String, Set<String>> labels = new HashMap<>();
    rows.labels().forEach((id, l) -> labels.put(id, new TreeSet<>(l)));
    String pageToken = null;
    long previous = start;
    do {
      ListHistoryResponse page =
          gmail
              .users()
              .history()
              .list("me")
              .setStartHistoryId(BigInteger.valueOf(start))
              .setMaxResults(pageSize)
              .setPageToken(pageToken)
              .execute();
      assertNotNull(page.getHistoryId());
      for (History h : page.getHistory() == null ? List.<History>of() : page.getHistory()) {
        long id = h.getId().longValueExact();
        assertTrue(id > previous, "records in increasing id order, after the start");
        previous = id;
        for (HistoryMessageAdded a : orEmpty(h.getMessagesAdded())) {
          Message m = a.getMessage();
          order.add(0, m.getId());
          labels.put(m.getId(), new TreeSet<>(orEmpty(m.getLabelIds())));
          lastChange.put(m.getId(), id);
        }
        for (HistoryMessageDeleted d : orEmpty(h.getMessagesDeleted())) {
          order.remove(d.getMessage().getId());
          labels.remove(d.getMessage().getId());
          lastChange.remove(d.getMessage().getId());
        }
        for (HistoryLabelAdded a : orEmpty(h.getLabelsAdded())) {
          Set<String> l = labels.get(a.getMessage().getId());
          l.addAll(a.getLabelIds());
          assertEquals(l, new TreeSet<>(orEmpty(a.getMessage().getLabelIds())));
          lastChange.put(a.getMessage().getId(), id);
        }
        for (HistoryLabelRemoved r : orEmpty(h.getLabelsRemoved())) {
          Set<String> l = labels.get(r.getMessage().getId());
          l.removeAll(r.getLabelIds());
          assertEquals(l, new TreeSet<>(orEmpty(r.getMessage().getLabelIds())));
          lastChange.put(r.getMessage().getId(), id);
        }
      }
      pageToken = page.getNextPageToken();
    } while (pageToken != null);
    return new Rows(order, labels);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** The list as a client sees it: ids by messages.list, labels by messages.get. */
  private static Rows rows(Gmail gmail) throws IOException {
    List<String> order = new ArrayList<>();
    String pageToken = null;
    do {
      ListMessagesResponse page =
          gmail.users().messages().list("me").setMaxResults(5L).setPageToken(pageToken).execute();
      orEmpty(page.getMessages()).forEach(m -> order.add(m.getId()));
      pageToken = page.getNextPageToken();
    } while (pageToken != null);
    Map<String, Set<String>> labels = new HashMap<>();
    for (String id : order) {
      Message m = gmail.users().messages().get("me", id).setFormat("minimal").execute();
      labels.put(id, new TreeSet<>(new LinkedHashSet<>(orEmpty(m.getLabelIds()))));
    }
    return new Rows(order, labels);
  }

  private static long profileHistoryId(Gmail gmail) throws IOException {
    return gmail.users().getProfile("me").execute().getHistoryId().longValueExact();
  }

  private Gmail gmail(String token) {
    return new Gmail.Builder(
            transport, GsonFactory.getDefaultInstance(), StandInTestSupport.bearer(token))
        .setRootUrl(google.apiRootUrl())
        .setApplicationName("stand-in-property")
        .build();
  }
}
