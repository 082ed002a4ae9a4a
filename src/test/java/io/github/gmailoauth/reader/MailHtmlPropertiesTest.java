package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Generated hostile-ish HTML (tags, attributes and URL schemes drawn from lists that include the
 * dangerous ones): whatever comes in, what a browser parses from the output holds only what the
 * policy allows. jsoup's HTML5 parser is the oracle for what a browser would build.
 */
class MailHtmlPropertiesTest {
  private static final String APP_IMAGE = "data:image/png;base64,iVBORw0KGgo=";
  private static final Map<String, String> INLINE = Map.of("a", APP_IMAGE);

  private static final List<String> TAGS =
      List.of(
          "p",
          "div",
          "span",
          "a",
          "img",
          "table",
          "tr",
          "td",
          "b",
          "i",
          "ul",
          "li",
          "font",
          "pre",
          "blockquote",
          "h1",
          "br",
          "hr",
          "script",
          "style",
          "iframe",
          "frame",
          "frameset",
          "object",
          "embed",
          "form",
          "input",
          "button",
          "textarea",
          "select",
          "option",
          "meta",
          "base",
          "link",
          "svg",
          "math",
          "mi",
          "template",
          "noscript",
          "xmp",
          "title",
          "plaintext",
          "video",
          "audio",
          "source",
          "body",
          "html",
          "head",
          "isindex",
          "image",
          "annotation-xml",
          "desc",
          "foreignObject");

  private static final List<String> ATTRIBUTES =
      List.of(
          "href",
          "src",
          "style",
          "onclick",
          "onerror",
          "onload",
          "onmouseover",
          "srcset",
          "background",
          "action",
          "formaction",
          "xlink:href",
          "data",
          "target",
          "rel",
          "class",
          "id",
          "name",
          "width",
          "bgcolor",
          "align",
          "alt",
          "title",
          "data-reader-blocked-alt",
          "http-equiv",
          "content",
          "lowsrc",
          "dynsrc",
          "poster",
          "cite",
          "longdesc",
          "usemap",
          "ping");

  private static final List<String> VALUES =
      List.of(
          "javascript:alert(1)",
          "JaVaScRiPt:alert(1)",
          " javascript:alert(1)",
          "java\tscript:alert(1)",
          "&#106;avascript:alert(1)",
          "&#x6A;avascript&colon;alert(1)",
          "vbscript:msgbox(1)",
          "data:text/html,<script>alert(1)</script>",
          "data:image/svg+xml;base64,PHN2Zz4=",
          APP_IMAGE,
          "http://h.example/x.png",
          "https://h.example/x.png",
          "//h.example/x.png",
          "\\\\h.example\\x.png",
          "cid:a",
          "cid:b",
          "mailto:a@example.com",
          "file:///etc/passwd",
          "/relative",
          "x.png",
          "0;url=javascript:alert(1)",
          "expression(alert(1))",
          "color:red",
          "position:fixed;top:0",
          "background:url(http://h.example/b.gif)",
          "background-image:url('https://h.example/c.png')",
          "width:expression(alert(1))",
          "behavior:url(x.htc)",
          "-moz-binding:url(x.xml#x)",
          "font-family:'a\\27;b'",
          "color:\\72 ed",
          "_blank",
          "opener",
          "blocked-image",
          "600",
          "#fff",
          "\"><script>alert(1)</script>",
          "x onerror=alert(1)",
          "` onload=alert(1)");

  private static final List<String> TEXTS =
      List.of(
          "hello",
          "<",
          ">",
          "&",
          "&amp;",
          "&lt;script&gt;",
          "</textarea>",
          "<!--",
          "-->",
          "<![CDATA[",
          "]]>",
          "</style>",
          "</script>",
          "<img src=x onerror=alert(1)>",
          "\"",
          "'",
          "`",
          "\u0000",
          "\u2028",
          "<svg/onload=alert(1)>",
          "<a href=javascript:alert(1)>",
          "<?xml?>",
          "<!doctype html>");

  /** jsoup's document shell around the policy's own elements. */
  private static final Set<String> SHELL = Set.of("#root", "html", "head", "body");

  private static final Set<String> ALLOWED_ATTRIBUTES =
      Set.of(
          "href",
          "target",
          "rel",
          "src",
          "alt",
          "width",
          "height",
          "border",
          "cellpadding",
          "cellspacing",
          "colspan",
          "rowspan",
          "span",
          "bgcolor",
          "align",
          "valign",
          "nowrap",
          "color",
          "face",
          "size",
          "start",
          "value",
          "type",
          "title",
          "dir",
          "lang",
          "class",
          "style");

  private final MailHtml mailHtml = new MailHtml();

