package io.github.gmailoauth.reader;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.owasp.html.CssSchema;
import org.owasp.html.Handler;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.HtmlStreamEventProcessor;
import org.owasp.html.HtmlStreamEventReceiver;
import org.owasp.html.HtmlStreamEventReceiverWrapper;
import org.owasp.html.HtmlStreamRenderer;
import org.owasp.html.PolicyFactory;

/**
 * Turns a message body into HTML that is safe to show inside the reader's sandboxed frame: HTML
 * sanitised by a well-kept sanitiser with a policy for e-mail, plain text escaped with its line
 * breaks kept and its URLs made links. Remote images are blocked unless the person asked for them,
 * and then only over https.
 *
 * <p>Why the OWASP Java HTML Sanitizer: its CSS sanitiser keeps a style attribute property by
 * property (a schema of allowed properties and values, url() handed to a policy of ours), where
 * jsoup's Safelist can only keep or drop a style attribute whole; e-mail layout lives in style
 * attributes. Its element and attribute policies run on parsed tokens, and its renderer escapes
 * every text and attribute value it writes, so nothing here concatenates markup by hand.
 *
 * <p>The sandboxed frame and its CSP (no script, no form, img-src only data: or, when allowed,
 * https:) are the second wall: this policy is the first, and each wall holds alone.
 */
public final class MailHtml {

  /**
   * The safe HTML of a body and what was held back.
   *
   * @param html a fragment for the body document (no html/head/body elements)
   * @param remoteImagesBlocked how many remote images (img src, CSS backgrounds) were replaced by a
   *     placeholder; with remote images allowed, only the http ones (never loaded) are counted
   */
  public record SafeBody(String html, int remoteImagesBlocked) {}

  /** The class of the placeholder that stands where an image was not loaded. */
  public static final String BLOCKED_IMAGE_CLASS = "blocked-image";

  /**
   * Element policies mark an image they block with this attribute; only the post-processor below
   * reads it, and no sender can set it (it is on no allow-list, and attribute policies run before
   * element policies, so a sender's copy is gone by then).
   */
  private static final String BLOCKED_MARK = "data-reader-blocked-alt";

  /** Longest alt text shown in a placeholder. */
  private static final int MAX_ALT_CHARS = 200;

  /**
   * Elements that only structure or format text. None of them runs script, loads anything, submits
   * anything, or embeds another document (script, style, iframe, frame, object, embed, form, input,
   * button, select, textarea, meta, base, link, svg, math, template, noscript are all absent and so
   * dropped, with the text content of script/style dropped too).
   */
  private static final String[] TEXT_ELEMENTS = {
    "a",
    "abbr",
    "address",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr"
  };

  private static final String[] HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"};

  /** The elements an output can hold (tests check every output against it). */
  static final Set<String> KEPT_ELEMENTS =
      Stream.concat(Stream.of(TEXT_ELEMENTS), Stream.of(HEADINGS)).collect(Collectors.toSet());

  private static final String[] TABLE_PARTS = {
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "col", "colgroup", "caption"
  };

  private static final String[] ALIGNABLE = {
    "p",
    "div",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "col",
    "colgroup",
    "caption",
    "img",
    "hr",
    "center"
  };

  /**
   * CSS properties an e-mail's layout needs that can neither load anything nor escape the element's
   * box: colours, fonts, text layout, box sizes, margins, padding, borders, display. Not allowed:
   * position, z-index, float-free overlays (position: fixed could paint over the frame's whole
   * area), content, behavior, cursor, and any other property that takes url() except the two
   * background ones, whose url()s go through {@link #styleUrls} (blocked, or https only when
   * shown). The sanitiser's CSS grammar drops expression(), escapes and anything not matching a
   * property's value schema.
   */
  private static final CssSchema EMAIL_CSS =
      CssSchema.withProperties(
          List.of(
              "background",
              "background-color",
              "background-image",
              "border",
              "border-bottom",
              "border-bottom-color",
              "border-bottom-style",
              "border-bottom-width",
              "border-collapse",
              "border-color",
              "border-left",
              "border-left-color",
              "border-left-style",
              "border-left-width",
              "border-radius",
              "border-right",
              "border-right-color",
              "border-right-style",
              "border-right-width",
              "border-spacing",
              "border-style",
              "border-top",
              "border-top-color",
              "border-top-style",
              "border-top-width",
              "border-width",
              "color",
              "display",
              "font",
              "font-family",
              "font-size",
              "font-style",
              "font-variant",
              "font-weight",
              "height",
              "letter-spacing",
              "line-height",
              "list-style-type",
              "margin",
              "margin-bottom",
              "margin-left",
              "margin-right",
              "margin-top",
              "max-height",
              "max-width",
              "min-height",
              "min-width",
              "padding",
              "padding-bottom",
              "padding-left",
              "padding-right",
              "padding-top",
              "table-layout",
              "text-align",
              "text-decoration",
              "text-indent",
              "text-transform",
              "vertical-align",
              "white-space",
              "width",
              "word-spacing"));

