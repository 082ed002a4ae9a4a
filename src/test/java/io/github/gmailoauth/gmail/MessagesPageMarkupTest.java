package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * What the message page's markup and the app's stylesheet promise: every control labelled,
 * landmarks, no script or inline style, a visible focus, and text colours that meet WCAG 2 AA.
 */
@AppWithGoogle(signedIn = true)
class MessagesPageMarkupTest {
  TestApp app;
  Browser browser;

  @Test
  void everyControlIsLabelledAndThePageHasLandmarksAndNoScriptOrInlineStyle() throws Exception {
    HttpResponse<String> response = browser.get(app.url("/messages"));
    Document doc = Jsoup.parse(response.body());
    assertEquals(1, doc.select("main").size(), "one main landmark");
    assertEquals(1, doc.select("main h1").size());
    assertNotNull(doc.selectFirst("form[role=search][method=get]"));
    List<Element> controls = doc.select("input:not([type=hidden]), select, textarea");
    assertEquals(2, controls.size(), "the search box and the page size");
    for (Element control : controls) {
      assertFalse(control.id().isEmpty(), control.outerHtml());
      Element label = doc.selectFirst("label[for=" + control.id() + "]");
      assertNotNull(label, "a label for " + control.id());
      assertFalse(label.text().isBlank());
    }
    assertEquals(25, doc.select("ul.messages > li.message").size(), "the results are a list");
    assertNotNull(doc.selectFirst("nav[aria-label=Pagination] a#next-page"));
    assertEquals(
        5,
        doc.select("nav.filters[aria-label] ul > li > a").size(),
        "the filters are a list of links");
    assertTrue(doc.select("script, style, [style]").isEmpty(), "no script, no inline style");
    for (Element e : doc.getAllElements()) {
      e.attributes().forEach(a -> assertFalse(a.getKey().startsWith("on"), a.toString()));
    }
    assertTrue(
        response
            .headers()
            .firstValue("Content-Security-Policy")
            .orElseThrow()
            .contains("style-src 'self'"));
    assertEquals(
        "/static/app.css",
        doc.selectFirst("link[rel=stylesheet]").attr("href"),
        "served by the app, no CDN");
  }

  @Test
  void theStylesheetHasVisibleFocusAndTextColoursMeetWcagAa() throws Exception {
    HttpResponse<String> response = browser.get(app.url("/static/app.css"));
    assertEquals(200, response.statusCode());
    String css = response.body();
    assertTrue(css.contains(":focus-visible"), "focus styles");
    assertTrue(
        css.matches("(?s).*:focus-visible[^{]*\\{[^}]*outline: 3px solid.*"), "a visible outline");
    assertTrue(
        css.matches("(?s).*\\.message\\.unread \\.from[^{]*\\{[^}]*font-weight: 700.*"),
        "unread is bold");
    assertTrue(
        css.matches("(?s).*\\.filter\\.current \\{[^}]*background: var\\(--current\\).*"),
        "the current filter stands out");
    assertTrue(css.contains("@media (max-width"), "narrow screens get their own layout");
    assertFalse(css.contains("@import") || css.contains("url("), "nothing loaded from elsewhere");

    Map<String, String> colours = new HashMap<>();
    Matcher m = Pattern.compile("--([a-z-]+): (#[0-9a-f]{6});").matcher(css);
    while (m.find()) {
      colours.put(m.group(1), m.group(2));
    }
    String[][] text = {
      {"ink", "card"},
      {"ink", "bg"},
      {"ink", "hover"},
      {"muted", "card"},
      {"muted", "bg"},
      {"muted", "hover"},
      {"accent", "card"},
      {"accent", "bg"},
      {"accent", "hover"},
      {"accent-ink", "accent"},
      {"current-ink", "current"},
      {"danger", "card"}
    };
    for (String[] pair : text) {
      double ratio = contrast(colours.get(pair[0]), colours.get(pair[1]));
      assertTrue(ratio >= 4.5, pair[0] + " on " + pair[1] + ": " + ratio);
    }
    String[][] nonText = {
      {"field-line", "card"}, {"field-line", "bg"}, {"focus", "card"}, {"focus", "bg"}
    };
    for (String[] pair : nonText) {
      double ratio = contrast(colours.get(pair[0]), colours.get(pair[1]));
      assertTrue(ratio >= 3, pair[0] + " on " + pair[1] + ": " + ratio);
    }
  }

  /** WCAG 2 contrast ratio of two #rrggbb colours. */
  private static double contrast(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(String hex) {
    double[] c = new double[3];
    for (int i = 0; i < 3; i++) {
      double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
      c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
}
