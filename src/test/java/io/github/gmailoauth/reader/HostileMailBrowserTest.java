package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.PageServer;
import io.github.gmailoauth.testing.RecordingProxy;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sanitiser alone, witnessed by Chromium: each vector of the hostile-mail corpus through {@link
 * MailHtml#render} (remote images blocked), served as a plain page with no Content-Security-Policy
 * and no sandbox, so that nothing but the sanitiser stands between the vector and the browser. The
 * page must not run script, reach another host or move. The control opens each raw vector the same
 * way and checks the corpus's word for it: a "live" vector does something in Chromium 150, a "dead"
 * one does nothing, so the witness is shown able to see each kind of harm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileMailBrowserTest {
  private PageServer pages;
  private BrowserWitness witness;
  private final MailHtml mailHtml = new MailHtml();

  @BeforeAll
  void start() throws Exception {
    pages = PageServer.start();
    witness = BrowserWitness.start();
  }

  @AfterAll
  void stop() throws Exception {
    try (BrowserWitness w = witness) {
      pages.close();
    }
  }

  static Stream<HostileMail.Vector> vectors() {
    return HostileMail.vectors().stream();
  }

  /**
   * The witness itself: a page with a remote image, an image in a sandboxed frame (another process,
   * which DevTools' log of the top page does not see; the proxy does), a script and a refresh. If
   * this fails, no other result of this class means anything.
   */
  @Test
  @Order(0)
  void theWitnessSeesRequestsScriptsAndNavigation() throws Exception {
    String inner =
        pages.put("/witness-inner", "<img src='http://tracker.invalid/witness-inner.gif'>");
    String url =
        pages.put(
            "/witness",
            "<!doctype html><img src='http://tracker.invalid/witness.gif'>"
                + "<img src='https://images.invalid/witness.png'>"
                + "<img src='http://127.0.0.1:9/another-local-port.png'>"
                + "<iframe sandbox src='"
                + inner
                + "'></iframe><script>window.__pwned=1</script>");
    BrowserWitness.Observation seen = witness.watch(url);
    assertEquals(1L, seen.flag());
    List<String> targets =
        seen.leftBeforeClicks().stream().map(RecordingProxy.Seen::target).toList();
    assertTrue(targets.contains("http://tracker.invalid/witness.gif"), targets.toString());
    assertTrue(targets.contains("http://tracker.invalid/witness-inner.gif"), targets.toString());
    assertTrue(targets.contains("images.invalid:443"), targets.toString());
    assertTrue(
        seen.attemptedBeforeClicks().stream()
            .anyMatch(a -> a.startsWith("http://tracker.invalid/witness.gif")),
        seen.attemptedBeforeClicks().toString());
    assertTrue(
        seen.attemptedBeforeClicks().stream()
            .anyMatch(a -> a.startsWith("http://127.0.0.1:9/another-local-port.png")),
        "another port of a loopback host is another origin: " + seen.attemptedBeforeClicks());

    String moving =
        pages.put(
            "/witness-moves",
            "<meta http-equiv=refresh content='0;url=http://canary.invalid/witness-moves'>");
    BrowserWitness.Observation moved = witness.watch(moving);
    assertTrue(moved.topMoved(moving), "a refresh moves the page");
    assertEquals(
        List.of(moving, "http://canary.invalid/witness-moves"),
        moved.topNavigations(),
        moved.toString());

    // Inside a frame: its flag, and a link that replaces the frame's document.
    String framed =
        pages.put(
            "/witness-framed-inner",
            "<script>window.__pwned=2</script><a href='/witness-framed-elsewhere'>away</a>");
    pages.put("/witness-framed-elsewhere", "<p>elsewhere</p>");
    String outer = pages.put("/witness-framed", "<iframe id=body src='" + framed + "'></iframe>");
    BrowserWitness.Observation inFrame = witness.watch(outer, "iframe#body");
    assertNull(inFrame.flag());
    assertEquals(2L, inFrame.frameFlag());
    assertEquals(List.of(pages.url("/witness-framed-elsewhere")), inFrame.frameUrlsAfterClicks());
    assertEquals(outer, inFrame.topUrlAfterClicks());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  @Order(1)
  void theSanitisedVectorDoesNothing(HostileMail.Vector vector) throws Exception {
    MailHtml.SafeBody safe =
        mailHtml.render(new ReadableMessage.Html(vector.html()), Map.of(), false);
    String url =
        pages.put(
            "/sanitised/" + vector.id(),
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>sanitised</title></head>"
                + "<body>"
                + safe.html()
                + "</body></html>");
    BrowserWitness.Observation seen = witness.watch(url);
    String what = vector.id() + " sanitised to: " + safe.html() + "\n" + seen;
    assertNull(seen.flag(), "a script ran: " + what);
    assertEquals(List.of(), seen.leftBeforeClicks(), "requests left: " + what);
    assertEquals(List.of(), seen.attemptedBeforeClicks(), "requests started: " + what);
    assertEquals(url, seen.topUrlAfterLoad(), "the page moved: " + what);
    assertEquals(url, seen.topUrlAfterClicks(), "a click moved the page: " + what);
    assertEquals(List.of(url), seen.topNavigations(), "the page was replaced: " + what);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  @Order(2)
  void theRawVectorIsAsLiveAsTheCorpusSays(HostileMail.Vector vector) throws Exception {
    String url =
        pages.put("/raw/" + vector.id(), "<!doctype html><meta charset=\"utf-8\">" + vector.html());
    BrowserWitness.Observation seen = witness.watchUntilLive(url);
    boolean live = seen.scriptRan() || seen.anythingLeft() || seen.topLeftOrigin(url);
    if (vector.live()) {
      assertTrue(live, vector.id() + " is marked live but did nothing in Chromium: " + seen);
    } else {
      assertFalse(live, vector.id() + " is marked dead but did something in Chromium: " + seen);
    }
  }
}
