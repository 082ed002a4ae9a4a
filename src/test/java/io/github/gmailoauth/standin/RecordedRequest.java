package io.github.gmailoauth.standin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request the stand-in received, as a test would want to assert on it.
 *
 * <p>Batch parts are recorded as their own entries ({@code batchPart == true}) so that a test can
 * tell "one HTTP round trip carrying 25 calls" from "25 round trips". The maps are immutable and
 * keep the order in which names first appeared; header names are lower-case because HTTP header
 * names are case-insensitive and the JDK server and the batch parser spell them differently.
 *
 * @param method HTTP method, e.g. {@code GET}
 * @param path decoded path without the query, e.g. {@code /gmail/v1/users/me/messages}
 * @param query decoded query parameters
 * @param form decoded {@code application/x-www-form-urlencoded} body parameters (else empty)
 * @param headers headers with lower-case names
 * @param body the body decoded as UTF-8 ("" when none)
 * @param batchPart whether this is an inner request of a batch POST
 */
public record RecordedRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> form,
    Map<String, List<String>> headers,
    String body,
    boolean batchPart) {

  public RecordedRequest {
    // Defensive, immutable copies: tests read these while the server keeps running.
    query = freeze(query);
    form = freeze(form);
    headers = freeze(headers);
    body = body == null ? "" : body;
  }

  /** The first value of a query parameter, or null. */
  public String queryParam(String name) {
    return first(query, name);
  }

  /** The first value of a form parameter, or null. */
  public String formParam(String name) {
    return first(form, name);
  }

  /** The first value of a header (pass the name in lower case), or null. */
  public String header(String lowerCaseName) {
    return first(headers, lowerCaseName);
  }

  private static String first(Map<String, List<String>> map, String name) {
    List<String> values = map.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static Map<String, List<String>> freeze(Map<String, List<String>> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }
}
