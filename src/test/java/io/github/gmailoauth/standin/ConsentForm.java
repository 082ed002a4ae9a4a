package io.github.gmailoauth.standin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * The stand-in's consent form as a browser submits it: the address it posts to and the fields it
 * sends, with the preselected account (or the first one) chosen. For test clients that answer the
 * consent page over plain HTTP; tests with a real browser press its buttons instead.
 */
public record ConsentForm(String action, Map<String, String> fields) {

  /** Reads the form of the consent page {@code html} that was served at {@code pageUrl}. */
  public static ConsentForm read(String html, String pageUrl) {
    Element form = Jsoup.parse(html, pageUrl).selectFirst("form");
    if (form == null) {
      throw new IllegalArgumentException("no form on the consent page " + pageUrl);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Element input : form.select("input[type=hidden]")) {
      fields.put(input.attr("name"), input.attr("value"));
    }
    Element user = form.selectFirst("input[name=user][checked]");
    if (user == null) {
      user = form.selectFirst("input[name=user]");
    }
    fields.put("user", user.attr("value"));
    return new ConsentForm(form.absUrl("action"), Collections.unmodifiableMap(fields));
  }

  /** The fields as posted when a person presses Allow ({@code true}) or Cancel. */
  public Map<String, String> pressing(boolean allow) {
    Map<String, String> posted = new LinkedHashMap<>(fields);
    posted.put("decision", allow ? "allow" : "deny");
    return posted;
  }
}
