package io.github.gmailoauth.testing;

import java.util.List;

/**
 * What no page a person sees may contain: traces of Java, Jetty, SQL, the schema and file paths.
 */
public final class PageInternals {
  private PageInternals() {}

  public static final List<String> INTERNALS =
      List.of(
          "Exception",
          "exception",
          "at io.",
          "at org.",
          "SQL",
          "google_grant",
          "jetty",
          "Jetty",
          "12.1",
          "/work/",
          "/tmp/",
          "java.",
          "Caused by",
          "STATUS:",
          "SERVLET:");
}
