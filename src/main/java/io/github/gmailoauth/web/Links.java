package io.github.gmailoauth.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds the app's own links; every value put into a query is percent-encoded here. */
public final class Links {
  private Links() {}

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
