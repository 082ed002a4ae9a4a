package io.github.gmailoauth.gmail;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.standin.StandInUser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The list page's rows as the person sees them, and what the stand-in's mailbox (the truth) says of
 * the same messages: the row cache's tests (issue 15) compare the two after every change.
 */
public final class ListedRows {
  private ListedRows() {}

  /** The page's rows in the order shown: id → unread. */
  public static Map<String, Boolean> shown(Document page) {
    Map<String, Boolean> rows = new HashMap<>();
    for (Element li : page.select("li.message")) {
      rows.put(id(li.selectFirst("a.read").attr("href")), li.hasClass("unread"));
    }
    return rows;
  }

  /** The ids of the page's rows, in the order shown. */
  public static List<String> order(Document page) {
    return page.select("li.message a.read").stream().map(a -> id(a.attr("href"))).toList();
  }

  /** What the stand-in says of the same ids: id → unread (a deleted message is not there). */
  public static Map<String, Boolean> truth(StandInUser user, Set<String> ids) {
    Map<String, Boolean> expected = new HashMap<>();
    for (StandInMessage m : user.messages()) {
      if (ids.contains(m.id())) {
        expected.put(m.id(), m.labelIds().contains("UNREAD"));
      }
    }
    return expected;
  }

  /** The newest {@code n} ids carrying {@code label}, in the stand-in's (Gmail's) order. */
  public static List<String> newest(StandInUser user, String label, int n) {
    return user.messages().stream()
        .filter(m -> m.labelIds().contains(label))
        .map(StandInMessage::id)
        .limit(n)
        .toList();
  }

  /**
   * The Gmail API paths the app called since the stand-in's record was cleared (a batch counts
   * once, as {@code /batch/...}).
   */
  public static List<String> gmailCalls(StandInGoogle google) {
    return google.requests().stream()
        .filter(r -> !r.batchPart())
        .map(RecordedRequest::path)
        .filter(p -> p.startsWith("/gmail/") || p.startsWith("/batch"))
        .toList();
  }

  /** How many rows the app fetched (batch parts) since the stand-in's record was cleared. */
  public static long rowsFetched(StandInGoogle google) {
    return google.requests().stream().filter(RecordedRequest::batchPart).count();
  }

  /**
   * Makes none to three changes to messages among the newest 30 of the inbox, each at random: read,
   * unread, starred, out of the inbox, deleted for good, or a new message arriving.
   */
  public static void changeAtRandom(StandInUser user, Random random, int view) {
    List<String> ids = newest(user, "INBOX", 30);
    for (int change = random.nextInt(4); change > 0; change--) {
      String id = ids.get(random.nextInt(ids.size()));
      switch (random.nextInt(6)) {
        case 0 -> user.markRead(id);
        case 1 -> user.addLabels(id, "UNREAD");
        case 2 -> user.star(id);
        case 3 -> user.removeLabels(id, "INBOX");
        case 4 -> {
          if (user.messages().stream().anyMatch(m -> m.id().equals(id))) {
            user.deleteMessage(id);
          }
        }
        default ->
            user.receiveMessage(
                "New <new@example.org>", "Arrived " + view, "hi", "INBOX", "UNREAD");
      }
    }
  }

  private static String id(String readHref) {
    return readHref.substring(readHref.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
  }
}