  private static final Pattern LENGTH = Pattern.compile("\\s*\\d{1,5}(\\.\\d{1,3})?(%|px)?\\s*");
  private static final Pattern SMALL_NUMBER = Pattern.compile("\\s*\\d{1,4}\\s*");
  private static final Pattern COLOR =
      Pattern.compile("\\s*(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,20})\\s*");
  private static final Pattern ALIGN = Pattern.compile("(?i)\\s*(left|right|center|justify)\\s*");
  private static final Pattern VALIGN = Pattern.compile("(?i)\\s*(top|middle|bottom|baseline)\\s*");
  private static final Pattern FONT_FACE = Pattern.compile("[\\w ,'\"-]{1,100}");
  private static final Pattern LIST_TYPE = Pattern.compile("[1aAiI]|disc|circle|square");
  private static final Pattern DIR = Pattern.compile("(?i)ltr|rtl|auto");
  private static final Pattern LANG = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,4}");

  /** http and https URLs inside plain text, up to the first space or markup-ish character. */
  private static final Pattern TEXT_URL =
      Pattern.compile("(?i)\\bhttps?://[^\\s<>\"'\\u0000-\\u001f\\u007f]{1,2000}");

  /**
   * @param inlineImages {@code Content-ID} (without angle brackets) to the URL the frame may load
   *     it from (a {@code data:} URL the app built itself); a {@code cid:} reference missing here
   *     becomes a placeholder
   * @param showRemoteImages the person pressed "Show images" for this message: keep https image
   *     URLs (http ones stay blocked)
   */
  public SafeBody render(
      ReadableMessage.Body body, Map<String, String> inlineImages, boolean showRemoteImages) {
    if (body instanceof ReadableMessage.Html html) {
      Map<String, String> images = inlineImages == null ? Map.of() : inlineImages;
      // Two passes to a fixed point. The sanitiser's tag balancer does not nest exactly as an
      // HTML5 parser does ("<p><tr>" comes out as a table inside a p, which a browser's parser
      // and a second sanitising both split), so the first pass's output is sanitised again with
      // the same policy; MailHtmlPropertiesTest checks that a third pass changes nothing. The
      // first pass counts what it blocks and keeps cid: references the app can serve; the
      // second only resolves them to the app's data: URLs, so no data: URL is ever sanitised.
      Render first = new Render(images, showRemoteImages, false);
      String balanced = first.sanitize(html.html());
      String safe = new Render(images, showRemoteImages, true).sanitize(balanced);
      return new SafeBody(safe, first.blocked);
    }
    if (body instanceof ReadableMessage.Text text) {
      return new SafeBody(textAsHtml(text.text()), 0);
    }
    return new SafeBody("", 0);
  }

  /**
   * How many remote images {@link #render} would hold back, for the reader page's notice: the first
   * pass alone, which is where they are counted, at half the cost of a render.
   */
  public int remoteImagesBlocked(ReadableMessage.Body body, boolean showRemoteImages) {
    if (body instanceof ReadableMessage.Html html) {
      Render first = new Render(Map.of(), showRemoteImages, false);
      first.sanitize(html.html());
      return first.blocked;
    }
    return 0;
  }

  /** The state of one rendering: what the person allowed, and what was counted. */
  private static final class Render {
    private final Map<String, String> inlineImages;
    private final boolean showRemoteImages;
    private final boolean resolveInlineImages;
    private int blocked;

    Render(
        Map<String, String> inlineImages, boolean showRemoteImages, boolean resolveInlineImages) {
      this.inlineImages = inlineImages;
      this.showRemoteImages = showRemoteImages;
      this.resolveInlineImages = resolveInlineImages;
    }

    /**
     * The rendering the policy's image and URL callbacks work for: set around each sanitising,
     * which runs them on the calling thread.
     */
    private static final ThreadLocal<Render> CURRENT = new ThreadLocal<>();

    /**
     * One policy for every rendering: its callbacks find this rendering's choices and counter
     * through {@link #CURRENT}. Building a policy per rendering cost about two thirds as much as
     * the sanitising itself (a JFR profile of {@code bench/run}: 259 of 649 sanitiser samples were
     * in {@code HtmlPolicyBuilder.toFactory}).
     */
    private static final PolicyFactory POLICY = policy();

    /**
     * Sanitises {@code html} with {@link #POLICY}, counting into and choosing by this rendering.
     */
    String sanitize(String html) {
      CURRENT.set(this);
      try {
        return POLICY.sanitize(html);
      } finally {
        CURRENT.remove();
      }
    }

    private static Render current() {
      return CURRENT.get();
    }

    private static PolicyFactory policy() {
      return new HtmlPolicyBuilder()
          .allowElements(TEXT_ELEMENTS)
          .allowElements(HEADINGS)
          // Links: only http, https and mailto, checked on the value after the sanitiser's own
          // protocol filter (which also lets relative and cid: URLs through, for images): a
          // relative link would point into the app. Every link opens a new top-level browsing
          // context with no opener and no referrer, so a mail cannot reach back into the app.
          .allowUrlProtocols("http", "https", "mailto", "cid")
          .allowAttributes("href")
          .matching(MailHtml::linkUrl)
          .onElements("a")
          .allowElements(MailHtml::linkElement, "a")
          .requireRelsOnLinks("noopener", "noreferrer", "nofollow")
          // Images: the element policy decides from src alone (see image()); alt, size and
          // alignment are inert text and numbers.
          .allowAttributes("src")
          .onElements("img")
          .allowAttributes("alt")
          .matching(MailHtml::text)
          .onElements("img")
          .allowAttributes("width", "height")
          .matching(LENGTH)
          .onElements("img", "table", "td", "th", "col", "colgroup", "tr")
          .allowAttributes("border")
          .matching(SMALL_NUMBER)
          .onElements("img", "table")
          .allowElements((element, attrs) -> current().image(element, attrs), "img")
          // Table layout attributes: numbers, colours, keywords; none of them takes a URL.
          .allowAttributes("cellpadding", "cellspacing")
          .matching(SMALL_NUMBER)
          .onElements("table")
          .allowAttributes("colspan", "rowspan", "span")
          .matching(SMALL_NUMBER)
          .onElements(TABLE_PARTS)
          .allowAttributes("bgcolor")
          .matching(COLOR)
          .onElements(TABLE_PARTS)
          .allowAttributes("align")
          .matching(ALIGN)
          .onElements(ALIGNABLE)
          .allowAttributes("align")
          .matching(ALIGN)
          .onElements(HEADINGS)
          .allowAttributes("valign")
          .matching(VALIGN)
          .onElements(TABLE_PARTS)
          .allowAttributes("nowrap")
          .onElements("td", "th")
          // The legacy background attribute is a remote image: never kept, always counted.
          .allowAttributes("background")
          .matching((element, attr, url) -> current().legacyBackground(url))
          .onElements("table", "td", "th", "tr")
          .allowAttributes("color")
          .matching(COLOR)
          .onElements("font")
          .allowAttributes("face")
          .matching(FONT_FACE)
          .onElements("font")
          .allowAttributes("size")
          .matching(Pattern.compile("\\s*[+-]?[1-7]\\s*"))
          .onElements("font")
          .allowAttributes("start", "value")
          .matching(SMALL_NUMBER)
          .onElements("ol", "li")
          .allowAttributes("type")
          .matching(LIST_TYPE)
          .onElements("ol", "ul", "li")
          // Text-only attributes: shown as tooltips or used for text direction and language.
          .allowAttributes("title")
          .matching(MailHtml::text)
          .globally()
          .allowAttributes("dir")
          .matching(DIR)
          .globally()
          .allowAttributes("lang")
          .matching(LANG)
          .globally()
          // Our own placeholder's class survives a second sanitising (the output is a fixed
          // point, which tests check); no other class is kept (a sender's classes mean nothing
          // in the body document, which has no stylesheet of the sender's).
          .allowAttributes("class")
          .matching(Pattern.compile(Pattern.quote(BLOCKED_IMAGE_CLASS)))
          .onElements("span")
          .allowStyling(EMAIL_CSS)
          .allowUrlsInStyles((element, attr, url) -> current().styleUrl(url))
          .withPreprocessor(DroppedTagsRemoved::new)
          .withPostprocessor(PLACEHOLDERS)
          .toFactory();
    }

    /**
     * An img: kept when its src is a cid: the app can serve (rewritten to the app's data: URL), or
     * an https URL the person allowed; otherwise a placeholder. Runs after the attribute policies,
     * so a javascript:, data: or other-scheme src is already gone (the protocol filter allows only
     * http, https, mailto, cid and relative URLs).
     */
    private String image(String elementName, List<String> attrs) {
      String src = value(attrs, "src");
      String alt = value(attrs, "alt");
      String kind = src == null ? "none" : scheme(src);
      String resolved = null;
      switch (kind) {
        case "cid" -> {
          String url = inlineImage(src);
          resolved = url == null ? null : resolveInlineImages ? url : src;
        }
        case "https" -> {
          if (showRemoteImages) {
            resolved = src;
          } else {
            blocked++;
          }
        }
        case "http", "//" -> blocked++;
        default -> {}
      }
      if (resolved != null) {
        set(attrs, "src", resolved);
        return elementName;
      }
      attrs.clear();
      attrs.add(BLOCKED_MARK);
      attrs.add(alt == null ? "" : HeaderText.printable(alt, MAX_ALT_CHARS));
      return elementName;
    }

    private String inlineImage(String src) {
      String id = src.substring("cid:".length()).trim();
      String url = inlineImages.get(id);
      if (url == null) {
        // RFC 2392 section 2: the cid URL is the Content-ID in URL-encoded form.
        try {
          url = inlineImages.get(URLDecoder.decode(id.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException badPercent) {
          url = null;
        }
      }
      // Only the app's own data: URLs are ever inserted (the map's values, which the app built
      // from the attachment bytes); a sender's data: URL never gets this far.
      return url != null && url.startsWith("data:image/") ? url : null;
    }

    /** CSS url(): the sender's styles load nothing unless the person allowed https images. */
    private String styleUrl(String url) {
      String kind = scheme(url);
      if (kind.equals("https") && showRemoteImages) {
        return url;
      }
      if (kind.equals("https") || kind.equals("http") || kind.equals("//")) {
        blocked++;
      }
      return null;
    }

    private String legacyBackground(String url) {
      String kind = scheme(url);
      if (kind.equals("https") || kind.equals("http") || kind.equals("//")) {
        blocked++;
      }
      return null;
    }
  }

  /** Every a gets target=_blank (its rel is added by the sanitiser); an a without href is text. */
  private static String linkElement(String elementName, List<String> attrs) {
    remove(attrs, "target");
    remove(attrs, "rel");
    if (value(attrs, "href") == null) {
      return "span";
    }
    attrs.add("target");
    attrs.add("_blank");
    return elementName;
  }

  private static String linkUrl(String elementName, String attributeName, String value) {
    String kind = scheme(value);
    return kind.equals("http") || kind.equals("https") || kind.equals("mailto")
        ? value.strip()
        : null;
  }

  /**
   * A text attribute without surrounding spaces: the renderer pads a value holding a backtick with
   * two spaces (old IE treated ` as a quote), so an unstripped value would grow by two spaces on
   * every sanitising and the output would never be a fixed point.
   */
  private static String text(String elementName, String attributeName, String value) {
    return value.strip();
  }

  /** "http", "https", "mailto", "cid", "//" (protocol-relative), or "" for anything else. */
  private static String scheme(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    for (String s : new String[] {"https:", "http:", "mailto:", "cid:"}) {
      if (u.startsWith(s)) {
        return s.substring(0, s.length() - 1);
      }
    }
    return u.startsWith("//") || u.startsWith("\\\\") ? "//" : "";
  }

  /**
   * Elements whose content the sanitiser drops along with the element (its own list): their tags
   * must reach the policy so that it knows to skip what is inside.
   */
  private static final Set<String> CONTENT_SKIPPED =
      Set.of(
          "script",
          "style",
          "noscript",
          "nostyle",
          "noembed",
          "noframes",
          "iframe",
          "object",
          "frame",
          "frameset",
          "title");

  /**
   * Drops the tags of elements the policy drops anyway before the sanitiser's tag balancer sees
   * them. The balancer runs before the policy and fixes nesting for the elements it is given: a
   * {@code <p>} inside a {@code <select>} came out as an orphan {@code <li>}, which a second
   * sanitising then wrapped in a {@code <ul>}. With only the kept elements balanced (and the two
   * passes in {@link #render}), sanitising the output again changes nothing (MailHtmlPropertiesTest
   * checks it), so no re-parse of the output builds a different tree than the one the policy
   * approved.
   */
  private static final class DroppedTagsRemoved extends HtmlStreamEventReceiverWrapper {
    DroppedTagsRemoved(HtmlStreamEventReceiver sink) {
      super(sink);
    }

    private static boolean reachesPolicy(String element) {
      return KEPT_ELEMENTS.contains(element) || CONTENT_SKIPPED.contains(element);
    }

    @Override
    public void openTag(String elementName, List<String> attrs) {
      if (reachesPolicy(elementName)) {
        underlying.openTag(elementName, attrs);
      }
    }

    @Override
    public void closeTag(String elementName) {
      if (reachesPolicy(elementName)) {
        underlying.closeTag(elementName);
      }
    }
  }

  /** Turns an image the element policy marked as blocked into a visible placeholder. */
  private static final HtmlStreamEventProcessor PLACEHOLDERS =
      sink ->
          new HtmlStreamEventReceiverWrapper(sink) {
            @Override
            public void openTag(String elementName, List<String> attrs) {
              String alt = value(attrs, BLOCKED_MARK);
              if (!"img".equals(elementName) || alt == null) {
                underlying.openTag(elementName, attrs);
                return;
              }
              underlying.openTag("span", new ArrayList<>(List.of("class", BLOCKED_IMAGE_CLASS)));
              underlying.text(alt.isBlank() ? "[image]" : "[image: " + alt + "]");
              underlying.closeTag("span");
            }
          };

  /**
   * Plain text as HTML: escaped by the sanitiser's renderer, line breaks kept by {@code
   * white-space: pre-wrap}, http and https URLs made links that open like the HTML body's links.
   */
  static String textAsHtml(String text) {
    StringBuilder out = new StringBuilder(text.length() + 64);
    HtmlStreamRenderer renderer = HtmlStreamRenderer.create(out, Handler.DO_NOTHING);
    renderer.openDocument();
    renderer.openTag("div", new ArrayList<>(List.of("style", "white-space: pre-wrap")));
    Matcher urls = TEXT_URL.matcher(text);
    int from = 0;
    while (urls.find()) {
      String url = trimTrailingPunctuation(urls.group());
      renderer.text(text.substring(from, urls.start()));
      renderer.openTag(
          "a",
          new ArrayList<>(
              List.of("href", url, "target", "_blank", "rel", "noopener noreferrer nofollow")));
      renderer.text(url);
      renderer.closeTag("a");
      from = urls.start() + url.length();
    }
    renderer.text(text.substring(from));
    renderer.closeTag("div");
    renderer.closeDocument();
    return out.toString();
  }

  /** "see https://example.com/a." links to https://example.com/a, the full stop stays text. */
  private static String trimTrailingPunctuation(String url) {
    int end = url.length();
    while (end > 0 && ".,;:!?)]}'\"".indexOf(url.charAt(end - 1)) >= 0) {
      end--;
    }
    return url.substring(0, end);
  }

  private static String value(List<String> attrs, String name) {
    for (int i = 0; i + 1 < attrs.size(); i += 2) {
      if (attrs.get(i).equals(name)) {
        return attrs.get(i + 1);
      }
    }
    return null;
  }

  private static void set(List<String> attrs, String name, String value) {
    for (int i = 0; i + 1 < attrs.size(); i += 2) {
      if (attrs.get(i).equals(name)) {
        attrs.set(i + 1, value);
        return;
      }
    }
    attrs.add(name);
    attrs.add(value);
  }

  private static void remove(List<String> attrs, String name) {
    for (int i = attrs.size() - 2; i >= 0; i -= 2) {
      if (attrs.get(i).equals(name)) {
        attrs.subList(i, i + 2).clear();
      }
    }
  }
}