  @Property(tries = 600)
  void outputHoldsOnlyWhatThePolicyAllows(
      @ForAll("hostileHtml") String html, @ForAll boolean showRemoteImages) {
    MailHtml.SafeBody body =
        mailHtml.render(new ReadableMessage.Html(html), INLINE, showRemoteImages);
    Document d = Jsoup.parse(body.html());
    for (Element e : d.getAllElements()) {
      assertTrue(
          SHELL.contains(e.normalName()) || MailHtml.KEPT_ELEMENTS.contains(e.normalName()),
          e.normalName() + " in " + body.html());
      for (Attribute a : e.attributes()) {
        String name = a.getKey().toLowerCase(Locale.ROOT);
        assertTrue(ALLOWED_ATTRIBUTES.contains(name), name + " in " + body.html());
        assertFalse(name.startsWith("on"), body.html());
      }
      if (e.hasAttr("class")) {
        assertEquals(MailHtml.BLOCKED_IMAGE_CLASS, e.attr("class"), body.html());
      }
      String style = e.attr("style").toLowerCase(Locale.ROOT);
      assertFalse(
          style.contains("expression")
              || style.contains("behavior")
              || style.contains("binding")
              || style.contains("position"),
          body.html());
      if (style.contains("url(")) {
        assertTrue(showRemoteImages, body.html());
        assertTrue(style.replace("url('https://", "").indexOf("url(") < 0, body.html());
      }
    }
    for (Element a : d.select("a")) {
      String scheme = scheme(a.attr("href"));
      assertTrue(Set.of("http", "https", "mailto").contains(scheme), a.outerHtml());
      assertEquals("_blank", a.attr("target"), a.outerHtml());
      assertTrue(
          Set.of(a.attr("rel").split(" "))
              .containsAll(Set.of("noopener", "noreferrer", "nofollow")),
          a.outerHtml());
    }
    for (Element img : d.select("img")) {
      String src = img.attr("src");
      boolean appImage = src.equals(APP_IMAGE);
      boolean allowedRemote = showRemoteImages && scheme(src).equals("https");
      assertTrue(appImage || allowedRemote, img.outerHtml());
    }
    for (Element e : d.select("[background], [srcset], [action], [formaction], [data], [poster]")) {
      throw new AssertionError("URL attribute kept: " + e.outerHtml());
    }
    for (Element e : d.getAllElements()) {
      for (Attribute a : e.attributes()) {
        if (!Set.of("href", "src", "style").contains(a.getKey())) {
          continue; // title and alt are text: "javascript:" there is words, not a URL
        }
        String value = a.getValue().toLowerCase(Locale.ROOT).replaceAll("[\\s\\u0000]", "");
        assertFalse(value.contains("javascript:") || value.contains("vbscript:"), e.outerHtml());
      }
    }
    assertTrue(body.remoteImagesBlocked() >= 0);
  }

  /**
   * A second sanitising changes nothing: no re-parse (mXSS-style) difference hides in the output.
   */
  @Property(tries = 600)
  void sanitisingTheOutputAgainChangesNothing(
      @ForAll("hostileHtml") String html, @ForAll boolean showRemoteImages) {
    String once =
        mailHtml.render(new ReadableMessage.Html(html), Map.of(), showRemoteImages).html();
    MailHtml.SafeBody twice =
        mailHtml.render(new ReadableMessage.Html(once), Map.of(), showRemoteImages);
    assertEquals(once, twice.html());
  }

  /** The reader page's count (one pass) is the body frame's (two passes, inline images). */
  @Property(tries = 300)
  void thePagesCountIsTheRenderedBodysCount(
      @ForAll("hostileHtml") String html, @ForAll boolean showRemoteImages) {
    ReadableMessage.Html body = new ReadableMessage.Html(html);
    assertEquals(
        mailHtml
            .render(body, Map.of("logo@x", "data:image/png;base64,AAAA"), showRemoteImages)
            .remoteImagesBlocked(),
        mailHtml.remoteImagesBlocked(body, showRemoteImages));
  }

  /**
   * A blocked image and a shown one never coexist for the same URL: counting follows the choice.
   */
  @Property(tries = 200)
  void remoteImgCountMatchesTheImagesHeldBack(@ForAll("remoteImages") List<String> urls) {
    StringBuilder html = new StringBuilder();
    long http = 0;
    for (String u : urls) {
      html.append("<img src=\"").append(u).append("\">");
      if (!u.toLowerCase(Locale.ROOT).startsWith("https:")) {
        http++;
      }
    }
    MailHtml.SafeBody hidden =
        mailHtml.render(new ReadableMessage.Html(html.toString()), Map.of(), false);
    MailHtml.SafeBody shown =
        mailHtml.render(new ReadableMessage.Html(html.toString()), Map.of(), true);
    assertEquals(urls.size(), hidden.remoteImagesBlocked());
    assertEquals(http, shown.remoteImagesBlocked());
    assertEquals(urls.size() - http, Jsoup.parse(shown.html()).select("img").size());
  }

  @Provide
  Arbitrary<List<String>> remoteImages() {
    return Arbitraries.of(
            "https://h.example/a.png",
            "http://h.example/b.gif",
            "//h.example/c.png",
            "HTTPS://H.EXAMPLE/D.PNG",
            "http://h.example/t.gif?u=1&v=2")
        .list()
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> hostileHtml() {
    Arbitrary<String> attribute =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of(ATTRIBUTES), Arbitraries.of(VALUES), Arbitraries.of("\"", "'", ""))
            .as(
                (name, value, quote) ->
                    " "
                        + name
                        + "="
                        + quote
                        + (quote.isEmpty() ? value.replace(" ", "") : value.replace(quote, ""))
                        + quote);
    Arbitrary<String> open =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of(TAGS),
                attribute.list().ofMaxSize(4),
                Arbitraries.of(">", "/>", " >", ""))
            .as((tag, attrs, end) -> "<" + tag + String.join("", attrs) + end);
    Arbitrary<String> close = Arbitraries.of(TAGS).map(t -> "</" + t + ">");
    Arbitrary<String> text = Arbitraries.of(TEXTS);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, open),
            net.jqwik.api.Tuple.of(2, close),
            net.jqwik.api.Tuple.of(3, text))
        .list()
        .ofMaxSize(25)
        .map(parts -> String.join("", parts));
  }

  private static String scheme(String url) {
    int colon = url.indexOf(':');
    return colon < 0 ? "" : url.substring(0, colon).toLowerCase(Locale.ROOT);
  }
}
