package io.github.gmailoauth.testing;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/** Reads what the app's pages say about the session. */
public final class SignedInPage {
  private SignedInPage() {}

  /** The address in the header, or null when nobody is signed in. */
  public static String email(String html) {
    Element who = Jsoup.parse(html).getElementById("signed-in-as");
    return who == null ? null : who.text();
  }
}
