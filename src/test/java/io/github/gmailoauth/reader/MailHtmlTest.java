package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The e-mail policy, each construct checked on a jsoup parse of the output. */
class MailHtmlTest {
  private static final String PNG_DATA = "data:image/png;base64,iVBORw0KGgo=";

  private final MailHtml mailHtml = new MailHtml();

  private MailHtml.SafeBody render(String html) {
    return render(html, Map.of(), false);
  }

  private MailHtml.SafeBody render(String html, Map<String, String> images, boolean show) {
    return mailHtml.render(new ReadableMessage.Html(html), images, show);
  }

  private Document doc(String html) {
    return Jsoup.parseBodyFragment(render(html).html());
  }

  @ParameterizedTest(name = "{0} is dropped")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
      script | <p>x</p><script>window.flag=1</script> | script
      style element | <style>body{background:url(https://t.example/x)}</style><p>x</p> | style
      iframe | <iframe src="https://evil.example/"></iframe> | iframe
      frame | <frameset><frame src="https://evil.example/"></frameset> | frame
      object | <object data="https://evil.example/x.swf"></object> | object
      embed | <embed src="https://evil.example/x.swf"> | embed
      form | <form action="https://evil.example/"><input name=p></form> | form
      input | <input type=password name=p> | input
      button | <button formaction="https://evil.example">go</button> | button
      textarea | <textarea>x</textarea> | textarea
      meta refresh | <meta http-equiv=refresh content="0;url=https://evil.example"> | meta
      base | <base href="https://evil.example/"><a href="x">x</a> | base
      link stylesheet | <link rel=stylesheet href="https://evil.example/a.css"> | link
      svg | <svg><script>alert(1)</script></svg> | svg
      math | <math><mi xlink:href="javascript:alert(1)">x</mi></math> | math
      template | <template><img src=x onerror=alert(1)></template> | template
      noscript | <noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript> | noscript
      video | <video src="https://evil.example/v.mp4" autoplay></video> | video
      audio | <audio src="https://evil.example/a.mp3" autoplay></audio> | audio
          """)
  void dangerousElementsAreDropped(String label, String html, String element) {
    Document d = doc(html);
    assertTrue(d.select(element).isEmpty(), d.body().html());
    assertFalse(d.body().html().contains("evil.example"), d.body().html());
  }

  @Test
  void scriptTextIsDroppedWithTheScript() {
    assertFalse(render("<script>window.flag=1</script>").html().contains("flag"));
  }

  @Test
  void eventHandlersAreDropped() {
    Document d =
        doc(
            "<p onclick=\"alert(1)\" onmouseover=alert(2)>x</p><img src=cid:a onerror=alert(3)>"
                + "<body onload=alert(4)><a href=\"https://ok.example\" onfocus=alert(5)>y</a>");
    for (Element e : d.body().getAllElements()) {
      e.attributes().forEach(a -> assertFalse(a.getKey().startsWith("on"), a.getKey()));
    }
    assertEquals("x", d.select("p").text());
  }

  static Stream<String> badLinkUrls() {
    return Stream.of(
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "/logout",
        "relative/path",
        "//evil.example/",
        "cid:part1");
  }

  @ParameterizedTest(name = "link to {0} loses its href")
  @MethodSource("badLinkUrls")
  void onlyHttpHttpsMailtoLinksKeepTheirHref(String url) {
    Document d = doc("<a href=\"" + url + "\">click</a>");
    assertTrue(d.select("a").isEmpty(), d.body().html());
    assertEquals("click", d.body().text());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodLinkUrls")
  void httpHttpsMailtoLinksAreKeptAndOpenInANewContextWithoutOpenerOrReferrer(String url) {
    Document d = doc("<a href=\"" + url + "\" target=\"_self\" rel=\"opener\">go</a>");
    Element a = d.selectFirst("a");
    assertEquals(url, a.attr("href"));
    assertEquals("_blank", a.attr("target"));
    assertEquals(
        java.util.Set.of("noopener", "noreferrer", "nofollow"),
        java.util.Set.of(a.attr("rel").split(" ")));
  }

  static Stream<String> goodLinkUrls() {
    return Stream.of("https://example.com/a?b=c", "http://example.com/", "mailto:a@example.com");
  }

  @Test
  void formattingHeadingsListsQuotesAndCodeAreKept() {
    Document d =
        doc(
            "<h1>T</h1><h3>t</h3><p><b>b</b><i>i</i><u>u</u><strong>s</strong><em>e</em>"
                + "<s>x</s><sub>2</sub><sup>3</sup><br><span>sp</span></p><ul><li>a</li></ul>"
                + "<ol start=3 type=a><li>b</li></ol><dl><dt>t</dt><dd>d</dd></dl>"
                + "<blockquote>q</blockquote><pre><code>c</code></pre><hr><font color=red face=Arial size=2>f</font>");
    for (String tag :
        new String[] {
          "h1",
          "h3",
          "p",
          "b",
          "i",
          "u",
          "strong",
          "em",
          "s",
          "sub",
          "sup",
          "br",
          "ul",
          "ol",
          "li",
          "dl",
          "dt",
          "dd",
          "blockquote",
          "pre",
          "code",
          "hr",
          "font"
        }) {
      assertFalse(d.select(tag).isEmpty(), tag + " in " + d.body().html());
    }
    assertEquals("3", d.selectFirst("ol").attr("start"));
    assertEquals("red", d.selectFirst("font").attr("color"));
  }

  @Test
  void tablesKeepTheirLayoutAttributes() {
    Document d =
        doc(
            "<table width=\"600\" align=\"center\" border=\"0\" cellpadding=\"4\" cellspacing=\"0\""
                + " bgcolor=\"#ffffff\"><tr valign=\"top\"><td width=\"50%\" align=\"right\" valign=\"middle\""
                + " bgcolor=\"#eee\" colspan=\"2\" nowrap>cell</td></tr></table>");
    assertEquals(
        Map.of(
            "width",
            "600",
            "align",
            "center",
            "border",
            "0",
            "cellpadding",
            "4",
            "cellspacing",
            "0",
            "bgcolor",
            "#ffffff"),
        attributes(d.selectFirst("table")));
    assertEquals(
        Map.of(
            "width", "50%", "align", "right", "valign", "middle", "bgcolor", "#eee", "colspan", "2",
            "nowrap", "nowrap"),
        attributes(d.selectFirst("td")));
    assertEquals("top", d.selectFirst("tr").attr("valign"));
  }

  private static Map<String, String> attributes(Element e) {
    Map<String, String> all = new java.util.HashMap<>();
    e.attributes().forEach(a -> all.put(a.getKey(), a.getValue()));
    return all;
  }

  @Test
  void layoutAttributesWithScriptInThemAreDropped() {
    Document d =
        doc(
            "<table width=\"expression(alert(1))\" bgcolor=\"javascript:alert(1)\"><tr><td>x</td></tr></table>");
    Element table = d.selectFirst("table");
    assertFalse(table.hasAttr("width"));
    assertFalse(table.hasAttr("bgcolor"));
  }

  @Test
  void harmlessCssIsKept() {
    Document d =
        doc(
            "<p style=\"color: #333; font-size: 14px; text-align: center; padding: 4px;"
                + " background-color: #fafafa; border: 1px solid #ccc; font-weight: bold\">x</p>");
    String style = d.selectFirst("p").attr("style");
    for (String property :
        new String[] {
          "color", "font-size", "text-align", "padding", "background-color", "border", "font-weight"
        }) {
      assertTrue(style.contains(property), property + " in " + style);
    }
  }

  @Test
  void cssThatPositionsOrRunsIsDropped() {
    Document d =
        doc(
            "<div style=\"position: fixed; top: 0; left: 0; z-index: 9999;"
                + " width: expression(alert(1)); behavior: url(x.htc); -moz-binding: url(x.xml#y)\">x</div>");
    String style = d.selectFirst("div") == null ? "" : d.selectFirst("div").attr("style");
    for (String bad :
        new String[] {"position", "z-index", "expression", "behavior", "binding", "url"}) {
      assertFalse(style.contains(bad), bad + " in " + style);
    }
  }

  @Test
  void cssUrlsAreRemovedAndCountedAsBlockedRemoteImages() {
    MailHtml.SafeBody body =
        render(
            "<td style=\"background-image: url(https://t.example/bg.png); color: red\">a</td>"
                + "<div style=\"background: #fff url('http://t.example/b.gif') no-repeat\">b</div>"
                + "<table background=\"https://t.example/tbl.png\"><tr><td>c</td></tr></table>"
                + "<p style=\"background-image: url(javascript:alert(1))\">d</p>");
    assertFalse(body.html().contains("t.example"), body.html());
    assertFalse(body.html().contains("javascript"), body.html());
    assertEquals(3, body.remoteImagesBlocked());
  }

  @Test
  void httpsCssBackgroundsLoadOnlyWhenShown() {
    String html =
        "<div style=\"background-image: url(https://t.example/bg.png)\">a</div>"
            + "<div style=\"background-image: url(http://t.example/bg.png)\">b</div>";
    MailHtml.SafeBody shown = render(html, Map.of(), true);
    assertTrue(shown.html().contains("https://t.example/bg.png"), shown.html());
    assertFalse(shown.html().contains("http://t.example"), shown.html());
    assertEquals(1, shown.remoteImagesBlocked());
  }

  /** Kept images, placeholders and the blocked count of a rendered body, in one assertion. */
  private static Document assertImages(
      MailHtml.SafeBody body, int kept, int placeholders, int blocked) {
    Document d = Jsoup.parseBodyFragment(body.html());
    int shownPlaceholders = d.select("span." + MailHtml.BLOCKED_IMAGE_CLASS).size();
    assertEquals(
        List.of(kept, placeholders, blocked),
        List.of(d.select("img").size(), shownPlaceholders, body.remoteImagesBlocked()),
        body.html());
    return d;
  }

  @Test
  void remoteImagesAreBlockedByDefaultWithAVisiblePlaceholderAndCounted() {
    String pixel = "<img src=\"https://t.example/pixel.gif\" alt=\"Logo\" width=1 height=1>";
    String others = "<img src=\"http://t.example/a.png\"><img src=\"//t.example/b.png\" alt=\"b\">";
    MailHtml.SafeBody body = render(pixel + others);
    Document d = assertImages(body, 0, 3, 3);
    assertEquals("[image: Logo]", d.selectFirst("span.blocked-image").text());
    assertFalse(body.html().contains("t.example"));
  }

  @Test
  void showingImagesKeepsHttpsOnlyAndStillCountsHttp() {
    String html = "<img src=\"https://t.example/a.png\" alt=a><img src=\"http://t.example/b.png\">";
    Document d = assertImages(render(html, Map.of(), true), 1, 1, 1);
    assertEquals("https://t.example/a.png", d.selectFirst("img").attr("src"));
  }

  /**
   * One policy serves every rendering: renderings on many threads at once each keep their own
   * choice, count and inline images.
   */
  @Test
  void concurrentRenderingsKeepTheirOwnChoicesAndCounts() throws Exception {
    String html =
        "<img src=\"https://t.example/a.png\"><img src=\"http://t.example/b.png\">"
            + "<img src=\"cid:logo\">";
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean show = i % 2 == 0;
        Map<String, String> images = i % 3 == 0 ? Map.of("logo", PNG_DATA) : Map.of();
        runs.add(
            pool.submit(
                () -> {
                  MailHtml.SafeBody body = render(html, images, show);
                  assertEquals(show ? 1 : 2, body.remoteImagesBlocked(), body.html());
                  assertEquals(show, body.html().contains("https://t.example/a.png"), body.html());
                  assertEquals(
                      !images.isEmpty(), body.html().contains("data:image/png"), body.html());
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cidImagesResolveThroughTheAppsMap() {
    Map<String, String> images = Map.of("logo@example.com", PNG_DATA, "pct@example.com", PNG_DATA);
    String html =
        "<img src=\"cid:logo@example.com\" alt=logo><img src=\"cid:missing\" alt=m>"
            + "<img src=\"cid:pct%40example.com\">";
    Document d = assertImages(render(html, images, false), 2, 1, 0);
    d.select("img").forEach(img -> assertEquals(PNG_DATA, img.attr("src")));
    assertEquals("[image: m]", d.selectFirst("span.blocked-image").text());
  }

  @Test
  void aSendersDataUrlIsNeverKeptEvenWhenItEqualsAnAppUrl() {
    MailHtml.SafeBody body =
        render(
            "<img src=\""
                + PNG_DATA
                + "\"><img src=\"data:image/svg+xml,<svg onload=alert(1)>\">"
                + "<a href=\"data:text/html,x\">d</a>",
            Map.of("x", PNG_DATA),
            true);
    assertFalse(body.html().contains("data:"), body.html());
    assertEquals(0, body.remoteImagesBlocked());
  }

  @Test
  void aSenderCannotForgeThePlaceholderMark() {
    Document d =
        doc(
            "<img data-reader-blocked-alt=\"<b>x</b>\" src=\"https://t.example/a.png\">"
                + "<span data-reader-blocked-alt=\"y\">z</span>");
    assertEquals("[image]", d.selectFirst("span.blocked-image").text());
    assertTrue(d.select("[data-reader-blocked-alt]").isEmpty());
  }

  @Test
  void javascriptAndOtherSchemesInImgSrcBecomeUncountedPlaceholders() {
    MailHtml.SafeBody body =
        render("<img src=\"javascript:alert(1)\"><img src=\"vbscript:x\"><img src=\"x.png\">");
    assertFalse(body.html().contains("script"), body.html());
    assertEquals(3, Jsoup.parseBodyFragment(body.html()).select("span.blocked-image").size());
    assertEquals(0, body.remoteImagesBlocked());
  }

  @Test
  void srcsetIsDropped() {
    Document d =
        mailHtmlShown("<img src=\"https://a.example/1.png\" srcset=\"http://t.example/2.png 2x\">");
    assertEquals("https://a.example/1.png", d.selectFirst("img").attr("src"));
    assertFalse(d.selectFirst("img").hasAttr("srcset"));
  }

  private Document mailHtmlShown(String html) {
    return Jsoup.parseBodyFragment(render(html, Map.of(), true).html());
  }

  @Test
  void plainTextIsEscapedKeepsLineBreaksAndLinksUrls() {
    MailHtml.SafeBody body =
        mailHtml.render(
            new ReadableMessage.Text(
                "Hi <b>there</b> & co\nsee https://example.com/a?b=1&c=2.\n"
                    + "not javascript:alert(1) nor http://x.example/\"onmouseover=alert(1)"),
            Map.of(),
            false);
    Document d = Jsoup.parseBodyFragment(body.html());
    Element wrapper = d.body().child(0);
    assertTrue(wrapper.attr("style").contains("pre-wrap"));
    assertTrue(d.select("b").isEmpty(), body.html());
    assertTrue(
        wrapper
            .wholeText()
            .startsWith("Hi <b>there</b> & co\nsee https://example.com/a?b=1&c=2.\n"));
    assertEquals(2, d.select("a").size());
    Element first = d.selectFirst("a");
    assertEquals("https://example.com/a?b=1&c=2", first.attr("href"));
    assertEquals("_blank", first.attr("target"));
    assertEquals("noopener noreferrer nofollow", first.attr("rel"));
    assertEquals("http://x.example/", d.select("a").get(1).attr("href"));
    d.getAllElements()
        .forEach(e -> e.attributes().forEach(a -> assertFalse(a.getKey().startsWith("on"))));
    assertEquals(0, body.remoteImagesBlocked());
  }

  @Test
  void emptyBodyIsEmpty() {
    assertEquals(
        new MailHtml.SafeBody("", 0),
        mailHtml.render(new ReadableMessage.Empty(), Map.of(), false));
  }
}
